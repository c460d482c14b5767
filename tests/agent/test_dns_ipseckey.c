/* IPSECKEY lookups through libunbound on a libuv loop, against a real nsd
 * serving DNSSEC-signed zones made here with ldns (tests/agent/dnssec-zones.sh),
 * in a private network namespace: a secure answer gives the key (then the
 * cache), a missing record, a broken signature, an unsigned zone and a
 * silent resolver each give their reason. Lookups of one question share
 * one query; at most max_inflight run at once, prefetches in half of them;
 * freeing the resolver answers nobody. Needs root, nsd and ldnsutils. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nss.h>
#include <base64.h>

#include "dns_ipseckey.h"

static char dir[] = "/tmp/swanmesh-dns-XXXXXX";
static char ta_file[300], point_b64[200];

struct outcome {
	bool done;
	bool has_key;
	char why[512];
	SECItem point;
	SECKEYPublicKey *key;   /* on_keep: the key itself, the test's to destroy */
};

static void on_result(void *ctx, SECKEYPublicKey *key, const char *why)
{
	struct outcome *o = ctx;
	o->done = true;
	o->has_key = key != NULL;
	snprintf(o->why, sizeof(o->why), "%s", why ? why : "");
	if (key != NULL) {
		SECITEM_CopyItem(NULL, &o->point, &key->u.ec.publicValue);
		SECKEY_DestroyPublicKey(key);
	}
}

/* Keeps the key: two callbacks of one shared answer must not get the same one. */
static void on_keep(void *ctx, SECKEYPublicKey *key, const char *why)
{
	struct outcome *o = ctx;
	o->done = true;
	o->has_key = key != NULL;
	o->key = key;
	snprintf(o->why, sizeof(o->why), "%s", why ? why : "");
}

static void run_until(uv_loop_t *loop, struct outcome *o)
{
	while (!o->done)
		uv_run(loop, UV_RUN_ONCE);
}

static struct dns_ipseckey *resolver_max(uv_loop_t *loop, const char *fwd, unsigned timeout_ms, unsigned max)
{
	const char *tas[] = { ta_file };
	const char *res[] = { fwd };
	struct dns_ipseckey_config cfg = { tas, 1, NULL, 0, res, 1, timeout_ms, max };
	struct dns_ipseckey *d;
	char why[256];
	assert_int_equal(dns_ipseckey_new(loop, &cfg, &d, why, sizeof(why)), 0);
	return d;
}

static struct dns_ipseckey *resolver(uv_loop_t *loop, const char *fwd, unsigned timeout_ms)
{
	return resolver_max(loop, fwd, timeout_ms, 0);
}

static struct dns_ipseckey_counters counters(const struct dns_ipseckey *d)
{
	struct dns_ipseckey_counters n;
	dns_ipseckey_counters(d, &n);
	return n;
}

static void close_loop(uv_loop_t *loop, struct dns_ipseckey *d)
{
	dns_ipseckey_free(d);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

/* The key of the signed zone's records, as dnssec-zones.sh made it. */
static void assert_published_key(const SECKEYPublicKey *key)
{
	unsigned int len = 0;
	unsigned char *want = ATOB_AsciiToData(point_b64, &len);
	assert_non_null(key);
	assert_int_equal(len, 64);
	assert_int_equal(key->u.ec.publicValue.len, 65);
	assert_memory_equal(key->u.ec.publicValue.data + 1, want, 64);
	PORT_Free(want);
}

static void test_secure_then_cached(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	struct outcome o = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &o), 0);
	run_until(&loop, &o);
	assert_true(o.has_key);
	unsigned int len = 0;
	unsigned char *want = ATOB_AsciiToData(point_b64, &len);
	assert_int_equal(len, 64);
	assert_int_equal(o.point.len, 65);
	assert_memory_equal(o.point.data + 1, want, 64);
	PORT_Free(want);
	SECITEM_FreeItem(&o.point, PR_FALSE);
	struct outcome again = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &again), 0);
	assert_true(again.done); /* from the cache, at once */
	assert_true(again.has_key);
	SECITEM_FreeItem(&again.point, PR_FALSE);
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.cached, 1);
	assert_int_equal(n.sent, 1);
	assert_int_equal(n.joined, 0);
	assert_int_equal(n.max_inflight, 256); /* the default */
	dns_ipseckey_free(d);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void expect_refusal(const char *fwd, unsigned timeout_ms, const char *addr, const char *want)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, fwd, timeout_ms);
	struct outcome o = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, addr, on_result, &o), 0);
	run_until(&loop, &o);
	assert_false(o.has_key);
	if (strstr(o.why, want) == NULL)
		fail_msg("lookup of %s: got '%s', want '%s'", addr, o.why, want);
	dns_ipseckey_free(d);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* lookup_name_for NAME ADDR: the outcome of a bound name lookup. */
