/* Idle teardown (ike.idle-timeout): a periodic scan of the tunnels' byte
 * counters; a peer whose tunnels carried nothing either way for the
 * timeout loses its IKE SA (the peer is told), and the group's trap
 * applies again: the next packet negotiates anew. */
#include "ike_bridge_int.h"

#include <inttypes.h>

#include "log.h"

#define IKE_BRIDGE_IDLE_BATCH 64

/* A quarter of the timeout, within [1 s, 60 s]: a tunnel goes between
 * the timeout and the timeout plus one period. */
static uint64_t ike_bridge_idle_period(uint64_t idle_ms)
{
	uint64_t p = idle_ms / 4;
	return p < 1000 ? 1000 : p > 60000 ? 60000 : p;
}

void ike_bridge_idle_arm(struct ike_bridge *b)
{
	uint64_t idle = policy_model_config(b->model)->idle_timeout_ms;
	if (idle == 0)
		ike_timers_cancel(b->later, IKE_BRIDGE_LATER_IDLE);
	else
		ike_timers_arm(b->later, IKE_BRIDGE_LATER_IDLE, ike_bridge_idle_period(idle));
}

void ike_bridge_idle_fire(struct ike_bridge *b)
{
	uint64_t idle = policy_model_config(b->model)->idle_timeout_ms;
	if (idle == 0)
		return;
	struct tunnel_idle v[IKE_BRIDGE_IDLE_BATCH];
	size_t n = tunnel_idle_collect(b->tunnels, uv_now(b->loop), idle, v, IKE_BRIDGE_IDLE_BATCH);
	for (size_t i = 0; i < n; i++) {
		char text[64];
		kernel_addr_format(&v[i].peer, text, sizeof(text));
		log_info("%s: idle for %" PRIu64 " s (no ESP bytes either way, idle-timeout %" PRIu64
			 " s): tunnel deleted, the trap applies again",
			 text, v[i].idle_ms / 1000, idle / 1000);
		ike_bridge_down(b, &v[i].peer);
	}
	/* A full batch: the rest on the next loop turn. */
	ike_timers_arm(b->later, IKE_BRIDGE_LATER_IDLE, n == IKE_BRIDGE_IDLE_BATCH ? 0 : ike_bridge_idle_period(idle));
}
