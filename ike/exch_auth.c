/* exch_auth.c: the IKE_AUTH exchange with the first Child SA (RFC 7296
 * 1.2, 2.9, 2.15): identities, certificates, AUTH, the ESP proposal, the
 * traffic selectors and the mode. The peer's key may come later
 * (IKE_PENDING): the decrypted request is kept and parsed again then. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "ike/ike_names.h"

/* ESP suites of the first Child SA: no KE in IKE_AUTH, so no DH. */
static unsigned eng_esp_suites(const struct ike_sa *sa, struct ike_suite *out)
{
	for (unsigned i = 0; i < sa->conf.n_esp; i++) {
		out[i] = sa->conf.esp[i];
		out[i].dh = 0;
	}
	return sa->conf.n_esp;
}

/* IDx, CERT..., AUTH: our identity and proof. */
static int eng_put_identity(struct ike_sa *sa, struct eng_chain *c)
{
	uint8_t body[4 + IKE_ID_MAX];
	size_t idlen = sa->conf.our_id_len <= IKE_ID_MAX ? sa->conf.our_id_len : IKE_ID_MAX;
	memset(body, 0, 4);
	body[0] = sa->conf.our_id_type;
	memcpy(body + 4, sa->conf.our_id, idlen);
	struct ike_id id = { .type = body[0], .data = { body + 4, idlen } };
	eng_chain_begin(c, sa->initiator ? IKE_PT_IDI : IKE_PT_IDR);
	ike_payload_id_build(&c->wr, &id);
	for (unsigned i = 0; sa->conf.our_auth != IKE_AUTH_NULL && i < sa->conf.n_our_certs; i++) {
		struct ike_cert cert = { .encoding = IKE_CERT_X509_SIG,
					 .data = { sa->conf.our_certs[i], sa->conf.our_cert_len[i] } };
		eng_chain_begin(c, IKE_PT_CERT);
		ike_payload_cert_build(&c->wr, &cert);
	}
	if (sa->initiator && sa->conf.accept_sig) {
		/* The responder's CERTREQ went in IKE_SA_INIT; ours goes here. */
		struct ike_cert cr = { .encoding = IKE_CERT_X509_SIG,
				       .data = { sa->conf.certreq, sa->conf.certreq_len } };
		eng_chain_begin(c, IKE_PT_CERTREQ);
		ike_payload_cert_build(&c->wr, &cr);
	}
	uint8_t method = 0, *data = NULL;
	size_t dlen = 0;
	int r = eng_authn_make(sa, body, 4 + idlen, &method, &data, &dlen);
	if (r != 0)
		return r;
	struct ike_auth a = { .method = method, .data = { data, dlen } };
	eng_chain_begin(c, IKE_PT_AUTH);
	ike_payload_auth_build(&c->wr, &a);
	eng_chain_end(c);
	free(data);
	return 0;
}

static void eng_put_child(struct eng_chain *c, const struct ike_sa_payload *sap, const struct ike_ts_payload *tsi,
			  const struct ike_ts_payload *tsr)
{
	eng_chain_begin(c, IKE_PT_SA);
	ike_payload_sa_build(&c->wr, sap);
	eng_chain_begin(c, IKE_PT_TSI);
	ike_payload_ts_build(&c->wr, tsi);
	eng_chain_begin(c, IKE_PT_TSR);
	ike_payload_ts_build(&c->wr, tsr);
	eng_chain_end(c);
}

static bool eng_first_contact(const struct ike_sa *sa)
{
	for (const struct ike_sa *o = sa->e->all; o != NULL; o = o->next)
		if (o != sa && eng_addr_eq(&o->peer, &sa->peer) && o->state == IKE_STATE_ESTABLISHED)
			return false;
	return true;
}

