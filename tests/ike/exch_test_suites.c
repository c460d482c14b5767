/* In-process IKEv2 exchanges (two engines, mock env): NULL-auth handshakes
 * for every DH group x cipher x PRF, INVALID_KE_PAYLOAD retry, no common
 * proposal (IKE and ESP), transport and tunnel mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

struct cipher {
	uint16_t encr, key_bits, integ;
	size_t encr_len, integ_len; /* Child SA key bytes (AEAD salt included) */
};

static const struct cipher ciphers[] = {
	{ IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE, 20, 0 },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE, 36, 0 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128, 32, 32 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, 32, 64 },
	{ IKE_ENCR_CHACHA20_POLY1305, 0, IKE_INTEG_NONE, 36, 0 },
};
static const uint16_t prfs[] = { IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384, IKE_PRF_HMAC_SHA2_512 };

static void check_suite(struct exch_world *w, int idx, const struct ike_suite *want)
{
	struct ike_sa_info sa;

	assert_int_equal(exch_sa_count(w, idx), 1);
	assert_int_equal(exch_sa_first(w, idx, &sa), 0);
	assert_int_equal(sa.state, IKE_STATE_ESTABLISHED);
	assert_int_equal(sa.suite.encr, want->encr);
	assert_int_equal(sa.suite.key_bits, want->key_bits);
	assert_int_equal(sa.suite.integ, want->integ);
	assert_int_equal(sa.suite.prf, want->prf);
	assert_int_equal(sa.suite.dh, want->dh);
	assert_int_equal(sa.initiator, idx == EXCH_A);
	assert_int_equal(sa.peer_auth, IKE_AUTH_NULL);
	assert_int_equal(sa.n_children, 1);
	assert_int_not_equal(sa.spi_i, 0);
	assert_int_not_equal(sa.spi_r, 0);
	assert_true(sa.established_ms >= EXCH_T0);
}

static void one_handshake(uint16_t dh, const struct cipher *c, uint16_t prf)
{
	struct exch_world *w = NULL;
	struct ike_suite ike = { c->encr, c->key_bits, c->integ, prf, dh };
	struct ike_suite esp = { c->encr, c->key_bits, c->integ, 0, 0 };
	struct ike_sa_info sa_a, sa_b;
	const struct exch_child *ca;

	print_message("  dh %u encr %u/%u integ %u prf %u\n", dh, c->encr, c->key_bits, c->integ, prf);
	assert_int_equal(exch_setup((void **)&w), 0);
	exch_conf_suite(&w->side[EXCH_A].conf, &ike, &esp);
	exch_conf_suite(&w->side[EXCH_B].conf, &ike, &esp);
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	check_suite(w, EXCH_A, &ike);
	check_suite(w, EXCH_B, &ike);
	assert_int_equal(exch_sa_first(w, EXCH_A, &sa_a), 0);
	assert_int_equal(exch_sa_first(w, EXCH_B, &sa_b), 0);
	assert_true(sa_a.spi_i == sa_b.spi_i && sa_a.spi_r == sa_b.spi_r);
	ca = exch_live_child(&w->side[EXCH_A]);
	assert_int_equal(ca->info.encr, c->encr);
	assert_int_equal(ca->info.integ, c->integ);
	assert_int_equal(ca->info.encr_len, c->encr_len);
	assert_int_equal(ca->info.integ_len, c->integ_len);
	assert_true(ca->info.transport);
	assert_int_equal(ca->info.peer_auth, IKE_AUTH_NULL);
	assert_string_equal(ca->peer_id, "ID_NULL");
	/* IKE_SA_INIT and IKE_AUTH, one request and one response each */
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0), 1);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1), 1);
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0), 1);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), 1);
	exch_teardown((void **)&w);
}

static void handshakes_for(uint16_t dh)
{
	for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
		for (size_t p = 0; p < sizeof(prfs) / sizeof(prfs[0]); p++)
			one_handshake(dh, &ciphers[c], prfs[p]);
}

static void test_modp2048(void **state)
{
	(void)state;
	handshakes_for(IKE_DH_MODP2048);
}

