/* The agent core (see agent_core.h). */
#include "agent_core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ike/crypto_nss.h"
#include "ike_bridge.h"
#include "io_watch.h"
#include "larval.h"
#include "log.h"
#include "icmp_bypass.h"
#include "peer_conf.h"
#include "plan_kernel.h"
#include "plan_prune.h"
#include "policy/config.h"
#include "policy/diag.h"
#include "policy/model.h"
#include "shunts.h"

/* A negotiation shunt outlives a negotiation only if the engine never
 * reports back; then it still goes after this long on top of the
 * retransmission budget. */
#define AGENT_CORE_NEGOTIATION_SLACK_MS 30000

struct agent_core {
	uv_loop_t *loop;
	uv_timer_t trim;                /* gives freed memory back after bursts */
	unsigned trim_sas;
	int open_handles;
	char config[4096];
	struct kernel *k;
	struct policy_model *model;
	struct shunt_table *shunts;
	struct io_watch events;
	unsigned policies;
	struct ike_bridge *ike;
	bool nss;
};

static void agent_core_report(const struct policy_plan_entry *e, enum policy_dir dir, const struct kernel_error *err,
			      void *ctx)
{
	char p[80];
	(void)ctx;
	policy_prefix_format(&e->sel.remote, p, sizeof(p));
	log_error("kernel refused the %s policy for %s (%s): %s", policy_action_name((enum policy_action)e->action), p,
		  dir == POLICY_DIR_OUT ? "out" : dir == POLICY_DIR_IN ? "in" : "fwd", err->msg);
}

static int agent_core_load(const char *config, struct policy_model **out, char *why, size_t whylen)
{
	struct policy_addr *own = NULL;
	size_t nown = 0;
	struct policy_diags diags;
	memset(&diags, 0, sizeof(diags));
	cli_policy_own_addresses(&own, &nown);
	int r = policy_load(config, own, nown, out, &diags);
	free(own);
	for (size_t i = 0; i < diags.n; i++) {
		char line[1024];
		policy_diag_format(&diags.v[i], line, sizeof(line));
		if (r != 0 && why[0] == '\0')
			snprintf(why, whylen, "%s", line);
		if (r != 0)
			log_error("%s", line);
		else
			log_warn("%s", line);
	}
	policy_diags_free(&diags);
	return r == 0 ? 0 : -1;
}

static bool agent_core_has_traps(const struct policy_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].action == POLICY_ACTION_TRAP)
			return true;
	return false;
}

static unsigned agent_core_count(const struct policy_plan *p)
{
	unsigned n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += (unsigned)__builtin_popcount(p->v[i].dirs);
	return n;
}

/* pass/drop while negotiating, host-wide and for each port rule that
 * needs its own (peer_rules.h); hold needs nothing: the trap keeps the
 * packets queued (xfrm_larval_drop=0) until the tunnel or the failure
 * shunt releases them. */
static void agent_core_negotiation_shunt(struct agent_core *c, const struct kernel_acquire *a,
					 const struct policy_host_rules *hr, const char *text)
{
	struct peer_ports pp;
	peer_rules_ports(hr, PEER_NEGOTIATING, &pp);
	if (!pp.host && pp.n == 0)
		return;
	/* Same selectors as a standing tunnel's policies: they would replace them. */
	if (ike_bridge_has_tunnel(c->ike, &a->sel.dst))
		return;
	const struct policy_match *lead = peer_rules_lead(hr, true);
	const struct policy_config *cfg = policy_model_config(c->model);
	const char *group = policy_group_name((enum policy_group)(lead ? lead->group : hr->host.group));
	struct kernel_error err;
	uint64_t life = peer_conf_retransmit_budget(cfg) + AGENT_CORE_NEGOTIATION_SLACK_MS;
	if (shunt_install(c->shunts, &a->sel.src, &a->sel.dst, SHUNT_NEGOTIATION, &pp, peer_rules_digest(hr), group,
			  "negotiating", life, &err) != 0) {
		log_error("%s (%s): cannot install the negotiation shunt: %s", text, group, err.msg);
		return;
	}
	/* The packets held so far meet the shunt at once. */
	kernel_hold_release(c->k, &a->policy, 1, NULL);
}

