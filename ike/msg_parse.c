/* msg_parse.c: the generic payload chain walker (RFC 7296 3.2). Parses every
 * payload into struct ike_msg; acts on nothing. */
#include <string.h>

#include "ike/ike_message.h"

#define CHAIN_UNKNOWN (-1)

/* Marks a single-instance payload present; a repeat is a syntax error. */
static int parse_single(uint8_t *has)
{
	if (*has)
		return IKE_N_INVALID_SYNTAX;
	*has = 1;
	return 0;
}

/* Reserves the next slot of a bounded per-type array. */
static int parse_slot(unsigned *n, unsigned max, uint8_t *index)
{
	if (*n >= max)
		return IKE_N_INVALID_SYNTAX;
	*index = (uint8_t)*n;
	(*n)++;
	return 0;
}

static int parse_raw(uint8_t *has, struct ike_raw *raw, const uint8_t *body, size_t len)
{
	int r = parse_single(has);
	raw->data.ptr = body;
	raw->data.len = len;
	return r;
}

/* Stores one known payload body; CHAIN_UNKNOWN for types we do not know. */
static int parse_store(struct ike_msg *m, uint8_t type, const uint8_t *body, size_t len,
		       uint8_t *index)
{
	int r;

	*index = 0;
	switch (type) {
	case IKE_PT_SA:
		return (r = parse_single(&m->has_sa)) ? r : ike_payload_sa_parse(body, len, &m->sa);
	case IKE_PT_KE:
		return (r = parse_single(&m->has_ke)) ? r : ike_payload_ke_parse(body, len, &m->ke);
	case IKE_PT_IDI:
		return (r = parse_single(&m->has_idi)) ? r : ike_payload_id_parse(body, len, &m->idi);
	case IKE_PT_IDR:
		return (r = parse_single(&m->has_idr)) ? r : ike_payload_id_parse(body, len, &m->idr);
	case IKE_PT_AUTH:
		return (r = parse_single(&m->has_auth)) ? r : ike_payload_auth_parse(body, len, &m->auth);
	case IKE_PT_NONCE:
		return (r = parse_single(&m->has_nonce)) ? r : ike_payload_nonce_parse(body, len, &m->nonce);
	case IKE_PT_TSI:
		return (r = parse_single(&m->has_tsi)) ? r : ike_payload_ts_parse(body, len, &m->tsi);
	case IKE_PT_TSR:
		return (r = parse_single(&m->has_tsr)) ? r : ike_payload_ts_parse(body, len, &m->tsr);
	case IKE_PT_CP:
		return parse_raw(&m->has_cp, &m->cp, body, len);
	case IKE_PT_EAP:
		return parse_raw(&m->has_eap, &m->eap, body, len);
	case IKE_PT_CERT:
		return (r = parse_slot(&m->n_cert, IKE_MAX_CERT, index)) ? r :
			ike_payload_cert_parse(body, len, &m->cert[*index]);
	case IKE_PT_CERTREQ:
		return (r = parse_slot(&m->n_certreq, IKE_MAX_CERTREQ, index)) ? r :
			ike_payload_certreq_parse(body, len, &m->certreq[*index]);
	case IKE_PT_NOTIFY:
		return (r = parse_slot(&m->n_notify, IKE_MAX_NOTIFY, index)) ? r :
			ike_payload_notify_parse(body, len, &m->notify[*index]);
	case IKE_PT_DELETE:
		return (r = parse_slot(&m->n_delete, IKE_MAX_DELETE, index)) ? r :
			ike_payload_delete_parse(body, len, &m->del[*index]);
	case IKE_PT_VENDOR:
		return (r = parse_slot(&m->n_vendor, IKE_MAX_VENDOR, index)) ? r :
			ike_payload_vendor_parse(body, len, &m->vendor[*index]);
	default:
		return CHAIN_UNKNOWN;
	}
}

/* SK/SKF: last payload, must end the datagram; its next-payload field is
 * the first inner type. */
static int parse_encrypted(struct ike_msg *m, uint8_t type, uint8_t next,
			   const uint8_t *body, size_t len)
{
	int r;

	if (m->has_sk || m->has_skf)
		return IKE_N_INVALID_SYNTAX;
	if (type == IKE_PT_SK) {
		m->has_sk = 1;
		r = ike_payload_sk_parse(next, body, len, &m->sk);
	} else {
		m->has_skf = 1;
		r = ike_payload_skf_parse(next, body, len, &m->skf);
	}
	return r;
}

static int parse_record(struct ike_msg *m, uint8_t type, uint8_t flags, uint8_t index)
{
	if (m->n_payloads >= IKE_MAX_PAYLOADS)
		return IKE_N_INVALID_SYNTAX;
	m->order[m->n_payloads].type = type;
	m->order[m->n_payloads].critical = (flags & IKE_PAYLOAD_CRITICAL) != 0;
	m->order[m->n_payloads].index = index;
	m->n_payloads++;
	return 0;
}

/* base is the offset of buf inside the datagram (for sk_hdr_off); inner
 * chains (decrypted SK contents) may not contain SK/SKF. */
static int parse_walk(uint8_t first, const uint8_t *buf, size_t len, size_t base,
		      int inner, struct ike_msg *m)
{
	struct ike_rd rd;
	uint8_t type = first, index;
	int r;

	ike_wire_rd_init(&rd, buf, len);
	while (type != IKE_PT_NONE) {
		size_t hoff = rd.off;
		uint8_t next = ike_wire_get_u8(&rd);
		uint8_t flags = ike_wire_get_u8(&rd);
		uint16_t plen = ike_wire_get_u16(&rd);
		if (rd.err != 0 || plen < IKE_GEN_HDR_LEN)
			return IKE_N_INVALID_SYNTAX;
		const uint8_t *body = ike_wire_get_bytes(&rd, plen - IKE_GEN_HDR_LEN);
		if (body == NULL || m->n_payloads + m->n_unknown >= IKE_MAX_PAYLOADS)
			return IKE_N_INVALID_SYNTAX;
		if (type == IKE_PT_SK || type == IKE_PT_SKF) {
			if (inner || ike_wire_rd_left(&rd) != 0)
				return IKE_N_INVALID_SYNTAX;
			m->sk_hdr_off = base + hoff;
			if ((r = parse_encrypted(m, type, next, body, plen - IKE_GEN_HDR_LEN)) != 0)
				return r;
			return parse_record(m, type, flags, 0);
		}
		r = parse_store(m, type, body, plen - IKE_GEN_HDR_LEN, &index);
		if (r == CHAIN_UNKNOWN && (flags & IKE_PAYLOAD_CRITICAL) != 0) {
			m->unsupported_type = type;
			return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
		}
		if (r == CHAIN_UNKNOWN)
			m->n_unknown++;
		else if (r != 0 || (r = parse_record(m, type, flags, index)) != 0)
			return r;
		type = next;
	}
	return ike_wire_rd_left(&rd) == 0 ? 0 : IKE_N_INVALID_SYNTAX;
}

int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = ike_msg_hdr_parse(buf, len, &out->hdr)) != 0)
		return r;
	return parse_walk(out->hdr.next, buf + IKE_HDR_LEN, len - IKE_HDR_LEN,
			  IKE_HDR_LEN, 0, out);
}

int ike_msg_parse_chain(uint8_t first, const uint8_t *buf, size_t len, struct ike_msg *out)
{
	if (buf == NULL && len != 0)
		return IKE_N_INVALID_SYNTAX;
	return parse_walk(first, buf, len, 0, 1, out);
}
