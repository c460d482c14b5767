/* SK payload: key set-up, layout checks, padding; the ciphers live in
 * crypto_aead.c and crypto_cbc_hmac.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pk11pub.h>

#include "ike/crypto_nss.h"
#include "crypto_sk_int.h"

void
ike_crypto_sk_free(struct ike_crypto_sk *sk)
{
	if (sk == NULL)
		return;
	PORT_Memset(sk, 0, sizeof(*sk));
	free(sk);
}

int
ike_crypto_sk_key(const struct ike_crypto_sk *sk, int mac, PK11SymKey **out)
{
	if (mac)
		return ike_crypto_nss_import_key(sk->mac, sk->mac_len,
		    CKM_GENERIC_SECRET_KEY_GEN, out);
	return ike_crypto_nss_import_key(sk->key, sk->key_len, sk->encr->mech,
	    out);
}

/* SK_e (cipher key, then the AEAD salt) and SK_a into sk's buffers. */
static int
sk_keys(struct ike_crypto_sk *sk, PK11SymKey *sk_e, PK11SymKey *sk_a)
{
	uint8_t v[96];
	size_t n;
	int r;

	if (sk->encr->key_len > sizeof(sk->key) ||
	    sk->encr->salt_len > sizeof(sk->salt))
		return -EINVAL;
	if ((r = ike_crypto_nss_key_bytes(sk_e, v, sizeof(v), &n)) != 0)
		goto out;
	r = -EINVAL;
	if (n != sk->encr->key_len + sk->encr->salt_len)
		goto out;
	memcpy(sk->key, v, sk->encr->key_len);
	sk->key_len = (uint8_t)sk->encr->key_len;
	memcpy(sk->salt, v + sk->encr->key_len, sk->encr->salt_len);
	if (sk->integ == NULL) {
		r = 0;
		goto out;
	}
	if (sk_a == NULL || sk->integ->key_len > sizeof(sk->mac))
		goto out;
	if ((r = ike_crypto_nss_key_bytes(sk_a, v, sizeof(v), &n)) != 0)
		goto out;
	r = -EINVAL;
	if (n != sk->integ->key_len)
		goto out;
	memcpy(sk->mac, v, n);
	sk->mac_len = (uint8_t)n;
	r = 0;
 out:
	PORT_Memset(v, 0, sizeof(v));
	return r;
}

int
ike_crypto_sk_new(unsigned encr_id, unsigned key_bits, unsigned integ_id,
    PK11SymKey *sk_e, PK11SymKey *sk_a, struct ike_crypto_sk **out)
{
	struct ike_crypto_sk *sk;
	int r;

	*out = NULL;
	if ((sk = calloc(1, sizeof(*sk))) == NULL)
		return -ENOMEM;
	r = -ENOTSUP;
	if ((sk->encr = ike_crypto_algs_encr(encr_id, key_bits)) == NULL ||
	    !ike_crypto_nss_has_mech(sk->encr->mech))
		goto out;
	r = -EINVAL;
	if (sk->encr->aead != (integ_id == 0) || sk_e == NULL)
		goto out;
	r = -ENOTSUP;
	if (!sk->encr->aead &&
	    (sk->integ = ike_crypto_algs_integ(integ_id)) == NULL)
		goto out;
	if ((r = sk_keys(sk, sk_e, sk_a)) != 0)
		goto out;
	*out = sk;
	sk = NULL;
 out:
	ike_crypto_sk_free(sk);
	return r;
}

size_t
ike_crypto_sk_iv_len(const struct ike_crypto_sk *sk)
{
	return sk->encr->iv_len;
}

size_t
ike_crypto_sk_icv_len(const struct ike_crypto_sk *sk)
{
	return sk->integ != NULL ? sk->integ->icv_len : sk->encr->icv_len;
}

