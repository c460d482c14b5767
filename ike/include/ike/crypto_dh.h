/* IKEv2 key exchange: MODP 14/15, ECP 19/20, Curve25519 (31), with the
 * RFC 6989 checks on the peer's public value. */
#ifndef IKE_CRYPTO_DH_H
#define IKE_CRYPTO_DH_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

struct ike_crypto_dh;   /* one ephemeral key pair; opaque */

/* Length of the KE payload data for group (0 if unsupported):
 * MODP prime length, ECP 2 * coordinate length, X25519 32. */
size_t ike_crypto_dh_ke_len(unsigned group);

/* Generates an ephemeral key pair. On success *out is owned by the caller
 * (ike_crypto_dh_free). Returns 0, -ENOTSUP, -ENOMEM or -EIO. */
int ike_crypto_dh_new(unsigned group, struct ike_crypto_dh **out);
void ike_crypto_dh_free(struct ike_crypto_dh *dh);
unsigned ike_crypto_dh_group(const struct ike_crypto_dh *dh);

/* Our public value in KE payload encoding (MODP big-endian padded to the
 * prime length, ECP x | y per RFC 5903, X25519 32 bytes). */
int ike_crypto_dh_public(const struct ike_crypto_dh *dh, uint8_t *out,
    size_t out_size, size_t *out_len);

/* RFC 6989 checks that need no key: length, MODP 1 < y < p - 1,
 * ECP not all-zero. Returns 0 or -EINVAL (send INVALID_SYNTAX). */
int ike_crypto_dh_check_peer(unsigned group, const uint8_t *peer,
    size_t len);

/* g^ir from the peer's KE data: checks it (ECP: NSS refuses points not
 * on the curve; X25519: an all-zero result is refused), then derives.
 * *g_ir (fixed length: prime, coordinate or 32 bytes) is owned by the
 * caller. Returns 0, -EINVAL (bad peer value) or -EIO. */
int ike_crypto_dh_derive(const struct ike_crypto_dh *dh, const uint8_t *peer,
    size_t len, PK11SymKey **g_ir);

/* Makes a key pair from known values, for known-answer tests and the
 * fixed-DH in-process exchange tests only (ECP and X25519; MODP gives
 * -ENOTSUP): priv is the private scalar (ECP big-endian, X25519 the
 * RFC 7748 byte string), pub our KE encoding of its public value. The
 * private key is imported into NSS (PKCS#8) and not kept here.
 * On success *out is owned by the caller (ike_crypto_dh_free). */
int ike_crypto_dh_import(unsigned group, const uint8_t *priv,
    size_t priv_len, const uint8_t *pub, size_t pub_len,
    struct ike_crypto_dh **out);

#endif