static void agent_core_on_acquire(struct agent_core *c, const struct kernel_acquire *a)
{
	struct policy_addr peer;
	memset(&peer, 0, sizeof(peer));
	peer.family = a->sel.dst.family == AF_INET6 ? POLICY_AF_INET6 : POLICY_AF_INET;
	memcpy(peer.bytes, a->sel.dst.bytes, sizeof(peer.bytes));
	/* The rule of the trapped packet itself, ports and all. */
	struct policy_match m;
	policy_model_lookup(c->model, &peer, a->sel.proto, a->sel.sport, a->sel.dport, &m);
	char text[64];
	kernel_addr_format(&a->sel.dst, text, sizeof(text));
	if ((m.group != POLICY_GROUP_PRIVATE && m.group != POLICY_GROUP_PRIVATE_OR_CLEAR) || m.conf == NULL) {
		log_warn("%s: trapped a packet (protocol %u, port %u) outside any trapping rule (stale trap?): ignored",
			 text, a->sel.proto, a->sel.dport);
		return;
	}
	struct policy_host_rules hr;
	policy_model_host_rules(c->model, &peer, &hr);
	char src[64];
	kernel_addr_format(&a->sel.src, src, sizeof(src));
	log_debug("%s (%s): trapped a packet from %s (protocol %u), negotiating", text,
		  policy_group_name((enum policy_group)m.group), src, a->sel.proto);
	if (!ike_bridge_acquire_admit(c->ike, &a->sel.dst))
		return;
	agent_core_negotiation_shunt(c, a, &hr, text);
	ike_bridge_acquire(c->ike, &a->sel.src, &a->sel.dst, &a->policy);
}

static void agent_core_on_event(const struct kernel_event *ev, void *ctx)
{
	if (ev->type == KERNEL_EVENT_ACQUIRE)
		agent_core_on_acquire(ctx, &ev->u.acquire);
}

/* The event socket overflowed: ACQUIREs were lost, and the kernel does not
 * repeat them while their larval states live. Retire those states and
 * re-insert the traps: the packets they hold ask again at once. */
static void agent_core_events_lost(struct agent_core *c)
{
	struct kernel_error err;
	unsigned n = 0;
	if (larval_retire_stale(c->k, &n, &err) != 0) {
		log_warn("kernel events were lost and the pending ACQUIREs cannot be listed: %s", err.msg);
		return;
	}
	int failed = plan_kernel_apply(c->k, policy_model_plan(c->model), agent_core_report, c, NULL);
	log_warn("kernel events were lost (event socket overflow): %u pending ACQUIREs asked again%s", n,
		 failed != 0 ? "; some traps could not be re-inserted" : "");
}

/* Every queued event; an overflow (ENOBUFS, reported once, as POLLERR)
 * is recovered from after the rest of the queue is read. */
static int agent_core_readable(void *ctx, bool error)
{
	struct agent_core *c = ctx;
	unsigned malformed = 0;
	int got = 0, r;
	bool lost = false;
	(void)error;
	while ((r = kernel_event_dispatch(c->k, agent_core_on_event, c, &malformed)) == -ENOBUFS) {
		lost = true;
		got++; /* the overflow report itself was taken off the socket */
	}
	if (lost)
		agent_core_events_lost(c);
	if (malformed)
		log_warn("%u malformed kernel events ignored", malformed);
	if (r < 0 && r != -EAGAIN && r != -EINTR && r != -ENOMEM)
		return r;
	return got + (r > 0 ? r : 0) + (int)malformed;
}

/* A burst of negotiations (a thousand peers at once) leaves the memory of
 * its messages and key exchanges free but held by malloc: once the number
 * of IKE SAs has moved, give it back, so that what stays is what the
 * established peers need. */
#define AGENT_CORE_TRIM_MS 2000
static void agent_core_trim(uv_timer_t *t)
{
	struct agent_core *c = t->data;
	if (c->ike == NULL)
		return;
	struct ike_bridge_counts n;
	ike_bridge_counts(c->ike, &n);
	unsigned moved = n.ike_sas > c->trim_sas ? n.ike_sas - c->trim_sas : c->trim_sas - n.ike_sas;
	if (moved < 8 || n.engine.half_open > 0)
		return;
	c->trim_sas = n.ike_sas;
	malloc_trim(0);
}

