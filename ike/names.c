/* names.c: name tables of IKEv2 wire constants, for logs. */
#include <stddef.h>

#include "ike/ike_consts.h"
#include "ike/ike_names.h"

struct name {
	uint16_t value;
	const char *name;
};

#define N(prefix, x) { prefix##x, #x }
#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const char *names_find(const struct name *t, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return "UNKNOWN";
}

static const struct name payloads[] = {
	N(IKE_PT_, NONE), N(IKE_PT_, SA), N(IKE_PT_, KE), { IKE_PT_IDI, "IDi" },
	{ IKE_PT_IDR, "IDr" }, N(IKE_PT_, CERT), N(IKE_PT_, CERTREQ), N(IKE_PT_, AUTH),
	{ IKE_PT_NONCE, "Ni/Nr" }, { IKE_PT_NOTIFY, "N" }, { IKE_PT_DELETE, "D" },
	{ IKE_PT_VENDOR, "V" }, { IKE_PT_TSI, "TSi" }, { IKE_PT_TSR, "TSr" },
	N(IKE_PT_, SK), N(IKE_PT_, CP), N(IKE_PT_, EAP), N(IKE_PT_, SKF),
};

static const struct name exchanges[] = {
	N(IKE_EXCH_, IKE_SA_INIT), N(IKE_EXCH_, IKE_AUTH), N(IKE_EXCH_, CREATE_CHILD_SA),
	N(IKE_EXCH_, INFORMATIONAL),
};

static const struct name notifies[] = {
	N(IKE_N_, UNSUPPORTED_CRITICAL_PAYLOAD), N(IKE_N_, INVALID_IKE_SPI),
	N(IKE_N_, INVALID_MAJOR_VERSION), N(IKE_N_, INVALID_SYNTAX),
	N(IKE_N_, INVALID_MESSAGE_ID), N(IKE_N_, INVALID_SPI), N(IKE_N_, NO_PROPOSAL_CHOSEN),
	N(IKE_N_, INVALID_KE_PAYLOAD), N(IKE_N_, AUTHENTICATION_FAILED),
	N(IKE_N_, SINGLE_PAIR_REQUIRED), N(IKE_N_, NO_ADDITIONAL_SAS),
	N(IKE_N_, INTERNAL_ADDRESS_FAILURE), N(IKE_N_, FAILED_CP_REQUIRED),
	N(IKE_N_, TS_UNACCEPTABLE), N(IKE_N_, INVALID_SELECTORS), N(IKE_N_, TEMPORARY_FAILURE),
	N(IKE_N_, CHILD_SA_NOT_FOUND), N(IKE_N_, INITIAL_CONTACT), N(IKE_N_, SET_WINDOW_SIZE),
	N(IKE_N_, ADDITIONAL_TS_POSSIBLE), N(IKE_N_, IPCOMP_SUPPORTED),
	N(IKE_N_, NAT_DETECTION_SOURCE_IP), N(IKE_N_, NAT_DETECTION_DESTINATION_IP),
	N(IKE_N_, COOKIE), N(IKE_N_, USE_TRANSPORT_MODE), N(IKE_N_, REKEY_SA),
	N(IKE_N_, ESP_TFC_PADDING_NOT_SUPPORTED), N(IKE_N_, NON_FIRST_FRAGMENTS_ALSO),
	N(IKE_N_, IKEV2_FRAGMENTATION_SUPPORTED), N(IKE_N_, SIGNATURE_HASH_ALGORITHMS),
};

static const struct name protocols[] = {
	N(IKE_PROTO_, IKE), N(IKE_PROTO_, AH), N(IKE_PROTO_, ESP),
};

static const struct name transform_types[] = {
	N(IKE_TRANS_, ENCR), N(IKE_TRANS_, PRF), N(IKE_TRANS_, INTEG), N(IKE_TRANS_, DH),
	N(IKE_TRANS_, ESN),
};

