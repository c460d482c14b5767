/* Shared test fixtures: sample messages built with the codec's builder.
 * Prototypes are repeated in each user (no test header in this area). */
#include <string.h>

#include "ike/ike_message.h"

int codec_fixture_sa_init(struct ike_wr *wr, int variant);
void codec_fixture_sa(struct ike_sa_payload *sa);

static const uint8_t fixture_ke[32] = { 0x9a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
					0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
					0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
					0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };
static const uint8_t fixture_nonce[32] = { 0x4e, 0x4f, 0x4e, 0x43, 0x45, 0x21, 0x00, 0x01,
					   0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
					   0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
					   0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19 };
static const uint8_t fixture_nat[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6,
					 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t fixture_sigh[6] = { 0, 2, 0, 3, 0, 4 };
static const uint8_t fixture_vid[8] = { 's', 'w', 'a', 'n', 'm', 'e', 's', 'h' };

static void fixture_xf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t kl)
{
	struct ike_transform *xf = &p->xf[p->n_transforms++];
	xf->type = type;
	xf->id = id;
	xf->key_len = kl;
}

/* Two proposals: AES-GCM-16/256 + SHA-256 + X25519; AES-CBC/128 + ... */
void codec_fixture_sa(struct ike_sa_payload *sa)
{
	memset(sa, 0, sizeof(*sa));
	struct ike_proposal *p = &sa->prop[0];
	p->num = 1;
	p->proto = IKE_PROTO_IKE;
	fixture_xf(p, IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256);
	fixture_xf(p, IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	fixture_xf(p, IKE_TRANS_DH, IKE_DH_CURVE25519, 0);
	p = &sa->prop[1];
	p->num = 2;
	p->proto = IKE_PROTO_IKE;
	fixture_xf(p, IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 128);
	fixture_xf(p, IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 256);
	fixture_xf(p, IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0);
	fixture_xf(p, IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	fixture_xf(p, IKE_TRANS_DH, IKE_DH_ECP256, 0);
	sa->n_proposals = 2;
}

static void fixture_notify(struct ike_build *b, uint16_t type, const uint8_t *d, size_t n)
{
	struct ike_notify nt = { .type = type, .data = { d, n } };
	ike_build_payload_begin(b, IKE_PT_NOTIFY, 0);
	ike_payload_notify_build(b->wr, &nt);
	ike_build_payload_end(b);
}

/* variant 0: IKE_SA_INIT request; 1: its response (R flag, SPIr, no VID). */
int codec_fixture_sa_init(struct ike_wr *wr, int variant)
{
	struct ike_hdr h = { .spi_i = 0x0102030405060708ULL, .exchange = IKE_EXCH_IKE_SA_INIT,
			     .flags = IKE_FLAG_I };
	struct ike_build b;
	struct ike_sa_payload sa;
	struct ike_ke ke = { IKE_DH_CURVE25519, { fixture_ke, sizeof(fixture_ke) } };
	struct ike_nonce nonce = { { fixture_nonce, sizeof(fixture_nonce) } };
	struct ike_vendor vid = { { fixture_vid, sizeof(fixture_vid) } };

	if (variant == 1) {
		h.spi_r = 0x1112131415161718ULL;
		h.flags = IKE_FLAG_R;
	}
	codec_fixture_sa(&sa);
	if (variant == 1)
		sa.n_proposals = 1;
	ike_build_init(&b, wr, &h);
	ike_build_payload_begin(&b, IKE_PT_SA, 0);
	ike_payload_sa_build(wr, &sa);
	ike_build_payload_begin(&b, IKE_PT_KE, 0);
	ike_payload_ke_build(wr, &ke);
	ike_build_payload_begin(&b, IKE_PT_NONCE, 0);
	ike_payload_nonce_build(wr, &nonce);
	fixture_notify(&b, IKE_N_NAT_DETECTION_SOURCE_IP, fixture_nat, sizeof(fixture_nat));
	fixture_notify(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, fixture_nat, sizeof(fixture_nat));
	fixture_notify(&b, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	fixture_notify(&b, IKE_N_SIGNATURE_HASH_ALGORITHMS, fixture_sigh, sizeof(fixture_sigh));
	if (variant == 0) {
		ike_build_payload_begin(&b, IKE_PT_VENDOR, 0);
		ike_payload_vendor_build(wr, &vid);
	}
	return ike_build_finish(&b);
}
