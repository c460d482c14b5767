/* The agent's IKE sockets in a private network namespace: datagrams with
 * their addresses, the 4500 marker, ICMP port unreachable reported for what
 * we sent, short datagrams dropped, and the bypass past a trap. Root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ike_socket.h"
#include "io_watch.h"
#include "kernel/kernel.h"

struct seen {
	int recv, unreach;
	uint8_t buf[256];
	size_t len;
	char from[64], to[64], why[128], peer[64];
	uint8_t quoted[64];
	size_t quoted_len;
};

static void fmt(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *s4 = (const void *)ss;
	inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
	snprintf(out, len, "%s:%u", a, ntohs(s4->sin_port));
}

static void on_recv(void *ctx, struct ike_socket *s, const uint8_t *buf, size_t len,
		    const struct sockaddr_storage *from, const struct sockaddr_storage *to)
{
	(void)s;
	struct seen *v = ctx;
	v->recv++;
	v->len = len < sizeof(v->buf) ? len : sizeof(v->buf);
	memcpy(v->buf, buf, v->len);
	fmt(from, v->from, sizeof(v->from));
	fmt(to, v->to, sizeof(v->to));
}

static void on_unreach(void *ctx, struct ike_socket *s, const struct sockaddr_storage *peer, const uint8_t *quoted,
		       size_t len, const char *why)
{
	(void)s;
	struct seen *v = ctx;
	v->unreach++;
	v->quoted_len = len < sizeof(v->quoted) ? len : sizeof(v->quoted);
	memcpy(v->quoted, quoted, v->quoted_len);
	snprintf(v->why, sizeof(v->why), "%s", why);
	fmt(peer, v->peer, sizeof(v->peer));
}

static const struct ike_socket_cbs cbs = { on_recv, on_unreach };

/* 192.0.2.1 is ours (the test's namespace); 192.0.2.2 lives in a second
 * namespace, so traffic really leaves through the policies. */
static int ns_self = -1, ns_peer = -1;
static char peer_name[64];

static void in_peer(bool on)
{
	if (setns(on ? ns_peer : ns_self, CLONE_NEWNET) != 0)
		fail_msg("setns: %s", strerror(errno));
}

static struct sockaddr_storage sa(const char *a, uint16_t port)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, a, &s4->sin_addr);
	return ss;
}

static void spin(uv_loop_t *loop, const int *counter, int want)
{
	for (int i = 0; i < 200 && *counter < want; i++)
		uv_run(loop, UV_RUN_NOWAIT), usleep(5000);
}

static struct ike_socket *open_sock(uv_loop_t *loop, const char *a, uint16_t port, bool natt, struct seen *v)
{
	struct ike_socket *s;
	char why[256];
	bool peer = strcmp(a, "192.0.2.2") == 0;
	if (peer)
		in_peer(true);
	int r = ike_socket_open(loop, a, AF_INET, port, natt, &cbs, v, &s, why, sizeof(why));
	if (peer)
		in_peer(false);
	if (r != 0)
		fail_msg("%s", why);
	return s;
}

static void test_datagrams(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct seen va = { 0 }, vb = { 0 };
	struct ike_socket *a = open_sock(&loop, "192.0.2.1", 500, false, &va);
	struct ike_socket *b = open_sock(&loop, "192.0.2.2", 500, false, &vb);
	uint8_t msg[40];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	struct sockaddr_storage to = sa("192.0.2.2", 500);
	assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &to), 0);
	spin(&loop, &vb.recv, 1);
	assert_int_equal(vb.recv, 1);
	assert_int_equal(vb.len, sizeof(msg));
	assert_memory_equal(vb.buf, msg, sizeof(msg));
	assert_string_equal(vb.from, "192.0.2.1:500");
	assert_string_equal(vb.to, "192.0.2.2:500");
	/* Shorter than an IKE header: dropped and counted. */
	assert_int_equal(ike_socket_send(a, msg, 10, &to), 0);
	unsigned long rx, tx, dropped = 0;
	for (int i = 0; i < 100 && dropped == 0; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(5000);
		ike_socket_counters(b, &rx, &tx, &dropped);
	}
	assert_int_equal(dropped, 1);
	assert_int_equal(vb.recv, 1);
	/* Nobody on 192.0.2.2:4501: the ICMP port unreachable comes back to us. */
	struct sockaddr_storage closed = sa("192.0.2.2", 4501);
	assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &closed), 0);
	spin(&loop, &va.unreach, 1);
	assert_int_equal(va.unreach, 1);
	assert_string_equal(va.peer, "192.0.2.2:4501");
	assert_string_equal(va.why, "ICMP port unreachable");
	/* The error hands over what it quotes of our datagram: its IKE header
	 * is what binds it to a negotiation. */
	assert_int_equal(va.quoted_len, sizeof(msg));
	assert_memory_equal(va.quoted, msg, sizeof(msg));
	ike_socket_close(a);
	ike_socket_close(b);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