static const struct name encrs[] = {
	N(IKE_ENCR_, AES_CBC), N(IKE_ENCR_, AES_CTR), N(IKE_ENCR_, AES_GCM_8),
	N(IKE_ENCR_, AES_GCM_12), N(IKE_ENCR_, AES_GCM_16), N(IKE_ENCR_, CHACHA20_POLY1305),
};

static const struct name prfs[] = {
	N(IKE_PRF_, HMAC_SHA1), N(IKE_PRF_, HMAC_SHA2_256), N(IKE_PRF_, HMAC_SHA2_384),
	N(IKE_PRF_, HMAC_SHA2_512),
};

static const struct name integs[] = {
	N(IKE_INTEG_, NONE), N(IKE_INTEG_, HMAC_SHA1_96), N(IKE_INTEG_, HMAC_SHA2_256_128),
	N(IKE_INTEG_, HMAC_SHA2_384_192), N(IKE_INTEG_, HMAC_SHA2_512_256),
};

static const struct name dhs[] = {
	N(IKE_DH_, MODP2048), N(IKE_DH_, MODP3072), N(IKE_DH_, MODP4096), N(IKE_DH_, ECP256),
	N(IKE_DH_, ECP384), N(IKE_DH_, CURVE25519), N(IKE_DH_, CURVE448),
};

static const struct name esns[] = { N(IKE_ESN_, NO), N(IKE_ESN_, YES) };

static const struct name id_types[] = {
	N(IKE_ID_, IPV4_ADDR), N(IKE_ID_, FQDN), N(IKE_ID_, RFC822_ADDR), N(IKE_ID_, IPV6_ADDR),
	N(IKE_ID_, DER_ASN1_DN), N(IKE_ID_, DER_ASN1_GN), N(IKE_ID_, KEY_ID), N(IKE_ID_, NULL),
};

static const struct name auth_methods[] = {
	N(IKE_AUTH_, RSA_SIG), N(IKE_AUTH_, PSK), N(IKE_AUTH_, DSS), N(IKE_AUTH_, ECDSA_256),
	N(IKE_AUTH_, ECDSA_384), N(IKE_AUTH_, ECDSA_521), N(IKE_AUTH_, NULL),
	N(IKE_AUTH_, DIGSIG),
};

static const struct name cert_encodings[] = {
	N(IKE_CERT_, X509_SIG), N(IKE_CERT_, RAW_RSA), N(IKE_CERT_, HASH_URL_X509),
};

static const struct name ts_types[] = {
	N(IKE_TS_, IPV4_ADDR_RANGE), N(IKE_TS_, IPV6_ADDR_RANGE),
};

const char *ike_name_payload(uint8_t v) { return names_find(payloads, COUNT(payloads), v); }
const char *ike_name_exchange(uint8_t v) { return names_find(exchanges, COUNT(exchanges), v); }
const char *ike_name_notify(uint16_t v) { return names_find(notifies, COUNT(notifies), v); }
const char *ike_name_protocol(uint8_t v) { return names_find(protocols, COUNT(protocols), v); }
const char *ike_name_id_type(uint8_t v) { return names_find(id_types, COUNT(id_types), v); }
const char *ike_name_ts_type(uint8_t v) { return names_find(ts_types, COUNT(ts_types), v); }

const char *ike_name_transform_type(uint8_t v)
{
	return names_find(transform_types, COUNT(transform_types), v);
}

const char *ike_name_auth_method(uint8_t v)
{
	return names_find(auth_methods, COUNT(auth_methods), v);
}

const char *ike_name_cert_encoding(uint8_t v)
{
	return names_find(cert_encodings, COUNT(cert_encodings), v);
}

const char *ike_name_transform_id(uint8_t type, uint16_t id)
{
	switch (type) {
	case IKE_TRANS_ENCR: return names_find(encrs, COUNT(encrs), id);
	case IKE_TRANS_PRF: return names_find(prfs, COUNT(prfs), id);
	case IKE_TRANS_INTEG: return names_find(integs, COUNT(integs), id);
	case IKE_TRANS_DH: return names_find(dhs, COUNT(dhs), id);
	case IKE_TRANS_ESN: return names_find(esns, COUNT(esns), id);
	default: return "UNKNOWN";
	}
}
