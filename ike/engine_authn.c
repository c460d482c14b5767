/* engine_authn.c: the AUTH payload of IKE_AUTH (RFC 7296 2.15): NULL
 * authentication (RFC 7619) and signatures (RFC 7427, method 1), over the
 * signed octets of each side. */
#include <arpa/inet.h>
#include <cert.h>
#include <keyhi.h>
#include <pk11pub.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ike/crypto_auth.h"
#include "ike/ike_names.h"

/* <SignedOctets> of the initiator (is_i) or the responder: its
 * IKE_SA_INIT message | the other's nonce | prf(SK_px, ID body). */
static int eng_authn_octets(struct ike_sa *sa, bool is_i, const uint8_t *id_body, size_t id_len, uint8_t **out,
			    size_t *out_len)
{
	if (is_i)
		return ike_crypto_auth_signed_octets(sa->suite.prf, sa->keys.sk_pi, sa->init_req, sa->init_req_len,
						     sa->nr, sa->nr_len, id_body, id_len, out, out_len);
	return ike_crypto_auth_signed_octets(sa->suite.prf, sa->keys.sk_pr, sa->init_resp, sa->init_resp_len, sa->ni,
					     sa->ni_len, id_body, id_len, out, out_len);
}

int eng_authn_make(struct ike_sa *sa, const uint8_t *id_body, size_t id_len, uint8_t *method, uint8_t **data,
		   size_t *data_len)
{
	uint8_t *oct = NULL;
	size_t olen = 0;
	*data = NULL;
	*data_len = 0;
	int r = eng_authn_octets(sa, sa->initiator, id_body, id_len, &oct, &olen);
	if (r != 0)
		return r;
	*method = sa->conf.our_auth;
	if (sa->conf.our_auth == IKE_AUTH_NULL) {
		uint8_t mac[64];
		size_t n = 0;
		PK11SymKey *k = sa->initiator ? sa->keys.sk_pi : sa->keys.sk_pr;
		r = ike_crypto_auth_null(sa->suite.prf, k, oct, olen, mac, sizeof(mac), &n);
		if (r == 0 && (*data = malloc(n)) == NULL)
			r = -ENOMEM;
		if (r == 0) {
			memcpy(*data, mac, n);
			*data_len = n;
		}
	} else if (sa->conf.our_key != NULL) {
		r = ike_crypto_sig_sign(sa->conf.our_key, sa->conf.our_sig, oct, olen, data, data_len);
		*method = (uint8_t)ike_crypto_sig_method(sa->conf.our_sig);
	} else {
		r = -ENOKEY;
	}
	free(oct);
	return r;
}

int eng_authn_check(struct ike_sa *sa, const struct ike_id *id, const struct ike_auth *auth, SECKEYPublicKey *key,
		    char *why, size_t whylen)
{
	uint8_t body[4 + IKE_ID_MAX];
	uint8_t *oct = NULL;
	size_t olen = 0;
	int r = -1;
	if (id->data.len > IKE_ID_MAX) {
		snprintf(why, whylen, "peer ID too long (%zu bytes)", id->data.len);
		return -1;
	}
	memset(body, 0, 4);
	body[0] = id->type;
	memcpy(body + 4, id->data.ptr, id->data.len);
	if (eng_authn_octets(sa, !sa->initiator, body, 4 + id->data.len, &oct, &olen) != 0) {
		snprintf(why, whylen, "cannot compute the peer's signed octets");
		return -1;
	}
	if (auth->method == IKE_AUTH_NULL) {
		uint8_t mac[64];
		size_t n = 0;
		PK11SymKey *k = sa->initiator ? sa->keys.sk_pr : sa->keys.sk_pi;
		if (!sa->conf.accept_null)
			snprintf(why, whylen, "the peer used NULL authentication, which its group does not accept");
		else if (ike_crypto_auth_null(sa->suite.prf, k, oct, olen, mac, sizeof(mac), &n) != 0 ||
			 ike_crypto_auth_check(mac, n, auth->data.ptr, auth->data.len) != 0)
			snprintf(why, whylen, "the peer's NULL AUTH value is wrong");
		else
			r = 0;
	} else if (auth->method == IKE_AUTH_RSA_SIG || auth->method == IKE_AUTH_DIGSIG) {
		if (key == NULL)
			snprintf(why, whylen, "no public key may speak for the peer");
		else if (ike_crypto_sig_verify(key, auth->method, auth->data.ptr, auth->data.len, oct, olen, NULL) != 0)
			snprintf(why, whylen, "the peer's signature (%s) does not verify with its key",
				 ike_name_auth_method(auth->method));
		else
			r = 0;
	} else {
		snprintf(why, whylen, "the peer used authentication method %s, which is not supported",
			 ike_name_auth_method(auth->method));
	}
	free(oct);
	return r;
}

