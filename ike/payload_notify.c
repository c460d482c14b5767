/* payload_notify.c: Notify (RFC 7296 3.10) and Delete (3.11) payloads. */
#include <errno.h>
#include <string.h>

#include "ike/ike_payloads.h"

int ike_payload_notify_parse(const uint8_t *body, size_t len, struct ike_notify *out)
{
	struct ike_rd rd;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	uint8_t proto = ike_wire_get_u8(&rd);
	uint8_t spi_size = ike_wire_get_u8(&rd);
	uint16_t type = ike_wire_get_u16(&rd);
	const uint8_t *spi = ike_wire_get_bytes(&rd, spi_size);
	if (rd.err != 0 || spi_size > IKE_MAX_SPI_SIZE)
		return IKE_N_INVALID_SYNTAX;
	out->proto = proto;
	out->spi_size = spi_size;
	out->type = type;
	out->spi.ptr = spi;
	out->spi.len = spi_size;
	out->data.len = ike_wire_rd_left(&rd);
	out->data.ptr = ike_wire_get_bytes(&rd, out->data.len);
	return 0;
}

void ike_payload_notify_build(struct ike_wr *wr, const struct ike_notify *n)
{
	if (n->spi.len > IKE_MAX_SPI_SIZE)
		ike_wire_wr_fail(wr, -EINVAL);
	ike_wire_put_u8(wr, n->proto);
	ike_wire_put_u8(wr, (uint8_t)n->spi.len);
	ike_wire_put_u16(wr, n->type);
	ike_wire_put_bytes(wr, n->spi.ptr, n->spi.len);
	ike_wire_put_bytes(wr, n->data.ptr, n->data.len);
}

/* IKE SA deletes carry no SPI (size 0, count 0); ESP/AH carry 4-byte SPIs. */
int ike_payload_delete_parse(const uint8_t *body, size_t len, struct ike_delete *out)
{
	struct ike_rd rd;

	memset(out, 0, sizeof(*out));
	ike_wire_rd_init(&rd, body, len);
	uint8_t proto = ike_wire_get_u8(&rd);
	uint8_t spi_size = ike_wire_get_u8(&rd);
	uint16_t n = ike_wire_get_u16(&rd);
	if (rd.err != 0 || spi_size > IKE_MAX_SPI_SIZE || (spi_size == 0) != (n == 0))
		return IKE_N_INVALID_SYNTAX;
	size_t bytes = (size_t)spi_size * n;
	const uint8_t *spis = ike_wire_get_bytes(&rd, bytes);
	if (rd.err != 0 || ike_wire_rd_left(&rd) != 0)
		return IKE_N_INVALID_SYNTAX;
	out->proto = proto;
	out->spi_size = spi_size;
	out->n_spi = n;
	out->spis.ptr = spis;
	out->spis.len = bytes;
	return 0;
}

void ike_payload_delete_build(struct ike_wr *wr, const struct ike_delete *d)
{
	if (d->spi_size > IKE_MAX_SPI_SIZE || d->spis.len != (size_t)d->spi_size * d->n_spi)
		ike_wire_wr_fail(wr, -EINVAL);
	ike_wire_put_u8(wr, d->proto);
	ike_wire_put_u8(wr, d->spi_size);
	ike_wire_put_u16(wr, d->n_spi);
	ike_wire_put_bytes(wr, d->spis.ptr, d->spis.len);
}
