#ifndef SWANMESH_POLICY_PROPOSAL_H
#define SWANMESH_POLICY_PROPOSAL_H
/* IKE and ESP proposals: the configuration's strings
 * ("aes_gcm16_256-prfsha384-x25519") validated into IKEv2 transform ids
 * (IANA "Internet Key Exchange Version 2 (IKEv2) Parameters"), so the IKE
 * engine never parses strings. */
#include <stddef.h>
#include <stdint.h>

/* Transform type 1, encryption algorithms. */
enum policy_encr {
	POLICY_ENCR_AES_CBC = 12,
	POLICY_ENCR_AES_CTR = 13,
	POLICY_ENCR_AES_GCM_8 = 18,
	POLICY_ENCR_AES_GCM_12 = 19,
	POLICY_ENCR_AES_GCM_16 = 20,
	POLICY_ENCR_CHACHA20_POLY1305 = 28,
};
/* Transform type 2, pseudo-random functions. */
enum policy_prf {
	POLICY_PRF_HMAC_SHA1 = 2,
	POLICY_PRF_HMAC_SHA2_256 = 5,
	POLICY_PRF_HMAC_SHA2_384 = 6,
	POLICY_PRF_HMAC_SHA2_512 = 7,
};
/* Transform type 3, integrity algorithms (0: none, for AEAD ciphers). */
enum policy_integ {
	POLICY_INTEG_NONE = 0,
	POLICY_INTEG_HMAC_SHA1_96 = 2,
	POLICY_INTEG_HMAC_SHA2_256_128 = 12,
	POLICY_INTEG_HMAC_SHA2_384_192 = 13,
	POLICY_INTEG_HMAC_SHA2_512_256 = 14,
};
/* Transform type 4, key exchange methods (0: none, ESP without PFS). */
enum policy_dh {
	POLICY_DH_NONE = 0,
	POLICY_DH_MODP2048 = 14,
	POLICY_DH_MODP3072 = 15,
	POLICY_DH_MODP4096 = 16,
	POLICY_DH_ECP256 = 19,
	POLICY_DH_ECP384 = 20,
	POLICY_DH_ECP521 = 21,
	POLICY_DH_CURVE25519 = 31,
	POLICY_DH_CURVE448 = 32,
};

enum policy_proposal_kind {
	POLICY_PROPOSAL_IKE,  /* ENCR[-INTEG]-PRF-DH; PRF defaults to INTEG's hash */
	POLICY_PROPOSAL_ESP,  /* ENCR[-INTEG][-DH]; DH is the PFS group */
};

struct policy_proposal {
	uint16_t encr;        /* enum policy_encr */
	uint16_t key_bits;    /* Key Length attribute: 128, 192, 256 (0 for chacha20) */
	uint16_t integ;       /* enum policy_integ, 0 for AEAD */
	uint16_t prf;         /* enum policy_prf, 0 for ESP */
	uint16_t dh;          /* enum policy_dh, 0: none (ESP only) */
};

/* Parses one proposal string. On error returns -1 and writes a message
 * (what is wrong and what was expected) into err. */
int policy_proposal_parse(const char *s, enum policy_proposal_kind kind,
			  struct policy_proposal *out, char *err, size_t errlen);
/* Canonical string (parses back to the same proposal) into buf; returns buf. */
char *policy_proposal_format(const struct policy_proposal *p, char *buf, size_t len);

#endif
