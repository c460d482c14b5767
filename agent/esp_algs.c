/* Negotiated ESP transforms to kernel algorithm names and keys. */
#include "esp_algs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike/crypto_algs.h"

static const struct {
	unsigned id;
	const char *name;
} esp_algs_encr[] = {
	{ IKE_ENCR_AES_GCM_16, "rfc4106(gcm(aes))" },
	{ IKE_ENCR_CHACHA20_POLY1305, "rfc7539esp(chacha20,poly1305)" },
	{ IKE_ENCR_AES_CBC, "cbc(aes)" },
}, esp_algs_integ[] = {
	{ IKE_AUTH_HMAC_SHA2_256_128, "hmac(sha256)" },
	{ IKE_AUTH_HMAC_SHA2_384_192, "hmac(sha384)" },
	{ IKE_AUTH_HMAC_SHA2_512_256, "hmac(sha512)" },
};

const char *esp_algs_encr_name(unsigned encr_id)
{
	for (size_t i = 0; i < sizeof(esp_algs_encr) / sizeof(esp_algs_encr[0]); i++)
		if (esp_algs_encr[i].id == encr_id)
			return esp_algs_encr[i].name;
	return NULL;
}

const char *esp_algs_integ_name(unsigned integ_id)
{
	for (size_t i = 0; i < sizeof(esp_algs_integ) / sizeof(esp_algs_integ[0]); i++)
		if (esp_algs_integ[i].id == integ_id)
			return esp_algs_integ[i].name;
	return NULL;
}

static int esp_algs_set(struct kernel_alg *alg, const char *name, const uint8_t *key, size_t len, size_t want,
			unsigned icv_bits, char *why, size_t whylen)
{
	if (len != want) {
		snprintf(why, whylen, "%s needs a %zu-byte key, got %zu", name, want, len);
		return -EINVAL;
	}
	if (len > sizeof(alg->key)) {
		snprintf(why, whylen, "%s key of %zu bytes is too long", name, len);
		return -EINVAL;
	}
	snprintf(alg->name, sizeof(alg->name), "%s", name);
	memcpy(alg->key, key, len);
	alg->key_len = len;
	alg->icv_bits = icv_bits;
	return 0;
}

int esp_algs_to_kernel(unsigned encr_id, unsigned key_bits, unsigned integ_id, const uint8_t *encr_key,
		       size_t encr_len, const uint8_t *integ_key, size_t integ_len, struct kernel_sa *sa, char *why,
		       size_t whylen)
{
	const struct ike_crypto_encr_info *e = ike_crypto_algs_encr(encr_id, key_bits);
	const char *ename = esp_algs_encr_name(encr_id);
	if (e == NULL || ename == NULL) {
		snprintf(why, whylen, "ESP encryption transform %u (key %u bits) is not supported", encr_id, key_bits);
		return -ENOTSUP;
	}
	sa->aead = e->aead != 0;
	memset(&sa->auth, 0, sizeof(sa->auth));
	if (sa->aead) {
		if (integ_id != IKE_AUTH_NONE) {
			snprintf(why, whylen, "AEAD cipher %s takes no integrity transform (got %u)", ename, integ_id);
			return -EINVAL;
		}
		return esp_algs_set(&sa->enc, ename, encr_key, encr_len, e->key_len + e->salt_len,
				    (unsigned)e->icv_len * 8, why, whylen);
	}
	const struct ike_crypto_integ_info *in = ike_crypto_algs_integ(integ_id);
	const char *iname = esp_algs_integ_name(integ_id);
	if (in == NULL || iname == NULL) {
		snprintf(why, whylen, "%s needs a supported integrity transform (got %u)", ename, integ_id);
		return -ENOTSUP;
	}
	int r = esp_algs_set(&sa->enc, ename, encr_key, encr_len, e->key_len, 0, why, whylen);
	if (r == 0)
		r = esp_algs_set(&sa->auth, iname, integ_key, integ_len, in->key_len, (unsigned)in->icv_len * 8, why,
				 whylen);
	return r;
}
