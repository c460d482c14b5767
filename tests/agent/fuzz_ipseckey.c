/* libFuzzer: arbitrary bytes as the rdata of an IPSECKEY answer. */
#include <stddef.h>
#include <stdint.h>

#include <nss.h>

#include "ipseckey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready)
		ready = NSS_NoDB_Init(NULL) == SECSuccess;
	struct ipseckey k;
	char why[256];
	SECKEYPublicKey *pk = NULL;
	if (ipseckey_parse(data, size, &k, why, sizeof(why)) == 0 && ipseckey_public_key(&k, &pk, why, sizeof(why)) == 0)
		SECKEY_DestroyPublicKey(pk);
	return 0;
}
