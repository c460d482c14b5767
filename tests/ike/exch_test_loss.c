/* In-process exchanges: lost and duplicated datagrams, retransmission,
 * timeouts, unreachable peers, simultaneous initiation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

static void assert_same_dgram(const struct exch_world *w, int i, int j)
{
	assert_true(i >= 0 && j >= 0 && i != j);
	assert_int_equal(w->trace[i].len, w->trace[j].len);
	assert_memory_equal(w->trace[i].buf, w->trace[j].buf, w->trace[i].len);
}

static void test_drop_first_init_request(void **state)
{
	struct exch_world *w = *state;
	struct ike_counters c;

	assert_non_null(exch_rule_add(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0, 1, EXCH_DROP));
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0), 2);
	assert_same_dgram(w, exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0),
			  exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 1));
	ike_engine_counters(w->side[EXCH_A].e, &c);
	assert_int_equal(c.retransmits, 1);
	assert_int_equal(c.established, 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
}

/* B's IKE_AUTH response is lost: A retransmits, B answers from its cache
 * (the same bytes) and installs no second Child SA. */
static void test_drop_first_auth_response(void **state)
{
	struct exch_world *w = *state;

	assert_non_null(exch_rule_add(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 0, 1, EXCH_DROP));
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_A].n_up, 1);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0), 2);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), 2);
	assert_same_dgram(w, exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 0),
			  exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 1));
	assert_same_dgram(w, exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 0),
			  exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 1));
}

static void test_dup_auth_request(void **state)
{
	struct exch_world *w = *state;

	assert_non_null(exch_rule_add(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 0, 1, EXCH_DUP));
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 5000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_A].n_up, 1);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), 2);
	assert_same_dgram(w, exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 0),
			  exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 1));
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0), 1);
}

/* A retransmitted request is answered at most once per 250 ms, however
 * often it comes (a captured datagram replayed at line rate must not make
 * us an amplifier). */
static void test_replayed_request_rate_limited(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	int i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 0);
	assert_true(i >= 0);
	size_t len = w->trace[i].len;
	uint8_t *req = malloc(len);
	assert_non_null(req);
	memcpy(req, w->trace[i].buf, len);
	unsigned before = exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1);
	for (int k = 0; k < 20; k++)
		ike_input(w->side[EXCH_B].e, req, len, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), before + 1);
	exch_advance(w, 300);
	ike_input(w->side[EXCH_B].e, req, len, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), before + 2);
	free(req);
}

struct port_seen {
	uint16_t peer_port, local_port;
};

static void port_of_sa(void *ctx, const struct ike_sa_info *sa)
{
	struct port_seen *p = ctx;
	p->peer_port = sa->peer.port;
	p->local_port = sa->local.port;
}

/* A datagram with the SA's SPIs and a bad ICV, from another port, does not
 * move the SA's ports: only an authenticated message may. */
static void test_bad_icv_does_not_move_ports(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	exch_handshake(w);
	struct port_seen p0, p1;
	ike_engine_each_sa(w->side[EXCH_B].e, port_of_sa, &p0);
	int i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 0);
	assert_true(i >= 0);
	size_t len = w->trace[i].len;
	uint8_t *bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, w->trace[i].buf, len);
	bad[len - 1] ^= 0x55;              /* the ICV */
	bad[20] = 0; bad[21] = 0; bad[22] = 0; bad[23] = 7; /* a new message ID: not a retransmission */
	struct ike_addr from = w->side[EXCH_A].addr, to = w->side[EXCH_B].addr;
	from.port = 4501;
	to.port = 4500;
	ike_input(w->side[EXCH_B].e, bad, len, &from, &to);
	ike_engine_each_sa(w->side[EXCH_B].e, port_of_sa, &p1);
	assert_int_equal(p1.peer_port, p0.peer_port);
	assert_int_equal(p1.local_port, p0.local_port);
	free(bad);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
}

static void test_dup_init_request(void **state)
{
	struct exch_world *w = *state;
	unsigned n;

	assert_non_null(exch_rule_add(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0, 1, EXCH_DUP));
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 5000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	n = exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1);
	assert_in_range(n, 1, 2);
	if (n == 2)
		assert_same_dgram(w, exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0),
				  exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 1));
}

