/* Ephemeral DH/ECDH/X25519 through NSS key pairs and PK11_PubDerive. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>
#include <pk11pub.h>
#include <secoid.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_dh.h"
#include "ike/crypto_nss.h"
#include "crypto_dh_groups.h"
#include "crypto_dh_int.h"

static const struct dh_group groups[] = {
	{ IKE_DH_MODP_2048, DH_MODP, 256, ike_crypto_dh_modp2048, 0 },
	{ IKE_DH_MODP_3072, DH_MODP, 384, ike_crypto_dh_modp3072, 0 },
	{ IKE_DH_ECP_256, DH_ECP, 64, NULL, SEC_OID_ANSIX962_EC_PRIME256V1 },
	{ IKE_DH_ECP_384, DH_ECP, 96, NULL, SEC_OID_SECG_EC_SECP384R1 },
	{ IKE_DH_CURVE25519, DH_X25519, 32, NULL, SEC_OID_CURVE25519 },
};

static const uint8_t dh_generator = 2;

const struct dh_group *
ike_crypto_dh_group_find(unsigned id)
{
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

size_t
ike_crypto_dh_ke_len(unsigned group)
{
	const struct dh_group *g = ike_crypto_dh_group_find(group);

	return g != NULL ? g->ke_len : 0;
}

unsigned
ike_crypto_dh_group(const struct ike_crypto_dh *dh)
{
	return dh->g->id;
}

void
ike_crypto_dh_free(struct ike_crypto_dh *dh)
{
	if (dh == NULL)
		return;
	if (dh->priv != NULL)
		SECKEY_DestroyPrivateKey(dh->priv);
	if (dh->pub != NULL)
		SECKEY_DestroyPublicKey(dh->pub);
	free(dh);
}

/* The curve's parameters as NSS wants them: a DER OBJECT IDENTIFIER. */
int
ike_crypto_dh_ec_params(struct ike_crypto_dh *dh)
{
	SECOidData *oid = SECOID_FindOIDByTag(dh->g->curve);

	if (oid == NULL || oid->oid.len + 2 > sizeof(dh->ec_params))
		return -ENOTSUP;
	dh->ec_params[0] = 0x06;  /* OBJECT IDENTIFIER */
	dh->ec_params[1] = (uint8_t)oid->oid.len;
	memcpy(dh->ec_params + 2, oid->oid.data, oid->oid.len);
	dh->ec_params_len = oid->oid.len + 2;
	return 0;
}

static int
dh_generate(struct ike_crypto_dh *dh, PK11SlotInfo *slot)
{
	SECKEYDHParams dhp;
	SECItem ecp;
	int r;

	if (dh->g->kind == DH_MODP) {
		memset(&dhp, 0, sizeof(dhp));
		dhp.prime.data = (unsigned char *)dh->g->prime;
		dhp.prime.len = (unsigned)dh->g->ke_len;
		dhp.base.data = (unsigned char *)&dh_generator;
		dhp.base.len = 1;
		dh->priv = PK11_GenerateKeyPair(slot, CKM_DH_PKCS_KEY_PAIR_GEN,
		    &dhp, &dh->pub, PR_FALSE, PR_FALSE, NULL);
	} else {
		if ((r = ike_crypto_dh_ec_params(dh)) != 0)
			return r;
		ecp.type = siBuffer;
		ecp.data = dh->ec_params;
		ecp.len = (unsigned)dh->ec_params_len;
		dh->priv = PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN,
		    &ecp, &dh->pub, PR_FALSE, PR_FALSE, NULL);
	}
	return dh->priv != NULL && dh->pub != NULL ? 0 : -EIO;
}

