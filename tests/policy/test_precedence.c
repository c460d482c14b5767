/* The precedence table: most specific prefix wins (then protocol, then
 * port), ties go to the stricter group with a warning naming both lines, own
 * addresses never match; IPv4 and IPv6; /32 inside /24; 0.0.0.0/0 and ::/0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fixtures.h"
#include "model_helper.h"
#include "policy/plan.h"

static const char *const yaml = "node: { cert: n, policy-dir: /p, addresses: [10.1.2.1, \"2001:db8::1\"] }\n";

static const char *const files[POLICY_GROUP_COUNT] = {
	[POLICY_GROUP_BLOCK] = "10.9.0.0/16\n2001:db8:dead::/48\n10.1.2.1\n",
	[POLICY_GROUP_CLEAR] = "10.1.2.3\n10.1.0.0/16 tcp 0 22\n",
	[POLICY_GROUP_PRIVATE] = "10.1.0.0/16\n2001:db8::/32\n10.5.0.0/24\n",
	[POLICY_GROUP_PRIVATE_OR_CLEAR] = "0.0.0.0/0\n::/0\n10.5.0.0/24\n10.1.2.0/24 tcp 0 25\n",
	[POLICY_GROUP_CLEAR_OR_PRIVATE] = "10.1.2.0/24\n192.0.2.0/24\n",
};

struct row {
	const char *addr;
	uint8_t proto;
	uint16_t port;
	uint8_t group;
	unsigned line;
	bool own;
};

static const struct row table[] = {
	{ "10.1.2.3", 0, 0, POLICY_GROUP_CLEAR, 1, false },              /* /32 inside a /24 */
	{ "10.1.2.3", 6, 25, POLICY_GROUP_CLEAR, 1, false },             /* /32 beats a /24 port rule */
	{ "10.1.2.4", 0, 0, POLICY_GROUP_CLEAR_OR_PRIVATE, 1, false },   /* /24 beats private /16 */
	{ "10.1.2.4", 6, 25, POLICY_GROUP_PRIVATE_OR_CLEAR, 4, false },  /* port rule beats any */
	{ "10.1.2.4", 17, 25, POLICY_GROUP_CLEAR_OR_PRIVATE, 1, false }, /* not tcp */
	{ "10.1.9.9", 6, 22, POLICY_GROUP_CLEAR, 2, false },             /* /16 tcp 22 beats /16 */
	{ "10.1.9.9", 6, 23, POLICY_GROUP_PRIVATE, 1, false },
	{ "10.1.9.9", 0, 0, POLICY_GROUP_PRIVATE, 1, false },
	{ "10.5.0.7", 0, 0, POLICY_GROUP_PRIVATE, 3, false },            /* tie: private > p-o-c */
	{ "10.9.1.1", 6, 80, POLICY_GROUP_BLOCK, 1, false },
	{ "8.8.8.8", 0, 0, POLICY_GROUP_PRIVATE_OR_CLEAR, 1, false },     /* 0.0.0.0/0 */
	{ "192.0.2.77", 0, 0, POLICY_GROUP_CLEAR_OR_PRIVATE, 2, false },
	{ "2001:db8::5", 0, 0, POLICY_GROUP_PRIVATE, 2, false },
	{ "2001:db8:dead::1", 0, 0, POLICY_GROUP_BLOCK, 2, false },
	{ "2001:db9::1", 0, 0, POLICY_GROUP_PRIVATE_OR_CLEAR, 2, false }, /* ::/0 */
	{ "10.1.2.1", 0, 0, POLICY_GROUP_NONE, 0, true },                /* own, even listed in block */
	{ "2001:db8::1", 6, 443, POLICY_GROUP_NONE, 0, true },
};

static void test_table(void **state)
{
	struct policy_diags d = { 0 };
	(void)state;
	struct policy_model *m = helper_model(yaml, files, &d);
	assert_non_null(m);
	assert_int_equal(d.errors, 0);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct row *t = &table[i];
		struct policy_addr a;
		struct policy_match r;
		assert_int_equal(policy_addr_parse(t->addr, &a), 0);
		policy_model_lookup(m, &a, t->proto, 0, t->port, &r);
		if (r.group != t->group || r.entry.line != t->line || r.own_address != t->own)
			fprintf(stderr, "row %zu (%s %u %u): got %s:%u own=%d\n", i, t->addr, t->proto, t->port,
				policy_group_name((enum policy_group)r.group), r.entry.line, r.own_address);
		assert_int_equal(r.group, t->group);
		assert_int_equal(r.entry.line, t->line);
		assert_int_equal(r.own_address, t->own);
		assert_true((r.conf != NULL) == (t->group != POLICY_GROUP_NONE));
	}
	policy_model_free(m);
	policy_diags_free(&d);
}

static void test_warnings(void **state)
{
	struct policy_diags d = { 0 };
	(void)state;
	struct policy_model *m = helper_model(yaml, files, &d);
	assert_non_null(m);
	char *t = fixture_diags_text(&d);
	assert_string_equal(t,
		"/p/block:3: warning: '10.1.2.1/32' is one of this node's own addresses: ignored here (own addresses never match a group)\n"
		"/p/private-or-clear:3: warning: tie: '10.5.0.0/24' is also in /p/private:3; private wins (stricter than private-or-clear)\n");
	free(t);
	/* 3 + 2 + 3 + 4 + 2 lines, minus the own address and the tie. */
	assert_int_equal(policy_model_rules(m), 12);
	policy_model_free(m);
	policy_diags_free(&d);
}

