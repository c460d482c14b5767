/* Configuration details: defaults (with and without a certificate), the
 * proposal syntax and its transform ids, private without authentication,
 * missing files, and a failed reload leaving the running model untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "model_helper.h"

static void test_defaults(void **state)
{
	(void)state;
	struct policy_config *c = policy_config_defaults();
	assert_non_null(c);
	assert_int_equal(c->ike_lifetime_ms, 8 * 3600 * 1000);
	assert_int_equal(c->child_lifetime_ms, 3600 * 1000);
	assert_int_equal(c->liveness_ms, 30000);
	assert_int_equal(c->failure_shunt_lifetime_ms, 15 * 60 * 1000);
	assert_int_equal(c->retransmit_timeout_ms, 500);
	assert_int_equal(c->retransmit_tries, 5);
	assert_int_equal(c->event_buffer, 8 << 20);
	assert_int_equal(c->cookie_threshold, 32);
	assert_int_equal(c->half_open_max, 4096);
	assert_int_equal(c->half_open_per_source, 64);
	assert_int_equal(c->initiations_max, 256);
	assert_int_equal(c->initiation_queue_max, 16384);
	const struct policy_proposal *p = &c->ike_proposals.v[0];
	assert_int_equal(p->encr, 20);
	assert_int_equal(p->key_bits, 256);
	assert_int_equal(p->integ, 0);
	assert_int_equal(p->prf, 6);
	assert_int_equal(p->dh, 31);
	/* Without a certificate: opportunistic groups fall back to null auth. */
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE_OR_CLEAR].nauth, 1);
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE_OR_CLEAR].auth[0], POLICY_AUTH_NULL);
	assert_true(c->groups[POLICY_GROUP_PRIVATE].auth_missing);
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE].failure_shunt, POLICY_SHUNT_DROP);
	policy_config_free(c);
}

static void test_cert_defaults(void **state)
{
	struct policy_diags d = { 0 };
	struct policy_config *c = NULL;
	(void)state;
	assert_int_equal(policy_config_parse("node: { cert: n }", 17, "t", &c, &d), 0);
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE].nauth, 1);
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE].auth[0], POLICY_AUTH_CERT);
	assert_int_equal(c->groups[POLICY_GROUP_PRIVATE_OR_CLEAR].nauth, 2);
	assert_int_equal(c->groups[POLICY_GROUP_CLEAR_OR_PRIVATE].auth[1], POLICY_AUTH_NULL);
	assert_false(c->groups[POLICY_GROUP_PRIVATE].auth_missing);
	policy_config_free(c);
	policy_diags_free(&d);
}

static void test_proposals(void **state)
{
	struct policy_proposal p;
	char err[256], buf[128];
	(void)state;
	assert_int_equal(policy_proposal_parse("aes256-sha256-modp2048", POLICY_PROPOSAL_IKE, &p, err, sizeof(err)), 0);
	assert_int_equal(p.encr, 12);
	assert_int_equal(p.integ, 12);
	assert_int_equal(p.prf, 5);  /* defaulted from sha256 */
	assert_int_equal(p.dh, 14);
	assert_string_equal(policy_proposal_format(&p, buf, sizeof(buf)), "aes256-sha256-prfsha256-modp2048");
	assert_int_equal(policy_proposal_parse("aes_gcm16_128-x25519", POLICY_PROPOSAL_ESP, &p, err, sizeof(err)), 0);
	assert_int_equal(p.dh, 31);
	assert_int_equal(p.prf, 0);
	assert_int_equal(policy_proposal_parse("aes_gcm16_128", POLICY_PROPOSAL_IKE, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs a prf"));
	assert_int_equal(policy_proposal_parse("x25519-aes128", POLICY_PROPOSAL_IKE, &p, err, sizeof(err)), -1);
	assert_int_equal(policy_proposal_parse("aes128-prfsha256-modp2048", POLICY_PROPOSAL_IKE, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs an integrity"));
	assert_int_equal(policy_proposal_parse("aes128-sha1-prfsha256", POLICY_PROPOSAL_ESP, &p, err, sizeof(err)), -1);
	assert_int_equal(policy_proposal_parse("", POLICY_PROPOSAL_ESP, &p, err, sizeof(err)), -1);
	assert_int_equal(policy_proposal_parse("aes128--sha1", POLICY_PROPOSAL_ESP, &p, err, sizeof(err)), -1);
}

static void test_private_without_auth(void **state)
{
	struct policy_diags d = { 0 };
	const char *const used[POLICY_GROUP_COUNT] = { [POLICY_GROUP_PRIVATE] = "# x\n10.0.0.0/8\n" };
	const char *const unused[POLICY_GROUP_COUNT] = { [POLICY_GROUP_PRIVATE_OR_CLEAR] = "10.0.0.0/8\n" };
	(void)state;
	assert_null(helper_model("node: { policy-dir: /p }", used, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].file, "/p/private");
	assert_int_equal(d.v[0].line, 2);
	assert_non_null(strstr(d.v[0].message, "node.cert"));
	policy_diags_free(&d);
	struct policy_model *m = helper_model("", unused, &d);
	assert_non_null(m);  /* private is empty: nothing to refuse */
	policy_model_free(m);
	m = helper_model("groups: { private: { auth: [null] } }", used, &d);
	assert_non_null(m);  /* explicit auth */
	assert_int_equal(d.errors, 0);
	policy_model_free(m);
	policy_diags_free(&d);
}

static void test_load_files(void **state)
{
	struct policy_diags d = { 0 };
	struct policy_model *running = NULL, *next = NULL;
	struct policy_addr a;
	struct policy_match r;
	(void)state;
	assert_int_equal(policy_load(POLICY_TEST_DIR "/cli/good/swanmesh.yaml", NULL, 0, &running, &d), 0);
	assert_non_null(running);
	policy_diags_free(&d);
	/* A reload from a broken configuration fails and leaves the running model alone. */
	assert_int_equal(policy_load(POLICY_TEST_DIR "/cli/bad/swanmesh.yaml", NULL, 0, &next, &d), -1);
	assert_null(next);
	assert_true(d.errors > 0);
	assert_int_equal(policy_addr_parse("10.2.0.1", &a), 0);
	policy_model_lookup(running, &a, 0, 0, 0, &r);
	assert_int_equal(r.group, POLICY_GROUP_PRIVATE_OR_CLEAR);
	policy_diags_free(&d);
	/* A missing configuration file is all defaults, with a warning. */
	assert_int_equal(policy_load("/nonexistent/swanmesh.yaml", NULL, 0, &next, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_true(d.warnings >= 1);
	policy_model_free(next);
	policy_model_free(running);
	policy_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_cert_defaults),
		cmocka_unit_test(test_proposals),
		cmocka_unit_test(test_private_without_auth),
		cmocka_unit_test(test_load_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