/* An old IKE_SA_INIT response arriving after the SA is up changes nothing. */
static void test_late_duplicate_response(void **state)
{
	struct exch_world *w = *state;
	int i;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	i = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0);
	assert_true(i >= 0);
	exch_inject(w, EXCH_A, w->trace[i].buf, w->trace[i].len);
	i = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 0);
	exch_inject(w, EXCH_A, w->trace[i].buf, w->trace[i].len);
	exch_advance(w, 5000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_A].n_up, 1);
}

/* Every datagram of A lost: A retransmits after 500, 1000, 2000 ms
 * (retransmit_timeout_ms doubling, retransmit_tries = 3) and gives up one
 * doubled wait after the last: 7500 ms after it started. */
static void test_timeout(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;
	uint64_t t0 = w->now, give_up;
	static const uint64_t at[] = { 0, 500, 1500, 3500 };

	w->side[EXCH_A].conf.retransmit_timeout_ms = 500;
	w->side[EXCH_A].conf.retransmit_tries = 3;
	give_up = exch_give_up_ms(&w->side[EXCH_A].conf);
	assert_int_equal(give_up, 7500);
	assert_non_null(exch_rule_add(w, EXCH_A, -1, -1, 0, 0, EXCH_DROP));
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_advance(w, give_up - 1);
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
	assert_int_equal(exch_trace_count(w, EXCH_A, -1, -1), 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(w->trace[i].exchange, IKE_EXCH_IKE_SA_INIT);
		assert_int_equal(w->trace[i].sent_ms - t0, at[i]);
	}
	exch_advance(w, 1000);
	f = exch_assert_failed(w, EXCH_A, IKE_FAIL_TIMEOUT, -1);
	assert_int_equal(f->at_ms - t0, give_up);
	assert_false(f->f.established);
	assert_true(f->f.initiator);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	exch_advance(w, 60000);
	assert_int_equal(exch_trace_count(w, EXCH_A, -1, -1), 4);
	assert_int_equal(w->side[EXCH_A].n_fail, 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
}

/* The IKE_AUTH responses are lost: A times out in IKE_AUTH. */
static void test_timeout_in_auth(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;

	assert_non_null(exch_rule_add(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1, 0, 0, EXCH_DROP));
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_advance(w, 10000);
	f = exch_assert_failed(w, EXCH_A, IKE_FAIL_TIMEOUT, -1);
	assert_false(f->f.established);
	assert_int_equal(w->side[EXCH_A].n_up, 0);
	assert_true(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0) >= 2);
}

/* What an ICMP error from B would quote of A's first queued datagram. */
static size_t quote_first(const struct exch_world *w, uint8_t *out, size_t cap)
{
	assert_true(w->n_queue > 0);
	size_t n = w->queue[0].len < cap ? w->queue[0].len : cap;
	memcpy(out, w->queue[0].buf, n);
	return n;
}

static void test_unreachable(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;
	uint8_t q[64];

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	size_t n = quote_first(w, q, sizeof(q));
	exch_queue_clear(w);
	assert_int_equal(ike_unreachable(w->side[EXCH_A].e, &w->side[EXCH_B].addr, q, n, "ICMP port unreachable"), 1);
	f = exch_assert_failed(w, EXCH_A, IKE_FAIL_UNREACHABLE, -1);
	assert_int_equal(f->at_ms, w->now);
	assert_non_null(strstr(f->f.why, "ICMP port unreachable"));
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	exch_advance(w, 30000);
	assert_int_equal(exch_trace_count(w, EXCH_A, -1, -1), 1);
	assert_int_equal(w->side[EXCH_A].n_fail, 1);
}

/* ICMP is not authenticated and IKE runs 500 -> 500: an error that does
 * not quote our very IKE_SA_INIT (an off-path sender guessing, or one
 * quoting only a header, or another exchange) changes nothing. */