int
ike_crypto_dh_new(unsigned group, struct ike_crypto_dh **out)
{
	struct ike_crypto_dh *dh = NULL;
	PK11SlotInfo *slot = NULL;
	int r;

	*out = NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL)
		return -ENOMEM;
	if ((dh->g = ike_crypto_dh_group_find(group)) == NULL) {
		r = -ENOTSUP;
		goto out;
	}
	if ((slot = PK11_GetInternalSlot()) == NULL) {
		r = -EIO;
		goto out;
	}
	if ((r = dh_generate(dh, slot)) != 0)
		goto out;
	*out = dh;
	dh = NULL;
 out:
	if (slot != NULL)
		PK11_FreeSlot(slot);
	ike_crypto_dh_free(dh);
	return r;
}

int
ike_crypto_dh_public(const struct ike_crypto_dh *dh, uint8_t *out,
    size_t out_size, size_t *out_len)
{
	const SECItem *v;
	size_t n = dh->g->ke_len, skip = 0;

	*out_len = 0;
	if (out_size < n)
		return -ENOSPC;
	if (dh->g->kind == DH_MODP)
		v = &dh->pub->u.dh.publicValue;
	else
		v = &dh->pub->u.ec.publicValue;
	if (dh->g->kind == DH_ECP) {
		/* NSS holds 04 | x | y; IKE sends x | y (RFC 5903). */
		if (v->len != n + 1 || v->data[0] != 0x04)
			return -EIO;
		skip = 1;
	} else if (v->len > n) {
		return -EIO;
	}
	/* MODP: left-pad with zeros to the prime length. */
	memset(out, 0, n - (v->len - skip));
	memcpy(out + n - (v->len - skip), v->data + skip, v->len - skip);
	*out_len = n;
	return 0;
}

/* Big-endian compare of equal-length a and b: <0, 0, >0. Public data. */
static int
dh_cmp(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int
dh_check_modp(const struct dh_group *g, const uint8_t *y)
{
	uint8_t bound[384];
	size_t n = g->ke_len;

	/* y > 1: some byte before the last is set, or the last is > 1. */
	if (NSS_SecureMemcmpZero(y, n - 1) == 0 && y[n - 1] <= 1)
		return -EINVAL;
	/* y < p - 1; p is odd, so p - 1 only differs in its last byte. */
	memcpy(bound, g->prime, n);
	bound[n - 1] -= 1;
	return dh_cmp(y, bound, n) < 0 ? 0 : -EINVAL;
}

int
ike_crypto_dh_check_peer(unsigned group, const uint8_t *peer, size_t len)
{
	const struct dh_group *g = ike_crypto_dh_group_find(group);

	if (g == NULL)
		return -ENOTSUP;
	if (len != g->ke_len)
		return -EINVAL;
	if (g->kind == DH_MODP)
		return dh_check_modp(g, peer);
	if (g->kind == DH_ECP && NSS_SecureMemcmpZero(peer, len) == 0)
		return -EINVAL;
	return 0;
}

/* A public key object for a KE value (x | y for ECP), in an arena freed
 * with it; group parameters are borrowed from dh and the static tables. */
SECKEYPublicKey *
ike_crypto_dh_pubkey(const struct ike_crypto_dh *dh, const uint8_t *peer,
    size_t len)
{
	PLArenaPool *arena;
	SECKEYPublicKey *pk;
	size_t pre = dh->g->kind == DH_ECP ? 1 : 0;
	SECItem *v;

	if ((arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE)) == NULL)
		return NULL;
	if ((pk = PORT_ArenaZNew(arena, SECKEYPublicKey)) == NULL)
		goto fail;
	pk->arena = arena;
	pk->pkcs11ID = CK_INVALID_HANDLE;
	if (dh->g->kind == DH_MODP) {
		pk->keyType = dhKey;
		pk->u.dh.prime.data = (unsigned char *)dh->g->prime;
		pk->u.dh.prime.len = (unsigned)dh->g->ke_len;
		pk->u.dh.base.data = (unsigned char *)&dh_generator;
		pk->u.dh.base.len = 1;
		v = &pk->u.dh.publicValue;
	} else {
		pk->keyType = ecKey;
		pk->u.ec.DEREncodedParams.data = (unsigned char *)dh->ec_params;
		pk->u.ec.DEREncodedParams.len = (unsigned)dh->ec_params_len;
		v = &pk->u.ec.publicValue;
	}
	if (SECITEM_AllocItem(arena, v, (unsigned)(len + pre)) == NULL)
		goto fail;
	if (pre)
		v->data[0] = 0x04;  /* uncompressed point */
	memcpy(v->data + pre, peer, len);
	return pk;
 fail:
	PORT_FreeArena(arena, PR_FALSE);
	return NULL;
}

