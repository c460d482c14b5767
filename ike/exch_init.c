/* exch_init.c: the IKE_SA_INIT exchange (RFC 7296 1.2), both roles:
 * proposals, KE (with the INVALID_KE_PAYLOAD retry), nonces, COOKIE under
 * half-open load, NAT detection, fragmentation and signature hash
 * notifies, simultaneous initiation, and the IKE SA keys. */
#include <errno.h>
#include <pk11pub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ike/ike_names.h"

#define ENG_COOKIE_LEN 32
#define ENG_MAX_KE_RETRIES 2

/* RFC 7427 4: SHA2-256, SHA2-384, SHA2-512. */
static const uint8_t sig_hashes[] = { 0, 2, 0, 3, 0, 4 };

static uint8_t *eng_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	if (d != NULL)
		memcpy(d, p, n);
	return d;
}

/* NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port). */
static void eng_nat_hash(uint64_t spi_i, uint64_t spi_r, const struct ike_addr *a, uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2];
	size_t al = eng_addr_len(a);
	eng_spi_bytes(spi_i, in);
	eng_spi_bytes(spi_r, in + 8);
	memcpy(in + 16, a->ip, al);
	in[16 + al] = (uint8_t)(a->port >> 8);
	in[17 + al] = (uint8_t)a->port;
	if (PK11_HashBuf(SEC_OID_SHA1, out, in, (PRInt32)(18 + al)) != SECSuccess)
		memset(out, 0, 20);
}

/* The notifies that go into both IKE_SA_INIT messages. */
static void eng_init_notifies(struct ike_sa *sa, struct ike_build *b, uint64_t spi_r)
{
	uint8_t h[2][20];
	eng_nat_hash(sa->spi_i, spi_r, &sa->local, h[0]);
	eng_nat_hash(sa->spi_i, spi_r, &sa->peer, h[1]);
	static const uint16_t types[] = { IKE_N_NAT_DETECTION_SOURCE_IP, IKE_N_NAT_DETECTION_DESTINATION_IP,
					  IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, IKE_N_SIGNATURE_HASH_ALGORITHMS };
	for (unsigned i = 0; i < 4; i++) {
		struct ike_notify n;
		memset(&n, 0, sizeof(n));
		n.type = types[i];
		if (i < 2) {
			n.data.ptr = h[i];
			n.data.len = 20;
		} else if (i == 3) {
			n.data.ptr = sig_hashes;
			n.data.len = sizeof(sig_hashes);
		}
		ike_build_payload_begin(b, IKE_PT_NOTIFY, 0);
		ike_payload_notify_build(b->wr, &n);
	}
}

/* RFC 7296 2.23: the peer's NAT_DETECTION hashes against the addresses and
 * ports we see (spi_r as the sender used it: 0 in the request). A peer
 * that sends none does not do NAT traversal. */
static bool eng_nat_detect(const struct ike_sa *sa, const struct ike_msg *m, uint64_t spi_r)
{
	static const uint8_t zero[16];
	if (memcmp(sa->local.ip, zero, eng_addr_len(&sa->local)) == 0)
		return false; /* our address is not known here: cannot tell */
	uint8_t src[20], dst[20];
	eng_nat_hash(sa->spi_i, spi_r, &sa->peer, src);
	eng_nat_hash(sa->spi_i, spi_r, &sa->local, dst);
	bool have_src = false, have_dst = false, src_ok = false, dst_ok = false;
	for (unsigned i = 0; i < m->n_notify; i++) {
		const struct ike_notify *n = &m->notify[i];
		if (n->data.len != 20)
			continue;
		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			have_src = true;
			src_ok |= memcmp(n->data.ptr, src, 20) == 0;
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = true;
			dst_ok |= memcmp(n->data.ptr, dst, 20) == 0;
		}
	}
	return have_src && have_dst && (!src_ok || !dst_ok);
}

/* CERTREQ with the CAs we trust, when we accept signatures. */
static void eng_put_certreq(const struct ike_sa *sa, struct ike_build *b)
{
	if (!sa->conf.accept_sig)
		return;
	struct ike_cert cr = { .encoding = IKE_CERT_X509_SIG, .data = { sa->conf.certreq, sa->conf.certreq_len } };
	ike_build_payload_begin(b, IKE_PT_CERTREQ, 0);
	ike_payload_cert_build(b->wr, &cr);
}