struct watch_seen {
	const char *name;
	bool found, reading;
	uint64_t error_events, received;
};

static void find_watch(void *ctx, const struct io_watch_stats *st)
{
	struct watch_seen *w = ctx;
	if (strcmp(st->name, w->name) != 0)
		return;
	w->found = true;
	w->reading = st->reading;
	w->error_events = st->error_events;
	w->received = st->received;
}

/* An ICMP error raises POLLERR, on which libuv stops a uv_poll watcher:
 * the socket must still be read afterwards, as initiator and responder,
 * however many errors come. */
static void test_read_after_icmp_errors(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct seen va = { 0 }, vb = { 0 };
	struct ike_socket *a = open_sock(&loop, "192.0.2.1", 500, false, &va);
	struct ike_socket *b = open_sock(&loop, "192.0.2.2", 500, false, &vb);
	uint8_t msg[40] = { 7 };
	struct sockaddr_storage closed = sa("192.0.2.2", 4501), to_a = sa("192.0.2.1", 500), to_b = sa("192.0.2.2", 500);
	for (int round = 1; round <= 3; round++) {
		assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &closed), 0);
		spin(&loop, &va.unreach, round);
		assert_int_equal(va.unreach, round);
		/* The same loop turns on: our socket reads what comes next. */
		assert_int_equal(ike_socket_send(b, msg, sizeof(msg), &to_a), 0);
		spin(&loop, &va.recv, round);
		assert_int_equal(va.recv, round);
		assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &to_b), 0);
		spin(&loop, &vb.recv, round);
		assert_int_equal(vb.recv, round);
	}
	/* A burst of errors queued at once, then a datagram: still read. */
	for (int i = 0; i < 50; i++)
		assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &closed), 0);
	usleep(50000);
	assert_int_equal(ike_socket_send(b, msg, sizeof(msg), &to_a), 0);
	spin(&loop, &va.recv, 4);
	assert_int_equal(va.recv, 4);
	assert_true(va.unreach >= 4); /* the queued errors were taken off and reported */
	struct watch_seen w = { "IKE 192.0.2.1 port 500", false, false, 0, 0 };
	io_watch_each(find_watch, &w);
	assert_true(w.found);
	assert_true(w.reading);
	assert_true(w.error_events >= 3);
	assert_true(w.received >= 7); /* 4 datagrams and at least 3 errors */
	ike_socket_close(a);
	ike_socket_close(b);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	w.found = false;
	io_watch_each(find_watch, &w);
	assert_false(w.found); /* closed watches leave the registry */
}

/* Datagrams in order and whole, however many wait: the socket reads a
 * batch at a time (recvmmsg) and a loop turn at most a budget of them. */
struct order_seen {
	int recv, out_of_order, wrong;
};

static void on_recv_order(void *ctx, struct ike_socket *s, const uint8_t *buf, size_t len,
			  const struct sockaddr_storage *from, const struct sockaddr_storage *to)
{
	(void)s, (void)from, (void)to;
	struct order_seen *v = ctx;
	size_t want = (v->recv % 7 == 3) ? 9000 : 40 + (size_t)v->recv;
	if (len < 2 || buf[0] != (uint8_t)v->recv)
		v->out_of_order++;
	else if (len != want || buf[len - 1] != (uint8_t)(len & 0xff))
		v->wrong++;
	v->recv++;
}

