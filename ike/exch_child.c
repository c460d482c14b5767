/* exch_child.c: CREATE_CHILD_SA (RFC 7296 1.3): rekeying a Child SA (with
 * PFS when the ESP suite names a group) and rekeying the IKE SA, in both
 * roles. A refused rekey falls back to a fresh IKE SA (make before break). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ike/ike_names.h"

static void eng_ccs_clear(struct ike_sa *sa)
{
	ike_crypto_dh_free(sa->ccs.dh);
	memset(&sa->ccs, 0, sizeof(sa->ccs));
}

static int eng_child_index(const struct ike_sa *sa, uint32_t serial)
{
	for (unsigned i = 0; i < sa->n_children; i++)
		if (sa->child[i].serial == serial)
			return (int)i;
	return -1;
}

static void eng_put_ke(struct eng_chain *c, const struct ike_crypto_dh *dh)
{
	uint8_t pub[512];
	size_t n = 0;
	if (ike_crypto_dh_public(dh, pub, sizeof(pub), &n) != 0)
		ike_wire_wr_fail(&c->wr, -EIO);
	struct ike_ke ke = { .group = (uint16_t)ike_crypto_dh_group(dh), .data = { pub, n } };
	eng_chain_begin(c, IKE_PT_KE);
	ike_payload_ke_build(&c->wr, &ke);
}

static void eng_put_nonce(struct eng_chain *c, const uint8_t *n, size_t len)
{
	struct ike_nonce no = { .data = { n, len } };
	eng_chain_begin(c, IKE_PT_NONCE);
	ike_payload_nonce_build(&c->wr, &no);
}

static void eng_put_sa(struct eng_chain *c, const struct ike_sa_payload *sap)
{
	eng_chain_begin(c, IKE_PT_SA);
	ike_payload_sa_build(&c->wr, sap);
}

static void eng_put_ts(struct eng_chain *c, const struct ike_ts *tsi, const struct ike_ts *tsr)
{
	struct ike_ts_payload pi = { .n_ts = 1, .ts = { *tsi } }, pr = { .n_ts = 1, .ts = { *tsr } };
	eng_chain_begin(c, IKE_PT_TSI);
	ike_payload_ts_build(&c->wr, &pi);
	eng_chain_begin(c, IKE_PT_TSR);
	ike_payload_ts_build(&c->wr, &pr);
	eng_chain_end(c);
}

static int eng_ccs_send(struct ike_sa *sa, struct eng_chain *c)
{
	struct eng_out o;
	int r = c->wr.err;
	if (r == 0)
		r = eng_seal(sa, IKE_EXCH_CREATE_CHILD_SA, sa->next_msgid, false, c->first, c->wr.buf, c->wr.len, &o);
	if (r == 0)
		r = eng_request(sa, IKE_EXCH_CREATE_CHILD_SA, &o);
	return r;
}

int eng_ccs_rekey_child(struct ike_sa *sa, uint32_t child_serial)
{
	int i = eng_child_index(sa, child_serial);
	if (i < 0 || sa->req_busy || sa->ccs.kind != ENG_CCS_NONE)
		return -EBUSY;
	struct eng_child *old = &sa->child[i];
	int r;
	eng_ccs_clear(sa);
	sa->ccs.kind = ENG_CCS_CHILD;
	sa->ccs.child_serial = child_serial;
	sa->ccs.ni_len = ENG_NONCE_LEN;
	uint16_t pfs = sa->conf.esp[0].dh;
	if ((r = sa->e->env.random(sa->e->env.ctx, sa->ccs.ni, sa->ccs.ni_len)) != 0 ||
	    (r = sa->e->env.spi_alloc(sa->e->env.ctx, &sa->local, &sa->peer, &sa->ccs.spi_in)) != 0 ||
	    (pfs != 0 && (r = ike_crypto_dh_new(pfs, &sa->ccs.dh)) != 0)) {
		eng_ccs_clear(sa);
		return r;
	}
	struct eng_chain c;
	eng_chain_init(&c);
	uint8_t spi[4] = { (uint8_t)(old->spi_in >> 24), (uint8_t)(old->spi_in >> 16), (uint8_t)(old->spi_in >> 8),
			   (uint8_t)old->spi_in };
	eng_chain_notify(&c, IKE_PROTO_ESP, IKE_N_REKEY_SA, spi, 4, NULL, 0);
	if (old->transport)
		eng_chain_notify(&c, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0, NULL, 0);
	struct ike_sa_payload sap;
	eng_proposal_build_esp(sa->conf.esp, sa->conf.n_esp, sa->ccs.spi_in, &sap);
	eng_put_sa(&c, &sap);
	eng_put_nonce(&c, sa->ccs.ni, sa->ccs.ni_len);
	if (sa->ccs.dh != NULL)
		eng_put_ke(&c, sa->ccs.dh);
	struct ike_ts_payload tl, tp;
	eng_ts_host(&sa->local, &tl);
	eng_ts_host(&sa->peer, &tp);
	eng_put_ts(&c, &tl.ts[0], &tp.ts[0]);
	old->rekeying = true;
	eng_sa_log(sa, IKE_LOG_INFO, "rekeying Child SA #%u", child_serial);
	r = eng_ccs_send(sa, &c);
	eng_chain_free(&c);
	return r;
}

int eng_ccs_rekey_ike(struct ike_sa *sa)
{
	if (sa->req_busy || sa->ccs.kind != ENG_CCS_NONE)
		return -EBUSY;
	int r;
	eng_ccs_clear(sa);
	sa->ccs.kind = ENG_CCS_IKE;
	sa->ccs.ni_len = ENG_NONCE_LEN;
	if ((r = eng_new_spi(sa->e, &sa->ccs.new_spi)) != 0 ||
	    (r = sa->e->env.random(sa->e->env.ctx, sa->ccs.ni, sa->ccs.ni_len)) != 0 ||
	    (r = ike_crypto_dh_new(sa->suite.dh, &sa->ccs.dh)) != 0) {
		eng_ccs_clear(sa);
		return r;
	}
	uint8_t spi[8];
	eng_spi_bytes(sa->ccs.new_spi, spi);
	struct ike_sa_payload sap;
	memset(&sap, 0, sizeof(sap));
	/* The current suite first: the peer already agreed to it. */
	eng_suite_to_prop(&sa->suite, IKE_PROTO_IKE, 1, spi, 8, &sap.prop[0]);
	sap.n_proposals = 1;
	struct eng_chain c;
	eng_chain_init(&c);
	eng_put_sa(&c, &sap);
	eng_put_nonce(&c, sa->ccs.ni, sa->ccs.ni_len);
	eng_put_ke(&c, sa->ccs.dh);
	eng_chain_end(&c);
	eng_sa_log(sa, IKE_LOG_INFO, "rekeying the IKE SA");
	r = eng_ccs_send(sa, &c);
	eng_chain_free(&c);
	return r;
}

