/* kernel/ against the host kernel, inside a private network namespace:
 * policies of every kind, ACQUIRE for a trapped UDP packet, batches with
 * per-message errors, stale-state cleanup next to a foreign policy.
 * Needs root (CAP_NET_ADMIN); otherwise it says so and is skipped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel/kernel.h"

static struct kernel *k;

static struct kernel_addr addr(const char *s)
{
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

static struct kernel_policy group(const char *cidr, enum kernel_policy_kind kind, enum kernel_dir dir)
{
	struct kernel_policy p;
	memset(&p, 0, sizeof(p));
	struct kernel_addr a;
	uint8_t plen;
	assert_int_equal(kernel_prefix_parse(cidr, &a, &plen), 0);
	p.sel.family = a.family;
	if (dir == KERNEL_DIR_OUT) {
		p.sel.dst = a;
		p.sel.dst_plen = plen;
	} else {
		p.sel.src = a;
		p.sel.src_plen = plen;
	}
	p.dir = dir;
	p.kind = kind;
	p.priority = kernel_priority(&p.sel, KERNEL_RANK_GROUP);
	p.reqid = kind == KERNEL_POLICY_TRAP ? KERNEL_REQID_TRAP : 0;
	return p;
}

static int count_policies(const struct kernel_policy *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
	return 0;
}

static int policies_total(void)
{
	int n = 0;
	struct kernel_error err;
	assert_int_equal(kernel_policy_list(k, count_policies, &n, &err), 0);
	return n;
}

static void test_policy_kinds(void **state)
{
	(void)state;
	struct kernel_error err;
	struct kernel_policy got;
	struct kernel_policy trap = group("192.0.2.0/24", KERNEL_POLICY_TRAP, KERNEL_DIR_OUT);
	struct kernel_policy pass = group("192.0.2.7", KERNEL_POLICY_PASS, KERNEL_DIR_OUT);
	struct kernel_policy drop = group("2001:db8:66::/48", KERNEL_POLICY_DROP, KERNEL_DIR_IN);
	struct kernel_policy tun;
	memset(&tun, 0, sizeof(tun));
	struct kernel_addr a = addr("192.0.2.1"), b = addr("192.0.2.2");
	kernel_selector_host(&a, &b, &tun.sel);
	tun.dir = KERNEL_DIR_OUT;
	tun.kind = KERNEL_POLICY_TUNNEL;
	tun.priority = kernel_priority(&tun.sel, KERNEL_RANK_TUNNEL);
	tun.reqid = KERNEL_REQID_MIN + 9;
	tun.mode = KERNEL_MODE_TUNNEL;
	tun.tmpl_src = a;
	tun.tmpl_dst = b;
	const struct kernel_policy *all[] = { &trap, &pass, &drop, &tun };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(kernel_policy_add(k, all[i], &err), 0);
		assert_int_equal(kernel_policy_get(k, &all[i]->sel, all[i]->dir, &got, &err), 0);
		assert_int_equal(got.kind, all[i]->kind);
		assert_int_equal(got.priority, all[i]->priority);
		assert_int_equal(got.reqid, all[i]->reqid);
	}
	assert_int_equal(got.mode, KERNEL_MODE_TUNNEL);
	assert_memory_equal(got.tmpl_dst.bytes, b.bytes, 4);
	/* Adding twice is refused with the kernel's reason; update replaces. */
	assert_int_equal(kernel_policy_add(k, &trap, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "File exists"));
	trap.reqid = KERNEL_REQID_MIN + 3;
	assert_int_equal(kernel_policy_update(k, &trap, &err), 0);
	assert_int_equal(kernel_policy_get(k, &trap.sel, trap.dir, &got, &err), 0);
	assert_int_equal(got.reqid, KERNEL_REQID_MIN + 3);
	assert_int_equal(policies_total(), 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(kernel_policy_delete(k, &all[i]->sel, all[i]->dir, &err), 0);
	assert_int_equal(kernel_policy_delete(k, &trap.sel, trap.dir, &err), -ENOENT);
	assert_int_equal(policies_total(), 0);
}

