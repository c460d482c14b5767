/* Helpers shared by the crypto unit tests. */
#ifndef CRYPTO_TEST_UTIL_H
#define CRYPTO_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

/* Decodes hex into out (size out_size); returns the byte count or -1. */
int ctu_hex(const char *hex, uint8_t *out, size_t out_size);
/* cmocka group setup/teardown: NSS without a database. */
int ctu_nss_setup(void **state);
int ctu_nss_teardown(void **state);
/* Imports bytes as a generic secret; fails the test on error. */
PK11SymKey *ctu_key(const uint8_t *b, size_t len);
/* Asserts that key's value equals want[0..len). */
void ctu_assert_key(PK11SymKey *key, const uint8_t *want, size_t len);

#endif
