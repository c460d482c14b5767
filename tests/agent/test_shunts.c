/* Negotiation and failure shunts in a private network namespace: the
 * kernel policy of each kind and rank, replacement, expiry back to the
 * trap, and the shuntstatus line. Root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shunts.h"

static struct kernel *k;

static struct kernel_addr addr(const char *s)
{
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

static int get(const struct kernel_addr *l, const struct kernel_addr *p, struct kernel_policy *out)
{
	struct kernel_selector sel;
	kernel_selector_host(l, p, &sel);
	return kernel_policy_get(k, &sel, KERNEL_DIR_OUT, out, NULL);
}

static struct peer_ports host_only(enum peer_action a)
{
	struct peer_ports pp;
	memset(&pp, 0, sizeof(pp));
	pp.host = true;
	pp.host_action = a;
	return pp;
}

static int get_port(const struct kernel_addr *l, const struct kernel_addr *p, uint8_t proto, uint16_t dport,
		    struct kernel_policy *out)
{
	struct kernel_selector sel;
	kernel_selector_host(l, p, &sel);
	sel.proto = proto;
	sel.dport = dport;
	return kernel_policy_get(k, &sel, KERNEL_DIR_OUT, out, NULL);
}

static void count_each(void *ctx, const struct shunt_info *s)
{
	assert_string_equal(s->reason, "no IKE daemon: ICMP port unreachable");
	(*(int *)ctx)++;
}

static int expired;
static void on_expired(void *ctx, const struct shunt_info *s)
{
	(void)ctx;
	assert_int_equal(s->kind, SHUNT_FAILURE);
	expired++;
}

static void test_failure_shunt(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct shunt_table *t;
	assert_int_equal(shunt_table_new(&loop, k, on_expired, NULL, &t), 0);
	struct kernel_addr l = addr("192.0.2.1"), p = addr("192.0.2.3");
	struct kernel_error err;
	struct peer_ports pass = host_only(PEER_PASS), drop = host_only(PEER_DROP);
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &pass, 0, "private-or-clear",
				       "no IKE daemon: ICMP port unreachable", 900000, &err), 0);
	struct kernel_policy got;
	assert_int_equal(get(&l, &p, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_PASS);
	assert_int_equal(got.priority, 2000012); /* rank 0: beats everything with this selector */
	int seen = 0;
	shunt_table_each(t, count_each, &seen);
	assert_int_equal(seen, 1);
	assert_int_equal(shunt_table_count(t), 1);
	/* Replace with a short-lived drop: same entry, new kernel action. */
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &drop, 0, "private", "AUTHENTICATION_FAILED",
				       200, &err), 0);
	assert_int_equal(shunt_table_count(t), 1);
	assert_int_equal(get(&l, &p, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_DROP);
	for (int i = 0; i < 100 && expired == 0; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(10000);
	}
	assert_int_equal(expired, 1);
	assert_int_equal(shunt_table_count(t), 0);
	assert_int_equal(get(&l, &p, &got), -ENOENT); /* back to the trap */
	shunt_table_free(t);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void test_negotiation_hold(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct shunt_table *t;
	assert_int_equal(shunt_table_new(&loop, k, NULL, NULL, &t), 0);
	struct kernel_addr l = addr("2001:db8::1"), p = addr("2001:db8::2");
	struct kernel_error err;
	struct peer_ports hold = host_only(PEER_TRAP), pass = host_only(PEER_PASS), none;
	memset(&none, 0, sizeof(none));
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_NEGOTIATION, &hold, 0, "private", "negotiating", 0, &err), 0);
	struct kernel_policy got;
	assert_int_equal(get(&l, &p, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(got.reqid, KERNEL_REQID_TRAP);
	assert_int_equal(got.priority, 2000000 + 3 * 4 + 2);
	assert_int_equal(shunt_remove(t, &l, &p, SHUNT_NEGOTIATION), 0);
	assert_int_equal(get(&l, &p, &got), -ENOENT);
	assert_int_equal(shunt_remove(t, &l, &p, SHUNT_NEGOTIATION), -ENOENT);
	struct kernel_addr v4 = addr("192.0.2.1");
	assert_int_not_equal(shunt_install(t, &v4, &p, SHUNT_FAILURE, &pass, 0, "x", "y", 0, &err), 0);
	/* Nothing to install: said, and nothing listed. */
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &none, 0, "x", "y", 0, &err), -ENOENT);
	assert_int_equal(shunt_table_count(t), 0);
	shunt_table_free(t);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* A port rule that beats the host's rule gets a host policy of its own,
 * above the host-wide one; a replacement without it removes it. */