static struct outcome bound_lookup(const char *name, const char *addr)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	struct outcome o = { 0 };
	assert_int_equal(dns_ipseckey_lookup_name_for(d, name, addr, on_result, &o), 0);
	run_until(&loop, &o);
	dns_ipseckey_free(d);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return o;
}

/* An FQDN's key speaks only for the addresses its secure A/AAAA records
 * hold: anyone with a signed zone of their own could stand in for any
 * peer otherwise. */
static void test_name_bound_to_address(void **state)
{
	(void)state;
	struct outcome o = bound_lookup("west.lab.example", "192.0.2.1");
	assert_true(o.has_key);
	SECITEM_FreeItem(&o.point, PR_FALSE);
	/* Its own zone may list any address: the owner of the address must
	 * name it too (no reverse zone is served for 2001:db8:1::/64). */
	o = bound_lookup("thief.lab.example", "192.0.2.1");
	assert_false(o.has_key);
	assert_string_equal(o.why, "the secure PTR records of 1.2.0.192.in-addr.arpa. do not name thief.lab.example: "
				   "the owner of 192.0.2.1 does not vouch for it");
	o = bound_lookup("west.lab.example", "2001:db8:1::1");
	assert_false(o.has_key);
	assert_non_null(strstr(o.why, "PTR records of 1.0.0.0."));
	o = bound_lookup("mallory.lab.example", "192.0.2.1");
	assert_false(o.has_key);
	assert_string_equal(o.why, "the secure A records of mallory.lab.example do not contain 192.0.2.1: its key "
				   "does not speak for that address");
	o = bound_lookup("west.lab.example", "192.0.2.9");
	assert_false(o.has_key);
	assert_non_null(strstr(o.why, "do not contain 192.0.2.9"));
	o = bound_lookup("noaddr.lab.example", "192.0.2.1");
	assert_false(o.has_key);
	assert_string_equal(o.why, "noaddr.lab.example has no A record: its key cannot speak for 192.0.2.1");
	o = bound_lookup("mallory.lab.example", "2001:db8:1::1");
	assert_false(o.has_key);
	assert_string_equal(o.why, "mallory.lab.example has no AAAA record: its key cannot speak for 2001:db8:1::1");
	/* The unbound lookup gives mallory's key: the binding is what refuses. */
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	struct outcome u = { 0 };
	assert_int_equal(dns_ipseckey_lookup_name(d, "mallory.lab.example", on_result, &u), 0);
	run_until(&loop, &u);
	assert_true(u.has_key);
	SECITEM_FreeItem(&u.point, PR_FALSE);
	/* From the cache now, and still checked. */
	struct outcome c = { 0 };
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "mallory.lab.example", "192.0.2.1", on_result, &c), 0);
	run_until(&loop, &c);
	assert_false(c.has_key);
	assert_non_null(strstr(c.why, "do not contain 192.0.2.1"));
	dns_ipseckey_free(d);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* Two lookups of one name back to back: one query, both answered, each
 * with a key of its own. */
