/* Established Child SAs in the kernel (see tunnels.h). */
#include "tunnels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr_conv.h"
#include "esp_algs.h"
#include "larval.h"

struct tunnel {
	struct tunnel_info info;
	/* Idle teardown (tunnel_idle_collect): both SAs' byte total at the
	 * last scan, and when it last changed; unknown until the first scan. */
	uint64_t bytes_seen, active_ms;
	bool active_known;
	struct tunnel *next;
	size_t npol;
	struct kernel_policy pol[]; /* out, in, fwd (tunnel mode), per rule: as many as it has */
};

struct tunnel_table {
	struct kernel *k;
	struct tunnel *list;
	unsigned count;
	uint32_t last_reqid, last_instance;
};

int tunnel_table_new(struct kernel *k, struct tunnel_table **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	(*out)->k = k;
	(*out)->last_reqid = KERNEL_REQID_TRAP;
	return 0;
}

static struct tunnel *tunnel_of_peer(const struct tunnel_table *t, const struct kernel_addr *peer)
{
	for (struct tunnel *x = t->list; x != NULL; x = x->next)
		if (addr_conv_kernel_equal(&x->info.peer, peer))
			return x;
	return NULL;
}

/* The tunnel of exactly this pair of addresses (a node with several
 * addresses has one tunnel from each of them to the same peer). */
static struct tunnel *tunnel_of_pair(const struct tunnel_table *t, const struct kernel_addr *local,
				     const struct kernel_addr *peer)
{
	for (struct tunnel *x = t->list; x != NULL; x = x->next)
		if (addr_conv_kernel_equal(&x->info.peer, peer) && addr_conv_kernel_equal(&x->info.local, local))
			return x;
	return NULL;
}

static bool tunnel_reqid_used(const struct tunnel_table *t, uint32_t reqid)
{
	for (const struct tunnel *x = t->list; x != NULL; x = x->next)
		if (x->info.reqid == reqid)
			return true;
	return false;
}

/* A reqid of our range that no tunnel uses; never the traps' one. */
static uint32_t tunnel_reqid_new(struct tunnel_table *t)
{
	do {
		t->last_reqid = t->last_reqid >= KERNEL_REQID_MAX ? KERNEL_REQID_TRAP + 1 : t->last_reqid + 1;
	} while (tunnel_reqid_used(t, t->last_reqid));
	return t->last_reqid;
}

/* One SA of the pair; in: peer -> us. */
static int tunnel_sa(const struct ike_child_info *c, bool in, uint32_t reqid, struct kernel_sa *sa, char *why,
		     size_t whylen)
{
	memset(sa, 0, sizeof(*sa));
	const struct ike_addr *src = in ? &c->peer : &c->local, *dst = in ? &c->local : &c->peer;
	addr_conv_ike_to_kernel(src, &sa->src);
	addr_conv_ike_to_kernel(dst, &sa->dst);
	sa->spi = in ? c->spi_in : c->spi_out;
	sa->reqid = reqid;
	sa->mode = c->transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	sa->esn = c->esn;
	sa->replay_window = c->esn ? 128 : 32;
	sa->hard.add_seconds = c->lifetime_ms / 1000;
	/* A NAT between us (the engine's NAT detection): ESP goes in UDP on the
	 * IKE ports. A peer that merely moved to 4500 (MOBIKE) sends plain ESP. */
	if (c->encap) {
		sa->encap = true;
		sa->encap_sport = src->port;
		sa->encap_dport = dst->port;
	}
	return esp_algs_to_kernel(c->encr, c->key_bits, c->integ, in ? c->key_in_encr : c->key_out_encr, c->encr_len,
				  in ? c->key_in_integ : c->key_out_integ, c->integ_len, sa, why, whylen);
}

/* One policy of the tunnel: port NULL for the host-wide ones (the Child
 * SA's own selector), else a port rule's with its action. */
static void tunnel_policy(const struct ike_child_info *c, enum kernel_dir dir, uint32_t reqid,
			  const struct peer_port *port, struct kernel_policy *p)
{
	memset(p, 0, sizeof(*p));
	struct kernel_addr local, peer;
	addr_conv_ike_to_kernel(&c->local, &local);
	addr_conv_ike_to_kernel(&c->peer, &peer);
	bool out = dir == KERNEL_DIR_OUT;
	kernel_selector_host(out ? &local : &peer, out ? &peer : &local, &p->sel);
	uint16_t lport = port ? port->lport : c->lport, rport = port ? port->rport : c->pport;
	p->sel.proto = port ? port->proto : c->proto;
	p->sel.sport = out ? lport : rport;
	p->sel.dport = out ? rport : lport;
	p->dir = dir;
	p->priority = kernel_priority(&p->sel, KERNEL_RANK_TUNNEL);
	if (port != NULL && port->action != PEER_ENCRYPT) {
		p->kind = port->action == PEER_DROP ? KERNEL_POLICY_DROP : KERNEL_POLICY_PASS;
		return;
	}
	p->kind = KERNEL_POLICY_TUNNEL;
	p->reqid = reqid;
	p->mode = c->transport ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	if (!c->transport) {
		p->tmpl_src = out ? local : peer;
		p->tmpl_dst = out ? peer : local;
	}
}