/* g^ir of this exchange from the peer's KE, or NULL without PFS. */
static int eng_ccs_gir(struct ike_crypto_dh *dh, const struct ike_msg *m, PK11SymKey **gir)
{
	*gir = NULL;
	if (dh == NULL)
		return m->has_ke ? -1 : 0;
	if (!m->has_ke || m->ke.group != ike_crypto_dh_group(dh))
		return -1;
	return ike_crypto_dh_derive(dh, m->ke.data.ptr, m->ke.data.len, gir) == 0 ? 0 : -1;
}

/* The new IKE SA after a rekey: keys from SK_d (old), children moved over. */
static struct ike_sa *eng_ccs_new_ike(struct ike_sa *old, bool we_init, uint64_t spi_i, uint64_t spi_r,
				      const struct ike_suite *suite, PK11SymKey *gir, const uint8_t *ni, size_t ni_len,
				      const uint8_t *nr, size_t nr_len)
{
	struct ike_sa *sa = eng_sa_new(old->e, we_init, &old->local, &old->peer);
	if (sa == NULL)
		return NULL;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	eng_sa_rehash(sa);
	sa->conf = old->conf;
	sa->suite = *suite;
	memcpy(sa->ni, ni, ni_len);
	sa->ni_len = ni_len;
	memcpy(sa->nr, nr, nr_len);
	sa->nr_len = nr_len;
	sa->peer_frag = old->peer_frag;
	sa->nat = old->nat; /* the new IKE SA's Child SAs stay ESP-in-UDP across the NAT */
	memcpy(sa->peer_id, old->peer_id, sizeof(sa->peer_id));
	sa->peer_auth = old->peer_auth;
	sa->peer_certs = old->peer_certs;
	PK11SymKey *seed = NULL;
	struct ike_crypto_sizes sz;
	uint8_t si[8], sr[8];
	eng_spi_bytes(spi_i, si);
	eng_spi_bytes(spi_r, sr);
	/* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the old PRF. */
	PK11SymKey *sk_d_old;
	int r = eng_sk_d(old, &sk_d_old);
	if (r == 0) {
		r = ike_crypto_keymat_skeyseed_rekey(old->suite.prf, sk_d_old, gir, ni, ni_len, nr, nr_len, &seed);
		PK11_FreeSymKey(sk_d_old);
	}
	if (r == 0)
		r = ike_crypto_algs_sizes(suite->prf, suite->encr, suite->key_bits, suite->integ, &sz);
	if (r == 0)
		r = ike_crypto_keymat_ike_sa(suite->prf, seed, ni, ni_len, nr, nr_len, si, sr, &sz, &sa->keys);
	if (seed != NULL)
		PK11_FreeSymKey(seed);
	struct ike_crypto_ike_keys *k = &sa->keys;
	if (r == 0)
		r = ike_crypto_sk_new(suite->encr, suite->key_bits, suite->integ, we_init ? k->sk_ei : k->sk_er,
				      we_init ? k->sk_ai : k->sk_ar, &sa->sk_out);
	if (r == 0)
		r = ike_crypto_sk_new(suite->encr, suite->key_bits, suite->integ, we_init ? k->sk_er : k->sk_ei,
				      we_init ? k->sk_ar : k->sk_ai, &sa->sk_in);
	if (r != 0) {
		eng_sa_free(sa);
		return NULL;
	}
	memcpy(sa->child, old->child, sizeof(sa->child));
	sa->n_children = old->n_children;
	old->n_children = 0;
	eng_sa_established(sa);
	sa->last_rx_ms = eng_now(sa->e);
	eng_sa_log(sa, IKE_LOG_INFO, "IKE SA #%u rekeyed as #%u", old->serial, sa->serial);
	return sa;
}

