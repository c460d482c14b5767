/* Unit tests: payload bodies, hand-built per RFC 7296 3.3-3.14 and round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_payloads.h"

void codec_fixture_sa(struct ike_sa_payload *sa);

static struct ike_sa_payload sa, sa2;

/* Builds with fn into a fresh writer and compares with want. */
#define ASSERT_BUILDS(fn, obj, want) do {                        \
	struct ike_wr w_;                                            \
	ike_wire_wr_init_dyn(&w_, 0);                                \
	fn(&w_, obj);                                                \
	assert_int_equal(w_.err, 0);                                 \
	assert_int_equal(w_.len, sizeof(want));                      \
	assert_memory_equal(w_.buf, want, sizeof(want));             \
	ike_wire_wr_free(&w_);                                       \
} while (0)

/* One ESP proposal, SPI 0x11223344, AES-CBC key length 128, ESN none. */
static const uint8_t sa_fixture[] = {
	0x00, 0x00, 0x00, 0x20,             /* last proposal, length 32 */
	0x01, 0x03, 0x04, 0x02,             /* num 1, ESP, SPI size 4, 2 transforms */
	0x11, 0x22, 0x33, 0x44,             /* SPI */
	0x03, 0x00, 0x00, 0x0c,             /* more transforms, length 12 */
	0x01, 0x00, 0x00, 0x0c,             /* ENCR, AES_CBC */
	0x80, 0x0e, 0x00, 0x80,             /* TV Key Length 128 */
	0x00, 0x00, 0x00, 0x08,             /* last transform, length 8 */
	0x05, 0x00, 0x00, 0x00,             /* ESN, no */
};

static void test_sa_fixture(void **state)
{
	(void)state;
	assert_int_equal(ike_payload_sa_parse(sa_fixture, sizeof(sa_fixture), &sa), 0);
	assert_int_equal(sa.n_proposals, 1);
	assert_int_equal(sa.prop[0].proto, IKE_PROTO_ESP);
	assert_int_equal(sa.prop[0].spi_size, 4);
	assert_int_equal(sa.prop[0].spi[3], 0x44);
	assert_int_equal(sa.prop[0].n_transforms, 2);
	assert_int_equal(sa.prop[0].xf[0].type, IKE_TRANS_ENCR);
	assert_int_equal(sa.prop[0].xf[0].id, IKE_ENCR_AES_CBC);
	assert_int_equal(sa.prop[0].xf[0].key_len, 128);
	assert_int_equal(sa.prop[0].xf[1].type, IKE_TRANS_ESN);
	assert_int_equal(sa.prop[0].xf[1].key_len, 0);
	ASSERT_BUILDS(ike_payload_sa_build, &sa, sa_fixture);
}

static void test_sa_errors(void **state)
{
	(void)state;
	uint8_t b[sizeof(sa_fixture)];
#define SA_MUT(off, val) do { memcpy(b, sa_fixture, sizeof(b)); b[off] = (val); \
	assert_int_equal(ike_payload_sa_parse(b, sizeof(b), &sa), IKE_N_INVALID_SYNTAX); \
	assert_int_equal(sa.n_proposals, 0); } while (0)
	SA_MUT(0, 2);     /* says more proposals, none follows */
	SA_MUT(3, 0x21);  /* proposal longer than the payload */
	SA_MUT(3, 0x07);  /* proposal shorter than its header */
	SA_MUT(4, 0);     /* proposal number 0 */
	SA_MUT(6, 9);     /* SPI size above 8 */
	SA_MUT(7, 3);     /* more transforms announced than present */
	SA_MUT(7, 1);     /* fewer announced: Last flag missing */
	SA_MUT(12, 0);    /* first transform claims to be last */
	SA_MUT(15, 0x0e); /* transform length past the proposal */
	SA_MUT(23, 0x00); /* key length 0 */
	SA_MUT(20, 0x00); /* TLV attribute with length 0x0080: past the end */
	/* A single proposal (an answer) keeps the number it was offered under. */
	memcpy(b, sa_fixture, sizeof(b));
	b[4] = 2;
	assert_int_equal(ike_payload_sa_parse(b, sizeof(b), &sa), 0);
	assert_int_equal(sa.prop[0].num, 2);
	assert_int_equal(ike_payload_sa_parse(sa_fixture, 3, &sa), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_sa_parse(NULL, 0, &sa), IKE_N_INVALID_SYNTAX);
#undef SA_MUT
}

