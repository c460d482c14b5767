/* libFuzzer target: parse an arbitrary datagram; when it parses, rebuild it,
 * reparse the rebuild and abort on any structural mismatch. Also walks the
 * SK body as if it were a decrypted inner chain. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ike_msg m1, m2, inner;

static int bytes_eq(const struct ike_bytes *a, const struct ike_bytes *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

static void check_sa(const struct ike_sa_payload *a, const struct ike_sa_payload *b)
{
	if (a->n_proposals != b->n_proposals)
		abort();
	for (unsigned i = 0; i < a->n_proposals; i++) {
		const struct ike_proposal *p = &a->prop[i], *q = &b->prop[i];
		if (p->num != q->num || p->proto != q->proto || p->spi_size != q->spi_size ||
		    memcmp(p->spi, q->spi, p->spi_size) != 0 || p->n_transforms != q->n_transforms)
			abort();
		for (unsigned j = 0; j < p->n_transforms; j++)
			if (p->xf[j].type != q->xf[j].type || p->xf[j].id != q->xf[j].id ||
			    p->xf[j].key_len != q->xf[j].key_len)
				abort();
	}
}

static void check_same(const struct ike_msg *a, const struct ike_msg *b)
{
	if (a->hdr.spi_i != b->hdr.spi_i || a->hdr.spi_r != b->hdr.spi_r ||
	    a->hdr.exchange != b->hdr.exchange || a->hdr.flags != b->hdr.flags ||
	    a->hdr.msg_id != b->hdr.msg_id || a->n_payloads != b->n_payloads ||
	    memcmp(a->order, b->order, a->n_payloads * sizeof(a->order[0])) != 0)
		abort();
	check_sa(&a->sa, &b->sa);
	if (!bytes_eq(&a->ke.data, &b->ke.data) || !bytes_eq(&a->nonce.data, &b->nonce.data) ||
	    !bytes_eq(&a->idi.data, &b->idi.data) || !bytes_eq(&a->auth.data, &b->auth.data) ||
	    !bytes_eq(&a->sk.body, &b->sk.body) || !bytes_eq(&a->skf.body, &b->skf.body) ||
	    a->sk.first != b->sk.first || a->skf.total != b->skf.total ||
	    a->tsi.n_ts != b->tsi.n_ts || a->tsr.n_ts != b->tsr.n_ts ||
	    memcmp(a->tsi.ts, b->tsi.ts, sizeof(a->tsi.ts)) != 0)
		abort();
	for (unsigned i = 0; i < a->n_notify; i++)
		if (a->notify[i].type != b->notify[i].type ||
		    !bytes_eq(&a->notify[i].spi, &b->notify[i].spi) ||
		    !bytes_eq(&a->notify[i].data, &b->notify[i].data))
			abort();
	for (unsigned i = 0; i < a->n_delete; i++)
		if (!bytes_eq(&a->del[i].spis, &b->del[i].spis))
			abort();
}

static void fuzz_inner(const struct ike_msg *m)
{
	size_t n;

	if (!m->has_sk)
		return;
	memset(&inner, 0, sizeof(inner));
	(void)ike_msg_parse_chain(m->sk.first, m->sk.body.ptr, m->sk.body.len, &inner);
	if (ike_sk_plain_len(m->sk.body.ptr, m->sk.body.len, &n) == 0 && n > m->sk.body.len)
		abort();
}

/* Input read as a decrypted inner chain: first byte = first payload type.
 * A chain that parses must survive being wrapped in a message. */
static void fuzz_as_inner(const uint8_t *data, size_t size)
{
	struct ike_wr w;

	if (size < 1)
		return;
	memset(&inner, 0, sizeof(inner));
	if (ike_msg_parse_chain(data[0], data + 1, size - 1, &inner) != 0)
		return;
	inner.hdr.exchange = IKE_EXCH_INFORMATIONAL;
	ike_wire_wr_init_dyn(&w, 0);
	if (ike_msg_build(&w, &inner) != 0 || ike_msg_parse(w.buf, w.len, &m2) != 0)
		abort();
	check_same(&inner, &m2);
	ike_wire_wr_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_wr w1, w2;
	struct ike_sk_layout lay;

	if (ike_msg_parse(data, size, &m1) != 0) {
		fuzz_as_inner(data, size);
		return 0;
	}
	fuzz_inner(&m1);
	if ((m1.has_sk || m1.has_skf) && ike_sk_layout_rx(data, size, &m1, 8, 16, &lay) == 0 &&
	    (lay.icv_off + lay.icv_len != size || lay.ct_len == 0))
		abort();
	ike_wire_wr_init_dyn(&w1, 0);
	ike_wire_wr_init_dyn(&w2, 0);
	if (ike_msg_build(&w1, &m1) != 0)
		abort();
	if (ike_msg_parse(w1.buf, w1.len, &m2) != 0)
		abort();
	check_same(&m1, &m2);
	if (ike_msg_build(&w2, &m2) != 0 || w1.len != w2.len || memcmp(w1.buf, w2.buf, w1.len) != 0)
		abort();
	ike_wire_wr_free(&w1);
	ike_wire_wr_free(&w2);
	return 0;
}
