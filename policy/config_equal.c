/* config_equal: comparing two configurations (round-trip tests, reloads). */
#include "policy/config.h"

#include <string.h>

static bool eq_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool eq_mem(const void *a, size_t na, const void *b, size_t nb, size_t size)
{
	return na == nb && (na == 0 || memcmp(a, b, na * size) == 0);
}

static bool eq_groups(const struct policy_config *a, const struct policy_config *b)
{
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		const struct policy_group_conf *x = &a->groups[g], *y = &b->groups[g];
		if (x->nauth != y->nauth || memcmp(x->auth, y->auth, x->nauth) != 0 ||
		    x->auth_missing != y->auth_missing || x->negotiation_shunt != y->negotiation_shunt ||
		    x->failure_shunt != y->failure_shunt || x->mode != y->mode)
			return false;
	}
	return true;
}

bool policy_config_equal(const struct policy_config *a, const struct policy_config *b)
{
	if (!eq_str(a->node_id, b->node_id) || !eq_str(a->cert, b->cert) ||
	    !eq_str(a->nss_db, b->nss_db) || !eq_str(a->policy_dir, b->policy_dir) ||
	    !eq_str(a->control_socket, b->control_socket) || a->addresses_auto != b->addresses_auto ||
	    !eq_mem(a->addresses, a->naddresses, b->addresses, b->naddresses, sizeof(*a->addresses)))
		return false;
	if (!eq_groups(a, b) ||
	    !eq_mem(a->ike_proposals.v, a->ike_proposals.n, b->ike_proposals.v, b->ike_proposals.n,
		    sizeof(struct policy_proposal)) ||
	    !eq_mem(a->esp_proposals.v, a->esp_proposals.n, b->esp_proposals.v, b->esp_proposals.n,
		    sizeof(struct policy_proposal)))
		return false;
	if (a->ike_lifetime_ms != b->ike_lifetime_ms || a->child_lifetime_ms != b->child_lifetime_ms ||
	    a->liveness_ms != b->liveness_ms || a->idle_timeout_ms != b->idle_timeout_ms ||
	    a->failure_shunt_lifetime_ms != b->failure_shunt_lifetime_ms ||
	    a->retransmit_timeout_ms != b->retransmit_timeout_ms ||
	    a->retransmit_tries != b->retransmit_tries || a->event_buffer != b->event_buffer ||
	    a->cookie_threshold != b->cookie_threshold || a->half_open_max != b->half_open_max ||
	    a->half_open_per_source != b->half_open_per_source ||
	    a->initiations_max != b->initiations_max || a->initiation_queue_max != b->initiation_queue_max)
		return false;
	if (a->dnssec_enabled != b->dnssec_enabled || a->ntrust_anchors != b->ntrust_anchors ||
	    !eq_mem(a->resolvers, a->nresolvers, b->resolvers, b->nresolvers, sizeof(*a->resolvers)))
		return false;
	for (size_t i = 0; i < a->ntrust_anchors; i++)
		if (!eq_str(a->trust_anchors[i], b->trust_anchors[i]))
			return false;
	return a->log_level == b->log_level;
}

