#ifndef SWANMESH_AGENT_IPSECKEY_H
#define SWANMESH_AGENT_IPSECKEY_H
/* IPSECKEY records (RFC 4025) and the public keys they carry: RSA
 * (algorithm 2, RFC 3110 layout) and ECDSA (algorithm 3: the curve point
 * x || y without the uncompressed-point prefix, P-256 or P-384 by length,
 * as libreswan publishes it). */
#include <stddef.h>
#include <stdint.h>

#include <keyhi.h>

#define IPSECKEY_ALG_RSA 2
#define IPSECKEY_ALG_ECDSA 3
#define IPSECKEY_KEY_MAX 1024 /* bytes: RSA-8192 with a 4-byte exponent fits */

struct ipseckey {
	uint8_t precedence, gateway_type, algorithm;
	const uint8_t *key; /* borrowed from the rdata */
	size_t key_len;
};

/* Parses rdata (len bytes) into *out; only gateway type 0 (no gateway, a
 * host's own key) is accepted. Returns 0, or -1 with a sentence in why. */
int ipseckey_parse(const uint8_t *rdata, size_t len, struct ipseckey *out, char *why, size_t whylen);

/* The NSS public key of a parsed record. *out owned by the caller
 * (SECKEY_DestroyPublicKey). Returns 0 or -1 + why. */
int ipseckey_public_key(const struct ipseckey *k, SECKEYPublicKey **out, char *why, size_t whylen);

/* The record's public-key field and algorithm for one of our keys. */
int ipseckey_from_public_key(const SECKEYPublicKey *pk, uint8_t *out, size_t cap, size_t *len,
			     uint8_t *algorithm, char *why, size_t whylen);

#endif
