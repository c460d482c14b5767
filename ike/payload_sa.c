/* payload_sa.c: SA payload, proposals, transforms, attributes (RFC 7296 3.3). */
#include <errno.h>
#include <string.h>

#include "ike/ike_payloads.h"

#define SA_LAST      0
#define SA_MORE_PROP 2
#define SA_MORE_XF   3
#define PROP_HDR_LEN 8
#define XF_HDR_LEN   8

/* Attributes of one transform; rd covers exactly the attribute bytes. */
static int sa_attrs_parse(struct ike_rd *rd, struct ike_transform *xf)
{
	while (ike_wire_rd_left(rd) > 0) {
		uint16_t t = ike_wire_get_u16(rd);
		uint16_t v = ike_wire_get_u16(rd);
		if (rd->err != 0)
			return IKE_N_INVALID_SYNTAX;
		if ((t & IKE_ATTR_AF) == 0) {
			ike_wire_skip(rd, v); /* TLV: v is the length */
			if (rd->err != 0)
				return IKE_N_INVALID_SYNTAX;
			xf->unknown_attrs++;
			continue;
		}
		if ((t & ~IKE_ATTR_AF) != IKE_ATTR_KEY_LENGTH) {
			xf->unknown_attrs++;
			continue;
		}
		if (xf->key_len != 0 || v == 0)
			return IKE_N_INVALID_SYNTAX;
		xf->key_len = v;
	}
	return 0;
}

/* One transform substructure; *last is set from its Last Substruc field. */
static int sa_transform_parse(struct ike_rd *rd, struct ike_transform *xf, int *last)
{
	struct ike_rd sub;
	uint8_t more = ike_wire_get_u8(rd);
	ike_wire_skip(rd, 1);
	uint16_t len = ike_wire_get_u16(rd);

	if (rd->err != 0 || len < XF_HDR_LEN || (more != SA_LAST && more != SA_MORE_XF))
		return IKE_N_INVALID_SYNTAX;
	ike_wire_rd_sub(rd, len - 4u, &sub);
	xf->type = ike_wire_get_u8(&sub);
	ike_wire_skip(&sub, 1);
	xf->id = ike_wire_get_u16(&sub);
	if (sub.err != 0)
		return IKE_N_INVALID_SYNTAX;
	*last = more == SA_LAST;
	return sa_attrs_parse(&sub, xf);
}

static int sa_proposal_parse(struct ike_rd *rd, struct ike_proposal *p, int *last)
{
	struct ike_rd sub;
	int r, xlast = 0;
	uint8_t more = ike_wire_get_u8(rd);
	ike_wire_skip(rd, 1);
	uint16_t len = ike_wire_get_u16(rd);

	if (rd->err != 0 || len < PROP_HDR_LEN || (more != SA_LAST && more != SA_MORE_PROP))
		return IKE_N_INVALID_SYNTAX;
	ike_wire_rd_sub(rd, len - 4u, &sub);
	p->num = ike_wire_get_u8(&sub);
	p->proto = ike_wire_get_u8(&sub);
	p->spi_size = ike_wire_get_u8(&sub);
	uint8_t n = ike_wire_get_u8(&sub);
	if (sub.err != 0 || p->spi_size > IKE_MAX_SPI_SIZE || n == 0 || n > IKE_MAX_TRANSFORMS)
		return IKE_N_INVALID_SYNTAX;
	const uint8_t *spi = ike_wire_get_bytes(&sub, p->spi_size);
	if (spi == NULL)
		return IKE_N_INVALID_SYNTAX;
	memcpy(p->spi, spi, p->spi_size);
	for (unsigned i = 0; i < n; i++) {
		if (xlast)
			return IKE_N_INVALID_SYNTAX; /* Last flag before the count */
		if ((r = sa_transform_parse(&sub, &p->xf[i], &xlast)) != 0)
			return r;
	}
	if (!xlast || ike_wire_rd_left(&sub) != 0)
		return IKE_N_INVALID_SYNTAX;
	p->n_transforms = n;
	*last = more == SA_LAST;
	return 0;
}

int ike_payload_sa_parse(const uint8_t *body, size_t len, struct ike_sa_payload *out)
{
	struct ike_rd rd;
	int r = IKE_N_INVALID_SYNTAX, last = 0;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	while (!last) {
		struct ike_proposal *p;
		if (out->n_proposals == IKE_MAX_PROPOSALS)
			goto out;
		p = &out->prop[out->n_proposals];
		if ((r = sa_proposal_parse(&rd, p, &last)) != 0)
			goto out;
		r = IKE_N_INVALID_SYNTAX;
		/* A list starts at 1, each next one more (RFC 7296 3.3.1); an
		 * answer's single proposal keeps the number it was offered under. */
		if (out->n_proposals == 0 && last ? p->num == 0 : p->num != out->n_proposals + 1)
			goto out;
		out->n_proposals++;
	}
	if (ike_wire_rd_left(&rd) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

static void sa_transform_build(struct ike_wr *wr, const struct ike_transform *xf, int last)
{
	ike_wire_put_u8(wr, last ? SA_LAST : SA_MORE_XF);
	ike_wire_put_u8(wr, 0);
	ike_wire_put_u16(wr, xf->key_len != 0 ? XF_HDR_LEN + 4 : XF_HDR_LEN);
	ike_wire_put_u8(wr, xf->type);
	ike_wire_put_u8(wr, 0);
	ike_wire_put_u16(wr, xf->id);
	if (xf->key_len != 0) {
		ike_wire_put_u16(wr, IKE_ATTR_AF | IKE_ATTR_KEY_LENGTH);
		ike_wire_put_u16(wr, xf->key_len);
	}
}

/* Proposal numbers are written as given; the caller numbers them from 1. */
void ike_payload_sa_build(struct ike_wr *wr, const struct ike_sa_payload *sa)
{
	if (sa->n_proposals == 0 || sa->n_proposals > IKE_MAX_PROPOSALS) {
		ike_wire_wr_fail(wr, -EINVAL);
		return;
	}
	for (unsigned i = 0; i < sa->n_proposals; i++) {
		const struct ike_proposal *p = &sa->prop[i];
		size_t start = wr->len;
		if (p->spi_size > IKE_MAX_SPI_SIZE || p->n_transforms == 0 ||
		    p->n_transforms > IKE_MAX_TRANSFORMS) {
			ike_wire_wr_fail(wr, -EINVAL);
			return;
		}
		ike_wire_put_u8(wr, i + 1 == sa->n_proposals ? SA_LAST : SA_MORE_PROP);
		ike_wire_put_u8(wr, 0);
		size_t len_off = ike_wire_reserve_u16(wr);
		ike_wire_put_u8(wr, p->num);
		ike_wire_put_u8(wr, p->proto);
		ike_wire_put_u8(wr, p->spi_size);
		ike_wire_put_u8(wr, (uint8_t)p->n_transforms);
		ike_wire_put_bytes(wr, p->spi, p->spi_size);
		for (unsigned j = 0; j < p->n_transforms; j++)
			sa_transform_build(wr, &p->xf[j], j + 1 == p->n_transforms);
		ike_wire_patch_len16(wr, len_off, start);
	}
}