static void test_port_rules(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct shunt_table *t;
	assert_int_equal(shunt_table_new(&loop, k, NULL, NULL, &t), 0);
	struct kernel_addr l = addr("192.0.2.1"), p = addr("192.0.2.3");
	struct kernel_error err;
	struct peer_ports pp = host_only(PEER_PASS);
	pp.n = 1;
	pp.v[0].proto = 6;
	pp.v[0].rport = 5555;
	pp.v[0].action = PEER_DROP;
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &pp, 7, "private-or-clear", "refused", 0, &err), 0);
	struct kernel_policy got;
	assert_int_equal(get(&l, &p, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_PASS);
	assert_int_equal(get_port(&l, &p, 6, 5555, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_DROP);
	assert_int_equal(got.priority, 2000000); /* host, protocol and port: above the host's 2000012 */
	struct peer_ports pass = host_only(PEER_PASS);
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &pass, 8, "private-or-clear", "refused", 0, &err), 0);
	assert_int_equal(get_port(&l, &p, 6, 5555, &got), -ENOENT);
	assert_int_equal(get(&l, &p, &got), 0);
	/* Only port rules (the host's rule is clear): no host-wide policy. */
	pp.host = false;
	pp.v[0].action = PEER_PASS;
	assert_int_equal(shunt_install(t, &l, &p, SHUNT_FAILURE, &pp, 9, "private", "refused", 0, &err), 0);
	assert_int_equal(get(&l, &p, &got), -ENOENT);
	assert_int_equal(get_port(&l, &p, 6, 5555, &got), 0);
	assert_int_equal(got.kind, KERNEL_POLICY_PASS);
	assert_int_equal(shunt_remove(t, &l, &p, SHUNT_FAILURE), 0);
	assert_int_equal(get_port(&l, &p, 6, 5555, &got), -ENOENT);
	shunt_table_free(t);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void test_format(void **state)
{
	(void)state;
	struct shunt_info s;
	memset(&s, 0, sizeof(s));
	s.local = addr("192.0.2.1");
	s.peer = addr("192.0.2.3");
	s.kind = SHUNT_FAILURE;
	s.action = SHUNT_PASS;
	s.host = true;
	s.group = "private-or-clear";
	s.reason = "no IKE daemon: ICMP port unreachable";
	s.expires_ms = 1000000 + 898000;
	char line[256];
	shunt_format(&s, 1000000, line, sizeof(line));
	assert_string_equal(line, "192.0.2.1/32 -0-> 192.0.2.3/32 => %pass    oe-failing "
				  "(no IKE daemon: ICMP port unreachable, expires in 14m58s)");
	s.action = SHUNT_HOLD;
	s.kind = SHUNT_NEGOTIATION;
	s.reason = "negotiating";
	s.expires_ms = 0;
	shunt_format(&s, 5, line, sizeof(line));
	assert_string_equal(line, "192.0.2.1/32 -0-> 192.0.2.3/32 => %hold    oe-negotiating (negotiating)");
	s.nports = 2;
	shunt_format(&s, 5, line, sizeof(line));
	assert_string_equal(line, "192.0.2.1/32 -0-> 192.0.2.3/32 => %hold    oe-negotiating (negotiating, +2 port rules)");
}

int main(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_shunts: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failure_shunt),
		cmocka_unit_test(test_negotiation_hold),
		cmocka_unit_test(test_port_rules),
		cmocka_unit_test(test_format),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	kernel_close(k);
	return r;
}
