/* pending_peers: peers found by address whatever their number (the table
 * grows past its first buckets), the queue in arrival order, records taken
 * from the middle of the queue, IPv4 and IPv6 apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pending_peers.h"

static struct kernel_addr v4(unsigned i)
{
	char s[32];
	snprintf(s, sizeof(s), "198.51.%u.%u", (i >> 8) & 0xff, i & 0xff);
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

static void test_many_found(void **state)
{
	(void)state;
	struct pending_peers *pp = pending_peers_new();
	assert_non_null(pp);
	struct kernel_addr local;
	assert_int_equal(kernel_addr_parse("192.0.2.1", &local), 0);
	for (unsigned i = 0; i < 5000; i++) {
		struct pending_peer *p = NULL;
		struct kernel_addr a = v4(i);
		assert_int_equal(pending_peers_add(pp, &local, &a, i >= 4000, false, &p), 0);
		assert_non_null(p);
		assert_int_equal(p->queued, i >= 4000);
	}
	assert_int_equal(pending_peers_negotiating(pp), 4000);
	assert_int_equal(pending_peers_queued(pp), 1000);
	for (unsigned i = 0; i < 5000; i++) {
		struct kernel_addr a = v4(i);
		struct pending_peer *p = pending_peers_get(pp, &a);
		assert_non_null(p);
		assert_memory_equal(p->peer.bytes, a.bytes, 4);
	}
	struct kernel_addr absent = v4(6000);
	assert_null(pending_peers_get(pp, &absent));
	/* The same bytes as another family are another peer. */
	struct kernel_addr six;
	memset(&six, 0, sizeof(six));
	six.family = AF_INET6;
	memcpy(six.bytes, v4(7).bytes, 4);
	assert_null(pending_peers_get(pp, &six));
	struct kernel_addr a7 = v4(7);
	struct pending_peer *t = pending_peers_take(pp, &a7);
	assert_non_null(t);
	free(t);
	assert_null(pending_peers_get(pp, &a7));
	assert_null(pending_peers_take(pp, &a7));
	assert_int_equal(pending_peers_negotiating(pp), 3999);
	pending_peers_free(pp);
}

static void count_one(void *ctx, struct pending_peer *p)
{
	(void)p;
	(*(unsigned *)ctx)++;
}

static void test_queue_order(void **state)
{
	(void)state;
	struct pending_peers *pp = pending_peers_new();
	assert_non_null(pp);
	struct kernel_addr local, a[5];
	assert_int_equal(kernel_addr_parse("2001:db8::1", &local), 0);
	struct pending_peer *p;
	for (unsigned i = 0; i < 5; i++) {
		char s[32];
		snprintf(s, sizeof(s), "2001:db8::%u", 10 + i);
		assert_int_equal(kernel_addr_parse(s, &a[i]), 0);
		assert_int_equal(pending_peers_add(pp, &local, &a[i], true, false, &p), 0);
	}
	assert_null(pending_peers_get(pp, &local));
	/* Taken from the middle and from the end of the queue: order kept. */
	free(pending_peers_take(pp, &a[2]));
	free(pending_peers_take(pp, &a[4]));
	assert_int_equal(pending_peers_queued(pp), 3);
	p = pending_peers_next_queued(pp);
	assert_memory_equal(p->peer.bytes, a[0].bytes, 16);
	assert_false(p->queued);
	assert_int_equal(pending_peers_negotiating(pp), 1);
	/* A peer added after the last one was taken goes behind the others. */
	assert_int_equal(pending_peers_add(pp, &local, &a[4], true, false, &p), 0);
	p = pending_peers_next_queued(pp);
	assert_memory_equal(p->peer.bytes, a[1].bytes, 16);
	p = pending_peers_next_queued(pp);
	assert_memory_equal(p->peer.bytes, a[3].bytes, 16);
	p = pending_peers_next_queued(pp);
	assert_memory_equal(p->peer.bytes, a[4].bytes, 16);
	assert_null(pending_peers_next_queued(pp));
	assert_int_equal(pending_peers_queued(pp), 0);
	assert_int_equal(pending_peers_negotiating(pp), 4);
	unsigned n = 0;
	pending_peers_each(pp, count_one, &n);
	assert_int_equal(n, 4);
	pending_peers_free(pp);
}

/* Urgent records (private) leave the queue before any other, whatever
 * the order they came in; each class keeps its own arrival order. */
static void test_urgent_first(void **state)
{
	(void)state;
	struct pending_peers *pp = pending_peers_new();
	assert_non_null(pp);
	struct kernel_addr local = v4(0), a[6];
	struct pending_peer *p;
	for (unsigned i = 0; i < 6; i++) {
		a[i] = v4(10 + i);
		assert_int_equal(pending_peers_add(pp, &local, &a[i], true, i == 2 || i == 4, &p), 0);
	}
	assert_int_equal(pending_peers_queued_class(pp, true), 2);
	assert_int_equal(pending_peers_queued_class(pp, false), 4);
	free(pending_peers_take(pp, &a[4]));
	assert_int_equal(pending_peers_queued_class(pp, true), 1);
	unsigned order[] = { 2, 0, 1, 3, 5 };
	for (unsigned i = 0; i < 5; i++) {
		p = pending_peers_next_queued(pp);
		assert_non_null(p);
		assert_memory_equal(p->peer.bytes, a[order[i]].bytes, 4);
	}
	assert_null(pending_peers_next_queued(pp));
	assert_int_equal(pending_peers_queued(pp), 0);
	pending_peers_free(pp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_found),
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_urgent_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
