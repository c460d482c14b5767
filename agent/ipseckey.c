/* IPSECKEY rdata <-> NSS public keys. Every length is checked first. */
#include "ipseckey.h"

#include <stdio.h>
#include <string.h>

#include <pk11pub.h>
#include <secitem.h>

/* SubjectPublicKeyInfo headers of uncompressed P-256 / P-384 points. */
static const uint8_t ipseckey_spki_p256[] = { 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
					      0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
					      0x07, 0x03, 0x42, 0x00, 0x04 };
static const uint8_t ipseckey_spki_p384[] = { 0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
					      0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,
					      0x03, 0x62, 0x00, 0x04 };

static int ipseckey_fail(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return -1;
}

int ipseckey_parse(const uint8_t *rdata, size_t len, struct ipseckey *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (len < 3)
		return ipseckey_fail(why, whylen, "IPSECKEY record shorter than its 3-byte header");
	out->precedence = rdata[0];
	out->gateway_type = rdata[1];
	out->algorithm = rdata[2];
	if (out->gateway_type != 0) {
		snprintf(why, whylen, "IPSECKEY gateway type %u: only 0 (no gateway: the host's own key) is accepted",
			 out->gateway_type);
		return -1;
	}
	if (len == 3)
		return ipseckey_fail(why, whylen, "IPSECKEY record carries no public key");
	if (len - 3 > IPSECKEY_KEY_MAX)
		return ipseckey_fail(why, whylen, "IPSECKEY public key longer than 1024 bytes");
	out->key = rdata + 3;
	out->key_len = len - 3;
	return 0;
}