static void eng_ccs_fallback(struct ike_sa *sa, const char *why)
{
	eng_sa_log(sa, IKE_LOG_INFO, "rekey refused (%s): negotiating a fresh IKE SA instead", why);
	for (unsigned i = 0; i < sa->n_children; i++)
		sa->child[i].rekeying = false;
	eng_ccs_clear(sa);
	struct ike_engine *e = sa->e;
	struct ike_addr local = sa->local, peer = sa->peer;
	eng_sa_schedule(sa);
	if (!eng_sa_pending_with(e, &peer)) /* else one is under way already */
		eng_start(e, &local, &peer);
}

static int eng_info_delete_child(struct ike_sa *sa, uint32_t spi_in);

void eng_ccs_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first)
{
	struct ike_msg *m = malloc(sizeof(*m));
	sa->req_busy = false;
	eng_out_free(&sa->req);
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	int r = ike_msg_parse_chain(first, plain, len, m);
	uint16_t err = 0;
	for (unsigned i = 0; r == 0 && i < m->n_notify && err == 0; i++)
		if (m->notify[i].type < 16384)
			err = m->notify[i].type;
	if (r != 0 || err != 0 || !m->has_sa || !m->has_nonce) {
		eng_ccs_fallback(sa, err ? ike_name_notify(err) : "malformed answer");
		free(m);
		return;
	}
	PK11SymKey *gir = NULL;
	if (sa->ccs.kind == ENG_CCS_CHILD) {
		struct ike_suite chosen;
		struct ike_ts tsl, tsp;
		int ci = eng_child_index(sa, sa->ccs.child_serial);
		if (ci < 0 || eng_proposal_accept(sa->conf.esp, sa->conf.n_esp, &m->sa, IKE_PROTO_ESP, &chosen) < 0 ||
		    m->sa.prop[0].spi_size != 4 || eng_ccs_gir(sa->ccs.dh, m, &gir) != 0 || !m->has_tsi ||
		    !m->has_tsr || eng_ts_narrow(&m->tsi, &sa->local, &tsl) != 0 ||
		    eng_ts_narrow(&m->tsr, &sa->peer, &tsp) != 0) {
			if (gir != NULL)
				PK11_FreeSymKey(gir);
			eng_ccs_fallback(sa, "unacceptable answer");
			free(m);
			return;
		}
		const uint8_t *s = m->sa.prop[0].spi;
		struct eng_child_new cn = {
			.esp = chosen, .spi_in = sa->ccs.spi_in,
			.spi_out = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3],
			.transport = sa->child[ci].transport, .tsl = tsl, .tsp = tsp,
			.ni = sa->ccs.ni, .ni_len = sa->ccs.ni_len, .nr = m->nonce.data.ptr, .nr_len = m->nonce.data.len,
			.gir = gir, .we_initiated = true, .replaces = true,
		};
		uint32_t old_in = sa->child[ci].spi_in;
		int ok = eng_child_install(sa, &cn);
		if (gir != NULL)
			PK11_FreeSymKey(gir);
		eng_ccs_clear(sa);
		free(m);
		if (ok == 0)
			eng_info_delete_child(sa, old_in);
		eng_sa_schedule(sa);
		return;
	}
	struct ike_suite chosen;
	if (eng_proposal_accept(&sa->suite, 1, &m->sa, IKE_PROTO_IKE, &chosen) < 0 || m->sa.prop[0].spi_size != 8 ||
	    eng_ccs_gir(sa->ccs.dh, m, &gir) != 0) {
		if (gir != NULL)
			PK11_FreeSymKey(gir);
		eng_ccs_fallback(sa, "unacceptable IKE rekey answer");
		free(m);
		return;
	}
	uint64_t spi_r = 0;
	for (int i = 0; i < 8; i++)
		spi_r = spi_r << 8 | m->sa.prop[0].spi[i];
	struct ike_sa *n = eng_ccs_new_ike(sa, true, sa->ccs.new_spi, spi_r, &chosen, gir, sa->ccs.ni,
					   sa->ccs.ni_len, m->nonce.data.ptr, m->nonce.data.len);
	PK11_FreeSymKey(gir);
	eng_ccs_clear(sa);
	free(m);
	if (n == NULL) {
		eng_ccs_fallback(sa, "cannot derive the new IKE SA keys");
		return;
	}
	eng_sa_schedule(n);
	if (eng_info_send_delete(sa) != 0)
		eng_sa_free(sa);
}

