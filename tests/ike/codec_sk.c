/* Unit tests: SK layout helpers (ike/msg_sk.c) and fragmentation
 * (ike/msg_frag.c). The "cipher" here is the identity: the codec only
 * prepares the layout, a crypto layer would encrypt ct in place. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_message.h"

static struct ike_msg msg;
static const struct ike_hdr auth_hdr = { .spi_i = 7, .spi_r = 9, .exchange = IKE_EXCH_IKE_AUTH,
					 .flags = IKE_FLAG_I, .msg_id = 1 };

/* IKE_AUTH with IDi (NULL), AUTH (NULL method), Notify inside SK. */
static void build_auth(struct ike_wr *wr, size_t iv, size_t block, size_t icv,
		       struct ike_sk_layout *lay)
{
	static const uint8_t ad[20] = { 0x5a };
	struct ike_build b;
	struct ike_id id = { IKE_ID_NULL, { NULL, 0 } };
	struct ike_auth a = { IKE_AUTH_NULL, { ad, sizeof(ad) } };
	struct ike_notify n = { .type = IKE_N_USE_TRANSPORT_MODE };

	ike_wire_wr_init_dyn(wr, 0);
	ike_build_init(&b, wr, &auth_hdr);
	ike_build_sk_begin(&b, iv);
	ike_build_payload_begin(&b, IKE_PT_IDI, 0);
	ike_payload_id_build(wr, &id);
	ike_build_payload_begin(&b, IKE_PT_AUTH, 0);
	ike_payload_auth_build(wr, &a);
	ike_build_payload_begin(&b, IKE_PT_NOTIFY, 0);
	ike_payload_notify_build(wr, &n);
	assert_int_equal(ike_build_sk_finish(&b, block, icv, lay), 0);
}

static void test_sk_build_and_parse(void **state)
{
	(void)state;
	struct ike_wr wr;
	struct ike_sk_layout lay, rx;
	const size_t inner = 8 + 28 + 8; /* IDi + AUTH + Notify */

	build_auth(&wr, 16, 16, 12, &lay);
	assert_int_equal(lay.aad_off, 0);
	assert_int_equal(lay.aad_len, IKE_HDR_LEN + 4);
	assert_int_equal(lay.iv_off, 32);
	assert_int_equal(lay.ct_off, 48);
	assert_int_equal(lay.ct_len % 16, 0);
	assert_int_equal(lay.ct_len, 48); /* 44 + 1 rounded up to 16 */
	assert_int_equal(lay.icv_off + lay.icv_len, wr.len);
	assert_int_equal(wr.buf[lay.ct_off + lay.ct_len - 1], 48 - inner - 1); /* pad length */

	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), 0);
	assert_true(msg.has_sk);
	assert_int_equal(msg.hdr.next, IKE_PT_SK);
	assert_int_equal(msg.sk.first, IKE_PT_IDI);
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &msg, 16, 12, &rx), 0);
	assert_memory_equal(&rx, &lay, sizeof(rx));

	size_t n;
	assert_int_equal(ike_sk_plain_len(wr.buf + rx.ct_off, rx.ct_len, &n), 0);
	assert_int_equal(n, inner);
	assert_int_equal(ike_msg_parse_chain(msg.sk.first, wr.buf + rx.ct_off, n, &msg), 0);
	assert_true(msg.has_idi);
	assert_int_equal(msg.idi.type, IKE_ID_NULL);
	assert_int_equal(msg.auth.method, IKE_AUTH_NULL);
	assert_int_equal(msg.notify[0].type, IKE_N_USE_TRANSPORT_MODE);
	/* an inner chain may not nest SK */
	assert_int_equal(ike_msg_parse_chain(IKE_PT_SK, wr.buf + lay.iv_off - 4,
					     wr.len - lay.iv_off + 4, &msg), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);
}

static void test_sk_aead_no_padding(void **state)
{
	(void)state;
	struct ike_wr wr;
	struct ike_sk_layout lay;

	build_auth(&wr, 8, 1, 16, &lay);
	assert_int_equal(lay.ct_len, 8 + 28 + 8 + 1);
	assert_int_equal(wr.buf[lay.ct_off + lay.ct_len - 1], 0);
	ike_wire_wr_free(&wr);
}

static void test_sk_layout_errors(void **state)
{
	(void)state;
	struct ike_wr wr;
	struct ike_sk_layout lay, rx;
	size_t n;

	build_auth(&wr, 16, 16, 12, &lay);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), 0);
	size_t body = wr.len - lay.iv_off;
	/* IV + ICV leave no byte for the pad length */
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &msg, 16, body - 16, &rx),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &msg, body + 1, 0, &rx),
			 IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &msg, 16, body - 17, &rx), 0);
	assert_int_equal(rx.ct_len, 1);
	/* a pad length larger than the plaintext */
	static const uint8_t bad[3] = { 0, 0, 3 };
	assert_int_equal(ike_sk_plain_len(bad, 3, &n), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_sk_plain_len(bad, 0, &n), IKE_N_INVALID_SYNTAX);
	static const uint8_t ok[3] = { 0, 0, 2 };
	assert_int_equal(ike_sk_plain_len(ok, 3, &n), 0);
	assert_int_equal(n, 0);
	/* no SK in the message */
	struct ike_msg none;
	memset(&none, 0, sizeof(none));
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &none, 0, 0, &rx), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);
}

