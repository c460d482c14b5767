#ifndef SWANMESH_IKE_MESSAGE_H
#define SWANMESH_IKE_MESSAGE_H
/*
 * IKEv2 messages: header (RFC 7296 3.1), the generic payload chain (3.2),
 * SK layout helpers (3.14) and fragmentation (RFC 7383).
 *
 * Return convention: 0 on success; a positive value is the IKEv2 notify type
 * the responder should send (IKE_N_INVALID_SYNTAX, IKE_N_INVALID_MAJOR_VERSION,
 * IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD); a negative value is a local -errno
 * (builders: -ENOSPC, -ENOMEM, -ERANGE, -EINVAL).
 */
#include <stddef.h>
#include <stdint.h>

#include "ike/ike_consts.h"
#include "ike/ike_payloads.h"
#include "ike/ike_wire.h"

struct ike_hdr {
	uint64_t spi_i, spi_r;
	uint8_t next;        /* first payload type */
	uint8_t major, minor;
	uint8_t exchange;    /* IKE_EXCH_* */
	uint8_t flags;       /* IKE_FLAG_* */
	uint32_t msg_id;
	uint32_t length;
};

/* Validates and parses the 28-byte header; length must equal len. */
int ike_msg_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *out);
/* Writes the header; the length field is written as h->length. */
void ike_msg_hdr_build(struct ike_wr *wr, const struct ike_hdr *h);

/* One payload of the chain, in wire order; index selects the entry of the
 * per-type array (or 0 for single payloads). */
struct ike_msg_entry {
	uint8_t type;
	uint8_t critical;
	uint8_t index;
};

/*
 * A parsed message. Every pointer inside (struct ike_bytes) is borrowed from
 * the datagram buffer given to ike_msg_parse (or the plaintext buffer given to
 * ike_msg_parse_chain): valid while that buffer lives and is unchanged.
 * Single payloads (SA, KE, IDi, IDr, AUTH, Nonce, TSi, TSr, CP, EAP, SK, SKF)
 * appear at most once; a repeat is INVALID_SYNTAX.
 */
struct ike_msg {
	struct ike_hdr hdr;
	unsigned n_payloads;
	struct ike_msg_entry order[IKE_MAX_PAYLOADS];
	unsigned n_unknown;          /* skipped non-critical unknown payloads */
	uint8_t unsupported_type;    /* set with IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD */
	uint8_t has_sa, has_ke, has_idi, has_idr, has_auth, has_nonce;
	uint8_t has_tsi, has_tsr, has_cp, has_eap, has_sk, has_skf;
	struct ike_sa_payload sa;
	struct ike_ke ke;
	struct ike_id idi, idr;
	struct ike_auth auth;
	struct ike_nonce nonce;
	struct ike_ts_payload tsi, tsr;
	struct ike_raw cp, eap;
	struct ike_sk sk;
	struct ike_skf skf;
	size_t sk_hdr_off;           /* offset of the SK/SKF generic header in the datagram */
	unsigned n_notify, n_cert, n_certreq, n_delete, n_vendor;
	struct ike_notify notify[IKE_MAX_NOTIFY];
	struct ike_cert cert[IKE_MAX_CERT];
	struct ike_cert certreq[IKE_MAX_CERTREQ];
	struct ike_delete del[IKE_MAX_DELETE];
	struct ike_vendor vendor[IKE_MAX_VENDOR];
};

/* Parses a whole datagram: header then the payload chain. SK/SKF must be the
 * last payload and end at the end of the datagram. *out is cleared first; on
 * failure it holds what was parsed up to the error (unsupported_type). */
int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *out);
/* Parses a decrypted inner chain (first = SK's next-payload field) into out,
 * adding to what out already holds (header kept). SK/SKF inside is an error.
 * buf is borrowed like above. */
int ike_msg_parse_chain(uint8_t first, const uint8_t *buf, size_t len, struct ike_msg *out);

/* Message builder over a writer (sshbuf style: next-payload and length
 * fields are back-patched). The writer is borrowed. */
struct ike_build {
	struct ike_wr *wr;
	size_t hdr_off;      /* start of the IKE header */
	size_t np_off;       /* next-payload byte to patch with the next type */
	size_t len_off;      /* length field of the open payload */
	size_t start;        /* start of the open payload */
	size_t sk_off;       /* start of the open SK/SKF payload, SIZE_MAX if none */
	size_t sk_hdr_len;   /* 4 (SK) or 8 (SKF) */
	size_t iv_len;
	int open;
};

void ike_build_init(struct ike_build *b, struct ike_wr *wr, const struct ike_hdr *h);
/* Opens a payload of the given type (header written, body follows). */
void ike_build_payload_begin(struct ike_build *b, uint8_t type, int critical);
void ike_build_payload_end(struct ike_build *b);
/* Appends one payload from a parsed message entry (type, critical, index). */
void ike_build_payload_from(struct ike_build *b, const struct ike_msg *m,
			    const struct ike_msg_entry *e);