static void on_event(const struct kernel_event *ev, void *ctx)
{
	if (ev->type == KERNEL_EVENT_ACQUIRE)
		*(struct kernel_acquire *)ctx = ev->u.acquire;
}

static void test_acquire(void **state)
{
	(void)state;
	struct kernel_error err;
	assert_int_equal(kernel_hold_enable(30, &err), 0);
	struct kernel_policy trap = group("192.0.2.0/24", KERNEL_POLICY_TRAP, KERNEL_DIR_OUT);
	assert_int_equal(kernel_policy_add(k, &trap, &err), 0);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(s >= 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7777) };
	memcpy(&to.sin_addr, addr("192.0.2.9").bytes, 4);
	sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	struct kernel_acquire acq;
	memset(&acq, 0, sizeof(acq));
	struct pollfd pfd = { kernel_event_fd(k), POLLIN, 0 };
	for (int i = 0; i < 20 && acq.seq == 0 && acq.reqid == 0; i++)
		if (poll(&pfd, 1, 100) > 0)
			assert_true(kernel_event_dispatch(k, on_event, &acq, NULL) >= 0);
	close(s);
	char text[64];
	assert_string_equal(kernel_addr_format(&acq.sel.dst, text, sizeof(text)), "192.0.2.9");
	assert_string_equal(kernel_addr_format(&acq.sel.src, text, sizeof(text)), "192.0.2.1");
	assert_int_equal(acq.sel.proto, IPPROTO_UDP);
	assert_int_equal(acq.sel.dport, 7777);
	assert_int_equal(acq.reqid, KERNEL_REQID_TRAP);
	assert_int_equal(acq.policy.priority, trap.priority);
	/* The bypass lets our own socket past the trap: no second ACQUIRE. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_int_equal(kernel_socket_bypass(s, AF_INET, &err), 0);
	assert_int_equal(sendto(s, "y", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(s);
	assert_int_equal(kernel_policy_delete(k, &trap.sel, trap.dir, &err), 0);
}

struct batch_report {
	int calls;
	void *cookie;
	int code;
};

static void on_batch_error(void *cookie, const struct kernel_error *err, void *ctx)
{
	struct batch_report *r = ctx;
	r->calls++;
	r->cookie = cookie;
	r->code = err->code;
}

static void test_batch(void **state)
{
	(void)state;
	enum { N = 3000 };
	static struct kernel_policy pol[N];
	struct kernel_batch *b;
	assert_int_equal(kernel_batch_new(k, &b), 0);
	for (int i = 0; i < N; i++) {
		char cidr[64];
		snprintf(cidr, sizeof(cidr), "2001:db8:%x:%x::/64", i / 256, i % 256);
		pol[i] = group(cidr, i % 2 ? KERNEL_POLICY_PASS : KERNEL_POLICY_TRAP, KERNEL_DIR_OUT);
		assert_int_equal(kernel_batch_policy_add(b, &pol[i], &pol[i]), 0);
	}
	/* One request in the middle fails: it must be reported with its cookie. */
	assert_int_equal(kernel_batch_policy_add(b, &pol[1234], (void *)&pol[N - 1]), 0);
	assert_int_equal(kernel_batch_count(b), N + 1);
	struct batch_report rep = { 0, NULL, 0 };
	assert_int_equal(kernel_batch_run(b, on_batch_error, &rep), 1);
	assert_int_equal(rep.calls, 1);
	assert_ptr_equal(rep.cookie, &pol[N - 1]);
	assert_int_equal(rep.code, -EEXIST);
	assert_int_equal(policies_total(), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(kernel_batch_policy_delete(b, &pol[i].sel, pol[i].dir, NULL), 0);
	assert_int_equal(kernel_batch_run(b, NULL, NULL), 0);
	assert_int_equal(policies_total(), 0);
	kernel_batch_free(b);
}

static int find_priority(const struct kernel_policy *p, void *ctx)
{
	if (p->priority == *(uint32_t *)ctx)
		*(uint32_t *)ctx = 0;
	return 0;
}

