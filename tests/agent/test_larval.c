/* Larval states of the traps in a private network namespace: an ACQUIRE
 * leaves one, it mutes the trap for that pair of addresses, retiring it
 * gives the next packet its ACQUIRE at once; a start-up sweep finds the
 * ones an earlier run left. Root. */
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

#include "larval.h"

static struct kernel *k;
static struct kernel_policy trap;

static struct kernel_addr addr(const char *s)
{
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

struct acq_count {
	struct kernel_addr dst;
	int n;
};

static void on_event(const struct kernel_event *ev, void *ctx)
{
	struct acq_count *c = ctx;
	if (ev->type == KERNEL_EVENT_ACQUIRE && memcmp(ev->u.acquire.sel.dst.bytes, c->dst.bytes, 4) == 0)
		c->n++;
}

/* Sends one UDP datagram to dst and counts the ACQUIREs for dst within ms
 * (the packets held so far come back on the kernel's retry timer and may
 * bring ACQUIREs of their own). */
static int send_and_count(const char *dst, int ms)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(s >= 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7777) };
	memcpy(&to.sin_addr, addr(dst).bytes, 4);
	sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	struct acq_count c = { addr(dst), 0 };
	struct pollfd pfd = { kernel_event_fd(k), POLLIN, 0 };
	for (int i = 0; i < ms / 50; i++)
		if (poll(&pfd, 1, 50) > 0)
			assert_true(kernel_event_dispatch(k, on_event, &c, NULL) >= 0);
	close(s);
	return c.n;
}

static int count_larval(const struct kernel_sa_info *sa, void *ctx)
{
	if (sa->spi == 0 && sa->reqid == KERNEL_REQID_TRAP)
		(*(int *)ctx)++;
	return 0;
}

static int larval_states(void)
{
	int n = 0;
	assert_int_equal(kernel_sa_list(k, count_larval, &n, NULL), 0);
	return n;
}

/* A fresh trap (deleting the old one drops the packets it held, which
 * would otherwise come back with ACQUIREs of their own) and no larval
 * state left. */
static int reset(void **state)
{
	(void)state;
	kernel_policy_delete(k, &trap.sel, trap.dir, NULL);
	unsigned n;
	assert_int_equal(larval_retire_stale(k, &n, NULL), 0);
	assert_int_equal(kernel_policy_add(k, &trap, NULL), 0);
	assert_int_equal(larval_states(), 0);
	return 0;
}

static void test_retire(void **state)
{
	(void)state;
	struct kernel_addr l = addr("192.0.2.1");
	assert_int_equal(send_and_count("192.0.2.9", 500), 1);
	assert_int_equal(larval_states(), 1);
	/* While the larval state stands, the trap stays silent. */
	assert_int_equal(send_and_count("192.0.2.9", 300), 0);
	struct kernel_addr p = addr("192.0.2.9");
	struct kernel_error err;
	assert_int_equal(larval_retire(k, &l, &p, &err), 0);
	assert_int_equal(larval_states(), 0);
	/* ... and once it is gone the next packet is heard at once. */
	assert_int_equal(send_and_count("192.0.2.9", 500), 1);
	assert_int_equal(larval_retire(k, &l, &p, &err), 0);
	/* Without a larval state there is nothing to retire, and none is left. */
	assert_int_equal(larval_retire(k, &l, &p, &err), 0);
	assert_int_equal(larval_states(), 0);
}

static void test_stale(void **state)
{
	(void)state;
	assert_int_equal(send_and_count("192.0.2.10", 500), 1);
	assert_int_equal(send_and_count("192.0.2.11", 500), 1);
	assert_int_equal(larval_states(), 2);
	unsigned n = 99;
	struct kernel_error err;
	assert_int_equal(larval_retire_stale(k, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(larval_states(), 0);
	assert_int_equal(send_and_count("192.0.2.10", 500), 1);
	assert_int_equal(larval_retire_stale(k, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(larval_retire_stale(k, &n, &err), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_larval: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	if (system("ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && "
		   "ip link set v1 up && ip addr add 192.0.2.1/24 dev v0") != 0) {
		printf("agent_larval: skipped: cannot set up a veth pair with iproute2\n");
		return 77;
	}
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0 || kernel_hold_enable(30, &err) != 0) {
		printf("agent_larval: skipped: %s\n", err.msg);
		return 77;
	}
	memset(&trap, 0, sizeof(trap));
	uint8_t plen;
	assert_int_equal(kernel_prefix_parse("192.0.2.0/24", &trap.sel.dst, &plen), 0);
	trap.sel.family = AF_INET;
	trap.sel.dst_plen = plen;
	trap.dir = KERNEL_DIR_OUT;
	trap.kind = KERNEL_POLICY_TRAP;
	trap.priority = kernel_priority(&trap.sel, KERNEL_RANK_GROUP);
	trap.reqid = KERNEL_REQID_TRAP;
	if (kernel_policy_add(k, &trap, &err) != 0) {
		printf("agent_larval: cannot add the trap: %s\n", err.msg);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_retire, reset),
		cmocka_unit_test_setup(test_stale, reset),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	kernel_close(k);
	return r;
}
