/* wire.c: sticky-error byte cursors (reader and writer). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_wire.h"

void ike_wire_rd_init(struct ike_rd *rd, const uint8_t *buf, size_t len)
{
	rd->buf = buf;
	rd->len = buf != NULL ? len : 0;
	rd->off = 0;
	rd->err = 0;
}

static const uint8_t *rd_take(struct ike_rd *rd, size_t n)
{
	if (rd->err != 0)
		return NULL;
	if (n > rd->len - rd->off) {
		rd->err = IKE_WIRE_ETRUNC;
		rd->off = rd->len;
		return NULL;
	}
	const uint8_t *p = rd->buf + rd->off;
	rd->off += n;
	return p;
}

uint8_t ike_wire_get_u8(struct ike_rd *rd)
{
	const uint8_t *p = rd_take(rd, 1);
	return p != NULL ? p[0] : 0;
}

uint16_t ike_wire_get_u16(struct ike_rd *rd)
{
	const uint8_t *p = rd_take(rd, 2);
	return p != NULL ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t ike_wire_get_u32(struct ike_rd *rd)
{
	const uint8_t *p = rd_take(rd, 4);
	if (p == NULL)
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t ike_wire_get_u64(struct ike_rd *rd)
{
	uint64_t hi = ike_wire_get_u32(rd);
	uint64_t lo = ike_wire_get_u32(rd);
	return rd->err != 0 ? 0 : hi << 32 | lo;
}

const uint8_t *ike_wire_get_bytes(struct ike_rd *rd, size_t n)
{
	return rd_take(rd, n);
}

void ike_wire_skip(struct ike_rd *rd, size_t n)
{
	(void)rd_take(rd, n);
}

size_t ike_wire_rd_left(const struct ike_rd *rd)
{
	return rd->err != 0 ? 0 : rd->len - rd->off;
}

void ike_wire_rd_sub(struct ike_rd *rd, size_t n, struct ike_rd *sub)
{
	const uint8_t *p = rd_take(rd, n);
	ike_wire_rd_init(sub, p, p != NULL ? n : 0);
	sub->err = rd->err;
}

void ike_wire_wr_init(struct ike_wr *wr, uint8_t *buf, size_t cap)
{
	memset(wr, 0, sizeof(*wr));
	wr->buf = buf;
	wr->cap = buf != NULL ? cap : 0;
	wr->max = wr->cap;
}

void ike_wire_wr_init_dyn(struct ike_wr *wr, size_t max)
{
	memset(wr, 0, sizeof(*wr));
	wr->growable = 1;
	wr->max = max != 0 ? max : IKE_WIRE_WR_MAX_DEFAULT;
}

void ike_wire_wr_free(struct ike_wr *wr)
{
	if (wr->growable)
		free(wr->buf);
	memset(wr, 0, sizeof(*wr));
}

uint8_t *ike_wire_wr_steal(struct ike_wr *wr, size_t *lenp)
{
	uint8_t *p = NULL;

	*lenp = 0;
	if (wr->err == 0 && wr->growable) {
		p = wr->buf;
		*lenp = wr->len;
		wr->buf = NULL;
	}
	ike_wire_wr_free(wr);
	return p;
}

static int wr_grow(struct ike_wr *wr, size_t need)
{
	size_t ncap = wr->cap != 0 ? wr->cap : 256;

	while (ncap < need)
		ncap *= 2;
	if (ncap > wr->max)
		ncap = wr->max;
	uint8_t *nbuf = realloc(wr->buf, ncap);
	if (nbuf == NULL)
		return -ENOMEM;
	wr->buf = nbuf;
	wr->cap = ncap;
	return 0;
}

uint8_t *ike_wire_put_space(struct ike_wr *wr, size_t n)
{
	if (wr->err != 0)
		return NULL;
	if (n > wr->max - wr->len) {
		wr->err = -ENOSPC;
		return NULL;
	}
	if (n > wr->cap - wr->len) {
		int r = wr->growable ? wr_grow(wr, wr->len + n) : -ENOSPC;
		if (r != 0) {
			wr->err = r;
			return NULL;
		}
	}
	uint8_t *p = wr->buf + wr->len;
	wr->len += n;
	return p;
}

void ike_wire_put_u8(struct ike_wr *wr, uint8_t v)
{
	uint8_t *p = ike_wire_put_space(wr, 1);
	if (p != NULL)
		p[0] = v;
}

void ike_wire_put_u16(struct ike_wr *wr, uint16_t v)
{
	uint8_t *p = ike_wire_put_space(wr, 2);
	if (p != NULL) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void ike_wire_put_u32(struct ike_wr *wr, uint32_t v)
{
	ike_wire_put_u16(wr, (uint16_t)(v >> 16));
	ike_wire_put_u16(wr, (uint16_t)v);
}

void ike_wire_put_u64(struct ike_wr *wr, uint64_t v)
{
	ike_wire_put_u32(wr, (uint32_t)(v >> 32));
	ike_wire_put_u32(wr, (uint32_t)v);
}

void ike_wire_put_bytes(struct ike_wr *wr, const void *src, size_t n)
{
	uint8_t *p = ike_wire_put_space(wr, n);
	if (p != NULL && n != 0)
		memcpy(p, src, n);
}

void ike_wire_put_zero(struct ike_wr *wr, size_t n)
{
	uint8_t *p = ike_wire_put_space(wr, n);
	if (p != NULL && n != 0)
		memset(p, 0, n);
}

void ike_wire_wr_fail(struct ike_wr *wr, int err)
{
	if (wr->err == 0)
		wr->err = err;
}

size_t ike_wire_reserve_u16(struct ike_wr *wr)
{
	size_t off = wr->len;
	ike_wire_put_u16(wr, 0);
	return wr->err != 0 ? SIZE_MAX : off;
}

void ike_wire_patch_u8(struct ike_wr *wr, size_t off, uint8_t v)
{
	if (wr->err != 0)
		return;
	if (off >= wr->len) {
		wr->err = -ERANGE;
		return;
	}
	wr->buf[off] = v;
}

void ike_wire_patch_u16(struct ike_wr *wr, size_t off, uint16_t v)
{
	if (wr->err == 0 && (off > wr->len || wr->len - off < 2)) {
		wr->err = -ERANGE;
		return;
	}
	ike_wire_patch_u8(wr, off, (uint8_t)(v >> 8));
	ike_wire_patch_u8(wr, off + 1, (uint8_t)v);
}

void ike_wire_patch_u32(struct ike_wr *wr, size_t off, uint32_t v)
{
	ike_wire_patch_u16(wr, off, (uint16_t)(v >> 16));
	ike_wire_patch_u16(wr, off + 2, (uint16_t)v);
}

void ike_wire_patch_len16(struct ike_wr *wr, size_t off, size_t start)
{
	if (wr->err != 0)
		return;
	if (start > wr->len || wr->len - start > UINT16_MAX) {
		wr->err = -ERANGE;
		return;
	}
	ike_wire_patch_u16(wr, off, (uint16_t)(wr->len - start));
}
