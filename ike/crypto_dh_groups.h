/* Internal: group parameters used by crypto_dh.c. */
#ifndef IKE_CRYPTO_DH_GROUPS_H
#define IKE_CRYPTO_DH_GROUPS_H

#include <stdint.h>

extern const uint8_t ike_crypto_dh_modp2048[256];
extern const uint8_t ike_crypto_dh_modp3072[384];

#endif
