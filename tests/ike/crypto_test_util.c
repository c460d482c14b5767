#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ike/crypto_nss.h"
#include "crypto_test_util.h"

static int
ctu_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ctu_hex(const char *hex, uint8_t *out, size_t out_size)
{
	size_t n = 0;
	int hi, lo;

	while (hex[0] != '\0' && hex[0] != '\n' && hex[0] != '\r') {
		if ((hi = ctu_nibble(hex[0])) < 0 ||
		    (lo = ctu_nibble(hex[1])) < 0 || n >= out_size)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return (int)n;
}

int
ctu_nss_setup(void **state)
{
	(void)state;
	return ike_crypto_nss_init(NULL);
}

int
ctu_nss_teardown(void **state)
{
	(void)state;
	ike_crypto_nss_shutdown();
	return 0;
}

PK11SymKey *
ctu_key(const uint8_t *b, size_t len)
{
	PK11SymKey *k = NULL;

	assert_int_equal(ike_crypto_nss_import_key(b, len,
	    CKM_GENERIC_SECRET_KEY_GEN, &k), 0);
	assert_non_null(k);
	return k;
}

void
ctu_assert_key(PK11SymKey *key, const uint8_t *want, size_t len)
{
	uint8_t got[1024];
	size_t got_len = 0;

	assert_int_equal(ike_crypto_nss_key_bytes(key, got, sizeof(got),
	    &got_len), 0);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
}
