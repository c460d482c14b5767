/* Queries in flight, one per question (see dns_flight.h). */
#include "dns_flight.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define DNS_FLIGHT_CLASS_IN 1
#define DNS_FLIGHT_MIN_BUCKETS 16u
#define DNS_FLIGHT_MAX_BUCKETS 65536u

struct dns_flight {
	struct dns_flights *t;        /* NULL once answered: out of the table */
	int type;
	int async_id;
	struct dns_wait *head, *tail; /* in the order they came */
	struct dns_flight *hnext;     /* bucket chain */
	char name[DNS_FLIGHT_NAME_MAX];
};

struct dns_flights {
	struct ub_ctx *ub;
	dns_flight_answered_cb answered;
	void *ctx;
	struct dns_flight **bucket;
	unsigned nbuckets;            /* a power of two */
	unsigned count, max;
	uint64_t seed;
};

int dns_flights_new(struct ub_ctx *ub, unsigned max, dns_flight_answered_cb answered, void *ctx,
		    struct dns_flights **out)
{
	*out = NULL;
	struct dns_flights *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -1;
	t->ub = ub;
	t->answered = answered;
	t->ctx = ctx;
	t->max = max > 0 ? max : 1;
	/* About two buckets per query at the bound, so chains stay short. */
	t->nbuckets = DNS_FLIGHT_MIN_BUCKETS;
	while (t->nbuckets < DNS_FLIGHT_MAX_BUCKETS && t->nbuckets / 2 < t->max)
		t->nbuckets *= 2;
	t->bucket = calloc(t->nbuckets, sizeof(t->bucket[0]));
	if (t->bucket == NULL) {
		free(t);
		return -1;
	}
	/* Without randomness the table still works, only predictably. */
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != (ssize_t)sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t;
	*out = t;
	return 0;
}

/* The finalizer of splitmix64: a bijection that spreads every input bit. */
static uint64_t dns_flight_mix(uint64_t h)
{
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static unsigned dns_flight_hash(const struct dns_flights *t, int type, const char *name, size_t len)
{
	uint64_t h = dns_flight_mix(t->seed ^ (uint64_t)(unsigned)type ^ ((uint64_t)len << 32));
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w = 0;
		memcpy(&w, name + i, len - i < 8 ? len - i : 8);
		h = dns_flight_mix(h ^ w);
	}
	return (unsigned)h & (t->nbuckets - 1);
}

/* Where the flight for (type, name) is linked, or would be. */
static struct dns_flight **dns_flight_slot(const struct dns_flights *t, int type, const char *name, size_t len)
{
	struct dns_flight **p = &t->bucket[dns_flight_hash(t, type, name, len)];
	while (*p != NULL && ((*p)->type != type || strcmp((*p)->name, name) != 0))
		p = &(*p)->hnext;
	return p;
}

/* Takes f out of the table: its question may be asked afresh. */
static void dns_flight_remove(struct dns_flights *t, struct dns_flight *f)
{
	struct dns_flight **p = dns_flight_slot(t, f->type, f->name, strlen(f->name));
	if (*p == f)
		*p = f->hnext;
	f->hnext = NULL;
	f->t = NULL;
	t->count--;
}

static void dns_flight_unlink(struct dns_flight *f, struct dns_wait *w)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		f->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		f->tail = w->prev;
	w->flight = NULL;
	w->prev = w->next = NULL;
}

static void dns_flight_add(struct dns_flight *f, struct dns_wait *w)
{
	w->flight = f;
	w->next = NULL;
	w->prev = f->tail;
	if (f->tail != NULL)
		f->tail->next = w;
	else
		f->head = w;
	f->tail = w;
}

struct dns_wait *dns_flight_take(struct dns_flight *f)
{
	struct dns_wait *w = f->head;
	if (w != NULL)
		dns_flight_unlink(f, w);
	return w;
}

/* libunbound's answer: out of the table first (a lookup made by a waiter's
 * callback asks afresh), then every waiter, then the result is freed. The
 * table may be gone after the callback: only f is touched. */
static void dns_flight_on_answer(void *mydata, int err, struct ub_result *res)
{
	struct dns_flight *f = mydata;
	struct dns_flights *t = f->t;
	dns_flight_answered_cb answered = t->answered;
	void *ctx = t->ctx;
	dns_flight_remove(t, f);
	answered(ctx, f, err, res);
	while (dns_flight_take(f) != NULL)
		; /* the callback answers them all; none may wait on a freed flight */
	if (res != NULL)
		ub_resolve_free(res);
	free(f);
}

enum dns_flight_join dns_flights_join(struct dns_flights *t, int type, const char *name, unsigned limit,
				      struct dns_wait *w)
{
	size_t len = strnlen(name, DNS_FLIGHT_NAME_MAX);
	if (len == 0 || len >= DNS_FLIGHT_NAME_MAX)
		return DNS_FLIGHT_FAILED;
	struct dns_flight **p = dns_flight_slot(t, type, name, len);
	if (*p != NULL) {
		dns_flight_add(*p, w);
		return DNS_FLIGHT_JOINED;
	}
	if (t->count >= (limit < t->max ? limit : t->max))
		return DNS_FLIGHT_FULL;
	struct dns_flight *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return DNS_FLIGHT_FAILED;
	f->t = t;
	f->type = type;
	memcpy(f->name, name, len + 1);
	/* Asynchronous mode (ub_ctx_async): the answer comes from ub_process(),
	 * never from inside this call. */
	if (ub_resolve_async(t->ub, f->name, type, DNS_FLIGHT_CLASS_IN, f, dns_flight_on_answer, &f->async_id) != 0) {
		free(f);
		return DNS_FLIGHT_FAILED;
	}
	*p = f;
	t->count++;
	dns_flight_add(f, w);
	return DNS_FLIGHT_SENT;
}

bool dns_flights_has(const struct dns_flights *t, int type, const char *name)
{
	size_t len = strnlen(name, DNS_FLIGHT_NAME_MAX);
	return len > 0 && len < DNS_FLIGHT_NAME_MAX && *dns_flight_slot(t, type, name, len) != NULL;
}

void dns_flights_leave(struct dns_wait *w)
{
	struct dns_flight *f = w->flight;
	if (f == NULL)
		return;
	dns_flight_unlink(f, w);
	/* Others still wait, or it is being answered (its answer frees it). */
	if (f->head != NULL || f->t == NULL)
		return;
	struct dns_flights *t = f->t;
	ub_cancel(t->ub, f->async_id);
	dns_flight_remove(t, f);
	free(f);
}

void dns_flights_free(struct dns_flights *t)
{
	if (t == NULL)
		return;
	for (unsigned i = 0; i < t->nbuckets; i++) {
		struct dns_flight *f;
		while ((f = t->bucket[i]) != NULL) {
			t->bucket[i] = f->hnext;
			ub_cancel(t->ub, f->async_id);
			while (dns_flight_take(f) != NULL)
				;
			free(f);
		}
	}
	free(t->bucket);
	free(t);
}

int dns_flight_type(const struct dns_flight *f)
{
	return f->type;
}

const char *dns_flight_name(const struct dns_flight *f)
{
	return f->name;
}

unsigned dns_flights_count(const struct dns_flights *t)
{
	return t->count;
}
