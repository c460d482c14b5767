/* Writes the seed corpus of ike_fuzz_message (tests/ike/corpus/message/)
 * using the codec's builder: codec_seedgen DIR. Not a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_message.h"

int codec_fixture_sa_init(struct ike_wr *wr, int variant);
void codec_fixture_sa(struct ike_sa_payload *sa);

static const uint8_t bytes32[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static int seed_write(const char *dir, const char *name, struct ike_wr *wr)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || wr->err != 0 || fwrite(wr->buf, 1, wr->len, f) != wr->len) {
		fprintf(stderr, "seedgen: %s failed\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	ike_wire_wr_free(wr);
	return 0;
}

static void seed_ts(struct ike_ts_payload *ts, int v6)
{
	memset(ts, 0, sizeof(*ts));
	ts->n_ts = 1;
	ts->ts[0].type = v6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	ts->ts[0].end_port = 0xffff;
	memset(ts->ts[0].end, 0xff, v6 ? 16 : 4);
}

/* IKE_AUTH request with a plaintext "SK" body (no crypto in the codec). */
static void seed_auth(struct ike_wr *wr, int null_auth)
{
	struct ike_hdr h = { .spi_i = 7, .spi_r = 9, .exchange = IKE_EXCH_IKE_AUTH,
			     .flags = IKE_FLAG_I, .msg_id = 1 };
	struct ike_build b;
	struct ike_sk_layout lay;
	struct ike_id id = { null_auth ? IKE_ID_NULL : IKE_ID_FQDN,
			     { (const uint8_t *)"node1.example", null_auth ? 0 : 13 } };
	struct ike_auth a = { null_auth ? IKE_AUTH_NULL : IKE_AUTH_DIGSIG, { bytes32, 32 } };
	struct ike_sa_payload sa;
	struct ike_ts_payload ts;

	codec_fixture_sa(&sa);
	sa.n_proposals = 1;
	sa.prop[0].proto = IKE_PROTO_ESP;
	sa.prop[0].spi_size = 4;
	ike_build_init(&b, wr, &h);
	ike_build_sk_begin(&b, 16);
	ike_build_payload_begin(&b, IKE_PT_IDI, 0);
	ike_payload_id_build(wr, &id);
	ike_build_payload_begin(&b, IKE_PT_AUTH, 0);
	ike_payload_auth_build(wr, &a);
	ike_build_payload_begin(&b, IKE_PT_SA, 0);
	ike_payload_sa_build(wr, &sa);
	seed_ts(&ts, null_auth);
	ike_build_payload_begin(&b, IKE_PT_TSI, 0);
	ike_payload_ts_build(wr, &ts);
	ike_build_payload_begin(&b, IKE_PT_TSR, 0);
	ike_payload_ts_build(wr, &ts);
	(void)ike_build_sk_finish(&b, 16, 16, &lay);
}

static void seed_info(struct ike_wr *wr, int kind)
{
	static const uint8_t spis[8] = { 0xc0, 1, 2, 3, 0xc0, 4, 5, 6 };
	struct ike_hdr h = { .spi_i = 7, .spi_r = 9, .exchange = IKE_EXCH_INFORMATIONAL,
			     .flags = IKE_FLAG_R, .msg_id = 4 };
	struct ike_build b;
	struct ike_delete d = { IKE_PROTO_ESP, 4, 2, { spis, 8 } };
	struct ike_notify n = { .type = IKE_N_COOKIE, .data = { bytes32, 20 } };
	struct ike_cert c = { IKE_CERT_X509_SIG, { bytes32, 32 } };

	ike_build_init(&b, wr, &h);
	if (kind == 0) {
		ike_build_payload_begin(&b, IKE_PT_DELETE, 0);
		ike_payload_delete_build(wr, &d);
	} else if (kind == 1) {
		ike_build_payload_begin(&b, IKE_PT_NOTIFY, 0);
		ike_payload_notify_build(wr, &n);
		ike_build_payload_raw(&b, 150, 0, bytes32, 5);
	} else {
		ike_build_payload_begin(&b, IKE_PT_CERT, 0);
		ike_payload_cert_build(wr, &c);
		ike_build_payload_begin(&b, IKE_PT_CERTREQ, 0);
		ike_payload_cert_build(wr, &c);
	}
	(void)ike_build_finish(&b);
}

