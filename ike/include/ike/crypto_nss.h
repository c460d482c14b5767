/* NSS set-up for the agent and tests, and key-handling helpers. */
#ifndef IKE_CRYPTO_NSS_H
#define IKE_CRYPTO_NSS_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

/* Initialises NSS without a database (dir == NULL) or with sql:dir.
 * Returns 0 or -EIO. Balanced by ike_crypto_nss_shutdown(). */
int ike_crypto_nss_init(const char *dir);
void ike_crypto_nss_shutdown(void);

/* 1 if the internal slot implements mech, else 0 (run-time probe). */
int ike_crypto_nss_has_mech(CK_MECHANISM_TYPE mech);

/* Imports secret bytes as a PK11SymKey of type mech (generic secret when
 * mech == CKM_GENERIC_SECRET_KEY_GEN). On success *out is owned by the
 * caller (PK11_FreeSymKey). */
int ike_crypto_nss_import_key(const uint8_t *bytes, size_t len,
    CK_MECHANISM_TYPE mech, PK11SymKey **out);

/* Copies a key's value into out (size out_size). Only for Child SA key
 * export to the kernel, the AEAD salt and tests: never log the result. */
int ike_crypto_nss_key_bytes(PK11SymKey *key, uint8_t *out, size_t out_size,
    size_t *out_len);

/* Returns a new key made of len bytes of key from byte offset off, typed
 * for mech; *out is owned by the caller. */
int ike_crypto_nss_key_slice(PK11SymKey *key, size_t off, size_t len,
    CK_MECHANISM_TYPE mech, PK11SymKey **out);

#endif
