/* RFC 7427 appendix A AlgorithmIdentifier encodings and what they mean. */
#include <stddef.h>
#include <string.h>

#include "crypto_sig_int.h"

#define RSA_OID 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01
#define SHA2_OID 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02
/* RSASSA-PSS, hash h, MGF1 with h, salt s (RFC 4055 explicit form). */
#define PSS(h, s) 0x30, 0x41, RSA_OID, 0x0a, 0x30, 0x34, \
	0xa0, 0x0f, 0x30, 0x0d, SHA2_OID, h, 0x05, 0x00, \
	0xa1, 0x1c, 0x30, 0x1a, RSA_OID, 0x08, 0x30, 0x0d, SHA2_OID, h, \
	0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, s

static const uint8_t pss256[] = { PSS(0x01, 0x20) };
static const uint8_t pss384[] = { PSS(0x02, 0x30) };
static const uint8_t pss512[] = { PSS(0x03, 0x40) };
static const uint8_t rsa256[] = { 0x30, 0x0d, RSA_OID, 0x0b, 0x05, 0x00 };
static const uint8_t rsa384[] = { 0x30, 0x0d, RSA_OID, 0x0c, 0x05, 0x00 };
static const uint8_t rsa512[] = { 0x30, 0x0d, RSA_OID, 0x0d, 0x05, 0x00 };
#define ECDSA_OID 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04
static const uint8_t ecdsa256[] = { ECDSA_OID, 0x03, 0x02 };
static const uint8_t ecdsa384[] = { ECDSA_OID, 0x03, 0x03 };
static const uint8_t ecdsa512[] = { ECDSA_OID, 0x03, 0x04 };
static const uint8_t ed25519[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 };

#define A(x) x, sizeof(x)
static const struct sig_alg_info algs[] = {
	{ IKE_SIG_RSA_PKCS1_SHA1, SIG_RSA_PKCS1, SEC_OID_SHA1, 20, NULL, 0 },
	{ IKE_SIG_RSA_PSS_SHA256, SIG_RSA_PSS, SEC_OID_SHA256, 32, A(pss256) },
	{ IKE_SIG_RSA_PSS_SHA384, SIG_RSA_PSS, SEC_OID_SHA384, 48, A(pss384) },
	{ IKE_SIG_RSA_PSS_SHA512, SIG_RSA_PSS, SEC_OID_SHA512, 64, A(pss512) },
	{ IKE_SIG_RSA_PKCS1_SHA256, SIG_RSA_PKCS1, SEC_OID_SHA256, 32,
	  A(rsa256) },
	{ IKE_SIG_RSA_PKCS1_SHA384, SIG_RSA_PKCS1, SEC_OID_SHA384, 48,
	  A(rsa384) },
	{ IKE_SIG_RSA_PKCS1_SHA512, SIG_RSA_PKCS1, SEC_OID_SHA512, 64,
	  A(rsa512) },
	{ IKE_SIG_ECDSA_SHA256, SIG_ECDSA, SEC_OID_SHA256, 32, A(ecdsa256) },
	{ IKE_SIG_ECDSA_SHA384, SIG_ECDSA, SEC_OID_SHA384, 48, A(ecdsa384) },
	{ IKE_SIG_ECDSA_SHA512, SIG_ECDSA, SEC_OID_SHA512, 64, A(ecdsa512) },
	{ IKE_SIG_ED25519, SIG_EDDSA, SEC_OID_UNKNOWN, 0, A(ed25519) },
};

const struct sig_alg_info *
ike_crypto_sig_info(enum ike_crypto_sig_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

const struct sig_alg_info *
ike_crypto_sig_info_by_algid(const uint8_t *der, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].algid != NULL && algs[i].algid_len == len &&
		    memcmp(algs[i].algid, der, len) == 0)
			return &algs[i];
	return NULL;
}

const uint8_t *
ike_crypto_sig_algid(enum ike_crypto_sig_alg alg, size_t *len)
{
	const struct sig_alg_info *i = ike_crypto_sig_info(alg);

	*len = 0;
	if (i == NULL || i->algid == NULL)
		return NULL;
	*len = i->algid_len;
	return i->algid;
}
