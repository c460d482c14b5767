/* payload_ts.c: Traffic Selector payloads TSi/TSr (RFC 7296 3.13). */
#include <errno.h>
#include <string.h>

#include "ike/ike_payloads.h"

#define TS_FIXED_LEN 8 /* type, proto, length, start port, end port */

size_t ike_payload_ts_addr_len(uint8_t type)
{
	switch (type) {
	case IKE_TS_IPV4_ADDR_RANGE: return 4;
	case IKE_TS_IPV6_ADDR_RANGE: return 16;
	default: return 0;
	}
}

static int ts_one_parse(struct ike_rd *rd, struct ike_ts *ts)
{
	ts->type = ike_wire_get_u8(rd);
	ts->ip_proto = ike_wire_get_u8(rd);
	uint16_t len = ike_wire_get_u16(rd);
	size_t alen = ike_payload_ts_addr_len(ts->type);

	/* Unknown TS types cannot be skipped meaningfully: reject. */
	if (rd->err != 0 || alen == 0 || len != TS_FIXED_LEN + 2 * alen)
		return IKE_N_INVALID_SYNTAX;
	ts->start_port = ike_wire_get_u16(rd);
	ts->end_port = ike_wire_get_u16(rd);
	const uint8_t *s = ike_wire_get_bytes(rd, alen);
	const uint8_t *e = ike_wire_get_bytes(rd, alen);
	if (rd->err != 0)
		return IKE_N_INVALID_SYNTAX;
	memcpy(ts->start, s, alen);
	memcpy(ts->end, e, alen);
	return 0;
}

int ike_payload_ts_parse(const uint8_t *body, size_t len, struct ike_ts_payload *out)
{
	struct ike_rd rd;
	int r = IKE_N_INVALID_SYNTAX;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	uint8_t n = ike_wire_get_u8(&rd);
	ike_wire_skip(&rd, 3);
	if (rd.err != 0 || n == 0 || n > IKE_MAX_TS)
		goto out;
	for (unsigned i = 0; i < n; i++)
		if ((r = ts_one_parse(&rd, &out->ts[i])) != 0)
			goto out;
	r = IKE_N_INVALID_SYNTAX;
	if (ike_wire_rd_left(&rd) != 0)
		goto out;
	out->n_ts = n;
	r = 0;
out:
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

void ike_payload_ts_build(struct ike_wr *wr, const struct ike_ts_payload *ts)
{
	if (ts->n_ts == 0 || ts->n_ts > IKE_MAX_TS) {
		ike_wire_wr_fail(wr, -EINVAL);
		return;
	}
	ike_wire_put_u8(wr, (uint8_t)ts->n_ts);
	ike_wire_put_zero(wr, 3);
	for (unsigned i = 0; i < ts->n_ts; i++) {
		const struct ike_ts *t = &ts->ts[i];
		size_t alen = ike_payload_ts_addr_len(t->type);
		if (alen == 0)
			ike_wire_wr_fail(wr, -EINVAL);
		ike_wire_put_u8(wr, t->type);
		ike_wire_put_u8(wr, t->ip_proto);
		ike_wire_put_u16(wr, (uint16_t)(TS_FIXED_LEN + 2 * alen));
		ike_wire_put_u16(wr, t->start_port);
		ike_wire_put_u16(wr, t->end_port);
		ike_wire_put_bytes(wr, t->start, alen);
		ike_wire_put_bytes(wr, t->end, alen);
	}
}