static void test_unreachable_spoofed(void **state)
{
	struct exch_world *w = *state;
	uint8_t q[64];

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	size_t n = quote_first(w, q, sizeof(q));
	struct ike_engine *a = w->side[EXCH_A].e;
	const struct ike_addr *b = &w->side[EXCH_B].addr;
	uint8_t guess[64];
	memcpy(guess, q, n);
	guess[3] ^= 0x01; /* one bit of the SPIi wrong */
	assert_int_equal(ike_unreachable(a, b, guess, n, "ICMP port unreachable"), 0);
	assert_int_equal(ike_unreachable(a, b, q, 8, "ICMP port unreachable"), 0);     /* too short */
	assert_int_equal(ike_unreachable(a, b, NULL, 0, "ICMP port unreachable"), 0);  /* nothing quoted */
	memcpy(guess, q, n);
	guess[15] = 1; /* a responder SPI: not our IKE_SA_INIT request */
	assert_int_equal(ike_unreachable(a, b, guess, n, "ICMP port unreachable"), 0);
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
	exch_run(w, 100);
	exch_assert_established(w, EXCH_A);
}

/* While B (the higher address) negotiates with A, an IKE_SA_INIT "from A"
 * that A never sent arrives at B (anyone can send one): B answers it but
 * its own negotiation goes on and comes up; the half-open SA the forgery
 * made fails alone, as a responder, and takes nothing with it. */
static void test_spoofed_init_during_negotiation(void **state)
{
	struct exch_world *w = *state;
	exch_start(w);
	/* A real IKE_SA_INIT of A's, which A then forgets: the forgery. */
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(w->n_queue, 1);
	size_t len = w->queue[0].len;
	uint8_t *forged = malloc(len);
	assert_non_null(forged);
	memcpy(forged, w->queue[0].buf, len);
	exch_queue_clear(w);
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	assert_true(memcmp(w->side[EXCH_A].addr.ip, w->side[EXCH_B].addr.ip, 4) < 0); /* B is the higher */
	assert_int_equal(exch_initiate(w, EXCH_B), 0);
	ike_input(w->side[EXCH_B].e, forged, len, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	free(forged);
	exch_run(w, 100);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 1);
	assert_int_equal(exch_live_children(&w->side[EXCH_A]), 1);
	const struct exch_child *cb = exch_live_child(&w->side[EXCH_B]);
	assert_true(cb->info.initiator); /* B's own negotiation, not the forgery's */
	exch_advance(w, 60000);          /* the forgery's half-open SA times out */
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 1);
	for (unsigned i = 0; i < w->side[EXCH_B].n_fail; i++)
		assert_false(w->side[EXCH_B].fail[i].f.initiator);
}

/* An established SA is not torn down by an unreachable report. */
static void test_unreachable_established(void **state)
{
	struct exch_world *w = *state;
	uint8_t q[64];

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	size_t n = quote_first(w, q, sizeof(q));
	exch_run(w, 100);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(ike_unreachable(w->side[EXCH_A].e, &w->side[EXCH_B].addr, q, n, "ICMP host unreachable"), 0);
	exch_advance(w, 1000);
	exch_assert_established(w, EXCH_A);
}

/* An unreachable report for another peer changes nothing. */
static void test_unreachable_other_peer(void **state)
{
	struct exch_world *w = *state;
	struct ike_addr other = w->side[EXCH_B].addr;

	other.ip[3] = 99;
	uint8_t q[64];
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	size_t n = quote_first(w, q, sizeof(q));
	assert_int_equal(ike_unreachable(w->side[EXCH_A].e, &other, q, n, "ICMP host unreachable"), 0);
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
}

static bool both_up(struct exch_world *w)
{
	return exch_live_children(&w->side[EXCH_A]) > 0 && exch_live_children(&w->side[EXCH_B]) > 0;
}

/* A and B initiate at the same instant; in the end one Child SA pair. */
static void simultaneous(struct exch_world *w, bool b_first)
{
	const struct exch_child *ca;

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(exch_initiate(w, EXCH_B), 0);
	assert_int_equal(w->n_queue, 2);
	if (b_first)
		exch_queue_swap(w, 0, 1);
	assert_true(exch_wait(w, 10000, 10, both_up));
	exch_advance(w, 30000);
	assert_int_equal(exch_live_children(&w->side[EXCH_A]), 1);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 1);
	ca = exch_live_child(&w->side[EXCH_A]);
	exch_assert_established(w, ca->info.initiator ? EXCH_A : EXCH_B);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	/* never a second pair installed and torn down again */
	assert_int_equal(w->side[EXCH_A].n_up, 1);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
}

/* B (the higher address) starts; A answers and then starts its own (an
 * unauthenticated responder SA does not hold A back); the two exchanges
 * cross. Both ends must keep the same one IKE SA and Child SA pair (the one
 * A, the lower, initiated): never each side its own half of two. */
