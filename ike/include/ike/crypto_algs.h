/* IKEv2 transform ids (IANA "IKEv2 Parameters") and their NSS mechanisms. */
#ifndef IKE_CRYPTO_ALGS_H
#define IKE_CRYPTO_ALGS_H

#include <stddef.h>
#include <pkcs11t.h>
#include <secoidt.h>

/* Transform type 1: encryption algorithms. */
#define IKE_ENCR_AES_CBC                12
#define IKE_ENCR_AES_GCM_16             20
#define IKE_ENCR_CHACHA20_POLY1305      28
/* Transform type 2: pseudo-random functions. */
#define IKE_PRF_HMAC_SHA2_256           5
#define IKE_PRF_HMAC_SHA2_384           6
#define IKE_PRF_HMAC_SHA2_512           7
/* Transform type 3: integrity algorithms (0 = none, with an AEAD cipher). */
#define IKE_AUTH_NONE                   0
#define IKE_AUTH_HMAC_SHA2_256_128      12
#define IKE_AUTH_HMAC_SHA2_384_192      13
#define IKE_AUTH_HMAC_SHA2_512_256      14
/* Transform type 4: key exchange methods. */
#define IKE_DH_MODP_2048                14
#define IKE_DH_MODP_3072                15
#define IKE_DH_ECP_256                  19
#define IKE_DH_ECP_384                  20
#define IKE_DH_CURVE25519               31

struct ike_crypto_prf_info {
	unsigned id;
	CK_MECHANISM_TYPE hmac;   /* CKM_SHA256_HMAC ... */
	SECOidTag hash;           /* SEC_OID_SHA256 ... */
	size_t out_len;           /* output and preferred key length, bytes */
};

struct ike_crypto_integ_info {
	unsigned id;
	CK_MECHANISM_TYPE hmac;
	size_t key_len;           /* bytes */
	size_t icv_len;           /* truncated output, bytes */
};

struct ike_crypto_encr_info {
	unsigned id;
	CK_MECHANISM_TYPE mech;   /* CKM_AES_CBC, CKM_AES_GCM, CKM_CHACHA20_POLY1305 */
	CK_MECHANISM_TYPE keygen; /* key type to give the SK_e key in NSS */
	size_t key_len;           /* cipher key, bytes, without salt */
	size_t salt_len;          /* bytes of keymat after the key (AEAD: 4) */
	size_t iv_len;            /* explicit IV in the message */
	size_t block_len;         /* padding unit */
	size_t icv_len;           /* AEAD tag (0 for CBC: integrity transform) */
	int aead;
};

/* Tables are static; returned pointers are borrowed, never NULL on success. */
const struct ike_crypto_prf_info *ike_crypto_algs_prf(unsigned prf_id);
const struct ike_crypto_integ_info *ike_crypto_algs_integ(unsigned integ_id);
/* key_bits: the Key Length attribute (128/256; ChaCha20: 0 or 256). */
const struct ike_crypto_encr_info *ike_crypto_algs_encr(unsigned encr_id,
    unsigned key_bits);

/* Lengths of the IKE SA keys a suite needs (RFC 7296 2.14). */
struct ike_crypto_sizes {
	size_t sk_d, sk_a, sk_e, sk_p;   /* sk_e includes the AEAD salt */
};
/* Returns 0 or -EINVAL/-ENOTSUP. integ_id must be IKE_AUTH_NONE iff AEAD. */
int ike_crypto_algs_sizes(unsigned prf_id, unsigned encr_id,
    unsigned key_bits, unsigned integ_id, struct ike_crypto_sizes *out);

#endif