/* RFC 6989 / RFC 7748: an all-zero X25519 output means a small-order
 * peer value; refuse it. */
static int
dh_check_x25519(PK11SymKey *k)
{
	uint8_t v[32];
	size_t n;
	int r;

	if ((r = ike_crypto_nss_key_bytes(k, v, sizeof(v), &n)) != 0)
		return r;
	r = n != sizeof(v) || NSS_SecureMemcmpZero(v, n) == 0 ? -EINVAL : 0;
	PORT_Memset(v, 0, sizeof(v));
	return r;
}

/* NSS drops leading zero bytes of g^ir; IKE wants it at the prime length
 * (RFC 7296 2.14): prepend zeros with CKM_CONCATENATE_DATA_AND_BASE. */
static int
dh_pad_modp(const struct ike_crypto_dh *dh, PK11SymKey **k)
{
	static const uint8_t zeros[16];
	CK_KEY_DERIVATION_STRING_DATA data;
	SECItem param = { siBuffer, (unsigned char *)&data, sizeof(data) };
	size_t have = PK11_GetKeyLength(*k), want = dh->g->ke_len;
	PK11SymKey *padded;

	if (have == want)
		return 0;
	if (have > want || want - have > sizeof(zeros))
		return -EIO;   /* 2^-128 odds: treat as a failed exchange */
	data.pData = (CK_BYTE_PTR)zeros;
	data.ulLen = want - have;
	padded = PK11_DeriveWithFlags(*k, CKM_CONCATENATE_DATA_AND_BASE,
	    &param, CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE, (int)want,
	    CKF_SIGN | CKF_DERIVE);
	if (padded == NULL)
		return -EIO;
	PK11_FreeSymKey(*k);
	*k = padded;
	return 0;
}

int
ike_crypto_dh_derive(const struct ike_crypto_dh *dh, const uint8_t *peer,
    size_t len, PK11SymKey **g_ir)
{
	SECKEYPublicKey *pk = NULL;
	PK11SymKey *k = NULL;
	int r;

	*g_ir = NULL;
	if ((r = ike_crypto_dh_check_peer(dh->g->id, peer, len)) != 0)
		return r;
	if ((pk = ike_crypto_dh_pubkey(dh, peer, len)) == NULL)
		return -ENOMEM;
	if (dh->g->kind == DH_MODP)
		k = PK11_PubDerive(dh->priv, pk, PR_FALSE, NULL, NULL,
		    CKM_DH_PKCS_DERIVE, CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE,
		    0, NULL);
	else
		k = PK11_PubDeriveWithKDF(dh->priv, pk, PR_FALSE, NULL, NULL,
		    CKM_ECDH1_DERIVE, CKM_GENERIC_SECRET_KEY_GEN, CKA_DERIVE,
		    0, CKD_NULL, NULL, NULL);
	/* NSS fails the derivation for ECP points not on the curve. */
	if (k == NULL) {
		r = -EINVAL;
		goto out;
	}
	if (dh->g->kind == DH_X25519 && (r = dh_check_x25519(k)) != 0)
		goto out;
	if (dh->g->kind == DH_MODP && (r = dh_pad_modp(dh, &k)) != 0)
		goto out;
	if (PK11_GetKeyLength(k) != (dh->g->kind == DH_ECP ?
	    dh->g->ke_len / 2 : dh->g->ke_len)) {
		r = -EIO;
		goto out;
	}
	*g_ir = k;
	k = NULL;
	r = 0;
 out:
	if (k != NULL)
		PK11_FreeSymKey(k);
	SECKEY_DestroyPublicKey(pk);
	return r;
}