static void test_no_default_route(void **state)
{
	struct policy_diags d = { 0 };
	const char *const f[POLICY_GROUP_COUNT] = { [POLICY_GROUP_PRIVATE] = "10.0.0.0/8\n" };
	struct policy_addr a;
	struct policy_match r;
	(void)state;
	struct policy_model *m = helper_model("node: { cert: n }\n", f, &d);
	assert_non_null(m);
	assert_int_equal(policy_addr_parse("8.8.8.8", &a), 0);
	policy_model_lookup(m, &a, 0, 0, 0, &r);
	assert_int_equal(r.group, POLICY_GROUP_NONE);
	assert_null(r.conf);
	assert_int_equal(policy_addr_parse("::ffff:10.0.0.1", &a), 0);  /* other family */
	policy_model_lookup(m, &a, 0, 0, 0, &r);
	assert_int_equal(r.group, POLICY_GROUP_NONE);
	assert_int_equal(policy_addr_parse("10.255.255.255", &a), 0);
	policy_model_lookup(m, &a, 0, 0, 0, &r);
	assert_int_equal(r.group, POLICY_GROUP_PRIVATE);
	policy_model_free(m);
	policy_diags_free(&d);
}

/* A large random model (the LPM's jump table is in use) against a brute-force
 * scan of the plan: longest prefix, then protocol before port, then plan order. */
static uint64_t rnd_state = 42;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void random_line(char *buf, size_t len)
{
	uint64_t r = rnd(), x = rnd();
	int o;
	if (r % 2) {
		unsigned l = (unsigned)(r >> 8) % 33;
		o = snprintf(buf, len, "10.%u.%u.%u/%u", (unsigned)(x & 3), (unsigned)(x >> 8) & 255,
			     (unsigned)(x >> 16) & 255, l < 8 ? l + 8 : l);
	} else {
		unsigned l = (unsigned)(r >> 8) % 129;
		o = snprintf(buf, len, "2001:db8:%x:%x::%x/%u", (unsigned)(x & 7), (unsigned)(x >> 8) & 0xffff,
			     (unsigned)(x >> 24) & 0xff, l);
	}
	if ((r >> 20) % 5 == 0)
		snprintf(buf + o, len - (size_t)o, " %s 0 %u\n", (r >> 30) % 2 ? "tcp" : "udp", (unsigned)(x >> 40) % 4);
	else
		snprintf(buf + o, len - (size_t)o, "\n");
}

static const struct policy_plan_entry *brute(const struct policy_plan *p, const struct policy_addr *a,
					     uint8_t proto, uint16_t port)
{
	const struct policy_plan_entry *best = NULL;
	unsigned best_spec = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct policy_plan_entry *e = &p->v[i];
		if (e->group == POLICY_GROUP_NONE || !policy_prefix_contains(&e->sel.remote, a))
			continue;
		if ((e->sel.proto && e->sel.proto != proto) || (e->sel.rport && e->sel.rport != port) || e->sel.lport)
			continue;
		unsigned spec = e->priority;
		if (best == NULL || spec < best_spec) {
			best = e;
			best_spec = spec;
		}
	}
	return best;
}

static void test_random_against_brute_force(void **state)
{
	static char text[POLICY_GROUP_COUNT][4000 * 64];
	const char *ptrs[POLICY_GROUP_COUNT];
	struct policy_diags d = { 0 };
	char line[128];
	(void)state;
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		text[g][0] = '\0';
		for (int i = 0; i < 800; i++) {
			random_line(line, sizeof(line));
			strcat(text[g], line);
		}
		ptrs[g] = text[g];
	}
	struct policy_model *m = helper_model("node: { cert: n, addresses: [] }\n", ptrs, &d);
	assert_non_null(m);
	const struct policy_plan *p = policy_model_plan(m);
	assert_true(p->n > 2000);
	for (int i = 0; i < 20000; i++) {
		const struct policy_plan_entry *e = &p->v[rnd() % p->n];
		struct policy_addr a = e->sel.remote.addr;
		uint64_t r = rnd();
		if (i % 3)
			memcpy(a.bytes + (a.family == POLICY_AF_INET ? 3 : 12), &r, a.family == POLICY_AF_INET ? 1 : 4);
		uint8_t proto = (r >> 40) % 3 == 0 ? 0 : (r >> 40) % 3 == 1 ? 6 : 17;
		uint16_t port = (uint16_t)((r >> 50) % 4);
		struct policy_match res;
		policy_model_lookup(m, &a, proto, 0, port, &res);
		const struct policy_plan_entry *want = brute(p, &a, proto, port);
		if (want == NULL) {
			assert_int_equal(res.group, POLICY_GROUP_NONE);
			continue;
		}
		assert_int_equal(res.group, want->group);
		assert_int_equal(res.entry.line, want->line);
		assert_int_equal(res.entry.len, want->sel.remote.len);
	}
	policy_model_free(m);
	policy_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_no_default_route),
		cmocka_unit_test(test_random_against_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
