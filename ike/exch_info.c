/* exch_info.c: INFORMATIONAL exchanges (RFC 7296 1.4): Delete of the IKE
 * SA and of Child SAs, liveness checks (empty requests), and replacing
 * older IKE SAs when a peer comes back (INITIAL_CONTACT). */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int eng_info_send(struct ike_sa *sa, struct eng_chain *c)
{
	struct eng_out o;
	int r = c->wr.err;
	if (r == 0)
		r = eng_seal(sa, IKE_EXCH_INFORMATIONAL, sa->next_msgid, false, c->first, c->wr.buf, c->wr.len, &o);
	if (r == 0)
		r = eng_request(sa, IKE_EXCH_INFORMATIONAL, &o);
	return r;
}

int eng_info_send_delete(struct ike_sa *sa)
{
	if (sa->state != IKE_STATE_ESTABLISHED)
		return -1;
	struct eng_chain c;
	eng_chain_init(&c);
	struct ike_delete d = { .proto = IKE_PROTO_IKE };
	eng_chain_begin(&c, IKE_PT_DELETE);
	ike_payload_delete_build(&c.wr, &d);
	eng_chain_end(&c);
	/* Window of one: an unanswered request is given up for the Delete. */
	sa->req_busy = false;
	eng_child_down_all(sa);
	sa->state = IKE_STATE_DELETING;
	sa->expire_ms = 0;
	eng_sa_log(sa, IKE_LOG_INFO, "deleting the IKE SA");
	int r = eng_info_send(sa, &c);
	eng_chain_free(&c);
	return r;
}

int eng_info_send_liveness(struct ike_sa *sa)
{
	struct eng_chain c;
	eng_chain_init(&c);
	int r = -1;
	/* An empty INFORMATIONAL request: the peer must answer it. */
	if (c.wr.err == 0) {
		struct eng_out o;
		r = eng_seal(sa, IKE_EXCH_INFORMATIONAL, sa->next_msgid, false, IKE_PT_NONE, NULL, 0, &o);
		if (r == 0)
			r = eng_request(sa, IKE_EXCH_INFORMATIONAL, &o);
	}
	eng_chain_free(&c);
	return r;
}

void eng_info_send_oneshot(struct ike_sa *sa, uint16_t notify)
{
	struct eng_chain c;
	struct eng_out o;
	eng_chain_init(&c);
	if (notify != 0) {
		eng_chain_notify(&c, 0, notify, NULL, 0, NULL, 0);
	} else {
		struct ike_delete d = { .proto = IKE_PROTO_IKE };
		eng_chain_begin(&c, IKE_PT_DELETE);
		ike_payload_delete_build(&c.wr, &d);
		eng_chain_end(&c);
	}
	if (c.wr.err == 0 &&
	    eng_seal(sa, IKE_EXCH_INFORMATIONAL, sa->next_msgid++, false, c.first, c.wr.buf, c.wr.len, &o) == 0) {
		eng_send_out(sa, &o);
		eng_out_free(&o);
	}
	eng_chain_free(&c);
}

static int eng_parse(const uint8_t *plain, size_t len, uint8_t first, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len == 0 && first == IKE_PT_NONE)
		return 0;
	return ike_msg_parse_chain(first, plain, len, m);
}

/* Removes the children whose outbound SPI is listed; the answer lists
 * their inbound SPIs (RFC 7296 1.4.1). */
static void eng_info_delete_children(struct ike_sa *sa, const struct ike_delete *d, uint8_t *out, uint16_t *nout)
{
	for (unsigned k = 0; k < d->n_spi; k++) {
		const uint8_t *p = d->spis.ptr + 4 * k;
		uint32_t spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		for (unsigned i = 0; i < sa->n_children; i++) {
			if (sa->child[i].spi_out != spi)
				continue;
			uint32_t in = sa->child[i].spi_in;
			if (*nout < 64) {
				uint8_t *o = out + 4 * (*nout)++;
				o[0] = (uint8_t)(in >> 24), o[1] = (uint8_t)(in >> 16), o[2] = (uint8_t)(in >> 8),
				o[3] = (uint8_t)in;
			}
			eng_child_down_at(sa, i);
			break;
		}
	}
}

