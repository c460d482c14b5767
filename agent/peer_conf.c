/* Policy model -> struct ike_peer_conf (see peer_conf.h). */
#include "peer_conf.h"

#include <stdio.h>
#include <string.h>

#include "addr_conv.h"
#include "ike/ike_consts.h"
#include "peer_rules.h"

const char *peer_conf_auth_name(const struct policy_group_conf *g)
{
	if (g->nauth > 0)
		return policy_auth_name((enum policy_auth)g->auth[0]);
	return "none";
}

bool peer_conf_accepts(const struct policy_group_conf *g, uint8_t a)
{
	for (unsigned i = 0; i < g->nauth; i++)
		if (g->auth[i] == a)
			return true;
	return false;
}

uint8_t peer_conf_authby(const struct policy_group_conf *g, uint8_t method, bool certs)
{
	if (method == IKE_AUTH_NULL)
		return POLICY_AUTH_NULL;
	if (certs && peer_conf_accepts(g, POLICY_AUTH_CERT))
		return POLICY_AUTH_CERT;
	return peer_conf_accepts(g, POLICY_AUTH_DNSSEC) ? POLICY_AUTH_DNSSEC : POLICY_AUTH_CERT;
}

int peer_conf_group_ok(const struct policy_match *mt, bool initiator, const char *peer, char *why,
			      size_t whylen)
{
	if (mt->own_address) {
		snprintf(why, whylen, "%s is one of our own addresses", peer);
		return -1;
	}
	if (policy_group_negotiates(mt->group, initiator))
		return 0;
	switch (mt->group) {
	case POLICY_GROUP_CLEAR_OR_PRIVATE:
		snprintf(why, whylen, "%s is in clear-or-private, which only answers and never initiates", peer);
		return -1;
	case POLICY_GROUP_CLEAR:
		snprintf(why, whylen, "%s is in the clear group: never negotiated", peer);
		return -1;
	case POLICY_GROUP_BLOCK:
		snprintf(why, whylen, "%s is in the block group: all traffic dropped", peer);
		return -1;
	default:
		snprintf(why, whylen, "%s is in no policy group", peer);
		return -1;
	}
}

/* Our credentials and what we accept, from the group's auth list. */
static int peer_conf_auth(const struct peer_auth *pa, const struct policy_group_conf *g, const char *group,
			  const struct ike_addr *local, struct ike_peer_conf *out, char *why, size_t whylen)
{
	char w[224] = "";
	if (peer_auth_fill(pa, g, local, out, w, sizeof(w)) == 0)
		return 0;
	snprintf(why, whylen, "group %s: %s", group, w);
	return -1;
}

static unsigned peer_conf_suites(const struct policy_proposals *p, bool esp, struct ike_suite *out)
{
	unsigned n = 0;
	/* More proposals than the engine takes: the first ones, in order of preference. */
	for (size_t i = 0; i < p->n && n < IKE_MAX_SUITES; i++, n++) {
		out[n].encr = p->v[i].encr;
		out[n].key_bits = p->v[i].key_bits;
		out[n].integ = p->v[i].integ;
		out[n].prf = esp ? 0 : p->v[i].prf;
		out[n].dh = p->v[i].dh;
	}
	return n;
}

uint64_t peer_conf_retransmit_budget(const struct policy_config *cfg)
{
	/* The engine doubles the first timeout after each try (at most 2^8). */
	uint64_t total = 0;
	for (unsigned i = 0; i <= cfg->retransmit_tries; i++)
		total += cfg->retransmit_timeout_ms << (i < 8 ? i : 8);
	return total;
}

int peer_conf_from_model(const struct policy_model *m, const struct peer_auth *pa, const struct ike_addr *local,
			 const struct kernel_addr *peer, bool initiator, struct ike_peer_conf *out, char *why,
			 size_t whylen)
{
	memset(out, 0, sizeof(*out));
	char text[64];
	kernel_addr_format(peer, text, sizeof(text));
	struct policy_addr where;
	addr_conv_kernel_to_policy(peer, &where);
	/* One tunnel carries every rule of the peer: the lead's group
	 * negotiates, with what all of them accept (peer_rules.h). */
	struct policy_host_rules hr;
	policy_model_host_rules(m, &where, &hr);
	const struct policy_match *lead = peer_rules_lead(&hr, initiator);
	if (lead == NULL) {
		if (peer_conf_group_ok(&hr.host, initiator, text, why, whylen) == 0)
			snprintf(why, whylen, "%s: no rule of it negotiates", text);
		return -1;
	}
	const char *group = policy_group_name((enum policy_group)lead->group);
	struct policy_group_conf conf;
	peer_rules_conf(&hr, lead, &conf);
	struct ike_addr none;
	memset(&none, 0, sizeof(none));
	none.family = peer->family;
	if (peer_conf_auth(pa, &conf, group, local ? local : &none, out, why, whylen) != 0)
		return -1;
	const struct policy_config *cfg = policy_model_config(m);
	out->group = lead->group;
	out->transport = conf.mode == POLICY_MODE_TRANSPORT;
	out->n_ike = peer_conf_suites(&cfg->ike_proposals, false, out->ike);
	out->n_esp = peer_conf_suites(&cfg->esp_proposals, true, out->esp);
	if (out->n_ike == 0 || out->n_esp == 0) {
		snprintf(why, whylen, "no %s proposals configured", out->n_ike == 0 ? "IKE" : "ESP");
		return -1;
	}
	out->ike_lifetime_ms = cfg->ike_lifetime_ms;
	out->child_lifetime_ms = cfg->child_lifetime_ms;
	out->liveness_ms = cfg->liveness_ms;
	out->retransmit_timeout_ms = cfg->retransmit_timeout_ms;
	out->retransmit_tries = cfg->retransmit_tries;
	return 0;
}
