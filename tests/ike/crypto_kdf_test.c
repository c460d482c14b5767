/* prf, prf+, SKEYSEED, IKE SA and Child SA keymat against the vectors in
 * vectors/ikev2_kdf_acvp.txt (NIST ACVP) and vectors/ikev2_kdf.txt
 * (CAVP layout; see gen_ikev2_kdf.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_keymat.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_prf.h"
#include "ike/crypto_rand.h"
#include "crypto_test_util.h"

#define F_NI 0
#define F_NR 1
#define F_GIR 2
#define F_GIRN 3
#define F_SPII 4
#define F_SPIR 5
#define F_SKEYSEED 6
#define F_DKM 7
#define F_CHILD 8
#define F_CHILD_DH 9
#define F_REKEY 10
#define F_N 11

static const char *const fields[F_N] = { "Ni", "Nr", "g^ir", "g^ir (new)",
	"SPIi", "SPIr", "SKEYSEED", "DKM", "DKM(Child SA)",
	"DKM(Child SA D-H)", "SKEYSEED(Rekey)" };

struct kdf_case {
	unsigned prf;
	uint8_t v[F_N][512];
	size_t len[F_N];
};

static void
kdf_check(const struct kdf_case *c)
{
	PK11SymKey *gir = ctu_key(c->v[F_GIR], c->len[F_GIR]);
	PK11SymKey *girn = ctu_key(c->v[F_GIRN], c->len[F_GIRN]);
	PK11SymKey *seed = NULL, *dkm = NULL, *rekey = NULL, *skd;
	const struct ike_crypto_prf_info *prf = ike_crypto_algs_prf(c->prf);
	uint8_t s[600], out[512];
	size_t n = 0;

	assert_int_equal(ike_crypto_keymat_skeyseed(c->prf, c->v[F_NI],
	    c->len[F_NI], c->v[F_NR], c->len[F_NR], gir, &seed), 0);
	ctu_assert_key(seed, c->v[F_SKEYSEED], c->len[F_SKEYSEED]);
	memcpy(s, c->v[F_NI], c->len[F_NI]); n += c->len[F_NI];
	memcpy(s + n, c->v[F_NR], c->len[F_NR]); n += c->len[F_NR];
	memcpy(s + n, c->v[F_SPII], 8); n += 8;
	memcpy(s + n, c->v[F_SPIR], 8); n += 8;
	assert_int_equal(ike_crypto_prf_plus(c->prf, seed, NULL, s, n,
	    c->len[F_DKM], &dkm), 0);
	ctu_assert_key(dkm, c->v[F_DKM], c->len[F_DKM]);
	skd = ctu_key(c->v[F_DKM], prf->out_len);
	assert_int_equal(ike_crypto_keymat_child_bytes(c->prf, skd, NULL,
	    c->v[F_NI], c->len[F_NI], c->v[F_NR], c->len[F_NR], out,
	    c->len[F_CHILD]), 0);
	assert_memory_equal(out, c->v[F_CHILD], c->len[F_CHILD]);
	assert_int_equal(ike_crypto_keymat_child_bytes(c->prf, skd, girn,
	    c->v[F_NI], c->len[F_NI], c->v[F_NR], c->len[F_NR], out,
	    c->len[F_CHILD_DH]), 0);
	assert_memory_equal(out, c->v[F_CHILD_DH], c->len[F_CHILD_DH]);
	assert_int_equal(ike_crypto_keymat_skeyseed_rekey(c->prf, skd, girn,
	    c->v[F_NI], c->len[F_NI], c->v[F_NR], c->len[F_NR], &rekey), 0);
	ctu_assert_key(rekey, c->v[F_REKEY], c->len[F_REKEY]);
	PK11_FreeSymKey(rekey);
	PK11_FreeSymKey(skd);
	PK11_FreeSymKey(dkm);
	PK11_FreeSymKey(seed);
	PK11_FreeSymKey(girn);
	PK11_FreeSymKey(gir);
}

static unsigned
kdf_section(const char *line)
{
	if (strncmp(line, "[SHA-256]", 9) == 0)
		return IKE_PRF_HMAC_SHA2_256;
	if (strncmp(line, "[SHA-384]", 9) == 0)
		return IKE_PRF_HMAC_SHA2_384;
	if (strncmp(line, "[SHA-512]", 9) == 0)
		return IKE_PRF_HMAC_SHA2_512;
	return 0;
}

/* Runs every case of a vector file; returns how many ran. */
static unsigned
kdf_file(const char *path)
{
	static struct kdf_case c;
	char line[4096];
	FILE *f;
	unsigned cases = 0, filled = 0, prf = 0;
	size_t i, fl;
	int n;

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '[') {
			prf = kdf_section(line);
			assert_int_not_equal(prf, 0);
			continue;
		}
		for (i = 0; i < F_N; i++) {
			fl = strlen(fields[i]);
			if (strncmp(line, fields[i], fl) != 0 ||
			    strncmp(line + fl, " = ", 3) != 0)
				continue;
			n = ctu_hex(line + fl + 3, c.v[i], sizeof(c.v[i]));
			assert_true(n > 0);
			c.len[i] = (size_t)n;
			filled |= 1u << i;
		}
		if (filled == (1u << F_N) - 1) {
			c.prf = prf;
			kdf_check(&c);
			cases++;
			filled = 0;
		}
	}
	fclose(f);
	return cases;
}

