#ifndef SWANMESH_AGENT_DNS_FLIGHT_H
#define SWANMESH_AGENT_DNS_FLIGHT_H
/* The libunbound queries in flight: one per question (record type and
 * name), shared by every lookup waiting for its answer, and at most a
 * bound of them at once. A question is found in O(1) by a hash with a
 * random seed: the names come from the network (the reverse name of any
 * address an IKE_SA_INIT claims to come from). A query lives while someone
 * waits for it; when its last waiter leaves (timeout, cancel) it is
 * cancelled in libunbound and its slot is free again. */
#include <stdbool.h>

#include <unbound.h>

#define DNS_FLIGHT_NAME_MAX 256 /* with the NUL: DNS names have at most 254 characters */

struct dns_flight;
struct dns_flights;

/* One lookup waiting for one answer, embedded in the lookup's own struct
 * (zeroed: waits for nothing). */
struct dns_wait {
	struct dns_flight *flight;
	struct dns_wait *prev, *next;
};

/* The answer to f's question, given once: err and res as libunbound gave
 * them (res borrowed for the call, may be NULL). The callback takes the
 * waiters off f in the order they came (dns_flight_take) and answers each.
 * f is out of the table already: a lookup started from the callback asks
 * afresh. The callback may free the table (not f). */
typedef void (*dns_flight_answered_cb)(void *ctx, struct dns_flight *f, int err, struct ub_result *res);

/* A table of at most max (>= 1) queries on ub. ub and ctx borrowed; *out
 * owned by the caller (dns_flights_free). 0 or -1 (out of memory). */
int dns_flights_new(struct ub_ctx *ub, unsigned max, dns_flight_answered_cb answered, void *ctx,
		    struct dns_flights **out);
/* Cancels every query still in flight (its answer never comes; its
 * waiters wait for nothing, they remain the caller's) and frees. */
void dns_flights_free(struct dns_flights *t);

enum dns_flight_join {
	DNS_FLIGHT_JOINED, /* the question was in flight: w waits with the others */
	DNS_FLIGHT_SENT,   /* a new query: w is its first waiter */
	DNS_FLIGHT_FULL,   /* limit queries are in flight: not asked, w waits for nothing */
	DNS_FLIGHT_FAILED, /* a name too long, or libunbound refused the query */
};

/* w (waiting for nothing) waits for the answer to (type, name): it joins
 * the query in flight for that question, whatever the count, or a query
 * is sent when fewer than limit (capped at the table's max) are in flight.
 * name is copied. */
enum dns_flight_join dns_flights_join(struct dns_flights *t, int type, const char *name, unsigned limit,
				      struct dns_wait *w);
/* Whether a query for (type, name) is in flight. */
bool dns_flights_has(const struct dns_flights *t, int type, const char *name);
/* w stops waiting (nothing when it waits for nothing); a query left with
 * no waiter is cancelled and its slot freed. */
void dns_flights_leave(struct dns_wait *w);
/* Inside the answered callback: the first waiter still on f, taken off it
 * (it waits for nothing now); NULL when none is left. */
struct dns_wait *dns_flight_take(struct dns_flight *f);

int dns_flight_type(const struct dns_flight *f);
const char *dns_flight_name(const struct dns_flight *f); /* borrowed from f */
unsigned dns_flights_count(const struct dns_flights *t);

#endif