static void eng_put_ke_nonce(struct ike_sa *sa, struct ike_build *b, const uint8_t *nonce, size_t nlen)
{
	uint8_t pub[512];
	size_t plen = 0;
	if (ike_crypto_dh_public(sa->dh, pub, sizeof(pub), &plen) != 0)
		ike_wire_wr_fail(b->wr, -EIO);
	struct ike_ke ke = { .group = sa->dh_group, .data = { pub, plen } };
	ike_build_payload_begin(b, IKE_PT_KE, 0);
	ike_payload_ke_build(b->wr, &ke);
	struct ike_nonce n = { .data = { nonce, nlen } };
	ike_build_payload_begin(b, IKE_PT_NONCE, 0);
	ike_payload_nonce_build(b->wr, &n);
}

/* An IKE_SA_INIT message of sa: header written, payloads follow. */
static void eng_init_begin(const struct ike_sa *sa, bool response, struct ike_wr *wr, struct ike_build *b)
{
	struct ike_hdr h;
	memset(&h, 0, sizeof(h));
	h.spi_i = sa->spi_i;
	h.spi_r = response ? sa->spi_r : 0;
	h.major = IKE_MAJOR_VERSION;
	h.exchange = IKE_EXCH_IKE_SA_INIT;
	h.flags = response ? IKE_FLAG_R : IKE_FLAG_I;
	ike_wire_wr_init_dyn(wr, IKE_WIRE_WR_MAX_DEFAULT);
	ike_build_init(b, wr, &h);
}

/* Finishes it into *o and keeps a copy in *keep (RealMessage1 or 2, which
 * AUTH signs). */
static int eng_init_finish(struct ike_wr *wr, struct ike_build *b, struct eng_out *o, uint8_t **keep,
			   size_t *keep_len)
{
	int r = ike_build_finish(b);
	if (r == 0)
		r = eng_out_take(wr, o);
	ike_wire_wr_free(wr);
	if (r != 0)
		return r;
	free(*keep);
	*keep = eng_dup(o->buf[0], o->len[0]);
	*keep_len = o->len[0];
	if (*keep == NULL) {
		eng_out_free(o);
		return -ENOMEM;
	}
	return 0;
}

static int eng_init_send_request(struct ike_sa *sa)
{
	struct ike_wr wr;
	struct ike_build b;
	eng_init_begin(sa, false, &wr, &b);
	if (sa->cookie != NULL) {
		struct ike_notify n = { .type = IKE_N_COOKIE, .data = { sa->cookie, sa->cookie_len } };
		ike_build_payload_begin(&b, IKE_PT_NOTIFY, 0);
		ike_payload_notify_build(&wr, &n);
	}
	struct ike_sa_payload sap;
	eng_proposal_build_ike(&sa->conf, NULL, 0, &sap);
	ike_build_payload_begin(&b, IKE_PT_SA, 0);
	ike_payload_sa_build(&wr, &sap);
	eng_put_ke_nonce(sa, &b, sa->ni, sa->ni_len);
	eng_init_notifies(sa, &b, 0);
	struct eng_out o;
	int r = eng_init_finish(&wr, &b, &o, &sa->init_req, &sa->init_req_len);
	if (r != 0)
		return r;
	sa->next_msgid = 0;
	return eng_request(sa, IKE_EXCH_IKE_SA_INIT, &o);
}

static int eng_new_dh(struct ike_sa *sa, uint16_t group)
{
	ike_crypto_dh_free(sa->dh);
	sa->dh = NULL;
	sa->dh_group = group;
	return ike_crypto_dh_new(group, &sa->dh);
}

int eng_init_start(struct ike_sa *sa)
{
	int r;
	sa->state = IKE_STATE_INIT_SENT;
	sa->ni_len = ENG_NONCE_LEN;
	if ((r = sa->e->env.random(sa->e->env.ctx, sa->ni, sa->ni_len)) != 0)
		return r;
	/* A replacement starts with the group the peer chose last time. */
	uint16_t group = sa->conf.ike[0].dh;
	for (const struct ike_sa *o = sa->e->all; o != NULL; o = o->next)
		if (o != sa && o->state == IKE_STATE_ESTABLISHED && eng_addr_eq(&o->peer, &sa->peer))
			group = o->suite.dh;
	if ((r = eng_new_dh(sa, group)) != 0)
		return r;
	char a[64];
	eng_log(sa->e, IKE_LOG_DEBUG, "#%u: initiating IKE_SA_INIT with %s", sa->serial,
		ike_addr_format(&sa->peer, a, sizeof(a)));
	return eng_init_send_request(sa);
}

