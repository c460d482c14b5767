/* Larval states: what an ACQUIRE leaves in the kernel.
 *
 * When a packet meets a trap, the kernel makes a larval state (SPI 0, the
 * trap's reqid and template) and sends the ACQUIRE; while that state lives
 * (net.core.xfrm_acq_expires) every later packet for the same pair of
 * addresses is held without a new ACQUIRE. Our SAs have their own reqid and
 * mode, so the kernel does not replace the larval state when they go in: it
 * would outlive the tunnel, and a packet that meets the trap again after
 * `swanmesh down`, a dead peer or a restart of the agent would wait for it
 * to expire (up to 30 s) before anyone hears of it. */
#ifndef SWANMESH_AGENT_LARVAL_H
#define SWANMESH_AGENT_LARVAL_H

#include "kernel/kernel.h"

/* Removes the larval state of the traps for local -> peer, if any: ALLOCSPI
 * finds it by reqid and addresses and gives it an SPI, DELSA then removes
 * it by that SPI. Without one, ALLOCSPI makes one, which goes the same way.
 * Returns 0 or a negative errno (err filled). */
int larval_retire(struct kernel *k, const struct kernel_addr *local, const struct kernel_addr *peer,
		  struct kernel_error *err);

/* At start: retires every larval state of the traps an earlier run left
 * (an ACQUIRE nobody answered). *n counts them. The packets they held are
 * re-examined once the traps are re-inserted, and ACQUIREs follow at once. */
int larval_retire_stale(struct kernel *k, unsigned *n, struct kernel_error *err);

#endif