int eng_auth_start(struct ike_sa *sa)
{
	int r;
	if ((r = sa->e->env.spi_alloc(sa->e->env.ctx, &sa->local, &sa->peer, &sa->child_spi_in)) != 0)
		return r;
	sa->child_spi_unused = true;
	struct eng_chain c;
	eng_chain_init(&c);
	if ((r = eng_put_identity(sa, &c)) != 0)
		goto out;
	if (eng_first_contact(sa))
		eng_chain_notify(&c, 0, IKE_N_INITIAL_CONTACT, NULL, 0, NULL, 0);
	if (sa->conf.transport)
		eng_chain_notify(&c, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0, NULL, 0);
	struct ike_suite esp[IKE_MAX_SUITES];
	unsigned n = eng_esp_suites(sa, esp);
	struct ike_sa_payload sap;
	struct ike_ts_payload tsi, tsr;
	eng_proposal_build_esp(esp, n, sa->child_spi_in, &sap);
	eng_ts_host(&sa->local, &tsi);
	eng_ts_host(&sa->peer, &tsr);
	eng_put_child(&c, &sap, &tsi, &tsr);
	struct eng_out o;
	if ((r = c.wr.err) != 0 || (r = eng_seal(sa, IKE_EXCH_IKE_AUTH, sa->next_msgid, false, c.first, c.wr.buf,
						 c.wr.len, &o)) != 0)
		goto out;
	sa->state = IKE_STATE_AUTH_SENT;
	r = eng_request(sa, IKE_EXCH_IKE_AUTH, &o);
out:
	eng_chain_free(&c);
	return r;
}

/* Parses a decrypted inner chain into m (header from sa's view). */
static int eng_parse_inner(const uint8_t *plain, size_t len, uint8_t first, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	return ike_msg_parse_chain(first, plain, len, m);
}

static void eng_respond_notify(struct ike_sa *sa, uint32_t msgid, uint16_t type)
{
	struct eng_chain c;
	struct eng_out o;
	eng_chain_init(&c);
	eng_chain_notify(&c, 0, type, NULL, 0, NULL, 0);
	if (c.wr.err == 0 && eng_seal(sa, IKE_EXCH_IKE_AUTH, msgid, true, c.first, c.wr.buf, c.wr.len, &o) == 0)
		eng_respond(sa, &o);
	eng_chain_free(&c);
}

/* Asks the env for the key of a signing peer: 0 (*key, may stay NULL for
 * NULL auth), IKE_PENDING, or -1 with why. */
static int eng_peer_key(struct ike_sa *sa, const struct ike_msg *m, SECKEYPublicKey **key, char *why, size_t wl)
{
	const struct ike_id *id = sa->initiator ? &m->idr : &m->idi;
	*key = NULL;
	if (m->auth.method == IKE_AUTH_NULL)
		return 0;
	if (!sa->conf.accept_sig || sa->e->env.peer_key == NULL) {
		snprintf(why, wl, "the peer authenticates by %s, which its group does not accept",
			 ike_name_auth_method(m->auth.method));
		return -1;
	}
	struct ike_peer_auth_req req;
	memset(&req, 0, sizeof(req));
	req.token = sa->serial;
	req.local = &sa->local;
	req.peer = &sa->peer;
	req.group = sa->conf.group;
	req.id_type = id->type;
	req.id = id->data.ptr;
	req.id_len = id->data.len;
	req.auth_method = m->auth.method;
	for (unsigned i = 0; i < m->n_cert && i < IKE_MAX_OUR_CERTS; i++)
		if (m->cert[i].encoding == IKE_CERT_X509_SIG) {
			req.certs[req.n_certs] = m->cert[i].data.ptr;
			req.cert_len[req.n_certs++] = m->cert[i].data.len;
		}
	return sa->e->env.peer_key(sa->e->env.ctx, &req, key, why, wl);
}

