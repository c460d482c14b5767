/* engine_send.c: inner payload chains, SK/SKF sealing, requests kept for
 * retransmission with exponential back-off, responses cached for
 * duplicate requests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void eng_chain_init(struct eng_chain *c)
{
	memset(c, 0, sizeof(*c));
	ike_wire_wr_init_dyn(&c->wr, IKE_WIRE_WR_MAX_DEFAULT);
	c->first = IKE_PT_NONE;
	c->np_off = SIZE_MAX;
}

void eng_chain_begin(struct eng_chain *c, uint8_t type)
{
	if (c->open)
		eng_chain_end(c);
	if (c->np_off == SIZE_MAX)
		c->first = type;
	else
		ike_wire_patch_u8(&c->wr, c->np_off, type);
	c->start = c->wr.len;
	ike_wire_put_u8(&c->wr, IKE_PT_NONE);
	ike_wire_put_u8(&c->wr, 0);
	c->len_off = ike_wire_reserve_u16(&c->wr);
	c->np_off = c->start;
	c->open = true;
}

void eng_chain_end(struct eng_chain *c)
{
	if (!c->open)
		return;
	ike_wire_patch_len16(&c->wr, c->len_off, c->start);
	c->open = false;
}

void eng_chain_notify(struct eng_chain *c, uint8_t proto, uint16_t type, const uint8_t *spi, size_t spi_len,
		      const uint8_t *data, size_t len)
{
	struct ike_notify n;
	memset(&n, 0, sizeof(n));
	n.proto = proto;
	n.type = type;
	n.spi.ptr = spi;
	n.spi.len = spi_len;
	n.data.ptr = data;
	n.data.len = len;
	eng_chain_begin(c, IKE_PT_NOTIFY);
	ike_payload_notify_build(&c->wr, &n);
	eng_chain_end(c);
}

void eng_chain_free(struct eng_chain *c)
{
	ike_wire_wr_free(&c->wr);
}

void eng_out_free(struct eng_out *o)
{
	for (unsigned i = 0; i < o->n && o->buf != NULL; i++)
		free(o->buf[i]);
	free(o->buf);
	free(o->len);
	memset(o, 0, sizeof(*o));
}

/* Room for n datagrams; 0 or -ENOMEM (o empty then). */
static int eng_out_alloc(struct eng_out *o, unsigned n)
{
	memset(o, 0, sizeof(*o));
	o->buf = calloc(n, sizeof(*o->buf));
	o->len = calloc(n, sizeof(*o->len));
	if (o->buf == NULL || o->len == NULL) {
		eng_out_free(o);
		return -ENOMEM;
	}
	return 0;
}

int eng_send_out(struct ike_sa *sa, const struct eng_out *o)
{
	struct ike_engine *e = sa->e;
	int r = 0;
	for (unsigned i = 0; i < o->n; i++) {
		int s = e->env.send(e->env.ctx, o->buf[i], o->len[i], &sa->local, &sa->peer);
		e->cnt.tx++;
		if (s != 0 && r == 0)
			r = s;
	}
	return r;
}

int eng_out_take(struct ike_wr *wr, struct eng_out *o)
{
	memset(o, 0, sizeof(*o));
	if (wr->err != 0)
		return wr->err;
	if (eng_out_alloc(o, 1) != 0)
		return -ENOMEM;
	o->buf[0] = ike_wire_wr_steal(wr, &o->len[0]);
	if (o->buf[0] == NULL) {
		eng_out_free(o);
		return -ENOMEM;
	}
	o->n = 1;
	return 0;
}

static void eng_hdr(const struct ike_sa *sa, uint8_t exch, uint32_t msgid, bool response, struct ike_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->spi_i = sa->spi_i;
	h->spi_r = sa->spi_r;
	h->major = IKE_MAJOR_VERSION;
	h->exchange = exch;
	h->flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) | (response ? IKE_FLAG_R : 0));
	h->msg_id = msgid;
}

static size_t eng_block(const struct ike_sa *sa)
{
	const struct ike_crypto_encr_info *ei = ike_crypto_algs_encr(sa->suite.encr, sa->suite.key_bits);
	return ei != NULL && ei->block_len > 0 ? ei->block_len : 16;
}

static int eng_encrypt(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ike_sk_layout *l)
{
	struct ike_crypto_sk_layout cl = {
		.aad_off = l->aad_off, .aad_len = l->aad_len, .iv_off = l->iv_off,
		.text_off = l->ct_off, .text_len = l->ct_len, .icv_off = l->icv_off,
	};
	size_t plain = l->ct_len - 1 - buf[l->ct_off + l->ct_len - 1];
	return ike_crypto_sk_encrypt(sa->sk_out, sa->e->env.random, sa->e->env.ctx, buf, len, &cl, plain);
}

static int eng_seal_one(struct ike_sa *sa, const struct ike_hdr *h, uint8_t first, const uint8_t *inner,
			size_t inner_len, struct eng_out *o)
{
	struct ike_wr wr;
	struct ike_build b;
	struct ike_sk_layout l;
	size_t iv = ike_crypto_sk_iv_len(sa->sk_out), icv = ike_crypto_sk_icv_len(sa->sk_out);
	ike_wire_wr_init_dyn(&wr, IKE_WIRE_WR_MAX_DEFAULT);
	ike_build_init(&b, &wr, h);
	ike_build_sk_begin(&b, iv);
	ike_wire_patch_u8(&wr, b.sk_off, first);
	ike_wire_put_bytes(&wr, inner, inner_len);
	int r = ike_build_sk_finish(&b, eng_block(sa), icv, &l);
	if (r == 0)
		r = eng_encrypt(sa, wr.buf, wr.len, &l);
	if (r == 0)
		r = eng_out_take(&wr, o);
	ike_wire_wr_free(&wr);
	return r;
}

