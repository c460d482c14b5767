#ifndef SWANMESH_AGENT_PEER_RULES_H
#define SWANMESH_AGENT_PEER_RULES_H
/* One tunnel per peer carries the traffic of every rule that covers the
 * peer (policy_host_rules: the host-wide rule and the port rules that beat
 * it). This decides, from those rules: which one leads the negotiation,
 * whether an authentication suits all that ride the tunnel, and for each
 * state of the peer the host-to-host policies its tunnel or shunt needs
 * so that every port rule keeps its own group's action
 * (docs/kernel-ownership.md, "Port rules"). Pure: no I/O. */
#include <stdbool.h>
#include <stdint.h>

#include "policy/model.h"

enum peer_state { PEER_NEGOTIATING, PEER_FAILED, PEER_TUNNEL };

/* What a host-to-host policy does with the traffic of one rule. */
enum peer_action { PEER_TRAP, PEER_PASS, PEER_DROP, PEER_ENCRYPT };

struct peer_port {
	uint8_t proto;
	uint16_t lport, rport;   /* local, remote; 0: any */
	enum peer_action action;
};

/* The policies of one state: the host-wide one (when host) and one per
 * port rule that needs its own. */
struct peer_ports {
	bool host;
	enum peer_action host_action;
	unsigned n;
	struct peer_port v[POLICY_PORT_RULES_MAX];
};

/* The rule whose group leads a negotiation with the peer: the host-wide
 * rule when it negotiates in that role, else the first port rule that
 * does; NULL when none does. Points into hr. */
const struct policy_match *peer_rules_lead(const struct policy_host_rules *hr, bool initiator);

/* Whether every rule that encrypts accepts authentication a (enum
 * policy_auth); *refuser (may be NULL) is the first that does not. */
bool peer_rules_accept(const struct policy_host_rules *hr, uint8_t a, const struct policy_match **refuser);

/* The group conf the negotiation uses: the lead's, with auth narrowed to
 * the methods every encrypting rule accepts (in the lead's order). */
void peer_rules_conf(const struct policy_host_rules *hr, const struct policy_match *lead,
		     struct policy_group_conf *out);

/* The policies state asks for. */
void peer_rules_ports(const struct policy_host_rules *hr, enum peer_state state, struct peer_ports *out);

/* A digest of the rules (lines, groups, selectors), so that a reload
 * can tell whether a peer's rules changed. */
uint32_t peer_rules_digest(const struct policy_host_rules *hr);

#endif
