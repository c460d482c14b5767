/* AES-GCM-16 (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) for SK:
 * nonce = salt(4) | IV(8), AAD = IKE header .. SK payload header. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>

#include "crypto_sk_int.h"

struct aead_params {
	uint8_t nonce[12];
	CK_GCM_PARAMS_V3 gcm;
	CK_SALSA20_CHACHA20_POLY1305_PARAMS chacha;
	SECItem item;
};

static void
aead_params(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l, struct aead_params *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->nonce, sk->salt, 4);
	memcpy(p->nonce + 4, msg + l->iv_off, 8);
	p->item.type = siBuffer;
	if (sk->encr->mech == CKM_AES_GCM) {
		p->gcm.pIv = p->nonce;
		p->gcm.ulIvLen = sizeof(p->nonce);
		p->gcm.ulIvBits = sizeof(p->nonce) * 8;
		p->gcm.pAAD = msg + l->aad_off;
		p->gcm.ulAADLen = l->aad_len;
		p->gcm.ulTagBits = sk->encr->icv_len * 8;
		p->item.data = (unsigned char *)&p->gcm;
		p->item.len = sizeof(p->gcm);
	} else {
		p->chacha.pNonce = p->nonce;
		p->chacha.ulNonceLen = sizeof(p->nonce);
		p->chacha.pAAD = msg + l->aad_off;
		p->chacha.ulAADLen = l->aad_len;
		p->item.data = (unsigned char *)&p->chacha;
		p->item.len = sizeof(p->chacha);
	}
}

/* NSS writes ciphertext | tag (or plaintext) to a separate buffer;
 * copy it back over [text_off, ...). */
static int
aead_run(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l, int seal)
{
	struct aead_params p;
	size_t tag = sk->encr->icv_len, in_len, want;
	unsigned int got = 0;
	uint8_t *tmp;
	SECStatus rv;
	int r = -EIO;
	PK11SymKey *key;

	in_len = l->text_len + (seal ? 0 : tag);
	want = l->text_len + (seal ? tag : 0);
	if (in_len > UINT_MAX - tag)
		return -ENOMEM;
	if (ike_crypto_sk_key(sk, 0, &key) != 0)
		return -EIO;
	if ((tmp = malloc(in_len + tag)) == NULL) {
		PK11_FreeSymKey(key);
		return -ENOMEM;
	}
	aead_params(sk, msg, l, &p);
	if (seal)
		rv = PK11_Encrypt(key, sk->encr->mech, &p.item, tmp, &got,
		    (unsigned)(in_len + tag), msg + l->text_off,
		    (unsigned)in_len);
	else
		rv = PK11_Decrypt(key, sk->encr->mech, &p.item, tmp, &got,
		    (unsigned)(in_len + tag), msg + l->text_off,
		    (unsigned)in_len);
	if (rv != SECSuccess) {
		/* Decryption fails only on a bad tag (or bad input). */
		r = seal ? -EIO : -EBADMSG;
		goto out;
	}
	if (got != want)
		goto out;
	memcpy(msg + l->text_off, tmp, want);
	r = 0;
 out:
	PK11_FreeSymKey(key);
	PORT_Memset(tmp, 0, in_len + tag);
	free(tmp);
	return r;
}

int
ike_crypto_aead_seal(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l)
{
	return aead_run(sk, msg, l, 1);
}

int
ike_crypto_aead_open(const struct ike_crypto_sk *sk, uint8_t *msg,
    const struct ike_crypto_sk_layout *l)
{
	return aead_run(sk, msg, l, 0);
}
