/* prf and prf+: HMAC contexts and the NSS IKE prf+ derivation. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <pk11pub.h>
#include <pkcs11n.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_prf.h"

#define PRF_KEY_FLAGS (CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | CKF_VERIFY | \
    CKF_DERIVE)

int
ike_crypto_prf_hmac(CK_MECHANISM_TYPE hmac, PK11SymKey *key,
    const uint8_t *data, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len)
{
	PK11Context *ctx = NULL;
	SECItem noparam = { siBuffer, NULL, 0 };
	unsigned int got = 0;
	int r = -EIO;

	*out_len = 0;
	if (len > UINT_MAX || out_size > UINT_MAX)
		return -EINVAL;
	if ((ctx = PK11_CreateContextBySymKey(hmac, CKA_SIGN, key,
	    &noparam)) == NULL)
		goto out;
	if (PK11_DigestBegin(ctx) != SECSuccess)
		goto out;
	if (len > 0 && PK11_DigestOp(ctx, data, (unsigned)len) != SECSuccess)
		goto out;
	if (PK11_DigestFinal(ctx, out, &got, (unsigned)out_size) != SECSuccess) {
		r = -ENOSPC;
		goto out;
	}
	*out_len = got;
	r = 0;
 out:
	if (ctx != NULL)
		PK11_DestroyContext(ctx, PR_TRUE);
	return r;
}

int
ike_crypto_prf(unsigned prf_id, PK11SymKey *key, const uint8_t *data,
    size_t len, uint8_t *out, size_t out_size, size_t *out_len)
{
	const struct ike_crypto_prf_info *prf;

	*out_len = 0;
	if ((prf = ike_crypto_algs_prf(prf_id)) == NULL)
		return -ENOTSUP;
	if (out_size < prf->out_len)
		return -ENOSPC;
	return ike_crypto_prf_hmac(prf->hmac, key, data, len, out, out_size,
	    out_len);
}

int
ike_crypto_prf_plus(unsigned prf_id, PK11SymKey *key, PK11SymKey *seed_key,
    const uint8_t *seed, size_t seed_len, size_t out_len, PK11SymKey **out)
{
	const struct ike_crypto_prf_info *prf;
	CK_NSS_IKE_PRF_PLUS_DERIVE_PARAMS p;
	SECItem param;

	*out = NULL;
	if ((prf = ike_crypto_algs_prf(prf_id)) == NULL)
		return -ENOTSUP;
	if (out_len == 0 || out_len > 255 * prf->out_len ||
	    seed_len > ULONG_MAX)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	p.prfMechanism = prf->hmac;
	p.bHasSeedKey = seed_key != NULL ? CK_TRUE : CK_FALSE;
	p.hSeedKey = seed_key != NULL ? PK11_GetSymKeyHandle(seed_key) :
	    CK_INVALID_HANDLE;
	p.pSeedData = (CK_BYTE_PTR)seed;
	p.ulSeedDataLen = seed_len;
	param.type = siBuffer;
	param.data = (unsigned char *)&p;
	param.len = sizeof(p);
	*out = PK11_DeriveWithFlags(key, CKM_NSS_IKE_PRF_PLUS_DERIVE, &param,
	    CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE, (int)out_len,
	    PRF_KEY_FLAGS);
	return *out != NULL ? 0 : -EIO;
}
