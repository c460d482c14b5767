/* Internal to crypto_sk*.c, crypto_aead.c and crypto_cbc_hmac.c. */
#ifndef IKE_CRYPTO_SK_INT_H
#define IKE_CRYPTO_SK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_sk.h"

struct ike_crypto_sk {
	const struct ike_crypto_encr_info *encr;
	const struct ike_crypto_integ_info *integ;  /* NULL for AEAD */
	PK11SymKey *key;       /* cipher key, typed for encr->mech */
	PK11SymKey *mac_key;   /* SK_a copy, CBC only */
	uint8_t salt[4];       /* AEAD nonce prefix (not secret) */
};

/* Text is [text_off, text_off + text_len), the ICV follows it. */
int ike_crypto_aead_seal(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l);
int ike_crypto_aead_open(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l);
int ike_crypto_cbc_hmac_seal(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l);
int ike_crypto_cbc_hmac_open(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l);

#endif
