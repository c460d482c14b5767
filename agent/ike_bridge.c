/* The IKE engine on the agent's loop (see ike_bridge.h): lifecycle and the
 * simple callbacks of struct ike_env. Sockets are in ike_bridge_net.c, the
 * engine's results in ike_bridge_events.c. */
#include "ike_bridge_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_conv.h"
#include "ike/crypto_rand.h"
#include "larval.h"
#include "log.h"
#include "peer_conf.h"
#include "peer_rules.h"
#include "plan_kernel.h"

#define IKE_BRIDGE_SPI_MIN 0x100u
#define IKE_BRIDGE_SPI_MAX 0xffffffffu

static void ike_bridge_timer_arm(void *ctx, uint64_t token, uint64_t delay_ms)
{
	struct ike_bridge *b = ctx;
	if (ike_timers_arm(b->timers, token, delay_ms) != 0)
		log_error("IKE: out of memory arming a timer");
}

static void ike_bridge_timer_cancel(void *ctx, uint64_t token)
{
	struct ike_bridge *b = ctx;
	ike_timers_cancel(b->timers, token);
}

static void ike_bridge_timer_fired(void *ctx, uint64_t token)
{
	struct ike_bridge *b = ctx;
	ike_timer_fired(b->engine, token);
}

static uint64_t ike_bridge_now(void *ctx)
{
	struct ike_bridge *b = ctx;
	return uv_now(b->loop);
}

static int ike_bridge_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	return ike_crypto_rand_nss(NULL, buf, len);
}

/* The SPI comes with a larval inbound SA that reserves it; tunnel_install
 * replaces it, and the kernel expires it if the negotiation fails. */
static int ike_bridge_spi_alloc(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t *spi)
{
	struct ike_bridge *b = ctx;
	struct kernel_addr src, dst;
	struct kernel_error err;
	addr_conv_ike_to_kernel(peer, &src);
	addr_conv_ike_to_kernel(local, &dst);
	int r = kernel_spi_alloc(b->k, &src, &dst, 0, IKE_BRIDGE_SPI_MIN, IKE_BRIDGE_SPI_MAX, spi, &err);
	if (r != 0)
		log_error("IKE: cannot allocate an SPI: %s", err.msg);
	return r;
}

static void ike_bridge_spi_free(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t spi)
{
	struct ike_bridge *b = ctx;
	struct kernel_addr src, dst;
	struct kernel_error err;
	addr_conv_ike_to_kernel(peer, &src);
	addr_conv_ike_to_kernel(local, &dst);
	/* Gone already when a failed install cleaned up after itself. */
	(void)kernel_sa_delete(b->k, &src, &dst, spi, &err);
}

static int ike_bridge_peer_conf(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, bool initiator,
				struct ike_peer_conf *out, char *why, size_t whylen)
{
	struct ike_bridge *b = ctx;
	struct kernel_addr p;
	addr_conv_ike_to_kernel(peer, &p);
	int r = peer_conf_from_model(b->model, b->auth, local, &p, initiator, out, why, whylen);
	/* Asked at IKE_SA_INIT: the DNS lookup runs in parallel with it. */
	if (r == 0 && out->group < POLICY_GROUP_COUNT)
		peer_auth_prefetch(b->auth, &policy_model_config(b->model)->groups[out->group], peer);
	return r;
}

/* A DNSSEC answer that came later, on the loop. */
static void ike_bridge_key_done(void *ctx, uint64_t token, SECKEYPublicKey *key, const char *why)
{
	struct ike_bridge *b = ctx;
	ike_peer_key_done(b->engine, token, key, why);
}

static int ike_bridge_peer_key(void *ctx, const struct ike_peer_auth_req *req, SECKEYPublicKey **key, char *why,
			       size_t whylen)
{
	struct ike_bridge *b = ctx;
	const struct policy_config *cfg = policy_model_config(b->model);
	*key = NULL;
	if (req->group >= POLICY_GROUP_COUNT) {
		snprintf(why, whylen, "the peer is in no policy group");
		return -1;
	}
	return peer_auth_peer_key(b->auth, &cfg->groups[req->group], req, key, why, whylen, ike_bridge_key_done, b);
}