static void test_batched_reads(void **state)
{
	(void)state;
	enum { N = 150 };
	static const struct ike_socket_cbs order_cbs = { on_recv_order, NULL };
	static uint8_t msg[9000];
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct seen va = { 0 };
	struct order_seen vb = { 0 };
	struct ike_socket *a = open_sock(&loop, "192.0.2.1", 500, false, &va), *b;
	char why[256];
	in_peer(true);
	int r = ike_socket_open(&loop, "192.0.2.2", AF_INET, 500, false, &order_cbs, &vb, &b, why, sizeof(why));
	in_peer(false);
	if (r != 0)
		fail_msg("%s", why);
	struct sockaddr_storage to = sa("192.0.2.2", 500);
	/* All queued before the loop runs; every seventh one larger than a
	 * page (IP fragments on the veth). */
	for (int i = 0; i < N; i++) {
		size_t len = (i % 7 == 3) ? 9000 : 40 + (size_t)i;
		memset(msg, 0x5a, len);
		msg[0] = (uint8_t)i;
		msg[len - 1] = (uint8_t)(len & 0xff);
		assert_int_equal(ike_socket_send(a, msg, len, &to), 0);
	}
	usleep(20000);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_true(vb.recv > 0 && vb.recv <= 64); /* one turn: at most the budget */
	spin(&loop, &vb.recv, N);
	assert_int_equal(vb.recv, N);
	assert_int_equal(vb.out_of_order, 0);
	assert_int_equal(vb.wrong, 0);
	ike_socket_close(a);
	ike_socket_close(b);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void test_natt_marker(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct seen vc = { 0 };
	struct ike_socket *c = open_sock(&loop, "192.0.2.1", 4500, true, &vc);
	in_peer(true);
	int p = socket(AF_INET, SOCK_DGRAM, 0);
	in_peer(false);
	struct sockaddr_storage pa = sa("192.0.2.2", 4600), ca = sa("192.0.2.1", 4500);
	assert_int_equal(bind(p, (struct sockaddr *)&pa, sizeof(struct sockaddr_in)), 0);
	uint8_t msg[32];
	memset(msg, 0x5a, sizeof(msg));
	assert_int_equal(ike_socket_send(c, msg, sizeof(msg), &pa), 0);
	uint8_t got[64];
	ssize_t n = recv(p, got, sizeof(got), 0);
	assert_int_equal(n, 36);
	assert_memory_equal(got, "\0\0\0\0", 4);
	assert_memory_equal(got + 4, msg, sizeof(msg));
	/* The marker is taken off what arrives. */
	assert_int_equal(sendto(p, got, (size_t)n, 0, (struct sockaddr *)&ca, sizeof(struct sockaddr_in)), n);
	spin(&loop, &vc.recv, 1);
	assert_int_equal(vc.recv, 1);
	assert_int_equal(vc.len, sizeof(msg));
	assert_memory_equal(vc.buf, msg, sizeof(msg));
	close(p);
	ike_socket_close(c);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void test_bypass_past_trap(void **state)
{
	(void)state;
	struct kernel *k;
	struct kernel_error err;
	assert_int_equal(kernel_open(&k, &err), 0);
	assert_int_equal(kernel_hold_enable(30, &err), 0);
	struct kernel_policy trap;
	memset(&trap, 0, sizeof(trap));
	assert_int_equal(kernel_prefix_parse("192.0.2.0/24", &trap.sel.dst, &trap.sel.dst_plen), 0);
	trap.sel.family = trap.sel.dst.family;
	trap.dir = KERNEL_DIR_OUT;
	trap.kind = KERNEL_POLICY_TRAP;
	trap.reqid = KERNEL_REQID_TRAP;
	trap.priority = kernel_priority(&trap.sel, KERNEL_RANK_GROUP);
	assert_int_equal(kernel_policy_add(k, &trap, &err), 0);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct seen va = { 0 }, vb = { 0 };
	struct ike_socket *a = open_sock(&loop, "192.0.2.1", 500, false, &va);
	struct ike_socket *b = open_sock(&loop, "192.0.2.2", 500, false, &vb);
	uint8_t msg[40] = { 1 };
	struct sockaddr_storage to = sa("192.0.2.2", 500);
	assert_int_equal(ike_socket_send(a, msg, sizeof(msg), &to), 0);
	spin(&loop, &vb.recv, 1);
	assert_int_equal(vb.recv, 1); /* not held by the trap */
	ike_socket_close(a);
	ike_socket_close(b);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	kernel_policy_delete(k, &trap.sel, trap.dir, NULL);
	kernel_close(k);
}

int main(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_ike_socket: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	char cmd[1024], path[128];
	snprintf(peer_name, sizeof(peer_name), "swanmesh-test-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && ip netns add %s && ip link add v0 type veth peer name v1 netns %s && "
		 "ip link set v0 up && ip addr add 192.0.2.1/24 dev v0 && ip -n %s link set v1 up && "
		 "ip -n %s link set lo up && ip -n %s addr add 192.0.2.2/24 dev v1",
		 peer_name, peer_name, peer_name, peer_name, peer_name);
	if (system(cmd) != 0)
		return 1;
	snprintf(path, sizeof(path), "/run/netns/%s", peer_name);
	ns_self = open("/proc/self/ns/net", O_RDONLY);
	ns_peer = open(path, O_RDONLY);
	if (ns_self < 0 || ns_peer < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datagrams),
		cmocka_unit_test(test_read_after_icmp_errors),
		cmocka_unit_test(test_batched_reads),
		cmocka_unit_test(test_natt_marker),
		cmocka_unit_test(test_bypass_past_trap),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "ip netns del %s", peer_name);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove namespace %s\n", peer_name);
	return r;
}