static void test_sa_several_proposals(void **state)
{
	(void)state;
	struct ike_wr w;

	codec_fixture_sa(&sa);
	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_sa_build(&w, &sa);
	assert_int_equal(w.err, 0);
	assert_int_equal(ike_payload_sa_parse(w.buf, w.len, &sa2), 0);
	assert_int_equal(sa2.n_proposals, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(sa2.prop[i].num, i + 1);
		assert_int_equal(sa2.prop[i].n_transforms, sa.prop[i].n_transforms);
		assert_memory_equal(sa2.prop[i].xf, sa.prop[i].xf,
				    sa.prop[i].n_transforms * sizeof(struct ike_transform));
	}
	assert_int_equal(sa2.prop[1].xf[0].key_len, 128);
	assert_int_equal(sa2.prop[1].xf[1].key_len, 256);
	/* first of two numbered 2, or second numbered 3: rejected */
	w.buf[4] = 2;
	assert_int_equal(ike_payload_sa_parse(w.buf, w.len, &sa2), IKE_N_INVALID_SYNTAX);
	w.buf[4] = 1;
	size_t p2 = (size_t)(w.buf[2] << 8 | w.buf[3]);
	w.buf[p2 + 4] = 3;
	assert_int_equal(ike_payload_sa_parse(w.buf, w.len, &sa2), IKE_N_INVALID_SYNTAX);
	ike_wire_wr_free(&w);
}

static void test_sa_unknown_attr(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x00, 0x00, 0x00, 0x18, 0x01, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x14,
		0x00, 0x63, 0x00, 0x00,             /* TLV type 99, length 0 */
		0x80, 0x0e, 0x01, 0x00,             /* Key Length 256 */
	};
	assert_int_equal(ike_payload_sa_parse(b, sizeof(b), &sa), 0);
	assert_int_equal(sa.prop[0].xf[0].unknown_attrs, 1);
	assert_int_equal(sa.prop[0].xf[0].key_len, 256);
}

static void test_ke(void **state)
{
	(void)state;
	static const uint8_t b[] = { 0x00, 0x13, 0x00, 0x00, 0xaa, 0xbb, 0xcc };
	struct ike_ke ke;
	assert_int_equal(ike_payload_ke_parse(b, sizeof(b), &ke), 0);
	assert_int_equal(ke.group, IKE_DH_ECP256);
	assert_ptr_equal(ke.data.ptr, b + 4);
	assert_int_equal(ke.data.len, 3);
	ASSERT_BUILDS(ike_payload_ke_build, &ke, b);
	assert_int_equal(ike_payload_ke_parse(b, 4, &ke), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_ke_parse(b, 3, &ke), IKE_N_INVALID_SYNTAX);
}

static void test_nonce(void **state)
{
	(void)state;
	static uint8_t b[257];
	struct ike_nonce n;
	assert_int_equal(ike_payload_nonce_parse(b, 15, &n), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_nonce_parse(b, 16, &n), 0);
	assert_int_equal(ike_payload_nonce_parse(b, 256, &n), 0);
	assert_int_equal(n.data.len, 256);
	assert_int_equal(ike_payload_nonce_parse(b, 257, &n), IKE_N_INVALID_SYNTAX);
}

static void test_id(void **state)
{
	(void)state;
	static const uint8_t fqdn[] = { 0x02, 0, 0, 0, 'a', '.', 'b' };
	static const uint8_t null_id[] = { 0x0d, 0, 0, 0 };
	struct ike_id id;
	assert_int_equal(ike_payload_id_parse(fqdn, sizeof(fqdn), &id), 0);
	assert_int_equal(id.type, IKE_ID_FQDN);
	assert_int_equal(id.data.len, 3);
	ASSERT_BUILDS(ike_payload_id_build, &id, fqdn);
	assert_int_equal(ike_payload_id_parse(null_id, sizeof(null_id), &id), 0);
	assert_int_equal(id.type, IKE_ID_NULL);
	assert_int_equal(id.data.len, 0);
	ASSERT_BUILDS(ike_payload_id_build, &id, null_id);
	assert_int_equal(ike_payload_id_parse(fqdn, 4, &id), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_id_parse(fqdn, 3, &id), IKE_N_INVALID_SYNTAX);
}

