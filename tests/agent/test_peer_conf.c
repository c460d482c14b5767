/* How the bridge treats a peer, from a model built in memory: groups that
 * negotiate, refused groups with their reason, NULL auth, proposals,
 * lifetimes, the retransmission budget and transport mode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ike/ike_consts.h"
#include "peer_conf.h"

static const char yaml[] =
	"node:\n"
	"  addresses: [192.0.2.1]\n"
	"  cert: node1\n"
	"groups:\n"
	"  private: { auth: [cert] }\n"
	"  clear-or-private: { mode: transport }\n"
	"ike:\n"
	"  proposals: [aes_gcm16_256-prfsha384-x25519, aes256-sha256-prfsha256-modp2048]\n"
	"  esp: [aes_gcm16_128]\n"
	"  child-lifetime: 1h\n"
	"  retransmit: { timeout: 1s, tries: 2 }\n";

static struct policy_model *model;

static void add_group(struct policy_entries *e, enum policy_group g, const char *text)
{
	struct policy_diags d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(policy_groupfile_parse(text, strlen(text), policy_group_name(g), g, e, &d), 0);
	policy_diags_free(&d);
}

static int setup(void **state)
{
	(void)state;
	struct policy_config *cfg = NULL;
	struct policy_diags d;
	memset(&d, 0, sizeof(d));
	if (policy_config_parse(yaml, strlen(yaml), "test", &cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++) {
			char line[512];
			policy_diag_format(&d.v[i], line, sizeof(line));
			print_error("%s\n", line);
		}
		return -1;
	}
	policy_diags_free(&d);
	struct policy_entries e;
	memset(&e, 0, sizeof(e));
	add_group(&e, POLICY_GROUP_PRIVATE_OR_CLEAR, "192.0.2.0/24\n2001:db8:1::/64\n");
	add_group(&e, POLICY_GROUP_CLEAR_OR_PRIVATE, "203.0.113.0/24\n");
	add_group(&e, POLICY_GROUP_CLEAR, "192.0.2.7\n");
	add_group(&e, POLICY_GROUP_BLOCK, "192.0.2.9\n");
	add_group(&e, POLICY_GROUP_PRIVATE, "198.51.100.0/24\n");
	struct policy_addr own;
	policy_addr_parse("192.0.2.1", &own);
	int r = policy_model_build(cfg, &e, &own, 1, &model, &d);
	for (size_t i = 0; i < d.n; i++) {
		char line[512];
		policy_diag_format(&d.v[i], line, sizeof(line));
		print_error("%s\n", line);
	}
	policy_diags_free(&d);
	return r;
}

static int teardown(void **state)
{
	(void)state;
	policy_model_free(model);
	return 0;
}

static struct kernel_addr addr(const char *s)
{
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

static void test_private_or_clear_null(void **state)
{
	(void)state;
	struct ike_peer_conf pc;
	char why[256] = "";
	struct kernel_addr p = addr("192.0.2.2");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), 0);
	assert_int_equal(pc.group, POLICY_GROUP_PRIVATE_OR_CLEAR);
	assert_int_equal(pc.our_auth, IKE_AUTH_NULL);
	assert_int_equal(pc.our_id_type, IKE_ID_NULL);
	assert_true(pc.accept_null);
	/* The group lists cert too (node.cert is set): a peer's certificate counts. */
	assert_true(pc.accept_sig);
	assert_false(pc.transport);
	assert_int_equal(pc.n_ike, 2);
	assert_int_equal(pc.ike[0].encr, 20); /* AES-GCM-16 */
	assert_int_equal(pc.ike[0].key_bits, 256);
	assert_int_equal(pc.ike[0].integ, 0);
	assert_int_equal(pc.ike[0].prf, 6); /* HMAC-SHA2-384 */
	assert_int_equal(pc.ike[0].dh, 31); /* Curve25519 */
	assert_int_equal(pc.ike[1].integ, 12); /* HMAC-SHA2-256-128 */
	assert_int_equal(pc.n_esp, 1);
	assert_int_equal(pc.esp[0].key_bits, 128);
	assert_int_equal(pc.esp[0].prf, 0);
	assert_int_equal(pc.child_lifetime_ms, 3600000);
	assert_int_equal(pc.retransmit_timeout_ms, 1000);
	assert_int_equal(pc.retransmit_tries, 2);
	/* 1 s, then 2 s, then 4 s before giving up. */
	assert_int_equal(peer_conf_retransmit_budget(policy_model_config(model)), 7000);
	struct kernel_addr p6 = addr("2001:db8:1::2");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p6, false, &pc, why, sizeof(why)), 0);
	assert_int_equal(pc.group, POLICY_GROUP_PRIVATE_OR_CLEAR);
}

static void test_clear_or_private_answers_only(void **state)
{
	(void)state;
	struct ike_peer_conf pc;
	char why[256] = "";
	struct kernel_addr p = addr("203.0.113.5");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, false, &pc, why, sizeof(why)), 0);
	assert_true(pc.transport);
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "never initiates"));
}

static void test_refused(void **state)
{
	(void)state;
	struct ike_peer_conf pc;
	char why[256] = "";
	struct kernel_addr p = addr("192.0.2.7");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, false, &pc, why, sizeof(why)), -1);
	assert_string_equal(why, "192.0.2.7 is in the clear group: never negotiated");
	p = addr("192.0.2.9");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, false, &pc, why, sizeof(why)), -1);
	assert_string_equal(why, "192.0.2.9 is in the block group: all traffic dropped");
	p = addr("2001:db8:99::1");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), -1);
	assert_string_equal(why, "2001:db8:99::1 is in no policy group");
	p = addr("198.51.100.4");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), -1);
	assert_string_equal(why, "group private: certificate authentication needs the node certificate (node.cert)");
	p = addr("192.0.2.1");
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), -1);
	assert_string_equal(why, "192.0.2.1 is one of our own addresses");
}

/* How a peer was authenticated, as peer_auth decided it. */
static void test_authby(void **state)
{
	(void)state;
	struct policy_group_conf g;
	memset(&g, 0, sizeof(g));
	g.auth[0] = POLICY_AUTH_CERT;
	g.auth[1] = POLICY_AUTH_DNSSEC;
	g.nauth = 2;
	assert_int_equal(peer_conf_authby(&g, IKE_AUTH_NULL, true), POLICY_AUTH_NULL);
	assert_int_equal(peer_conf_authby(&g, 14, true), POLICY_AUTH_CERT);
	assert_int_equal(peer_conf_authby(&g, 14, false), POLICY_AUTH_DNSSEC);
	g.auth[0] = POLICY_AUTH_DNSSEC;
	g.nauth = 1;
	/* A certificate the group does not take: the key came from DNSSEC. */
	assert_int_equal(peer_conf_authby(&g, 14, true), POLICY_AUTH_DNSSEC);
	assert_true(peer_conf_accepts(&g, POLICY_AUTH_DNSSEC));
	assert_false(peer_conf_accepts(&g, POLICY_AUTH_NULL));
	assert_false(peer_conf_accepts(&g, POLICY_AUTH_CERT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_or_clear_null),
		cmocka_unit_test(test_clear_or_private_answers_only),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_authby),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
