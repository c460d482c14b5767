/* msg_frag.c: IKE fragmentation (RFC 7383): splitting an inner chain into
 * SKF messages and bounded reassembly of decrypted fragments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_message.h"

/* Largest inner slice per fragment so that slice + padding + pad length
 * fits the plaintext room left by the headers, IV and ICV. */
static size_t frag_chunk(const struct ike_frag_params *p)
{
	size_t overhead = IKE_HDR_LEN + IKE_SKF_HDR_LEN;

	if (p->block == 0 || p->block > 256 || p->max_len < overhead || p->max_len > UINT16_MAX ||
	    p->iv_len > p->max_len - overhead || p->icv_len > p->max_len - overhead - p->iv_len)
		return 0;
	size_t room = p->max_len - overhead - p->iv_len - p->icv_len;
	room -= room % p->block;
	return room > 1 ? room - 1 : 0;
}

static int frag_one(const struct ike_hdr *h, uint16_t num, uint16_t total, uint8_t first,
		    const uint8_t *slice, size_t n, const struct ike_frag_params *p,
		    struct ike_frag *f)
{
	struct ike_wr wr;
	struct ike_build b;
	int r;

	ike_wire_wr_init_dyn(&wr, p->max_len);
	ike_build_init(&b, &wr, h);
	ike_build_skf_begin(&b, num, total, num == 1 ? first : IKE_PT_NONE, p->iv_len);
	ike_wire_put_bytes(&wr, slice, n);
	if ((r = ike_build_sk_finish(&b, p->block, p->icv_len, &f->lay)) != 0) {
		ike_wire_wr_free(&wr);
		return r;
	}
	f->buf = ike_wire_wr_steal(&wr, &f->len);
	return f->buf != NULL ? 0 : -ENOMEM;
}

int ike_frag_split(const struct ike_hdr *h, uint8_t first, const uint8_t *inner,
		   size_t inner_len, const struct ike_frag_params *p, struct ike_frag_set *out)
{
	size_t chunk = frag_chunk(p);
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (chunk == 0 || inner == NULL || inner_len == 0)
		goto out;
	size_t total = (inner_len + chunk - 1) / chunk;
	r = -E2BIG;
	if (total > IKE_FRAG_MAX)
		goto out;
	for (size_t i = 0; i < total; i++) {
		size_t off = i * chunk;
		size_t n = inner_len - off < chunk ? inner_len - off : chunk;
		r = frag_one(h, (uint16_t)(i + 1), (uint16_t)total, first, inner + off, n, p,
			     &out->frag[i]);
		if (r != 0)
			goto out;
		out->n++;
	}
	r = 0;
out:
	if (r != 0)
		ike_frag_set_free(out);
	return r;
}

void ike_frag_set_free(struct ike_frag_set *s)
{
	for (unsigned i = 0; i < s->n && i < IKE_FRAG_MAX; i++)
		free(s->frag[i].buf);
	memset(s, 0, sizeof(*s));
}

void ike_frag_reasm_init(struct ike_frag_reasm *r, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->max_bytes = max_bytes;
}

void ike_frag_reasm_free(struct ike_frag_reasm *r)
{
	size_t max = r->max_bytes;

	for (unsigned i = 0; i < IKE_FRAG_MAX; i++)
		free(r->part[i]);
	ike_frag_reasm_init(r, max);
}

int ike_frag_reasm_add(struct ike_frag_reasm *r, uint16_t num, uint16_t total,
		       uint8_t first, const uint8_t *plain, size_t len)
{
	if (num == 0 || num > total || total > IKE_FRAG_MAX || (plain == NULL && len != 0))
		return -EINVAL;
	if (r->total != 0 && total < r->total)
		return -EINVAL;
	if (total > r->total)
		ike_frag_reasm_free(r); /* new, finer fragmentation: start over */
	r->total = total;
	if (r->part[num - 1] != NULL)
		return IKE_FRAG_DUP;
	if (len > r->max_bytes - r->bytes)
		return -E2BIG;
	uint8_t *copy = malloc(len != 0 ? len : 1);
	if (copy == NULL)
		return -ENOMEM;
	if (len != 0)
		memcpy(copy, plain, len);
	r->part[num - 1] = copy;
	r->part_len[num - 1] = len;
	r->bytes += len;
	r->have++;
	if (num == 1)
		r->first = first;
	return r->have == r->total ? IKE_FRAG_DONE : IKE_FRAG_MORE;
}

int ike_frag_reasm_take(struct ike_frag_reasm *r, uint8_t **buf, size_t *len, uint8_t *first)
{
	*buf = NULL;
	*len = 0;
	*first = IKE_PT_NONE;
	if (r->total == 0 || r->have != r->total)
		return -EAGAIN;
	uint8_t *out = malloc(r->bytes != 0 ? r->bytes : 1);
	if (out == NULL)
		return -ENOMEM;
	size_t off = 0;
	for (unsigned i = 0; i < r->total; i++) {
		if (r->part_len[i] != 0)
			memcpy(out + off, r->part[i], r->part_len[i]);
		off += r->part_len[i];
	}
	*buf = out;
	*len = off;
	*first = r->first;
	ike_frag_reasm_free(r);
	return 0;
}