int eng_init_keys(struct ike_sa *sa, const uint8_t *peer_ke, size_t peer_ke_len)
{
	PK11SymKey *gir = NULL, *seed = NULL;
	struct ike_crypto_sizes sz;
	uint8_t si[8], sr[8];
	const struct ike_suite *s = &sa->suite;
	int r;
	if ((r = ike_crypto_dh_derive(sa->dh, peer_ke, peer_ke_len, &gir)) != 0)
		goto out;
	if ((r = ike_crypto_keymat_skeyseed(s->prf, sa->ni, sa->ni_len, sa->nr, sa->nr_len, gir, &seed)) != 0)
		goto out;
	if ((r = ike_crypto_algs_sizes(s->prf, s->encr, s->key_bits, s->integ, &sz)) != 0)
		goto out;
	eng_spi_bytes(sa->spi_i, si);
	eng_spi_bytes(sa->spi_r, sr);
	if ((r = ike_crypto_keymat_ike_sa(s->prf, seed, sa->ni, sa->ni_len, sa->nr, sa->nr_len, si, sr, &sz,
					  &sa->keys)) != 0)
		goto out;
	struct ike_crypto_ike_keys *k = &sa->keys;
	PK11SymKey *eo = sa->initiator ? k->sk_ei : k->sk_er, *ao = sa->initiator ? k->sk_ai : k->sk_ar;
	PK11SymKey *ein = sa->initiator ? k->sk_er : k->sk_ei, *ain = sa->initiator ? k->sk_ar : k->sk_ai;
	if ((r = ike_crypto_sk_new(s->encr, s->key_bits, s->integ, eo, ao, &sa->sk_out)) != 0)
		goto out;
	r = ike_crypto_sk_new(s->encr, s->key_bits, s->integ, ein, ain, &sa->sk_in);
out:
	if (gir != NULL)
		PK11_FreeSymKey(gir);
	if (seed != NULL)
		PK11_FreeSymKey(seed);
	return r;
}

/* COOKIE = SHA-256(secret | Ni | IPi | SPIi) (RFC 7296 2.6) into out.
 * False, and no COOKIE, when the request has no usable nonce (a request
 * seen before its checks, on the duplicate path) or hashing failed. */
static bool eng_cookie(struct ike_engine *e, const struct ike_msg *m, const struct ike_addr *from,
		       uint8_t out[ENG_COOKIE_LEN])
{
	uint8_t in[32 + IKE_NONCE_MAX + 16 + 8];
	size_t n = 0;
	if (m->nonce.data.ptr == NULL || m->nonce.data.len < IKE_NONCE_MIN || m->nonce.data.len > IKE_NONCE_MAX)
		return false;
	memcpy(in, e->cookie_secret, 32);
	n = 32;
	memcpy(in + n, m->nonce.data.ptr, m->nonce.data.len);
	n += m->nonce.data.len;
	memcpy(in + n, from->ip, eng_addr_len(from));
	n += eng_addr_len(from);
	eng_spi_bytes(m->hdr.spi_i, in + n);
	n += 8;
	return PK11_HashBuf(SEC_OID_SHA256, out, in, (PRInt32)n) == SECSuccess;
}

/* Whether the request's COOKIE notify is want. */
static bool eng_cookie_matches(const struct ike_msg *m, const uint8_t want[ENG_COOKIE_LEN])
{
	const struct ike_notify *c = eng_msg_notify(m, IKE_N_COOKIE);
	return c != NULL && c->data.len == ENG_COOKIE_LEN && NSS_SecureMemcmp(c->data.ptr, want, ENG_COOKIE_LEN) == 0;
}

/* Whether the request carries the COOKIE we would give `from`. */
static bool eng_cookie_valid(struct ike_engine *e, const struct ike_msg *m, const struct ike_addr *from)
{
	uint8_t want[ENG_COOKIE_LEN];
	return eng_cookie(e, m, from, want) && eng_cookie_matches(m, want);
}

/* Whether the request returns our COOKIE: then its sender receives at
 * `from`. If not, the COOKIE goes out (no state kept) and false. */