/* Deletes one of our Child SAs with the peer (INFORMATIONAL Delete). */
static int eng_info_delete_child(struct ike_sa *sa, uint32_t spi_in)
{
	for (unsigned i = 0; i < sa->n_children; i++) {
		if (sa->child[i].spi_in != spi_in)
			continue;
		eng_child_down_at(sa, i);
		uint8_t b[4] = { (uint8_t)(spi_in >> 24), (uint8_t)(spi_in >> 16), (uint8_t)(spi_in >> 8),
				 (uint8_t)spi_in };
		struct ike_delete d = { .proto = IKE_PROTO_ESP, .spi_size = 4, .n_spi = 1, .spis = { b, 4 } };
		struct eng_chain c;
		struct eng_out o;
		eng_chain_init(&c);
		eng_chain_begin(&c, IKE_PT_DELETE);
		ike_payload_delete_build(&c.wr, &d);
		eng_chain_end(&c);
		int r = c.wr.err;
		if (r == 0)
			r = eng_seal(sa, IKE_EXCH_INFORMATIONAL, sa->next_msgid, false, c.first, c.wr.buf, c.wr.len, &o);
		if (r == 0)
			r = eng_request(sa, IKE_EXCH_INFORMATIONAL, &o);
		eng_chain_free(&c);
		return r;
	}
	return -ENOENT;
}

