/* Signing and verifying AUTH data through NSS (PK11_SignWithMechanism,
 * SGN_Digest, VFY_VerifyDigestDirect, PK11_Verify). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cryptohi.h>
#include <keyhi.h>
#include <pk11pub.h>

#include "ike/crypto_nss.h"
#include "crypto_sig_int.h"

struct sig_pss {
	CK_RSA_PKCS_PSS_PARAMS p;
	SECItem item;
};

static void
sig_pss_params(const struct sig_alg_info *i, struct sig_pss *s)
{
	memset(s, 0, sizeof(*s));
	switch (i->hash) {
	case SEC_OID_SHA384:
		s->p.hashAlg = CKM_SHA384;
		s->p.mgf = CKG_MGF1_SHA384;
		break;
	case SEC_OID_SHA512:
		s->p.hashAlg = CKM_SHA512;
		s->p.mgf = CKG_MGF1_SHA512;
		break;
	default:
		s->p.hashAlg = CKM_SHA256;
		s->p.mgf = CKG_MGF1_SHA256;
		break;
	}
	s->p.sLen = i->hash_len;
	s->item.type = siBuffer;
	s->item.data = (unsigned char *)&s->p;
	s->item.len = sizeof(s->p);
}

int
ike_crypto_sig_offered(enum ike_crypto_sig_alg alg)
{
	const struct sig_alg_info *i = ike_crypto_sig_info(alg);

	if (i == NULL)
		return 0;
	if (i->scheme == SIG_EDDSA)
		return ike_crypto_nss_has_mech(CKM_EDDSA);
	if (i->scheme == SIG_RSA_PSS)
		return ike_crypto_nss_has_mech(CKM_RSA_PKCS_PSS);
	return 1;
}

unsigned
ike_crypto_sig_method(enum ike_crypto_sig_alg alg)
{
	const struct sig_alg_info *i = ike_crypto_sig_info(alg);

	if (i == NULL)
		return 0;
	return i->algid == NULL ? IKE_AUTH_METHOD_RSA_SIG :
	    IKE_AUTH_METHOD_DIGITAL_SIG;
}

static int
sig_key_fits(const struct sig_alg_info *i, KeyType kt)
{
	if (i->scheme == SIG_ECDSA)
		return kt == ecKey;
	if (i->scheme == SIG_RSA_PSS || i->scheme == SIG_RSA_PKCS1)
		return kt == rsaKey;
	return 0;
}

static int
sig_hash(const struct sig_alg_info *i, const uint8_t *data, size_t len,
    uint8_t dig[64])
{
	if (len > INT_MAX)
		return -EINVAL;
	if (PK11_HashBuf(i->hash, dig, data, (PRInt32)len) != SECSuccess)
		return -EIO;
	return 0;
}

/* Produces the raw NSS signature (ECDSA: DER-encoded) into *sig, which
 * the caller frees with SECITEM_FreeItem(sig, PR_FALSE). */
static int
sig_raw_sign(SECKEYPrivateKey *key, const struct sig_alg_info *i,
    SECItem *dig, SECItem *sig)
{
	struct sig_pss pss;
	SECItem raw = { siBuffer, NULL, 0 };
	int n, r = -EIO;

	if (i->scheme == SIG_RSA_PKCS1)
		return SGN_Digest(key, i->hash, sig, dig) == SECSuccess ?
		    0 : -EIO;
	if ((n = PK11_SignatureLen(key)) <= 0)
		return -EIO;
	if (SECITEM_AllocItem(NULL, &raw, (unsigned)n) == NULL)
		return -ENOMEM;
	if (i->scheme == SIG_RSA_PSS) {
		sig_pss_params(i, &pss);
		if (PK11_SignWithMechanism(key, CKM_RSA_PKCS_PSS, &pss.item,
		    &raw, dig) != SECSuccess)
			goto out;
		*sig = raw;
		return 0;
	}
	if (PK11_Sign(key, &raw, dig) != SECSuccess ||
	    DSAU_EncodeDerSigWithLen(sig, &raw, raw.len) != SECSuccess)
		goto out;
	r = 0;
 out:
	SECITEM_FreeItem(&raw, PR_FALSE);
	return r;
}

