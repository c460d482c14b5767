#ifndef IKE_CRYPTO_RAND_H
#define IKE_CRYPTO_RAND_H

#include <stddef.h>
#include <stdint.h>

/* Signature of the engine's random callback: fill buf, 0 or -errno. */
typedef int (*ike_crypto_rand_fn)(void *arg, uint8_t *buf, size_t len);

/* The NSS implementation (PK11_GenerateRandom); arg is unused. */
int ike_crypto_rand_nss(void *arg, uint8_t *buf, size_t len);

#endif