/* kernel.event-buffer: room for a burst of ACQUIREs (what overflows is
 * recovered from, at the price of a round of re-inserted traps). */
static void agent_core_event_buffer(struct agent_core *c)
{
	struct kernel_error err;
	if (kernel_event_buffer_set(c->k, policy_model_config(c->model)->event_buffer, &err) != 0)
		log_warn("%s", err.msg);
}

static int agent_core_kernel(struct agent_core *c, char *why, size_t whylen)
{
	struct kernel_error err;
	struct kernel_cleanup_stats st;
	if (kernel_open(&c->k, &err) != 0 || kernel_cleanup_stale(c->k, true, &st, &err) != 0) {
		snprintf(why, whylen, "kernel: %s", err.msg);
		return -1;
	}
	agent_core_event_buffer(c);
	if (st.sas_removed || st.policies_removed)
		log_info("removed %u SAs and %u policies left by an earlier run (kept %u group policies)", st.sas_removed,
			 st.policies_removed, st.policies_kept);
	unsigned larval = 0;
	if (larval_retire_stale(c->k, &larval, &err) != 0)
		log_warn("cannot list the kernel's SAs for pending ACQUIREs: %s", err.msg);
	else if (larval > 0)
		log_info("retired %u pending ACQUIREs of an earlier run: their held packets trap again", larval);
	const struct policy_plan *plan = policy_model_plan(c->model);
	if (agent_core_has_traps(plan) && kernel_hold_enable(30, &err) != 0) {
		snprintf(why, whylen, "cannot make the kernel hold trapped packets: %s", err.msg);
		return -1;
	}
	if (icmp_bypass_install(c->k, &err) != 0)
		log_warn("cannot exempt neighbour discovery and ICMP errors from IPsec: %s", err.msg);
	int failed = plan_kernel_apply(c->k, plan, agent_core_report, c, NULL);
	if (failed < 0) {
		snprintf(why, whylen, "cannot install the kernel policy plan");
		return -1;
	}
	/* Only now, with the plan in place: what an older configuration left. */
	struct kernel_policy keep[ICMP_BYPASS_MAX];
	size_t nkeep = icmp_bypass_policies(keep, sizeof(keep) / sizeof(keep[0]));
	unsigned pruned = 0;
	if (plan_prune(c->k, plan, keep, nkeep, &pruned, &err) != 0)
		log_warn("%s", err.msg);
	else if (pruned > 0)
		log_info("removed %u group policies of an older configuration (not in the plan any more)", pruned);
	c->policies = agent_core_count(plan);
	return 0;
}

/* NSS (the node's database when it exists, else none: NULL auth needs no
 * keys), then the engine on our sockets. */
static int agent_core_ike(struct agent_core *c, char *why, size_t whylen)
{
	const char *db = policy_model_config(c->model)->nss_db;
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s/cert9.db", db ? db : "");
	bool have_db = db != NULL && db[0] != '\0' && access(probe, R_OK) == 0;
	if (ike_crypto_nss_init(have_db ? db : NULL) != 0) {
		snprintf(why, whylen, "cannot initialise NSS%s%s", have_db ? " with " : "", have_db ? db : "");
		return -1;
	}
	c->nss = true;
	return ike_bridge_new(c->loop, c->k, c->shunts, c->model, &c->ike, why, whylen);
}

int agent_core_start(uv_loop_t *loop, const char *config_path, struct agent_core **out, char *why, size_t whylen)
{
	*out = NULL;
	why[0] = '\0';
	struct agent_core *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -1;
	c->loop = loop;
	snprintf(c->config, sizeof(c->config), "%s", config_path);
	if (agent_core_load(c->config, &c->model, why, whylen) != 0 || agent_core_kernel(c, why, whylen) != 0 ||
	    shunt_table_new(loop, c->k, NULL, NULL, &c->shunts) != 0 || agent_core_ike(c, why, whylen) != 0) {
		shunt_table_free(c->shunts);
		if (c->nss)
			ike_crypto_nss_shutdown();
		kernel_close(c->k);
		policy_model_free(c->model);
		free(c);
		return -1;
	}
	uv_timer_init(loop, &c->trim);
	c->trim.data = c;
	c->open_handles = 2;
	int r = io_watch_start(loop, &c->events, kernel_event_fd(c->k), "XFRM events", agent_core_readable, c);
	if (r != 0) {
		/* Without it no ACQUIRE is read: traps would hold traffic for ever. */
		snprintf(why, whylen, "cannot watch the kernel's event socket: %s", uv_strerror(r));
		agent_core_stop(c); /* frees c once its handles are closed */
		return -1;
	}
	uv_timer_start(&c->trim, agent_core_trim, AGENT_CORE_TRIM_MS, AGENT_CORE_TRIM_MS);
	log_info("policy plan installed: %zu group rules, %u kernel policies", policy_model_rules(c->model), c->policies);
	*out = c;
	return 0;
}