static void ike_bridge_log(void *ctx, enum ike_log_level level, const char *msg)
{
	(void)ctx;
	static const enum log_level map[] = { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
	log_msg(level <= IKE_LOG_DEBUG ? map[level] : LOG_LEVEL_DEBUG, "IKE: %s", msg);
}

static void ike_bridge_env(struct ike_bridge *b, struct ike_env *env)
{
	memset(env, 0, sizeof(*env));
	env->ctx = b;
	env->send = ike_bridge_net_send;
	env->timer_arm = ike_bridge_timer_arm;
	env->timer_cancel = ike_bridge_timer_cancel;
	env->now_ms = ike_bridge_now;
	env->random = ike_bridge_random;
	env->spi_alloc = ike_bridge_spi_alloc;
	env->spi_free = ike_bridge_spi_free;
	env->peer_conf = ike_bridge_peer_conf;
	env->peer_key = ike_bridge_peer_key;
	env->child_up = ike_bridge_child_up;
	env->child_down = ike_bridge_child_down;
	env->ike_failed = ike_bridge_ike_failed;
	env->log = ike_bridge_log;
}

static void ike_bridge_free(struct ike_bridge *b)
{
	ike_engine_free(b->engine);
	peer_auth_free(b->auth);
	while (b->retired != NULL) {
		struct ike_bridge_retired *r = b->retired;
		b->retired = r->next;
		peer_auth_free(r->pa);
		free(r);
	}
	ike_bridge_net_close(b);
	ike_timers_free(b->timers);
	ike_timers_free(b->later);
	tunnel_table_free(b->tunnels);
	pending_peers_free(b->pending);
	free(b);
}

int ike_bridge_new(uv_loop_t *loop, struct kernel *k, struct shunt_table *shunts, const struct policy_model *model,
		   struct ike_bridge **out, char *why, size_t whylen)
{
	*out = NULL;
	struct ike_bridge *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	b->loop = loop;
	b->k = k;
	b->shunts = shunts;
	b->model = model;
	log_ratelimit_init(&b->turned_away_log, 10000);
	log_ratelimit_init(&b->refused_log, 10000);
	struct ike_env env;
	struct ike_engine_conf conf;
	memset(&conf, 0, sizeof(conf));
	conf.half_open_cookie = policy_model_config(model)->cookie_threshold;
	conf.half_open_max = policy_model_config(model)->half_open_max;
	conf.half_open_per_source = policy_model_config(model)->half_open_per_source;
	ike_bridge_env(b, &env);
	if (peer_auth_new(loop, policy_model_config(model), &b->auth, why, whylen) != 0) {
		free(b);
		return -1;
	}
	int r = ike_timers_new(loop, ike_bridge_timer_fired, b, &b->timers);
	if (r == 0)
		r = ike_timers_new(loop, ike_bridge_later_fired, b, &b->later);
	if (r == 0)
		r = tunnel_table_new(k, &b->tunnels);
	if (r == 0 && (b->pending = pending_peers_new()) == NULL)
		r = -ENOMEM;
	if (r == 0 && (r = ike_engine_new(&env, &conf, &b->engine)) != 0)
		snprintf(why, whylen, "cannot create the IKE engine: %s", strerror(-r));
	else if (r != 0)
		snprintf(why, whylen, "out of memory");
	if (r != 0) {
		ike_bridge_free(b);
		return -1;
	}
	if (ike_bridge_net_sync(b) == 0)
		log_error("IKE: no socket could be opened: this node can neither initiate nor answer");
	ike_bridge_idle_arm(b);
	*out = b;
	return 0;
}

/* Peers a reload took something from: a tunnel whose group changed, or
 * whose group no longer accepts how the peer was authenticated; a shunt
 * whose group or shunt changed. Collected first (deleting changes the
 * tables), 64 a pass. */
struct ike_bridge_moved {
	const struct policy_model *model;
	struct kernel_addr local[64], peers[64];
	const char *why[64];
	enum shunt_kind kind[64];    /* shunts only; tunnels pass SHUNT_FAILURE, unread */
	unsigned n;
	bool more;
};

static void ike_bridge_moved_add(struct ike_bridge_moved *mv, const struct kernel_addr *local,
				 const struct kernel_addr *peer, enum shunt_kind kind, const char *why)
{
	for (unsigned i = 0; i < mv->n; i++)
		if (memcmp(&mv->peers[i], peer, sizeof(*peer)) == 0 && mv->kind[i] == kind)
			return;
	if (mv->n == sizeof(mv->peers) / sizeof(mv->peers[0])) {
		mv->more = true;
		return;
	}
	mv->local[mv->n] = *local;
	mv->peers[mv->n] = *peer;
	mv->kind[mv->n] = kind;
	mv->why[mv->n++] = why;
}

static void ike_bridge_moved_tunnel(void *ctx, const struct tunnel_info *ti)
{
	struct ike_bridge_moved *mv = ctx;
	struct policy_host_rules hr;
	ike_bridge_host_rules(mv->model, &ti->peer, &hr);
	const struct policy_match *m = ike_bridge_lead(&hr);
	if (strcmp(ike_bridge_group_name(m), ti->group) != 0)
		ike_bridge_moved_add(mv, &ti->local, &ti->peer, SHUNT_FAILURE, "its policy group changed with the reload");
	else if (!peer_rules_accept(&hr, ti->authby, NULL))
		ike_bridge_moved_add(mv, &ti->local, &ti->peer, SHUNT_FAILURE,
				     "its group no longer accepts how it was authenticated (reload)");
	else if (peer_rules_digest(&hr) != ti->rules)
		ike_bridge_moved_add(mv, &ti->local, &ti->peer, SHUNT_FAILURE,
				     "the rules riding its tunnel changed with the reload");
}

static void ike_bridge_moved_shunt(void *ctx, const struct shunt_info *s)
{
	struct ike_bridge_moved *mv = ctx;
	struct policy_host_rules hr;
	ike_bridge_host_rules(mv->model, &s->peer, &hr);
	struct peer_ports pp;
	peer_rules_ports(&hr, s->kind == SHUNT_FAILURE ? PEER_FAILED : PEER_NEGOTIATING, &pp);
	if (strcmp(ike_bridge_group_name(ike_bridge_lead(&hr)), s->group) == 0 && peer_rules_digest(&hr) == s->rules &&
	    memcmp(&pp, &s->ports, sizeof(pp)) == 0)
		return;
	ike_bridge_moved_add(mv, &s->local, &s->peer, s->kind,
			     s->kind == SHUNT_FAILURE ? "its group, rules or failure shunt changed with the reload"
						      : "its group, rules or negotiation shunt changed with the reload");
}

static void ike_bridge_collect_tunnels(struct ike_bridge *b, struct ike_bridge_moved *mv)
{
	tunnel_table_each(b->tunnels, ike_bridge_moved_tunnel, mv);
}

static void ike_bridge_delete_tunnel(struct ike_bridge *b, const struct ike_bridge_moved *mv, unsigned i,
				     const char *text)
{
	log_info("%s: %s: tunnel deleted", text, mv->why[i]);
	struct ike_addr p;
	addr_conv_kernel_to_ike(&mv->peers[i], IKE_BRIDGE_PORT, &p);
	ike_delete_peer(b->engine, &p);
}

static void ike_bridge_collect_shunts(struct ike_bridge *b, struct ike_bridge_moved *mv)
{
	shunt_table_each(b->shunts, ike_bridge_moved_shunt, mv);
}

static void ike_bridge_remove_shunt(struct ike_bridge *b, const struct ike_bridge_moved *mv, unsigned i,
				    const char *text)
{
	bool failure = mv->kind[i] == SHUNT_FAILURE;
	log_info("%s: %s: %s shunt removed, the group's policy applies", text, mv->why[i],
		 failure ? "failure" : "negotiation");
	shunt_remove(b->shunts, &mv->local[i], &mv->peers[i], mv->kind[i]);
	/* The ACQUIRE of a failed negotiation left a larval state (30 s):
	 * while it lives the trap asks no more, and the packets that meet it
	 * again would wait for nothing. (A negotiation under way keeps it.) */
	if (failure)
		larval_retire(b->k, &mv->local[i], &mv->peers[i], NULL);
}

/* Collects what the model no longer wants and acts on it, 64 a pass; a
 * pass that finds nothing ends it. */
static void ike_bridge_regroup_table(struct ike_bridge *b,
				     void (*collect)(struct ike_bridge *b, struct ike_bridge_moved *mv),
				     void (*act)(struct ike_bridge *b, const struct ike_bridge_moved *mv, unsigned i,
						 const char *text))
{
	struct ike_bridge_moved mv;
	for (int pass = 0; pass < 1024; pass++) {
		memset(&mv, 0, sizeof(mv));
		mv.model = b->model;
		collect(b, &mv);
		for (unsigned i = 0; i < mv.n; i++) {
			char text[64];
			kernel_addr_format(&mv.peers[i], text, sizeof(text));
			act(b, &mv, i, text);
		}
		if (!mv.more || mv.n == 0)
			break;
	}
}

/* After a reload: tunnels and shunts the new model would not have made
 * go, so that the new group's policy applies at once (a %pass shunt made
 * under private-or-clear must not outlive a move to private by 15
 * minutes); the rest stay. */
/* Whether trap is still one of the new model's policies for peer. */
static bool ike_bridge_trap_current(struct ike_bridge *b, const struct kernel_addr *peer,
				    const struct kernel_policy *trap)
{
	struct policy_host_rules hr;
	ike_bridge_host_rules(b->model, peer, &hr);
	for (unsigned i = 0; i <= hr.nport; i++) {
		const struct policy_match *m = i < hr.nport ? &hr.port[i] : &hr.host;
		struct policy_plan_entry e;
		struct kernel_policy kp;
		if (m->group != POLICY_GROUP_PRIVATE && m->group != POLICY_GROUP_PRIVATE_OR_CLEAR)
			continue;
		policy_plan_entry_of(&m->entry, &e);
		if (plan_kernel_policy(&e, POLICY_DIR_OUT, &kp) == 0 && kp.priority == trap->priority &&
		    kp.dir == trap->dir && memcmp(&kp.sel, &trap->sel, sizeof(kp.sel)) == 0)
			return true;
	}
	return false;
}

static void ike_bridge_regroup_one_pending(void *ctx, struct pending_peer *p)
{
	struct ike_bridge *b = ctx;
	/* Releasing the held packets re-inserts the trap that held them: a
	 * trap the reload replaced (the range went clear or block) must not
	 * come back. The plan's update already moved the packets on. */
	if (p->has_holding && !ike_bridge_trap_current(b, &p->peer, &p->holding))
		p->has_holding = false;
}

static void ike_bridge_regroup(struct ike_bridge *b)
{
	ike_bridge_regroup_table(b, ike_bridge_collect_tunnels, ike_bridge_delete_tunnel);
	ike_bridge_regroup_table(b, ike_bridge_collect_shunts, ike_bridge_remove_shunt);
	pending_peers_each(b->pending, ike_bridge_regroup_one_pending, b);
}

void ike_bridge_set_model(struct ike_bridge *b, const struct policy_model *model)
{
	b->model = model;
	const struct policy_config *cfg = policy_model_config(model);
	ike_engine_set_limits(b->engine, cfg->cookie_threshold, cfg->half_open_max, cfg->half_open_per_source);
	/* node.cert or dnssec may have changed: new credentials, if they load.
	 * The old ones are retired, not freed: SAs under way borrow their key
	 * and certificates, and their DNS lookups still answer. */
	struct peer_auth *pa = NULL;
	char why[256];
	if (peer_auth_new(b->loop, policy_model_config(model), &pa, why, sizeof(why)) == 0) {
		struct ike_bridge_retired *r = malloc(sizeof(*r));
		if (r != NULL) {
			r->pa = b->auth;
			r->next = b->retired;
			b->retired = r;
			b->auth = pa;
		} else {
			peer_auth_free(pa);
		}
	} else {
		log_error("IKE: keeping the previous credentials: %s", why);
	}
	/* node.addresses (or the host's, when auto) may have changed. */
	ike_bridge_net_sync(b);
	ike_bridge_regroup(b);
	ike_bridge_idle_arm(b);
	/* ike.initiations-max may have grown. */
	ike_timers_arm(b->later, IKE_BRIDGE_LATER_DRAIN, 0);
}

void ike_bridge_stop(struct ike_bridge *b)
{
	if (b == NULL)
		return;
	/* Delete notifications first, while the sockets are open; each Child SA
	 * comes back as child_down and leaves the kernel. */
	ike_delete_all(b->engine);
	unsigned left = tunnel_table_count(b->tunnels);
	if (left > 0)
		log_info("IKE: removing %u tunnels the engine did not report down", left);
	ike_bridge_free(b);
}

int ike_bridge_start(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
			    char *why, size_t whylen)
{
	struct ike_addr l, p;
	addr_conv_kernel_to_ike(local, IKE_BRIDGE_PORT, &l);
	addr_conv_kernel_to_ike(peer, IKE_BRIDGE_PORT, &p);
	int r = ike_initiate(b->engine, &l, &p);
	if (r != 0)
		snprintf(why, whylen, "cannot start IKE: %s", strerror(-r));
	return r;
}

void ike_bridge_begin(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer)
{
	char why[256];
	/* A refusal or an immediate failure may already have been reported
	 * through ike_failed (which consumed the pending record). */
	if (ike_bridge_start(b, local, peer, why, sizeof(why)) != 0) {
		if (ike_bridge_pending_has(b, peer))
			ike_bridge_fail_peer(b, local, peer, why);
		return;
	}
	ike_bridge_retry_check(b, peer);
}

/* Whether all ike.initiations-max slots are taken. */
static bool ike_bridge_slots_full(struct ike_bridge *b)
{
	unsigned max = policy_model_config(b->model)->initiations_max;
	return max != 0 && pending_peers_negotiating(b->pending) >= max;
}

/* A peer some `private` rule covers: it waits in the urgent class. */
static bool ike_bridge_urgent(struct ike_bridge *b, const struct kernel_addr *peer)
{
	struct policy_host_rules hr;
	ike_bridge_host_rules(b->model, peer, &hr);
	for (unsigned i = 0; i <= hr.nport; i++)
		if ((i < hr.nport ? hr.port[i].group : hr.host.group) == POLICY_GROUP_PRIVATE)
			return true;
	return false;
}

bool ike_bridge_acquire_admit(struct ike_bridge *b, const struct kernel_addr *peer)
{
	/* Each class has the whole queue: spoofed private-or-clear
	 * destinations cannot fill the room of private ones. */
	if (pending_peers_get(b->pending, peer) != NULL || !ike_bridge_slots_full(b) ||
	    pending_peers_queued_class(b->pending, ike_bridge_urgent(b, peer)) <
		    policy_model_config(b->model)->initiation_queue_max)
		return true;
	b->acquires_turned_away++;
	uint32_t suppressed = 0;
	if (log_ratelimit_allow(&b->turned_away_log, 0, uv_now(b->loop), &suppressed)) {
		char text[64];
		kernel_addr_format(peer, text, sizeof(text));
		log_warn("%s: trapped, but %u negotiations run and %u trapped peers wait (ike.initiations-max, "
			 "ike.initiation-queue-max): not negotiated now, its packets stay held until the kernel asks "
			 "again (%u more since the last such line)",
			 text, pending_peers_negotiating(b->pending), pending_peers_queued(b->pending), suppressed);
	}
	return false;
}

void ike_bridge_acquire(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
			const struct kernel_policy *holding)
{
	struct pending_peer *p = pending_peers_get(b->pending, peer);
	if (p == NULL) {
		bool wait = ike_bridge_slots_full(b);
		if (pending_peers_add(b->pending, local, peer, wait, ike_bridge_urgent(b, peer), &p) != 0) {
			ike_bridge_fail_peer(b, local, peer, "out of memory");
			return;
		}
		if (wait) {
			char text[64];
			kernel_addr_format(peer, text, sizeof(text));
			log_debug("%s: %u negotiations run (ike.initiations-max): queued, %u waiting", text,
				  pending_peers_negotiating(b->pending), pending_peers_queued(b->pending));
		}
	}
	p->local = *local;
	if (holding != NULL) {
		p->holding = *holding;
		p->has_holding = true;
	}
	if (!p->queued)
		ike_bridge_begin(b, local, peer);
}

int ike_bridge_up(struct ike_bridge *b, const struct kernel_addr *peer, char *why, size_t whylen)
{
	struct kernel_addr local;
	struct ike_peer_conf pc;
	/* The refusal first; the engine asks again with the local address. */
	if (peer_conf_from_model(b->model, b->auth, NULL, peer, true, &pc, why, whylen) != 0)
		return -1;
	if (ike_bridge_net_local_for(b, peer, &local, why, whylen) != 0)
		return -1;
	return ike_bridge_start(b, &local, peer, why, whylen) == 0 ? 0 : -1;
}

int ike_bridge_down(struct ike_bridge *b, const struct kernel_addr *peer)
{
	struct ike_addr p;
	addr_conv_kernel_to_ike(peer, IKE_BRIDGE_PORT, &p);
	return ike_delete_peer(b->engine, &p);
}

bool ike_bridge_has_tunnel(struct ike_bridge *b, const struct kernel_addr *peer)
{
	return tunnel_table_has_peer(b->tunnels, peer);
}

static void ike_bridge_count_sa(void *ctx, const struct ike_sa_info *sa)
{
	struct ike_bridge_counts *c = ctx;
	c->ike_sas++;
	if (sa->state == IKE_STATE_ESTABLISHED)
		c->ike_established++;
}

void ike_bridge_counts(struct ike_bridge *b, struct ike_bridge_counts *out)
{
	memset(out, 0, sizeof(*out));
	ike_engine_each_sa(b->engine, ike_bridge_count_sa, out);
	ike_engine_counters(b->engine, &out->engine);
	out->child_sas = tunnel_table_count(b->tunnels);
	out->sockets = b->nsocks;
	out->initiating = pending_peers_negotiating(b->pending);
	out->queued = pending_peers_queued(b->pending);
	out->acquires_turned_away = b->acquires_turned_away;
	out->dns = peer_auth_dns_counters(b->auth, &out->dns_counters);
}

struct ike_bridge_each {
	struct ike_bridge *b;
	ike_bridge_tunnel_cb cb;
	void *ctx;
};

static void ike_bridge_each_one(void *ctx, const struct tunnel_info *ti)
{
	struct ike_bridge_each *e = ctx;
	struct kernel_sa_stats in, out;
	tunnel_stats(e->b->tunnels, ti, &in, &out);
	e->cb(e->ctx, ti, &in, &out);
}

void ike_bridge_each_tunnel(struct ike_bridge *b, ike_bridge_tunnel_cb cb, void *ctx)
{
	struct ike_bridge_each e = { b, cb, ctx };
	tunnel_table_each(b->tunnels, ike_bridge_each_one, &e);
}