void eng_info_request(struct ike_sa *sa, uint32_t msgid, const uint8_t *plain, size_t len, uint8_t first)
{
	struct ike_msg *m = malloc(sizeof(*m));
	if (m == NULL)
		return;
	bool delete_ike = false, auth_failed = false;
	uint8_t spis[4 * 64];
	uint16_t nspi = 0;
	struct eng_chain c;
	eng_chain_init(&c);
	int r = eng_parse(plain, len, first, m);
	if (r != 0) {
		eng_chain_notify(&c, 0, (uint16_t)(r > 0 ? r : IKE_N_INVALID_SYNTAX), NULL, 0, NULL, 0);
	} else {
		auth_failed = eng_msg_notify(m, IKE_N_AUTHENTICATION_FAILED) != NULL;
		for (unsigned i = 0; i < m->n_delete; i++) {
			if (m->del[i].proto == IKE_PROTO_IKE)
				delete_ike = true;
			else if (m->del[i].proto == IKE_PROTO_ESP && m->del[i].spi_size == 4)
				eng_info_delete_children(sa, &m->del[i], spis, &nspi);
		}
		if (nspi > 0 && !delete_ike) {
			struct ike_delete d = { .proto = IKE_PROTO_ESP, .spi_size = 4, .n_spi = nspi,
						.spis = { spis, 4u * nspi } };
			eng_chain_begin(&c, IKE_PT_DELETE);
			ike_payload_delete_build(&c.wr, &d);
			eng_chain_end(&c);
		}
	}
	struct eng_out o;
	if (c.wr.err == 0 &&
	    eng_seal(sa, IKE_EXCH_INFORMATIONAL, msgid, true, c.first, c.wr.buf, c.wr.len, &o) == 0)
		eng_respond(sa, &o);
	eng_chain_free(&c);
	free(m);
	if (delete_ike) {
		eng_sa_log(sa, IKE_LOG_INFO, "the peer deleted the IKE SA");
		eng_sa_drop(sa);
		return;
	}
	if (auth_failed) {
		eng_sa_fail(sa, IKE_FAIL_NOTIFY, IKE_N_AUTHENTICATION_FAILED,
			    "the peer refused our authentication (AUTHENTICATION_FAILED)");
		return;
	}
	eng_sa_schedule(sa);
}

void eng_info_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first)
{
	(void)plain;
	(void)len;
	(void)first;
	sa->req_busy = false;
	eng_out_free(&sa->req);
	if (sa->state == IKE_STATE_DELETING) {
		eng_sa_drop(sa);
		return;
	}
	eng_sa_schedule(sa);
}

/* Of two IKE SAs negotiated at the same time with one peer, both ends keep
 * the one the lower address initiated: a rule both compute alike, whatever
 * order the SAs come up in on either side. */
static bool eng_initiated_by_lower(const struct ike_sa *sa)
{
	return sa->initiator == (eng_addr_cmp_ip(&sa->local, &sa->peer) < 0);
}

/* The peer's IKE SA authenticated and its Child SA stands (we answered
 * it): a negotiation of ours with the same peer still under way, which by
 * the rule above is not the one to keep (we are the higher address: the
 * lower ignores it, eng_simultaneous), goes silently. Only now: an
 * unauthenticated request "from the peer" (anyone can send one) must not
 * end ours. */
void eng_sa_yield_initiations(struct ike_sa *responder)
{
	struct ike_sa *next;
	for (struct ike_sa *sa = responder->e->all; sa != NULL; sa = next) {
		next = sa->next;
		if (sa == responder || !sa->initiator || !eng_addr_eq(&sa->peer, &responder->peer) ||
		    (sa->state != IKE_STATE_INIT_SENT && sa->state != IKE_STATE_AUTH_SENT) || eng_initiated_by_lower(sa))
			continue;
		eng_sa_log(sa, IKE_LOG_INFO, "simultaneous initiation: the peer's IKE SA #%u authenticated, ours abandoned",
			   responder->serial);
		eng_sa_free(sa);
	}
}

void eng_drop_duplicate_later(struct ike_sa *sa)
{
	if (!sa->duplicate || sa->state != IKE_STATE_ESTABLISHED)
		return;
	eng_sa_log(sa, IKE_LOG_INFO, "a duplicate of a simultaneous negotiation: deleted, the one the lower address "
				     "initiated stays");
	if (eng_info_send_delete(sa) != 0)
		eng_sa_drop(sa);
}

void eng_drop_older(struct ike_sa *sa)
{
	struct ike_sa *next;
	for (struct ike_sa *o = sa->e->all; o != NULL; o = next) {
		next = o->next;
		/* Same pair of addresses only: a peer with several addresses has
		 * one IKE SA from each, and each of them carries INITIAL_CONTACT. */
		if (o == sa || !eng_addr_eq(&o->peer, &sa->peer) || !eng_addr_eq(&o->local, &sa->local) ||
		    o->state != IKE_STATE_ESTABLISHED)
			continue;
		if (o->established_ms >= sa->created_ms && !sa->peer_initial_contact &&
		    eng_initiated_by_lower(o) && !eng_initiated_by_lower(sa)) {
			/* A duplicate of the same moment, and o is the one to keep:
			 * sa goes once its exchange is done (eng_drop_duplicate_later). */
			sa->duplicate = true;
			continue;
		}
		eng_sa_log(o, IKE_LOG_INFO, "replaced by IKE SA #%u%s", sa->serial,
			   sa->peer_initial_contact ? " (the peer restarted: INITIAL_CONTACT)" : "");
		/* A restarted peer has forgotten the old SA: no Delete for it. */
		if (sa->peer_initial_contact || eng_info_send_delete(o) != 0)
			eng_sa_drop(o);
	}
}