static void test_modp3072(void **state)
{
	(void)state;
	handshakes_for(IKE_DH_MODP3072);
}

static void test_ecp256(void **state)
{
	(void)state;
	handshakes_for(IKE_DH_ECP256);
}

static void test_ecp384(void **state)
{
	(void)state;
	handshakes_for(IKE_DH_ECP384);
}

static void test_x25519(void **state)
{
	(void)state;
	handshakes_for(IKE_DH_CURVE25519);
}

/* A proposes MODP 2048 first (its KE is for it) and X25519 second; B takes
 * only X25519: B answers INVALID_KE_PAYLOAD(31), A retries with X25519. */
static void test_invalid_ke_retry(void **state)
{
	struct exch_world *w = *state;
	struct ike_peer_conf *a = &w->side[EXCH_A].conf;
	struct ike_msg m;
	const struct ike_notify *n;
	struct ike_sa_info sa;

	a->ike[1] = a->ike[0];
	a->ike[0].dh = IKE_DH_MODP2048;
	a->n_ike = 2;
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0), 2);
	exch_trace_parse(w, exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 0), &m);
	assert_true(m.has_ke);
	assert_int_equal(m.ke.group, IKE_DH_MODP2048);
	exch_trace_parse(w, exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0), &m);
	assert_false(m.has_sa);
	assert_non_null(n = exch_msg_notify(&m, IKE_N_INVALID_KE_PAYLOAD));
	assert_int_equal(n->data.len, 2);
	assert_int_equal(n->data.ptr[0] << 8 | n->data.ptr[1], IKE_DH_CURVE25519);
	exch_trace_parse(w, exch_trace_find(w, EXCH_A, IKE_EXCH_IKE_SA_INIT, 0, 1), &m);
	assert_int_equal(m.ke.group, IKE_DH_CURVE25519);
	assert_int_equal(exch_sa_first(w, EXCH_A, &sa), 0);
	assert_int_equal(sa.suite.dh, IKE_DH_CURVE25519);
	assert_int_equal(exch_sa_first(w, EXCH_B, &sa), 0);
	assert_int_equal(sa.suite.dh, IKE_DH_CURVE25519);
	/* B kept no state for the refused first request */
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
}

/* A slow peer answers the request and its retransmission, both with
 * INVALID_KE_PAYLOAD: the second arrives after A retried with the group
 * asked for, and must not end the retry (seen with libreswan under load). */
static void test_invalid_ke_late_duplicate(void **state)
{
	struct exch_world *w = *state;
	struct ike_peer_conf *a = &w->side[EXCH_A].conf;

	a->ike[1] = a->ike[0];
	a->ike[0].dh = IKE_DH_MODP2048;
	a->n_ike = 2;
	assert_non_null(exch_rule_add(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0, 1, EXCH_DUP));
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	int i = exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0);
	assert_true(i >= 0);
	assert_int_equal(w->trace[i].action, EXCH_DUP); /* the refusal did arrive twice */
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
}

/* No IKE suite in common: B answers NO_PROPOSAL_CHOSEN, both report it:
 * A as IKE_FAIL_NOTIFY (ike.h: "the peer answered with an error notify"),
 * B as IKE_FAIL_PROPOSAL. */
static void test_no_proposal_ike(void **state)
{
	struct exch_world *w = *state;
	struct ike_suite cbc = { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256,
				 IKE_DH_CURVE25519 };
	struct ike_msg m;

	w->side[EXCH_B].conf.ike[0] = cbc;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_int_equal(w->side[EXCH_A].n_up + w->side[EXCH_B].n_up, 0);
	exch_assert_failed(w, EXCH_A, IKE_FAIL_NOTIFY, IKE_N_NO_PROPOSAL_CHOSEN);
	exch_assert_failed(w, EXCH_B, IKE_FAIL_PROPOSAL, IKE_N_NO_PROPOSAL_CHOSEN);
	exch_trace_parse(w, exch_trace_find(w, EXCH_B, IKE_EXCH_IKE_SA_INIT, 1, 0), &m);
	assert_non_null(exch_msg_notify(&m, IKE_N_NO_PROPOSAL_CHOSEN));
	assert_false(m.has_sa);
	assert_false(m.has_ke);
	/* A gave up at once: one request, no retransmission */
	assert_int_equal(exch_trace_count(w, EXCH_A, -1, -1), 1);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	assert_false(w->side[EXCH_A].fail[0].f.established);
	assert_true(w->side[EXCH_A].fail[0].f.initiator);
	assert_false(w->side[EXCH_B].fail[0].f.initiator);
}

