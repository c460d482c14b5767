#ifndef SWANMESH_IKE_WIRE_H
#define SWANMESH_IKE_WIRE_H
/*
 * Byte cursors for the IKEv2 codec. Both have a sticky error: read or write a
 * run of fields, then check the error once. After an error every get returns
 * 0/NULL and every put does nothing.
 *
 * Errors: reader: IKE_WIRE_ETRUNC (positive, maps to INVALID_SYNTAX by the
 * callers); writer: -ENOSPC (fixed buffer full) or -ENOMEM (growth failed).
 */
#include <stddef.h>
#include <stdint.h>

#define IKE_WIRE_ETRUNC 7 /* == IKE_N_INVALID_SYNTAX */

struct ike_rd {
	const uint8_t *buf; /* borrowed; must outlive the cursor */
	size_t len;
	size_t off;
	int err;
};

void ike_wire_rd_init(struct ike_rd *rd, const uint8_t *buf, size_t len);
uint8_t ike_wire_get_u8(struct ike_rd *rd);
uint16_t ike_wire_get_u16(struct ike_rd *rd);
uint32_t ike_wire_get_u32(struct ike_rd *rd);
uint64_t ike_wire_get_u64(struct ike_rd *rd);
/* Returns a pointer into rd->buf (borrowed, valid while that buffer lives),
 * or NULL on error. n == 0 returns a valid non-NULL pointer when no error. */
const uint8_t *ike_wire_get_bytes(struct ike_rd *rd, size_t n);
void ike_wire_skip(struct ike_rd *rd, size_t n);
size_t ike_wire_rd_left(const struct ike_rd *rd);
/* Sub-cursor over the next n bytes; advances rd past them. */
void ike_wire_rd_sub(struct ike_rd *rd, size_t n, struct ike_rd *sub);

struct ike_wr {
	uint8_t *buf;  /* caller's buffer, or owned when growable */
	size_t cap;
	size_t len;
	size_t max;    /* growable: hard limit */
	int growable;
	int err;
};

#define IKE_WIRE_WR_MAX_DEFAULT 65536u

/* Fixed writer over a caller buffer (borrowed). */
void ike_wire_wr_init(struct ike_wr *wr, uint8_t *buf, size_t cap);
/* Growable writer; the buffer is owned by wr, release with ike_wire_wr_free
 * or take it with ike_wire_wr_steal (caller then free()s it). */
void ike_wire_wr_init_dyn(struct ike_wr *wr, size_t max);
void ike_wire_wr_free(struct ike_wr *wr);
uint8_t *ike_wire_wr_steal(struct ike_wr *wr, size_t *lenp);

void ike_wire_put_u8(struct ike_wr *wr, uint8_t v);
void ike_wire_put_u16(struct ike_wr *wr, uint16_t v);
void ike_wire_put_u32(struct ike_wr *wr, uint32_t v);
void ike_wire_put_u64(struct ike_wr *wr, uint64_t v);
void ike_wire_put_bytes(struct ike_wr *wr, const void *p, size_t n);
void ike_wire_put_zero(struct ike_wr *wr, size_t n);
/* Reserves n bytes, returns a pointer valid until the next put (growable
 * buffers move), or NULL on error. */
uint8_t *ike_wire_put_space(struct ike_wr *wr, size_t n);
/* Records err (negative) unless an error is already set. */
void ike_wire_wr_fail(struct ike_wr *wr, int err);
/* Reserves a 16-bit length field; returns its offset (SIZE_MAX on error). */
size_t ike_wire_reserve_u16(struct ike_wr *wr);
void ike_wire_patch_u16(struct ike_wr *wr, size_t off, uint16_t v);
void ike_wire_patch_u32(struct ike_wr *wr, size_t off, uint32_t v);
void ike_wire_patch_u8(struct ike_wr *wr, size_t off, uint8_t v);
/* Patches the field at off with (wr->len - start); -ERANGE if > 65535. */
void ike_wire_patch_len16(struct ike_wr *wr, size_t off, size_t start);

#endif