static void eng_ccs_answer(struct ike_sa *sa, uint32_t msgid, struct eng_chain *c)
{
	struct eng_out o;
	if (c->wr.err == 0 &&
	    eng_seal(sa, IKE_EXCH_CREATE_CHILD_SA, msgid, true, c->first, c->wr.buf, c->wr.len, &o) == 0)
		eng_respond(sa, &o);
}

/* Answers with the error notify type; INVALID_KE_PAYLOAD carries the
 * group we want (grp, 2 bytes), every other type nothing. */
static void eng_ccs_refuse(struct ike_sa *sa, uint32_t msgid, uint16_t type, const uint8_t *grp)
{
	const uint8_t *data = type == IKE_N_INVALID_KE_PAYLOAD ? grp : NULL;
	size_t len = data != NULL ? 2 : 0;
	struct eng_chain c;
	eng_chain_init(&c);
	eng_chain_notify(&c, 0, type, NULL, 0, data, len);
	eng_ccs_answer(sa, msgid, &c);
	eng_chain_free(&c);
	eng_sa_log(sa, IKE_LOG_INFO, "CREATE_CHILD_SA refused with %s", ike_name_notify(type));
}

/* The suite for the peer's offer and KE; 0, or the notify to refuse with. */
static uint16_t eng_ccs_choose(const struct ike_suite *ours, unsigned n, const struct ike_msg *m, uint8_t proto,
			       struct ike_suite *chosen, const struct ike_proposal **prop, uint8_t grp[2])
{
	struct ike_suite v[IKE_MAX_SUITES];
	unsigned nv = 0;
	for (unsigned i = 0; i < n && i < IKE_MAX_SUITES; i++) {
		/* A suite that names a group demands PFS: a rekey without KE may
		 * take only the suites that do not (no silent downgrade). */
		if (proto == IKE_PROTO_ESP && !m->has_ke && ours[i].dh != 0)
			continue;
		v[nv++] = ours[i];
	}
	if (nv == 0 || eng_proposal_select(v, nv, &m->sa, proto, m->has_ke ? m->ke.group : 0, chosen, prop) < 0)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	if (m->has_ke && chosen->dh != m->ke.group) {
		if (chosen->dh == 0)
			return IKE_N_NO_PROPOSAL_CHOSEN;
		grp[0] = (uint8_t)(chosen->dh >> 8);
		grp[1] = (uint8_t)chosen->dh;
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	if (proto == IKE_PROTO_IKE && !m->has_ke)
		return IKE_N_INVALID_SYNTAX;
	return 0;
}

static void eng_ccs_child_request(struct ike_sa *sa, uint32_t msgid, const struct ike_msg *m, uint32_t old_out)
{
	int ci = -1;
	for (unsigned i = 0; i < sa->n_children; i++)
		if (sa->child[i].spi_out == old_out)
			ci = (int)i;
	struct ike_suite chosen;
	const struct ike_proposal *prop = NULL;
	struct ike_ts tsl, tsp;
	uint8_t grp[2], nr[ENG_NONCE_LEN];
	uint16_t err = ci < 0 ? IKE_N_CHILD_SA_NOT_FOUND
			      : eng_ccs_choose(sa->conf.esp, sa->conf.n_esp, m, IKE_PROTO_ESP, &chosen, &prop, grp);
	if (err == 0 && (!m->has_tsi || !m->has_tsr || eng_ts_narrow(&m->tsi, &sa->peer, &tsp) != 0 ||
			 eng_ts_narrow(&m->tsr, &sa->local, &tsl) != 0))
		err = IKE_N_TS_UNACCEPTABLE;
	if (err == 0 && prop->spi_size != 4)
		err = IKE_N_INVALID_SYNTAX; /* an ESP SPI is 4 bytes */
	uint32_t spi_in = 0;
	struct ike_crypto_dh *dh = NULL;
	PK11SymKey *gir = NULL;
	if (err == 0 && (sa->e->env.spi_alloc(sa->e->env.ctx, &sa->local, &sa->peer, &spi_in) != 0 ||
			 sa->e->env.random(sa->e->env.ctx, nr, sizeof(nr)) != 0 ||
			 (m->has_ke && (ike_crypto_dh_new(m->ke.group, &dh) != 0 ||
					ike_crypto_dh_derive(dh, m->ke.data.ptr, m->ke.data.len, &gir) != 0))))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err != 0) {
		ike_crypto_dh_free(dh);
		eng_ccs_refuse(sa, msgid, err, grp);
		return;
	}
	bool transport = sa->child[ci].transport;
	struct eng_chain c;
	eng_chain_init(&c);
	if (transport)
		eng_chain_notify(&c, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0, NULL, 0);
	struct ike_sa_payload sap;
	memset(&sap, 0, sizeof(sap));
	uint8_t spi[4] = { (uint8_t)(spi_in >> 24), (uint8_t)(spi_in >> 16), (uint8_t)(spi_in >> 8), (uint8_t)spi_in };
	eng_suite_to_prop(&chosen, IKE_PROTO_ESP, prop->num, spi, 4, &sap.prop[0]);
	sap.n_proposals = 1;
	eng_put_sa(&c, &sap);
	eng_put_nonce(&c, nr, sizeof(nr));
	if (dh != NULL)
		eng_put_ke(&c, dh);
	eng_put_ts(&c, &tsp, &tsl);
	const uint8_t *ps = prop->spi;
	struct eng_child_new cn = {
		.esp = chosen, .spi_in = spi_in,
		.spi_out = (uint32_t)ps[0] << 24 | (uint32_t)ps[1] << 16 | (uint32_t)ps[2] << 8 | ps[3],
		.transport = transport, .tsl = tsl, .tsp = tsp,
		.ni = m->nonce.data.ptr, .ni_len = m->nonce.data.len, .nr = nr, .nr_len = sizeof(nr),
		.gir = gir, .we_initiated = false, .replaces = true,
	};
	/* Into the kernel before the answer leaves (see exch_auth.c). A
	 * failure (the Child SA limit, the kernel) is the peer's to know: it
	 * keeps its old Child SA, which still stands. The SPI we allocated is
	 * a larval SA the kernel expires by itself. */
	if (eng_child_install(sa, &cn) != 0) {
		eng_chain_free(&c);
		eng_ccs_refuse(sa, msgid, IKE_N_TEMPORARY_FAILURE, grp);
	} else {
		eng_ccs_answer(sa, msgid, &c);
		eng_chain_free(&c);
	}
	if (gir != NULL)
		PK11_FreeSymKey(gir);
	ike_crypto_dh_free(dh);
}