int
ike_crypto_sk_plan(const struct ike_crypto_sk *sk, size_t hdr_end,
    size_t plain_len, struct ike_crypto_sk_layout *l, size_t *msg_len)
{
	size_t b = sk->encr->block_len, text;

	memset(l, 0, sizeof(*l));
	*msg_len = 0;
	if (plain_len > 65535 || hdr_end > 65535)
		return -EINVAL;
	text = (plain_len + 1 + b - 1) / b * b;   /* + pad length byte */
	l->aad_len = hdr_end;
	l->iv_off = hdr_end;
	l->text_off = hdr_end + sk->encr->iv_len;
	l->text_len = text;
	l->icv_off = l->text_off + text;
	*msg_len = l->icv_off + ike_crypto_sk_icv_len(sk);
	return 0;
}

int
ike_crypto_sk_parse_layout(const struct ike_crypto_sk *sk, size_t hdr_end,
    size_t msg_len, struct ike_crypto_sk_layout *l)
{
	size_t fixed = hdr_end + sk->encr->iv_len + ike_crypto_sk_icv_len(sk);

	memset(l, 0, sizeof(*l));
	if (msg_len < fixed + 1)
		return -EINVAL;
	l->aad_len = hdr_end;
	l->iv_off = hdr_end;
	l->text_off = hdr_end + sk->encr->iv_len;
	l->text_len = msg_len - fixed;
	l->icv_off = l->text_off + l->text_len;
	return 0;
}

/* The pieces must be adjacent and inside the message. */
static int
sk_check_layout(const struct ike_crypto_sk *sk, size_t msg_len,
    const struct ike_crypto_sk_layout *l)
{
	if (l->aad_off > msg_len || l->aad_len > msg_len - l->aad_off ||
	    l->aad_off + l->aad_len != l->iv_off)
		return -EINVAL;
	if (l->iv_off + sk->encr->iv_len != l->text_off ||
	    l->text_off > msg_len || l->text_len > msg_len - l->text_off ||
	    l->text_off + l->text_len != l->icv_off)
		return -EINVAL;
	if (l->icv_off + ike_crypto_sk_icv_len(sk) > msg_len ||
	    l->text_len == 0 || l->text_len % sk->encr->block_len != 0)
		return -EINVAL;
	return 0;
}

int
ike_crypto_sk_encrypt(const struct ike_crypto_sk *sk, ike_crypto_rand_fn rnd,
    void *rnd_arg, uint8_t *msg, size_t msg_len,
    const struct ike_crypto_sk_layout *l, size_t plain_len)
{
	size_t pad;
	int r;

	if ((r = sk_check_layout(sk, msg_len, l)) != 0)
		return r;
	if (plain_len >= l->text_len || l->text_len - plain_len - 1 > 255)
		return -EINVAL;
	pad = l->text_len - plain_len - 1;
	memset(msg + l->text_off + plain_len, 0, pad);
	msg[l->text_off + l->text_len - 1] = (uint8_t)pad;
	if ((r = rnd(rnd_arg, msg + l->iv_off, sk->encr->iv_len)) != 0)
		return r;
	if (sk->encr->aead)
		return ike_crypto_aead_seal(sk, msg, l);
	return ike_crypto_cbc_hmac_seal(sk, msg, l);
}

int
ike_crypto_sk_decrypt(const struct ike_crypto_sk *sk, uint8_t *msg,
    size_t msg_len, const struct ike_crypto_sk_layout *l, size_t *plain_len)
{
	size_t pad;
	int r;

	*plain_len = 0;
	if ((r = sk_check_layout(sk, msg_len, l)) != 0)
		return r;
	if (sk->encr->aead)
		r = ike_crypto_aead_open(sk, msg, l);
	else
		r = ike_crypto_cbc_hmac_open(sk, msg, l);
	if (r != 0)
		return r;
	pad = msg[l->text_off + l->text_len - 1];
	if (pad + 1 > l->text_len)
		return -EINVAL;
	*plain_len = l->text_len - pad - 1;
	return 0;
}
