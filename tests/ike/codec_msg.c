/* Unit tests: IKE header and the payload chain (ike/msg_*.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_message.h"

int codec_fixture_sa_init(struct ike_wr *wr, int variant);

static struct ike_msg msg; /* large: keep off the stack */

/* RFC 7296 3.1 header, hand-built: IKE_SA_INIT request, no payloads. */
static const uint8_t hdr_fixture[28] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* SPIi */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* SPIr */
	0x00, 0x20, 0x22, 0x08,                         /* next, ver 2.0, exch 34, I */
	0x00, 0x00, 0x00, 0x05,                         /* message id */
	0x00, 0x00, 0x00, 0x1c,                         /* length 28 */
};

static void test_hdr_fixture(void **state)
{
	(void)state;
	struct ike_hdr h;
	assert_int_equal(ike_msg_hdr_parse(hdr_fixture, sizeof(hdr_fixture), &h), 0);
	assert_true(h.spi_i == 0x0102030405060708ULL);
	assert_true(h.spi_r == 0);
	assert_int_equal(h.major, 2);
	assert_int_equal(h.exchange, IKE_EXCH_IKE_SA_INIT);
	assert_int_equal(h.flags, IKE_FLAG_I);
	assert_int_equal(h.msg_id, 5);
	assert_int_equal(h.length, 28);

	uint8_t out[28];
	struct ike_wr wr;
	ike_wire_wr_init(&wr, out, sizeof(out));
	ike_msg_hdr_build(&wr, &h);
	assert_int_equal(wr.err, 0);
	assert_memory_equal(out, hdr_fixture, sizeof(out));
}

static void test_hdr_errors(void **state)
{
	(void)state;
	uint8_t b[40];
	struct ike_hdr h;

	memcpy(b, hdr_fixture, 28);
	assert_int_equal(ike_msg_hdr_parse(b, 27, &h), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_msg_hdr_parse(b, 29, &h), IKE_N_INVALID_SYNTAX); /* length != datagram */
	b[17] = 0x30; /* major 3 */
	assert_int_equal(ike_msg_hdr_parse(b, 28, &h), IKE_N_INVALID_MAJOR_VERSION);
	assert_int_equal(h.major, 3);
	assert_int_equal(ike_msg_parse(b, 28, &msg), IKE_N_INVALID_MAJOR_VERSION);
	b[17] = 0x21; /* minor version ignored */
	assert_int_equal(ike_msg_hdr_parse(b, 28, &h), 0);
	assert_int_equal(h.minor, 1);
}

/* Header + one Nonce payload, hand-built per 3.2 and 3.9. */
static void test_chain_fixture(void **state)
{
	(void)state;
	uint8_t b[28 + 4 + 16];
	memcpy(b, hdr_fixture, 28);
	b[16] = IKE_PT_NONCE;
	b[27] = sizeof(b);
	b[28] = 0; b[29] = 0; b[30] = 0; b[31] = 20;
	for (int i = 0; i < 16; i++)
		b[32 + i] = (uint8_t)(0xa0 + i);
	assert_int_equal(ike_msg_parse(b, sizeof(b), &msg), 0);
	assert_true(msg.has_nonce);
	assert_int_equal(msg.n_payloads, 1);
	assert_ptr_equal(msg.nonce.data.ptr, b + 32); /* borrowed from b */
	assert_int_equal(msg.nonce.data.len, 16);

	b[31] = 21; /* payload length past the datagram */
	assert_int_equal(ike_msg_parse(b, sizeof(b), &msg), IKE_N_INVALID_SYNTAX);
	b[31] = 3;  /* below the generic header */
	assert_int_equal(ike_msg_parse(b, sizeof(b), &msg), IKE_N_INVALID_SYNTAX);
	b[31] = 19; /* one trailing byte after the chain */
	assert_int_equal(ike_msg_parse(b, sizeof(b), &msg), IKE_N_INVALID_SYNTAX);
	b[31] = 20;
	b[28] = IKE_PT_NONCE; /* chain says more follows, nothing left */
	assert_int_equal(ike_msg_parse(b, sizeof(b), &msg), IKE_N_INVALID_SYNTAX);
}

static size_t build_sample(uint8_t **out, int variant)
{
	struct ike_wr wr;
	size_t n;
	ike_wire_wr_init_dyn(&wr, 0);
	assert_int_equal(codec_fixture_sa_init(&wr, variant), 0);
	*out = ike_wire_wr_steal(&wr, &n);
	assert_non_null(*out);
	return n;
}

