/* Round trip: every good fixture parses without error; printing it and
 * parsing the output gives an equal configuration, and printing again gives
 * the same text. An empty file is exactly the defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "policy/config.h"

static struct policy_config *parse_ok(const char *buf, size_t len, const char *name)
{
	struct policy_diags d = { 0 };
	struct policy_config *cfg = NULL;
	int r = policy_config_parse(buf, len, name, &cfg, &d);
	if (r != 0) {
		char *t = fixture_diags_text(&d);
		fprintf(stderr, "%s", t);
		free(t);
	}
	assert_int_equal(r, 0);
	assert_int_equal(d.errors, 0);
	policy_diags_free(&d);
	assert_non_null(cfg);
	return cfg;
}

static void test_good_fixtures_round_trip(void **state)
{
	char **names, dir[512], path[1024];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/good", POLICY_TEST_DIR);
	size_t n = fixture_list(dir, &names);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		char *buf = fixture_read(path, &len);
		assert_non_null(buf);
		struct policy_config *a = parse_ok(buf, len, names[i]);
		char *text = policy_config_print(a);
		assert_non_null(text);
		struct policy_config *b = parse_ok(text, strlen(text), "printed");
		if (!policy_config_equal(a, b))
			fprintf(stderr, "%s: printed form differs:\n%s", names[i], text);
		assert_true(policy_config_equal(a, b));
		char *text2 = policy_config_print(b);
		assert_string_equal(text, text2);
		free(text2);
		free(text);
		policy_config_free(a);
		policy_config_free(b);
		free(buf);
	}
	fixture_list_free(names, n);
}

static void test_empty_is_defaults(void **state)
{
	(void)state;
	struct policy_config *def = policy_config_defaults();
	struct policy_config *e = parse_ok("", 0, "empty");
	assert_true(policy_config_equal(def, e));
	assert_string_equal(e->policy_dir, "/etc/swanmesh/policies");
	assert_true(e->addresses_auto);
	assert_null(e->cert);
	policy_config_free(def);
	policy_config_free(e);
}

static void test_full_values(void **state)
{
	(void)state;
	char path[1024];
	size_t len;
	snprintf(path, sizeof(path), "%s/good/full.yaml", POLICY_TEST_DIR);
	char *buf = fixture_read(path, &len);
	assert_non_null(buf);
	struct policy_config *c = parse_ok(buf, len, "full.yaml");
	assert_string_equal(c->node_id, "@node1.example.com");
	assert_string_equal(c->cert, "node1");
	assert_int_equal(c->naddresses, 2);
	assert_int_equal(c->addresses[1].family, POLICY_AF_INET6);
	const struct policy_group_conf *g = &c->groups[POLICY_GROUP_PRIVATE_OR_CLEAR];
	assert_int_equal(g->negotiation_shunt, POLICY_SHUNT_PASS);
	assert_int_equal(g->failure_shunt, POLICY_SHUNT_NONE);
	assert_int_equal(g->mode, POLICY_MODE_TRANSPORT);
	assert_int_equal(c->groups[POLICY_GROUP_CLEAR_OR_PRIVATE].nauth, 1);
	assert_int_equal(c->groups[POLICY_GROUP_CLEAR_OR_PRIVATE].auth[0], POLICY_AUTH_NULL);
	assert_int_equal(c->ike_proposals.n, 3);
	assert_int_equal(c->ike_proposals.v[1].encr, POLICY_ENCR_AES_CBC);
	assert_int_equal(c->ike_proposals.v[1].prf, POLICY_PRF_HMAC_SHA2_512);  /* from sha512 */
	assert_int_equal(c->ike_proposals.v[2].dh, POLICY_DH_CURVE448);
	assert_int_equal(c->esp_proposals.v[1].dh, POLICY_DH_ECP256);
	assert_int_equal(c->ike_lifetime_ms, 4 * 3600 * 1000);
	assert_int_equal(c->child_lifetime_ms, 90 * 60 * 1000);
	assert_int_equal(c->liveness_ms, 0);
	assert_int_equal(c->idle_timeout_ms, 2ull * 24 * 3600 * 1000);
	assert_int_equal(c->retransmit_timeout_ms, 1500);
	assert_int_equal(c->retransmit_tries, 3);
	assert_true(c->dnssec_enabled);
	assert_string_equal(c->trust_anchors[1], "/path with \"quotes\"");
	assert_int_equal(c->nresolvers, 2);
	assert_int_equal(c->log_level, POLICY_LOG_DEBUG);
	assert_int_equal(c->event_buffer, 640 * 1024);
	assert_int_equal(c->cookie_threshold, 0);
	assert_int_equal(c->half_open_max, 100);
	assert_int_equal(c->half_open_per_source, 3);
	assert_int_equal(c->initiations_max, 12);
	assert_int_equal(c->initiation_queue_max, 0);
	policy_config_free(c);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_fixtures_round_trip),
		cmocka_unit_test(test_empty_is_defaults),
		cmocka_unit_test(test_full_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