static void test_shared_lookup(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	struct outcome a = { 0 }, b = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_keep, &a), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_keep, &b), 0);
	assert_false(a.done || b.done);
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.sent, 1);
	assert_int_equal(n.joined, 1);
	assert_int_equal(n.inflight, 1);
	run_until(&loop, &a);
	run_until(&loop, &b);
	assert_published_key(a.key);
	assert_published_key(b.key);
	assert_ptr_not_equal(a.key, b.key);
	n = counters(d);
	assert_int_equal(n.sent, 1);
	assert_int_equal(n.joined, 1);
	assert_int_equal(n.cached, 0);
	assert_int_equal(n.inflight, 0);
	SECKEY_DestroyPublicKey(a.key);
	SECKEY_DestroyPublicKey(b.key);
	close_loop(&loop, d);
}

/* Each step of a bound lookup (IPSECKEY, A, PTR) is shared with whoever
 * asks the same question; the address checks are still each waiter's. */
static void test_shared_name_for(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	struct outcome a = { 0 }, b = { 0 }, c = { 0 }, p = { 0 };
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "west.lab.example", "192.0.2.1", on_result, &a), 0);
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "west.lab.example", "192.0.2.1", on_result, &b), 0);
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "west.lab.example", "192.0.2.9", on_result, &c), 0);
	assert_int_equal(dns_ipseckey_lookup_name(d, "west.lab.example", on_result, &p), 0);
	run_until(&loop, &a);
	run_until(&loop, &b);
	run_until(&loop, &c);
	run_until(&loop, &p);
	assert_true(a.has_key);
	assert_true(b.has_key);
	assert_true(p.has_key);
	assert_false(c.has_key);
	assert_string_equal(c.why, "the secure A records of west.lab.example do not contain 192.0.2.9: its key does "
				   "not speak for that address");
	/* IPSECKEY: a sends, b c p join; A: a sends, b c join; PTR: a sends, b joins. */
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.sent, 3);
	assert_int_equal(n.joined, 6);
	assert_int_equal(n.inflight, 0);
	SECITEM_FreeItem(&a.point, PR_FALSE);
	SECITEM_FreeItem(&b.point, PR_FALSE);
	SECITEM_FreeItem(&p.point, PR_FALSE);
	close_loop(&loop, d);
}

/* max_inflight 2: a third question is refused at once; joining one in
 * flight is not; once they are answered a new question is asked. */
static void test_bounded(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver_max(&loop, "192.0.2.53", 5000, 2);
	struct outcome a = { 0 }, b = { 0 }, j = { 0 }, c = { 0 }, e = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &a), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.99", on_result, &b), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &j), 0);
	assert_false(j.done);
	assert_int_equal(dns_ipseckey_lookup_address(d, "203.0.113.1", on_result, &c), 0);
	assert_true(c.done);
	assert_false(c.has_key);
	assert_string_equal(c.why, "too many DNS lookups in flight (2): not looked up");
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.sent, 2);
	assert_int_equal(n.joined, 1);
	assert_int_equal(n.refused, 1);
	assert_int_equal(n.inflight, 2);
	assert_int_equal(n.max_inflight, 2);
	run_until(&loop, &a);
	run_until(&loop, &b);
	run_until(&loop, &j);
	assert_true(a.has_key);
	assert_true(j.has_key);
	assert_false(b.has_key);
	assert_non_null(strstr(b.why, "no IPSECKEY record for 99.2.0.192.in-addr.arpa."));
	assert_int_equal(dns_ipseckey_lookup_address(d, "203.0.113.1", on_result, &e), 0);
	assert_false(e.done);
	run_until(&loop, &e);
	assert_non_null(strstr(e.why, "is not DNSSEC-signed (insecure answer)"));
	n = counters(d);
	assert_int_equal(n.sent, 3);
	assert_int_equal(n.refused, 1);
	SECITEM_FreeItem(&a.point, PR_FALSE);
	SECITEM_FreeItem(&j.point, PR_FALSE);
	close_loop(&loop, d);
}

static void run_while_in_flight(uv_loop_t *loop, const struct dns_ipseckey *d)
{
	while (counters(d).inflight > 0)
		uv_run(loop, UV_RUN_ONCE);
}