static void test_roundtrip_sa_init(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t n = build_sample(&buf, 0);

	assert_int_equal(ike_msg_parse(buf, n, &msg), 0);
	assert_int_equal(msg.hdr.exchange, IKE_EXCH_IKE_SA_INIT);
	assert_int_equal(msg.hdr.next, IKE_PT_SA);
	assert_int_equal(msg.n_payloads, 8);
	assert_int_equal(msg.sa.n_proposals, 2);
	assert_int_equal(msg.sa.prop[0].xf[0].key_len, 256);
	assert_int_equal(msg.sa.prop[1].n_transforms, 5);
	assert_int_equal(msg.sa.prop[1].xf[1].key_len, 256);
	assert_int_equal(msg.ke.group, IKE_DH_CURVE25519);
	assert_int_equal(msg.ke.data.len, 32);
	assert_int_equal(msg.nonce.data.len, 32);
	assert_int_equal(msg.n_notify, 4);
	assert_int_equal(msg.notify[2].type, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED);
	assert_int_equal(msg.notify[2].data.len, 0);
	assert_int_equal(msg.notify[3].data.len, 6);
	assert_int_equal(msg.n_vendor, 1);
	assert_int_equal(msg.order[7].type, IKE_PT_VENDOR);

	struct ike_wr wr;
	ike_wire_wr_init_dyn(&wr, 0);
	assert_int_equal(ike_msg_build(&wr, &msg), 0);
	assert_int_equal(wr.len, n);
	assert_memory_equal(wr.buf, buf, n);
	ike_wire_wr_free(&wr);
	free(buf);
}

/* Every truncation (with the header length adjusted) fails cleanly. */
static void test_truncations(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t n = build_sample(&buf, 0);

	for (size_t cut = IKE_HDR_LEN; cut < n; cut++) {
		uint8_t *t = malloc(cut); /* exact size: ASan catches overreads */
		assert_non_null(t);
		memcpy(t, buf, cut);
		t[24] = (uint8_t)(cut >> 24); t[25] = (uint8_t)(cut >> 16);
		t[26] = (uint8_t)(cut >> 8); t[27] = (uint8_t)cut;
		assert_int_equal(ike_msg_parse(t, cut, &msg), IKE_N_INVALID_SYNTAX);
		free(t);
	}
	free(buf);
}

static void build_with_unknown(struct ike_wr *wr, int critical)
{
	static const uint8_t nonce[16] = { 1 };
	static const uint8_t junk[5] = { 9, 9, 9, 9, 9 };
	struct ike_hdr h = { .spi_i = 1, .exchange = IKE_EXCH_INFORMATIONAL };
	struct ike_build b;
	ike_build_init(&b, wr, &h);
	ike_build_payload_raw(&b, 200, critical, junk, sizeof(junk));
	ike_build_payload_raw(&b, IKE_PT_NONCE, 0, nonce, sizeof(nonce));
	assert_int_equal(ike_build_finish(&b), 0);
}

static void test_unknown_payloads(void **state)
{
	(void)state;
	struct ike_wr wr;

	ike_wire_wr_init_dyn(&wr, 0);
	build_with_unknown(&wr, 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), 0);
	assert_int_equal(msg.n_unknown, 1);
	assert_int_equal(msg.n_payloads, 1);
	assert_true(msg.has_nonce);
	ike_wire_wr_free(&wr);

	ike_wire_wr_init_dyn(&wr, 0);
	build_with_unknown(&wr, 1);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(msg.unsupported_type, 200);
	ike_wire_wr_free(&wr);
}

/* A known payload with the critical bit set is parsed normally. */
static void test_known_critical(void **state)
{
	(void)state;
	static const uint8_t vid[3] = { 1, 2, 3 };
	struct ike_hdr h = { .exchange = IKE_EXCH_INFORMATIONAL };
	struct ike_build b;
	struct ike_wr wr;

	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &h);
	ike_build_payload_raw(&b, IKE_PT_VENDOR, 1, vid, sizeof(vid));
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), 0);
	assert_int_equal(msg.order[0].critical, 1);
	assert_int_equal(msg.vendor[0].data.len, 3);
	ike_wire_wr_free(&wr);
}

static void test_bounds(void **state)
{
	(void)state;
	static const uint8_t vid[1] = { 1 };
	static const uint8_t nonce[16] = { 0 };
	struct ike_hdr h = { .exchange = IKE_EXCH_INFORMATIONAL };
	struct ike_build b;
	struct ike_wr wr;

	/* One Vendor ID more than IKE_MAX_VENDOR */
	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &h);
	for (int i = 0; i <= IKE_MAX_VENDOR; i++)
		ike_build_payload_raw(&b, IKE_PT_VENDOR, 0, vid, 1);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);

	/* More skipped unknown payloads than IKE_MAX_PAYLOADS */
	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &h);
	for (int i = 0; i <= IKE_MAX_PAYLOADS; i++)
		ike_build_payload_raw(&b, 201, 0, NULL, 0);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);

	/* Two Nonce payloads */
	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &h);
	ike_build_payload_raw(&b, IKE_PT_NONCE, 0, nonce, sizeof(nonce));
	ike_build_payload_raw(&b, IKE_PT_NONCE, 0, nonce, sizeof(nonce));
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);
}

static void test_build_overflow(void **state)
{
	(void)state;
	uint8_t small[100];
	struct ike_wr wr;
	ike_wire_wr_init(&wr, small, sizeof(small));
	assert_int_equal(codec_fixture_sa_init(&wr, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_fixture),
		cmocka_unit_test(test_hdr_errors),
		cmocka_unit_test(test_chain_fixture),
		cmocka_unit_test(test_roundtrip_sa_init),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_unknown_payloads),
		cmocka_unit_test(test_known_critical),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_build_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