static void eng_ccs_ike_request(struct ike_sa *sa, uint32_t msgid, const struct ike_msg *m)
{
	struct ike_suite chosen;
	const struct ike_proposal *prop = NULL;
	uint8_t grp[2], nr[ENG_NONCE_LEN];
	uint16_t err = eng_ccs_choose(sa->conf.ike, sa->conf.n_ike, m, IKE_PROTO_IKE, &chosen, &prop, grp);
	if (err == 0 && prop->spi_size != 8)
		err = IKE_N_INVALID_SYNTAX;
	struct ike_crypto_dh *dh = NULL;
	PK11SymKey *gir = NULL;
	uint64_t spi_r = 0;
	if (err == 0 && (eng_new_spi(sa->e, &spi_r) != 0 || sa->e->env.random(sa->e->env.ctx, nr, sizeof(nr)) != 0 ||
			 ike_crypto_dh_new(m->ke.group, &dh) != 0 ||
			 ike_crypto_dh_derive(dh, m->ke.data.ptr, m->ke.data.len, &gir) != 0))
		err = IKE_N_TEMPORARY_FAILURE;
	if (err != 0) {
		ike_crypto_dh_free(dh);
		eng_ccs_refuse(sa, msgid, err, grp);
		return;
	}
	uint64_t spi_i = 0;
	for (int i = 0; i < 8; i++)
		spi_i = spi_i << 8 | prop->spi[i];
	struct eng_chain c;
	eng_chain_init(&c);
	struct ike_sa_payload sap;
	memset(&sap, 0, sizeof(sap));
	uint8_t spi[8];
	eng_spi_bytes(spi_r, spi);
	eng_suite_to_prop(&chosen, IKE_PROTO_IKE, prop->num, spi, 8, &sap.prop[0]);
	sap.n_proposals = 1;
	eng_put_sa(&c, &sap);
	eng_put_nonce(&c, nr, sizeof(nr));
	eng_put_ke(&c, dh);
	eng_chain_end(&c);
	eng_ccs_answer(sa, msgid, &c);
	eng_chain_free(&c);
	struct ike_sa *n = eng_ccs_new_ike(sa, false, spi_i, spi_r, &chosen, gir, m->nonce.data.ptr,
					   m->nonce.data.len, nr, sizeof(nr));
	PK11_FreeSymKey(gir);
	ike_crypto_dh_free(dh);
	if (n == NULL)
		return;
	eng_sa_schedule(n);
	/* The old SA waits for the peer's Delete, a minute at most. */
	sa->state = IKE_STATE_DELETING;
	sa->rekey_ms = 0;
	sa->liveness_next = 0;
	sa->expire_ms = eng_now(sa->e) + 60000;
	eng_sa_schedule(sa);
}