static bool has_priority(uint32_t prio)
{
	struct kernel_error err;
	uint32_t want = prio;
	assert_int_equal(kernel_policy_list(k, find_priority, &want, &err), 0);
	return want == 0;
}

static void test_cleanup(void **state)
{
	(void)state;
	struct kernel_error err;
	/* The kernel keys policies by selector (not priority), so a foreign
	 * policy necessarily has a selector of its own. */
	struct kernel_policy foreign = group("203.0.113.0/24", KERNEL_POLICY_PASS, KERNEL_DIR_OUT);
	foreign.priority = 5;
	struct kernel_policy trap = group("192.0.2.0/24", KERNEL_POLICY_TRAP, KERNEL_DIR_OUT);
	struct kernel_policy shunt = group("192.0.2.9", KERNEL_POLICY_PASS, KERNEL_DIR_OUT);
	shunt.priority = kernel_priority(&shunt.sel, KERNEL_RANK_FAILURE_SHUNT);
	assert_int_equal(kernel_policy_add(k, &foreign, &err), 0);
	assert_int_equal(kernel_policy_add(k, &trap, &err), 0);
	assert_int_equal(kernel_policy_add(k, &shunt, &err), 0);
	struct kernel_cleanup_stats st;
	assert_int_equal(kernel_cleanup_stale(k, true, &st, &err), 0);
	assert_int_equal(st.policies_removed, 1);
	assert_int_equal(st.policies_kept, 1);
	assert_int_equal(st.foreign_seen, 1);
	assert_true(has_priority(5));
	assert_true(has_priority(trap.priority));
	assert_false(has_priority(shunt.priority));
	assert_int_equal(kernel_cleanup_stale(k, false, &st, &err), 0);
	assert_int_equal(st.policies_removed, 1);
	assert_true(has_priority(5));
	assert_false(has_priority(trap.priority));
	assert_int_equal(policies_total(), 1);
	assert_int_equal(kernel_policy_delete(k, &foreign.sel, foreign.dir, &err), 0);
}

static void test_sa_on_host(void **state)
{
	(void)state;
	struct kernel_error err;
	struct kernel_sa sa;
	memset(&sa, 0, sizeof(sa));
	sa.src = addr("192.0.2.1");
	sa.dst = addr("192.0.2.2");
	sa.spi = 0x4242;
	sa.reqid = KERNEL_REQID_MIN + 1;
	sa.aead = true;
	strcpy(sa.enc.name, "rfc4106(gcm(aes))");
	sa.enc.key_len = 20;
	sa.enc.icv_bits = 128;
	sa.replay_window = 32;
	int r = kernel_sa_add(k, &sa, &err);
	if (r != 0) {
		/* The host kernel has no ESP (LAB.md): the reason must say so. */
		assert_true(r == -EPROTONOSUPPORT || r == -ENOSYS || r == -ENOENT);
		assert_true(strlen(err.msg) > 0);
		printf("# host kernel refuses ESP SAs as expected: %s\n", err.msg);
		return;
	}
	struct kernel_sa_stats st;
	assert_int_equal(kernel_sa_get(k, &sa.src, &sa.dst, sa.spi, &st, &err), 0);
	assert_int_equal(st.reqid, sa.reqid);
	assert_int_equal(kernel_sa_delete(k, &sa.src, &sa.dst, sa.spi, &err), 0);
}

static int setup_netns(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("kernel_netns: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	if (system("ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && "
		   "ip link set v1 up && ip addr add 192.0.2.1/24 dev v0") != 0) {
		printf("kernel_netns: skipped: cannot set up a veth pair with iproute2\n");
		return 77;
	}
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0) {
		printf("kernel_netns: skipped: %s\n", err.msg);
		return 77;
	}
	return 0;
}

int main(void)
{
	int r = setup_netns();
	if (r != 0)
		return r;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_kinds), cmocka_unit_test(test_acquire),
		cmocka_unit_test(test_batch),	     cmocka_unit_test(test_cleanup),
		cmocka_unit_test(test_sa_on_host),
	};
	r = cmocka_run_group_tests(tests, NULL, NULL);
	kernel_close(k);
	return r;
}