SECKEYPublicKey *eng_authn_key(struct ike_engine *e, SECKEYPublicKey *key)
{
	if (key == NULL)
		return NULL;
	uint8_t h[32];
	SECItem *spki = SECKEY_EncodeDERSubjectPublicKeyInfo(key);
	bool hashed = spki != NULL && PK11_HashBuf(SEC_OID_SHA256, h, spki->data, (PRInt32)spki->len) == SECSuccess;
	if (spki != NULL)
		SECITEM_FreeItem(spki, PR_TRUE);
	struct eng_keycache *slot = &e->keys[0];
	for (unsigned i = 0; hashed && i < ENG_KEYCACHE; i++) {
		struct eng_keycache *c = &e->keys[i];
		if (c->key != NULL && memcmp(c->spki_hash, h, sizeof(h)) == 0) {
			c->used = ++e->keys_tick;
			SECKEY_DestroyPublicKey(key);
			return c->key;
		}
		if (c->key == NULL || c->used < slot->used)
			slot = c;
	}
	/* A new key: into the token once, then into the least recently used slot. */
	PK11SlotInfo *ps = PK11_GetInternalSlot();
	if (ps != NULL) {
		PK11_ImportPublicKey(ps, key, PR_FALSE);
		PK11_FreeSlot(ps);
	}
	if (slot->key != NULL)
		SECKEY_DestroyPublicKey(slot->key);
	slot->key = key;
	slot->used = ++e->keys_tick;
	if (hashed)
		memcpy(slot->spki_hash, h, sizeof(h));
	else
		memset(slot->spki_hash, 0xff, sizeof(h)); /* never matched */
	return key;
}

void eng_authn_keys_free(struct ike_engine *e)
{
	for (unsigned i = 0; i < ENG_KEYCACHE; i++)
		if (e->keys[i].key != NULL)
			SECKEY_DestroyPublicKey(e->keys[i].key);
	memset(e->keys, 0, sizeof(e->keys));
}

void eng_authn_id_text(uint8_t type, const uint8_t *data, size_t len, char *out, size_t outlen)
{
	char a[64];
	switch (type) {
	case IKE_ID_NULL:
		snprintf(out, outlen, "ID_NULL");
		return;
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		if (len == (type == IKE_ID_IPV4_ADDR ? 4u : 16u) &&
		    inet_ntop(type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6, data, a, sizeof(a)) != NULL) {
			snprintf(out, outlen, "%s", a);
			return;
		}
		break;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR: {
		size_t n = 0;
		for (size_t i = 0; i < len && n + 2 < outlen; i++)
			out[n++] = data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\'' ? (char)data[i] : '?';
		out[n] = '\0';
		if (type == IKE_ID_FQDN && n + 2 < outlen) {
			memmove(out + 1, out, n + 1);
			out[0] = '@';
		}
		return;
	}
	case IKE_ID_DER_ASN1_DN: {
		/* The subject as NSS prints it: "CN=west,O=Fleet". */
		SECItem der = { siBuffer, (unsigned char *)(uintptr_t)data, (unsigned)len };
		char *dn = len > 0 && len < 65536 ? CERT_DerNameToAscii(&der) : NULL;
		if (dn != NULL) {
			snprintf(out, outlen, "%s", dn);
			PORT_Free(dn);
			return;
		}
		break;
	}
	default:
		break;
	}
	snprintf(out, outlen, "%s (%zu bytes)", ike_name_id_type(type), len);
}