/* Appends a raw payload (unknown types, tests). */
void ike_build_payload_raw(struct ike_build *b, uint8_t type, int critical,
			   const uint8_t *body, size_t len);
/* Patches the IKE header length; returns 0 or the writer's error. */
int ike_build_finish(struct ike_build *b);
/* Rebuilds every known payload of m (SK/SKF bodies copied as they are). */
int ike_msg_build(struct ike_wr *wr, const struct ike_msg *m);

/* Offsets into a datagram (or built buffer) for the crypto layer. */
struct ike_sk_layout {
	size_t aad_off, aad_len;   /* IKE header through the SK/SKF header */
	size_t iv_off, iv_len;
	size_t ct_off, ct_len;     /* encrypted part: inner | padding | pad length */
	size_t icv_off, icv_len;
};

/* Received SK or SKF: validated layout for the caller's IV and ICV lengths.
 * buf is the datagram m was parsed from. */
int ike_sk_layout_rx(const uint8_t *buf, size_t len, const struct ike_msg *m,
		     size_t iv_len, size_t icv_len, struct ike_sk_layout *out);
/* After in-place decryption of ct: length of the inner chain (padding and
 * the pad length byte removed). */
int ike_sk_plain_len(const uint8_t *ct, size_t ct_len, size_t *inner_len);
/* Opens the SK payload (must be last); inner payloads follow with
 * ike_build_payload_begin/end; its next-payload is the first inner type. */
void ike_build_sk_begin(struct ike_build *b, size_t iv_len);
/* Opens an SKF payload (RFC 7383 2.5): fragment num of total; first is the
 * first inner type for fragment 1 and IKE_PT_NONE otherwise. The caller
 * appends its slice of the inner chain with ike_wire_put_bytes. */
void ike_build_skf_begin(struct ike_build *b, uint16_t num, uint16_t total,
			 uint8_t first, size_t iv_len);
/* SK or SKF: pads to block (1 for AEAD), writes pad length, reserves a zero ICV,
 * patches SK and header lengths and fills *out for encryption in place. */
int ike_build_sk_finish(struct ike_build *b, size_t block, size_t icv_len,
			struct ike_sk_layout *out);

/* Fragmentation (RFC 7383). */
struct ike_frag_params {
	size_t max_len;      /* largest datagram to send (IKE header included), <= 65535 */
	size_t iv_len, icv_len;
	size_t block;        /* cipher block size for padding; 1 for AEAD */
};

struct ike_frag {
	uint8_t *buf;        /* owned by the set */
	size_t len;
	struct ike_sk_layout lay; /* where to encrypt in place */
};

struct ike_frag_set {
	unsigned n;
	struct ike_frag frag[IKE_FRAG_MAX];
};

/* Splits an (unencrypted) inner chain into SKF messages with header h
 * (length and next payload set here). On success out holds n buffers that
 * ike_frag_set_free releases; on failure out is empty. Errors: -EINVAL
 * (max_len too small, empty input), -E2BIG (more than IKE_FRAG_MAX), -ENOMEM. */
int ike_frag_split(const struct ike_hdr *h, uint8_t first, const uint8_t *inner,
		   size_t inner_len, const struct ike_frag_params *p, struct ike_frag_set *out);
void ike_frag_set_free(struct ike_frag_set *s);

/* Reassembly of decrypted fragments, bounded to max_bytes of plaintext.
 * Fragments may come in any order; duplicates are ignored. A fragment with a
 * larger Total Fragments restarts reassembly (RFC 7383 2.6.2, smaller
 * fragments after PMTU discovery); a smaller total is rejected. */
struct ike_frag_reasm {
	uint16_t total;      /* 0: nothing received yet */
	unsigned have;
	uint8_t first;       /* from fragment 1 */
	size_t bytes, max_bytes;
	uint8_t *part[IKE_FRAG_MAX]; /* owned copies */
	size_t part_len[IKE_FRAG_MAX];
};

#define IKE_FRAG_MORE 0      /* stored, more needed */
#define IKE_FRAG_DONE 1      /* all fragments present: call ike_frag_reasm_take */
#define IKE_FRAG_DUP  2      /* duplicate, ignored */

void ike_frag_reasm_init(struct ike_frag_reasm *r, size_t max_bytes);
/* Adds the plaintext (inner bytes, padding removed) of fragment num/total;
 * copies it. Returns IKE_FRAG_* or -EINVAL (bad number, smaller total),
 * -E2BIG (memory bound), -ENOMEM. */
int ike_frag_reasm_add(struct ike_frag_reasm *r, uint16_t num, uint16_t total,
		       uint8_t first, const uint8_t *plain, size_t len);
/* Hands over the joined inner chain (caller free()s *buf) and its first
 * payload type; resets r. -EAGAIN if not complete, -ENOMEM. */
int ike_frag_reasm_take(struct ike_frag_reasm *r, uint8_t **buf, size_t *len, uint8_t *first);
void ike_frag_reasm_free(struct ike_frag_reasm *r);

#endif
