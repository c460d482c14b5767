#ifndef SWANMESH_IKE_PAYLOADS_H
#define SWANMESH_IKE_PAYLOADS_H
/*
 * Payload bodies (RFC 7296 3.3-3.14, RFC 7383 2.5), parsed into plain structs.
 *
 * Ownership: every struct ike_bytes filled by a parse function points into the
 * buffer given to the parser (borrowed): valid while that datagram buffer
 * lives and is not modified. Build functions copy the bytes they are given.
 *
 * Parse functions take the payload body (after the 4-byte generic header),
 * validate it completely, clear *out on entry and return 0 or the IKEv2 notify
 * type to send (IKE_N_INVALID_SYNTAX). Build functions write only the body
 * into a writer; errors stay sticky in the writer.
 */
#include <stddef.h>
#include <stdint.h>

#include "ike/ike_consts.h"
#include "ike/ike_wire.h"

struct ike_bytes {
	const uint8_t *ptr; /* borrowed, see above */
	size_t len;
};

struct ike_transform {
	uint8_t type;        /* IKE_TRANS_* */
	uint16_t id;
	uint16_t key_len;    /* Key Length attribute in bits; 0 = absent */
	uint8_t unknown_attrs; /* count of attributes other than Key Length */
};

struct ike_proposal {
	uint8_t num;
	uint8_t proto;       /* IKE_PROTO_* */
	uint8_t spi_size;
	uint8_t spi[IKE_MAX_SPI_SIZE];
	unsigned n_transforms;
	struct ike_transform xf[IKE_MAX_TRANSFORMS];
};

struct ike_sa_payload {
	unsigned n_proposals;
	struct ike_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_ke { uint16_t group; struct ike_bytes data; };
struct ike_nonce { struct ike_bytes data; };               /* 16..256 bytes */
struct ike_id { uint8_t type; struct ike_bytes data; };    /* IDi / IDr */
struct ike_cert { uint8_t encoding; struct ike_bytes data; }; /* CERT, CERTREQ */
struct ike_auth { uint8_t method; struct ike_bytes data; };
struct ike_vendor { struct ike_bytes data; };
struct ike_raw { struct ike_bytes data; };                 /* CP, EAP: not decoded */

struct ike_ts {
	uint8_t type;        /* IKE_TS_IPV4_ADDR_RANGE or IKE_TS_IPV6_ADDR_RANGE */
	uint8_t ip_proto;    /* 0 = any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16]; /* 4 bytes used for IPv4 */
};

struct ike_ts_payload {
	unsigned n_ts;
	struct ike_ts ts[IKE_MAX_TS];
};

struct ike_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;       /* IKE_N_* */
	struct ike_bytes spi;
	struct ike_bytes data;
};

struct ike_delete {
	uint8_t proto;
	uint8_t spi_size;    /* 0 for IKE, 4 for ESP/AH */
	uint16_t n_spi;
	struct ike_bytes spis; /* n_spi * spi_size bytes */
};

struct ike_sk {
	uint8_t first;       /* next-payload field: first inner payload type */
	struct ike_bytes body; /* IV | ciphertext | ICV */
};

struct ike_skf {
	uint8_t first;       /* first inner type; 0 unless frag_num == 1 */
	uint16_t frag_num, total;
	struct ike_bytes body; /* IV | ciphertext | ICV */
};

/* Address length of a TS type: 4, 16, or 0 if unknown. */
size_t ike_payload_ts_addr_len(uint8_t type);

int ike_payload_sa_parse(const uint8_t *body, size_t len, struct ike_sa_payload *out);
void ike_payload_sa_build(struct ike_wr *wr, const struct ike_sa_payload *sa);
int ike_payload_ke_parse(const uint8_t *body, size_t len, struct ike_ke *out);
void ike_payload_ke_build(struct ike_wr *wr, const struct ike_ke *ke);
int ike_payload_nonce_parse(const uint8_t *body, size_t len, struct ike_nonce *out);
void ike_payload_nonce_build(struct ike_wr *wr, const struct ike_nonce *n);
int ike_payload_id_parse(const uint8_t *body, size_t len, struct ike_id *out);
void ike_payload_id_build(struct ike_wr *wr, const struct ike_id *id);
int ike_payload_cert_parse(const uint8_t *body, size_t len, struct ike_cert *out);
/* CERTREQ: same layout, the CA hash list may be empty; build with _cert_build. */
int ike_payload_certreq_parse(const uint8_t *body, size_t len, struct ike_cert *out);
void ike_payload_cert_build(struct ike_wr *wr, const struct ike_cert *c);
int ike_payload_auth_parse(const uint8_t *body, size_t len, struct ike_auth *out);
void ike_payload_auth_build(struct ike_wr *wr, const struct ike_auth *a);
int ike_payload_ts_parse(const uint8_t *body, size_t len, struct ike_ts_payload *out);
void ike_payload_ts_build(struct ike_wr *wr, const struct ike_ts_payload *ts);
int ike_payload_notify_parse(const uint8_t *body, size_t len, struct ike_notify *out);
void ike_payload_notify_build(struct ike_wr *wr, const struct ike_notify *n);
int ike_payload_delete_parse(const uint8_t *body, size_t len, struct ike_delete *out);
void ike_payload_delete_build(struct ike_wr *wr, const struct ike_delete *d);
int ike_payload_vendor_parse(const uint8_t *body, size_t len, struct ike_vendor *out);
void ike_payload_vendor_build(struct ike_wr *wr, const struct ike_vendor *v);
/* SK: first is the generic header's next-payload field. */
int ike_payload_sk_parse(uint8_t first, const uint8_t *body, size_t len, struct ike_sk *out);
int ike_payload_skf_parse(uint8_t first, const uint8_t *body, size_t len, struct ike_skf *out);

#endif