static void test_simultaneous_crossing(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	assert_true(memcmp(w->side[EXCH_A].addr.ip, w->side[EXCH_B].addr.ip, 4) < 0);
	assert_int_equal(exch_initiate(w, EXCH_B), 0);
	assert_int_equal(w->n_queue, 1);
	exch_queue_deliver(w, 0);               /* A answers B's IKE_SA_INIT */
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_true(exch_wait(w, 10000, 10, both_up));
	exch_advance(w, 30000);
	assert_int_equal(exch_live_children(&w->side[EXCH_A]), 1);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 1);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
}

static void test_simultaneous(void **state)
{
	simultaneous(*state, false);
}

static void test_simultaneous_b_first(void **state)
{
	simultaneous(*state, true);
}

/* Initiating again while one is under way or up: nothing new. */
static void test_initiate_twice(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(w->n_queue, 1);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_advance(w, 2000);
	assert_int_equal(w->side[EXCH_A].n_up, 1);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
}

/* B requires a COOKIE once it has one half-open SA: a forged IKE_SA_INIT
 * (A's with another SPI) makes one; A's real request, retransmitted,
 * gets a COOKIE answer and A's next request carries it first. */
static void test_cookie(void **state)
{
	struct exch_world *w = *state;
	static uint8_t forged[2048];
	struct ike_counters c;
	struct ike_msg m;
	int i;

	w->side[EXCH_B].econf.half_open_cookie = 1;
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_true(w->queue[0].len <= sizeof(forged));
	memcpy(forged, w->queue[0].buf, w->queue[0].len);
	forged[0] ^= 0x01;
	exch_inject(w, EXCH_B, forged, w->queue[0].len);
	exch_queue_drop(w, 1);             /* B's answer to the forged one */
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	exch_advance(w, 3000);
	exch_assert_established(w, EXCH_A);
	ike_engine_counters(w->side[EXCH_B].e, &c);
	assert_true(c.cookies_sent >= 1);
	i = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 1);
	exch_trace_parse(w, i, &m);
	assert_int_equal(m.n_notify, 1);
	assert_int_equal(m.notify[0].type, IKE_N_COOKIE);
	assert_false(m.has_sa);
	i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 1);
	exch_trace_parse(w, i, &m);
	assert_int_equal(m.order[0].type, IKE_PT_NOTIFY);
	assert_int_equal(m.notify[0].type, IKE_N_COOKIE);
}

/* An address of the documentation range, port 500. */
static struct ike_addr doc_addr(uint8_t last)
{
	struct ike_addr a = { .family = AF_INET, .ip = { 198, 51, 100, last }, .port = 500 };

	return a;
}

/* A's first IKE_SA_INIT request, which A then forgets: the template of
 * requests "from" anyone (the first byte of SPIi tells them apart). */
static size_t init_template(struct exch_world *w, uint8_t *buf, size_t cap)
{
	size_t len;

	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(w->n_queue, 1);
	len = w->queue[0].len;
	assert_true(len <= cap && len > 28);
	memcpy(buf, w->queue[0].buf, len);
	exch_queue_clear(w);
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	return len;
}

/* The template as request k from `from` to B (no COOKIE). */
static void init_from(struct exch_world *w, uint8_t *buf, size_t len, uint8_t k, const struct ike_addr *from)
{
	buf[0] = k;
	ike_input(w->side[EXCH_B].e, buf, len, from, &w->side[EXCH_B].addr);
}

/* Whether request k from `from` made B answer with a new half-open SA. */
static bool init_answered(struct exch_world *w, uint8_t *buf, size_t len, uint8_t k, const struct ike_addr *from)
{
	unsigned sas = exch_sa_count(w, EXCH_B), sent = w->side[EXCH_B].n_sent;

	init_from(w, buf, len, k, from);
	return exch_sa_count(w, EXCH_B) == sas + 1 && w->side[EXCH_B].n_sent == sent + 1;
}

static bool side_logged(const struct exch_side *s, const char *text)
{
	for (unsigned i = 0; i < s->n_log && i < EXCH_LOG_LINES; i++)
		if (strstr(s->log[i], text) != NULL)
			return true;
	return false;
}

/* An IKE_SA_INIT request padded past 4096 bytes with a Vendor ID payload
 * (which B would otherwise ignore) makes no SA: a half-open SA keeps its
 * request whole, so the size of what B keeps is bounded. The same request
 * padded to 2000 bytes is answered. */
