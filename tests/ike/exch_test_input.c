/* In-process exchanges: what arrives on the wire. IKE fragmentation
 * (RFC 7383) of a large IKE_AUTH, lost and reordered fragments; malformed
 * input (truncated, garbage, wrong SPI, tampered) that must neither crash
 * nor disturb an established SA, and is counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <keyhi.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

#define CERT_LEN 3000
#define N_CERTS 3
#define FRAG_SIZE 576

static SECKEYPrivateKey *priv_a, *priv_b;
static SECKEYPublicKey *pub_a, *pub_b;
static uint8_t certs[N_CERTS][CERT_LEN];

static int group_setup(void **state)
{
	if (exch_group_setup(state) != 0 || exch_keypair("p256", &priv_a, &pub_a) != 0 ||
	    exch_keypair("p256", &priv_b, &pub_b) != 0)
		return -1;
	/* fake DER: SEQUENCE of CERT_LEN - 4 bytes of a pattern per cert */
	for (unsigned i = 0; i < N_CERTS; i++) {
		certs[i][0] = 0x30;
		certs[i][1] = 0x82;
		certs[i][2] = (uint8_t)((CERT_LEN - 4) >> 8);
		certs[i][3] = (uint8_t)(CERT_LEN - 4);
		for (unsigned j = 4; j < CERT_LEN; j++)
			certs[i][j] = (uint8_t)(j * 7 + i);
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	SECKEY_DestroyPrivateKey(priv_a);
	SECKEY_DestroyPrivateKey(priv_b);
	SECKEY_DestroyPublicKey(pub_a);
	SECKEY_DestroyPublicKey(pub_b);
	return 0;
}

static void frag_conf(struct exch_world *w)
{
	exch_conf_sig(&w->side[EXCH_A].conf, priv_a, IKE_SIG_ECDSA_SHA256, "a.example");
	exch_conf_sig(&w->side[EXCH_B].conf, priv_b, IKE_SIG_ECDSA_SHA256, "b.example");
	w->side[EXCH_A].peer_pub = pub_b;
	w->side[EXCH_B].peer_pub = pub_a;
	for (int s = 0; s < 2; s++) {
		struct ike_peer_conf *c = &w->side[s].conf;
		for (unsigned i = 0; i < N_CERTS; i++) {
			c->our_certs[i] = certs[i];
			c->our_cert_len[i] = CERT_LEN;
		}
		c->n_our_certs = N_CERTS;
		w->side[s].econf.fragment_size = FRAG_SIZE;
	}
}

/* Every datagram of one message (from, exchange, response) is an SKF
 * fragment of at most FRAG_SIZE bytes, numbered 1..total once each (in the
 * first transmission). Returns total. */
static unsigned check_fragments(const struct exch_world *w, int from, int exch, int response)
{
	unsigned total = 0, seen = 0;
	uint8_t have[IKE_FRAG_MAX + 1] = { 0 };

	for (unsigned i = 0; i < w->n_trace && i < EXCH_TRACE_MAX; i++) {
		const struct exch_dgram *d = &w->trace[i];
		if (d->from != from || d->exchange != exch || !!(d->flags & IKE_FLAG_R) != response)
			continue;
		assert_int_equal(d->first, IKE_PT_SKF);
		assert_true(d->len <= FRAG_SIZE);
		if (total == 0)
			total = d->frag_total;
		assert_int_equal(d->frag_total, total);
		assert_in_range(d->frag_num, 1, total);
		if (seen++ < total) {
			assert_int_equal(have[d->frag_num], 0);
			have[d->frag_num] = 1;
		}
	}
	assert_true(total >= 2);
	assert_true(seen >= total);
	return total;
}

static void check_certs_received(const struct exch_side *s)
{
	assert_int_equal(s->key_req.n_certs, N_CERTS);
	for (unsigned i = 0; i < N_CERTS; i++) {
		assert_int_equal(s->key_req.cert_len[i], CERT_LEN);
		assert_memory_equal(s->key_req.cert_head[i], certs[i], 8);
	}
}

