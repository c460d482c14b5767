/* What the engine's results do to the kernel: Child SAs become tunnels,
 * failed negotiations get their group's failure shunt (see ike_bridge_int.h). */
#include "ike_bridge_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_conv.h"
#include "log.h"
#include "peer_conf.h"
#include "peer_rules.h"
#include "plan_kernel.h"

bool ike_bridge_pending_has(struct ike_bridge *b, const struct kernel_addr *peer)
{
	return pending_peers_get(b->pending, peer) != NULL;
}

struct pending_peer *ike_bridge_pending_take(struct ike_bridge *b, const struct kernel_addr *peer)
{
	bool negotiating = pending_peers_get(b->pending, peer) != NULL && !pending_peers_get(b->pending, peer)->queued;
	struct pending_peer *p = pending_peers_take(b->pending, peer);
	/* Not at once: this may run inside the engine's callbacks. */
	if (negotiating && pending_peers_queued(b->pending) > 0)
		ike_timers_arm(b->later, IKE_BRIDGE_LATER_DRAIN, 0);
	return p;
}

void ike_bridge_pending_release(struct ike_bridge *b, const struct kernel_addr *peer)
{
	struct pending_peer *p = ike_bridge_pending_take(b, peer);
	if (p != NULL && p->has_holding)
		kernel_hold_release(b->k, &p->holding, 1, NULL);
	free(p);
}

void ike_bridge_host_rules(const struct policy_model *model, const struct kernel_addr *peer,
			   struct policy_host_rules *hr)
{
	struct policy_addr pa;
	addr_conv_kernel_to_policy(peer, &pa);
	policy_model_host_rules(model, &pa, hr);
}

const struct policy_match *ike_bridge_lead(const struct policy_host_rules *hr)
{
	/* As responder: the widest choice of a group that negotiates at all. */
	const struct policy_match *lead = peer_rules_lead(hr, false);
	return lead != NULL ? lead : &hr->host;
}

const char *ike_bridge_group_name(const struct policy_match *m)
{
	return m->group == POLICY_GROUP_NONE ? "no group" : policy_group_name((enum policy_group)m->group);
}

/* The group line that leads for peer, for logs and trafficstatus. */
static void ike_bridge_cidr(const struct policy_match *m, char *cidr, size_t cidrlen)
{
	struct policy_prefix pp;
	memset(&pp, 0, sizeof(pp));
	pp.addr.family = m->entry.family;
	memcpy(pp.addr.bytes, m->entry.addr, sizeof(pp.addr.bytes));
	pp.len = m->entry.len;
	if (m->group == POLICY_GROUP_NONE)
		snprintf(cidr, cidrlen, "-");
	else
		policy_prefix_format(&pp, cidr, cidrlen);
}

/* A Child SA may come up after a reload moved its peer (it negotiated under
 * the old model): it stands only where a rule of the peer still negotiates
 * (as the engine asked at the start, peer_conf) and every rule that rides
 * the tunnel accepts how the peer was authenticated. NULL when it may
 * stand, else why not. */
static const char *ike_bridge_child_refused(const struct policy_host_rules *hr, const char *peer, uint8_t authby,
					    char *why, size_t len)
{
	char group[200] = "it is in no policy group";
	const struct policy_match *refuser = NULL;
	if (peer_rules_lead(hr, false) == NULL) {
		if (peer_conf_group_ok(&hr->host, false, peer, group, sizeof(group)) == 0)
			snprintf(group, sizeof(group), "%s: no rule of it negotiates", peer);
		snprintf(why, len, "%s (reload): no tunnel", group);
		return why;
	}
	if (!peer_rules_accept(hr, authby, &refuser)) {
		snprintf(why, len, "%s no longer accepts %s authentication (reload): no tunnel",
			 ike_bridge_group_name(refuser), policy_auth_name((enum policy_auth)authby));
		return why;
	}
	return NULL;
}

/* A tunnel that came without a pending ACQUIRE of ours (we answered, or
 * the ACQUIRE was lost): what the traps of the peer's rules hold would
 * wait for the kernel's back-off timer (seconds) and miss the tunnel;
 * re-inserting the traps lets it meet the tunnel now. */
static void ike_bridge_release_trap(struct ike_bridge *b, const struct policy_host_rules *hr)
{
	for (unsigned i = 0; i <= hr->nport; i++) {
		const struct policy_match *m = i < hr->nport ? &hr->port[i] : &hr->host;
		if (m->group != POLICY_GROUP_PRIVATE && m->group != POLICY_GROUP_PRIVATE_OR_CLEAR)
			continue;
		struct policy_plan_entry e;
		struct kernel_policy kp;
		policy_plan_entry_of(&m->entry, &e);
		if (plan_kernel_policy(&e, POLICY_DIR_OUT, &kp) == 0)
			kernel_hold_release(b->k, &kp, 1, NULL);
	}
}

