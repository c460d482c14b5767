/* The kernel policy plan: priorities per docs/kernel-ownership.md, actions
 * and directions per group, passes for own addresses inside trapped ranges,
 * sorted distinct selectors; and the diff between two plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "model_helper.h"
#include "policy/plan.h"

static struct policy_selector sel(const char *cidr, uint8_t proto, uint16_t lport, uint16_t rport)
{
	struct policy_selector s = { 0 };
	assert_int_equal(policy_prefix_parse(cidr, &s.remote, NULL), 0);
	s.proto = proto;
	s.lport = lport;
	s.rport = rport;
	return s;
}

static void test_priorities(void **state)
{
	(void)state;
	struct policy_selector s = sel("10.0.1.0/24", 0, 0, 0);
	assert_int_equal(policy_priority(&s, POLICY_KIND_GROUP), 2000143);  /* the doc's example */
	s = sel("192.0.2.5/32", 0, 0, 0);
	assert_int_equal(policy_priority(&s, POLICY_KIND_TUNNEL), 2000013);
	assert_int_equal(policy_priority(&s, POLICY_KIND_FAILURE_SHUNT), 2000012);
	s = sel("192.0.2.5/32", 6, 0, 25);
	assert_int_equal(policy_priority(&s, POLICY_KIND_GROUP), 2000003);
	s = sel("10.0.0.0/8", 6, 0, 0);  /* proto set, port any */
	assert_int_equal(policy_priority(&s, POLICY_KIND_GROUP), 2000000 + (24 * 4 + 1) * 4 + 3);
	s = sel("::/0", 0, 0, 0);  /* the least specific: still inside the band */
	assert_int_equal(policy_priority(&s, POLICY_KIND_GROUP), 2000000 + 515 * 4 + 3);
	assert_true(policy_priority(&s, POLICY_KIND_GROUP) <= 2004095);
}

static const char *const yaml = "node: { cert: n, addresses: [10.1.2.1, \"2001:db8::1\", 172.16.0.1] }\n";

static void test_plan_entries(void **state)
{
	struct policy_diags d = { 0 };
	const char *const f[POLICY_GROUP_COUNT] = {
		[POLICY_GROUP_BLOCK] = "10.9.0.0/16\n",
		[POLICY_GROUP_CLEAR] = "10.1.0.0/16 tcp 0 22\n",
		[POLICY_GROUP_PRIVATE] = "10.1.0.0/16\n2001:db8::/32\n10.1.9.9/32 udp 0 7\n",
		[POLICY_GROUP_CLEAR_OR_PRIVATE] = "172.16.0.0/12\n",
		[POLICY_GROUP_PRIVATE_OR_CLEAR] = "10.7.0.0/16\n",
	};
	(void)state;
	struct policy_model *m = helper_model(yaml, f, &d);
	assert_non_null(m);
	const struct policy_plan *p = policy_model_plan(m);
	/* 7 rules + passes for 10.1.2.1 and 2001:db8::1; 172.16.0.1 is only in a clear group. */
	assert_int_equal(p->n, 9);
	for (size_t i = 1; i < p->n; i++)
		assert_true(policy_selector_cmp(&p->v[i - 1].sel, &p->v[i].sel) < 0);
	char buf[64];
	int seen = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct policy_plan_entry *e = &p->v[i];
		policy_prefix_format(&e->sel.remote, buf, sizeof(buf));
		assert_int_equal(e->priority, policy_priority(&e->sel, POLICY_KIND_GROUP));
		if (strcmp(buf, "10.1.0.0/16") == 0 && e->sel.proto == 0) {
			/* private: trapped out, cleartext dropped in */
			assert_int_equal(e->action, POLICY_ACTION_TRAP);
			assert_int_equal(e->dirs, POLICY_DIR_OUT | POLICY_DIR_IN);
			assert_int_equal(e->priority, 2000271);
			seen |= 1;
		} else if (strcmp(buf, "10.1.9.9/32") == 0) {
			/* a private line naming a protocol: both ways too (a
			 * tunnel carries it as a host policy of its own) */
			assert_int_equal(e->action, POLICY_ACTION_TRAP);
			assert_int_equal(e->dirs, POLICY_DIR_OUT | POLICY_DIR_IN);
			seen |= 128;
		} else if (strcmp(buf, "10.7.0.0/16") == 0) {
			/* private-or-clear: trapped out, inbound cleartext allowed (its fallback) */
			assert_int_equal(e->action, POLICY_ACTION_TRAP);
			assert_int_equal(e->dirs, POLICY_DIR_OUT);
			seen |= 64;
		} else if (strcmp(buf, "10.1.0.0/16") == 0) {
			assert_int_equal(e->action, POLICY_ACTION_PASS);
			assert_int_equal(e->sel.rport, 22);
			assert_int_equal(e->priority, 2000259);
			seen |= 2;
		} else if (strcmp(buf, "10.9.0.0/16") == 0) {
			assert_int_equal(e->action, POLICY_ACTION_DROP);
			assert_int_equal(e->dirs, POLICY_DIR_OUT | POLICY_DIR_IN);
			seen |= 4;
		} else if (strcmp(buf, "10.1.2.1/32") == 0 || strcmp(buf, "2001:db8::1/128") == 0) {
			assert_int_equal(e->action, POLICY_ACTION_PASS);
			assert_int_equal(e->group, POLICY_GROUP_NONE);
			assert_int_equal(e->dirs, POLICY_DIR_OUT | POLICY_DIR_IN);
			assert_int_equal(e->priority, e->sel.remote.addr.family == POLICY_AF_INET ? 2000015 : 2000015);
			seen |= strcmp(buf, "10.1.2.1/32") == 0 ? 8 : 16;
		} else if (strcmp(buf, "172.16.0.0/12") == 0) {
			assert_int_equal(e->action, POLICY_ACTION_PASS);
			assert_int_equal(e->group, POLICY_GROUP_CLEAR_OR_PRIVATE);
			seen |= 32;
		}
	}
	assert_int_equal(seen, 255);
	policy_model_free(m);
	policy_diags_free(&d);
}