static void test_fragmentation(void **state)
{
	struct exch_world *w = *state;
	unsigned total;

	frag_conf(w);
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	total = check_fragments(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0);
	/* 9000 bytes of certificates need at least 16 fragments of 576 */
	assert_true(total >= N_CERTS * CERT_LEN / FRAG_SIZE);
	check_fragments(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1);
	check_certs_received(&w->side[EXCH_A]);
	check_certs_received(&w->side[EXCH_B]);
	/* IKE_SA_INIT is never fragmented */
	assert_int_equal(w->trace[exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0)].first, IKE_PT_SA);
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0), total);
}

/* Fragment 2 of A's IKE_AUTH request is lost once: the retransmission of
 * the whole message completes it. */
static void test_fragment_lost(void **state)
{
	struct exch_world *w = *state;
	unsigned total;

	frag_conf(w);
	assert_non_null(exch_rule_add(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 1, 1, EXCH_DROP));
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	total = check_fragments(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0);
	assert_true(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0) >= total + 1);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
}

/* A's fragments arrive in reverse order, one of them twice. */
static void test_fragments_reordered(void **state)
{
	struct exch_world *w = *state;
	unsigned n;

	frag_conf(w);
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_queue_deliver(w, 0);          /* IKE_SA_INIT request to B */
	exch_queue_deliver(w, 0);          /* its response to A */
	n = w->n_queue;
	assert_true(n >= 2);
	for (unsigned i = 0; i < n / 2; i++)
		exch_queue_swap(w, i, n - 1 - i);
	assert_int_equal(w->queue[0].frag_num, w->queue[0].frag_total);
	assert_int_equal(exch_queue_dup(w, 1), 0);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
}

/* A tiny deterministic generator: the garbage is the same on every run. */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static unsigned long dropped(const struct ike_counters *c)
{
	return c->dropped_malformed + c->dropped_unknown_spi + c->dropped_auth;
}

/* Throws at side `to` everything malformed; returns how many datagrams. */
static unsigned throw_junk(struct exch_world *w, int to, unsigned *n_trunc)
{
	int ir = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0);
	const struct exch_dgram *init = &w->trace[ir];
	static uint8_t buf[2048];
	uint32_t seed = 0x9e3779b9u;
	unsigned n = 0;

	/* truncated: nothing, a byte, a short header, a header announcing more */
	exch_inject(w, to, buf, 0);
	exch_inject(w, to, init->buf, 1);
	exch_inject(w, to, init->buf, IKE_HDR_LEN - 1);
	exch_inject(w, to, init->buf, IKE_HDR_LEN + 10);
	exch_inject(w, to, init->buf, init->len - 1);
	n += 5;
	*n_trunc = 5;
	/* the INIT request with a wrong length field and a wrong version */
	memcpy(buf, init->buf, init->len);
	buf[27] ^= 0x01;
	exch_inject(w, to, buf, init->len);
	memcpy(buf, init->buf, init->len);
	buf[17] = 0x30;
	exch_inject(w, to, buf, init->len);
	n += 2;
	/* garbage */
	for (unsigned i = 0; i < 2000; i++) {
		size_t len = rng_next(&seed) % 600;
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rng_next(&seed);
		exch_inject(w, to, buf, len);
		n++;
	}
	return n;
}

static void test_malformed(void **state)
{
	struct exch_world *w = *state;
	struct ike_counters c0, c1;
	unsigned n, n_trunc;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	for (int to = 0; to < 2; to++) {
		ike_engine_counters(w->side[to].e, &c0);
		n = throw_junk(w, to, &n_trunc);
		exch_run(w, 0);
		ike_engine_counters(w->side[to].e, &c1);
		assert_true(c1.dropped_malformed - c0.dropped_malformed >= n_trunc);
		assert_true(dropped(&c1) - dropped(&c0) >= n - 2);
		assert_int_equal(c1.established, c0.established);
	}
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
	/* junk shaped as INIT requests may leave half-open SAs at B, nothing else */
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	/* and the SA still works: a Delete goes through */
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	exch_advance(w, 2000);
	assert_int_equal(w->side[EXCH_B].n_down, 1);
}

/* A valid-looking IKE_AUTH for an SPI nobody has, and one with a tampered
 * ciphertext under the right SPIs (next message ID: must be decrypted). */
