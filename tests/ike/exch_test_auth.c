/* In-process exchanges: authentication. Signatures (ECDSA P-256, RSA-PSS)
 * with keys generated here, wrong keys, NULL auth against a side that only
 * accepts signatures, peer_key refused or answered later, peer refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <keyhi.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

struct kp {
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
};

static struct kp ec_a, ec_b, ec_wrong, rsa_a, rsa_b;

static int group_setup(void **state)
{
	if (exch_group_setup(state) != 0)
		return -1;
	if (exch_keypair("p256", &ec_a.priv, &ec_a.pub) != 0 || exch_keypair("p256", &ec_b.priv, &ec_b.pub) != 0 ||
	    exch_keypair("p256", &ec_wrong.priv, &ec_wrong.pub) != 0 ||
	    exch_keypair("rsa2048", &rsa_a.priv, &rsa_a.pub) != 0 ||
	    exch_keypair("rsa2048", &rsa_b.priv, &rsa_b.pub) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	struct kp *all[] = { &ec_a, &ec_b, &ec_wrong, &rsa_a, &rsa_b };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		SECKEY_DestroyPrivateKey(all[i]->priv);
		SECKEY_DestroyPublicKey(all[i]->pub);
	}
	return 0;
}

/* A signs with ka/alg_a as a.example, B with kb/alg_b as b.example; each
 * side's peer_key returns the given public key. */
static void sig_setup(struct exch_world *w, const struct kp *ka, enum ike_crypto_sig_alg alg_a,
		      const struct kp *kb, enum ike_crypto_sig_alg alg_b, SECKEYPublicKey *a_sees,
		      SECKEYPublicKey *b_sees)
{
	exch_conf_sig(&w->side[EXCH_A].conf, ka->priv, alg_a, "a.example");
	exch_conf_sig(&w->side[EXCH_B].conf, kb->priv, alg_b, "b.example");
	w->side[EXCH_A].peer_pub = a_sees;
	w->side[EXCH_B].peer_pub = b_sees;
}

static void check_key_req(const struct exch_side *s, const char *id, uint32_t group)
{
	assert_int_equal(s->n_key_reqs, 1);
	assert_int_equal(s->key_req.id_type, IKE_ID_FQDN);
	assert_int_equal(s->key_req.id_len, strlen(id));
	assert_memory_equal(s->key_req.id, id, strlen(id));
	assert_int_equal(s->key_req.auth_method, IKE_AUTH_DIGSIG);
	assert_int_equal(s->key_req.group, group);
}

static void sig_ok(struct exch_world *w)
{
	struct ike_sa_info sa;

	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
	check_key_req(&w->side[EXCH_A], "b.example", 7);
	check_key_req(&w->side[EXCH_B], "a.example", 9);
	assert_int_equal(exch_live_child(&w->side[EXCH_A])->info.peer_auth, IKE_AUTH_DIGSIG);
	assert_int_equal(exch_live_child(&w->side[EXCH_B])->info.peer_auth, IKE_AUTH_DIGSIG);
	/* FQDN ids are shown as libreswan does: "@fqdn" */
	assert_string_equal(exch_live_child(&w->side[EXCH_A])->peer_id, "@b.example");
	assert_string_equal(exch_live_child(&w->side[EXCH_B])->peer_id, "@a.example");
	assert_int_equal(exch_sa_first(w, EXCH_A, &sa), 0);
	assert_int_equal(sa.peer_auth, IKE_AUTH_DIGSIG);
}

static void test_sig_ecdsa(void **state)
{
	struct exch_world *w = *state;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &ec_b, IKE_SIG_ECDSA_SHA256, ec_b.pub, ec_a.pub);
	sig_ok(w);
}

static void test_sig_rsa_pss(void **state)
{
	struct exch_world *w = *state;

	sig_setup(w, &rsa_a, IKE_SIG_RSA_PSS_SHA256, &rsa_b, IKE_SIG_RSA_PSS_SHA256, rsa_b.pub, rsa_a.pub);
	sig_ok(w);
}

static void test_sig_mixed(void **state)
{
	struct exch_world *w = *state;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &rsa_b, IKE_SIG_RSA_PSS_SHA512, rsa_b.pub, ec_a.pub);
	sig_ok(w);
}

static void assert_no_children(struct exch_world *w)
{
	assert_int_equal(w->side[EXCH_A].n_up, 0);
	assert_int_equal(w->side[EXCH_B].n_up, 0);
}