static void test_init_request_size(void **state)
{
	struct exch_world *w = *state;
	struct exch_side *b = &w->side[EXCH_B];
	static uint8_t req[2048], big[8192];
	struct ike_addr s1 = doc_addr(9);
	struct ike_counters c;

	exch_start(w);
	size_t len = init_template(w, req, sizeof(req));
	size_t sizes[2] = { 5000, 2000 };
	for (int k = 0; k < 2; k++) {
		size_t pad = sizes[k] - len;   /* VID payload: 4-byte header + data */
		memcpy(big, req, 28);
		big[16] = 43;                      /* the first payload: Vendor ID */
		big[28] = req[16];                 /* then the template's payloads */
		big[29] = 0;
		big[30] = (uint8_t)(pad >> 8), big[31] = (uint8_t)pad;
		memset(big + 32, 0x5a, pad - 4);
		memcpy(big + 28 + pad, req + 28, len - 28);
		size_t total = len + pad;
		big[24] = (uint8_t)(total >> 24), big[25] = (uint8_t)(total >> 16);
		big[26] = (uint8_t)(total >> 8), big[27] = (uint8_t)total;
		bool answered = init_answered(w, big, total, (uint8_t)(20 + k), &s1);
		assert_int_equal(answered, k == 1);
	}
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.half_open, 1);
	assert_true(side_logged(b, "IKE_SA_INIT request larger than 4096 bytes"));
}

/* Without COOKIEs nothing proves where a request came from, so B keeps
 * no per-source limit (it would only let forgeries "from" a peer lock
 * that peer out): a third request from one source is answered; the
 * overall half-open limit still holds. */
static void test_half_open_per_source(void **state)
{
	struct exch_world *w = *state;
	struct exch_side *b = &w->side[EXCH_B];
	static uint8_t req[2048];
	struct ike_addr s1 = doc_addr(7);
	struct ike_counters c;

	b->econf.half_open_per_source = 2;
	b->econf.half_open_max = 4;
	exch_start(w);
	size_t len = init_template(w, req, sizeof(req));
	for (uint8_t k = 1; k <= 4; k++)
		assert_true(init_answered(w, req, len, k, &s1));
	assert_false(init_answered(w, req, len, 5, &s1));
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.dropped_half_open_source, 0);
	assert_int_equal(c.half_open, 4);
	exch_queue_clear(w);
}

/* Half-open SAs forged "from" a peer (made before COOKIEs were demanded)
 * do not lock the peer out: at its limit a request must return our COOKIE,
 * which a forger never sees, and then takes the oldest forgery's place. */
static void test_half_open_per_source_forged(void **state)
{
	struct exch_world *w = *state;
	struct exch_side *b = &w->side[EXCH_B];
	static uint8_t req[2048];
	struct ike_counters c;

	b->econf.half_open_cookie = 8;
	b->econf.half_open_per_source = 2;
	exch_start(w);
	size_t len = init_template(w, req, sizeof(req));
	assert_true(init_answered(w, req, len, 1, &w->side[EXCH_A].addr));
	assert_true(init_answered(w, req, len, 2, &w->side[EXCH_A].addr));
	exch_queue_clear(w); /* the forger is elsewhere: A never sees these */
	exch_advance(w, 2500); /* forgeries never move: past the grace of a young SA */
	assert_false(init_answered(w, req, len, 3, &w->side[EXCH_A].addr));
	exch_queue_clear(w);
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.cookies_sent, 1); /* to request 3, not a drop */
	assert_int_equal(c.dropped_half_open_source, 0);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.cookies_sent, 2);
	assert_int_equal(c.dropped_half_open_source, 0);
	assert_int_equal(c.half_open, 1);     /* request 2's forgery */
	assert_int_equal(exch_sa_count(w, EXCH_B), 2);
	assert_true(side_logged(b, "half-open SA given up for a request from the same address that returned our "
				   "COOKIE"));
}

/* trace[i], B's COOKIE answer: its COOKIE into out (32 bytes). */
static void trace_cookie(const struct exch_world *w, int i, uint8_t out[32])
{
	struct ike_msg m;
	const struct ike_notify *n;

	assert_true(i >= 0);
	exch_trace_parse(w, i, &m);
	n = exch_msg_notify(&m, IKE_N_COOKIE);
	assert_non_null(n);
	assert_int_equal(n->data.len, 32);
	memcpy(out, n->data.ptr, 32);
}

