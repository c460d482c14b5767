/* Which certificates may speak for a peer: a real chain of two made by
 * openssl (tests/agent/pki-fixture.sh), checked by NSS against a database
 * that trusts the fleet root. Every refusal is checked word for word. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cert.h>
#include <nss.h>

#include "cert_verify.h"

static char dir[] = "/tmp/swanmesh-pki-XXXXXX";

static SECItem load(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.der", dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	SECItem it = { siBuffer, malloc(8192), 0 };
	it.len = (unsigned)fread(it.data, 1, 8192, f);
	fclose(f);
	return it;
}

static int check(const char *leaf, bool with_inter, uint8_t id_type, const void *id, size_t id_len,
		 const char *addr, bool fleet, char *why, size_t whylen)
{
	SECItem chain[2] = { load(leaf), load("inter") };
	struct cert_verify_request req = { chain, with_inter ? 2 : 1, { id_type, id, id_len }, addr, fleet };
	SECKEYPublicKey *key = NULL;
	why[0] = '\0';
	int r = cert_verify_peer(&req, &key, why, whylen);
	assert_int_equal(r == 0, key != NULL);
	if (key != NULL) {
		assert_int_equal(key->keyType, ecKey);
		SECKEY_DestroyPublicKey(key);
	}
	free(chain[0].data);
	free(chain[1].data);
	return r;
}

static const uint8_t west_ip[4] = { 192, 0, 2, 1 };

static void test_accepted(void **state)
{
	(void)state;
	char why[512];
	assert_int_equal(check("west", true, CERT_ID_FQDN, "west.lab", 8, "192.0.2.1", false, why, sizeof(why)), 0);
	assert_int_equal(check("west", true, CERT_ID_FQDN, "WEST.lab", 8, "192.0.2.1", false, why, sizeof(why)), 0);
	assert_int_equal(check("west", true, CERT_ID_IPV4_ADDR, west_ip, 4, "192.0.2.1", false, why, sizeof(why)), 0);
	SECItem der = load("west");
	CERTCertificate *c = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &der, NULL, PR_FALSE, PR_TRUE);
	assert_non_null(c);
	assert_int_equal(check("west", true, CERT_ID_DER_ASN1_DN, c->derSubject.data, c->derSubject.len, "192.0.2.1",
			       false, why, sizeof(why)), 0);
	CERT_DestroyCertificate(c);
	free(der.data);
}

static void refused(const char *leaf, bool inter, uint8_t t, const void *id, size_t n, const char *addr, bool fleet,
		    const char *want)
{
	char why[512];
	assert_int_equal(check(leaf, inter, t, id, n, addr, fleet, why, sizeof(why)), -1);
	if (strstr(why, want) == NULL)
		fail_msg("got '%s', want '%s'", why, want);
}

static void test_id_and_address(void **state)
{
	(void)state;
	refused("west", true, CERT_ID_FQDN, "east.lab", 8, "192.0.2.1", false,
		"ID east.lab does not match certificate CN=west,O=Fleet");
	refused("east", true, CERT_ID_FQDN, "east.lab", 8, "192.0.2.1", false,
		"certificate CN=east,O=Fleet does not cover address 192.0.2.1");
	/* With the fleet policy, any certificate of the trusted CA may speak for any address. */
	char why[512];
	assert_int_equal(check("east", true, CERT_ID_FQDN, "east.lab", 8, "192.0.2.1", true, why, sizeof(why)), 0);
}

static void test_chain_problems(void **state)
{
	(void)state;
	refused("rogue", false, CERT_ID_FQDN, "west.lab", 8, "192.0.2.1", false, "unknown CA 'CN=Other CA,O=Elsewhere'");
	refused("west", false, CERT_ID_FQDN, "west.lab", 8, "192.0.2.1", false,
		"unknown CA 'CN=Fleet Intermediate CA,O=Fleet'");
	refused("old", true, CERT_ID_FQDN, "west.lab", 8, "192.0.2.1", false,
		"certificate CN=old expired on 2021-01-01 00:00:00 UTC");
}

static void test_garbage(void **state)
{
	(void)state;
	uint8_t junk[40];
	memset(junk, 0x30, sizeof(junk));
	SECItem chain[1] = { { siBuffer, junk, sizeof(junk) } };
	struct cert_verify_request req = { chain, 1, { CERT_ID_FQDN, (const uint8_t *)"x", 1 }, NULL, false };
	SECKEYPublicKey *key = NULL;
	char why[256];
	assert_int_equal(cert_verify_peer(&req, &key, why, sizeof(why)), -1);
	assert_string_equal(why, "certificate 1 of the peer's chain is not valid DER X.509");
	req.nchain = 0;
	assert_int_equal(cert_verify_peer(&req, &key, why, sizeof(why)), -1);
}

int main(int argc, char **argv)
{
	char cmd[1024], db[600];
	if (argc < 2 || mkdtemp(dir) == NULL)
		return 1;
	snprintf(cmd, sizeof(cmd), "%s %s >%s/fixture.log 2>&1", argv[1], dir, dir);
	if (system(cmd) != 0) {
		printf("agent_cert_verify: skipped: cannot make the test PKI with openssl/certutil (%s/fixture.log)\n", dir);
		return 77;
	}
	snprintf(db, sizeof(db), "sql:%s/db", dir);
	if (NSS_Initialize(db, "", "", "", NSS_INIT_READONLY) != SECSuccess)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_id_and_address),
		cmocka_unit_test(test_chain_problems),
		cmocka_unit_test(test_garbage),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return r;
}