static void test_cert_auth(void **state)
{
	(void)state;
	static const uint8_t cert[] = { 0x04, 0x30, 0x82, 0x01 };
	static const uint8_t auth[] = { 0x0e, 0, 0, 0, 0x07, 0x08 };
	static const uint8_t auth_null[] = { 0x0d, 0, 0, 0, 0x01 };
	struct ike_cert c;
	struct ike_auth a;
	assert_int_equal(ike_payload_cert_parse(cert, sizeof(cert), &c), 0);
	assert_int_equal(c.encoding, IKE_CERT_X509_SIG);
	assert_int_equal(c.data.len, 3);
	ASSERT_BUILDS(ike_payload_cert_build, &c, cert);
	assert_int_equal(ike_payload_cert_parse(cert, 0, &c), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_cert_parse(cert, 1, &c), IKE_N_INVALID_SYNTAX); /* no data */
	assert_int_equal(ike_payload_certreq_parse(cert, 1, &c), 0); /* empty CA list */
	assert_int_equal(c.data.len, 0);
	assert_int_equal(ike_payload_auth_parse(auth, sizeof(auth), &a), 0);
	assert_int_equal(a.method, IKE_AUTH_DIGSIG);
	assert_int_equal(a.data.len, 2);
	ASSERT_BUILDS(ike_payload_auth_build, &a, auth);
	assert_int_equal(ike_payload_auth_parse(auth_null, sizeof(auth_null), &a), 0);
	assert_int_equal(a.method, IKE_AUTH_NULL);
	assert_int_equal(ike_payload_auth_parse(auth, 4, &a), IKE_N_INVALID_SYNTAX);
}

/* TS payload: one IPv4 range (tcp 25) and one IPv6 range (any). */
static const uint8_t ts_fixture[] = {
	0x02, 0x00, 0x00, 0x00,
	0x07, 0x06, 0x00, 0x10, 0x00, 0x19, 0x00, 0x19,
	10, 0, 1, 0, 10, 0, 1, 255,
	0x08, 0x00, 0x00, 0x28, 0x00, 0x00, 0xff, 0xff,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static void test_ts(void **state)
{
	(void)state;
	struct ike_ts_payload ts;
	assert_int_equal(ike_payload_ts_parse(ts_fixture, sizeof(ts_fixture), &ts), 0);
	assert_int_equal(ts.n_ts, 2);
	assert_int_equal(ts.ts[0].type, IKE_TS_IPV4_ADDR_RANGE);
	assert_int_equal(ts.ts[0].ip_proto, 6);
	assert_int_equal(ts.ts[0].start_port, 25);
	assert_int_equal(ts.ts[0].end[3], 255);
	assert_int_equal(ts.ts[1].type, IKE_TS_IPV6_ADDR_RANGE);
	assert_int_equal(ts.ts[1].end_port, 0xffff);
	assert_int_equal(ts.ts[1].start[1], 0x01);
	assert_int_equal(ts.ts[1].end[15], 0xff);
	ASSERT_BUILDS(ike_payload_ts_build, &ts, ts_fixture);

	uint8_t b[sizeof(ts_fixture)];
#define TS_MUT(off, val) do { memcpy(b, ts_fixture, sizeof(b)); b[off] = (val); \
	assert_int_equal(ike_payload_ts_parse(b, sizeof(b), &ts), IKE_N_INVALID_SYNTAX); \
	assert_int_equal(ts.n_ts, 0); } while (0)
	TS_MUT(0, 3);     /* more selectors announced */
	TS_MUT(0, 1);     /* fewer: trailing bytes */
	TS_MUT(0, 0);     /* none */
	TS_MUT(4, 9);     /* unknown TS type */
	TS_MUT(7, 0x28);  /* IPv4 selector with IPv6 length */
	TS_MUT(23, 0x10); /* IPv6 selector with IPv4 length */
#undef TS_MUT
	assert_int_equal(ike_payload_ts_parse(ts_fixture, sizeof(ts_fixture) - 1, &ts),
			 IKE_N_INVALID_SYNTAX);
}