/* Appends a DER length. */
static size_t ipseckey_der_len(uint8_t *p, size_t n)
{
	if (n < 128) {
		p[0] = (uint8_t)n;
		return 1;
	}
	if (n < 256) {
		p[0] = 0x81;
		p[1] = (uint8_t)n;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(n >> 8);
	p[2] = (uint8_t)n;
	return 3;
}

/* Appends an unsigned big-endian integer as a DER INTEGER. */
static size_t ipseckey_der_int(uint8_t *p, const uint8_t *v, size_t n)
{
	while (n > 1 && v[0] == 0) {
		v++;
		n--;
	}
	size_t pad = (v[0] & 0x80) ? 1 : 0, o = 0;
	p[o++] = 0x02;
	o += ipseckey_der_len(p + o, n + pad);
	if (pad)
		p[o++] = 0;
	memcpy(p + o, v, n);
	return o + n;
}

static int ipseckey_rsa(const struct ipseckey *k, SECKEYPublicKey **out, char *why, size_t whylen)
{
	const uint8_t *p = k->key;
	size_t len = k->key_len, elen, off;
	if (len < 1)
		return ipseckey_fail(why, whylen, "RSA key: empty");
	if (p[0] != 0) {
		elen = p[0];
		off = 1;
	} else {
		if (len < 3)
			return ipseckey_fail(why, whylen, "RSA key: truncated exponent length");
		elen = (size_t)p[1] << 8 | p[2];
		off = 3;
	}
	if (elen == 0 || elen > 16 || off + elen >= len)
		return ipseckey_fail(why, whylen, "RSA key: exponent length does not fit the record");
	size_t nlen = len - off - elen;
	if (nlen < 128)
		return ipseckey_fail(why, whylen, "RSA key: modulus shorter than 1024 bits");
	uint8_t der[IPSECKEY_KEY_MAX + 32], body[IPSECKEY_KEY_MAX + 24];
	size_t b = ipseckey_der_int(body, p + off + elen, nlen);
	b += ipseckey_der_int(body + b, p + off, elen);
	size_t d = 0;
	der[d++] = 0x30;
	d += ipseckey_der_len(der + d, b);
	memcpy(der + d, body, b);
	SECItem item = { siBuffer, der, (unsigned)(d + b) };
	*out = SECKEY_ImportDERPublicKey(&item, CKK_RSA);
	return *out ? 0 : ipseckey_fail(why, whylen, "RSA key: NSS refused the key");
}

static int ipseckey_ecdsa(const struct ipseckey *k, SECKEYPublicKey **out, char *why, size_t whylen)
{
	const uint8_t *hdr;
	size_t hlen;
	if (k->key_len == 64) {
		hdr = ipseckey_spki_p256;
		hlen = sizeof(ipseckey_spki_p256);
	} else if (k->key_len == 96) {
		hdr = ipseckey_spki_p384;
		hlen = sizeof(ipseckey_spki_p384);
	} else {
		snprintf(why, whylen, "ECDSA key of %zu bytes: expected 64 (P-256) or 96 (P-384)", k->key_len);
		return -1;
	}
	uint8_t der[sizeof(ipseckey_spki_p384) + 96];
	memcpy(der, hdr, hlen);
	memcpy(der + hlen, k->key, k->key_len);
	SECItem item = { siBuffer, der, (unsigned)(hlen + k->key_len) };
	CERTSubjectPublicKeyInfo *spki = SECKEY_DecodeDERSubjectPublicKeyInfo(&item);
	*out = spki ? SECKEY_ExtractPublicKey(spki) : NULL;
	if (spki != NULL)
		SECKEY_DestroySubjectPublicKeyInfo(spki);
	/* Decoding does not check the point; the token does when it imports it.
	 * Import a copy, so the returned key keeps no token object. */
	SECKEYPublicKey *copy = *out ? SECKEY_CopyPublicKey(*out) : NULL;
	PK11SlotInfo *slot = copy ? PK11_GetInternalSlot() : NULL;
	CK_OBJECT_HANDLE h = slot ? PK11_ImportPublicKey(slot, copy, PR_FALSE) : CK_INVALID_HANDLE;
	if (h != CK_INVALID_HANDLE && copy->pkcs11Slot == NULL)
		PK11_DestroyObject(slot, h);
	if (copy != NULL)
		SECKEY_DestroyPublicKey(copy); /* destroys the object it owns */
	if (slot != NULL)
		PK11_FreeSlot(slot);
	if (*out != NULL && h == CK_INVALID_HANDLE) {
		SECKEY_DestroyPublicKey(*out);
		*out = NULL;
	}
	return *out ? 0 : ipseckey_fail(why, whylen, "ECDSA key: not a point on the curve");
}

int ipseckey_public_key(const struct ipseckey *k, SECKEYPublicKey **out, char *why, size_t whylen)
{
	*out = NULL;
	switch (k->algorithm) {
	case IPSECKEY_ALG_RSA:
		return ipseckey_rsa(k, out, why, whylen);
	case IPSECKEY_ALG_ECDSA:
		return ipseckey_ecdsa(k, out, why, whylen);
	default:
		snprintf(why, whylen, "IPSECKEY algorithm %u: only 2 (RSA) and 3 (ECDSA) are supported", k->algorithm);
		return -1;
	}
}

static const uint8_t *ipseckey_strip(const SECItem *it, size_t *n)
{
	const uint8_t *p = it->data;
	*n = it->len;
	while (*n > 1 && p[0] == 0) {
		p++;
		(*n)--;
	}
	return p;
}

int ipseckey_from_public_key(const SECKEYPublicKey *pk, uint8_t *out, size_t cap, size_t *len,
			     uint8_t *algorithm, char *why, size_t whylen)
{
	*len = 0;
	if (pk->keyType == ecKey) {
		const SECItem *pv = &pk->u.ec.publicValue;
		if (pv->len < 65 || pv->data[0] != 0x04 || pv->len - 1 > cap)
			return ipseckey_fail(why, whylen, "EC key is not an uncompressed P-256/P-384 point");
		memcpy(out, pv->data + 1, pv->len - 1);
		*len = pv->len - 1;
		*algorithm = IPSECKEY_ALG_ECDSA;
		return 0;
	}
	if (pk->keyType != rsaKey)
		return ipseckey_fail(why, whylen, "only RSA and ECDSA keys can be published in IPSECKEY records");
	size_t elen, nlen;
	const uint8_t *e = ipseckey_strip(&pk->u.rsa.publicExponent, &elen);
	const uint8_t *n = ipseckey_strip(&pk->u.rsa.modulus, &nlen);
	size_t hdr = elen < 256 ? 1 : 3;
	if (hdr + elen + nlen > cap)
		return ipseckey_fail(why, whylen, "RSA key too large for an IPSECKEY record");
	if (hdr == 1) {
		out[0] = (uint8_t)elen;
	} else {
		out[0] = 0;
		out[1] = (uint8_t)(elen >> 8);
		out[2] = (uint8_t)elen;
	}
	memcpy(out + hdr, e, elen);
	memcpy(out + hdr + elen, n, nlen);
	*len = hdr + elen + nlen;
	*algorithm = IPSECKEY_ALG_RSA;
	return 0;
}
