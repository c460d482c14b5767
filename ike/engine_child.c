/* engine_child.c: Child SA keys (RFC 7296 2.17), traffic selectors
 * narrowed to the host-to-host pair, and the child_up/child_down events. */
#include <string.h>

#include "engine_int.h"

void eng_ts_host(const struct ike_addr *a, struct ike_ts_payload *out)
{
	memset(out, 0, sizeof(*out));
	struct ike_ts *t = &out->ts[0];
	t->type = a->family == AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	t->start_port = 0;
	t->end_port = 65535;
	memcpy(t->start, a->ip, eng_addr_len(a));
	memcpy(t->end, a->ip, eng_addr_len(a));
	out->n_ts = 1;
}

/* The kernel selects one port or all of them. */
static bool ts_ports_ok(const struct ike_ts *t)
{
	return t->start_port == t->end_port || (t->start_port == 0 && t->end_port == 65535);
}

int eng_ts_narrow(const struct ike_ts_payload *p, const struct ike_addr *a, struct ike_ts *out)
{
	uint8_t type = a->family == AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	size_t n = eng_addr_len(a);
	for (unsigned i = 0; i < p->n_ts; i++) {
		const struct ike_ts *t = &p->ts[i];
		if (t->type != type || !ts_ports_ok(t) || memcmp(t->start, a->ip, n) > 0 || memcmp(a->ip, t->end, n) > 0)
			continue;
		*out = *t;
		memcpy(out->start, a->ip, n);
		memcpy(out->end, a->ip, n);
		return 0;
	}
	return -1;
}

static uint16_t ts_port(const struct ike_ts *t)
{
	return t->start_port == t->end_port ? t->start_port : 0;
}

/* What child_up and child_down say of child c; no keys. */
static void eng_child_info(const struct ike_sa *sa, const struct eng_child *c, struct ike_child_info *info)
{
	memset(info, 0, sizeof(*info));
	info->serial = c->serial;
	info->ike_serial = sa->serial;
	info->group = sa->conf.group;
	info->local = sa->local;
	info->peer = sa->peer;
	info->initiator = sa->initiator;
	info->transport = c->transport;
	info->encap = sa->nat;
	info->spi_in = c->spi_in;
	info->spi_out = c->spi_out;
	info->encr = c->esp.encr;
	info->key_bits = c->esp.key_bits;
	info->integ = c->esp.integ;
	info->lifetime_ms = sa->conf.child_lifetime_ms;
	info->peer_id = sa->peer_id;
	info->peer_auth = sa->peer_auth;
	info->peer_certs = sa->peer_certs;
}

void eng_child_new_auth(const struct ike_sa *sa, struct eng_child_new *n)
{
	memset(n, 0, sizeof(*n));
	n->ni = sa->ni;
	n->ni_len = sa->ni_len;
	n->nr = sa->nr;
	n->nr_len = sa->nr_len;
	n->we_initiated = sa->initiator;
}

int eng_child_install(struct ike_sa *sa, const struct eng_child_new *n)
{
	const struct ike_suite *esp = &n->esp;
	const struct ike_crypto_encr_info *ei = ike_crypto_algs_encr(esp->encr, esp->key_bits);
	const struct ike_crypto_integ_info *ii = esp->integ ? ike_crypto_algs_integ(esp->integ) : NULL;
	if (ei == NULL || (esp->integ != 0 && ii == NULL) || sa->n_children >= ENG_MAX_CHILD)
		return -1;
	struct ike_crypto_child_keys k;
	size_t elen = ei->key_len + ei->salt_len, ilen = ii ? ii->key_len : 0;
	PK11SymKey *sk_d;
	if (eng_sk_d(sa, &sk_d) != 0)
		return -1;
	int kr = ike_crypto_keymat_child(sa->suite.prf, sk_d, n->gir, n->ni, n->ni_len, n->nr, n->nr_len, elen, ilen, &k);
	PK11_FreeSymKey(sk_d);
	if (kr != 0)
		return -1;
	struct eng_child *c = &sa->child[sa->n_children++];
	memset(c, 0, sizeof(*c));
	c->serial = sa->e->next_serial++;
	c->spi_in = n->spi_in;
	c->spi_out = n->spi_out;
	c->esp = *esp;
	c->transport = n->transport;
	c->added_ms = eng_now(sa->e);
	if (sa->conf.child_lifetime_ms != 0)
		c->rekey_ms = c->added_ms + sa->conf.child_lifetime_ms / 100 * (n->we_initiated ? 90 : 95);
	struct ike_child_info info;
	eng_child_info(sa, c, &info);
	/* ei/ai protect what the exchange's initiator sends. */
	info.key_out_encr = n->we_initiated ? k.ei : k.er;
	info.key_out_integ = n->we_initiated ? k.ai : k.ar;
	info.key_in_encr = n->we_initiated ? k.er : k.ei;
	info.key_in_integ = n->we_initiated ? k.ar : k.ai;
	info.encr_len = elen;
	info.integ_len = ilen;
	info.proto = n->tsl.ip_proto;
	info.lport = ts_port(&n->tsl);
	info.pport = ts_port(&n->tsp);
	info.replaces = n->replaces;
	eng_sa_log(sa, IKE_LOG_INFO, "Child SA #%u %s: ESP %s, SPIs in %08x out %08x, peer %s", c->serial,
		   n->replaces ? "rekeyed" : "up", n->transport ? "transport" : "tunnel", n->spi_in, n->spi_out,
		   sa->peer_id);
	int r = sa->e->env.child_up != NULL ? sa->e->env.child_up(sa->e->env.ctx, &info) : 0;
	ike_crypto_keymat_child_clear(&k);
	if (r != 0) {
		eng_sa_log(sa, IKE_LOG_INFO, "Child SA #%u could not be installed here: not kept", c->serial);
		sa->n_children--; /* c is the last one */
		return -1;
	}
	if (n->spi_in == sa->child_spi_in)
		sa->child_spi_unused = false; /* the Child SA owns it now */
	return 0;
}

void eng_child_down_at(struct ike_sa *sa, unsigned i)
{
	if (i >= sa->n_children)
		return;
	struct eng_child c = sa->child[i];
	sa->child[i] = sa->child[--sa->n_children];
	struct ike_child_info info;
	eng_child_info(sa, &c, &info);
	eng_sa_log(sa, IKE_LOG_INFO, "Child SA #%u down", c.serial);
	if (sa->e->env.child_down != NULL && !sa->e->freeing)
		sa->e->env.child_down(sa->e->env.ctx, &info);
}

void eng_child_down_all(struct ike_sa *sa)
{
	while (sa->n_children > 0)
		eng_child_down_at(sa, sa->n_children - 1);
}
