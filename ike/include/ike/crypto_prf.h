/* IKEv2 prf and prf+ (RFC 7296 2.13) through NSS. */
#ifndef IKE_CRYPTO_PRF_H
#define IKE_CRYPTO_PRF_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

/* HMAC(key, data) with NSS mechanism hmac (CKM_SHA256_HMAC ...): writes the
 * full output to out (out_size >= output length) and sets *out_len.
 * key is borrowed. Returns 0, -ENOSPC or -EIO. */
int ike_crypto_prf_hmac(CK_MECHANISM_TYPE hmac, PK11SymKey *key,
    const uint8_t *data, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len);

/* prf(key, data) for an IKE PRF transform id. key is borrowed. */
int ike_crypto_prf(unsigned prf_id, PK11SymKey *key, const uint8_t *data,
    size_t len, uint8_t *out, size_t out_size, size_t *out_len);

/* prf+(key, [seed_key |] seed) truncated to out_len bytes (at most 255
 * prf outputs). key and seed_key (may be NULL) are borrowed; on success *out
 * is a new key owned by the caller. Returns 0, -EINVAL, -ENOTSUP or -EIO. */
int ike_crypto_prf_plus(unsigned prf_id, PK11SymKey *key,
    PK11SymKey *seed_key, const uint8_t *seed, size_t seed_len,
    size_t out_len, PK11SymKey **out);

#endif