/* Verifies the peer's AUTH with key (may be NULL) and records its identity. */
static int eng_auth_verify(struct ike_sa *sa, const struct ike_msg *m, SECKEYPublicKey *key, char *why, size_t wl)
{
	const struct ike_id *id = sa->initiator ? &m->idr : &m->idi;
	if (eng_authn_check(sa, id, &m->auth, key, why, wl) != 0)
		return -1;
	eng_authn_id_text(id->type, id->data.ptr, id->data.len, sa->peer_id, sizeof(sa->peer_id));
	sa->peer_auth = m->auth.method;
	sa->peer_certs = false;
	for (unsigned i = 0; i < m->n_cert && i < IKE_MAX_OUR_CERTS; i++)
		sa->peer_certs |= m->cert[i].encoding == IKE_CERT_X509_SIG;
	return 0;
}

static int eng_auth_answer_child(struct ike_sa *sa, const struct ike_suite *chosen, const struct ike_proposal *prop,
				 bool transport, const struct ike_ts *tsr, const struct ike_ts *tsi);

/* The responder's Child SA and answer, once the peer is authenticated. */
static void eng_auth_answer(struct ike_sa *sa, uint32_t msgid, const struct ike_msg *m)
{
	struct ike_suite esp[IKE_MAX_SUITES], chosen;
	const struct ike_proposal *prop = NULL;
	struct ike_ts tsi, tsr;
	unsigned n = eng_esp_suites(sa, esp);
	uint16_t err = 0;
	if (eng_proposal_select(esp, n, &m->sa, IKE_PROTO_ESP, 0, &chosen, &prop) < 0)
		err = IKE_N_NO_PROPOSAL_CHOSEN;
	else if (eng_ts_narrow(&m->tsi, &sa->peer, &tsi) != 0 || eng_ts_narrow(&m->tsr, &sa->local, &tsr) != 0)
		err = IKE_N_TS_UNACCEPTABLE;
	else if (sa->e->env.spi_alloc(sa->e->env.ctx, &sa->local, &sa->peer, &sa->child_spi_in) != 0)
		err = IKE_N_TEMPORARY_FAILURE;
	else
		sa->child_spi_unused = true;
	bool transport = sa->conf.transport && (eng_msg_notify(m, IKE_N_USE_TRANSPORT_MODE) != NULL);
	/* The Child SA goes into the kernel before the answer is even built:
	 * the answer then says whether it stands (TEMPORARY_FAILURE when this
	 * end could not install it), and the initiator's first ESP packets
	 * find our inbound SA. */
	bool not_installed = false;
	if (err == 0 && eng_auth_answer_child(sa, &chosen, prop, transport, &tsr, &tsi) != 0) {
		err = IKE_N_TEMPORARY_FAILURE;
		not_installed = true;
	}
	struct eng_chain c;
	eng_chain_init(&c);
	int r = eng_put_identity(sa, &c);
	if (err != 0) {
		eng_chain_notify(&c, 0, err, NULL, 0, NULL, 0);
	} else {
		if (transport)
			eng_chain_notify(&c, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0, NULL, 0);
		struct ike_sa_payload sap;
		memset(&sap, 0, sizeof(sap));
		eng_suite_to_prop(&chosen, IKE_PROTO_ESP, prop->num, NULL, 0, &sap.prop[0]);
		uint8_t *s = sap.prop[0].spi;
		sap.prop[0].spi_size = 4;
		s[0] = (uint8_t)(sa->child_spi_in >> 24), s[1] = (uint8_t)(sa->child_spi_in >> 16);
		s[2] = (uint8_t)(sa->child_spi_in >> 8), s[3] = (uint8_t)sa->child_spi_in;
		/* Answer with the ESN choice only when the peer offered one. */
		bool esn = false;
		for (unsigned i = 0; i < prop->n_transforms; i++)
			esn |= prop->xf[i].type == IKE_TRANS_ESN;
		if (!esn)
			sap.prop[0].n_transforms--;
		sap.n_proposals = 1;
		struct ike_ts_payload pi = { .n_ts = 1, .ts = { tsi } }, pr = { .n_ts = 1, .ts = { tsr } };
		eng_put_child(&c, &sap, &pi, &pr);
	}
	struct eng_out o;
	if (r != 0 || c.wr.err != 0 ||
	    eng_seal(sa, IKE_EXCH_IKE_AUTH, msgid, true, c.first, c.wr.buf, c.wr.len, &o) != 0) {
		eng_chain_free(&c);
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot build the IKE_AUTH answer");
		return;
	}
	eng_chain_free(&c);
	eng_sa_established(sa);
	if (err != 0) {
		/* An IKE SA without its Child SA serves nothing: the answer
		 * refuses the Child SA and both ends drop the IKE SA. */
		eng_respond(sa, &o);
		if (not_installed)
			eng_sa_fail(sa, IKE_FAIL_LOCAL, err, "its Child SA could not be installed here: answered %s",
				    ike_name_notify(err));
		else
			eng_sa_fail(sa, err == IKE_N_TS_UNACCEPTABLE ? IKE_FAIL_TS : IKE_FAIL_PROPOSAL, err,
				    "the peer's Child SA request was refused with %s", ike_name_notify(err));
		return;
	}
	eng_respond(sa, &o);
	eng_sa_schedule(sa);
	/* Make before break: older SAs with the peer go only now that this one
	 * carries its Child SA. */
	eng_drop_older(sa);
	eng_sa_yield_initiations(sa);
	eng_drop_duplicate_later(sa);
}

