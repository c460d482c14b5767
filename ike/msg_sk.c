/* msg_sk.c: SK/SKF layout for the crypto layer (RFC 7296 3.14, RFC 7383
 * 2.5): where AAD, IV, ciphertext and ICV are. No cryptography here. */
#include <errno.h>
#include <string.h>

#include "ike/ike_message.h"

int ike_sk_layout_rx(const uint8_t *buf, size_t len, const struct ike_msg *m,
		     size_t iv_len, size_t icv_len, struct ike_sk_layout *out)
{
	const struct ike_bytes *body;
	size_t hdr_len;

	memset(out, 0, sizeof(*out));
	if (m->has_sk) {
		body = &m->sk.body;
		hdr_len = IKE_GEN_HDR_LEN;
	} else if (m->has_skf) {
		body = &m->skf.body;
		hdr_len = IKE_SKF_HDR_LEN;
	} else {
		return IKE_N_INVALID_SYNTAX;
	}
	/* The parser guarantees SK ends the datagram; check it still holds. */
	if (m->sk_hdr_off > len || len - m->sk_hdr_off < hdr_len ||
	    body->ptr != buf + m->sk_hdr_off + hdr_len ||
	    body->len != len - m->sk_hdr_off - hdr_len)
		return IKE_N_INVALID_SYNTAX;
	/* Room for IV, ICV and at least the pad length byte. */
	if (iv_len > body->len || icv_len > body->len - iv_len ||
	    body->len - iv_len - icv_len < 1)
		return IKE_N_INVALID_SYNTAX;
	out->aad_off = 0;
	out->aad_len = m->sk_hdr_off + hdr_len;
	out->iv_off = out->aad_len;
	out->iv_len = iv_len;
	out->ct_off = out->iv_off + iv_len;
	out->ct_len = body->len - iv_len - icv_len;
	out->icv_off = out->ct_off + out->ct_len;
	out->icv_len = icv_len;
	return 0;
}

int ike_sk_plain_len(const uint8_t *ct, size_t ct_len, size_t *inner_len)
{
	*inner_len = 0;
	if (ct == NULL || ct_len < 1)
		return IKE_N_INVALID_SYNTAX;
	size_t pad = ct[ct_len - 1];
	if (pad + 1 > ct_len)
		return IKE_N_INVALID_SYNTAX;
	*inner_len = ct_len - pad - 1;
	return 0;
}

void ike_build_sk_begin(struct ike_build *b, size_t iv_len)
{
	ike_build_payload_begin(b, IKE_PT_SK, 0);
	ike_wire_put_zero(b->wr, iv_len);
	b->sk_off = b->start;
	b->sk_hdr_len = IKE_GEN_HDR_LEN;
	b->iv_len = iv_len;
	b->open = 0; /* inner payloads chain from the SK next-payload byte */
}

void ike_build_skf_begin(struct ike_build *b, uint16_t num, uint16_t total,
			 uint8_t first, size_t iv_len)
{
	ike_build_payload_begin(b, IKE_PT_SKF, 0);
	ike_wire_patch_u8(b->wr, b->start, first);
	ike_wire_put_u16(b->wr, num);
	ike_wire_put_u16(b->wr, total);
	ike_wire_put_zero(b->wr, iv_len);
	b->sk_off = b->start;
	b->sk_hdr_len = IKE_SKF_HDR_LEN;
	b->iv_len = iv_len;
	b->open = 0;
	b->np_off = SIZE_MAX; /* nothing chains after an SKF */
}

int ike_build_sk_finish(struct ike_build *b, size_t block, size_t icv_len,
			struct ike_sk_layout *out)
{
	struct ike_wr *wr = b->wr;
	int r;

	memset(out, 0, sizeof(*out));
	if (b->sk_off == SIZE_MAX || block == 0 || block > 256)
		return -EINVAL;
	ike_build_payload_end(b);
	size_t iv_off = b->sk_off + b->sk_hdr_len;
	size_t ct_off = iv_off + b->iv_len;
	size_t inner = wr->len >= ct_off ? wr->len - ct_off : 0;
	size_t pad = (block - (inner + 1) % block) % block;
	ike_wire_put_zero(wr, pad);
	ike_wire_put_u8(wr, (uint8_t)pad);
	ike_wire_put_zero(wr, icv_len);
	ike_wire_patch_len16(wr, b->sk_off + 2, b->sk_off);
	if ((r = ike_build_finish(b)) != 0)
		return r;
	out->aad_off = b->hdr_off;
	out->aad_len = iv_off - b->hdr_off;
	out->iv_off = iv_off;
	out->iv_len = b->iv_len;
	out->ct_off = ct_off;
	out->ct_len = inner + pad + 1;
	out->icv_off = ct_off + out->ct_len;
	out->icv_len = icv_len;
	b->sk_off = SIZE_MAX;
	return 0;
}
