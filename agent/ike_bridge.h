#ifndef SWANMESH_AGENT_IKE_BRIDGE_H
#define SWANMESH_AGENT_IKE_BRIDGE_H
/* The IKE engine on swanmeshd's loop: struct ike_env implemented with the
 * agent's UDP 500/4500 sockets, libuv timers, NSS random bytes, kernel SPI
 * allocation, the policy model (how to treat a peer), kernel/ (Child SAs
 * become tunnels) and the shunts (a failed negotiation gets its group's
 * failure shunt). NSS must be initialised before ike_bridge_new. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "dns_ipseckey.h"
#include "ike/ike.h"
#include "kernel/kernel.h"
#include "policy/model.h"
#include "shunts.h"
#include "tunnels.h"

struct ike_bridge;

/* Opens the sockets on the model's own addresses (all of them if it has
 * none) and creates the engine. loop, k, shunts and model are borrowed and
 * must outlive the bridge. *out owned by the caller (ike_bridge_stop).
 * 0, or -1 with a sentence in why. A socket that cannot be opened is logged
 * and skipped. */
int ike_bridge_new(uv_loop_t *loop, struct kernel *k, struct shunt_table *shunts, const struct policy_model *model,
		   struct ike_bridge **out, char *why, size_t whylen);
/* After a reload: the next decisions use model (borrowed); sockets follow
 * its own addresses. */
void ike_bridge_set_model(struct ike_bridge *b, const struct policy_model *model);
/* Tells every peer (Delete), removes every tunnel, frees b. */
void ike_bridge_stop(struct ike_bridge *b);

/* Whether a trapped packet to peer can be taken now (the caller then puts
 * the negotiation shunt in place and calls ike_bridge_acquire): false when
 * ike.initiations-max negotiations run and ike.initiation-queue-max peers
 * wait already (counted, logged at most every 10 s); its packets stay held
 * by the trap until the kernel asks again. */
bool ike_bridge_acquire_admit(struct ike_bridge *b, const struct kernel_addr *peer);
/* A trapped packet local -> peer: negotiate now, or once one of the
 * ike.initiations-max slots is free (queued in arrival order). holding is
 * the policy that holds the packet (copied; NULL: none): it is released
 * when the tunnel stands or the failure shunt is in place. The caller has
 * put the negotiation shunt in place. */
void ike_bridge_acquire(struct ike_bridge *b, const struct kernel_addr *local, const struct kernel_addr *peer,
			const struct kernel_policy *holding);
/* `swanmesh up`: 0, or -1 with why (refused or no local address). */
int ike_bridge_up(struct ike_bridge *b, const struct kernel_addr *peer, char *why, size_t whylen);
/* `swanmesh down`: the number of IKE SAs deleted. */
int ike_bridge_down(struct ike_bridge *b, const struct kernel_addr *peer);

/* A tunnel (Child SA in the kernel) to peer stands. */
bool ike_bridge_has_tunnel(struct ike_bridge *b, const struct kernel_addr *peer);

struct ike_bridge_counts {
	unsigned ike_sas, ike_established, child_sas, sockets;
	unsigned initiating, queued;            /* trapped peers: negotiating, waiting for a slot */
	unsigned long acquires_turned_away;     /* queue full */
	bool dns;                               /* dnssec on: dns holds the resolver's counters */
	struct dns_ipseckey_counters dns_counters;
	struct ike_counters engine;
};
void ike_bridge_counts(struct ike_bridge *b, struct ike_bridge_counts *out);

/* Each tunnel with the byte counters of its SAs (trafficstatus). */
typedef void (*ike_bridge_tunnel_cb)(void *ctx, const struct tunnel_info *ti, const struct kernel_sa_stats *in,
				     const struct kernel_sa_stats *out);
void ike_bridge_each_tunnel(struct ike_bridge *b, ike_bridge_tunnel_cb cb, void *ctx);

#endif
