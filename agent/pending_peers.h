#ifndef SWANMESH_AGENT_PENDING_PEERS_H
#define SWANMESH_AGENT_PENDING_PEERS_H
/* The trapped peers we negotiate with (or will, once an initiation slot is
 * free): found by address in O(1) (a hash with a random seed, so that an
 * attacker choosing the trapped addresses cannot pick collisions), and the
 * ones still waiting kept in arrival order, in two classes: the urgent ones
 * (a `private` rule covers them) go first, so that a sweep of spoofed
 * addresses in a private-or-clear range cannot keep them waiting. Pure: no
 * I/O, no IKE. */
#include <stdbool.h>

#include "kernel/kernel.h"

struct pending_peer {
	struct kernel_addr local, peer;
	struct kernel_policy holding;   /* the trap holding the peer's packets */
	bool has_holding;
	bool queued;                    /* waits for a slot: not negotiating yet */
	bool urgent;                    /* its class (set when added) */
	unsigned retries;               /* ike_bridge_later.c */
	bool retry_wanted;
	/* the table's own */
	struct pending_peer *hnext;
	struct pending_peer *qnext, **qprev;
};

struct pending_peers;

/* NULL when out of memory. */
struct pending_peers *pending_peers_new(void);
/* Frees the table and every record in it. */
void pending_peers_free(struct pending_peers *pp);

/* Borrowed; NULL when the peer is not pending. */
struct pending_peer *pending_peers_get(struct pending_peers *pp, const struct kernel_addr *peer);
/* A new record for peer (not there yet) of class urgent, negotiating
 * unless queued; the table owns it, *out borrows it. 0 or -ENOMEM. */
int pending_peers_add(struct pending_peers *pp, const struct kernel_addr *local, const struct kernel_addr *peer,
		      bool queued, bool urgent, struct pending_peer **out);
/* Takes peer's record out: the caller owns (frees) it; NULL: none. */
struct pending_peer *pending_peers_take(struct pending_peers *pp, const struct kernel_addr *peer);
/* The longest-waiting queued record, urgent ones first, now negotiating
 * (it stays in the table, borrowed); NULL when none waits. */
struct pending_peer *pending_peers_next_queued(struct pending_peers *pp);

/* Negotiating and queued records. */
unsigned pending_peers_negotiating(const struct pending_peers *pp);
unsigned pending_peers_queued(const struct pending_peers *pp);
/* Queued records of one class. */
unsigned pending_peers_queued_class(const struct pending_peers *pp, bool urgent);

/* Each record; cb must not add or take records. */
typedef void (*pending_peers_cb)(void *ctx, struct pending_peer *p);
void pending_peers_each(struct pending_peers *pp, pending_peers_cb cb, void *ctx);

#endif