/* SK and SKF must end the message; only one of them. */
static void test_sk_position(void **state)
{
	(void)state;
	static const uint8_t body[20] = { 0 };
	struct ike_build b;
	struct ike_wr wr;

	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &auth_hdr);
	ike_build_payload_raw(&b, IKE_PT_SK, 0, body, sizeof(body));
	ike_build_payload_raw(&b, IKE_PT_VENDOR, 0, body, 4);
	assert_int_equal(ike_build_finish(&b), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&wr);

	/* Vendor ID then SKF 1/1: accepted, offsets recorded */
	ike_wire_wr_init_dyn(&wr, 0);
	ike_build_init(&b, &wr, &auth_hdr);
	ike_build_payload_raw(&b, IKE_PT_VENDOR, 0, body, 4);
	ike_build_skf_begin(&b, 1, 1, IKE_PT_IDI, 8);
	ike_wire_put_bytes(&wr, body, 5);
	struct ike_sk_layout lay, rx;
	assert_int_equal(ike_build_sk_finish(&b, 1, 8, &lay), 0);
	assert_int_equal(ike_msg_parse(wr.buf, wr.len, &msg), 0);
	assert_true(msg.has_skf);
	assert_int_equal(msg.sk_hdr_off, IKE_HDR_LEN + 8);
	assert_int_equal(msg.skf.first, IKE_PT_IDI);
	assert_int_equal(ike_sk_layout_rx(wr.buf, wr.len, &msg, 8, 8, &rx), 0);
	assert_int_equal(rx.aad_len, IKE_HDR_LEN + 8 + IKE_SKF_HDR_LEN);
	assert_memory_equal(&rx, &lay, sizeof(rx));
	ike_wire_wr_free(&wr);
}

/* Inner chain of 1000 bytes of Vendor IDs to fragment. */
static size_t inner_chain(uint8_t *buf, size_t cap)
{
	struct ike_wr wr;
	ike_wire_wr_init(&wr, buf, cap);
	for (int i = 0; i < 10; i++) {
		ike_wire_put_u8(&wr, i == 9 ? IKE_PT_NONE : IKE_PT_VENDOR);
		ike_wire_put_u8(&wr, 0);
		ike_wire_put_u16(&wr, 100);
		for (int j = 0; j < 96; j++)
			ike_wire_put_u8(&wr, (uint8_t)(i * 7 + j));
	}
	assert_int_equal(wr.err, 0);
	return wr.len;
}

static void frag_plain(const struct ike_frag *f, struct ike_msg *m, const uint8_t **p, size_t *n)
{
	struct ike_sk_layout rx;
	assert_int_equal(ike_msg_parse(f->buf, f->len, m), 0);
	assert_true(m->has_skf);
	assert_int_equal(ike_sk_layout_rx(f->buf, f->len, m, 16, 16, &rx), 0);
	assert_memory_equal(&rx, &f->lay, sizeof(rx));
	assert_int_equal(ike_sk_plain_len(f->buf + rx.ct_off, rx.ct_len, n), 0);
	*p = f->buf + rx.ct_off;
}

static void test_frag_split_reassemble(void **state)
{
	(void)state;
	uint8_t inner[1000];
	size_t n = inner_chain(inner, sizeof(inner));
	struct ike_frag_params p = { .max_len = 300, .iv_len = 16, .icv_len = 16, .block = 16 };
	struct ike_frag_set set;
	struct ike_frag_reasm r;
	const unsigned order[] = { 3, 0, 3, 2, 1, 4 }; /* out of order, one duplicate */
	int rc = -1;

	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, n, &p, &set), 0);
	assert_true(set.n >= 4);
	ike_frag_reasm_init(&r, 4096);
	for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		unsigned i = order[k];
		if (i >= set.n)
			continue;
		const uint8_t *pt;
		size_t len;
		assert_true(set.frag[i].len <= p.max_len);
		frag_plain(&set.frag[i], &msg, &pt, &len);
		assert_int_equal(msg.skf.frag_num, i + 1);
		assert_int_equal(msg.skf.total, set.n);
		assert_int_equal(msg.skf.first, i == 0 ? IKE_PT_VENDOR : IKE_PT_NONE);
		rc = ike_frag_reasm_add(&r, msg.skf.frag_num, msg.skf.total, msg.skf.first, pt, len);
		if (k == 2)
			assert_int_equal(rc, IKE_FRAG_DUP);
	}
	assert_int_equal(rc, set.n == 5 ? IKE_FRAG_DONE : IKE_FRAG_MORE);
	for (unsigned i = 5; i < set.n; i++) {
		const uint8_t *pt;
		size_t len;
		frag_plain(&set.frag[i], &msg, &pt, &len);
		rc = ike_frag_reasm_add(&r, msg.skf.frag_num, msg.skf.total, msg.skf.first, pt, len);
	}
	assert_int_equal(rc, IKE_FRAG_DONE);
	uint8_t *joined, first;
	size_t jlen;
	assert_int_equal(ike_frag_reasm_take(&r, &joined, &jlen, &first), 0);
	assert_int_equal(jlen, n);
	assert_memory_equal(joined, inner, n);
	assert_int_equal(first, IKE_PT_VENDOR);
	memset(&msg, 0, sizeof(msg));
	assert_int_equal(ike_msg_parse_chain(first, joined, jlen, &msg), 0);
	assert_int_equal(msg.n_vendor, 10);
	free(joined);
	ike_frag_set_free(&set);
	assert_int_equal(set.n, 0);
}

