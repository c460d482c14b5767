/* AUTH signatures: RFC 7427 Digital Signature (auth method 14) with
 * RSASSA-PSS, RSA PKCS#1 v1.5 with SHA-2 and ECDSA; and RFC 7296 RSA
 * Digital Signature (auth method 1: PKCS#1 v1.5 with SHA-1) for interop.
 * Ed25519 is not offered: the NSS 3.87 softoken has no CKM_EDDSA
 * (ike_crypto_sig_offered() says so at run time). */
#ifndef IKE_CRYPTO_SIG_H
#define IKE_CRYPTO_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <keythi.h>

/* IKEv2 Authentication Method values (IANA). */
#define IKE_AUTH_METHOD_RSA_SIG         1
#define IKE_AUTH_METHOD_SHARED_KEY      2
#define IKE_AUTH_METHOD_NULL            13
#define IKE_AUTH_METHOD_DIGITAL_SIG     14

enum ike_crypto_sig_alg {
	IKE_SIG_NONE = 0,
	IKE_SIG_RSA_PKCS1_SHA1,     /* method 1 only: no AlgorithmIdentifier */
	IKE_SIG_RSA_PSS_SHA256,     /* the rest: method 14 */
	IKE_SIG_RSA_PSS_SHA384,
	IKE_SIG_RSA_PSS_SHA512,
	IKE_SIG_RSA_PKCS1_SHA256,
	IKE_SIG_RSA_PKCS1_SHA384,
	IKE_SIG_RSA_PKCS1_SHA512,
	IKE_SIG_ECDSA_SHA256,       /* P-256 keys */
	IKE_SIG_ECDSA_SHA384,       /* P-384 keys */
	IKE_SIG_ECDSA_SHA512,
	IKE_SIG_ED25519,            /* recognised; offered only if NSS can */
};

/* 1 if this NSS can sign and verify alg. */
int ike_crypto_sig_offered(enum ike_crypto_sig_alg alg);

/* The auth method an algorithm is sent with (1 or 14). */
unsigned ike_crypto_sig_method(enum ike_crypto_sig_alg alg);

/* Signs data and returns the AUTH payload's Authentication Data: for
 * method 14 "ASN.1 length | AlgorithmIdentifier | signature" (ECDSA
 * signature DER-encoded per RFC 7427 3), for method 1 the bare signature.
 * key is borrowed. On success *out (malloc) is owned by the caller.
 * Returns 0, -EINVAL (key does not fit alg), -ENOTSUP, -ENOMEM, -EIO. */
int ike_crypto_sig_sign(SECKEYPrivateKey *key, enum ike_crypto_sig_alg alg,
    const uint8_t *data, size_t len, uint8_t **out, size_t *out_len);

/* Verifies the Authentication Data of auth method 1 or 14 over data with
 * key (borrowed). *alg (may be NULL) is set to the recognised algorithm
 * on success. Returns 0, -EBADMSG (bad signature or algorithm that does
 * not fit the key), -ENOTSUP (unknown AlgorithmIdentifier or method),
 * -EINVAL (malformed). */
int ike_crypto_sig_verify(SECKEYPublicKey *key, unsigned auth_method,
    const uint8_t *auth, size_t auth_len, const uint8_t *data, size_t len,
    enum ike_crypto_sig_alg *alg);

/* The RFC 7427 AlgorithmIdentifier DER of alg (borrowed, static), or NULL
 * for method-1 algorithms. */
const uint8_t *ike_crypto_sig_algid(enum ike_crypto_sig_alg alg,
    size_t *len);

#endif