int ike_bridge_child_up(void *ctx, const struct ike_child_info *c)
{
	struct ike_bridge *b = ctx;
	struct kernel_addr local, peer;
	addr_conv_ike_to_kernel(&c->local, &local);
	addr_conv_ike_to_kernel(&c->peer, &peer);
	char text[64], cidr[POLICY_ADDR_STRLEN], why[256];
	kernel_addr_format(&peer, text, sizeof(text));
	struct policy_host_rules hr;
	ike_bridge_host_rules(b->model, &peer, &hr);
	const struct policy_match *m = ike_bridge_lead(&hr);
	ike_bridge_cidr(m, cidr, sizeof(cidr));
	uint8_t authby = m->conf ? peer_conf_authby(m->conf, c->peer_auth, c->peer_certs) : POLICY_AUTH_NULL;
	char refused[256];
	if (ike_bridge_child_refused(&hr, text, authby, refused, sizeof(refused)) != NULL) {
		log_warn("%s: Child SA #%u not installed: %s", text, c->serial, refused);
		ike_bridge_fail_peer(b, &local, &peer, refused);
		if (!tunnel_table_has_peer(b->tunnels, &peer))
			ike_bridge_delete_later(b, &peer, c->ike_serial);
		return -1;
	}
	struct pending_peer *p = ike_bridge_pending_take(b, &peer);
	const struct kernel_policy *holding = p && p->has_holding ? &p->holding : NULL;
	/* Shunts and the tunnel's policies share their selectors, and XFRM
	 * keeps one policy per selector and direction whatever the priorities:
	 * the shunts go first, or removing one later would take the tunnel's. */
	shunt_remove(b->shunts, &local, &peer, SHUNT_FAILURE);
	shunt_remove(b->shunts, &local, &peer, SHUNT_NEGOTIATION);
	struct peer_ports pp;
	peer_rules_ports(&hr, PEER_TUNNEL, &pp);
	struct tunnel_label label = { ike_bridge_group_name(m), cidr, authby, peer_rules_digest(&hr), &pp };
	bool held = holding != NULL;
	int r = tunnel_install(b->tunnels, c, &label, holding, holding ? 1 : 0, why,
			       sizeof(why));
	free(p);
	if (r != 0) {
		char reason[320];
		snprintf(reason, sizeof(reason), "cannot install Child SA #%u: %s", c->serial, why);
		log_error("%s (%s): %s", text, ike_bridge_group_name(m), reason);
		ike_bridge_fail_peer(b, &local, &peer, reason);
		/* An IKE SA without its Child SA serves nothing; once the failure
		 * shunt expires, the trap starts afresh. Not for a failed
		 * replacement: deleting is by peer and would take the old, working
		 * IKE SA along. */
		if (!tunnel_table_has_peer(b->tunnels, &peer))
			ike_bridge_delete_later(b, &peer, c->ike_serial);
		return -1;
	}
	if (!held && !c->replaces)
		ike_bridge_release_trap(b, &hr);
	log_info("%s (%s): Child SA #%u up (IKE SA #%u, %s, %s mode, SPIs in %08x out %08x, peer id '%s')%s%s", text,
		 ike_bridge_group_name(m), c->serial, c->ike_serial, c->initiator ? "initiator" : "responder",
		 c->transport ? "transport" : "tunnel", c->spi_in, c->spi_out, c->peer_id ? c->peer_id : "",
		 c->replaces ? ", rekeyed" : "", pp.n > 0 ? ", with its port rules" : "");
	return 0;
}

void ike_bridge_child_down(void *ctx, const struct ike_child_info *c)
{
	struct ike_bridge *b = ctx;
	char text[64];
	ike_addr_format(&c->peer, text, sizeof(text));
	if (tunnel_remove(b->tunnels, c->serial) == 0)
		log_info("%s: Child SA #%u down%s", text, c->serial, c->replaces ? " (replaced)" : "");
}

static const char *ike_bridge_action_name(enum peer_action a)
{
	return a == PEER_PASS ? "%pass" : a == PEER_DROP ? "%drop" : "%trap";
}

