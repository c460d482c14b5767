/* SKEYSEED, IKE SA keys and Child SA KEYMAT. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>
#include <pkcs11n.h>

#include "ike/crypto_keymat.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_prf.h"

#define KEYMAT_KEY_FLAGS (CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | \
    CKF_VERIFY | CKF_DERIVE)

/* CKM_NSS_IKE_PRF_DERIVE: with data_as_key, prf(Ni | Nr, base);
 * otherwise prf(base, [new |] Ni | Nr). */
static int
keymat_prf_derive(unsigned prf_id, PK11SymKey *base, PK11SymKey *new_key,
    int data_as_key, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, PK11SymKey **out)
{
	const struct ike_crypto_prf_info *prf;
	CK_NSS_IKE_PRF_DERIVE_PARAMS p;
	SECItem param;

	*out = NULL;
	if ((prf = ike_crypto_algs_prf(prf_id)) == NULL)
		return -ENOTSUP;
	if (ni_len == 0 || nr_len == 0 || ni_len > 256 || nr_len > 256)
		return -EINVAL;
	memset(&p, 0, sizeof(p));
	p.prfMechanism = prf->hmac;
	p.bDataAsKey = data_as_key ? CK_TRUE : CK_FALSE;
	p.bRekey = new_key != NULL ? CK_TRUE : CK_FALSE;
	p.pNi = (CK_BYTE_PTR)ni;
	p.ulNiLen = ni_len;
	p.pNr = (CK_BYTE_PTR)nr;
	p.ulNrLen = nr_len;
	p.hNewKey = new_key != NULL ? PK11_GetSymKeyHandle(new_key) :
	    CK_INVALID_HANDLE;
	param.type = siBuffer;
	param.data = (unsigned char *)&p;
	param.len = sizeof(p);
	*out = PK11_DeriveWithFlags(base, CKM_NSS_IKE_PRF_DERIVE, &param,
	    CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE, (int)prf->out_len,
	    KEYMAT_KEY_FLAGS);
	return *out != NULL ? 0 : -EIO;
}

int
ike_crypto_keymat_skeyseed(unsigned prf_id, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, PK11SymKey *g_ir, PK11SymKey **out)
{
	return keymat_prf_derive(prf_id, g_ir, NULL, 1, ni, ni_len, nr,
	    nr_len, out);
}

int
ike_crypto_keymat_skeyseed_rekey(unsigned prf_id, PK11SymKey *sk_d_old,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, PK11SymKey **out)
{
	*out = NULL;
	if (g_ir_new == NULL)
		return -EINVAL;
	return keymat_prf_derive(prf_id, sk_d_old, g_ir_new, 0, ni, ni_len,
	    nr, nr_len, out);
}

void
ike_crypto_keymat_ike_keys_free(struct ike_crypto_ike_keys *keys)
{
	PK11SymKey **k[] = { &keys->sk_d, &keys->sk_ai, &keys->sk_ar,
	    &keys->sk_ei, &keys->sk_er, &keys->sk_pi, &keys->sk_pr };
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (*k[i] != NULL)
			PK11_FreeSymKey(*k[i]);
		*k[i] = NULL;
	}
}

/* Ni | Nr | [SPIi | SPIr] into a new buffer the caller frees. */
static uint8_t *
keymat_seed(const uint8_t *ni, size_t ni_len, const uint8_t *nr,
    size_t nr_len, const uint8_t *spi_i, const uint8_t *spi_r, size_t *len)
{
	size_t spis = spi_i != NULL ? 16 : 0;
	uint8_t *s;

	*len = 0;
	if (ni_len == 0 || nr_len == 0 || ni_len > 256 || nr_len > 256)
		return NULL;
	if ((s = malloc(ni_len + nr_len + spis)) == NULL)
		return NULL;
	memcpy(s, ni, ni_len);
	memcpy(s + ni_len, nr, nr_len);
	if (spis) {
		memcpy(s + ni_len + nr_len, spi_i, 8);
		memcpy(s + ni_len + nr_len + 8, spi_r, 8);
	}
	*len = ni_len + nr_len + spis;
	return s;
}