/* Prefetches (IKE_SA_INIT, unproven sources) start a query only while
 * fewer than half the bound are in flight; lookups still find room. */
static void test_prefetch_yields(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver_max(&loop, "192.0.2.53", 5000, 4);
	struct outcome a = { 0 }, b = { 0 }, c = { 0 }, k = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.99", on_result, &a), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "203.0.113.1", on_result, &b), 0);
	assert_int_equal(dns_ipseckey_prefetch_address(d, "192.0.2.1"), -1);
	assert_int_equal(dns_ipseckey_prefetch_address(d, "192.0.2.99"), 0); /* in flight: nothing to do */
	assert_int_equal(dns_ipseckey_lookup_address(d, "198.51.100.1", on_result, &c), 0);
	assert_false(c.done);
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.sent, 3);
	assert_int_equal(n.joined, 1);
	assert_int_equal(n.prefetch_refused, 1);
	assert_int_equal(n.refused, 0);
	assert_int_equal(n.inflight, 3);
	run_until(&loop, &a);
	run_until(&loop, &b);
	run_until(&loop, &c);
	assert_non_null(strstr(c.why, "DNSSEC validation failed for 1.100.51.198.in-addr.arpa."));
	/* With room to spare, the prefetch runs and its answer fills the cache. */
	assert_int_equal(dns_ipseckey_prefetch_address(d, "192.0.2.1"), 0);
	assert_int_equal(counters(d).inflight, 1);
	run_while_in_flight(&loop, d);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &k), 0);
	assert_true(k.done);
	assert_true(k.has_key);
	n = counters(d);
	assert_int_equal(n.sent, 4);
	assert_int_equal(n.cached, 1);
	SECITEM_FreeItem(&k.point, PR_FALSE);
	close_loop(&loop, d);
}

static void on_forbidden(void *ctx, SECKEYPublicKey *key, const char *why)
{
	(void)ctx;
	(void)key;
	fail_msg("a cancelled lookup was answered: %s", why ? why : "a key");
}

/* Freeing the resolver answers no one: shared queries, the steps of a
 * bound lookup and a prefetch included. */
static void test_free_cancels_shared(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver(&loop, "192.0.2.53", 5000);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_forbidden, NULL), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_forbidden, NULL), 0);
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "west.lab.example", "192.0.2.1", on_forbidden, NULL), 0);
	assert_int_equal(dns_ipseckey_lookup_name_for(d, "west.lab.example", "192.0.2.1", on_forbidden, NULL), 0);
	assert_int_equal(dns_ipseckey_prefetch_address(d, "192.0.2.99"), 0);
	struct dns_ipseckey_counters n = counters(d);
	assert_int_equal(n.joined, 2);
	assert_int_equal(n.inflight, 3);
	usleep(100 * 1000); /* the answers wait in libunbound's pipe */
	close_loop(&loop, d);
}

struct freeing {
	struct dns_ipseckey *d;
	int calls;
};

static void on_result_free(void *ctx, SECKEYPublicKey *key, const char *why)
{
	struct freeing *f = ctx;
	(void)why;
	f->calls++;
	if (key != NULL)
		SECKEY_DestroyPublicKey(key);
	if (f->d != NULL)
		dns_ipseckey_free(f->d);
	f->d = NULL;
}

/* The first waiter of a shared answer frees the resolver: the others are
 * not answered. */
