/* SK payload protection: known answers (GCM spec test cases 4 and 16,
 * RFC 7539 2.8.2), round trips for each cipher, tamper and layout
 * rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_rand.h"
#include "ike/crypto_sk.h"
#include "crypto_test_util.h"

struct aead_kat {
	const char *name;
	unsigned encr, bits;
	const char *key_salt, *iv, *aad, *plain, *cipher_tag;
};

/* GCM: "The Galois/Counter Mode of Operation", McGrew and Viega, test
 * cases 4 (AES-128) and 16 (AES-256); ChaCha20-Poly1305: RFC 7539 2.8.2.
 * The 4-byte nonce prefix is the IKE salt, the rest the explicit IV. */
static const struct aead_kat kats[] = {
	{ "gcm128", IKE_ENCR_AES_GCM_16, 128,
	  "feffe9928665731c6d6a8f9467308308" "cafebabe", "facedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "gcm256", IKE_ENCR_AES_GCM_16, 256,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
	  "cafebabe", "facedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ "chacha", IKE_ENCR_CHACHA20_POLY1305, 0,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "07000000", "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116"
	  "1ae10b594f09e26a7e902ecbd0600691" },
};

static int chacha_offered;

static int
fixed_iv(void *arg, uint8_t *buf, size_t len)
{
	memcpy(buf, arg, len);
	return 0;
}

static void
run_kat(const struct aead_kat *k)
{
	uint8_t ks[64], iv[8], msg[512], plain[256], ct[256];
	struct ike_crypto_sk *sk = NULL;
	struct ike_crypto_sk_layout l;
	PK11SymKey *key;
	int nks, naad, np, nct;
	size_t plen, mlen;

	nks = ctu_hex(k->key_salt, ks, sizeof(ks));
	assert_int_equal(ctu_hex(k->iv, iv, sizeof(iv)), 8);
	naad = ctu_hex(k->aad, msg, sizeof(msg));
	np = ctu_hex(k->plain, plain, sizeof(plain));
	nct = ctu_hex(k->cipher_tag, ct, sizeof(ct));
	assert_true(nks > 0 && naad > 0 && np > 0 && nct == np + 16);
	key = ctu_key(ks, (size_t)nks);
	assert_int_equal(ike_crypto_sk_new(k->encr, k->bits, 0, key, NULL,
	    &sk), 0);
	/* Decrypt the known ciphertext: the whole KAT plaintext is the text
	 * (its last byte is read as the pad length). */
	assert_int_equal(ike_crypto_sk_plan(sk, (size_t)naad, 0, &l, &mlen),
	    0);
	l.text_len = (size_t)np;
	l.icv_off = l.text_off + (size_t)np;
	mlen = l.icv_off + 16;
	memcpy(msg + l.iv_off, iv, 8);
	memcpy(msg + l.text_off, ct, (size_t)nct);
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen, &l, &plen), 0);
	assert_memory_equal(msg + l.text_off, plain, (size_t)np);
	assert_int_equal(plen, (size_t)np - 1 - plain[np - 1]);
	/* Encrypting it again with the same IV gives the KAT ciphertext up
	 * to the padding (which we write as zeros), and decrypts back. */
	assert_int_equal(ike_crypto_sk_encrypt(sk, fixed_iv, iv, msg, mlen,
	    &l, plen), 0);
	assert_memory_equal(msg + l.iv_off, iv, 8);
	assert_memory_equal(msg + l.text_off, ct, plen);
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen, &l, &plen), 0);
	assert_memory_equal(msg + l.text_off, plain, plen);
	ike_crypto_sk_free(sk);
	PK11_FreeSymKey(key);
}

static void
test_aead_kats(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		if (kats[i].encr == IKE_ENCR_CHACHA20_POLY1305 &&
		    !chacha_offered)
			continue;
		run_kat(&kats[i]);
	}
}

/* AES-CBC + HMAC known answers from vectors/sk_cbc.txt (openssl enc and
 * Python hmac; see gen_sk_cbc.py). */
struct cbc_kat {
	unsigned bits, integ;
	uint8_t v[8][128];
	size_t len[8];
	size_t inner;
};

enum { CK_E, CK_A, CK_AAD, CK_IV, CK_PLAIN, CK_CT, CK_ICV, CK_N };

