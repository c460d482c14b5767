/* AUTH payload octets (RFC 7296 2.15, RFC 7619). */
#ifndef IKE_CRYPTO_AUTH_H
#define IKE_CRYPTO_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <pk11pub.h>

/* InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, IDi')
 * (responder: RealMessage2 | NonceIData | prf(SK_pr, IDr')). id_body is
 * IDx': the ID payload body from the ID Type octet on. sk_p borrowed;
 * on success *out (malloc) is owned by the caller. */
int ike_crypto_auth_signed_octets(unsigned prf_id, PK11SymKey *sk_p,
    const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
    size_t nonce_len, const uint8_t *id_body, size_t id_len, uint8_t **out,
    size_t *out_len);

/* Shared key method: AUTH = prf(prf(secret, "Key Pad for IKEv2"),
 * octets); out_size >= prf length. secret borrowed. */
int ike_crypto_auth_shared_key(unsigned prf_id, PK11SymKey *secret,
    const uint8_t *octets, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len);

/* RFC 7619 NULL authentication (method 13): the shared key form with
 * SK_pi (initiator) or SK_pr (responder) as the secret. */
int ike_crypto_auth_null(unsigned prf_id, PK11SymKey *sk_p,
    const uint8_t *octets, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len);

/* Constant-time check of a received shared-key/NULL AUTH value:
 * 0 if equal, -EBADMSG otherwise. */
int ike_crypto_auth_check(const uint8_t *want, size_t want_len,
    const uint8_t *got, size_t got_len);

#endif