int eng_seal(struct ike_sa *sa, uint8_t exch, uint32_t msgid, bool response, uint8_t first,
	     const uint8_t *inner, size_t inner_len, struct eng_out *o)
{
	struct ike_hdr h;
	memset(o, 0, sizeof(*o));
	eng_hdr(sa, exch, msgid, response, &h);
	size_t iv = ike_crypto_sk_iv_len(sa->sk_out), icv = ike_crypto_sk_icv_len(sa->sk_out);
	size_t whole = IKE_HDR_LEN + IKE_GEN_HDR_LEN + iv + inner_len + eng_block(sa) + icv;
	/* RFC 7383: only once negotiated, and never for IKE_SA_INIT. */
	if (whole <= sa->e->conf.fragment_size || !sa->peer_frag || exch == IKE_EXCH_IKE_SA_INIT)
		return eng_seal_one(sa, &h, first, inner, inner_len, o);
	struct ike_frag_params p = { .max_len = sa->e->conf.fragment_size, .iv_len = iv, .icv_len = icv,
				     .block = eng_block(sa) };
	struct ike_frag_set fs;
	int r = ike_frag_split(&h, first, inner, inner_len, &p, &fs);
	if (r != 0)
		return r;
	for (unsigned i = 0; i < fs.n && r == 0; i++)
		r = eng_encrypt(sa, fs.frag[i].buf, fs.frag[i].len, &fs.frag[i].lay);
	if (r != 0) {
		ike_frag_set_free(&fs);
		return r;
	}
	if (eng_out_alloc(o, fs.n) != 0) {
		ike_frag_set_free(&fs);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < fs.n; i++) {
		o->buf[i] = fs.frag[i].buf;
		o->len[i] = fs.frag[i].len;
	}
	o->n = fs.n;
	fs.n = 0; /* the buffers now belong to o */
	return 0;
}

/* The first retransmission interval; it doubles each time. */
static uint64_t eng_rto(const struct ike_sa *sa)
{
	return sa->conf.retransmit_timeout_ms ? sa->conf.retransmit_timeout_ms : 500;
}

int eng_request(struct ike_sa *sa, uint8_t exch, struct eng_out *o)
{
	uint64_t now = eng_now(sa->e);
	eng_out_free(&sa->req);
	sa->req = *o;
	memset(o, 0, sizeof(*o));
	sa->req_busy = true;
	sa->req_exch = exch;
	sa->req_msgid = sa->next_msgid++;
	sa->req_tries = 0;
	sa->req_started = now;
	sa->req_next = now + eng_rto(sa);
	int r = eng_send_out(sa, &sa->req);
	eng_sa_schedule(sa);
	/* A local send error is retried like a lost datagram. */
	(void)r;
	return 0;
}

int eng_respond(struct ike_sa *sa, struct eng_out *o)
{
	eng_out_free(&sa->resp);
	sa->resp = *o;
	memset(o, 0, sizeof(*o));
	sa->have_resp = true;
	sa->peer_msgid++;
	eng_send_out(sa, &sa->resp);
	return 0;
}

void eng_send_bare_notify(struct ike_engine *e, const struct ike_hdr *req, uint16_t type, const uint8_t *data,
			  size_t len, const struct ike_addr *local, const struct ike_addr *peer)
{
	struct ike_hdr h = *req;
	h.flags = IKE_FLAG_R;
	h.spi_r = 0;
	h.major = IKE_MAJOR_VERSION;
	h.minor = 0;
	struct ike_wr wr;
	struct ike_build b;
	struct ike_notify n;
	memset(&n, 0, sizeof(n));
	n.type = type;
	n.data.ptr = data;
	n.data.len = len;
	ike_wire_wr_init_dyn(&wr, 1024);
	ike_build_init(&b, &wr, &h);
	ike_build_payload_begin(&b, IKE_PT_NOTIFY, 0);
	ike_payload_notify_build(&wr, &n);
	if (ike_build_finish(&b) == 0) {
		e->env.send(e->env.ctx, wr.buf, wr.len, local, peer);
		e->cnt.tx++;
	}
	ike_wire_wr_free(&wr);
}

void eng_retransmit_due(struct ike_sa *sa)
{
	uint64_t now = eng_now(sa->e);
	unsigned tries = sa->conf.retransmit_tries ? sa->conf.retransmit_tries : 5;
	if (sa->req_tries >= tries) {
		if (sa->state == IKE_STATE_DELETING) {
			eng_sa_drop(sa); /* the peer is gone anyway */
			return;
		}
		eng_sa_fail(sa, IKE_FAIL_TIMEOUT, 0, "no response from the peer after %u transmissions in %llu.%01llus",
			    sa->req_tries + 1, (unsigned long long)((now - sa->req_started) / 1000),
			    (unsigned long long)((now - sa->req_started) % 1000 / 100));
		return;
	}
	sa->req_tries++;
	sa->e->cnt.retransmits++;
	sa->req_next = now + (eng_rto(sa) << (sa->req_tries < 10 ? sa->req_tries : 10));
	eng_send_out(sa, &sa->req);
	eng_sa_schedule(sa);
}