static void test_wrong_spi_and_tampered(void **state)
{
	struct exch_world *w = *state;
	struct ike_counters c0, c1;
	const struct exch_dgram *d;
	static uint8_t buf[4096];
	int i;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0, 0);
	d = &w->trace[i];
	assert_true(d->len <= sizeof(buf));
	ike_engine_counters(w->side[EXCH_B].e, &c0);
	memcpy(buf, d->buf, d->len);
	buf[10] ^= 0x5a; /* responder SPI */
	exch_inject(w, EXCH_B, buf, d->len);
	memcpy(buf, d->buf, d->len);
	buf[2] ^= 0x5a;  /* initiator SPI */
	exch_inject(w, EXCH_B, buf, d->len);
	ike_engine_counters(w->side[EXCH_B].e, &c1);
	assert_int_equal(c1.dropped_unknown_spi - c0.dropped_unknown_spi, 2);
	/* message ID 2 with a flipped ciphertext byte: integrity check fails */
	memcpy(buf, d->buf, d->len);
	buf[23] = 2;
	buf[d->len - 20] ^= 0x01;
	exch_inject(w, EXCH_B, buf, d->len);
	ike_engine_counters(w->side[EXCH_B].e, &c0);
	assert_int_equal(dropped(&c0) - dropped(&c1), 1);
	exch_run(w, 0);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
}

/* Every single-bit flip of A's IKE_SA_INIT request to a fresh responder:
 * no crash, at most one half-open SA each, none established. */
static void test_init_bitflips(void **state)
{
	struct exch_world *w = *state;
	struct ike_counters c;
	uint8_t *buf;
	size_t len;
	int i;

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0);
	len = w->trace[i].len;
	assert_non_null(buf = malloc(len));
	exch_queue_clear(w);
	exch_side_free_engine(w, EXCH_A); /* B's answers go nowhere */
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(buf, w->trace[i].buf, len);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		exch_inject(w, EXCH_B, buf, len);
		exch_queue_clear(w);
	}
	free(buf);
	ike_engine_counters(w->side[EXCH_B].e, &c);
	assert_int_equal(c.established, 0);
	assert_true(c.dropped_malformed > 0);
	assert_int_equal(w->side[EXCH_B].n_up, 0);
	exch_advance(w, 120000);
	exch_queue_clear(w);
}

/* A request the responder cannot parse learns why: an unknown critical
 * payload gets UNSUPPORTED_CRITICAL_PAYLOAD with the type, an IKE 3.0
 * request INVALID_MAJOR_VERSION; neither leaves state behind. */
static void test_init_refusal_notifies(void **state)
{
	struct exch_world *w = *state;
	static uint8_t buf[4096];
	struct ike_msg m;
	int i;

	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	i = exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0);
	size_t len = w->trace[i].len;
	assert_true(len <= sizeof(buf));
	exch_queue_clear(w);
	exch_side_free_engine(w, EXCH_A);
	memcpy(buf, w->trace[i].buf, len);
	buf[16] = 200;   /* the first payload claims an unknown type ... */
	buf[29] |= 0x80; /* ... and is critical */
	exch_inject(w, EXCH_B, buf, len);
	int j = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0);
	assert_true(j >= 0);
	assert_int_equal(ike_msg_parse(w->trace[j].buf, w->trace[j].len, &m), 0);
	assert_int_equal(m.n_notify, 1);
	assert_int_equal(m.notify[0].type, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(m.notify[0].data.len, 1);
	assert_int_equal(m.notify[0].data.ptr[0], 200);
	memcpy(buf, w->trace[i].buf, len);
	buf[17] = 0x30;
	exch_inject(w, EXCH_B, buf, len);
	j = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 1);
	assert_true(j >= 0);
	assert_int_equal(ike_msg_parse(w->trace[j].buf, w->trace[j].len, &m), 0);
	assert_int_equal(m.hdr.major, 2);
	assert_int_equal(m.notify[0].type, IKE_N_INVALID_MAJOR_VERSION);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	exch_queue_clear(w);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, exch_setup, exch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_fragmentation),
		T(test_fragment_lost),
		T(test_fragments_reordered),
		T(test_malformed),
		T(test_wrong_spi_and_tampered),
		T(test_init_bitflips),
		T(test_init_refusal_notifies),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
