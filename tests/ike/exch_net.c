/* The mock env's network and clock: the datagram queue between the two
 * engines (rules, hook, trace) and the per-engine timer tables driven by
 * the virtual clock. Nothing is delivered from inside an engine call:
 * send only queues, so the engines never re-enter each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exch_env.h"
#include "exch_env_int.h"
#include "ike/ike_consts.h"

#define EXCH_RUN_DEFAULT 100000u
#define EXCH_FIRE_MAX 100000u

static uint64_t exch_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void exch_decode(struct exch_dgram *d)
{
	const uint8_t *b = d->buf;

	if (d->len < IKE_HDR_LEN)
		return;
	d->spi_i = exch_be(b, 8);
	d->spi_r = exch_be(b + 8, 8);
	d->first = b[16];
	d->exchange = b[18];
	d->flags = b[19];
	d->msg_id = (uint32_t)exch_be(b + 20, 4);
	if (d->first == IKE_PT_SKF && d->len >= IKE_HDR_LEN + IKE_SKF_HDR_LEN) {
		d->frag_num = (uint16_t)exch_be(b + IKE_HDR_LEN + 4, 2);
		d->frag_total = (uint16_t)exch_be(b + IKE_HDR_LEN + 6, 2);
	}
}

static bool exch_rule_match(const struct exch_rule *r, const struct exch_dgram *d)
{
	return r->used && (r->from < 0 || r->from == d->from) && (r->exchange < 0 || r->exchange == d->exchange) &&
	       (r->response < 0 || r->response == !!(d->flags & IKE_FLAG_R));
}

static enum exch_action exch_rules_apply(struct exch_world *w, const struct exch_dgram *d)
{
	enum exch_action a = EXCH_PASS;

	for (unsigned i = 0; i < EXCH_RULES; i++) {
		struct exch_rule *r = &w->rules[i];
		if (!exch_rule_match(r, d))
			continue;
		if (r->seen++ >= r->nth && (r->count == 0 || r->applied < r->count) && a == EXCH_PASS) {
			r->applied++;
			a = r->action;
		}
	}
	return a;
}

struct exch_rule *exch_rule_add(struct exch_world *w, int from, int exchange, int response, unsigned nth,
				unsigned count, enum exch_action action)
{
	for (unsigned i = 0; i < EXCH_RULES; i++)
		if (!w->rules[i].used) {
			w->rules[i] = (struct exch_rule){ .used = true, .from = from, .exchange = exchange,
							  .response = response, .nth = nth, .count = count,
							  .action = action };
			return &w->rules[i];
		}
	return NULL;
}

static int exch_queue_push(struct exch_world *w, const struct exch_dgram *d)
{
	struct exch_dgram *q;

	if (w->n_queue >= EXCH_QUEUE_MAX) {
		w->n_queue_overflow++;
		return -1;
	}
	q = &w->queue[w->n_queue];
	*q = *d;
	if ((q->buf = malloc(d->len ? d->len : 1)) == NULL) {
		w->n_queue_overflow++;
		return -1;
	}
	memcpy(q->buf, d->buf, d->len);
	w->n_queue++;
	return 0;
}

/* The NAT's public address that A's packets leave with. */
static void exch_nat_public(struct ike_addr *a)
{
	static const uint8_t pub[4] = { 203, 0, 113, 1 };
	memcpy(a->ip, pub, 4);
}

static int exch_addr_eq(const struct ike_addr *a, const struct ike_addr *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, 4) == 0;
}