/* CREATE_CHILD_SA payloads in the clear (as after decryption): rekey notify,
 * ESP proposal with SPI, KE, Nonce, TS with an IPv4 and an IPv6 range. */
static void seed_child(struct ike_wr *wr)
{
	static const uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	struct ike_hdr h = { .spi_i = 7, .spi_r = 9, .exchange = IKE_EXCH_CREATE_CHILD_SA,
			     .flags = IKE_FLAG_I, .msg_id = 2 };
	struct ike_build b;
	struct ike_notify n = { .proto = IKE_PROTO_ESP, .type = IKE_N_REKEY_SA, .spi = { spi, 4 } };
	struct ike_ke ke = { IKE_DH_ECP256, { bytes32, 32 } };
	struct ike_nonce nonce = { { bytes32, 16 } };
	struct ike_sa_payload sa;
	struct ike_ts_payload ts;

	codec_fixture_sa(&sa);
	for (unsigned i = 0; i < sa.n_proposals; i++) {
		sa.prop[i].proto = IKE_PROTO_ESP;
		sa.prop[i].spi_size = 4;
		memcpy(sa.prop[i].spi, spi, 4);
	}
	seed_ts(&ts, 0);
	ts.n_ts = 2;
	ts.ts[1] = ts.ts[0];
	ts.ts[1].type = IKE_TS_IPV6_ADDR_RANGE;
	ts.ts[1].ip_proto = 17;
	memset(ts.ts[1].end, 0xff, 16);
	ike_build_init(&b, wr, &h);
	ike_build_payload_begin(&b, IKE_PT_NOTIFY, 0);
	ike_payload_notify_build(wr, &n);
	ike_build_payload_begin(&b, IKE_PT_SA, 0);
	ike_payload_sa_build(wr, &sa);
	ike_build_payload_begin(&b, IKE_PT_NONCE, 0);
	ike_payload_nonce_build(wr, &nonce);
	ike_build_payload_begin(&b, IKE_PT_KE, 0);
	ike_payload_ke_build(wr, &ke);
	ike_build_payload_begin(&b, IKE_PT_TSI, 0);
	ike_payload_ts_build(wr, &ts);
	ike_build_payload_begin(&b, IKE_PT_TSR, 0);
	ike_payload_ts_build(wr, &ts);
	(void)ike_build_finish(&b);
}

static void seed_skf(struct ike_wr *wr, uint16_t num)
{
	struct ike_hdr h = { .spi_i = 7, .spi_r = 9, .exchange = IKE_EXCH_IKE_AUTH,
			     .flags = IKE_FLAG_I, .msg_id = 1 };
	struct ike_build b;

	ike_build_init(&b, wr, &h);
	ike_build_payload_begin(&b, IKE_PT_SKF, 0);
	ike_wire_patch_u8(wr, b.start, num == 1 ? IKE_PT_IDI : IKE_PT_NONE);
	ike_wire_put_u16(wr, num);
	ike_wire_put_u16(wr, 2);
	ike_wire_put_bytes(wr, bytes32, 32);
	(void)ike_build_finish(&b);
}

int main(int argc, char **argv)
{
	struct ike_wr wr;
	int r = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: codec_seedgen DIR\n");
		return 2;
	}
#define SEED(name, call) do { ike_wire_wr_init_dyn(&wr, 0); call; \
	r |= seed_write(argv[1], name, &wr); } while (0)
	SEED("sa_init_request", (void)codec_fixture_sa_init(&wr, 0));
	SEED("sa_init_response", (void)codec_fixture_sa_init(&wr, 1));
	SEED("auth_digsig_sk", seed_auth(&wr, 0));
	SEED("auth_null_sk_v6", seed_auth(&wr, 1));
	SEED("info_delete", seed_info(&wr, 0));
	SEED("info_cookie_unknown", seed_info(&wr, 1));
	SEED("info_cert_certreq", seed_info(&wr, 2));
	SEED("create_child_plain", seed_child(&wr));
	SEED("skf_1_of_2", seed_skf(&wr, 1));
	SEED("skf_2_of_2", seed_skf(&wr, 2));
#undef SEED
	return r != 0;
}
