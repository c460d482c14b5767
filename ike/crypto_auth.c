/* AUTH octets: the signed octets and the shared-key / NULL forms. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>

#include "ike/crypto_algs.h"
#include "ike/crypto_auth.h"
#include "ike/crypto_nss.h"
#include "ike/crypto_prf.h"

static const char key_pad[] = "Key Pad for IKEv2";   /* 17 octets, no NUL */

int
ike_crypto_auth_signed_octets(unsigned prf_id, PK11SymKey *sk_p,
    const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
    size_t nonce_len, const uint8_t *id_body, size_t id_len, uint8_t **out,
    size_t *out_len)
{
	const struct ike_crypto_prf_info *prf = ike_crypto_algs_prf(prf_id);
	uint8_t mac[64], *b;
	size_t n;
	int r;

	*out = NULL;
	*out_len = 0;
	if (prf == NULL)
		return -ENOTSUP;
	if (msg_len == 0 || nonce_len == 0 || id_len == 0 ||
	    msg_len > 65535 || nonce_len > 256 || id_len > 65535)
		return -EINVAL;
	if ((r = ike_crypto_prf(prf_id, sk_p, id_body, id_len, mac,
	    sizeof(mac), &n)) != 0)
		return r;
	if ((b = malloc(msg_len + nonce_len + n)) == NULL)
		return -ENOMEM;
	memcpy(b, msg, msg_len);
	memcpy(b + msg_len, nonce, nonce_len);
	memcpy(b + msg_len + nonce_len, mac, n);
	*out = b;
	*out_len = msg_len + nonce_len + n;
	return 0;
}

int
ike_crypto_auth_shared_key(unsigned prf_id, PK11SymKey *secret,
    const uint8_t *octets, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len)
{
	uint8_t inner[64];
	size_t n;
	PK11SymKey *k = NULL;
	int r;

	*out_len = 0;
	if ((r = ike_crypto_prf(prf_id, secret, (const uint8_t *)key_pad,
	    sizeof(key_pad) - 1, inner, sizeof(inner), &n)) != 0)
		return r;
	if ((r = ike_crypto_nss_import_key(inner, n,
	    CKM_GENERIC_SECRET_KEY_GEN, &k)) != 0)
		goto out;
	r = ike_crypto_prf(prf_id, k, octets, len, out, out_size, out_len);
 out:
	PORT_Memset(inner, 0, sizeof(inner));
	if (k != NULL)
		PK11_FreeSymKey(k);
	return r;
}

int
ike_crypto_auth_null(unsigned prf_id, PK11SymKey *sk_p, const uint8_t *octets,
    size_t len, uint8_t *out, size_t out_size, size_t *out_len)
{
	return ike_crypto_auth_shared_key(prf_id, sk_p, octets, len, out,
	    out_size, out_len);
}

int
ike_crypto_auth_check(const uint8_t *want, size_t want_len,
    const uint8_t *got, size_t got_len)
{
	if (want_len == 0 || want_len != got_len)
		return -EBADMSG;
	return NSS_SecureMemcmp(want, got, want_len) == 0 ? 0 : -EBADMSG;
}
