/* Pending peers by address, and the queue of those waiting (see pending_peers.h). */
#include "pending_peers.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#define PENDING_PEERS_MIN_BUCKETS 64u

struct pending_peers {
	struct pending_peer **bucket;
	unsigned nbuckets;              /* a power of two */
	unsigned count, nqueued;
	uint64_t seed;
	struct pending_queue {
		struct pending_peer *head, **tail;
		unsigned n;
	} q[2];                         /* [1]: urgent */
};

static bool pending_addr_equal(const struct kernel_addr *a, const struct kernel_addr *b)
{
	unsigned n = a->family == AF_INET6 ? 16 : 4;
	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

/* The seeded 64-bit mix of splitmix64 over the address's words. */
static uint64_t pending_mix(uint64_t h)
{
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static unsigned pending_hash(const struct pending_peers *pp, const struct kernel_addr *a)
{
	uint64_t w[2];
	memset(w, 0, sizeof(w));
	memcpy(w, a->bytes, a->family == AF_INET6 ? 16 : 4);
	uint64_t h = pending_mix(pp->seed ^ a->family);
	h = pending_mix(h ^ w[0]);
	h = pending_mix(h ^ w[1]);
	return (unsigned)h & (pp->nbuckets - 1);
}

struct pending_peers *pending_peers_new(void)
{
	struct pending_peers *pp = calloc(1, sizeof(*pp));
	if (pp == NULL)
		return NULL;
	pp->nbuckets = PENDING_PEERS_MIN_BUCKETS;
	pp->bucket = calloc(pp->nbuckets, sizeof(pp->bucket[0]));
	if (pp->bucket == NULL) {
		free(pp);
		return NULL;
	}
	/* Without randomness the table still works, only predictably. */
	if (getrandom(&pp->seed, sizeof(pp->seed), GRND_NONBLOCK) != (ssize_t)sizeof(pp->seed))
		pp->seed = (uint64_t)(uintptr_t)pp;
	pp->q[0].tail = &pp->q[0].head;
	pp->q[1].tail = &pp->q[1].head;
	return pp;
}

void pending_peers_free(struct pending_peers *pp)
{
	if (pp == NULL)
		return;
	for (unsigned i = 0; i < pp->nbuckets; i++) {
		while (pp->bucket[i] != NULL) {
			struct pending_peer *p = pp->bucket[i];
			pp->bucket[i] = p->hnext;
			free(p);
		}
	}
	free(pp->bucket);
	free(pp);
}

static struct pending_peer **pending_find(struct pending_peers *pp, const struct kernel_addr *peer)
{
	for (struct pending_peer **l = &pp->bucket[pending_hash(pp, peer)]; *l != NULL; l = &(*l)->hnext)
		if (pending_addr_equal(&(*l)->peer, peer))
			return l;
	return NULL;
}

struct pending_peer *pending_peers_get(struct pending_peers *pp, const struct kernel_addr *peer)
{
	struct pending_peer **l = pending_find(pp, peer);
	return l ? *l : NULL;
}

/* Twice the buckets once there are more records than buckets; a failed
 * allocation keeps the table as it is (longer chains, still correct). */
static void pending_grow(struct pending_peers *pp)
{
	if (pp->count < pp->nbuckets || pp->nbuckets > (1u << 30))
		return;
	unsigned old = pp->nbuckets;
	struct pending_peer **ob = pp->bucket, **nb = calloc(old * 2, sizeof(nb[0]));
	if (nb == NULL)
		return;
	pp->bucket = nb;
	pp->nbuckets = old * 2;
	for (unsigned i = 0; i < old; i++) {
		while (ob[i] != NULL) {
			struct pending_peer *p = ob[i];
			ob[i] = p->hnext;
			unsigned h = pending_hash(pp, &p->peer);
			p->hnext = nb[h];
			nb[h] = p;
		}
	}
	free(ob);
}

static void pending_enqueue(struct pending_peers *pp, struct pending_peer *p)
{
	struct pending_queue *q = &pp->q[p->urgent];
	p->queued = true;
	p->qnext = NULL;
	p->qprev = q->tail;
	*q->tail = p;
	q->tail = &p->qnext;
	q->n++;
	pp->nqueued++;
}

static void pending_dequeue(struct pending_peers *pp, struct pending_peer *p)
{
	struct pending_queue *q = &pp->q[p->urgent];
	*p->qprev = p->qnext;
	if (p->qnext != NULL)
		p->qnext->qprev = p->qprev;
	else
		q->tail = p->qprev;
	p->qnext = NULL;
	p->qprev = NULL;
	p->queued = false;
	q->n--;
	pp->nqueued--;
}

int pending_peers_add(struct pending_peers *pp, const struct kernel_addr *local, const struct kernel_addr *peer,
		      bool queued, bool urgent, struct pending_peer **out)
{
	*out = NULL;
	struct pending_peer *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->local = *local;
	p->peer = *peer;
	p->urgent = urgent;
	pending_grow(pp);
	unsigned h = pending_hash(pp, peer);
	p->hnext = pp->bucket[h];
	pp->bucket[h] = p;
	pp->count++;
	if (queued)
		pending_enqueue(pp, p);
	*out = p;
	return 0;
}

struct pending_peer *pending_peers_take(struct pending_peers *pp, const struct kernel_addr *peer)
{
	struct pending_peer **l = pending_find(pp, peer);
	if (l == NULL)
		return NULL;
	struct pending_peer *p = *l;
	*l = p->hnext;
	p->hnext = NULL;
	pp->count--;
	if (p->queued)
		pending_dequeue(pp, p);
	return p;
}

struct pending_peer *pending_peers_next_queued(struct pending_peers *pp)
{
	struct pending_peer *p = pp->q[1].head != NULL ? pp->q[1].head : pp->q[0].head;
	if (p != NULL)
		pending_dequeue(pp, p);
	return p;
}

unsigned pending_peers_negotiating(const struct pending_peers *pp)
{
	return pp->count - pp->nqueued;
}

unsigned pending_peers_queued(const struct pending_peers *pp)
{
	return pp->nqueued;
}

unsigned pending_peers_queued_class(const struct pending_peers *pp, bool urgent)
{
	return pp->q[urgent].n;
}

void pending_peers_each(struct pending_peers *pp, pending_peers_cb cb, void *ctx)
{
	for (unsigned i = 0; i < pp->nbuckets; i++)
		for (struct pending_peer *p = pp->bucket[i]; p != NULL; p = p->hnext)
			cb(ctx, p);
}