void eng_ccs_request(struct ike_sa *sa, uint32_t msgid, const uint8_t *plain, size_t len, uint8_t first)
{
	struct ike_msg *m = malloc(sizeof(*m));
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	int r = ike_msg_parse_chain(first, plain, len, m);
	const struct ike_notify *rk = r == 0 ? eng_msg_notify(m, IKE_N_REKEY_SA) : NULL;
	if (r != 0 || !m->has_sa || !m->has_nonce || sa->state != IKE_STATE_ESTABLISHED) {
		eng_ccs_refuse(sa, msgid, r > 0 ? (uint16_t)r : IKE_N_INVALID_SYNTAX, NULL);
	} else if (rk != NULL && rk->proto == IKE_PROTO_ESP && rk->spi.len == 4) {
		const uint8_t *p = rk->spi.ptr;
		eng_ccs_child_request(sa, msgid, m,
				      (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
	} else if (m->sa.n_proposals > 0 && m->sa.prop[0].proto == IKE_PROTO_IKE) {
		eng_ccs_ike_request(sa, msgid, m);
	} else {
		/* One Child SA per peer pair: a second one is never needed. */
		eng_ccs_refuse(sa, msgid, IKE_N_NO_ADDITIONAL_SAS, NULL);
	}
	free(m);
}