/* The policies of one rule (port NULL: the host-wide one) in every direction. */
static void tunnel_policies_of(struct tunnel *x, const struct ike_child_info *c, const struct peer_port *port)
{
	tunnel_policy(c, KERNEL_DIR_OUT, x->info.reqid, port, &x->pol[x->npol++]);
	tunnel_policy(c, KERNEL_DIR_IN, x->info.reqid, port, &x->pol[x->npol++]);
	/* Tunnel mode: what is forwarded for the peer's inner addresses too. */
	if (!c->transport)
		tunnel_policy(c, KERNEL_DIR_FWD, x->info.reqid, port, &x->pol[x->npol++]);
}

static void tunnel_fill_info(struct tunnel *x, const struct ike_child_info *c, const struct tunnel_label *label)
{
	struct tunnel_info *i = &x->info;
	i->serial = c->serial;
	i->ike_serial = c->ike_serial;
	addr_conv_ike_to_kernel(&c->local, &i->local);
	addr_conv_ike_to_kernel(&c->peer, &i->peer);
	i->spi_in = c->spi_in;
	i->spi_out = c->spi_out;
	i->transport = c->transport;
	i->initiator = c->initiator;
	snprintf(i->group, sizeof(i->group), "%s", label->group);
	snprintf(i->cidr, sizeof(i->cidr), "%s", label->cidr);
	i->authby = label->authby;
	i->rules = label->rules;
	i->nports = label->ports ? label->ports->n : 0;
	snprintf(i->peer_id, sizeof(i->peer_id), "%s", c->peer_id ? c->peer_id : "");
	i->peer_auth = c->peer_auth;
	i->add_time = (uint64_t)time(NULL);
}

/* The kernel part: SAs (replacing the larval inbound SA that allocated the
 * SPI), then the policies; the held packets are released by the caller. */
static int tunnel_kernel(struct tunnel_table *t, struct tunnel *x, const struct ike_child_info *c, char *why,
			 size_t whylen)
{
	struct kernel_tunnel kt;
	memset(&kt, 0, sizeof(kt));
	int r = tunnel_sa(c, false, x->info.reqid, &kt.out_sa, why, whylen);
	if (r == 0)
		r = tunnel_sa(c, true, x->info.reqid, &kt.in_sa, why, whylen);
	if (r == 0) {
		/* kernel_tunnel_install adds the inbound SA; the larval one from
		 * ALLOCSPI holds that SPI, so it goes first (absent: harmless). */
		kernel_sa_delete(t->k, &kt.in_sa.src, &kt.in_sa.dst, kt.in_sa.spi, NULL);
		kt.policies = x->pol;
		kt.npolicies = x->npol;
		struct kernel_error err;
		if ((r = kernel_tunnel_install(t->k, &kt, &err)) != 0)
			snprintf(why, whylen, "kernel: %s", err.msg);
	}
	explicit_bzero(&kt, sizeof(kt)); /* keys */
	return r;
}

int tunnel_install(struct tunnel_table *t, const struct ike_child_info *c, const struct tunnel_label *label,
		   const struct kernel_policy *holding, size_t nholding, char *why, size_t whylen)
{
	const struct peer_ports *pp = label->ports;
	size_t rules = (pp == NULL || pp->host ? 1 : 0) + (pp != NULL ? pp->n : 0);
	struct tunnel *x = calloc(1, sizeof(*x) + rules * (c->transport ? 2 : 3) * sizeof(x->pol[0]));
	if (x == NULL) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	struct kernel_addr peer;
	addr_conv_ike_to_kernel(&c->peer, &peer);
	struct kernel_addr here;
	addr_conv_ike_to_kernel(&c->local, &here);
	const struct tunnel *sibling = tunnel_of_pair(t, &here, &peer);
	/* A rekey keeps the peer's reqid: the policies then switch in place. */
	x->info.reqid = sibling ? sibling->info.reqid : tunnel_reqid_new(t);
	x->info.instance = sibling ? sibling->info.instance : ++t->last_instance;
	tunnel_fill_info(x, c, label);
	/* A rekey carries no new traffic by itself: the peer's idle time goes on. */
	if (sibling != NULL && sibling->active_known) {
		x->active_ms = sibling->active_ms;
		x->active_known = true;
	}
	if (pp == NULL || pp->host)
		tunnel_policies_of(x, c, NULL);
	for (unsigned i = 0; pp != NULL && i < pp->n; i++)
		tunnel_policies_of(x, c, &pp->v[i]);
	int r = tunnel_kernel(t, x, c, why, whylen);
	if (r != 0) {
		struct kernel_addr local;
		addr_conv_ike_to_kernel(&c->local, &local);
		kernel_sa_delete(t->k, &peer, &local, c->spi_in, NULL);
		free(x);
		return r;
	}
	x->next = t->list;
	t->list = x;
	t->count++;
	/* The tunnel stands; a failed release only delays the held packets. */
	if (nholding > 0)
		kernel_hold_release(t->k, holding, nholding, NULL);
	/* The ACQUIRE's larval state would outlive the tunnel and mute the
	 * trap once the tunnel goes (larval.h). A rekey has none. */
	if (sibling == NULL)
		larval_retire(t->k, &x->info.local, &x->info.peer, NULL);
	return 0;
}

