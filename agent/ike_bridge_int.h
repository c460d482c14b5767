#ifndef SWANMESH_AGENT_IKE_BRIDGE_INT_H
#define SWANMESH_AGENT_IKE_BRIDGE_INT_H
/* Internals shared by ike_bridge*.c: the sockets (ike_bridge_net.c) and the
 * engine's events (ike_bridge_events.c). */
#include "ike_bridge.h"
#include "ike_socket.h"
#include "ike_timers.h"
#include "log.h"
#include "peer_auth.h"
#include "pending_peers.h"

#define IKE_BRIDGE_PORT 500
#define IKE_BRIDGE_NATT_PORT 4500

struct ike_bridge_sock {
	struct ike_socket *s;
	struct ike_addr addr;   /* bound address and port; ip all zero when any */
	bool any;
};

/* A datagram held back until the engine call that made it returns. */
struct ike_bridge_out {
	struct ike_bridge_sock *sock;
	struct sockaddr_storage to;
	size_t len;
	struct ike_bridge_out *next;
	uint8_t buf[];
};

struct ike_bridge {
	uv_loop_t *loop;
	struct kernel *k;
	struct shunt_table *shunts;
	const struct policy_model *model;
	struct ike_engine *engine;
	struct peer_auth *auth;         /* our credentials, peer keys */
	struct ike_bridge_retired {     /* credentials before reloads, freed at stop */
		struct peer_auth *pa;
		struct ike_bridge_retired *next;
	} *retired;
	struct ike_timers *timers;
	struct tunnel_table *tunnels;
	struct ike_bridge_sock *socks;
	unsigned nsocks;
	struct pending_peers *pending;  /* trapped peers: negotiating or queued */
	unsigned long acquires_turned_away;
	struct log_ratelimit turned_away_log;
	struct log_ratelimit refused_log;  /* unauthenticated responder refusals */
	unsigned corked;                /* depth */
	struct ike_bridge_out *out_head, **out_tail;
	/* Peers whose IKE SA goes on the next loop turn (outside the engine's
	 * callbacks): their Child SA could not be installed. */
	struct ike_timers *later;
	struct ike_bridge_doomed {
		struct kernel_addr peer;
		uint32_t ike_serial;
	} doomed[8];
	unsigned ndoomed;
};

/* ike_bridge_net.c. Listens on 500 and 4500 of every own address of the
 * model (opening what is new, closing what is gone; failures are logged);
 * returns the number of sockets. */
unsigned ike_bridge_net_sync(struct ike_bridge *b);
void ike_bridge_net_close(struct ike_bridge *b);
/* While corked, env.send queues; uncorking sends the queue in order. The
 * responder's engine sends its IKE_AUTH answer before it reports the Child
 * SA: held back, the answer leaves only once the inbound SA is in the
 * kernel, so the peer's first ESP packets are not dropped. */
void ike_bridge_net_cork(struct ike_bridge *b);
void ike_bridge_net_uncork(struct ike_bridge *b);
/* env.send: 0 or -errno. */
int ike_bridge_net_send(void *ctx, const uint8_t *buf, size_t len, const struct ike_addr *local,
			const struct ike_addr *peer);
/* The address we would send from to reach peer, among ours: 0 or -1 + why. */
int ike_bridge_net_local_for(struct ike_bridge *b, const struct kernel_addr *peer, struct kernel_addr *local,
			     char *why, size_t whylen);

/* ike_bridge_events.c: env callbacks for the engine's results. */
int ike_bridge_child_up(void *ctx, const struct ike_child_info *c);
void ike_bridge_child_down(void *ctx, const struct ike_child_info *c);
void ike_bridge_ike_failed(void *ctx, const struct ike_failure *f);
/* The negotiation with peer failed: its group's failure shunt, the held
 * packets released onto it, one log line. */
/* The rules of peer in model (policy_model_host_rules). */
void ike_bridge_host_rules(const struct policy_model *model, const struct kernel_addr *peer,
			   struct policy_host_rules *hr);
/* The rule that names the peer's tunnel and shunts in logs and
 * trafficstatus: the lead as responder, else the host-wide one. */
const struct policy_match *ike_bridge_lead(const struct policy_host_rules *hr);
/* "private-or-clear", or "no group". */
const char *ike_bridge_group_name(const struct policy_match *m);
void ike_bridge_fail_peer(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
			  const char *why);
bool ike_bridge_pending_has(struct ike_bridge *b, const struct kernel_addr *peer);
/* Takes peer's record out (the caller frees it; NULL: none); a negotiation
 * slot it frees goes to the longest-waiting queued peer on the next turn. */
struct pending_peer *ike_bridge_pending_take(struct ike_bridge *b, const struct kernel_addr *peer);
/* Lets peer's held packets go (they meet the tunnel or a shunt) and forgets them. */
void ike_bridge_pending_release(struct ike_bridge *b, const struct kernel_addr *peer);

/* ike_bridge_later.c: what must wait for the next loop turn, outside the
 * engine's callbacks. ike_initiate does nothing while an IKE SA with the
 * peer exists: ike_bridge_retry_check makes sure a negotiation really runs
 * for a pending peer, else releases its packets onto a standing tunnel, or
 * deletes a useless IKE SA and starts again a little later. */
#define IKE_BRIDGE_LATER_REAP 0
#define IKE_BRIDGE_LATER_RETRY 1
#define IKE_BRIDGE_LATER_IDLE 2
#define IKE_BRIDGE_LATER_DRAIN 3
/* The ike_timers callback of b->later. */
void ike_bridge_later_fired(void *ctx, uint64_t token);
/* Deletes IKE SA ike_serial with peer on the next loop turn, unless a newer
 * negotiation with the peer runs by then. */
void ike_bridge_delete_later(struct ike_bridge *b, const struct kernel_addr *peer, uint32_t ike_serial);
/* ike_bridge.c: ike_initiate from local to peer (port 500). 0 or -errno + why. */
int ike_bridge_start(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
		     char *why, size_t whylen);
void ike_bridge_retry_check(struct ike_bridge *b, const struct kernel_addr *peer);
/* Starts the negotiation of pending peer (a failure to start is its failure). */
void ike_bridge_begin(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer);
/* Queued peers get the slots ike.initiations-max leaves free. */
void ike_bridge_drain(struct ike_bridge *b);

/* ike_bridge_idle.c: idle teardown on b->later. Arms (or, with no
 * idle-timeout, cancels) the periodic scan for the current model. */
void ike_bridge_idle_arm(struct ike_bridge *b);
void ike_bridge_idle_fire(struct ike_bridge *b);

#endif
