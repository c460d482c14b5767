/* Unit tests: sticky-error byte cursors (ike/wire.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_wire.h"

static void test_reader_big_endian(void **state)
{
	(void)state;
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				     0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	struct ike_rd rd;

	ike_wire_rd_init(&rd, b, sizeof(b));
	assert_int_equal(ike_wire_get_u8(&rd), 0x01);
	assert_int_equal(ike_wire_get_u16(&rd), 0x0203);
	assert_int_equal(ike_wire_get_u32(&rd), 0x04050607);
	assert_true(ike_wire_get_u64(&rd) == 0x08090a0b0c0d0e0fULL);
	assert_int_equal(rd.err, 0);
	assert_int_equal(ike_wire_rd_left(&rd), 0);
}

static void test_reader_sticky(void **state)
{
	(void)state;
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct ike_rd rd;

	ike_wire_rd_init(&rd, b, sizeof(b));
	assert_int_equal(ike_wire_get_u16(&rd), 0xaabb);
	assert_int_equal(ike_wire_get_u16(&rd), 0); /* only 1 byte left */
	assert_int_equal(rd.err, IKE_WIRE_ETRUNC);
	assert_int_equal(ike_wire_get_u8(&rd), 0);  /* sticky, even if 1 byte fits */
	assert_null(ike_wire_get_bytes(&rd, 0));
	assert_int_equal(ike_wire_rd_left(&rd), 0);
}

static void test_reader_bytes_and_sub(void **state)
{
	(void)state;
	static const uint8_t b[] = { 1, 2, 3, 4, 5, 6 };
	struct ike_rd rd, sub;

	ike_wire_rd_init(&rd, b, sizeof(b));
	const uint8_t *p = ike_wire_get_bytes(&rd, 2);
	assert_ptr_equal(p, b);
	ike_wire_rd_sub(&rd, 3, &sub);
	assert_int_equal(ike_wire_rd_left(&sub), 3);
	assert_int_equal(ike_wire_get_u8(&sub), 3);
	assert_int_equal(ike_wire_rd_left(&rd), 1);
	assert_null(ike_wire_get_bytes(&rd, SIZE_MAX)); /* no overflow */
	assert_int_equal(rd.err, IKE_WIRE_ETRUNC);
	ike_wire_rd_sub(&rd, 1, &sub);
	assert_int_equal(sub.err, IKE_WIRE_ETRUNC);
}

static void test_writer_fixed(void **state)
{
	(void)state;
	uint8_t buf[8];
	struct ike_wr wr;

	ike_wire_wr_init(&wr, buf, sizeof(buf));
	ike_wire_put_u8(&wr, 0x11);
	ike_wire_put_u16(&wr, 0x2233);
	ike_wire_put_u32(&wr, 0x44556677);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.len, 7);
	static const uint8_t want[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	assert_memory_equal(buf, want, sizeof(want));
	ike_wire_put_u16(&wr, 0x8899);              /* does not fit */
	assert_int_equal(wr.err, -ENOSPC);
	assert_int_equal(wr.len, 7);
	ike_wire_put_u8(&wr, 1);                    /* sticky */
	assert_int_equal(wr.len, 7);
}

static void test_writer_backpatch(void **state)
{
	(void)state;
	struct ike_wr wr;

	ike_wire_wr_init_dyn(&wr, 0);
	ike_wire_put_u8(&wr, 0xee);
	size_t off = ike_wire_reserve_u16(&wr);
	size_t start = off - 1;
	for (int i = 0; i < 1000; i++) /* forces several reallocations */
		ike_wire_put_u8(&wr, (uint8_t)i);
	ike_wire_patch_len16(&wr, off, start);
	assert_int_equal(wr.err, 0);
	assert_int_equal(wr.buf[1], 1003 >> 8);
	assert_int_equal(wr.buf[2], 1003 & 0xff);
	ike_wire_patch_u16(&wr, wr.len - 1, 0); /* would cross the end */
	assert_int_equal(wr.err, -ERANGE);
	size_t n;
	assert_null(ike_wire_wr_steal(&wr, &n)); /* errored writer gives nothing */
	assert_int_equal(n, 0);
}

static void test_writer_limit(void **state)
{
	(void)state;
	struct ike_wr wr;
	size_t n;

	ike_wire_wr_init_dyn(&wr, 10);
	ike_wire_put_zero(&wr, 10);
	assert_int_equal(wr.err, 0);
	ike_wire_put_u8(&wr, 0);
	assert_int_equal(wr.err, -ENOSPC);
	ike_wire_wr_free(&wr);
	ike_wire_wr_init_dyn(&wr, 0);
	ike_wire_put_u32(&wr, 7);
	uint8_t *p = ike_wire_wr_steal(&wr, &n);
	assert_non_null(p);
	assert_int_equal(n, 4);
	assert_int_equal(p[3], 7);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_big_endian),
		cmocka_unit_test(test_reader_sticky),
		cmocka_unit_test(test_reader_bytes_and_sub),
		cmocka_unit_test(test_writer_fixed),
		cmocka_unit_test(test_writer_backpatch),
		cmocka_unit_test(test_writer_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
