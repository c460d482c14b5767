#ifndef SWANMESH_AGENT_PEER_CONF_H
#define SWANMESH_AGENT_PEER_CONF_H
/* How to talk IKE with one peer, decided from the policy model: its group
 * (private, private-or-clear; clear-or-private only as responder), the
 * group's authentication, the configured proposals, lifetimes and
 * retransmission limits. Pure: no I/O, so it is tested on its own. */
#include <stdbool.h>
#include <stddef.h>

#include "ike/ike.h"
#include "kernel/kernel.h"
#include "peer_auth.h"
#include "policy/model.h"

/* Fills *out for peer (out->group is the enum policy_group), with our
 * credentials from pa (NULL: none loaded, only NULL auth possible); local
 * (may be NULL) is the address we negotiate from. Returns 0, or -1 with a
 * sentence in why: the peer is refused. */
int peer_conf_from_model(const struct policy_model *m, const struct peer_auth *pa, const struct ike_addr *local,
			 const struct kernel_addr *peer, bool initiator, struct ike_peer_conf *out, char *why,
			 size_t whylen);

/* 0 when peer's group (mt, from the model) negotiates in that role, else
 * -1 with why: our own address, clear, block, no group, clear-or-private as
 * initiator. peer is the address's text, for the sentence. */
int peer_conf_group_ok(const struct policy_match *mt, bool initiator, const char *peer, char *why, size_t whylen);

/* ike.retransmit.timeout is the first retransmission and doubles with each
 * of ike.retransmit.tries: the whole time given to an answer, in ms. */
uint64_t peer_conf_retransmit_budget(const struct policy_config *cfg);

/* "null", "cert", "dnssec": the group's preferred authentication, "none"
 * when there is none. */
const char *peer_conf_auth_name(const struct policy_group_conf *g);

/* How a peer of group g was authenticated (enum policy_auth), from the
 * method of its AUTH and whether it came with certificates: the same
 * choice peer_auth made (a certificate when the group takes them and the
 * peer sent one, else its DNSSEC key). */
uint8_t peer_conf_authby(const struct policy_group_conf *g, uint8_t method, bool certs);

/* Whether group g accepts authentication a (enum policy_auth). */
bool peer_conf_accepts(const struct policy_group_conf *g, uint8_t a);

#endif
