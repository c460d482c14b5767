/* Protection of the Encrypted (SK) payload: AES-GCM-16 (RFC 5282),
 * AES-CBC + HMAC-SHA2 (RFC 7296 3.14), ChaCha20-Poly1305 (RFC 7634). */
#ifndef IKE_CRYPTO_SK_H
#define IKE_CRYPTO_SK_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

#include "ike/crypto_rand.h"

struct ike_crypto_sk;   /* keys of one direction (SK_ei + SK_ai, ...) */

/* Where things are in the message buffer. The authenticated header part
 * [aad_off, aad_off + aad_len) is the IKE header through the SK payload
 * header and must end where the IV starts; then the IV, the encrypted text
 * (inner payloads | padding | pad length), then the ICV. */
struct ike_crypto_sk_layout {
	size_t aad_off, aad_len;
	size_t iv_off;
	size_t text_off, text_len;
	size_t icv_off;
};

/* Prepares one direction. sk_e (with the 4-byte salt at its end for the
 * AEAD ciphers) and sk_a (NULL for AEAD) are borrowed: the context keeps
 * its own derived keys. *out owned by the caller (ike_crypto_sk_free).
 * Returns 0, -EINVAL, -ENOTSUP (unknown or not offered by this NSS), -EIO. */
int ike_crypto_sk_new(unsigned encr_id, unsigned key_bits, unsigned integ_id,
    PK11SymKey *sk_e, PK11SymKey *sk_a, struct ike_crypto_sk **out);
void ike_crypto_sk_free(struct ike_crypto_sk *sk);

size_t ike_crypto_sk_iv_len(const struct ike_crypto_sk *sk);
size_t ike_crypto_sk_icv_len(const struct ike_crypto_sk *sk);

/* Computes the layout for plain_len bytes of inner payloads whose SK
 * payload header ends at hdr_end (AAD = [0, hdr_end)); *msg_len is the
 * whole message length to reserve. */
int ike_crypto_sk_plan(const struct ike_crypto_sk *sk, size_t hdr_end,
    size_t plain_len, struct ike_crypto_sk_layout *l, size_t *msg_len);

/* Encrypts in place: writes a fresh IV from rnd, the padding and pad
 * length after the plain_len bytes at l->text_off, the ciphertext and the
 * ICV. msg is borrowed. Returns 0, -EINVAL (layout), -EIO. */
int ike_crypto_sk_encrypt(const struct ike_crypto_sk *sk,
    ike_crypto_rand_fn rnd, void *rnd_arg, uint8_t *msg, size_t msg_len,
    const struct ike_crypto_sk_layout *l, size_t plain_len);

/* Verifies the ICV (constant time) and decrypts in place; on success
 * *plain_len is the length of the inner payloads at l->text_off.
 * Returns 0, -EINVAL (layout or padding), -EBADMSG (ICV), -EIO. */
int ike_crypto_sk_decrypt(const struct ike_crypto_sk *sk, uint8_t *msg,
    size_t msg_len, const struct ike_crypto_sk_layout *l,
    size_t *plain_len);

/* Layout of a received message: AAD [0, hdr_end), IV, text, ICV at the
 * end of the msg_len bytes. Returns 0 or -EINVAL if they do not fit. */
int ike_crypto_sk_parse_layout(const struct ike_crypto_sk *sk,
    size_t hdr_end, size_t msg_len, struct ike_crypto_sk_layout *l);

#endif
