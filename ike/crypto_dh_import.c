/* Key pairs from known values (tests, fixed-DH exchanges): the private
 * key goes into NSS as a PKCS#8 PrivateKeyInfo holding an RFC 5915
 * ECPrivateKey. Only DER framing is built here; NSS does the rest. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>
#include <pk11pub.h>

#include "ike/crypto_dh.h"
#include "crypto_dh_int.h"

#define DER_MAX 512

struct der {
	uint8_t b[DER_MAX];
	size_t len;
	int err;
};

/* id-ecPublicKey, 1.2.840.10045.2.1 */
static const uint8_t oid_ec_pub[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01 };

/* Appends raw bytes; the error is sticky. */
static void
der_raw(struct der *d, const uint8_t *v, size_t len)
{
	if (d->err || len > DER_MAX - d->len) {
		d->err = 1;
		return;
	}
	memcpy(d->b + d->len, v, len);
	d->len += len;
}

/* Appends tag | length | body (body shorter than 256 bytes). */
static void
der_tlv(struct der *d, uint8_t tag, const uint8_t *body, size_t len)
{
	uint8_t h[3] = { tag, 0x81, (uint8_t)len };

	if (len > 255) {
		d->err = 1;
		return;
	}
	if (len < 128) {
		h[1] = (uint8_t)len;
		der_raw(d, h, 2);
	} else {
		der_raw(d, h, 3);
	}
	der_raw(d, body, len);
}

/* PrivateKeyInfo { 0, AlgorithmIdentifier { id-ecPublicKey, curve },
 * OCTET STRING ECPrivateKey { 1, OCTET STRING priv, [1] BIT STRING pub } } */
static int
dh_import_pkcs8(const struct ike_crypto_dh *dh, const uint8_t *priv,
    size_t priv_len, const uint8_t *pub, size_t pub_len, struct der *out)
{
	static const uint8_t zero = 0, one = 1, point = 0x04;
	struct der bits = { .len = 0 }, pubw = { .len = 0 }, ecpk = { .len = 0 };
	struct der ecseq = { .len = 0 }, alg = { .len = 0 }, algseq = { .len = 0 };
	struct der info = { .len = 0 };

	der_raw(&bits, &zero, 1);                 /* no unused bits */
	if (dh->g->kind == DH_ECP)
		der_raw(&bits, &point, 1);
	der_raw(&bits, pub, pub_len);
	der_tlv(&pubw, 0x03, bits.b, bits.len);
	der_tlv(&ecpk, 0x02, &one, 1);
	der_tlv(&ecpk, 0x04, priv, priv_len);
	der_tlv(&ecpk, 0xa1, pubw.b, pubw.len);
	der_tlv(&ecseq, 0x30, ecpk.b, ecpk.len);
	der_raw(&alg, oid_ec_pub, sizeof(oid_ec_pub));
	der_raw(&alg, dh->ec_params, dh->ec_params_len);
	der_tlv(&algseq, 0x30, alg.b, alg.len);
	der_tlv(&info, 0x02, &zero, 1);
	der_raw(&info, algseq.b, algseq.len);
	der_tlv(&info, 0x04, ecseq.b, ecseq.len);
	der_tlv(out, 0x30, info.b, info.len);
	PORT_Memset(&ecpk, 0, sizeof(ecpk));
	PORT_Memset(&ecseq, 0, sizeof(ecseq));
	PORT_Memset(&info, 0, sizeof(info));
	return bits.err || pubw.err || ecpk.err || ecseq.err || alg.err ||
	    algseq.err || info.err || out->err ? -EINVAL : 0;
}

int
ike_crypto_dh_import(unsigned group, const uint8_t *priv, size_t priv_len,
    const uint8_t *pub, size_t pub_len, struct ike_crypto_dh **out)
{
	struct ike_crypto_dh *dh = NULL;
	PK11SlotInfo *slot = NULL;
	struct der pk8 = { .len = 0 };
	SECItem item;
	int r;

	*out = NULL;
	if ((dh = calloc(1, sizeof(*dh))) == NULL)
		return -ENOMEM;
	r = -ENOTSUP;
	if ((dh->g = ike_crypto_dh_group_find(group)) == NULL ||
	    dh->g->kind == DH_MODP)
		goto out;
	r = -EINVAL;
	if (pub_len != dh->g->ke_len || priv_len == 0 || priv_len > 66)
		goto out;
	if ((r = ike_crypto_dh_ec_params(dh)) != 0 ||
	    (r = dh_import_pkcs8(dh, priv, priv_len, pub, pub_len, &pk8)) != 0)
		goto out;
	r = -EIO;
	if ((dh->pub = ike_crypto_dh_pubkey(dh, pub, pub_len)) == NULL ||
	    (slot = PK11_GetInternalSlot()) == NULL)
		goto out;
	item.type = siBuffer;
	item.data = pk8.b;
	item.len = (unsigned)pk8.len;
	if (PK11_ImportDERPrivateKeyInfoAndReturnKey(slot, &item, NULL, NULL,
	    PR_FALSE, PR_FALSE, KU_KEY_AGREEMENT, &dh->priv, NULL) !=
	    SECSuccess || dh->priv == NULL)
		goto out;
	*out = dh;
	dh = NULL;
	r = 0;
 out:
	PORT_Memset(&pk8, 0, sizeof(pk8));
	if (slot != NULL)
		PK11_FreeSlot(slot);
	ike_crypto_dh_free(dh);
	return r;
}
