/* Internal to crypto_dh*.c. */
#ifndef IKE_CRYPTO_DH_INT_H
#define IKE_CRYPTO_DH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <keythi.h>
#include <secoidt.h>

struct dh_group {
	unsigned id;
	int kind;                /* DH_MODP, DH_ECP, DH_X25519 */
	size_t ke_len;
	const uint8_t *prime;    /* MODP only */
	SECOidTag curve;         /* ECP and X25519 */
};

#define DH_MODP 1
#define DH_ECP 2
#define DH_X25519 3

struct ike_crypto_dh {
	const struct dh_group *g;
	SECKEYPrivateKey *priv;
	SECKEYPublicKey *pub;
	uint8_t ec_params[16];   /* DER OID of the curve */
	size_t ec_params_len;
};

const struct dh_group *ike_crypto_dh_group_find(unsigned id);
/* Fills dh->ec_params from dh->g. */
int ike_crypto_dh_ec_params(struct ike_crypto_dh *dh);
/* A public key object for KE value v; free with SECKEY_DestroyPublicKey.
 * It borrows dh's parameters: free it before dh. */
SECKEYPublicKey *ike_crypto_dh_pubkey(const struct ike_crypto_dh *dh,
    const uint8_t *v, size_t len);

#endif
