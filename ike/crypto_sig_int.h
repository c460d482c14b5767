/* Internal to crypto_sig*.c. */
#ifndef IKE_CRYPTO_SIG_INT_H
#define IKE_CRYPTO_SIG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <secoidt.h>

#include "ike/crypto_sig.h"

#define SIG_RSA_PKCS1 1
#define SIG_RSA_PSS 2
#define SIG_ECDSA 3
#define SIG_EDDSA 4

struct sig_alg_info {
	enum ike_crypto_sig_alg alg;
	int scheme;
	SECOidTag hash;
	size_t hash_len;          /* also the PSS salt length */
	const uint8_t *algid;     /* NULL: auth method 1 */
	size_t algid_len;
};

const struct sig_alg_info *ike_crypto_sig_info(enum ike_crypto_sig_alg alg);
const struct sig_alg_info *ike_crypto_sig_info_by_algid(const uint8_t *der,
    size_t len);

#endif
