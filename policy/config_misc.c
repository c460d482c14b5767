/* config_misc: the "dnssec:" and "log:" sections. */
#include "config_yaml.h"

#include <stdlib.h>
#include <string.h>

static void dnssec_enabled(struct cfg_ctx *c, yaml_node_t *v)
{
	static const char *const names[] = { "false", "true" };
	int m = cfg_enum(c, v, "dnssec.enabled", names, NELEM(names));
	if (m >= 0)
		c->cfg->dnssec_enabled = m == 1;
}

static void dnssec_trust_anchors(struct cfg_ctx *c, yaml_node_t *v)
{
	size_t n, got = 0;
	yaml_node_item_t *it = cfg_seq(c, v, "dnssec.trust-anchors", &n);
	if (it == NULL)
		return;
	char **a = calloc(n ? n : 1, sizeof(*a));
	if (a == NULL) {
		cfg_error(c, v, "dnssec.trust-anchors: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, it[i]);
		if (e != NULL)
			cfg_set_string(c, e, "dnssec.trust-anchors", &a[got]);
		if (a[got] != NULL)
			got++;
	}
	for (size_t i = 0; i < c->cfg->ntrust_anchors; i++)
		free(c->cfg->trust_anchors[i]);
	free(c->cfg->trust_anchors);
	c->cfg->trust_anchors = a;
	c->cfg->ntrust_anchors = got;
}

static void dnssec_resolvers(struct cfg_ctx *c, yaml_node_t *v)
{
	size_t n, got = 0;
	yaml_node_item_t *it = cfg_seq(c, v, "dnssec.resolvers", &n);
	if (it == NULL)
		return;
	struct policy_addr *a = calloc(n ? n : 1, sizeof(*a));
	if (a == NULL) {
		cfg_error(c, v, "dnssec.resolvers: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, it[i]);
		const char *s = e ? cfg_scalar(c, e, "dnssec.resolvers", "an address") : NULL;
		if (s == NULL)
			continue;
		if (policy_addr_parse(s, &a[got]) != 0) {
			cfg_error(c, e, "dnssec.resolvers: '%.60s' is not an address (expected an IPv4 or IPv6 address)", s);
			continue;
		}
		got++;
	}
	free(c->cfg->resolvers);
	c->cfg->resolvers = a;
	c->cfg->nresolvers = got;
}

void cfg_section_dnssec(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "enabled", dnssec_enabled },
		{ "trust-anchors", dnssec_trust_anchors },
		{ "resolvers", dnssec_resolvers },
	};
	cfg_map_walk(c, v, "dnssec", keys, NELEM(keys));
}

static void log_level(struct cfg_ctx *c, yaml_node_t *v)
{
	static const char *const names[] = { "error", "warning", "notice", "info", "debug" };
	int m = cfg_enum(c, v, "log.level", names, NELEM(names));
	if (m >= 0)
		c->cfg->log_level = (uint8_t)m;
}

void cfg_section_log(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "level", log_level },
	};
	cfg_map_walk(c, v, "log", keys, NELEM(keys));
}