void ike_bridge_fail_peer(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
			  const char *why)
{
	char text[64];
	kernel_addr_format(peer, text, sizeof(text));
	struct policy_host_rules hr;
	ike_bridge_host_rules(b->model, peer, &hr);
	const struct policy_match *m = ike_bridge_lead(&hr);
	struct pending_peer *p = ike_bridge_pending_take(b, peer);
	const struct kernel_addr *src = p ? &p->local : local;
	const char *group = ike_bridge_group_name(m);
	const char *auth = m->conf ? peer_conf_auth_name(m->conf) : "none";
	if (tunnel_table_has_peer(b->tunnels, peer)) {
		/* A shunt would replace the standing tunnel's policies (same
		 * selectors); the packets can go into the tunnel instead. */
		log_info("%s (%s, auth %s): negotiation failed: %s; a tunnel stands, no shunt", text, group, auth, why);
		if (p != NULL && p->has_holding)
			kernel_hold_release(b->k, &p->holding, 1, NULL);
		free(p);
		return;
	}
	shunt_remove(b->shunts, src, peer, SHUNT_NEGOTIATION);
	struct peer_ports pp;
	peer_rules_ports(&hr, PEER_FAILED, &pp);
	uint64_t life = policy_model_config(b->model)->failure_shunt_lifetime_ms;
	struct kernel_error err;
	char ports[48] = "";
	if (pp.n > 0)
		snprintf(ports, sizeof(ports), " (%s%u port rule%s)", pp.host ? "+" : "only ", pp.n, pp.n == 1 ? "" : "s");
	int r = shunt_install(b->shunts, src, peer, SHUNT_FAILURE, &pp, peer_rules_digest(&hr), group, why, life, &err);
	if (r == -ENOENT) {
		log_info("%s (%s, auth %s): negotiation failed: %s; no failure shunt, back to the trap", text, group,
			 auth, why);
	} else if (r != 0) {
		log_error("%s (%s, auth %s): negotiation failed: %s; cannot install the failure shunt: %s", text,
			  group, auth, why, err.msg);
	} else {
		log_info("%s (%s, auth %s): negotiation failed: %s; failure shunt %s%s for %llus", text, group, auth, why,
			 pp.host ? ike_bridge_action_name(pp.host_action) : "-", ports,
			 (unsigned long long)(life / 1000));
	}
	/* The held packets are re-examined at once: they now meet the shunt. */
	if (p != NULL && p->has_holding)
		kernel_hold_release(b->k, &p->holding, 1, NULL);
	free(p);
}

void ike_bridge_ike_failed(void *ctx, const struct ike_failure *f)
{
	struct ike_bridge *b = ctx;
	struct kernel_addr local, peer;
	addr_conv_ike_to_kernel(&f->local, &local);
	addr_conv_ike_to_kernel(&f->peer, &peer);
	char text[64];
	kernel_addr_format(&peer, text, sizeof(text));
	/* Ours, established, but no Child SA came of it (a local failure to
	 * install): the negotiation failed all the same, or its packets would
	 * stay held and its slot taken. */
	bool ours_unfinished = f->established && f->initiator && ike_bridge_pending_has(b, &peer) &&
			       !tunnel_table_has_peer(b->tunnels, &peer);
	if ((f->established || !f->initiator) && !ours_unfinished) {
		/* Not a negotiation of ours: its Child SAs went with child_down,
		 * the trap applies again. A responder SA that failed before it
		 * authenticated proves nothing of the peer (anyone can send an
		 * IKE_SA_INIT "from" it): our own negotiation decides. */
		if (f->established) {
			log_info("%s: IKE SA #%u ended: %s (%s)", text, f->ike_serial, f->why,
				 ike_fail_reason_name(f->reason));
			return;
		}
		/* Refusals of unauthenticated requests: at most one line every
		 * 10 s per kind of reason, whatever the addresses (a spoofed
		 * flood comes from thousands and must not fill the disk), with
		 * the count of those left out. */
		uint32_t suppressed = 0;
		if (log_ratelimit_allow(&b->refused_log, (uint64_t)f->reason + 1, uv_now(b->loop), &suppressed))
			log_info("%s: IKE SA #%u refused: %s (%s; %u more such refusals since the last line)", text,
				 f->ike_serial, f->why, ike_fail_reason_name(f->reason), suppressed);
		return;
	}
	if (tunnel_table_has_peer(b->tunnels, &peer)) {
		/* A second negotiation lost (simultaneous initiation): the tunnel stands. */
		log_info("%s: IKE SA #%u failed while a tunnel stands: %s", text, f->ike_serial, f->why);
		return;
	}
	ike_bridge_fail_peer(b, &local, &peer, f->why);
}
