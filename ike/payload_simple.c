/* payload_simple.c: payloads made of a small fixed part and opaque data:
 * KE (3.4), ID (3.5), CERT/CERTREQ (3.6, 3.7), AUTH (3.8), Nonce (3.9),
 * Vendor ID (3.12). */
#include <string.h>

#include "ike/ike_payloads.h"

/* Reads the rest of rd as borrowed bytes. */
static void simple_rest(struct ike_rd *rd, struct ike_bytes *b)
{
	b->len = ike_wire_rd_left(rd);
	b->ptr = ike_wire_get_bytes(rd, b->len);
}

int ike_payload_ke_parse(const uint8_t *body, size_t len, struct ike_ke *out)
{
	struct ike_rd rd;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	uint16_t group = ike_wire_get_u16(&rd);
	ike_wire_skip(&rd, 2);
	if (rd.err != 0 || ike_wire_rd_left(&rd) == 0)
		return IKE_N_INVALID_SYNTAX;
	out->group = group;
	simple_rest(&rd, &out->data);
	return 0;
}

void ike_payload_ke_build(struct ike_wr *wr, const struct ike_ke *ke)
{
	ike_wire_put_u16(wr, ke->group);
	ike_wire_put_u16(wr, 0);
	ike_wire_put_bytes(wr, ke->data.ptr, ke->data.len);
}

int ike_payload_nonce_parse(const uint8_t *body, size_t len, struct ike_nonce *out)
{
	memset(out, 0, sizeof(*out));
	if (body == NULL || len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
		return IKE_N_INVALID_SYNTAX;
	out->data.ptr = body;
	out->data.len = len;
	return 0;
}

void ike_payload_nonce_build(struct ike_wr *wr, const struct ike_nonce *n)
{
	ike_wire_put_bytes(wr, n->data.ptr, n->data.len);
}

/* Shared by ID, CERT, CERTREQ and AUTH: a 1-byte type, 3 reserved bytes
 * (only 0 for CERT: no reserved bytes there), then data. */
static int simple_typed_parse(const uint8_t *body, size_t len, size_t reserved,
			      int need_data, uint8_t *type, struct ike_bytes *data)
{
	struct ike_rd rd;

	ike_wire_rd_init(&rd, body, len);
	uint8_t t = ike_wire_get_u8(&rd);
	ike_wire_skip(&rd, reserved);
	if (rd.err != 0 || (need_data && ike_wire_rd_left(&rd) == 0))
		return IKE_N_INVALID_SYNTAX;
	*type = t;
	simple_rest(&rd, data);
	return 0;
}

static void simple_typed_build(struct ike_wr *wr, uint8_t type, size_t reserved,
			       const struct ike_bytes *data)
{
	ike_wire_put_u8(wr, type);
	ike_wire_put_zero(wr, reserved);
	ike_wire_put_bytes(wr, data->ptr, data->len);
}

int ike_payload_id_parse(const uint8_t *body, size_t len, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	int r = simple_typed_parse(body, len, 3, 0, &out->type, &out->data);
	if (r == 0 && out->type != IKE_ID_NULL && out->data.len == 0)
		r = IKE_N_INVALID_SYNTAX; /* only ID_NULL may be empty */
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

void ike_payload_id_build(struct ike_wr *wr, const struct ike_id *id)
{
	simple_typed_build(wr, id->type, 3, &id->data);
}

/* CERT requires data; CERTREQ may carry an empty CA list. */
int ike_payload_cert_parse(const uint8_t *body, size_t len, struct ike_cert *out)
{
	memset(out, 0, sizeof(*out));
	return simple_typed_parse(body, len, 0, 1, &out->encoding, &out->data);
}

int ike_payload_certreq_parse(const uint8_t *body, size_t len, struct ike_cert *out)
{
	memset(out, 0, sizeof(*out));
	return simple_typed_parse(body, len, 0, 0, &out->encoding, &out->data);
}

void ike_payload_cert_build(struct ike_wr *wr, const struct ike_cert *c)
{
	simple_typed_build(wr, c->encoding, 0, &c->data);
}

int ike_payload_auth_parse(const uint8_t *body, size_t len, struct ike_auth *out)
{
	memset(out, 0, sizeof(*out));
	return simple_typed_parse(body, len, 3, 1, &out->method, &out->data);
}

void ike_payload_auth_build(struct ike_wr *wr, const struct ike_auth *a)
{
	simple_typed_build(wr, a->method, 3, &a->data);
}

int ike_payload_vendor_parse(const uint8_t *body, size_t len, struct ike_vendor *out)
{
	memset(out, 0, sizeof(*out));
	if (body == NULL || len == 0)
		return IKE_N_INVALID_SYNTAX;
	out->data.ptr = body;
	out->data.len = len;
	return 0;
}

void ike_payload_vendor_build(struct ike_wr *wr, const struct ike_vendor *v)
{
	ike_wire_put_bytes(wr, v->data.ptr, v->data.len);
}