static bool eng_cookie_returned(struct ike_engine *e, const struct ike_msg *m, const struct ike_addr *from,
				const struct ike_addr *to)
{
	uint8_t want[ENG_COOKIE_LEN];
	if (!eng_cookie(e, m, from, want))
		return false;
	if (eng_cookie_matches(m, want))
		return true;
	eng_send_bare_notify(e, &m->hdr, IKE_N_COOKIE, want, sizeof(want), to, from);
	e->cnt.cookies_sent++;
	return false;
}

/* Under half-open load, only initiators that return our COOKIE get state;
 * *proven says whether this one did. */
static bool eng_cookie_ok(struct ike_engine *e, const struct ike_msg *m, const struct ike_addr *from,
			  const struct ike_addr *to, bool *proven)
{
	*proven = false;
	if (e->conf.half_open_cookie == 0 || e->n_half_open < e->conf.half_open_cookie)
		return true;
	*proven = eng_cookie_returned(e, m, from, to);
	return *proven;
}

#define ENG_UNPROVEN_GRACE_MS 2000

/* One host that returns COOKIEs must not take every half-open slot: a
 * source with half_open_per_source half-open SAs gets no more. But its SAs
 * made before COOKIEs were demanded may be forgeries "from" it (anyone can
 * send those): were they to count as its own, an off-path sender could
 * lock out any peer it names. So while such an SA is there and COOKIEs are
 * on at all, the request must return our COOKIE, and then takes the place
 * of the oldest one. Returns true when the request may make an SA. */
static bool eng_source_ok(struct ike_engine *e, const struct ike_msg *m, const struct ike_addr *from,
			  const struct ike_addr *to, bool *proven)
{
	unsigned max = e->conf.half_open_per_source, n = eng_half_open_from(e, from);
	/* Without COOKIEs nothing proves where a request came from: a limit
	 * per source would only let forgeries "from" a peer lock it out. */
	if (max == 0 || n < max || e->conf.half_open_cookie == 0)
		return true;
	/* Only one that has waited: a real initiator's IKE_AUTH follows its
	 * IKE_SA_INIT within a round trip, while a forgery never moves. A
	 * young one may be the sender's own negotiation under way (a hub
	 * starting many at once), which a replacement would kill. */
	struct ike_sa *forgeable = eng_half_open_unproven(e, from);
	if (forgeable != NULL && eng_now(e) - forgeable->created_ms < ENG_UNPROVEN_GRACE_MS)
		forgeable = NULL;
	if (forgeable != NULL && e->conf.half_open_cookie != 0) {
		if (!*proven && !eng_cookie_returned(e, m, from, to))
			return false;
		*proven = true;
		eng_sa_log(forgeable, IKE_LOG_INFO, "half-open SA given up for a request from the same address "
						     "that returned our COOKIE (per-source limit %u)", max);
		eng_sa_free(forgeable);
		return true;
	}
	e->cnt.dropped_half_open_source++;
	char why[128];
	snprintf(why, sizeof(why), "IKE_SA_INIT: %u half-open IKE SAs from this address already (per-source limit %u)",
		 n, max);
	eng_drop_log(e, from, why);
	return false;
}

/* Both ends initiated at once: the lower address keeps its initiation and
 * ignores the other's; the higher address answers, and abandons its own
 * once the peer's IKE SA has authenticated (eng_sa_yield_initiations), not
 * before: the request is unauthenticated, anyone can send it "from" the
 * peer. Exactly one IKE SA results. Returns true when the request is to be
 * ignored. */
static bool eng_simultaneous(struct ike_engine *e, const struct ike_addr *from, const struct ike_addr *to)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next) {
		if (!sa->initiator || !eng_addr_eq(&sa->peer, from) ||
		    (sa->state != IKE_STATE_INIT_SENT && sa->state != IKE_STATE_AUTH_SENT))
			continue;
		if (eng_addr_cmp_ip(to, from) < 0)
			return true;
		eng_sa_log(sa, IKE_LOG_INFO, "simultaneous initiation: answering the peer's, ours goes on until it "
					     "authenticates");
	}
	return false;
}

