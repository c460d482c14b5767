/* A peer's rules -> its negotiation and its policies (see peer_rules.h). */
#include "peer_rules.h"

#include <string.h>

#include "peer_conf.h"
#include "policy/plan.h"

const struct policy_match *peer_rules_lead(const struct policy_host_rules *hr, bool initiator)
{
	if (hr->own_address)
		return NULL;
	if (policy_group_negotiates(hr->host.group, initiator))
		return &hr->host;
	for (unsigned i = 0; i < hr->nport; i++)
		if (policy_group_negotiates(hr->port[i].group, initiator))
			return &hr->port[i];
	return NULL;
}

bool peer_rules_accept(const struct policy_host_rules *hr, uint8_t a, const struct policy_match **refuser)
{
	for (unsigned i = 0; i <= hr->nport; i++) {
		const struct policy_match *m = i < hr->nport ? &hr->port[i] : &hr->host;
		if (policy_group_encrypts(m->group) && m->conf != NULL && !peer_conf_accepts(m->conf, a)) {
			if (refuser != NULL)
				*refuser = m;
			return false;
		}
	}
	return true;
}

void peer_rules_conf(const struct policy_host_rules *hr, const struct policy_match *lead,
		     struct policy_group_conf *out)
{
	*out = *lead->conf;
	out->nauth = 0;
	for (unsigned i = 0; i < lead->conf->nauth; i++)
		if (peer_rules_accept(hr, lead->conf->auth[i], NULL))
			out->auth[out->nauth++] = lead->conf->auth[i];
}

static enum peer_action peer_rules_shunt(uint8_t shunt)
{
	return shunt == POLICY_SHUNT_PASS ? PEER_PASS : shunt == POLICY_SHUNT_DROP ? PEER_DROP : PEER_TRAP;
}

/* What the rule's own (group) policy does. */
static enum peer_action peer_rules_plain(const struct policy_match *m)
{
	switch (policy_group_action(m->group)) {
	case POLICY_ACTION_TRAP:
		return PEER_TRAP;
	case POLICY_ACTION_DROP:
		return PEER_DROP;
	default:
		return PEER_PASS;
	}
}

/* What the rule's traffic gets in state. */
static enum peer_action peer_rules_action(const struct policy_match *m, enum peer_state state)
{
	if (!policy_group_encrypts(m->group) || m->conf == NULL)
		return peer_rules_plain(m);
	if (state == PEER_TUNNEL)
		return PEER_ENCRYPT;
	if (m->group == POLICY_GROUP_CLEAR_OR_PRIVATE)
		return PEER_PASS; /* only ever answers: clear until the peer asks */
	return peer_rules_shunt(state == PEER_FAILED ? m->conf->failure_shunt : m->conf->negotiation_shunt);
}

void peer_rules_ports(const struct policy_host_rules *hr, enum peer_state state, struct peer_ports *out)
{
	memset(out, 0, sizeof(*out));
	if (hr->own_address)
		return;
	out->host_action = peer_rules_action(&hr->host, state);
	/* The host-wide policy outranks the port rules' wider ones: once it
	 * stands, each port rule needs a host policy of its own. Without it,
	 * only a port rule whose action differs from its own policy's does. */
	out->host = out->host_action != peer_rules_plain(&hr->host);
	for (unsigned i = 0; i < hr->nport; i++) {
		const struct policy_match *m = &hr->port[i];
		enum peer_action a = peer_rules_action(m, state);
		if (!out->host && a == peer_rules_plain(m))
			continue;
		struct peer_port *p = &out->v[out->n++];
		p->proto = m->entry.proto;
		p->lport = m->entry.sport;
		p->rport = m->entry.dport;
		p->action = a;
	}
}

static uint32_t peer_rules_mix(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u; /* FNV-1a */
	return h;
}

uint32_t peer_rules_digest(const struct policy_host_rules *hr)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i <= hr->nport; i++) {
		const struct policy_match *m = i < hr->nport ? &hr->port[i] : &hr->host;
		h = peer_rules_mix(h, &m->group, sizeof(m->group));
		h = peer_rules_mix(h, &m->entry, sizeof(m->entry));
	}
	return h;
}