int exch_cb_send(void *ctx, const uint8_t *buf, size_t len, const struct ike_addr *local,
		 const struct ike_addr *peer)
{
	struct exch_side *s = ctx;
	struct exch_world *w = s->w;
	struct exch_dgram d = { .from = s->idx, .len = len, .sent_ms = w->now };
	uint8_t *copy;

	s->n_sent++;
	struct ike_addr want_local = s->addr, want_peer = w->side[!s->idx].addr;
	if (w->nat) {
		/* A sits behind a NAT: B sees and answers its public address;
		 * ports may float to 4500. */
		want_local.port = local->port;
		want_peer.port = peer->port;
		if (s->idx == EXCH_B)
			exch_nat_public(&want_peer);
	}
	if (!exch_addr_eq(local, &want_local) || !exch_addr_eq(peer, &want_peer)) {
		w->n_misrouted++;
		return 0;
	}
	if ((copy = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(copy, buf, len);
	d.buf = copy;
	exch_decode(&d);
	d.action = exch_rules_apply(w, &d);
	if (d.action == EXCH_PASS && w->hook != NULL)
		d.action = w->hook(w->hook_arg, &d);
	if (d.action != EXCH_DROP)
		(void)exch_queue_push(w, &d);
	if (d.action == EXCH_DUP)
		(void)exch_queue_push(w, &d);
	if (w->n_trace < EXCH_TRACE_MAX)
		w->trace[w->n_trace] = d; /* keeps copy */
	else
		free(copy);
	w->n_trace++;
	return 0;
}

void exch_queue_drop(struct exch_world *w, unsigned i)
{
	if (i >= w->n_queue)
		return;
	free(w->queue[i].buf);
	memmove(&w->queue[i], &w->queue[i + 1], (w->n_queue - i - 1) * sizeof(w->queue[0]));
	w->n_queue--;
}

int exch_queue_dup(struct exch_world *w, unsigned i)
{
	struct exch_dgram d;

	if (i >= w->n_queue || exch_queue_push(w, &w->queue[i]) != 0)
		return -1;
	/* the copy is at the end: move it right after i */
	d = w->queue[w->n_queue - 1];
	memmove(&w->queue[i + 2], &w->queue[i + 1], (w->n_queue - i - 2) * sizeof(w->queue[0]));
	w->queue[i + 1] = d;
	return 0;
}

void exch_queue_swap(struct exch_world *w, unsigned i, unsigned j)
{
	struct exch_dgram t;

	if (i >= w->n_queue || j >= w->n_queue)
		return;
	t = w->queue[i];
	w->queue[i] = w->queue[j];
	w->queue[j] = t;
}

void exch_queue_clear(struct exch_world *w)
{
	while (w->n_queue > 0)
		exch_queue_drop(w, w->n_queue - 1);
}

void exch_trace_clear(struct exch_world *w)
{
	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++) {
		free(w->trace[i].buf);
		w->trace[i].buf = NULL;
	}
	w->n_trace = 0;
}

static void exch_input(struct exch_world *w, int to, const uint8_t *buf, size_t len)
{
	struct exch_side *dst = &w->side[to];

	if (dst->e == NULL) {
		w->n_to_freed++;
		return;
	}
	struct ike_addr from = w->side[!to].addr;
	if (w->nat && to == EXCH_B)
		exch_nat_public(&from);
	ike_input(dst->e, buf, len, &from, &dst->addr);
}

void exch_queue_deliver(struct exch_world *w, unsigned i)
{
	struct exch_dgram d;

	if (i >= w->n_queue)
		return;
	d = w->queue[i];
	memmove(&w->queue[i], &w->queue[i + 1], (w->n_queue - i - 1) * sizeof(w->queue[0]));
	w->n_queue--;
	exch_input(w, !d.from, d.buf, d.len);
	free(d.buf);
}

void exch_inject(struct exch_world *w, int to, const uint8_t *buf, size_t len)
{
	exch_input(w, to, buf, len);
}

unsigned exch_run(struct exch_world *w, unsigned max)
{
	unsigned n = 0;

	if (max == 0)
		max = EXCH_RUN_DEFAULT;
	while (w->n_queue > 0 && n < max) {
		exch_queue_deliver(w, 0);
		n++;
	}
	return n;
}

void exch_cb_timer_arm(void *ctx, uint64_t token, uint64_t delay_ms)
{
	struct exch_side *s = ctx;
	struct exch_timer *t = NULL;

	for (unsigned i = 0; i < s->n_timers && t == NULL; i++)
		if (s->timers[i].armed && s->timers[i].token == token)
			t = &s->timers[i];
	for (unsigned i = 0; i < s->n_timers && t == NULL; i++)
		if (!s->timers[i].armed)
			t = &s->timers[i];
	if (t == NULL && s->n_timers < EXCH_TIMERS)
		t = &s->timers[s->n_timers++];
	if (t == NULL) {
		fprintf(stderr, "exch: side %s: timer table full\n", s->name);
		abort();
	}
	t->armed = true;
	t->token = token;
	t->deadline = s->w->now + delay_ms;
	t->seq = ++s->w->timer_seq;
}

void exch_cb_timer_cancel(void *ctx, uint64_t token)
{
	struct exch_side *s = ctx;

	for (unsigned i = 0; i < s->n_timers; i++)
		if (s->timers[i].armed && s->timers[i].token == token)
			s->timers[i].armed = false;
}

/* The armed timer of either side due first (by deadline, then by arming
 * order) at or before until, or NULL. */
static struct exch_timer *exch_next_timer(struct exch_world *w, uint64_t until, int *side)
{
	struct exch_timer *best = NULL;

	for (int s = 0; s < 2; s++)
		for (unsigned i = 0; i < w->side[s].n_timers; i++) {
			struct exch_timer *t = &w->side[s].timers[i];
			if (!t->armed || t->deadline > until || w->side[s].e == NULL)
				continue;
			if (best == NULL || t->deadline < best->deadline ||
			    (t->deadline == best->deadline && t->seq < best->seq)) {
				best = t;
				*side = s;
			}
		}
	return best;
}

void exch_advance(struct exch_world *w, uint64_t ms)
{
	uint64_t until = w->now + ms;
	struct exch_timer *t;
	unsigned fired = 0;
	int s = 0;

	exch_run(w, 0);
	while ((t = exch_next_timer(w, until, &s)) != NULL) {
		if (++fired > EXCH_FIRE_MAX) {
			w->runaway++;
			break;
		}
		t->armed = false;
		if (t->deadline > w->now)
			w->now = t->deadline;
		ike_timer_fired(w->side[s].e, t->token);
		exch_run(w, 0);
	}
	w->now = until;
}

bool exch_wait(struct exch_world *w, uint64_t total_ms, uint64_t step_ms, bool (*done)(struct exch_world *w))
{
	uint64_t passed = 0;

	exch_run(w, 0);
	while (!done(w) && passed < total_ms) {
		exch_advance(w, step_ms);
		passed += step_ms;
	}
	return done(w);
}

unsigned exch_trace_count(const struct exch_world *w, int from, int exchange, int response)
{
	struct exch_rule r = { .used = true, .from = from, .exchange = exchange, .response = response };
	unsigned n = 0;

	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++)
		n += exch_rule_match(&r, &w->trace[i]);
	return n;
}

int exch_trace_find(const struct exch_world *w, int from, int exchange, int response, unsigned nth)
{
	struct exch_rule r = { .used = true, .from = from, .exchange = exchange, .response = response };

	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++)
		if (exch_rule_match(&r, &w->trace[i]) && nth-- == 0)
			return (int)i;
	return -1;
}
