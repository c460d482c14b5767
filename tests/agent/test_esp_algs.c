/* Negotiated ESP transforms to kernel algorithms: names, key and ICV
 * lengths, and refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "esp_algs.h"
#include "ike/crypto_algs.h"

static uint8_t key[64];

static void test_aead(void **state)
{
	(void)state;
	struct kernel_sa sa;
	char why[128];
	memset(&sa, 0, sizeof(sa));
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE, key, 36, NULL, 0, &sa, why,
					    sizeof(why)), 0);
	assert_true(sa.aead);
	assert_string_equal(sa.enc.name, "rfc4106(gcm(aes))");
	assert_int_equal(sa.enc.key_len, 36);
	assert_int_equal(sa.enc.icv_bits, 128);
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_GCM_16, 128, IKE_AUTH_NONE, key, 20, NULL, 0, &sa, why,
					    sizeof(why)), 0);
	assert_int_equal(sa.enc.key_len, 20);
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_CHACHA20_POLY1305, 0, IKE_AUTH_NONE, key, 36, NULL, 0, &sa,
					    why, sizeof(why)), 0);
	assert_string_equal(sa.enc.name, "rfc7539esp(chacha20,poly1305)");
}

static void test_cbc_hmac(void **state)
{
	(void)state;
	struct kernel_sa sa;
	char why[128];
	memset(&sa, 0, sizeof(sa));
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_CBC, 256, IKE_AUTH_HMAC_SHA2_512_256, key, 32, key, 64, &sa,
					    why, sizeof(why)), 0);
	assert_false(sa.aead);
	assert_string_equal(sa.enc.name, "cbc(aes)");
	assert_string_equal(sa.auth.name, "hmac(sha512)");
	assert_int_equal(sa.auth.key_len, 64);
	assert_int_equal(sa.auth.icv_bits, 256);
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128, key, 16, key, 32, &sa,
					    why, sizeof(why)), 0);
	assert_string_equal(sa.auth.name, "hmac(sha256)");
	assert_int_equal(sa.auth.icv_bits, 128);
}

static void test_refusals(void **state)
{
	(void)state;
	struct kernel_sa sa;
	char why[128];
	memset(&sa, 0, sizeof(sa));
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_NONE, key, 32, NULL, 0, &sa, why,
					    sizeof(why)), -EINVAL);
	assert_string_equal(why, "rfc4106(gcm(aes)) needs a 36-byte key, got 32");
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_GCM_16, 256, IKE_AUTH_HMAC_SHA2_256_128, key, 36, key, 32,
					    &sa, why, sizeof(why)), -EINVAL);
	assert_int_equal(esp_algs_to_kernel(3 /* 3DES */, 0, IKE_AUTH_HMAC_SHA2_256_128, key, 24, key, 32, &sa, why,
					    sizeof(why)), -ENOTSUP);
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_CBC, 128, IKE_AUTH_NONE, key, 16, NULL, 0, &sa, why,
					    sizeof(why)), -ENOTSUP);
	assert_int_equal(esp_algs_to_kernel(IKE_ENCR_AES_CBC, 128, IKE_AUTH_HMAC_SHA2_256_128, key, 16, key, 20, &sa,
					    why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aead),
		cmocka_unit_test(test_cbc_hmac),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