static int eng_auth_answer_child(struct ike_sa *sa, const struct ike_suite *chosen, const struct ike_proposal *prop,
				 bool transport, const struct ike_ts *tsr, const struct ike_ts *tsi)
{
	uint32_t spi_out = (uint32_t)prop->spi[0] << 24 | (uint32_t)prop->spi[1] << 16 | (uint32_t)prop->spi[2] << 8 |
			   prop->spi[3];
	struct eng_child_new cn;
	eng_child_new_auth(sa, &cn);
	cn.esp = *chosen;
	cn.spi_in = sa->child_spi_in;
	cn.spi_out = spi_out;
	cn.transport = transport;
	cn.tsl = *tsr;
	cn.tsp = *tsi;
	return eng_child_install(sa, &cn);
}

static void eng_auth_refused(struct ike_sa *sa, uint32_t msgid, const char *why)
{
	eng_sa_log(sa, IKE_LOG_INFO, "peer not authenticated: %s", why);
	sa->e->cnt.dropped_auth++;
	if (!sa->initiator)
		eng_respond_notify(sa, msgid, IKE_N_AUTHENTICATION_FAILED);
	else
		eng_info_send_oneshot(sa, IKE_N_AUTHENTICATION_FAILED); /* RFC 7296 2.21.2 */
	eng_sa_fail(sa, IKE_FAIL_AUTH, IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED: %s", why);
}

static void eng_auth_initiator_done(struct ike_sa *sa, const struct ike_msg *m);

/* An anonymous SA never replaces an authenticated one with the same peer:
 * whoever holds the address could otherwise take over its traffic. */
static bool eng_auth_downgrade(const struct ike_sa *sa)
{
	if (sa->peer_auth != IKE_AUTH_NULL)
		return false;
	for (const struct ike_sa *o = sa->e->all; o != NULL; o = o->next)
		if (o != sa && o->state == IKE_STATE_ESTABLISHED && eng_addr_eq(&o->peer, &sa->peer) &&
		    o->peer_auth != IKE_AUTH_NULL)
			return true;
	return false;
}

/* Both roles: the peer is authenticated (or not) with key. */
static void eng_auth_continue(struct ike_sa *sa, uint32_t msgid, const struct ike_msg *m, SECKEYPublicKey *key)
{
	char why[256] = "";
	/* The key goes to the engine's cache of imported keys (borrowed back). */
	int r = eng_auth_verify(sa, m, eng_authn_key(sa->e, key), why, sizeof(why));
	if (r != 0) {
		eng_auth_refused(sa, msgid, why);
		return;
	}
	if (eng_auth_downgrade(sa)) {
		eng_auth_refused(sa, msgid, "an authenticated IKE SA with this peer exists; NULL authentication "
					    "may not replace it");
		return;
	}
	sa->peer_initial_contact = (eng_msg_notify(m, IKE_N_INITIAL_CONTACT) != NULL);
	if (sa->initiator)
		eng_auth_initiator_done(sa, m);
	else
		eng_auth_answer(sa, msgid, m);
}

/* Common entry: key lookup, maybe deferred. plain is owned. */
static void eng_auth_peer(struct ike_sa *sa, uint32_t msgid, uint8_t *plain, size_t len, uint8_t first,
			  struct ike_msg *m)
{
	SECKEYPublicKey *key = NULL;
	char why[256] = "";
	int r = eng_peer_key(sa, m, &key, why, sizeof(why));
	if (r == IKE_PENDING) {
		free(sa->pending_plain);
		sa->pending_plain = plain;
		sa->pending_len = len;
		sa->pending_first = first;
		sa->pending_msgid = msgid;
		sa->state = IKE_STATE_AUTH_WAIT_KEY;
		sa->req_busy = false; /* the answer arrived: no more retransmissions */
		eng_sa_schedule(sa);
		return;
	}
	if (r != 0) {
		free(plain);
		eng_auth_refused(sa, msgid, why[0] ? why : "no key may speak for the peer");
		return;
	}
	eng_auth_continue(sa, msgid, m, key);
	free(plain);
}

void eng_auth_request(struct ike_sa *sa, uint32_t msgid, uint8_t *plain, size_t len, uint8_t first)
{
	struct ike_msg *m = malloc(sizeof(*m));
	if (m == NULL || sa->state != IKE_STATE_INIT_RECEIVED) {
		free(m);
		free(plain);
		return;
	}
	int r = eng_parse_inner(plain, len, first, m);
	if (r != 0 || !m->has_idi || !m->has_auth || !m->has_sa || !m->has_tsi || !m->has_tsr) {
		uint16_t n = r == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD
								     : IKE_N_INVALID_SYNTAX;
		eng_respond_notify(sa, msgid, n);
		free(plain);
		free(m);
		eng_sa_fail(sa, IKE_FAIL_PROTOCOL, n, "malformed IKE_AUTH request (%s)", ike_name_notify(n));
		return;
	}
	eng_auth_peer(sa, msgid, plain, len, first, m);
	free(m);
}

static void eng_auth_initiator_done(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_suite esp[IKE_MAX_SUITES], chosen;
	unsigned n = eng_esp_suites(sa, esp);
	struct ike_ts tsi, tsr;
	sa->req_busy = false;
	eng_out_free(&sa->req);
	/* A Child SA refused or unusable is our negotiation failing, not an
	 * established IKE SA ending: established only once the checks pass. */
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type < 16384) {
			uint16_t t = m->notify[i].type;
			eng_info_send_oneshot(sa, 0); /* its IKE SA without a child is of no use */
			eng_sa_fail(sa, IKE_FAIL_NOTIFY, t, "the peer refused the Child SA: %s", ike_name_notify(t));
			return;
		}
	if (!m->has_sa || !m->has_tsi || !m->has_tsr ||
	    eng_proposal_accept(esp, n, &m->sa, IKE_PROTO_ESP, &chosen) < 0 || m->sa.prop[0].spi_size != 4) {
		eng_info_send_oneshot(sa, 0);
		eng_sa_fail(sa, IKE_FAIL_PROPOSAL, IKE_N_NO_PROPOSAL_CHOSEN,
			    "the peer's ESP answer is not one of our proposals");
		return;
	}
	if (eng_ts_narrow(&m->tsi, &sa->local, &tsi) != 0 || eng_ts_narrow(&m->tsr, &sa->peer, &tsr) != 0) {
		eng_info_send_oneshot(sa, 0);
		eng_sa_fail(sa, IKE_FAIL_TS, IKE_N_TS_UNACCEPTABLE,
			    "the peer's traffic selectors do not cover the host pair");
		return;
	}
	eng_sa_established(sa);
	const uint8_t *s = m->sa.prop[0].spi;
	uint32_t spi_out = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
	bool transport = sa->conf.transport && (eng_msg_notify(m, IKE_N_USE_TRANSPORT_MODE) != NULL);
	struct eng_child_new cn;
	eng_child_new_auth(sa, &cn);
	cn.esp = chosen;
	cn.spi_in = sa->child_spi_in;
	cn.spi_out = spi_out;
	cn.transport = transport;
	cn.tsl = tsi;
	cn.tsp = tsr;
	if (eng_child_install(sa, &cn) != 0) {
		eng_info_send_oneshot(sa, 0); /* its IKE SA without a child is of no use */
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "the Child SA could not be installed");
		return;
	}
	eng_sa_schedule(sa);
	eng_drop_older(sa); /* make before break: only once this one carries its Child SA */
	eng_drop_duplicate_later(sa);
}