static void
run_cbc_kat(const struct cbc_kat *k)
{
	struct ike_crypto_sk *sk = NULL;
	struct ike_crypto_sk_layout l;
	PK11SymKey *ke = ctu_key(k->v[CK_E], k->len[CK_E]);
	PK11SymKey *ka = ctu_key(k->v[CK_A], k->len[CK_A]);
	uint8_t msg[512], want[512];
	size_t n = 0, plen, mlen;

	memcpy(want, k->v[CK_AAD], k->len[CK_AAD]); n += k->len[CK_AAD];
	memcpy(want + n, k->v[CK_IV], 16); n += 16;
	memcpy(want + n, k->v[CK_CT], k->len[CK_CT]); n += k->len[CK_CT];
	memcpy(want + n, k->v[CK_ICV], k->len[CK_ICV]); n += k->len[CK_ICV];
	assert_int_equal(ike_crypto_sk_new(IKE_ENCR_AES_CBC, k->bits, k->integ,
	    ke, ka, &sk), 0);
	memcpy(msg, want, n);
	assert_int_equal(ike_crypto_sk_parse_layout(sk, k->len[CK_AAD], n,
	    &l), 0);
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, n, &l, &plen), 0);
	assert_int_equal(plen, k->inner);
	assert_memory_equal(msg + l.text_off, k->v[CK_PLAIN], k->len[CK_PLAIN]);
	/* Encrypting the inner payloads with that IV gives the same bytes. */
	assert_int_equal(ike_crypto_sk_plan(sk, k->len[CK_AAD], k->inner, &l,
	    &mlen), 0);
	assert_int_equal(mlen, n);
	memset(msg, 0xee, sizeof(msg));
	memcpy(msg, k->v[CK_AAD], k->len[CK_AAD]);
	memcpy(msg + l.text_off, k->v[CK_PLAIN], k->inner);
	assert_int_equal(ike_crypto_sk_encrypt(sk, fixed_iv,
	    (void *)k->v[CK_IV], msg, mlen, &l, k->inner), 0);
	assert_memory_equal(msg, want, n);
	ike_crypto_sk_free(sk);
	PK11_FreeSymKey(ke);
	PK11_FreeSymKey(ka);
}