static void test_diff(void **state)
{
	struct policy_diags d = { 0 };
	const char *const a[POLICY_GROUP_COUNT] = {
		[POLICY_GROUP_BLOCK] = "10.9.0.0/16\n",
		[POLICY_GROUP_PRIVATE] = "10.1.0.0/16\n10.2.0.0/16\n",
	};
	const char *const b[POLICY_GROUP_COUNT] = {
		[POLICY_GROUP_CLEAR] = "10.9.0.0/16\n",                   /* changed: drop -> pass */
		[POLICY_GROUP_PRIVATE] = "# moved down\n10.1.0.0/16\n10.3.0.0/16 udp 0 53\n",
	};
	struct policy_plan_diff diff;
	(void)state;
	struct policy_model *ma = helper_model(yaml, a, &d), *mb = helper_model(yaml, b, &d);
	assert_non_null(ma);
	assert_non_null(mb);
	assert_int_equal(policy_plan_diff(policy_model_plan(ma), policy_model_plan(mb), &diff), 0);
	assert_int_equal(diff.nadded, 1);
	assert_int_equal(diff.added[0]->sel.rport, 53);
	assert_int_equal(diff.nremoved, 1);
	char buf[64];
	assert_string_equal(policy_prefix_format(&diff.removed[0]->sel.remote, buf, sizeof(buf)), "10.2.0.0/16");
	/* 10.1.0.0/16 moved from line 1 to 2: not a kernel change. */
	assert_int_equal(diff.nchanged, 1);
	assert_int_equal(diff.changed[0].old->action, POLICY_ACTION_DROP);
	assert_int_equal(diff.changed[0].new->action, POLICY_ACTION_PASS);
	policy_plan_diff_free(&diff);
	assert_int_equal(policy_plan_diff(policy_model_plan(ma), policy_model_plan(ma), &diff), 0);
	assert_int_equal(diff.nadded + diff.nremoved + diff.nchanged, 0);
	policy_plan_diff_free(&diff);
	struct policy_plan empty = { 0 };
	assert_int_equal(policy_plan_diff(&empty, policy_model_plan(ma), &diff), 0);
	assert_int_equal(diff.nadded, policy_model_plan(ma)->n);
	assert_int_equal(diff.nremoved, 0);
	policy_plan_diff_free(&diff);
	policy_model_free(ma);
	policy_model_free(mb);
	policy_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_plan_entries),
		cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