int
ike_crypto_keymat_ike_sa(unsigned prf_id, PK11SymKey *skeyseed,
    const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
    const uint8_t spi_i[8], const uint8_t spi_r[8],
    const struct ike_crypto_sizes *sz, struct ike_crypto_ike_keys *out)
{
	PK11SymKey *dkm = NULL;
	PK11SymKey **k[7] = { &out->sk_d, &out->sk_ai, &out->sk_ar,
	    &out->sk_ei, &out->sk_er, &out->sk_pi, &out->sk_pr };
	size_t len[7] = { sz->sk_d, sz->sk_a, sz->sk_a, sz->sk_e, sz->sk_e,
	    sz->sk_p, sz->sk_p };
	uint8_t *seed = NULL;
	size_t seed_len, off = 0, i;
	int r;

	memset(out, 0, sizeof(*out));
	if ((seed = keymat_seed(ni, ni_len, nr, nr_len, spi_i, spi_r,
	    &seed_len)) == NULL) {
		r = -EINVAL;
		goto out;
	}
	if ((r = ike_crypto_prf_plus(prf_id, skeyseed, NULL, seed, seed_len,
	    sz->sk_d + 2 * (sz->sk_a + sz->sk_e + sz->sk_p), &dkm)) != 0)
		goto out;
	for (i = 0; i < 7; off += len[i], i++) {
		if (len[i] == 0)
			continue;
		if ((r = ike_crypto_nss_key_slice(dkm, off, len[i],
		    CKM_GENERIC_SECRET_KEY_GEN, k[i])) != 0)
			goto out;
	}
	r = 0;
 out:
	if (r != 0)
		ike_crypto_keymat_ike_keys_free(out);
	if (dkm != NULL)
		PK11_FreeSymKey(dkm);
	free(seed);
	return r;
}

int
ike_crypto_keymat_child_bytes(unsigned prf_id, PK11SymKey *sk_d,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, uint8_t *out, size_t len)
{
	PK11SymKey *km = NULL;
	uint8_t *seed = NULL;
	size_t seed_len, got;
	int r;

	if ((seed = keymat_seed(ni, ni_len, nr, nr_len, NULL, NULL,
	    &seed_len)) == NULL)
		return -EINVAL;
	if ((r = ike_crypto_prf_plus(prf_id, sk_d, g_ir_new, seed, seed_len,
	    len, &km)) != 0)
		goto out;
	if ((r = ike_crypto_nss_key_bytes(km, out, len, &got)) != 0)
		goto out;
	r = got == len ? 0 : -EIO;
 out:
	if (km != NULL)
		PK11_FreeSymKey(km);
	free(seed);
	return r;
}

void
ike_crypto_keymat_child_clear(struct ike_crypto_child_keys *keys)
{
	PORT_Memset(keys, 0, sizeof(*keys));
}

int
ike_crypto_keymat_child(unsigned prf_id, PK11SymKey *sk_d,
    PK11SymKey *g_ir_new, const uint8_t *ni, size_t ni_len,
    const uint8_t *nr, size_t nr_len, size_t encr_len, size_t integ_len,
    struct ike_crypto_child_keys *out)
{
	uint8_t km[4 * IKE_CRYPTO_CHILD_KEY_MAX];
	int r;

	memset(out, 0, sizeof(*out));
	if (encr_len > IKE_CRYPTO_CHILD_KEY_MAX ||
	    integ_len > IKE_CRYPTO_CHILD_KEY_MAX || encr_len + integ_len == 0)
		return -EINVAL;
	if ((r = ike_crypto_keymat_child_bytes(prf_id, sk_d, g_ir_new, ni,
	    ni_len, nr, nr_len, km, 2 * (encr_len + integ_len))) != 0)
		goto out;
	memcpy(out->ei, km, encr_len);
	memcpy(out->ai, km + encr_len, integ_len);
	memcpy(out->er, km + encr_len + integ_len, encr_len);
	memcpy(out->ar, km + 2 * encr_len + integ_len, integ_len);
	out->encr_len = encr_len;
	out->integ_len = integ_len;
 out:
	PORT_Memset(km, 0, sizeof(km));
	return r;
}
