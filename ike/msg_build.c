/* msg_build.c: message builder with back-patched next-payload and length
 * fields, and the rebuild of a parsed message. */
#include <errno.h>
#include <string.h>

#include "ike/ike_message.h"

#define HDR_NEXT_OFF 16
#define HDR_LEN_OFF  24

void ike_build_init(struct ike_build *b, struct ike_wr *wr, const struct ike_hdr *h)
{
	struct ike_hdr hh = *h;

	memset(b, 0, sizeof(*b));
	b->wr = wr;
	b->hdr_off = wr->len;
	b->np_off = wr->len + HDR_NEXT_OFF;
	b->sk_off = SIZE_MAX;
	hh.next = IKE_PT_NONE;
	hh.length = 0;
	ike_msg_hdr_build(wr, &hh);
}

void ike_build_payload_begin(struct ike_build *b, uint8_t type, int critical)
{
	if (b->open)
		ike_build_payload_end(b);
	ike_wire_patch_u8(b->wr, b->np_off, type);
	b->start = b->wr->len;
	ike_wire_put_u8(b->wr, IKE_PT_NONE);
	ike_wire_put_u8(b->wr, critical ? IKE_PAYLOAD_CRITICAL : 0);
	b->len_off = ike_wire_reserve_u16(b->wr);
	b->np_off = b->start;
	b->open = 1;
}

void ike_build_payload_end(struct ike_build *b)
{
	if (!b->open)
		return;
	ike_wire_patch_len16(b->wr, b->len_off, b->start);
	b->open = 0;
}

void ike_build_payload_raw(struct ike_build *b, uint8_t type, int critical,
			   const uint8_t *body, size_t len)
{
	ike_build_payload_begin(b, type, critical);
	ike_wire_put_bytes(b->wr, body, len);
	ike_build_payload_end(b);
}

int ike_build_finish(struct ike_build *b)
{
	struct ike_wr *wr = b->wr;

	ike_build_payload_end(b);
	if (wr->err == 0 && wr->len - b->hdr_off > UINT32_MAX)
		wr->err = -ERANGE;
	ike_wire_patch_u32(wr, b->hdr_off + HDR_LEN_OFF, (uint32_t)(wr->len - b->hdr_off));
	return wr->err;
}

/* Body of one parsed payload, by type. */
static void build_body(struct ike_wr *wr, const struct ike_msg *m, uint8_t type, unsigned i)
{
	switch (type) {
	case IKE_PT_SA: ike_payload_sa_build(wr, &m->sa); break;
	case IKE_PT_KE: ike_payload_ke_build(wr, &m->ke); break;
	case IKE_PT_IDI: ike_payload_id_build(wr, &m->idi); break;
	case IKE_PT_IDR: ike_payload_id_build(wr, &m->idr); break;
	case IKE_PT_AUTH: ike_payload_auth_build(wr, &m->auth); break;
	case IKE_PT_NONCE: ike_payload_nonce_build(wr, &m->nonce); break;
	case IKE_PT_TSI: ike_payload_ts_build(wr, &m->tsi); break;
	case IKE_PT_TSR: ike_payload_ts_build(wr, &m->tsr); break;
	case IKE_PT_CP: ike_wire_put_bytes(wr, m->cp.data.ptr, m->cp.data.len); break;
	case IKE_PT_EAP: ike_wire_put_bytes(wr, m->eap.data.ptr, m->eap.data.len); break;
	case IKE_PT_CERT: ike_payload_cert_build(wr, &m->cert[i]); break;
	case IKE_PT_CERTREQ: ike_payload_cert_build(wr, &m->certreq[i]); break;
	case IKE_PT_NOTIFY: ike_payload_notify_build(wr, &m->notify[i]); break;
	case IKE_PT_DELETE: ike_payload_delete_build(wr, &m->del[i]); break;
	case IKE_PT_VENDOR: ike_payload_vendor_build(wr, &m->vendor[i]); break;
	case IKE_PT_SK:
		ike_wire_put_bytes(wr, m->sk.body.ptr, m->sk.body.len);
		break;
	case IKE_PT_SKF:
		ike_wire_put_u16(wr, m->skf.frag_num);
		ike_wire_put_u16(wr, m->skf.total);
		ike_wire_put_bytes(wr, m->skf.body.ptr, m->skf.body.len);
		break;
	default:
		if (wr->err == 0)
			wr->err = -EINVAL;
	}
}

void ike_build_payload_from(struct ike_build *b, const struct ike_msg *m,
			    const struct ike_msg_entry *e)
{
	ike_build_payload_begin(b, e->type, e->critical);
	build_body(b->wr, m, e->type, e->index);
	if (e->type == IKE_PT_SK)
		ike_wire_patch_u8(b->wr, b->start, m->sk.first);
	else if (e->type == IKE_PT_SKF)
		ike_wire_patch_u8(b->wr, b->start, m->skf.first);
	ike_build_payload_end(b);
}

int ike_msg_build(struct ike_wr *wr, const struct ike_msg *m)
{
	struct ike_build b;

	ike_build_init(&b, wr, &m->hdr);
	for (unsigned i = 0; i < m->n_payloads && i < IKE_MAX_PAYLOADS; i++)
		ike_build_payload_from(&b, m, &m->order[i]);
	return ike_build_finish(&b);
}