/* B verifies A's AUTH with another key: AUTHENTICATION_FAILED; A reports
 * IKE_FAIL_NOTIFY with it (ike.h: "the peer answered with an error
 * notify"), B IKE_FAIL_AUTH. */
static void test_sig_wrong_key_responder(void **state)
{
	struct exch_world *w = *state;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &ec_b, IKE_SIG_ECDSA_SHA256, ec_b.pub, ec_wrong.pub);
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_no_children(w);
	exch_assert_failed(w, EXCH_A, IKE_FAIL_NOTIFY, IKE_N_AUTHENTICATION_FAILED);
	exch_assert_failed(w, EXCH_B, IKE_FAIL_AUTH, IKE_N_AUTHENTICATION_FAILED);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
}

/* A verifies B's AUTH with another key: A fails; B, which had installed
 * its Child SA, is told and takes it down. */
static void test_sig_wrong_key_initiator(void **state)
{
	struct exch_world *w = *state;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &ec_b, IKE_SIG_ECDSA_SHA256, ec_wrong.pub, ec_a.pub);
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_int_equal(w->side[EXCH_A].n_up, 0);
	exch_assert_failed(w, EXCH_A, IKE_FAIL_AUTH, -1);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 0);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
}

/* A uses NULL auth, B accepts only signatures. */
static void test_null_against_sig(void **state)
{
	struct exch_world *w = *state;

	exch_conf_sig(&w->side[EXCH_B].conf, ec_b.priv, IKE_SIG_ECDSA_SHA256, "b.example");
	w->side[EXCH_B].peer_pub = ec_a.pub;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_no_children(w);
	assert_int_equal(w->side[EXCH_B].n_key_reqs, 0);
	exch_assert_peer_refused(w, EXCH_A, IKE_N_AUTHENTICATION_FAILED, IKE_FAIL_AUTH);
	exch_assert_failed(w, EXCH_B, IKE_FAIL_AUTH, IKE_N_AUTHENTICATION_FAILED);
}

/* B answers with NULL auth, A accepts only signatures. */
static void test_sig_against_null(void **state)
{
	struct exch_world *w = *state;

	exch_conf_sig(&w->side[EXCH_A].conf, ec_a.priv, IKE_SIG_ECDSA_SHA256, "a.example");
	w->side[EXCH_B].conf.accept_sig = true;
	w->side[EXCH_B].peer_pub = ec_a.pub;
	w->side[EXCH_A].peer_pub = ec_b.pub;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_int_equal(w->side[EXCH_A].n_up, 0);
	assert_int_equal(w->side[EXCH_A].n_key_reqs, 0);
	exch_assert_failed(w, EXCH_A, IKE_FAIL_AUTH, -1);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 0);
}

static void test_key_refused(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &ec_b, IKE_SIG_ECDSA_SHA256, ec_b.pub, ec_a.pub);
	w->side[EXCH_B].key_mode = EXCH_KEY_REFUSE;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_no_children(w);
	assert_int_equal(w->side[EXCH_B].n_key_reqs, 1);
	exch_assert_peer_refused(w, EXCH_A, IKE_N_AUTHENTICATION_FAILED, IKE_FAIL_AUTH);
	f = exch_assert_failed(w, EXCH_B, IKE_FAIL_AUTH, IKE_N_AUTHENTICATION_FAILED);
	assert_non_null(strstr(f->f.why, "key refused by the test"));
}

/* B's peer_key answers later; A retransmits IKE_AUTH meanwhile, which must
 * not start a second look-up. */
static void pending_start(struct exch_world *w)
{
	struct ike_sa_info sa;

	sig_setup(w, &ec_a, IKE_SIG_ECDSA_SHA256, &ec_b, IKE_SIG_ECDSA_SHA256, ec_b.pub, ec_a.pub);
	w->side[EXCH_B].key_mode = EXCH_KEY_PENDING;
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_run(w, 0);
	assert_int_equal(w->side[EXCH_B].n_key_reqs, 1);
	assert_int_equal(exch_sa_first(w, EXCH_B, &sa), 0);
	assert_int_equal(sa.state, IKE_STATE_AUTH_WAIT_KEY);
	exch_advance(w, 1500);
	assert_true(exch_trace_count(w, EXCH_A, IKE_EXCH_IKE_AUTH, 0) >= 2);
	assert_int_equal(w->side[EXCH_B].n_key_reqs, 1);
	assert_no_children(w);
	assert_int_equal(w->side[EXCH_A].n_fail + w->side[EXCH_B].n_fail, 0);
}

