/* config_print: the effective configuration as YAML (swanmesh check). */
#include "internal.h"

#include <stdlib.h>

static void print_str_list(struct strbuf *b, char *const *v, size_t n)
{
	strbuf_addf(b, "[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(b, "%s", i ? ", " : "");
		strbuf_add_quoted(b, v[i]);
	}
	strbuf_addf(b, "]\n");
}

static void print_addr_list(struct strbuf *b, const struct policy_addr *v, size_t n)
{
	char a[POLICY_ADDR_STRLEN];
	strbuf_addf(b, "[");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(b, "%s\"%s\"", i ? ", " : "", policy_addr_format(&v[i], a, sizeof(a)));
	strbuf_addf(b, "]\n");
}

static void print_node(struct strbuf *b, const struct policy_config *c)
{
	strbuf_addf(b, "node:\n  id: ");
	strbuf_add_quoted(b, c->node_id);
	strbuf_addf(b, "\n  cert: ");
	if (c->cert != NULL)
		strbuf_add_quoted(b, c->cert);
	else
		strbuf_addf(b, "~                     # no certificate authentication");
	strbuf_addf(b, "\n  nss-db: ");
	strbuf_add_quoted(b, c->nss_db);
	strbuf_addf(b, "\n  policy-dir: ");
	strbuf_add_quoted(b, c->policy_dir);
	strbuf_addf(b, "\n  control-socket: ");
	strbuf_add_quoted(b, c->control_socket);
	strbuf_addf(b, "\n  addresses: ");
	if (c->addresses_auto)
		strbuf_addf(b, "auto\n");
	else
		print_addr_list(b, c->addresses, c->naddresses);
}

static void print_group(struct strbuf *b, const struct policy_config *c, enum policy_group g)
{
	const struct policy_group_conf *gc = &c->groups[g];
	strbuf_addf(b, "  %s: { ", policy_group_name(g));
	if (!gc->auth_missing) {
		strbuf_addf(b, "auth: [");
		for (unsigned i = 0; i < gc->nauth; i++)
			strbuf_addf(b, "%s%s", i ? ", " : "", policy_auth_name((enum policy_auth)gc->auth[i]));
		strbuf_addf(b, "], ");
	}
	if (g != POLICY_GROUP_CLEAR_OR_PRIVATE)
		strbuf_addf(b, "negotiation-shunt: %s, failure-shunt: %s, ",
			    policy_shunt_name((enum policy_shunt)gc->negotiation_shunt),
			    policy_shunt_name((enum policy_shunt)gc->failure_shunt));
	strbuf_addf(b, "mode: %s }%s\n", policy_mode_name((enum policy_mode)gc->mode),
		    gc->auth_missing ? "  # no auth: needs node.cert or an explicit auth" : "");
}

static void print_proposals(struct strbuf *b, const char *key, const struct policy_proposals *p)
{
	char s[128];
	strbuf_addf(b, "  %s:\n", key);
	for (size_t i = 0; i < p->n; i++)
		strbuf_addf(b, "    - %s\n", policy_proposal_format(&p->v[i], s, sizeof(s)));
}

static void print_ike(struct strbuf *b, const struct policy_config *c)
{
	char d[32];
	strbuf_addf(b, "ike:\n");
	print_proposals(b, "proposals", &c->ike_proposals);
	print_proposals(b, "esp", &c->esp_proposals);
	strbuf_addf(b, "  ike-lifetime: %s\n", duration_format(c->ike_lifetime_ms, d, sizeof(d)));
	strbuf_addf(b, "  child-lifetime: %s\n", duration_format(c->child_lifetime_ms, d, sizeof(d)));
	strbuf_addf(b, "  liveness: %s\n", duration_format(c->liveness_ms, d, sizeof(d)));
	strbuf_addf(b, "  idle-timeout: %s\n", duration_format(c->idle_timeout_ms, d, sizeof(d)));
	strbuf_addf(b, "  failure-shunt-lifetime: %s\n",
		    duration_format(c->failure_shunt_lifetime_ms, d, sizeof(d)));
	strbuf_addf(b, "  retransmit: { timeout: %s, tries: %u }\n",
		    duration_format(c->retransmit_timeout_ms, d, sizeof(d)), c->retransmit_tries);
	strbuf_addf(b, "  cookie-threshold: %u\n  half-open-max: %u\n", c->cookie_threshold, c->half_open_max);
	strbuf_addf(b, "  half-open-per-source: %u\n", c->half_open_per_source);
	strbuf_addf(b, "  initiations-max: %u\n  initiation-queue-max: %u\n", c->initiations_max,
		    c->initiation_queue_max);
}

/* A size in the largest unit that says it exactly. */
static void print_kernel(struct strbuf *b, const struct policy_config *c)
{
	uint32_t n = c->event_buffer;
	if (n % (1u << 20) == 0)
		strbuf_addf(b, "kernel:\n  event-buffer: %uMiB\n", n >> 20);
	else if (n % (1u << 10) == 0)
		strbuf_addf(b, "kernel:\n  event-buffer: %uKiB\n", n >> 10);
	else
		strbuf_addf(b, "kernel:\n  event-buffer: %u\n", n);
}

char *policy_config_print(const struct policy_config *c)
{
	struct strbuf b = { 0 };
	print_node(&b, c);
	strbuf_addf(&b, "groups:\n");
	print_group(&b, c, POLICY_GROUP_PRIVATE);
	print_group(&b, c, POLICY_GROUP_PRIVATE_OR_CLEAR);
	print_group(&b, c, POLICY_GROUP_CLEAR_OR_PRIVATE);
	print_ike(&b, c);
	strbuf_addf(&b, "dnssec:\n  enabled: %s\n  trust-anchors: ", c->dnssec_enabled ? "true" : "false");
	print_str_list(&b, c->trust_anchors, c->ntrust_anchors);
	strbuf_addf(&b, "  resolvers: ");
	print_addr_list(&b, c->resolvers, c->nresolvers);
	strbuf_addf(&b, "log:\n  level: %s\n", policy_log_level_name((enum policy_log_level)c->log_level));
	print_kernel(&b, c);
	return strbuf_take(&b);
}