static void test_free_from_shared_answer(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct freeing f = { resolver(&loop, "192.0.2.53", 5000), 0 };
	for (int i = 0; i < 3; i++)
		assert_int_equal(dns_ipseckey_lookup_address(f.d, "192.0.2.1", on_result_free, &f), 0);
	assert_int_equal(counters(f.d).joined, 2);
	while (f.calls == 0)
		uv_run(&loop, UV_RUN_ONCE);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(f.calls, 1);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_missing_record(void **state)
{
	(void)state;
	expect_refusal("192.0.2.53", 5000, "192.0.2.99", "no IPSECKEY record for 99.2.0.192.in-addr.arpa.");
}

static void test_broken_signature(void **state)
{
	(void)state;
	expect_refusal("192.0.2.53", 5000, "198.51.100.1", "DNSSEC validation failed for 1.100.51.198.in-addr.arpa.");
}

static void test_unsigned_zone(void **state)
{
	(void)state;
	expect_refusal("192.0.2.53", 5000, "203.0.113.1", "is not DNSSEC-signed (insecure answer)");
}

static void test_timeout(void **state)
{
	(void)state;
	/* Nobody answers on 192.0.2.77. */
	expect_refusal("192.0.2.77", 700, "192.0.2.1", "DNS timeout");
}

/* Waiters of one query each time out; the query then frees its slot. */
static void test_shared_timeout(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey *d = resolver_max(&loop, "192.0.2.77", 700, 1);
	struct outcome a = { 0 }, b = { 0 }, c = { 0 };
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &a), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.1", on_result, &b), 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.99", on_result, &c), 0);
	assert_string_equal(c.why, "too many DNS lookups in flight (1): not looked up");
	run_until(&loop, &a);
	run_until(&loop, &b);
	assert_string_equal(a.why, "DNS timeout: no answer for 1.2.0.192.in-addr.arpa. within 700 ms");
	assert_string_equal(b.why, a.why);
	assert_int_equal(counters(d).inflight, 0);
	assert_int_equal(dns_ipseckey_lookup_address(d, "192.0.2.99", on_forbidden, NULL), 0);
	assert_int_equal(counters(d).inflight, 1);
	close_loop(&loop, d);
}

static void test_bad_trust_anchor(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	const char *tas[] = { "/nonexistent/root.key" };
	struct dns_ipseckey_config cfg = { tas, 1, NULL, 0, NULL, 0, 0, 0 };
	struct dns_ipseckey *d = NULL;
	char why[256];
	assert_int_equal(dns_ipseckey_new(&loop, &cfg, &d, why, sizeof(why)), -1);
	assert_null(d);
	assert_string_equal(why, "cannot read the DNSSEC trust anchor /nonexistent/root.key");
	uv_loop_close(&loop);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_dns_ipseckey: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	if (access("/usr/sbin/nsd", X_OK) != 0 || access("/usr/bin/ldns-signzone", X_OK) != 0) {
		printf("agent_dns_ipseckey: skipped: nsd or ldnsutils missing (scripts/install-deps installs them)\n");
		return 77;
	}
	char cmd[1024];
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up && "
		 "ip addr add 192.0.2.53/24 dev v0 && %s %s >%s/zones.log 2>&1",
		 argv[1], dir, dir);
	if (system(cmd) != 0) {
		printf("agent_dns_ipseckey: cannot set up nsd with signed zones; see %s/zones.log\n", dir);
		return 1;
	}
	snprintf(ta_file, sizeof(ta_file), "%s/ta.txt", dir);
	snprintf(cmd, sizeof(cmd), "%s/point.b64", dir);
	FILE *f = fopen(cmd, "r");
	if (f == NULL || fgets(point_b64, sizeof(point_b64), f) == NULL)
		return 1;
	fclose(f);
	NSS_NoDB_Init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secure_then_cached),
		cmocka_unit_test(test_name_bound_to_address), cmocka_unit_test(test_missing_record),
		cmocka_unit_test(test_broken_signature),   cmocka_unit_test(test_unsigned_zone),
		cmocka_unit_test(test_timeout),		   cmocka_unit_test(test_bad_trust_anchor),
		cmocka_unit_test(test_shared_lookup),	   cmocka_unit_test(test_shared_name_for),
		cmocka_unit_test(test_bounded),		   cmocka_unit_test(test_prefetch_yields),
		cmocka_unit_test(test_free_cancels_shared), cmocka_unit_test(test_free_from_shared_answer),
		cmocka_unit_test(test_shared_timeout),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	snprintf(cmd, sizeof(cmd), "kill $(cat %s/nsd.pid) 2>/dev/null; rm -rf %s", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not clean up %s\n", dir);
	return r;
}
