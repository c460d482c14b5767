/* What waits for the next loop turn: a useless IKE SA deleted, a trapped
 * peer with an IKE SA already there tried again (see ike_bridge_int.h). */
#include "ike_bridge_int.h"

#include <string.h>

#include "addr_conv.h"
#include "log.h"

#define IKE_BRIDGE_RETRY_MS 500
#define IKE_BRIDGE_RETRY_MAX 20

struct ike_bridge_peer_sas {
	struct kernel_addr peer;
	uint32_t serial;            /* 0: none in particular */
	bool serial_established;
	unsigned negotiating, established, deleting;
};

static void ike_bridge_retry_sa(void *ctx, const struct ike_sa_info *sa)
{
	struct ike_bridge_peer_sas *s = ctx;
	struct kernel_addr p;
	addr_conv_ike_to_kernel(&sa->peer, &p);
	if (!addr_conv_kernel_equal(&p, &s->peer))
		return;
	if (sa->serial == s->serial && sa->state == IKE_STATE_ESTABLISHED)
		s->serial_established = true;
	if (sa->state == IKE_STATE_ESTABLISHED)
		s->established++;
	else if (sa->state == IKE_STATE_DELETING)
		s->deleting++;
	else
		s->negotiating++;
}

void ike_bridge_retry_check(struct ike_bridge *b, const struct kernel_addr *peer)
{
	struct pending_peer *p = pending_peers_get(b->pending, peer);
	if (p == NULL || p->queued)
		return; /* already up or failed, or not started */
	struct ike_bridge_peer_sas s;
	memset(&s, 0, sizeof(s));
	s.peer = *peer;
	ike_engine_each_sa(b->engine, ike_bridge_retry_sa, &s);
	if (s.negotiating > 0 || (s.established == 0 && s.deleting == 0))
		return; /* under way (or about to report) */
	char text[64];
	kernel_addr_format(peer, text, sizeof(text));
	if (s.established > 0 && tunnel_table_has_peer(b->tunnels, peer)) {
		/* A tunnel stands: the packets can go into it. */
		ike_bridge_pending_release(b, peer);
		return;
	}
	if (s.established > 0) {
		/* An IKE SA without Child SA: ike_initiate would not add one. */
		log_info("%s: trapped while its IKE SA has no Child SA: replacing the IKE SA", text);
		ike_bridge_down(b, peer);
	}
	p->retry_wanted = true;
	ike_timers_arm(b->later, IKE_BRIDGE_LATER_RETRY, IKE_BRIDGE_RETRY_MS);
}

static void ike_bridge_retry_one(struct ike_bridge *b, struct pending_peer *p)
{
	struct kernel_addr local = p->local, peer = p->peer;
	if (++p->retries > IKE_BRIDGE_RETRY_MAX) {
		ike_bridge_fail_peer(b, &local, &peer, "the earlier IKE SA with the peer did not go away");
		return;
	}
	ike_bridge_begin(b, &local, &peer);
}

struct ike_bridge_retry_set {
	struct ike_bridge *b;
	struct kernel_addr peers[32];
	unsigned n;
};

static void ike_bridge_retry_collect(void *ctx, struct pending_peer *p)
{
	struct ike_bridge_retry_set *s = ctx;
	if (!p->retry_wanted)
		return;
	if (s->n == 32) {
		ike_timers_arm(s->b->later, IKE_BRIDGE_LATER_RETRY, IKE_BRIDGE_RETRY_MS); /* the rest next time */
		return;
	}
	s->peers[s->n++] = p->peer;
	p->retry_wanted = false;
}

static void ike_bridge_retry_fire(struct ike_bridge *b)
{
	/* Peers are collected first: starting one may change the table. */
	struct ike_bridge_retry_set s;
	s.b = b;
	s.n = 0;
	pending_peers_each(b->pending, ike_bridge_retry_collect, &s);
	for (unsigned i = 0; i < s.n; i++) {
		struct pending_peer *p = pending_peers_get(b->pending, &s.peers[i]);
		if (p != NULL)
			ike_bridge_retry_one(b, p);
	}
}

void ike_bridge_drain(struct ike_bridge *b)
{
	unsigned max = policy_model_config(b->model)->initiations_max;
	while (max == 0 || pending_peers_negotiating(b->pending) < max) {
		struct pending_peer *p = pending_peers_next_queued(b->pending);
		if (p == NULL)
			return;
		/* Copies: a failure to start frees the record. */
		struct kernel_addr local = p->local, peer = p->peer;
		ike_bridge_begin(b, &local, &peer);
	}
}

void ike_bridge_delete_later(struct ike_bridge *b, const struct kernel_addr *peer, uint32_t ike_serial)
{
	if (b->ndoomed < sizeof(b->doomed) / sizeof(b->doomed[0])) {
		b->doomed[b->ndoomed].peer = *peer;
		b->doomed[b->ndoomed].ike_serial = ike_serial;
		b->ndoomed++;
	}
	ike_timers_arm(b->later, IKE_BRIDGE_LATER_REAP, 0);
}

static void ike_bridge_reap(struct ike_bridge *b)
{
	unsigned n = b->ndoomed;
	b->ndoomed = 0;
	for (unsigned i = 0; i < n; i++) {
		struct ike_bridge_peer_sas s;
		memset(&s, 0, sizeof(s));
		s.peer = b->doomed[i].peer;
		s.serial = b->doomed[i].ike_serial;
		ike_engine_each_sa(b->engine, ike_bridge_retry_sa, &s);
		/* Deleting is by peer: a newer negotiation would go with it. */
		if (s.serial_established && s.negotiating == 0)
			ike_bridge_down(b, &s.peer);
	}
}

void ike_bridge_later_fired(void *ctx, uint64_t token)
{
	struct ike_bridge *b = ctx;
	if (token == IKE_BRIDGE_LATER_RETRY)
		ike_bridge_retry_fire(b);
	else if (token == IKE_BRIDGE_LATER_IDLE)
		ike_bridge_idle_fire(b);
	else if (token == IKE_BRIDGE_LATER_DRAIN)
		ike_bridge_drain(b);
	else
		ike_bridge_reap(b);
}