/* req (len bytes) with a COOKIE notify first, into out (len + 40 bytes). */
static size_t with_cookie(const uint8_t *req, size_t len, const uint8_t cookie[32], uint8_t *out, size_t cap)
{
	size_t n = len + 40;

	assert_true(len > 28 && n <= cap);
	memcpy(out, req, 28);
	out[16] = IKE_PT_NOTIFY;
	out[24] = (uint8_t)(n >> 24);
	out[25] = (uint8_t)(n >> 16);
	out[26] = (uint8_t)(n >> 8);
	out[27] = (uint8_t)n;
	const uint8_t notify[8] = { req[16], 0, 0, 40, 0, 0, IKE_N_COOKIE >> 8, IKE_N_COOKIE & 0xff };
	memcpy(out + 28, notify, sizeof(notify));
	memcpy(out + 36, cookie, 32);
	memcpy(out + 68, req + 28, len - 28);
	return n;
}

/* Request k from A's address, as a host that returns COOKIEs sends it:
 * first without, then with the COOKIE B answered. Returns B's answer to
 * the second (its trace index), or -1 when B sent nothing. */
static int init_with_cookie(struct exch_world *w, uint8_t *req, size_t len, uint8_t k)
{
	static uint8_t buf[2048 + 40];
	uint8_t cookie[32];
	unsigned n = w->n_trace;

	init_from(w, req, len, k, &w->side[EXCH_A].addr);
	assert_int_equal(w->n_trace, n + 1);
	trace_cookie(w, (int)n, cookie);
	size_t blen = with_cookie(req, len, cookie, buf, sizeof(buf));
	ike_input(w->side[EXCH_B].e, buf, blen, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	exch_queue_clear(w);
	return w->n_trace == n + 2 ? (int)n + 1 : -1;
}

/* COOKIEs on: a host that returns them still gets only its share. B asks
 * for a COOKIE from the first half-open SA on (threshold 1); the source's
 * first SA came before that (unproven), its second and third return the
 * COOKIE: the third takes the first's place, the fourth is dropped. */
/* A source at its limit whose unproven SAs are all young (its own
 * negotiations under way, a hub starting many at once) keeps them: the
 * request is dropped, not let in by killing one of them. */
static void test_half_open_per_source_young(void **state)
{
	struct exch_world *w = *state;
	struct exch_side *b = &w->side[EXCH_B];
	static uint8_t req[2048];
	struct ike_counters c;

	b->econf.half_open_cookie = 8;
	b->econf.half_open_per_source = 2;
	exch_start(w);
	size_t len = init_template(w, req, sizeof(req));
	assert_true(init_answered(w, req, len, 1, &w->side[EXCH_A].addr));
	assert_true(init_answered(w, req, len, 2, &w->side[EXCH_A].addr));
	assert_false(init_answered(w, req, len, 3, &w->side[EXCH_A].addr));
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.cookies_sent, 0);
	assert_int_equal(c.dropped_half_open_source, 1);
	assert_int_equal(c.half_open, 2);
	exch_queue_clear(w);
}

static void test_half_open_per_source_cookies(void **state)
{
	struct exch_world *w = *state;
	struct exch_side *b = &w->side[EXCH_B];
	static uint8_t req[2048];
	struct ike_counters c;
	struct ike_msg m;
	int i;

	b->econf.half_open_cookie = 1;
	b->econf.half_open_per_source = 2;
	exch_start(w);
	size_t len = init_template(w, req, sizeof(req));
	assert_true(init_answered(w, req, len, 1, &w->side[EXCH_A].addr));
	exch_queue_clear(w);
	exch_advance(w, 2500); /* request 1 never moved: past the grace of a young SA */
	for (uint8_t k = 2; k <= 3; k++) {
		i = init_with_cookie(w, req, len, k);
		exch_trace_parse(w, i, &m);
		assert_true(m.has_sa);
		assert_int_equal(exch_sa_count(w, EXCH_B), 2);
	}
	assert_int_equal(init_with_cookie(w, req, len, 4), -1);
	ike_engine_counters(b->e, &c);
	assert_int_equal(c.dropped_half_open_source, 1);
	assert_int_equal(c.half_open, 2);
	assert_int_equal(c.cookies_sent, 3);
	assert_int_equal(exch_sa_count(w, EXCH_B), 2);
}