int
ike_crypto_sig_sign(SECKEYPrivateKey *key, enum ike_crypto_sig_alg alg,
    const uint8_t *data, size_t len, uint8_t **out, size_t *out_len)
{
	const struct sig_alg_info *i = ike_crypto_sig_info(alg);
	uint8_t dig[64];
	SECItem d = { siBuffer, dig, 0 }, sig = { siBuffer, NULL, 0 };
	size_t pre;
	int r;

	*out = NULL;
	*out_len = 0;
	if (i == NULL || !ike_crypto_sig_offered(alg))
		return -ENOTSUP;
	if (!sig_key_fits(i, SECKEY_GetPrivateKeyType(key)))
		return -EINVAL;
	if ((r = sig_hash(i, data, len, dig)) != 0)
		return r;
	d.len = (unsigned)i->hash_len;
	if ((r = sig_raw_sign(key, i, &d, &sig)) != 0)
		return r;
	pre = i->algid != NULL ? 1 + i->algid_len : 0;
	if ((*out = malloc(pre + sig.len)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if (pre) {
		(*out)[0] = (uint8_t)i->algid_len;
		memcpy(*out + 1, i->algid, i->algid_len);
	}
	memcpy(*out + pre, sig.data, sig.len);
	*out_len = pre + sig.len;
 out:
	SECITEM_FreeItem(&sig, PR_FALSE);
	return r;
}

static int
sig_raw_verify(SECKEYPublicKey *key, const struct sig_alg_info *i,
    SECItem *dig, SECItem *sig)
{
	struct sig_pss pss;
	SECItem *raw;
	int n;
	SECStatus rv;

	if (i->scheme == SIG_RSA_PKCS1)
		rv = VFY_VerifyDigestDirect(dig, key, sig,
		    SEC_OID_PKCS1_RSA_ENCRYPTION, i->hash, NULL);
	else if (i->scheme == SIG_RSA_PSS) {
		sig_pss_params(i, &pss);
		rv = PK11_VerifyWithMechanism(key, CKM_RSA_PKCS_PSS,
		    &pss.item, sig, dig, NULL);
	} else {
		if ((n = SECKEY_SignatureLen(key)) <= 0)
			return -EBADMSG;
		if ((raw = DSAU_DecodeDerSigToLen(sig, (unsigned)n)) == NULL)
			return -EBADMSG;
		rv = PK11_Verify(key, raw, dig, NULL);
		SECITEM_FreeItem(raw, PR_TRUE);
	}
	return rv == SECSuccess ? 0 : -EBADMSG;
}

int
ike_crypto_sig_verify(SECKEYPublicKey *key, unsigned method,
    const uint8_t *auth, size_t auth_len, const uint8_t *data, size_t len,
    enum ike_crypto_sig_alg *alg)
{
	const struct sig_alg_info *i;
	uint8_t dig[64];
	SECItem d = { siBuffer, dig, 0 }, sig = { siBuffer, NULL, 0 };
	size_t pre;
	int r;

	if (alg != NULL)
		*alg = IKE_SIG_NONE;
	if (method == IKE_AUTH_METHOD_RSA_SIG) {
		i = ike_crypto_sig_info(IKE_SIG_RSA_PKCS1_SHA1);
		pre = 0;
	} else if (method == IKE_AUTH_METHOD_DIGITAL_SIG) {
		if (auth_len < 1 || (size_t)auth[0] + 1 >= auth_len)
			return -EINVAL;
		pre = 1 + (size_t)auth[0];
		if ((i = ike_crypto_sig_info_by_algid(auth + 1, auth[0])) ==
		    NULL || !ike_crypto_sig_offered(i->alg))
			return -ENOTSUP;
	} else {
		return -ENOTSUP;
	}
	if (auth_len <= pre || auth_len - pre > UINT_MAX)
		return -EINVAL;
	if (!sig_key_fits(i, SECKEY_GetPublicKeyType(key)))
		return -EBADMSG;
	if ((r = sig_hash(i, data, len, dig)) != 0)
		return r;
	d.len = (unsigned)i->hash_len;
	sig.data = (unsigned char *)auth + pre;
	sig.len = (unsigned)(auth_len - pre);
	if ((r = sig_raw_verify(key, i, &d, &sig)) != 0)
		return r;
	if (alg != NULL)
		*alg = i->alg;
	return 0;
}
