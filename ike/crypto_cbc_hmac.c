/* AES-CBC with HMAC-SHA2 for SK (RFC 7296 3.14, RFC 4868): the ICV is
 * the truncated HMAC over IKE header .. end of the ciphertext. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>

#include "ike/crypto_prf.h"
#include "crypto_sk_int.h"

static int
cbc_icv(const struct ike_crypto_sk *sk, const uint8_t *msg,
    const struct ike_crypto_sk_layout *l, uint8_t mac[64])
{
	PK11SymKey *key;
	size_t n;
	int r;

	if (ike_crypto_sk_key(sk, 1, &key) != 0)
		return -EIO;
	r = ike_crypto_prf_hmac(sk->integ->hmac, key,
	    msg + l->aad_off, l->icv_off - l->aad_off, mac, 64, &n);
	PK11_FreeSymKey(key);
	return r;
}

static int
cbc_run(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l, int enc)
{
	SECItem iv = { siBuffer, msg + l->iv_off, 16 };
	unsigned int got = 0;
	uint8_t *tmp;
	SECStatus rv;
	int r = -EIO;
	PK11SymKey *key;

	if (l->text_len > UINT_MAX || (tmp = malloc(l->text_len)) == NULL)
		return -ENOMEM;
	if (ike_crypto_sk_key(sk, 0, &key) != 0) {
		free(tmp);
		return -EIO;
	}
	if (enc)
		rv = PK11_Encrypt(key, CKM_AES_CBC, &iv, tmp, &got,
		    (unsigned)l->text_len, msg + l->text_off,
		    (unsigned)l->text_len);
	else
		rv = PK11_Decrypt(key, CKM_AES_CBC, &iv, tmp, &got,
		    (unsigned)l->text_len, msg + l->text_off,
		    (unsigned)l->text_len);
	PK11_FreeSymKey(key);
	if (rv == SECSuccess && got == l->text_len) {
		memcpy(msg + l->text_off, tmp, l->text_len);
		r = 0;
	}
	PORT_Memset(tmp, 0, l->text_len);
	free(tmp);
	return r;
}

int
ike_crypto_cbc_hmac_seal(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l)
{
	uint8_t mac[64];
	int r;

	if ((r = cbc_run(sk, msg, l, 1)) != 0)
		return r;
	if ((r = cbc_icv(sk, msg, l, mac)) != 0)
		return r;
	memcpy(msg + l->icv_off, mac, sk->integ->icv_len);
	return 0;
}

int
ike_crypto_cbc_hmac_open(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l)
{
	uint8_t mac[64];
	int r;

	if ((r = cbc_icv(sk, msg, l, mac)) != 0)
		return r;
	if (NSS_SecureMemcmp(mac, msg + l->icv_off, sk->integ->icv_len) != 0)
		return -EBADMSG;
	return cbc_run(sk, msg, l, 0);
}
