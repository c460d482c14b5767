/* engine_recv.c: verify and decrypt SK payloads, reassemble SKF fragments
 * (RFC 7383). Nothing is acted on here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Verifies and decrypts in place; *plain points into buf. */
static int eng_decrypt(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ike_msg *m,
		       const uint8_t **plain, size_t *plain_len)
{
	struct ike_sk_layout l;
	size_t iv = ike_crypto_sk_iv_len(sa->sk_in), icv = ike_crypto_sk_icv_len(sa->sk_in);
	if (ike_sk_layout_rx(buf, len, m, iv, icv, &l) != 0)
		return -EINVAL;
	struct ike_crypto_sk_layout cl = {
		.aad_off = l.aad_off, .aad_len = l.aad_len, .iv_off = l.iv_off,
		.text_off = l.ct_off, .text_len = l.ct_len, .icv_off = l.icv_off,
	};
	int r = ike_crypto_sk_decrypt(sa->sk_in, buf, len, &cl, plain_len);
	if (r != 0)
		return r;
	*plain = buf + l.ct_off;
	return 0;
}

int eng_open(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ike_msg *m, uint8_t **plain,
	     size_t *plain_len, uint8_t *first)
{
	const uint8_t *p = NULL;
	size_t n = 0;
	*plain = NULL;
	*plain_len = 0;
	*first = 0;
	if (!m->has_sk && !m->has_skf)
		return -EINVAL;
	int r = eng_decrypt(sa, buf, len, m, &p, &n);
	if (r != 0) {
		eng_sa_log(sa, IKE_LOG_DEBUG, "message %u failed integrity check: dropped", m->hdr.msg_id);
		return r;
	}
	if (m->has_sk) {
		*plain = malloc(n ? n : 1);
		if (*plain == NULL)
			return -ENOMEM;
		memcpy(*plain, p, n);
		*plain_len = n;
		*first = m->sk.first;
		return 0;
	}
	/* A fragment of a new message restarts reassembly. */
	if (sa->reasm == NULL) {
		if ((sa->reasm = malloc(sizeof(*sa->reasm))) == NULL)
			return -ENOMEM;
		ike_frag_reasm_init(sa->reasm, ENG_REASM_MAX);
	}
	if (sa->reasm->total != 0 && sa->reasm_msgid != m->hdr.msg_id) {
		ike_frag_reasm_free(sa->reasm);
		ike_frag_reasm_init(sa->reasm, ENG_REASM_MAX);
	}
	sa->reasm_msgid = m->hdr.msg_id;
	r = ike_frag_reasm_add(sa->reasm, m->skf.frag_num, m->skf.total, m->skf.first, p, n);
	if (r < 0)
		return r;
	if (r != IKE_FRAG_DONE)
		return 1;
	if (ike_frag_reasm_take(sa->reasm, plain, plain_len, first) != 0)
		return -ENOMEM;
	return 0;
}