/* NIST ACVP server's own IKEv2 SHA2-256 answer (256-byte nonces,
 * 384-byte DKMs). */
static void
test_kdf_acvp(void **state)
{
	(void)state;
	assert_int_equal(kdf_file(IKE_VECTOR_DIR "/ikev2_kdf_acvp.txt"), 1);
}

/* SHA-256/384/512 answers from Python's hmac (gen_ikev2_kdf.py). */
static void
test_kdf_generated(void **state)
{
	(void)state;
	assert_int_equal(kdf_file(IKE_VECTOR_DIR "/ikev2_kdf.txt"), 6);
}

/* prf+ must refuse more than 255 blocks, and an unknown prf. */
static void
test_prf_plus_limits(void **state)
{
	uint8_t k[32] = { 1 };
	PK11SymKey *key = ctu_key(k, sizeof(k)), *out = (PK11SymKey *)1;

	(void)state;
	assert_int_equal(ike_crypto_prf_plus(IKE_PRF_HMAC_SHA2_256, key, NULL,
	    k, 4, 255 * 32 + 1, &out), -EINVAL);
	assert_null(out);
	assert_int_equal(ike_crypto_prf_plus(2, key, NULL, k, 4, 32, &out),
	    -ENOTSUP);
	assert_int_equal(ike_crypto_prf_plus(IKE_PRF_HMAC_SHA2_256, key, NULL,
	    k, 4, 255 * 32, &out), 0);
	PK11_FreeSymKey(out);
	PK11_FreeSymKey(key);
}

