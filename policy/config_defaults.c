/* config_defaults: every value an empty swanmesh.yaml stands for. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const default_ike[] = {
	"aes_gcm16_256-prfsha384-x25519",
	"aes_gcm16_256-prfsha384-ecp384",
	"aes_gcm16_128-prfsha256-ecp256",
	"aes_gcm16_256-prfsha512-modp3072",
	"aes_gcm16_128-prfsha256-modp2048",
	"aes256-sha256-prfsha256-modp2048",
};
static const char *const default_esp[] = {
	"aes_gcm16_256",
	"aes_gcm16_128",
	"aes256-sha256",
};

static int defaults_fill(struct policy_proposals *p, const char *const *s, size_t n,
			 enum policy_proposal_kind kind)
{
	char err[160];
	p->v = calloc(n, sizeof(*p->v));
	if (p->v == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (policy_proposal_parse(s[i], kind, &p->v[i], err, sizeof(err)) != 0)
			return -1;  /* cannot happen: the table is tested */
	p->n = n;
	return 0;
}

int config_default_proposals(struct policy_proposals *ike, struct policy_proposals *esp)
{
	if (defaults_fill(ike, default_ike, sizeof(default_ike) / sizeof(default_ike[0]),
			  POLICY_PROPOSAL_IKE) != 0)
		return -1;
	return defaults_fill(esp, default_esp, sizeof(default_esp) / sizeof(default_esp[0]),
			     POLICY_PROPOSAL_ESP);
}

void config_group_defaults(struct policy_group_conf *g, enum policy_group grp, bool have_cert)
{
	memset(g, 0, sizeof(*g));
	switch (grp) {
	case POLICY_GROUP_PRIVATE:
		g->negotiation_shunt = POLICY_SHUNT_HOLD;
		g->failure_shunt = POLICY_SHUNT_DROP;
		if (have_cert) {
			g->auth[g->nauth++] = POLICY_AUTH_CERT;
		} else {
			g->auth_missing = true;  /* refused at model build when the group is used */
		}
		break;
	case POLICY_GROUP_PRIVATE_OR_CLEAR:
		g->negotiation_shunt = POLICY_SHUNT_HOLD;
		g->failure_shunt = POLICY_SHUNT_PASS;
		/* fall through */
	case POLICY_GROUP_CLEAR_OR_PRIVATE:
		if (have_cert)
			g->auth[g->nauth++] = POLICY_AUTH_CERT;
		g->auth[g->nauth++] = POLICY_AUTH_NULL;
		break;
	default:
		break;
	}
	g->mode = POLICY_MODE_TUNNEL;
}

struct policy_config *policy_config_defaults(void)
{
	struct policy_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->source = strdup("");
	c->node_id = strdup("auto");
	c->nss_db = strdup("/var/lib/swanmesh/nss");
	c->policy_dir = strdup("/etc/swanmesh/policies");
	c->control_socket = strdup("/run/swanmesh/ctl");
	c->addresses_auto = true;
	c->trust_anchors = calloc(1, sizeof(char *));
	if (c->trust_anchors != NULL && (c->trust_anchors[0] = strdup("/usr/share/dns/root.key")) != NULL)
		c->ntrust_anchors = 1;
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++)
		config_group_defaults(&c->groups[g], (enum policy_group)g, false);
	c->ike_lifetime_ms = 8ull * 3600 * 1000;
	c->child_lifetime_ms = 3600ull * 1000;
	c->liveness_ms = 30 * 1000;
	c->idle_timeout_ms = 0;
	c->failure_shunt_lifetime_ms = 15 * 60 * 1000;
	c->retransmit_timeout_ms = 500;
	c->retransmit_tries = 5;
	/* On by default: a flood of IKE_SA_INIT must cost the flooder a round
	 * trip per SA (COOKIE) before any DH work, and memory stays bounded. */
	c->cookie_threshold = 32;
	c->half_open_max = 4096;
	/* One host that returns COOKIEs must not take every half-open slot. */
	c->half_open_per_source = 64;
	c->initiations_max = 256;
	c->initiation_queue_max = 16384;
	c->log_level = POLICY_LOG_INFO;
	c->event_buffer = POLICY_EVENT_BUFFER_DEFAULT;
	if (c->source == NULL || c->node_id == NULL || c->nss_db == NULL || c->policy_dir == NULL ||
	    c->control_socket == NULL || c->ntrust_anchors != 1 ||
	    config_default_proposals(&c->ike_proposals, &c->esp_proposals) != 0) {
		policy_config_free(c);
		return NULL;
	}
	return c;
}

void policy_config_free(struct policy_config *c)
{
	if (c == NULL)
		return;
	free(c->source);
	free(c->node_id);
	free(c->cert);
	free(c->nss_db);
	free(c->policy_dir);
	free(c->control_socket);
	free(c->addresses);
	free(c->ike_proposals.v);
	free(c->esp_proposals.v);
	for (size_t i = 0; i < c->ntrust_anchors; i++)
		free(c->trust_anchors[i]);
	free(c->trust_anchors);
	free(c->resolvers);
	free(c);
}