static void test_notify_delete(void **state)
{
	(void)state;
	static const uint8_t n_fix[] = { 0x03, 0x04, 0x40, 0x09, 1, 2, 3, 4, 0xaa };
	static const uint8_t d_fix[] = { 0x03, 0x04, 0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t d_ike[] = { 0x01, 0x00, 0x00, 0x00 };
	struct ike_notify n;
	struct ike_delete d;
	assert_int_equal(ike_payload_notify_parse(n_fix, sizeof(n_fix), &n), 0);
	assert_int_equal(n.type, IKE_N_REKEY_SA);
	assert_int_equal(n.spi.len, 4);
	assert_int_equal(n.data.len, 1);
	ASSERT_BUILDS(ike_payload_notify_build, &n, n_fix);
	assert_int_equal(ike_payload_notify_parse(n_fix, 7, &n), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_delete_parse(d_fix, sizeof(d_fix), &d), 0);
	assert_int_equal(d.n_spi, 2);
	assert_int_equal(d.spis.len, 8);
	ASSERT_BUILDS(ike_payload_delete_build, &d, d_fix);
	assert_int_equal(ike_payload_delete_parse(d_fix, 11, &d), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_delete_parse(d_ike, sizeof(d_ike), &d), 0);
	assert_int_equal(d.proto, IKE_PROTO_IKE);
	uint8_t bad[sizeof(d_fix)];
	memcpy(bad, d_fix, sizeof(bad));
	bad[3] = 1; /* one SPI announced, two present */
	assert_int_equal(ike_payload_delete_parse(bad, sizeof(bad), &d), IKE_N_INVALID_SYNTAX);
}

static void test_sk_skf(void **state)
{
	(void)state;
	static const uint8_t f[] = { 0x00, 0x02, 0x00, 0x03, 0xee };
	struct ike_skf skf;
	struct ike_sk sk;
	assert_int_equal(ike_payload_skf_parse(IKE_PT_NONE, f, sizeof(f), &skf), 0);
	assert_int_equal(skf.frag_num, 2);
	assert_int_equal(skf.total, 3);
	assert_int_equal(skf.body.len, 1);
	/* only fragment 1 may name the first inner payload */
	assert_int_equal(ike_payload_skf_parse(IKE_PT_IDI, f, sizeof(f), &skf), IKE_N_INVALID_SYNTAX);
	uint8_t b[sizeof(f)];
	memcpy(b, f, sizeof(b));
	b[1] = 0;
	assert_int_equal(ike_payload_skf_parse(0, b, sizeof(b), &skf), IKE_N_INVALID_SYNTAX);
	b[1] = 4;
	assert_int_equal(ike_payload_skf_parse(0, b, sizeof(b), &skf), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_skf_parse(0, f, 4, &skf), IKE_N_INVALID_SYNTAX);
	assert_int_equal(ike_payload_sk_parse(IKE_PT_IDI, f, sizeof(f), &sk), 0);
	assert_int_equal(sk.first, IKE_PT_IDI);
	assert_int_equal(ike_payload_sk_parse(IKE_PT_IDI, f, 0, &sk), IKE_N_INVALID_SYNTAX);
}

static void test_build_rejects_bad_structs(void **state)
{
	(void)state;
	struct ike_wr w;
	struct ike_ts_payload ts;
	struct ike_notify n = { .spi = { (const uint8_t *)"123456789", 9 } };
	struct ike_delete d = { IKE_PROTO_ESP, 4, 2, { (const uint8_t *)"1234", 4 } };

	codec_fixture_sa(&sa);
	sa.prop[1].n_transforms = IKE_MAX_TRANSFORMS + 1;
	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_sa_build(&w, &sa);
	assert_int_equal(w.err, -EINVAL);
	ike_wire_wr_free(&w);
	sa.n_proposals = 0;
	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_sa_build(&w, &sa);
	assert_int_equal(w.err, -EINVAL);
	ike_wire_wr_free(&w);

	memset(&ts, 0, sizeof(ts));
	ts.n_ts = 1;
	ts.ts[0].type = 9; /* unknown TS type */
	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_ts_build(&w, &ts);
	assert_int_equal(w.err, -EINVAL);
	ike_wire_wr_free(&w);

	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_notify_build(&w, &n);
	assert_int_equal(w.err, -EINVAL);
	ike_wire_wr_free(&w);
	ike_wire_wr_init_dyn(&w, 0);
	ike_payload_delete_build(&w, &d); /* 2 SPIs of 4 bytes need 8 bytes */
	assert_int_equal(w.err, -EINVAL);
	ike_wire_wr_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_fixture),
		cmocka_unit_test(test_sa_errors),
		cmocka_unit_test(test_sa_several_proposals),
		cmocka_unit_test(test_sa_unknown_attr),
		cmocka_unit_test(test_ke),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_cert_auth),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_notify_delete),
		cmocka_unit_test(test_sk_skf),
		cmocka_unit_test(test_build_rejects_bad_structs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