static void
test_cbc_kats(void **state)
{
	static const char *const names[CK_N] = { "SK_e", "SK_a", "AAD", "IV",
		"Plain", "Cipher", "ICV" };
	static struct cbc_kat k;
	char line[1024];
	unsigned done = 0, got = 0;
	size_t i, nl;
	FILE *f;
	int n;

	(void)state;
	assert_non_null(f = fopen(IKE_VECTOR_DIR "/sk_cbc.txt", "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "KeyBits = ", 10) == 0)
			k.bits = (unsigned)atoi(line + 10);
		if (strncmp(line, "Integ = ", 8) == 0)
			k.integ = (unsigned)atoi(line + 8);
		if (strncmp(line, "Inner = ", 8) == 0)
			k.inner = (size_t)atoi(line + 8);
		for (i = 0; i < CK_N; i++) {
			nl = strlen(names[i]);
			if (strncmp(line, names[i], nl) != 0 ||
			    strncmp(line + nl, " = ", 3) != 0)
				continue;
			n = ctu_hex(line + nl + 3, k.v[i], sizeof(k.v[i]));
			assert_true(n > 0);
			k.len[i] = (size_t)n;
			got |= 1u << i;
		}
		if (got == (1u << CK_N) - 1) {
			run_cbc_kat(&k);
			done++;
			got = 0;
		}
	}
	fclose(f);
	assert_int_equal(done, 3);
}

struct suite {
	unsigned encr, bits, integ;
};

static const struct suite suites[] = {
	{ IKE_ENCR_AES_GCM_16, 128, 0 },
	{ IKE_ENCR_AES_GCM_16, 256, 0 },
	{ IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_384_192 },
	{ IKE_ENCR_CHACHA20_POLY1305, 0, 0 },
};

static struct ike_crypto_sk *
make_sk(const struct suite *s, uint8_t fill)
{
	const struct ike_crypto_encr_info *e = ike_crypto_algs_encr(s->encr,
	    s->bits);
	const struct ike_crypto_integ_info *in = ike_crypto_algs_integ(s->integ);
	struct ike_crypto_sk *sk = NULL;
	PK11SymKey *ke, *ka = NULL;
	uint8_t b[64];

	memset(b, fill, sizeof(b));
	ke = ctu_key(b, e->key_len + e->salt_len);
	if (in != NULL)
		ka = ctu_key(b, in->key_len);
	assert_int_equal(ike_crypto_sk_new(s->encr, s->bits, s->integ, ke, ka,
	    &sk), 0);
	PK11_FreeSymKey(ke);
	if (ka != NULL)
		PK11_FreeSymKey(ka);
	return sk;
}

static void
round_trip(const struct suite *s)
{
	struct ike_crypto_sk *sk = make_sk(s, 0x5a), *other = make_sk(s, 0x5b);
	struct ike_crypto_sk_layout l, l2;
	uint8_t msg[256], copy[256], body[37];
	size_t mlen, plen, i;

	memset(msg, 0x11, 32);                   /* header + SK header */
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)i;
	assert_int_equal(ike_crypto_sk_plan(sk, 32, sizeof(body), &l, &mlen),
	    0);
	assert_true(mlen <= sizeof(msg));
	memcpy(msg + l.text_off, body, sizeof(body));
	assert_int_equal(ike_crypto_sk_encrypt(sk, ike_crypto_rand_nss, NULL,
	    msg, mlen, &l, sizeof(body)), 0);
	assert_memory_not_equal(msg + l.text_off, body, sizeof(body));
	memcpy(copy, msg, mlen);
	assert_int_equal(ike_crypto_sk_parse_layout(sk, 32, mlen, &l2), 0);
	assert_memory_equal(&l, &l2, sizeof(l));
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen, &l, &plen), 0);
	assert_int_equal(plen, sizeof(body));
	assert_memory_equal(msg + l.text_off, body, sizeof(body));
	/* Wrong key, then one flipped bit in header, IV, text and ICV. */
	memcpy(msg, copy, mlen);
	assert_int_equal(ike_crypto_sk_decrypt(other, msg, mlen, &l, &plen),
	    -EBADMSG);
	size_t at[4] = { 3, l.iv_off, l.text_off + 5, mlen - 1 };
	for (i = 0; i < 4; i++) {
		memcpy(msg, copy, mlen);
		msg[at[i]] ^= 0x01;
		assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen, &l,
		    &plen), -EBADMSG);
	}
	/* Layouts that do not fit the message. */
	memcpy(msg, copy, mlen);
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen - 1, &l, &plen),
	    -EINVAL);
	l2 = l;
	l2.text_off++;
	assert_int_equal(ike_crypto_sk_decrypt(sk, msg, mlen, &l2, &plen),
	    -EINVAL);
	assert_int_equal(ike_crypto_sk_parse_layout(sk, 32, 32 +
	    ike_crypto_sk_iv_len(sk) + ike_crypto_sk_icv_len(sk), &l2),
	    -EINVAL);
	ike_crypto_sk_free(sk);
	ike_crypto_sk_free(other);
}

static void
test_round_trips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (suites[i].encr == IKE_ENCR_CHACHA20_POLY1305 &&
		    !chacha_offered)
			continue;
		round_trip(&suites[i]);
	}
}

static void
test_bad_setup(void **state)
{
	struct ike_crypto_sk *sk = (struct ike_crypto_sk *)1;
	uint8_t b[36] = { 0 };
	PK11SymKey *k = ctu_key(b, 20);

	(void)state;
	/* GCM with an integrity transform, wrong key length, unknown id. */
	assert_int_equal(ike_crypto_sk_new(IKE_ENCR_AES_GCM_16, 128,
	    IKE_AUTH_HMAC_SHA2_256_128, k, k, &sk), -EINVAL);
	assert_null(sk);
	assert_int_equal(ike_crypto_sk_new(IKE_ENCR_AES_GCM_16, 256, 0, k,
	    NULL, &sk), -EINVAL);
	assert_int_equal(ike_crypto_sk_new(IKE_ENCR_AES_CBC, 128,
	    IKE_AUTH_HMAC_SHA2_256_128, k, NULL, &sk), -EINVAL);
	assert_int_equal(ike_crypto_sk_new(3, 0, 0, k, NULL, &sk), -ENOTSUP);
	PK11_FreeSymKey(k);
}

static int
setup(void **state)
{
	int r = ctu_nss_setup(state);

	chacha_offered = ike_crypto_nss_has_mech(CKM_CHACHA20_POLY1305);
	if (!chacha_offered)
		print_message("ChaCha20-Poly1305 not offered by this NSS\n");
	return r;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aead_kats),
		cmocka_unit_test(test_cbc_kats),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_bad_setup),
	};

	return cmocka_run_group_tests(tests, setup, ctu_nss_teardown);
}