/* IKE suites match, ESP suites do not: IKE_AUTH answered with
 * NO_PROPOSAL_CHOSEN, no Child SA anywhere, A reports the notify. */
static void test_no_proposal_esp(void **state)
{
	struct exch_world *w = *state;
	struct ike_suite cbc = { IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 };

	w->side[EXCH_B].conf.esp[0] = cbc;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_int_equal(w->side[EXCH_A].n_up + w->side[EXCH_B].n_up, 0);
	exch_assert_peer_refused(w, EXCH_A, IKE_N_NO_PROPOSAL_CHOSEN, IKE_FAIL_PROPOSAL);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), 1);
}

static void mode_case(bool a_transport, bool b_transport, bool want)
{
	struct exch_world *w = NULL;

	assert_int_equal(exch_setup((void **)&w), 0);
	w->side[EXCH_A].conf.transport = a_transport;
	w->side[EXCH_B].conf.transport = b_transport;
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(exch_live_child(&w->side[EXCH_A])->info.transport, want);
	assert_int_equal(exch_live_child(&w->side[EXCH_B])->info.transport, want);
	exch_teardown((void **)&w);
}

static void test_modes(void **state)
{
	(void)state;
	mode_case(true, true, true);
	mode_case(false, false, false);
	/* transport only if the initiator asks for it (RFC 7296 1.3.1) */
	mode_case(false, true, false);
}

static bool log_has(const struct exch_side *s, const char *text)
{
	unsigned n = s->n_log < EXCH_LOG_LINES ? s->n_log : EXCH_LOG_LINES;
	for (unsigned i = 0; i < n; i++)
		if (strstr(s->log[i], text) != NULL)
			return true;
	return false;
}

/* RFC 7296 2.23: without a NAT the Child SA is plain ESP on port 500. With
 * one (B sees A as 203.0.113.1), the hashes differ: A moves to port 4500.
 * Host-to-host selectors cannot cross the NAT (A proposes its private
 * address): B refuses them with TS_UNACCEPTABLE, as docs/ike-engine.md says. */
static void test_nat_detection(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	assert_false(exch_live_child(&w->side[EXCH_A])->info.encap);
	assert_false(exch_live_child(&w->side[EXCH_B])->info.encap);
	assert_int_equal(exch_live_child(&w->side[EXCH_A])->info.local.port, 500);
	assert_false(log_has(&w->side[EXCH_A], "NAT detected"));
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	exch_advance(w, 2000);
	w->nat = true;
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_advance(w, 2000);
	assert_true(log_has(&w->side[EXCH_A], "NAT detected: moving to port 4500"));
	assert_int_equal(w->n_misrouted, 0);
	assert_int_equal(exch_live_children(&w->side[EXCH_A]), 0);
	assert_int_equal(w->side[EXCH_B].fail[w->side[EXCH_B].n_fail - 1].f.notify, IKE_N_TS_UNACCEPTABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nat_detection, exch_setup, exch_teardown),
		cmocka_unit_test(test_x25519),
		cmocka_unit_test(test_ecp256),
		cmocka_unit_test(test_ecp384),
		cmocka_unit_test(test_modp2048),
		cmocka_unit_test(test_modp3072),
		cmocka_unit_test_setup_teardown(test_invalid_ke_retry, exch_setup, exch_teardown),
		cmocka_unit_test_setup_teardown(test_invalid_ke_late_duplicate, exch_setup, exch_teardown),
		cmocka_unit_test_setup_teardown(test_no_proposal_ike, exch_setup, exch_teardown),
		cmocka_unit_test_setup_teardown(test_no_proposal_esp, exch_setup, exch_teardown),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, exch_group_setup, NULL);
}
