/* One tunnel per peer carries all its rules (peer_rules): which rule
 * leads, the authentication all of them accept, and the host policies of
 * each state, so that a port rule keeps its group's action whatever the
 * host-wide rule's tunnel or shunt does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "../policy/model_helper.h"
#include "peer_conf.h"
#include "peer_rules.h"

static const char yaml[] = "node: { cert: node1, policy-dir: /p, addresses: [192.0.2.1] }\n";

static const char *const files[POLICY_GROUP_COUNT] = {
	[POLICY_GROUP_PRIVATE_OR_CLEAR] = "192.0.2.0/24\n",
	[POLICY_GROUP_PRIVATE] = "192.0.2.3/32 tcp 0 5555\n192.0.2.8/32 tcp 0 22\n",
	[POLICY_GROUP_BLOCK] = "192.0.2.0/24 tcp 0 23\n",
	[POLICY_GROUP_CLEAR] = "192.0.2.0/24 udp 0 53\n192.0.2.8\n",
};

static struct policy_model *model;

static int setup(void **state)
{
	(void)state;
	struct policy_diags d = { 0 };
	model = helper_model(yaml, files, &d);
	policy_diags_free(&d);
	return model == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_model_free(model);
	return 0;
}

static void rules_of(const char *s, struct policy_host_rules *hr)
{
	struct policy_addr a;
	assert_int_equal(policy_addr_parse(s, &a), 0);
	policy_model_host_rules(model, &a, hr);
}

static const struct peer_port *port(const struct peer_ports *pp, uint8_t proto, uint16_t rport)
{
	for (unsigned i = 0; i < pp->n; i++)
		if (pp->v[i].proto == proto && pp->v[i].rport == rport)
			return &pp->v[i];
	fail_msg("no policy for protocol %u port %u", proto, rport);
	return NULL;
}

/* private tcp 5555 on a private-or-clear host, with block and clear
 * port rules of the /24 beside it. */
static void test_port_rules_on_an_encrypted_host(void **state)
{
	(void)state;
	struct policy_host_rules hr;
	rules_of("192.0.2.3", &hr);
	assert_ptr_equal(peer_rules_lead(&hr, true), &hr.host);
	struct peer_ports pp;
	/* The tunnel stands: the host-wide policy outranks the /24 port
	 * rules, so each gets its own: 5555 encrypted, 23 dropped, 53 clear. */
	peer_rules_ports(&hr, PEER_TUNNEL, &pp);
	assert_true(pp.host);
	assert_int_equal(pp.host_action, PEER_ENCRYPT);
	assert_int_equal(pp.n, 3);
	assert_int_equal(port(&pp, 6, 5555)->action, PEER_ENCRYPT);
	assert_int_equal(port(&pp, 6, 23)->action, PEER_DROP);
	assert_int_equal(port(&pp, 17, 53)->action, PEER_PASS);
	/* It failed: private-or-clear goes clear, port 5555 (private) never. */
	peer_rules_ports(&hr, PEER_FAILED, &pp);
	assert_true(pp.host);
	assert_int_equal(pp.host_action, PEER_PASS);
	assert_int_equal(port(&pp, 6, 5555)->action, PEER_DROP);
	assert_int_equal(port(&pp, 6, 23)->action, PEER_DROP);
	assert_int_equal(port(&pp, 17, 53)->action, PEER_PASS);
	/* Negotiating with hold: the traps hold, nothing to install. */
	peer_rules_ports(&hr, PEER_NEGOTIATING, &pp);
	assert_false(pp.host);
	assert_int_equal(pp.n, 0);
	/* The tunnel must suit private too: NULL is no longer enough. */
	const struct policy_match *refuser = NULL;
	assert_false(peer_rules_accept(&hr, POLICY_AUTH_NULL, &refuser));
	assert_int_equal(refuser->group, POLICY_GROUP_PRIVATE);
	assert_true(peer_rules_accept(&hr, POLICY_AUTH_CERT, NULL));
	struct policy_group_conf conf;
	peer_rules_conf(&hr, &hr.host, &conf);
	assert_int_equal(conf.nauth, 1);
	assert_int_equal(conf.auth[0], POLICY_AUTH_CERT);
	struct kernel_addr p;
	assert_int_equal(kernel_addr_parse("192.0.2.3", &p), 0);
	struct ike_peer_conf pc;
	char why[256] = "";
	/* Without our certificate loaded, NULL alone would be left: refused. */
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "certificate"));
	/* Its neighbour has only the block and clear port rules: NULL goes. */
	assert_int_equal(kernel_addr_parse("192.0.2.4", &p), 0);
	assert_int_equal(peer_conf_from_model(model, NULL, NULL, &p, true, &pc, why, sizeof(why)), 0);
	assert_true(pc.accept_null);
	struct policy_host_rules other;
	rules_of("192.0.2.4", &other);
	assert_int_not_equal(peer_rules_digest(&hr), peer_rules_digest(&other));
}

/* private tcp 22 on a clear host: only that port negotiates and rides. */
static void test_port_rule_on_a_clear_host(void **state)
{
	(void)state;
	struct policy_host_rules hr;
	rules_of("192.0.2.8", &hr);
	const struct policy_match *lead = peer_rules_lead(&hr, true);
	assert_non_null(lead);
	assert_int_equal(lead->group, POLICY_GROUP_PRIVATE);
	struct peer_ports pp;
	peer_rules_ports(&hr, PEER_TUNNEL, &pp);
	assert_false(pp.host); /* the rest of the host stays clear */
	assert_int_equal(pp.n, 1);
	assert_int_equal(port(&pp, 6, 22)->action, PEER_ENCRYPT);
	peer_rules_ports(&hr, PEER_FAILED, &pp);
	assert_false(pp.host);
	assert_int_equal(port(&pp, 6, 22)->action, PEER_DROP);
	struct policy_group_conf conf;
	peer_rules_conf(&hr, lead, &conf);
	assert_int_equal(conf.nauth, 1);
	/* Own address: nothing. */
	rules_of("192.0.2.1", &hr);
	assert_null(peer_rules_lead(&hr, false));
	peer_rules_ports(&hr, PEER_TUNNEL, &pp);
	assert_false(pp.host);
	assert_int_equal(pp.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_rules_on_an_encrypted_host),
		cmocka_unit_test(test_port_rule_on_a_clear_host),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
