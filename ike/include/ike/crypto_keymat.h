/* IKEv2 key derivation (RFC 7296 2.14, 2.17, 2.18). */
#ifndef IKE_CRYPTO_KEYMAT_H
#define IKE_CRYPTO_KEYMAT_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

#include "ike/crypto_algs.h"

/* All keys owned by the struct; sk_ai/sk_ar are NULL with an AEAD cipher. */
struct ike_crypto_ike_keys {
	PK11SymKey *sk_d, *sk_ai, *sk_ar, *sk_ei, *sk_er, *sk_pi, *sk_pr;
};

/* Child SA keys in bytes, for the kernel only (RFC 7296 2.17 order:
 * initiator->responder encr, integ, then responder->initiator). encr keys
 * include the AEAD salt. Wipe with ike_crypto_keymat_child_clear(). */
#define IKE_CRYPTO_CHILD_KEY_MAX 64
struct ike_crypto_child_keys {
	uint8_t ei[IKE_CRYPTO_CHILD_KEY_MAX], ai[IKE_CRYPTO_CHILD_KEY_MAX];
	uint8_t er[IKE_CRYPTO_CHILD_KEY_MAX], ar[IKE_CRYPTO_CHILD_KEY_MAX];
	size_t encr_len, integ_len;
};

/* SKEYSEED = prf(Ni | Nr, g^ir). g_ir borrowed; *out owned by caller. */
int ike_crypto_keymat_skeyseed(unsigned prf_id, const uint8_t *ni,
    size_t ni_len, const uint8_t *nr, size_t nr_len, PK11SymKey *g_ir,
    PK11SymKey **out);

/* Rekey: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr). Keys borrowed;
 * *out owned by caller. */
int ike_crypto_keymat_skeyseed_rekey(unsigned prf_id, PK11SymKey *sk_d_old,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, PK11SymKey **out);

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), sizes from ike_crypto_algs_sizes.
 * spi_i/spi_r are 8 bytes. On success *out owns seven (or five) new keys;
 * on failure *out is all NULL. */
int ike_crypto_keymat_ike_sa(unsigned prf_id, PK11SymKey *skeyseed,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[8], const uint8_t spi_r[8],
    const struct ike_crypto_sizes *sizes, struct ike_crypto_ike_keys *out);
void ike_crypto_keymat_ike_keys_free(struct ike_crypto_ike_keys *keys);

/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), len bytes into out.
 * g_ir_new may be NULL (no PFS). Key bytes: kernel export only. */
int ike_crypto_keymat_child_bytes(unsigned prf_id, PK11SymKey *sk_d,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, uint8_t *out, size_t len);

/* The same, split per direction; encr_len includes the salt. */
int ike_crypto_keymat_child(unsigned prf_id, PK11SymKey *sk_d,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, size_t encr_len, size_t integ_len,
    struct ike_crypto_child_keys *out);
void ike_crypto_keymat_child_clear(struct ike_crypto_child_keys *keys);

#endif