/* The responder's checks of a request; 0 or the notify to answer. */
static uint16_t eng_init_choose(struct ike_sa *sa, const struct ike_msg *m, uint8_t ke_group_buf[2])
{
	if (!m->has_sa || !m->has_ke || !m->has_nonce)
		return IKE_N_INVALID_SYNTAX;
	const struct ike_proposal *prop = NULL;
	if (eng_proposal_select(sa->conf.ike, sa->conf.n_ike, &m->sa, IKE_PROTO_IKE, m->ke.group, &sa->suite,
				&prop) < 0)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	if (sa->suite.dh != m->ke.group) {
		ke_group_buf[0] = (uint8_t)(sa->suite.dh >> 8);
		ke_group_buf[1] = (uint8_t)sa->suite.dh;
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	if (ike_crypto_dh_check_peer(m->ke.group, m->ke.data.ptr, m->ke.data.len) != 0)
		return IKE_N_INVALID_SYNTAX;
	sa->suite_num = prop->num;
	return 0;
}

static int eng_init_send_response(struct ike_sa *sa)
{
	struct ike_wr wr;
	struct ike_build b;
	eng_init_begin(sa, true, &wr, &b);
	struct ike_sa_payload sap;
	memset(&sap, 0, sizeof(sap));
	eng_suite_to_prop(&sa->suite, IKE_PROTO_IKE, sa->suite_num, NULL, 0, &sap.prop[0]);
	sap.n_proposals = 1;
	ike_build_payload_begin(&b, IKE_PT_SA, 0);
	ike_payload_sa_build(&wr, &sap);
	eng_put_ke_nonce(sa, &b, sa->nr, sa->nr_len);
	eng_put_certreq(sa, &b);
	eng_init_notifies(sa, &b, sa->spi_r);
	struct eng_out o;
	int r = eng_init_finish(&wr, &b, &o, &sa->init_resp, &sa->init_resp_len);
	if (r != 0)
		return r;
	return eng_respond(sa, &o);
}

/* A retransmitted request of an SA we answered: the same answer again. */
static bool eng_init_duplicate(struct ike_engine *e, const uint8_t *buf, size_t len, const struct ike_msg *m,
			       const struct ike_addr *from)
{
	for (struct ike_sa *sa = e->all; sa != NULL; sa = sa->next)
		if (!sa->initiator && sa->spi_i == m->hdr.spi_i && eng_addr_eq(&sa->peer, from)) {
			/* The same SPIi, another message: the initiator got a COOKIE
			 * from us for a copy of its request while another copy made
			 * this SA, and retried with the COOKIE (RFC 7296 2.6, the
			 * other payloads unchanged). It signs the retry in IKE_AUTH:
			 * that is the request of this SA now. Only a valid COOKIE
			 * proves the retry comes from where the SA's peer receives. */
			if (sa->state == IKE_STATE_INIT_RECEIVED && sa->init_req != NULL &&
			    (len != sa->init_req_len || memcmp(buf, sa->init_req, len) != 0) &&
			    eng_cookie_valid(e, m, from)) {
				uint8_t *copy = eng_dup(buf, len);
				if (copy != NULL) {
					free(sa->init_req);
					sa->init_req = copy;
					sa->init_req_len = len;
				}
			}
			if (sa->state == IKE_STATE_INIT_RECEIVED && sa->init_resp != NULL) {
				e->env.send(e->env.ctx, sa->init_resp, sa->init_resp_len, &sa->local, &sa->peer);
				e->cnt.tx++;
				e->cnt.retransmits++;
			}
			return true;
		}
	return false;
}

/* Answers the request with notify; a refusal (not the INVALID_KE_PAYLOAD
 * step of a normal exchange) is reported with reason. */
static void eng_init_refuse(struct ike_sa *sa, const struct ike_msg *m, uint16_t notify, const uint8_t *data,
			    size_t len, enum ike_fail_reason reason, const char *why)
{
	eng_send_bare_notify(sa->e, &m->hdr, notify, data, len, &sa->local, &sa->peer);
	if (notify == IKE_N_INVALID_KE_PAYLOAD) {
		char a[64];
		eng_log(sa->e, IKE_LOG_DEBUG, "%s: IKE_SA_INIT answered with INVALID_KE_PAYLOAD: %s",
			ike_addr_format(&sa->peer, a, sizeof(a)), why);
		eng_sa_free(sa);
		return;
	}
	eng_sa_fail(sa, reason, notify, "IKE_SA_INIT refused with %s: %s", ike_name_notify(notify), why);
}

/* A responder keeps the whole IKE_SA_INIT request (the initiator's AUTH
 * signs it) for as long as the SA is half-open. IKE_SA_INIT is never
 * fragmented (RFC 7383), so real ones fit a datagram of the path: the
 * largest KE in use (MODP 8192: 1 KiB) with proposals, notifies and
 * CERTREQs stays far below this. More is a request made to cost us memory. */
#define ENG_INIT_REQUEST_MAX 4096

void eng_init_request(struct ike_engine *e, const uint8_t *buf, size_t len, const struct ike_msg *m,
		      const struct ike_addr *from, const struct ike_addr *to)
{
	if (len > ENG_INIT_REQUEST_MAX) {
		eng_drop(e, from, "IKE_SA_INIT request larger than 4096 bytes (not kept)");
		return;
	}
	if (eng_init_duplicate(e, buf, len, m, from))
		return;
	/* The COOKIE first: a flood from spoofed addresses never gets past it,
	 * so the hard limits below only count initiators that answered. */
	bool proven;
	if (!m->has_nonce || !eng_cookie_ok(e, m, from, to, &proven) || !eng_source_ok(e, m, from, to, &proven))
		return;
	if (e->conf.half_open_max != 0 && e->n_half_open >= e->conf.half_open_max) {
		e->cnt.dropped_malformed++;
		uint64_t now = eng_now(e);
		if (e->half_open_logged_ms == 0 || now - e->half_open_logged_ms >= 1000) {
			e->half_open_logged_ms = now ? now : 1;
			eng_log(e, IKE_LOG_WARN, "half-open limit (%u) reached: IKE_SA_INIT dropped (logged once a second)",
				e->conf.half_open_max);
		}
		return;
	}
	if (eng_simultaneous(e, from, to))
		return;
	struct ike_sa *sa = eng_sa_new(e, false, to, from);
	if (sa == NULL)
		return;
	sa->spi_i = m->hdr.spi_i;
	sa->state = IKE_STATE_INIT_RECEIVED;
	if (proven)
		eng_half_open_proven(sa);
	char why[256] = "";
	if (e->env.peer_conf(e->env.ctx, to, from, false, &sa->conf, why, sizeof(why)) != 0) {
		eng_init_refuse(sa, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0, IKE_FAIL_REFUSED,
				why[0] ? why : "refused by local policy");
		return;
	}
	uint8_t grp[2];
	uint16_t n = eng_init_choose(sa, m, grp);
	if (n != 0) {
		eng_init_refuse(sa, m, n, n == IKE_N_INVALID_KE_PAYLOAD ? grp : NULL,
				n == IKE_N_INVALID_KE_PAYLOAD ? 2 : 0,
				n == IKE_N_NO_PROPOSAL_CHOSEN ? IKE_FAIL_PROPOSAL : IKE_FAIL_PROTOCOL,
				n == IKE_N_NO_PROPOSAL_CHOSEN ? "no proposal of the peer is acceptable" :
				n == IKE_N_INVALID_KE_PAYLOAD ? "asking for another key exchange group" :
								"malformed request");
		return;
	}
	sa->ni_len = m->nonce.data.len;
	memcpy(sa->ni, m->nonce.data.ptr, sa->ni_len);
	sa->nr_len = ENG_NONCE_LEN;
	sa->peer_frag = eng_msg_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	sa->nat = eng_nat_detect(sa, m, 0);
	sa->init_req = eng_dup(buf, len);
	sa->init_req_len = len;
	if (sa->init_req == NULL || e->env.random(e->env.ctx, sa->nr, sa->nr_len) != 0 ||
	    eng_new_dh(sa, sa->suite.dh) != 0 || eng_init_keys(sa, m->ke.data.ptr, m->ke.data.len) != 0) {
		eng_init_refuse(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0, IKE_FAIL_PROTOCOL,
				"key exchange failed (bad KE value?)");
		return;
	}
	if (eng_init_send_response(sa) != 0) {
		eng_sa_free(sa);
		return;
	}
	eng_sa_schedule(sa);
}

/* INVALID_KE_PAYLOAD or COOKIE: try again; true when handled. */
static bool eng_init_retry(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_notify *ke = eng_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	if (ke != NULL && ke->data.len == 2) {
		uint16_t g = (uint16_t)(ke->data.ptr[0] << 8 | ke->data.ptr[1]);
		bool ours = false;
		for (unsigned i = 0; i < sa->conf.n_ike; i++)
			ours |= sa->conf.ike[i].dh == g;
		/* The group we already use: the answer to our retransmission of the
		 * earlier request, which arrived after the first one (a slow peer
		 * answers both). Not the peer's word on this request. */
		if (g == sa->dh_group && sa->ke_retries > 0) {
			eng_sa_log(sa, IKE_LOG_DEBUG, "a late INVALID_KE_PAYLOAD for group %u (already in use): ignored", g);
			return true;
		}
		if (!ours || g == sa->dh_group || sa->ke_retries++ >= ENG_MAX_KE_RETRIES) {
			eng_sa_fail(sa, IKE_FAIL_PROPOSAL, IKE_N_INVALID_KE_PAYLOAD,
				    "the peer wants key exchange group %u, which we do not offer", g);
			return true;
		}
		eng_sa_log(sa, IKE_LOG_INFO, "peer asked for key exchange group %u: retrying", g);
		if (eng_new_dh(sa, g) != 0 || eng_init_send_request(sa) != 0)
			eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot retry with group %u", g);
		return true;
	}
	const struct ike_notify *c = eng_msg_notify(m, IKE_N_COOKIE);
	if (c != NULL) {
		/* The same COOKIE again answers our retransmission of the request
		 * without it: nothing new. */
		if (sa->cookie != NULL && c->data.len == sa->cookie_len && memcmp(c->data.ptr, sa->cookie, c->data.len) == 0)
			return true;
		if (c->data.len < 1 || c->data.len > 64 || sa->cookie != NULL) {
			eng_sa_fail(sa, IKE_FAIL_PROTOCOL, IKE_N_COOKIE, "the peer keeps asking for a COOKIE");
			return true;
		}
		sa->cookie = eng_dup(c->data.ptr, c->data.len);
		sa->cookie_len = c->data.len;
		if (sa->cookie == NULL || eng_init_send_request(sa) != 0)
			eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot resend with the COOKIE");
		return true;
	}
	return false;
}

void eng_init_response(struct ike_sa *sa, const uint8_t *buf, size_t len, const struct ike_msg *m)
{
	if (eng_init_retry(sa, m))
		return;
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type < 16384) {
			uint16_t t = m->notify[i].type;
			eng_sa_fail(sa, IKE_FAIL_NOTIFY, t, "the peer refused IKE_SA_INIT: %s", ike_name_notify(t));
			return;
		}
	if (!m->has_sa || !m->has_ke || !m->has_nonce || m->hdr.spi_r == 0) {
		eng_sa_fail(sa, IKE_FAIL_PROTOCOL, IKE_N_INVALID_SYNTAX, "malformed IKE_SA_INIT response");
		return;
	}
	if (eng_proposal_accept(sa->conf.ike, sa->conf.n_ike, &m->sa, IKE_PROTO_IKE, &sa->suite) < 0 ||
	    sa->suite.dh != sa->dh_group || m->ke.group != sa->dh_group) {
		eng_sa_fail(sa, IKE_FAIL_PROPOSAL, IKE_N_NO_PROPOSAL_CHOSEN,
			    "the peer chose a proposal or group we did not offer");
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	sa->nr_len = m->nonce.data.len;
	memcpy(sa->nr, m->nonce.data.ptr, sa->nr_len);
	sa->peer_frag = eng_msg_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	sa->nat = eng_nat_detect(sa, m, sa->spi_r);
	if (sa->nat) {
		/* RFC 7296 2.23: the rest of the exchange goes to port 4500. */
		eng_sa_log(sa, IKE_LOG_INFO, "NAT detected: moving to port 4500, ESP in UDP");
		sa->local.port = 4500;
		sa->peer.port = 4500;
	}
	sa->init_resp = eng_dup(buf, len);
	sa->init_resp_len = len;
	if (sa->init_resp == NULL || eng_init_keys(sa, m->ke.data.ptr, m->ke.data.len) != 0) {
		eng_sa_fail(sa, IKE_FAIL_PROTOCOL, IKE_N_INVALID_SYNTAX, "key exchange with the peer's KE failed");
		return;
	}
	sa->req_busy = false;
	eng_out_free(&sa->req);
	sa->peer_msgid = 0;
	int r = eng_auth_start(sa);
	if (r != 0)
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot send IKE_AUTH (%s)", strerror(-r));
}
