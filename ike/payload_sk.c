/* payload_sk.c: Encrypted (SK, RFC 7296 3.14) and Encrypted Fragment
 * (SKF, RFC 7383 2.5) payloads: framing only, no cryptography. */
#include <string.h>

#include "ike/ike_payloads.h"

int ike_payload_sk_parse(uint8_t first, const uint8_t *body, size_t len, struct ike_sk *out)
{
	memset(out, 0, sizeof(*out));
	if (body == NULL || len == 0)
		return IKE_N_INVALID_SYNTAX;
	out->first = first;
	out->body.ptr = body;
	out->body.len = len;
	return 0;
}

int ike_payload_skf_parse(uint8_t first, const uint8_t *body, size_t len, struct ike_skf *out)
{
	struct ike_rd rd;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	uint16_t num = ike_wire_get_u16(&rd);
	uint16_t total = ike_wire_get_u16(&rd);
	/* RFC 7383 2.5: number 1..total; only fragment 1 names the first payload */
	if (rd.err != 0 || num == 0 || num > total || ike_wire_rd_left(&rd) == 0)
		return IKE_N_INVALID_SYNTAX;
	if (num != 1 && first != IKE_PT_NONE)
		return IKE_N_INVALID_SYNTAX;
	out->first = first;
	out->frag_num = num;
	out->total = total;
	out->body.len = ike_wire_rd_left(&rd);
	out->body.ptr = ike_wire_get_bytes(&rd, out->body.len);
	return 0;
}
