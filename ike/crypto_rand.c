/* Randomness through NSS; the engine routes it through its env callback. */
#include <errno.h>
#include <limits.h>

#include <pk11pub.h>

#include "ike/crypto_rand.h"

int
ike_crypto_rand_nss(void *arg, uint8_t *buf, size_t len)
{
	(void)arg;
	if (len > INT_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (PK11_GenerateRandom(buf, (int)len) != SECSuccess)
		return -EIO;
	return 0;
}
