/* Tables: IKEv2 transform ids -> NSS mechanisms and lengths. */
#include <errno.h>
#include <stddef.h>

#include "ike/crypto_algs.h"

static const struct ike_crypto_prf_info prfs[] = {
	{ IKE_PRF_HMAC_SHA2_256, CKM_SHA256_HMAC, SEC_OID_SHA256, 32 },
	{ IKE_PRF_HMAC_SHA2_384, CKM_SHA384_HMAC, SEC_OID_SHA384, 48 },
	{ IKE_PRF_HMAC_SHA2_512, CKM_SHA512_HMAC, SEC_OID_SHA512, 64 },
};

static const struct ike_crypto_integ_info integs[] = {
	{ IKE_AUTH_HMAC_SHA2_256_128, CKM_SHA256_HMAC, 32, 16 },
	{ IKE_AUTH_HMAC_SHA2_384_192, CKM_SHA384_HMAC, 48, 24 },
	{ IKE_AUTH_HMAC_SHA2_512_256, CKM_SHA512_HMAC, 64, 32 },
};

static const struct ike_crypto_encr_info encrs[] = {
	{ IKE_ENCR_AES_CBC, CKM_AES_CBC, CKM_AES_KEY_GEN, 16, 0, 16, 16, 0, 0 },
	{ IKE_ENCR_AES_CBC, CKM_AES_CBC, CKM_AES_KEY_GEN, 32, 0, 16, 16, 0, 0 },
	{ IKE_ENCR_AES_GCM_16, CKM_AES_GCM, CKM_AES_KEY_GEN, 16, 4, 8, 1, 16, 1 },
	{ IKE_ENCR_AES_GCM_16, CKM_AES_GCM, CKM_AES_KEY_GEN, 32, 4, 8, 1, 16, 1 },
	{ IKE_ENCR_CHACHA20_POLY1305, CKM_CHACHA20_POLY1305,
	  CKM_CHACHA20_KEY_GEN, 32, 4, 8, 1, 16, 1 },
};

const struct ike_crypto_prf_info *
ike_crypto_algs_prf(unsigned prf_id)
{
	size_t i;

	for (i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++)
		if (prfs[i].id == prf_id)
			return &prfs[i];
	return NULL;
}

const struct ike_crypto_integ_info *
ike_crypto_algs_integ(unsigned integ_id)
{
	size_t i;

	for (i = 0; i < sizeof(integs) / sizeof(integs[0]); i++)
		if (integs[i].id == integ_id)
			return &integs[i];
	return NULL;
}

const struct ike_crypto_encr_info *
ike_crypto_algs_encr(unsigned encr_id, unsigned key_bits)
{
	size_t i;

	/* ChaCha20-Poly1305 has a fixed key and no Key Length attribute. */
	if (encr_id == IKE_ENCR_CHACHA20_POLY1305 && key_bits == 0)
		key_bits = 256;
	for (i = 0; i < sizeof(encrs) / sizeof(encrs[0]); i++)
		if (encrs[i].id == encr_id && encrs[i].key_len * 8 == key_bits)
			return &encrs[i];
	return NULL;
}

int
ike_crypto_algs_sizes(unsigned prf_id, unsigned encr_id, unsigned key_bits,
    unsigned integ_id, struct ike_crypto_sizes *out)
{
	const struct ike_crypto_prf_info *prf;
	const struct ike_crypto_encr_info *encr;
	const struct ike_crypto_integ_info *integ = NULL;

	out->sk_d = out->sk_a = out->sk_e = out->sk_p = 0;
	if ((prf = ike_crypto_algs_prf(prf_id)) == NULL ||
	    (encr = ike_crypto_algs_encr(encr_id, key_bits)) == NULL)
		return -ENOTSUP;
	if (encr->aead != (integ_id == IKE_AUTH_NONE))
		return -EINVAL;
	if (!encr->aead && (integ = ike_crypto_algs_integ(integ_id)) == NULL)
		return -ENOTSUP;
	out->sk_d = out->sk_p = prf->out_len;
	out->sk_a = integ != NULL ? integ->key_len : 0;
	out->sk_e = encr->key_len + encr->salt_len;
	return 0;
}
