/* Token -> uv_timer_t (see ike_timers.h). */
#include "ike_timers.h"

#include <errno.h>
#include <stdlib.h>

#define IKE_TIMERS_BUCKETS 1024u

struct ike_timer {
	uv_timer_t h;
	uint64_t token;
	struct ike_timers *owner;
	struct ike_timer *next;
};

struct ike_timers {
	uv_loop_t *loop;
	ike_timers_fire_cb cb;
	void *ctx;
	size_t count;
	struct ike_timer *bucket[IKE_TIMERS_BUCKETS];
};

/* Tokens are often serial << k | kind: mix the bits before taking a bucket. */
static size_t ike_timers_hash(uint64_t token)
{
	token ^= token >> 33;
	token *= 0xff51afd7ed558ccdULL;
	token ^= token >> 33;
	return (size_t)(token % IKE_TIMERS_BUCKETS);
}

int ike_timers_new(uv_loop_t *loop, ike_timers_fire_cb cb, void *ctx, struct ike_timers **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	(*out)->loop = loop;
	(*out)->cb = cb;
	(*out)->ctx = ctx;
	return 0;
}

static void ike_timers_closed(uv_handle_t *h)
{
	free(h->data);
}

/* Unlinks the timer of token (NULL if none) without closing it. */
static struct ike_timer *ike_timers_unlink(struct ike_timers *t, uint64_t token)
{
	for (struct ike_timer **p = &t->bucket[ike_timers_hash(token)]; *p != NULL; p = &(*p)->next) {
		if ((*p)->token == token) {
			struct ike_timer *x = *p;
			*p = x->next;
			t->count--;
			return x;
		}
	}
	return NULL;
}

static void ike_timers_close(struct ike_timer *x)
{
	uv_timer_stop(&x->h);
	uv_close((uv_handle_t *)&x->h, ike_timers_closed);
}

static void ike_timers_on_timer(uv_timer_t *h)
{
	struct ike_timer *x = h->data;
	struct ike_timers *t = x->owner;
	uint64_t token = x->token;
	/* Gone from the table before the callback, so that it may arm token anew. */
	ike_timers_unlink(t, token);
	ike_timers_close(x);
	t->cb(t->ctx, token);
}

int ike_timers_arm(struct ike_timers *t, uint64_t token, uint64_t delay_ms)
{
	struct ike_timer *x = NULL;
	for (x = t->bucket[ike_timers_hash(token)]; x != NULL && x->token != token; x = x->next)
		;
	if (x == NULL) {
		x = calloc(1, sizeof(*x));
		if (x == NULL)
			return -ENOMEM;
		uv_timer_init(t->loop, &x->h);
		x->h.data = x;
		x->token = token;
		x->owner = t;
		size_t b = ike_timers_hash(token);
		x->next = t->bucket[b];
		t->bucket[b] = x;
		t->count++;
	}
	uv_timer_start(&x->h, ike_timers_on_timer, delay_ms, 0);
	return 0;
}

void ike_timers_cancel(struct ike_timers *t, uint64_t token)
{
	struct ike_timer *x = ike_timers_unlink(t, token);
	if (x != NULL)
		ike_timers_close(x);
}

size_t ike_timers_count(const struct ike_timers *t)
{
	return t->count;
}

void ike_timers_free(struct ike_timers *t)
{
	if (t == NULL)
		return;
	for (size_t b = 0; b < IKE_TIMERS_BUCKETS; b++) {
		while (t->bucket[b] != NULL) {
			struct ike_timer *x = t->bucket[b];
			t->bucket[b] = x->next;
			ike_timers_close(x);
		}
	}
	free(t);
}
