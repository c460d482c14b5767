/* The rules of one host (policy_model_host_rules): the host-wide rule and
 * the port rules that beat it, cut where a deeper host-wide rule starts;
 * and the build's refusal of port rules that cannot share a tunnel with
 * the host's other rules (mode, authentication, too many), naming both
 * lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model_helper.h"

static const char *const yaml = "node: { cert: n, policy-dir: /p, addresses: [192.0.2.1] }\n";

static struct policy_addr addr(const char *s)
{
	struct policy_addr a;
	assert_int_equal(policy_addr_parse(s, &a), 0);
	return a;
}

static bool has_port(const struct policy_host_rules *hr, uint8_t group, uint8_t proto, uint16_t dport)
{
	for (unsigned i = 0; i < hr->nport; i++)
		if (hr->port[i].group == group && hr->port[i].entry.proto == proto && hr->port[i].entry.dport == dport)
			return true;
	return false;
}

static void test_rules_of_a_host(void **state)
{
	(void)state;
	const char *files[POLICY_GROUP_COUNT] = {
		[POLICY_GROUP_PRIVATE_OR_CLEAR] = "192.0.2.0/24\n",
		[POLICY_GROUP_PRIVATE] = "192.0.2.3/32 tcp 0 5555\n192.0.2.8/32 tcp 0 22\n",
		[POLICY_GROUP_BLOCK] = "192.0.2.0/24 tcp 0 23\n",
		[POLICY_GROUP_CLEAR] = "192.0.2.0/24 udp 0 53\n192.0.2.8\n0.0.0.0/0 tcp 0 80\n",
	};
	struct policy_diags d = { 0 };
	struct policy_model *m = helper_model(yaml, files, &d);
	assert_non_null(m);
	struct policy_host_rules hr;
	struct policy_addr a = addr("192.0.2.3");
	policy_model_host_rules(m, &a, &hr);
	assert_int_equal(hr.host.group, POLICY_GROUP_PRIVATE_OR_CLEAR);
	assert_int_equal(hr.host.entry.len, 24);
	/* The /32 port rule first; 0.0.0.0/0 tcp 80 loses to the /24 host rule. */
	assert_int_equal(hr.nport, 3);
	assert_int_equal(hr.port[0].group, POLICY_GROUP_PRIVATE);
	assert_int_equal(hr.port[0].entry.dport, 5555);
	assert_true(has_port(&hr, POLICY_GROUP_BLOCK, 6, 23));
	assert_true(has_port(&hr, POLICY_GROUP_CLEAR, 17, 53));
	assert_false(has_port(&hr, POLICY_GROUP_CLEAR, 6, 80));
	/* A host-wide /32 cuts the /24's port rules off. */
	a = addr("192.0.2.8");
	policy_model_host_rules(m, &a, &hr);
	assert_int_equal(hr.host.group, POLICY_GROUP_CLEAR);
	assert_int_equal(hr.nport, 1);
	assert_int_equal(hr.port[0].group, POLICY_GROUP_PRIVATE);
	/* No host-wide rule at all: the port rules up to the root. */
	a = addr("198.51.100.7");
	policy_model_host_rules(m, &a, &hr);
	assert_int_equal(hr.host.group, POLICY_GROUP_NONE);
	assert_null(hr.host.conf);
	assert_int_equal(hr.nport, 1);
	assert_true(has_port(&hr, POLICY_GROUP_CLEAR, 6, 80));
	a = addr("192.0.2.1");
	policy_model_host_rules(m, &a, &hr);
	assert_true(hr.own_address);
	assert_int_equal(hr.nport, 0);
	policy_model_free(m);
	policy_diags_free(&d);
}

/* Builds and expects a refusal whose message holds both needles. */
static void refused(const char *conf, const char *const files[POLICY_GROUP_COUNT], const char *n1, const char *n2)
{
	struct policy_diags d = { 0 };
	struct policy_model *m = helper_model(conf, files, &d);
	assert_null(m);
	bool found = false;
	for (size_t i = 0; i < d.n; i++) {
		char line[2048];
		policy_diag_format(&d.v[i], line, sizeof(line));
		if (d.v[i].severity == POLICY_ERROR && strstr(line, n1) != NULL && strstr(line, n2) != NULL)
			found = true;
		else
			print_message("%s\n", line);
	}
	assert_true(found);
	policy_diags_free(&d);
}

static void test_refusals(void **state)
{
	(void)state;
	const char *files[POLICY_GROUP_COUNT] = {
		[POLICY_GROUP_PRIVATE_OR_CLEAR] = "192.0.2.0/24\n",
		[POLICY_GROUP_PRIVATE] = "\n192.0.2.3/32 tcp 0 5555\n",
	};
	/* NULL-only private-or-clear cannot carry certificate-only private traffic. */
	refused("node: { cert: n, policy-dir: /p }\ngroups: { private-or-clear: { auth: [null] } }\n", files,
		"'192.0.2.3/32 6 0 5555' (private) and '192.0.2.0/24' at /p/private-or-clear:1",
		"no authentication method is in both groups' auth");
	refused("node: { cert: n, policy-dir: /p }\ngroups: { private: { mode: transport } }\n", files,
		"/p/private:2: error:", "one asks for transport mode, the other for tunnel mode");
	/* With a method in common it builds. */
	struct policy_diags d = { 0 };
	struct policy_model *m = helper_model(yaml, files, &d);
	assert_non_null(m);
	policy_model_free(m);
	policy_diags_free(&d);
	/* Nine port rules over one host: more than a tunnel carries. */
	char many[512] = "";
	for (int i = 1; i <= 9; i++) {
		char line[64];
		snprintf(line, sizeof(line), "192.0.2.0/%d tcp 0 %d\n", 15 + i, 1000 + i);
		strcat(many, line);
	}
	const char *lots[POLICY_GROUP_COUNT] = { [POLICY_GROUP_BLOCK] = many };
	refused(yaml, lots, "'192.0.2.0/24 6 0 1009'", "more than 8 rules with a protocol or ports");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_of_a_host),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