int agent_core_reload(struct agent_core *c, char *why, size_t whylen)
{
	struct policy_model *next = NULL;
	why[0] = '\0';
	if (agent_core_load(c->config, &next, why, whylen) != 0)
		return -1; /* the running model stays */
	struct policy_plan_diff d;
	if (policy_plan_diff(policy_model_plan(c->model), policy_model_plan(next), &d) != 0) {
		policy_model_free(next);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	struct plan_kernel_stats st;
	if (agent_core_has_traps(policy_model_plan(next)))
		kernel_hold_enable(30, NULL);
	int r = plan_kernel_apply_diff(c->k, &d, agent_core_report, c, &st);
	log_info("reloaded: %zu added, %zu removed, %zu changed plan entries (%u kernel policies installed, %u removed, "
		 "%u failed)", d.nadded, d.nremoved, d.nchanged, st.installed, st.removed, st.failed);
	policy_plan_diff_free(&d);
	ike_bridge_set_model(c->ike, next);
	policy_model_free(c->model);
	c->model = next;
	agent_core_event_buffer(c);
	c->policies = agent_core_count(policy_model_plan(next));
	if (r < 0)
		snprintf(why, whylen, "the kernel could not be updated");
	return r < 0 ? -1 : 0;
}

static void agent_core_release(void *ctx)
{
	struct agent_core *c = ctx;
	if (--c->open_handles > 0)
		return;
	kernel_close(c->k);
	policy_model_free(c->model);
	free(c);
}

static void agent_core_trim_closed(uv_handle_t *h)
{
	agent_core_release(h->data);
}

void agent_core_stop(struct agent_core *c)
{
	if (c == NULL)
		return;
	/* Delete notifications to the peers, then the tunnels leave the kernel;
	 * the shunts after them, the group policies stay. */
	ike_bridge_stop(c->ike);
	c->ike = NULL;
	/* Pending ACQUIREs nobody will answer: leave no state of ours behind. */
	unsigned larval = 0;
	struct kernel_error err;
	if (larval_retire_stale(c->k, &larval, &err) != 0)
		log_warn("cannot retire the pending ACQUIREs: %s", err.msg);
	if (c->nss)
		ike_crypto_nss_shutdown();
	c->nss = false;
	shunt_table_free(c->shunts);
	c->shunts = NULL;
	uv_timer_stop(&c->trim);
	uv_close((uv_handle_t *)&c->trim, agent_core_trim_closed);
	io_watch_close(&c->events, agent_core_release);
	log_info("stopped; group policies stay in the kernel (private traffic is held or dropped, never clear)");
}

struct agent_core_lines {
	void (*line)(void *ctx, const char *text);
	void *ctx;
	uint64_t now;
};

static void agent_core_shunt_line(void *ctx, const struct shunt_info *s)
{
	struct agent_core_lines *l = ctx;
	char text[512];
	shunt_format(s, l->now, text, sizeof(text));
	l->line(l->ctx, text);
}

void agent_core_shuntstatus(struct agent_core *c, void (*line)(void *ctx, const char *text), void *ctx)
{
	struct agent_core_lines l = { line, ctx, uv_now(c->loop) };
	shunt_table_each(c->shunts, agent_core_shunt_line, &l);
}

void agent_core_summary(const struct agent_core *c, char *out, size_t len)
{
	snprintf(out, len, "%zu group rules, %u kernel policies, %u shunts", policy_model_rules(c->model), c->policies,
		 shunt_table_count(c->shunts));
}

struct ike_bridge *agent_core_ike_bridge(struct agent_core *c)
{
	return c->ike;
}