void eng_auth_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first)
{
	struct ike_msg *m = malloc(sizeof(*m));
	if (m == NULL || sa->state != IKE_STATE_AUTH_SENT) {
		free(m);
		return;
	}
	int r = eng_parse_inner(plain, len, first, m);
	if (r == 0 && !m->has_auth) {
		uint16_t t = 0;
		for (unsigned i = 0; i < m->n_notify && t == 0; i++)
			if (m->notify[i].type < 16384)
				t = m->notify[i].type;
		free(m);
		eng_sa_fail(sa, t ? IKE_FAIL_NOTIFY : IKE_FAIL_PROTOCOL, t, "the peer refused IKE_AUTH: %s",
			    t ? ike_name_notify(t) : "no AUTH payload");
		return;
	}
	if (r != 0 || !m->has_idr) {
		free(m);
		eng_sa_fail(sa, IKE_FAIL_PROTOCOL, IKE_N_INVALID_SYNTAX, "malformed IKE_AUTH response");
		return;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (copy == NULL) {
		free(m);
		return;
	}
	memcpy(copy, plain, len);
	/* m borrows plain; the copy is only kept if the key comes later. */
	struct ike_msg *m2 = malloc(sizeof(*m2));
	if (m2 == NULL || eng_parse_inner(copy, len, first, m2) != 0) {
		free(m2);
		free(copy);
		free(m);
		return;
	}
	eng_auth_peer(sa, sa->req_msgid, copy, len, first, m2);
	free(m2);
	free(m);
}

void eng_auth_key_done(struct ike_sa *sa, SECKEYPublicKey *key, const char *why)
{
	struct ike_msg *m = malloc(sizeof(*m));
	uint8_t *plain = sa->pending_plain;
	sa->pending_plain = NULL;
	sa->state = sa->initiator ? IKE_STATE_AUTH_SENT : IKE_STATE_INIT_RECEIVED;
	if (m == NULL || plain == NULL || eng_parse_inner(plain, sa->pending_len, sa->pending_first, m) != 0) {
		if (key != NULL)
			SECKEY_DestroyPublicKey(key);
		free(m);
		free(plain);
		eng_sa_fail(sa, IKE_FAIL_LOCAL, 0, "cannot resume IKE_AUTH");
		return;
	}
	if (key == NULL)
		eng_auth_refused(sa, sa->pending_msgid, why && why[0] ? why : "no key may speak for the peer");
	else
		eng_auth_continue(sa, sa->pending_msgid, m, key);
	free(m);
	free(plain);
}
