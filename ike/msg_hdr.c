/* msg_hdr.c: the fixed IKE header (RFC 7296 3.1). */
#include <string.h>

#include "ike/ike_message.h"

int ike_msg_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *out)
{
	struct ike_rd rd;
	struct ike_hdr h;

	memset(out, 0, sizeof(*out));
	if (len < IKE_HDR_LEN)
		return IKE_N_INVALID_SYNTAX;
	ike_wire_rd_init(&rd, buf, len);
	h.spi_i = ike_wire_get_u64(&rd);
	h.spi_r = ike_wire_get_u64(&rd);
	h.next = ike_wire_get_u8(&rd);
	uint8_t ver = ike_wire_get_u8(&rd);
	h.exchange = ike_wire_get_u8(&rd);
	h.flags = ike_wire_get_u8(&rd);
	h.msg_id = ike_wire_get_u32(&rd);
	h.length = ike_wire_get_u32(&rd);
	if (rd.err != 0)
		return IKE_N_INVALID_SYNTAX;
	h.major = ver >> 4;
	h.minor = ver & 0x0f;
	if (h.major != IKE_MAJOR_VERSION) {
		*out = h; /* the caller answers with INVALID_MAJOR_VERSION */
		return IKE_N_INVALID_MAJOR_VERSION;
	}
	if (h.length != len)
		return IKE_N_INVALID_SYNTAX;
	*out = h;
	return 0;
}

void ike_msg_hdr_build(struct ike_wr *wr, const struct ike_hdr *h)
{
	ike_wire_put_u64(wr, h->spi_i);
	ike_wire_put_u64(wr, h->spi_r);
	ike_wire_put_u8(wr, h->next);
	ike_wire_put_u8(wr, (uint8_t)(IKE_MAJOR_VERSION << 4 | (h->minor & 0x0f)));
	ike_wire_put_u8(wr, h->exchange);
	ike_wire_put_u8(wr, h->flags);
	ike_wire_put_u32(wr, h->msg_id);
	ike_wire_put_u32(wr, h->length);
}
