/* NSS initialisation and PK11SymKey helpers shared by the crypto files. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <nss.h>
#include <pk11pub.h>

#include "ike/crypto_nss.h"

/* Every key we make may be used for any of these operations. */
#define IKE_CRYPTO_KEY_FLAGS (CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | \
    CKF_VERIFY | CKF_DERIVE)

int
ike_crypto_nss_init(const char *dir)
{
	SECStatus rv;

	if (dir == NULL)
		rv = NSS_NoDB_Init(NULL);
	else
		rv = NSS_Init(dir);
	return rv == SECSuccess ? 0 : -EIO;
}

void
ike_crypto_nss_shutdown(void)
{
	(void)NSS_Shutdown();
}

int
ike_crypto_nss_has_mech(CK_MECHANISM_TYPE mech)
{
	PK11SlotInfo *slot;
	int r;

	if ((slot = PK11_GetInternalSlot()) == NULL)
		return 0;
	r = PK11_DoesMechanism(slot, mech) ? 1 : 0;
	PK11_FreeSlot(slot);
	return r;
}

int
ike_crypto_nss_import_key(const uint8_t *bytes, size_t len,
    CK_MECHANISM_TYPE mech, PK11SymKey **out)
{
	PK11SlotInfo *slot = NULL;
	SECItem item;
	int r = -EIO;

	*out = NULL;
	if (len == 0 || len > UINT_MAX)
		return -EINVAL;
	if ((slot = PK11_GetInternalSlot()) == NULL)
		goto out;
	item.type = siBuffer;
	item.data = (unsigned char *)bytes;
	item.len = (unsigned)len;
	*out = PK11_ImportSymKeyWithFlags(slot, mech, PK11_OriginUnwrap,
	    CKA_DERIVE, &item, IKE_CRYPTO_KEY_FLAGS, PR_FALSE, NULL);
	if (*out == NULL)
		goto out;
	r = 0;
 out:
	if (slot != NULL)
		PK11_FreeSlot(slot);
	return r;
}

int
ike_crypto_nss_key_bytes(PK11SymKey *key, uint8_t *out, size_t out_size,
    size_t *out_len)
{
	SECItem *data;

	*out_len = 0;
	if (PK11_ExtractKeyValue(key) != SECSuccess)
		return -EIO;
	if ((data = PK11_GetKeyData(key)) == NULL || data->data == NULL)
		return -EIO;
	if (data->len > out_size)
		return -ENOSPC;
	memcpy(out, data->data, data->len);
	*out_len = data->len;
	return 0;
}

int
ike_crypto_nss_key_slice(PK11SymKey *key, size_t off, size_t len,
    CK_MECHANISM_TYPE mech, PK11SymKey **out)
{
	CK_EXTRACT_PARAMS bit;
	SECItem param;

	*out = NULL;
	if (len == 0 || len > INT_MAX || off > (ULONG_MAX / 8))
		return -EINVAL;
	if (off + len > PK11_GetKeyLength(key))
		return -EINVAL;
	bit = (CK_EXTRACT_PARAMS)(off * 8);
	param.type = siBuffer;
	param.data = (unsigned char *)&bit;
	param.len = sizeof(bit);
	*out = PK11_DeriveWithFlags(key, CKM_EXTRACT_KEY_FROM_KEY, &param, mech,
	    CKA_DERIVE, (int)len, IKE_CRYPTO_KEY_FLAGS);
	return *out != NULL ? 0 : -EIO;
}