/* A initiates to B: a copy of its IKE_SA_INIT request (still queued). */
static size_t first_request(struct exch_world *w, uint8_t *buf, size_t cap)
{
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	assert_int_equal(w->n_queue, 1);
	size_t len = w->queue[0].len;
	assert_true(len <= cap);
	memcpy(buf, w->queue[0].buf, len);
	return len;
}

/* A retransmission and a COOKIE cross: B answered A's first request with
 * a COOKIE (a forged half-open SA had turned COOKIEs on), then made an SA
 * from A's retransmitted copy once the forgery was gone. A retries with
 * the COOKIE, B resends the answer of its SA, and A signs the retry in
 * IKE_AUTH: B must take the retry as its SA's request or A's AUTH fails. */
static void test_cookie_crosses_retransmission(void **state)
{
	struct exch_world *w = *state;
	static uint8_t req[2048], forged[2048], cookie_answer[256];
	struct ike_addr s1 = doc_addr(9);
	struct ike_counters c;
	size_t len, clen;

	w->side[EXCH_B].econf.half_open_cookie = 1;
	exch_start(w);
	len = first_request(w, req, sizeof(req));
	memcpy(forged, req, len);
	exch_queue_clear(w);
	init_from(w, forged, len, 0x77, &s1);   /* the forged half-open SA */
	exch_queue_clear(w);
	ike_input(w->side[EXCH_B].e, req, len, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	assert_int_equal(w->n_queue, 1);        /* B: "come back with this COOKIE" */
	clen = w->queue[0].len;
	assert_true(clen <= sizeof(cookie_answer));
	memcpy(cookie_answer, w->queue[0].buf, clen);
	exch_queue_clear(w);
	assert_int_equal(ike_delete_peer(w->side[EXCH_B].e, &s1), 1);
	ike_input(w->side[EXCH_B].e, req, len, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);  /* the retransmission made the SA */
	exch_queue_clear(w);                    /* its answer is lost */
	exch_inject(w, EXCH_A, cookie_answer, clen);
	exch_advance(w, 3000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	ike_engine_counters(w->side[EXCH_B].e, &c);
	assert_int_equal(c.cookies_sent, 1);
}

/* Only a retry that returns our COOKIE replaces a half-open SA's request:
 * another message with A's SPIi and a made-up COOKIE, "from" A, changes
 * nothing, and A's IKE_AUTH over its real request succeeds. */
static void test_forged_retry_not_adopted(void **state)
{
	struct exch_world *w = *state;
	static uint8_t req[2048], forged[2048 + 40];
	const uint8_t made_up[32] = { 0 };
	size_t len, flen;

	exch_start(w);
	len = first_request(w, req, sizeof(req));
	exch_queue_deliver(w, 0);               /* B makes its SA and answers */
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	flen = with_cookie(req, len, made_up, forged, sizeof(forged));
	ike_input(w->side[EXCH_B].e, forged, flen, &w->side[EXCH_A].addr, &w->side[EXCH_B].addr);
	exch_advance(w, 3000);
	exch_assert_established(w, EXCH_A);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, exch_setup, exch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_drop_first_init_request),
		T(test_drop_first_auth_response),
		T(test_dup_auth_request),
		T(test_dup_init_request),
		T(test_late_duplicate_response),
		T(test_timeout),
		T(test_timeout_in_auth),
		T(test_unreachable),
		T(test_unreachable_spoofed),
		T(test_replayed_request_rate_limited),
		T(test_bad_icv_does_not_move_ports),
		T(test_spoofed_init_during_negotiation),
		T(test_unreachable_established),
		T(test_unreachable_other_peer),
		T(test_simultaneous),
		T(test_simultaneous_crossing),
		T(test_simultaneous_b_first),
		T(test_initiate_twice),
		T(test_cookie),
		T(test_cookie_crosses_retransmission),
		T(test_forged_retry_not_adopted),
		T(test_init_request_size),
		T(test_half_open_per_source),
		T(test_half_open_per_source_forged),
		T(test_half_open_per_source_cookies),
		T(test_half_open_per_source_young),
	};
#undef T

	return cmocka_run_group_tests(tests, exch_group_setup, NULL);
}