static void tunnel_kernel_remove(struct tunnel_table *t, const struct tunnel *x, bool policies)
{
	/* Policies first: the trap applies again, never a policy without SA. */
	for (size_t i = 0; policies && i < x->npol; i++)
		kernel_policy_delete(t->k, &x->pol[i].sel, x->pol[i].dir, NULL);
	kernel_sa_delete(t->k, &x->info.local, &x->info.peer, x->info.spi_out, NULL);
	kernel_sa_delete(t->k, &x->info.peer, &x->info.local, x->info.spi_in, NULL);
}

int tunnel_remove(struct tunnel_table *t, uint32_t serial)
{
	for (struct tunnel **p = &t->list; *p != NULL; p = &(*p)->next) {
		struct tunnel *x = *p;
		if (x->info.serial != serial)
			continue;
		*p = x->next;
		t->count--;
		/* A rekeyed sibling still uses the peer's policies. */
		tunnel_kernel_remove(t, x, tunnel_of_pair(t, &x->info.local, &x->info.peer) == NULL);
		free(x);
		return 0;
	}
	return -ENOENT;
}

void tunnel_table_free(struct tunnel_table *t)
{
	if (t == NULL)
		return;
	while (t->list != NULL)
		tunnel_remove(t, t->list->info.serial);
	free(t);
}

void tunnel_table_each(const struct tunnel_table *t, tunnel_each_cb cb, void *ctx)
{
	for (const struct tunnel *x = t->list; x != NULL; x = x->next)
		cb(ctx, &x->info);
}

unsigned tunnel_table_count(const struct tunnel_table *t)
{
	return t->count;
}

bool tunnel_table_has_peer(const struct tunnel_table *t, const struct kernel_addr *peer)
{
	return tunnel_of_peer(t, peer) != NULL;
}

void tunnel_stats(struct tunnel_table *t, const struct tunnel_info *ti, struct kernel_sa_stats *in,
		  struct kernel_sa_stats *out)
{
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (kernel_sa_get(t->k, &ti->peer, &ti->local, ti->spi_in, in, NULL) != 0)
		memset(in, 0, sizeof(*in));
	if (kernel_sa_get(t->k, &ti->local, &ti->peer, ti->spi_out, out, NULL) != 0)
		memset(out, 0, sizeof(*out));
}

static bool tunnel_idle_listed(const struct tunnel_idle *v, size_t n, const struct tunnel *x)
{
	for (size_t i = 0; i < n; i++)
		if (addr_conv_kernel_equal(&v[i].peer, &x->info.peer) && addr_conv_kernel_equal(&v[i].local, &x->info.local))
			return true;
	return false;
}

/* Every tunnel of x's address pair (rekeyed siblings) has been idle. */
static bool tunnel_pair_idle(const struct tunnel_table *t, const struct tunnel *x, uint64_t now_ms, uint64_t idle_ms)
{
	for (const struct tunnel *y = t->list; y != NULL; y = y->next)
		if (addr_conv_kernel_equal(&y->info.peer, &x->info.peer) &&
		    addr_conv_kernel_equal(&y->info.local, &x->info.local) && now_ms - y->active_ms < idle_ms)
			return false;
	return true;
}

size_t tunnel_idle_collect(struct tunnel_table *t, uint64_t now_ms, uint64_t idle_ms, struct tunnel_idle *out,
			   size_t max)
{
	for (struct tunnel *x = t->list; x != NULL; x = x->next) {
		struct kernel_sa_stats in, o;
		tunnel_stats(t, &x->info, &in, &o);
		uint64_t total = in.bytes + o.bytes;
		if (!x->active_known || total != x->bytes_seen || now_ms < x->active_ms) {
			x->bytes_seen = total;
			x->active_ms = now_ms;
			x->active_known = true;
		}
	}
	size_t n = 0;
	for (const struct tunnel *x = t->list; x != NULL && n < max; x = x->next) {
		if (now_ms - x->active_ms < idle_ms || tunnel_idle_listed(out, n, x) ||
		    !tunnel_pair_idle(t, x, now_ms, idle_ms))
			continue;
		out[n].local = x->info.local;
		out[n].peer = x->info.peer;
		out[n].idle_ms = now_ms - x->active_ms;
		n++;
	}
	return n;
}