static void test_frag_split_limits(void **state)
{
	(void)state;
	uint8_t inner[1000];
	size_t n = inner_chain(inner, sizeof(inner));
	struct ike_frag_params p = { .max_len = 28 + 8 + 16 + 16 + 16, .iv_len = 16,
				     .icv_len = 16, .block = 16 };
	struct ike_frag_set set;

	/* 15 bytes of inner per fragment: 67 fragments > IKE_FRAG_MAX */
	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, n, &p, &set), -E2BIG);
	assert_int_equal(set.n, 0);
	p.max_len = 28 + 8 + 16 + 16; /* no room for even the pad length */
	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, n, &p, &set), -EINVAL);
	p.max_len = 65536;
	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, n, &p, &set), -EINVAL);
	p.max_len = 1280;
	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, 0, &p, &set), -EINVAL);
	assert_int_equal(ike_frag_split(&auth_hdr, IKE_PT_VENDOR, inner, n, &p, &set), 0);
	assert_int_equal(set.n, 1);
	ike_frag_set_free(&set);
}

static void test_frag_reasm_rules(void **state)
{
	(void)state;
	static const uint8_t d[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct ike_frag_reasm r;
	uint8_t *buf, first;
	size_t len;

	ike_frag_reasm_init(&r, 12);
	assert_int_equal(ike_frag_reasm_add(&r, 0, 3, 0, d, 5), -EINVAL);
	assert_int_equal(ike_frag_reasm_add(&r, 4, 3, 0, d, 5), -EINVAL);
	assert_int_equal(ike_frag_reasm_add(&r, 1, IKE_FRAG_MAX + 1, 0, d, 5), -EINVAL);
	assert_int_equal(ike_frag_reasm_add(&r, 2, 3, 0, d, 5), IKE_FRAG_MORE);
	assert_int_equal(ike_frag_reasm_take(&r, &buf, &len, &first), -EAGAIN);
	assert_int_equal(ike_frag_reasm_add(&r, 1, 2, IKE_PT_IDI, d, 5), -EINVAL); /* smaller total */
	assert_int_equal(ike_frag_reasm_add(&r, 3, 3, 0, d, 10), -E2BIG);         /* over the bound */
	assert_int_equal(ike_frag_reasm_add(&r, 3, 3, 0, d, 5), IKE_FRAG_MORE);
	/* a larger total restarts: fragments of the old split are dropped */
	assert_int_equal(ike_frag_reasm_add(&r, 1, 4, IKE_PT_IDI, d, 1), IKE_FRAG_MORE);
	assert_int_equal(r.have, 1);
	assert_int_equal(r.bytes, 1);
	assert_int_equal(ike_frag_reasm_add(&r, 2, 4, 0, d + 1, 1), IKE_FRAG_MORE);
	assert_int_equal(ike_frag_reasm_add(&r, 4, 4, 0, d + 3, 1), IKE_FRAG_MORE);
	assert_int_equal(ike_frag_reasm_add(&r, 4, 4, 0, d, 1), IKE_FRAG_DUP);
	assert_int_equal(ike_frag_reasm_add(&r, 3, 4, 0, d + 2, 1), IKE_FRAG_DONE);
	assert_int_equal(ike_frag_reasm_take(&r, &buf, &len, &first), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, d, 4);
	assert_int_equal(first, IKE_PT_IDI);
	assert_int_equal(r.total, 0);
	free(buf);
	ike_frag_reasm_add(&r, 1, 2, 0, d, 3);
	ike_frag_reasm_free(&r); /* ASan: nothing leaks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sk_build_and_parse),
		cmocka_unit_test(test_sk_aead_no_padding),
		cmocka_unit_test(test_sk_layout_errors),
		cmocka_unit_test(test_sk_position),
		cmocka_unit_test(test_frag_split_reassemble),
		cmocka_unit_test(test_frag_split_limits),
		cmocka_unit_test(test_frag_reasm_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
