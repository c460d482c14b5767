/* IPSECKEY records: keys generated here survive key -> record -> key, and
 * every malformed record is refused with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <nss.h>
#include <pk11pub.h>
#include <secoid.h>

#include "dns_name.h"
#include "ipseckey.h"

static SECKEYPublicKey *gen(CK_MECHANISM_TYPE mech, void *params, SECKEYPrivateKey **priv)
{
	PK11SlotInfo *slot = PK11_GetInternalSlot();
	SECKEYPublicKey *pub = NULL;
	*priv = PK11_GenerateKeyPair(slot, mech, params, &pub, PR_FALSE, PR_FALSE, NULL);
	PK11_FreeSlot(slot);
	assert_non_null(*priv);
	return pub;
}

static void roundtrip(SECKEYPublicKey *pub, uint8_t want_alg)
{
	uint8_t rdata[3 + IPSECKEY_KEY_MAX] = { 10, 0, 0 };
	size_t len;
	uint8_t alg;
	char why[256];
	assert_int_equal(ipseckey_from_public_key(pub, rdata + 3, IPSECKEY_KEY_MAX, &len, &alg, why, sizeof(why)), 0);
	assert_int_equal(alg, want_alg);
	rdata[2] = alg;
	struct ipseckey k;
	assert_int_equal(ipseckey_parse(rdata, len + 3, &k, why, sizeof(why)), 0);
	assert_int_equal(k.precedence, 10);
	SECKEYPublicKey *back = NULL;
	assert_int_equal(ipseckey_public_key(&k, &back, why, sizeof(why)), 0);
	if (alg == IPSECKEY_ALG_RSA) {
		assert_int_equal(SECITEM_CompareItem(&back->u.rsa.modulus, &pub->u.rsa.modulus), SECEqual);
		assert_int_equal(SECITEM_CompareItem(&back->u.rsa.publicExponent, &pub->u.rsa.publicExponent), SECEqual);
	} else {
		assert_int_equal(SECITEM_CompareItem(&back->u.ec.publicValue, &pub->u.ec.publicValue), SECEqual);
	}
	SECKEY_DestroyPublicKey(back);
}

static void test_rsa(void **state)
{
	(void)state;
	PK11RSAGenParams p = { 2048, 65537 };
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub = gen(CKM_RSA_PKCS_KEY_PAIR_GEN, &p, &priv);
	roundtrip(pub, IPSECKEY_ALG_RSA);
	SECKEY_DestroyPublicKey(pub);
	SECKEY_DestroyPrivateKey(priv);
}

static void test_ecdsa(void **state)
{
	(void)state;
	SECOidTag curves[] = { SEC_OID_ANSIX962_EC_PRIME256V1, SEC_OID_SECG_EC_SECP384R1 };
	for (size_t i = 0; i < 2; i++) {
		SECOidData *oid = SECOID_FindOIDByTag(curves[i]);
		assert_non_null(oid);
		uint8_t buf[16];
		buf[0] = 0x06; /* OBJECT IDENTIFIER: the curve parameters NSS expects */
		buf[1] = (uint8_t)oid->oid.len;
		memcpy(buf + 2, oid->oid.data, oid->oid.len);
		SECItem params = { siBuffer, buf, oid->oid.len + 2 };
		SECKEYPrivateKey *priv;
		SECKEYPublicKey *pub = gen(CKM_EC_KEY_PAIR_GEN, &params, &priv);
		roundtrip(pub, IPSECKEY_ALG_ECDSA);
		SECKEY_DestroyPublicKey(pub);
		SECKEY_DestroyPrivateKey(priv);
	}
}

static void refused(const uint8_t *rdata, size_t len, const char *want)
{
	struct ipseckey k;
	SECKEYPublicKey *pk = NULL;
	char why[256] = "";
	int r = ipseckey_parse(rdata, len, &k, why, sizeof(why));
	if (r == 0)
		r = ipseckey_public_key(&k, &pk, why, sizeof(why));
	assert_int_equal(r, -1);
	assert_null(pk);
	assert_non_null(strstr(why, want));
}

static void test_refusals(void **state)
{
	(void)state;
	uint8_t big[200];
	memset(big, 0x41, sizeof(big));
	refused((const uint8_t[]){ 10, 0 }, 2, "shorter than its 3-byte header");
	refused((const uint8_t[]){ 10, 1, 2, 192, 0, 2, 1, 3, 1, 0, 1 }, 11, "gateway type 1");
	refused((const uint8_t[]){ 10, 3, 2, 0 }, 4, "gateway type 3");
	refused((const uint8_t[]){ 10, 0, 2 }, 3, "carries no public key");
	refused((const uint8_t[]){ 10, 0, 1, 1, 2, 3 }, 6, "only 2 (RSA) and 3 (ECDSA)");
	refused((const uint8_t[]){ 10, 0, 2, 9, 1, 2 }, 6, "exponent length does not fit");
	refused((const uint8_t[]){ 10, 0, 2, 0, 0 }, 5, "truncated exponent length");
	refused((const uint8_t[]){ 10, 0, 2, 1, 3, 0xc1, 0xc2 }, 7, "shorter than 1024 bits");
	big[0] = 10, big[1] = 0, big[2] = 3;
	refused(big, 3 + 63, "expected 64 (P-256) or 96 (P-384)");
	refused(big, 3 + 64, "not a point on the curve");
}

static int setup(void **state)
{
	(void)state;
	return NSS_NoDB_Init(NULL) == SECSuccess ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	NSS_Shutdown();
	return 0;
}

/* PTR RDATA against an FQDN ID: labels with their lengths checked. */
static void test_name_wire(void **state)
{
	(void)state;
	static const uint8_t west[] = "\x04west\x03lab\x07" "example";  /* + the root label's 0 */
	assert_true(dns_name_wire_is(west, sizeof(west), "west.lab.example"));
	assert_true(dns_name_wire_is(west, sizeof(west), "WEST.Lab.example."));
	assert_false(dns_name_wire_is(west, sizeof(west), "west.lab.exampl"));
	assert_false(dns_name_wire_is(west, sizeof(west), "west.lab.example.org"));
	assert_false(dns_name_wire_is(west, sizeof(west), "est.lab.example"));
	assert_false(dns_name_wire_is(west, sizeof(west) - 1, "west.lab.example")); /* no root label */
	assert_false(dns_name_wire_is(west, 8, "west.lab.example"));                /* cut in a label */
	static const uint8_t ptr[] = "\x04west\xc0\x0c";                          /* compression */
	assert_false(dns_name_wire_is(ptr, sizeof(ptr), "west"));
	static const uint8_t dot[] = "\x09west.lab\x00"; /* a dot inside a label is not a label break */
	assert_false(dns_name_wire_is(dot, 11, "west.lab"));
	static const uint8_t root[] = "";
	assert_false(dns_name_wire_is(root, 1, "west"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_name_wire),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
