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
	/* The key values, not NSS key objects: a softoken key costs ~6 KiB,
	 * and an established IKE SA seals a message only now and then. Each
	 * operation imports them for its own duration (ike_crypto_sk_key). */
	uint8_t key[32];       /* cipher key (SK_e without the salt) */
	uint8_t mac[64];       /* SK_a, CBC only */
	uint8_t key_len, mac_len;
	uint8_t salt[4];       /* AEAD nonce prefix (not secret) */
};

/* A key object for one operation: the cipher key typed for encr->mech
 * (mac == 0) or the HMAC key (mac == 1). *out owned by the caller
 * (PK11_FreeSymKey). 0 or -EIO. */
int ike_crypto_sk_key(const struct ike_crypto_sk *sk, int mac, PK11SymKey **out);

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