static void test_key_pending(void **state)
{
	struct exch_world *w = *state;

	pending_start(w);
	ike_peer_key_done(w->side[EXCH_B].e, w->side[EXCH_B].key_req.token, SECKEY_CopyPublicKey(ec_a.pub), NULL);
	exch_advance(w, 2000);
	exch_assert_established(w, EXCH_A);
	assert_int_equal(w->side[EXCH_B].n_up, 1);
}

static void test_key_pending_refused(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;

	pending_start(w);
	ike_peer_key_done(w->side[EXCH_B].e, w->side[EXCH_B].key_req.token, NULL, "no IPSECKEY for a.example");
	exch_advance(w, 30000);
	assert_no_children(w);
	exch_assert_peer_refused(w, EXCH_A, IKE_N_AUTHENTICATION_FAILED, IKE_FAIL_AUTH);
	f = exch_assert_failed(w, EXCH_B, IKE_FAIL_AUTH, IKE_N_AUTHENTICATION_FAILED);
	assert_non_null(strstr(f->f.why, "no IPSECKEY for a.example"));
}

/* An answer for a token nobody waits for is ignored (and the key freed:
 * ASan would see a leak). */
static void test_key_done_unknown_token(void **state)
{
	struct exch_world *w = *state;

	exch_start(w);
	ike_peer_key_done(w->side[EXCH_B].e, 0x123456789ULL, SECKEY_CopyPublicKey(ec_a.pub), NULL);
	ike_peer_key_done(w->side[EXCH_B].e, 0x123456789ULL, NULL, "late");
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
}

/* B's env refuses A: NO_PROPOSAL_CHOSEN to A, no state kept at B. */
static void test_peer_refused(void **state)
{
	struct exch_world *w = *state;

	w->side[EXCH_B].refuse_conf = true;
	exch_start(w);
	exch_handshake(w);
	exch_advance(w, 30000);
	assert_no_children(w);
	assert_true(w->side[EXCH_B].n_conf_calls >= 1);
	exch_assert_peer_refused(w, EXCH_A, IKE_N_NO_PROPOSAL_CHOSEN, IKE_FAIL_PROPOSAL);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	/* B reports its refusal; the env gave no group for a refused peer. */
	assert_int_equal(w->side[EXCH_B].n_fail, 1);
	assert_int_equal(w->side[EXCH_B].fail[0].f.reason, IKE_FAIL_REFUSED);
	assert_int_equal(w->side[EXCH_B].fail[0].f.notify, IKE_N_NO_PROPOSAL_CHOSEN);
	assert_false(w->side[EXCH_B].fail[0].f.initiator);
}

/* A's own env refuses the peer it is asked to initiate to. */
static void test_initiate_refused(void **state)
{
	struct exch_world *w = *state;
	int r;

	w->side[EXCH_A].refuse_conf = true;
	exch_start(w);
	r = exch_initiate(w, EXCH_A);
	exch_advance(w, 30000);
	assert_int_equal(exch_trace_count(w, -1, -1, -1), 0);
	/* refused at once (-errno) or reported as IKE_FAIL_REFUSED with the
	 * env's reason (no group: the env gave none) */
	assert_true(r <= 0);
	if (r == 0 || w->side[EXCH_A].n_fail > 0) {
		const struct exch_fail *f = &w->side[EXCH_A].fail[0];
		assert_int_equal(w->side[EXCH_A].n_fail, 1);
		assert_int_equal(f->f.reason, IKE_FAIL_REFUSED);
		assert_true(f->f.initiator);
		assert_memory_equal(&f->f.peer, &w->side[EXCH_B].addr, sizeof(f->f.peer));
		assert_non_null(strstr(f->f.why, "peer refused by the test"));
	}
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, exch_setup, exch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_sig_ecdsa),
		T(test_sig_rsa_pss),
		T(test_sig_mixed),
		T(test_sig_wrong_key_responder),
		T(test_sig_wrong_key_initiator),
		T(test_null_against_sig),
		T(test_sig_against_null),
		T(test_key_refused),
		T(test_key_pending),
		T(test_key_pending_refused),
		T(test_key_done_unknown_token),
		T(test_peer_refused),
		T(test_initiate_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
