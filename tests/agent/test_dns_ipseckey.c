/* IPSECKEY lookups through libunbound on a libuv loop, against a real nsd
 * serving DNSSEC-signed zones made here with ldns (tests/agent/dnssec-zones.sh),
 * in a private network namespace: a secure answer gives the key (then the
 * cache), a missing record, a broken signature, an unsigned zone and a
 * silent resolver each give their reason. Needs root, nsd and ldnsutils. */
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

static void run_until(uv_loop_t *loop, struct outcome *o)
{
	while (!o->done)
		uv_run(loop, UV_RUN_ONCE);
}

static struct dns_ipseckey *resolver(uv_loop_t *loop, const char *fwd, unsigned timeout_ms)
{
	const char *tas[] = { ta_file };
	const char *res[] = { fwd };
	struct dns_ipseckey_config cfg = { tas, 1, NULL, 0, res, 1, timeout_ms };
	struct dns_ipseckey *d;
	char why[256];
	assert_int_equal(dns_ipseckey_new(loop, &cfg, &d, why, sizeof(why)), 0);
	return d;
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
	unsigned long cached, sent;
	dns_ipseckey_counters(d, &cached, &sent);
	assert_int_equal(cached, 1);
	assert_int_equal(sent, 1);
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

static void test_bad_trust_anchor(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	const char *tas[] = { "/nonexistent/root.key" };
	struct dns_ipseckey_config cfg = { tas, 1, NULL, 0, NULL, 0, 0 };
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
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	snprintf(cmd, sizeof(cmd), "kill $(cat %s/nsd.pid) 2>/dev/null; rm -rf %s", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not clean up %s\n", dir);
	return r;
}