/* RFC 4231 test case 2 for HMAC-SHA-256 ("Jefe"). */
static void
test_prf_rfc4231(void **state)
{
	static const uint8_t want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04,
		0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08,
		0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec,
		0x38, 0x43 };
	const char *data = "what do ya want for nothing?";
	PK11SymKey *key = ctu_key((const uint8_t *)"Jefe", 4);
	uint8_t out[64];
	size_t len;

	(void)state;
	assert_int_equal(ike_crypto_prf(IKE_PRF_HMAC_SHA2_256, key,
	    (const uint8_t *)data, strlen(data), out, sizeof(out), &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(out, want, 32);
	PK11_FreeSymKey(key);
}

/* IKE SA split: sizes per suite, and SK_d equals the head of the DKM. */
static void
test_ike_sa_split(void **state)
{
	uint8_t b[32] = { 7 }, spi[8] = { 1 }, head[64];
	struct ike_crypto_sizes sz;
	struct ike_crypto_ike_keys keys;
	PK11SymKey *seed = ctu_key(b, 32), *dkm = NULL;
	uint8_t s[80];

	(void)state;
	assert_int_equal(ike_crypto_algs_sizes(IKE_PRF_HMAC_SHA2_256,
	    IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE, &sz), 0);
	assert_int_equal(sz.sk_e, 36);
	assert_int_equal(sz.sk_a, 0);
	assert_int_equal(ike_crypto_algs_sizes(IKE_PRF_HMAC_SHA2_256,
	    IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_HMAC_SHA2_256_128, &sz),
	    -EINVAL);
	assert_int_equal(ike_crypto_algs_sizes(IKE_PRF_HMAC_SHA2_384,
	    IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_512_256, &sz), 0);
	assert_int_equal(sz.sk_a, 64);
	assert_int_equal(sz.sk_d, 48);
	assert_int_equal(ike_crypto_keymat_ike_sa(IKE_PRF_HMAC_SHA2_384, seed,
	    b, 32, b, 32, spi, spi, &sz, &keys), 0);
	assert_int_equal(PK11_GetKeyLength(keys.sk_ai), 64);
	assert_int_equal(PK11_GetKeyLength(keys.sk_ei), 16);
	assert_int_equal(PK11_GetKeyLength(keys.sk_pr), 48);
	memcpy(s, b, 32); memcpy(s + 32, b, 32);
	memcpy(s + 64, spi, 8); memcpy(s + 72, spi, 8);
	assert_int_equal(ike_crypto_prf_plus(IKE_PRF_HMAC_SHA2_384, seed,
	    NULL, s, 80, 48, &dkm), 0);
	size_t hl;
	assert_int_equal(ike_crypto_nss_key_bytes(dkm, head, sizeof(head),
	    &hl), 0);
	ctu_assert_key(keys.sk_d, head, 48);
	ike_crypto_keymat_ike_keys_free(&keys);
	assert_null(keys.sk_d);
	PK11_FreeSymKey(dkm);
	PK11_FreeSymKey(seed);
}

/* Child SA split: RFC 7296 2.17 order (encr i->r, integ i->r, encr r->i,
 * integ r->i) over the same KEYMAT, with and without PFS. */
static void
test_child_split(void **state)
{
	uint8_t b[32], n1[16], n2[24], km[200];
	PK11SymKey *skd, *gir;
	struct ike_crypto_child_keys ck;
	int pfs;

	(void)state;
	memset(b, 3, sizeof(b));
	memset(n1, 4, sizeof(n1));
	memset(n2, 5, sizeof(n2));
	skd = ctu_key(b, 32);
	gir = ctu_key(n2, 24);
	for (pfs = 0; pfs < 2; pfs++) {
		assert_int_equal(ike_crypto_keymat_child_bytes(
		    IKE_PRF_HMAC_SHA2_256, skd, pfs ? gir : NULL, n1, 16, n2,
		    24, km, 2 * (36 + 32)), 0);
		assert_int_equal(ike_crypto_keymat_child(IKE_PRF_HMAC_SHA2_256,
		    skd, pfs ? gir : NULL, n1, 16, n2, 24, 36, 32, &ck), 0);
		assert_int_equal(ck.encr_len, 36);
		assert_int_equal(ck.integ_len, 32);
		assert_memory_equal(ck.ei, km, 36);
		assert_memory_equal(ck.ai, km + 36, 32);
		assert_memory_equal(ck.er, km + 68, 36);
		assert_memory_equal(ck.ar, km + 104, 32);
		ike_crypto_keymat_child_clear(&ck);
		assert_int_equal(ck.encr_len, 0);
	}
	assert_int_equal(ike_crypto_keymat_child(IKE_PRF_HMAC_SHA2_256, skd,
	    NULL, n1, 16, n2, 24, 65, 0, &ck), -EINVAL);
	PK11_FreeSymKey(gir);
	PK11_FreeSymKey(skd);
}

static void
test_rand(void **state)
{
	uint8_t a[32], b[32], z[32] = { 0 };

	(void)state;
	assert_int_equal(ike_crypto_rand_nss(NULL, a, sizeof(a)), 0);
	assert_int_equal(ike_crypto_rand_nss(NULL, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, z, sizeof(a));
	assert_int_equal(ike_crypto_rand_nss(NULL, a, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdf_acvp),
		cmocka_unit_test(test_kdf_generated),
		cmocka_unit_test(test_prf_plus_limits),
		cmocka_unit_test(test_prf_rfc4231),
		cmocka_unit_test(test_ike_sa_split),
		cmocka_unit_test(test_child_split),
		cmocka_unit_test(test_rand),
	};

	return cmocka_run_group_tests(tests, ctu_nss_setup,
	    ctu_nss_teardown);
}
