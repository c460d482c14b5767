/* Key exchange: both sides agree for every group, KE encodings, and the
 * RFC 6989 / RFC 7748 rejections of bad peer values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_dh.h"
#include "ike/crypto_nss.h"
#include "crypto_test_util.h"

static const unsigned all_groups[] = { IKE_DH_MODP_2048, IKE_DH_MODP_3072,
	IKE_DH_ECP_256, IKE_DH_ECP_384, IKE_DH_CURVE25519 };

static void
agree(unsigned group)
{
	struct ike_crypto_dh *a = NULL, *b = NULL;
	PK11SymKey *ka = NULL, *kb = NULL;
	uint8_t pa[384], pb[384], sa[384], sb[384];
	size_t la, lb, na, nb, want = ike_crypto_dh_ke_len(group);

	assert_int_equal(ike_crypto_dh_new(group, &a), 0);
	assert_int_equal(ike_crypto_dh_new(group, &b), 0);
	assert_int_equal(ike_crypto_dh_group(a), group);
	assert_int_equal(ike_crypto_dh_public(a, pa, sizeof(pa), &la), 0);
	assert_int_equal(ike_crypto_dh_public(b, pb, sizeof(pb), &lb), 0);
	assert_int_equal(la, want);
	assert_int_equal(lb, want);
	assert_memory_not_equal(pa, pb, la);
	assert_int_equal(ike_crypto_dh_derive(a, pb, lb, &ka), 0);
	assert_int_equal(ike_crypto_dh_derive(b, pa, la, &kb), 0);
	assert_int_equal(ike_crypto_nss_key_bytes(ka, sa, sizeof(sa), &na), 0);
	assert_int_equal(ike_crypto_nss_key_bytes(kb, sb, sizeof(sb), &nb), 0);
	assert_int_equal(na, nb);
	assert_int_equal(na, group == IKE_DH_ECP_256 || group ==
	    IKE_DH_ECP_384 ? want / 2 : want);
	assert_memory_equal(sa, sb, na);
	/* A different peer gives a different secret. */
	PK11_FreeSymKey(kb);
	assert_int_equal(ike_crypto_dh_derive(a, pa, la, &kb), 0);
	assert_int_equal(ike_crypto_nss_key_bytes(kb, sb, sizeof(sb), &nb), 0);
	assert_memory_not_equal(sa, sb, na);
	PK11_FreeSymKey(ka);
	PK11_FreeSymKey(kb);
	ike_crypto_dh_free(a);
	ike_crypto_dh_free(b);
}

static void
test_agree_all_groups(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all_groups) / sizeof(all_groups[0]); i++)
		agree(all_groups[i]);
}

static void
test_unknown_group(void **state)
{
	struct ike_crypto_dh *dh = (struct ike_crypto_dh *)1;

	(void)state;
	assert_int_equal(ike_crypto_dh_new(2, &dh), -ENOTSUP);
	assert_null(dh);
	assert_int_equal(ike_crypto_dh_ke_len(21), 0);
}

static void
expect_reject(struct ike_crypto_dh *dh, const uint8_t *v, size_t len)
{
	PK11SymKey *k = (PK11SymKey *)1;

	assert_int_equal(ike_crypto_dh_derive(dh, v, len, &k), -EINVAL);
	assert_null(k);
}

/* RFC 6989: y = 0, 1, p - 1, p and a short value are refused. */
static void
test_modp_rejects(void **state)
{
	struct ike_crypto_dh *dh = NULL;
	uint8_t y[256], ok[256];
	size_t n;

	(void)state;
	assert_int_equal(ike_crypto_dh_new(IKE_DH_MODP_2048, &dh), 0);
	memset(y, 0, sizeof(y));
	expect_reject(dh, y, sizeof(y));
	y[255] = 1;
	expect_reject(dh, y, sizeof(y));
	/* p - 1: p = 2^2048 - 2^1984 - 1 + ... ends in ff..ff (RFC 3526). */
	memset(y, 0xff, sizeof(y));
	y[255] = 0xfe;
	expect_reject(dh, y, sizeof(y));
	y[255] = 0xff;
	expect_reject(dh, y, sizeof(y));
	y[255] = 2;
	memset(y, 0, 255);
	assert_int_equal(ike_crypto_dh_check_peer(IKE_DH_MODP_2048, y, 256), 0);
	assert_int_equal(ike_crypto_dh_public(dh, ok, sizeof(ok), &n), 0);
	expect_reject(dh, ok, n - 1);
	ike_crypto_dh_free(dh);
}

/* ECP: wrong length, all zeros (no encoding of infinity) and a point not
 * on the curve are refused. */
static void
test_ecp_rejects(void **state)
{
	unsigned gs[] = { IKE_DH_ECP_256, IKE_DH_ECP_384 };
	struct ike_crypto_dh *dh = NULL;
	uint8_t v[96];
	size_t n, i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(ike_crypto_dh_new(gs[i], &dh), 0);
		assert_int_equal(ike_crypto_dh_public(dh, v, sizeof(v), &n), 0);
		expect_reject(dh, v, n - 1);
		v[n - 1] ^= 0x01;          /* y changed: off the curve */
		expect_reject(dh, v, n);
		memset(v, 0, sizeof(v));
		expect_reject(dh, v, n);
		ike_crypto_dh_free(dh);
	}
}

/* X25519: the zero point and u = 1 (small order) give an all-zero secret
 * (RFC 7748 section 6.1); wrong lengths are refused. */
static void
test_x25519_rejects(void **state)
{
	struct ike_crypto_dh *dh = NULL;
	uint8_t u[32];

	(void)state;
	assert_int_equal(ike_crypto_dh_new(IKE_DH_CURVE25519, &dh), 0);
	memset(u, 0, sizeof(u));
	expect_reject(dh, u, 32);
	u[0] = 1;
	expect_reject(dh, u, 32);
	expect_reject(dh, u, 31);
	ike_crypto_dh_free(dh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree_all_groups),
		cmocka_unit_test(test_unknown_group),
		cmocka_unit_test(test_modp_rejects),
		cmocka_unit_test(test_ecp_rejects),
		cmocka_unit_test(test_x25519_rejects),
	};

	return cmocka_run_group_tests(tests, ctu_nss_setup,
	    ctu_nss_teardown);
}
