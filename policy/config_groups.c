/* config_groups: the "groups:" section (auth, shunts and mode per group). */
#include "config_yaml.h"

#include <stdio.h>
#include <string.h>


static void group_auth(struct cfg_ctx *c, yaml_node_t *v)
{
	static const char *const names[] = { "cert", "dnssec", "null" };
	struct policy_group_conf *g = &c->cfg->groups[c->group];
	char key[64];
	size_t n;

	snprintf(key, sizeof(key), "groups.%s.auth", policy_group_name(c->group));
	yaml_node_item_t *it = cfg_seq(c, v, key, &n);
	if (it == NULL)
		return;
	if (n == 0) {
		cfg_error(c, v, "%s: must list at least one method (expected cert, dnssec or null)", key);
		return;
	}
	g->nauth = 0;
	g->auth_explicit = true;
	g->auth_missing = false;
	c->auth_node[c->group] = v;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, it[i]);
		int m = e ? cfg_enum(c, e, key, names, NELEM(names)) : -1;
		if (m < 0)
			continue;
		if (memchr(g->auth, m + 1, g->nauth) != NULL) {
			cfg_error(c, e, "%s: '%s' is listed twice", key, names[m]);
			continue;
		}
		g->auth[g->nauth++] = (uint8_t)(m + 1);
	}
}

static void group_shunt(struct cfg_ctx *c, yaml_node_t *v, bool failure)
{
	static const char *const neg[] = { "hold", "pass", "drop" };
	static const char *const fail[] = { "pass", "drop", "none" };
	static const uint8_t negv[] = { POLICY_SHUNT_HOLD, POLICY_SHUNT_PASS, POLICY_SHUNT_DROP };
	static const uint8_t failv[] = { POLICY_SHUNT_PASS, POLICY_SHUNT_DROP, POLICY_SHUNT_NONE };
	char key[64];
	const char *what = failure ? "failure-shunt" : "negotiation-shunt";

	snprintf(key, sizeof(key), "groups.%s.%s", policy_group_name(c->group), what);
	if (c->group == POLICY_GROUP_CLEAR_OR_PRIVATE) {
		cfg_error(c, v, "%s: clear-or-private never initiates, so it has no %s (expected only auth and mode)", key, what);
		return;
	}
	int m = cfg_enum(c, v, key, failure ? fail : neg, 3);
	if (m < 0)
		return;
	/* private is the promise that nothing goes in clear. */
	if (c->group == POLICY_GROUP_PRIVATE && (failure ? failv[m] : negv[m]) == POLICY_SHUNT_PASS) {
		cfg_error(c, v, "%s: pass contradicts private (its traffic is never sent in clear); use %s, or list the "
			  "peers in private-or-clear", key, failure ? "drop or none" : "hold or drop");
		return;
	}
	if (failure)
		c->cfg->groups[c->group].failure_shunt = failv[m];
	else
		c->cfg->groups[c->group].negotiation_shunt = negv[m];
}

static void group_negotiation_shunt(struct cfg_ctx *c, yaml_node_t *v)
{
	group_shunt(c, v, false);
}

static void group_failure_shunt(struct cfg_ctx *c, yaml_node_t *v)
{
	group_shunt(c, v, true);
}

static void group_mode(struct cfg_ctx *c, yaml_node_t *v)
{
	static const char *const names[] = { "tunnel", "transport" };
	char key[64];
	snprintf(key, sizeof(key), "groups.%s.mode", policy_group_name(c->group));
	int m = cfg_enum(c, v, key, names, NELEM(names));
	if (m >= 0)
		c->cfg->groups[c->group].mode = (uint8_t)m;
}

static void group_walk(struct cfg_ctx *c, yaml_node_t *v, enum policy_group g)
{
	static const struct cfg_key keys[] = {
		{ "auth", group_auth },
		{ "negotiation-shunt", group_negotiation_shunt },
		{ "failure-shunt", group_failure_shunt },
		{ "mode", group_mode },
	};
	char where[48];
	snprintf(where, sizeof(where), "groups.%s", policy_group_name(g));
	c->group = g;
	cfg_map_walk(c, v, where, keys, NELEM(keys));
}

#define GROUP_WALKER(fn, g) \
	static void fn(struct cfg_ctx *c, yaml_node_t *v) { group_walk(c, v, g); }
GROUP_WALKER(group_private, POLICY_GROUP_PRIVATE)
GROUP_WALKER(group_private_or_clear, POLICY_GROUP_PRIVATE_OR_CLEAR)
GROUP_WALKER(group_clear_or_private, POLICY_GROUP_CLEAR_OR_PRIVATE)

static void group_no_settings(struct cfg_ctx *c, yaml_node_t *v)
{
	cfg_error(c, v, "groups: clear and block have no settings (they never negotiate; expected private, private-or-clear or clear-or-private)");
}

void cfg_section_groups(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "private", group_private },
		{ "private-or-clear", group_private_or_clear },
		{ "clear-or-private", group_clear_or_private },
		{ "clear", group_no_settings },
		{ "block", group_no_settings },
	};
	cfg_map_walk(c, v, "groups", keys, NELEM(keys));
}

/* After the whole file: defaults that depend on node.cert, and auth methods
 * that need something configured elsewhere. */
void cfg_check_groups(struct cfg_ctx *c)
{
	struct policy_config *cfg = c->cfg;
	bool have_cert = cfg->cert != NULL;
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		struct policy_group_conf *gc = &cfg->groups[g], def;
		config_group_defaults(&def, (enum policy_group)g, have_cert);
		if (!gc->auth_explicit) {
			memcpy(gc->auth, def.auth, sizeof(gc->auth));
			gc->nauth = def.nauth;
			gc->auth_missing = def.auth_missing;
			continue;
		}
		if (memchr(gc->auth, POLICY_AUTH_CERT, gc->nauth) != NULL && !have_cert)
			cfg_error(c, c->auth_node[g], "groups.%s.auth: 'cert' needs node.cert (the NSS nickname of this node's certificate)",
				  policy_group_name((enum policy_group)g));
		if (g == POLICY_GROUP_PRIVATE && memchr(gc->auth, POLICY_AUTH_NULL, gc->nauth) != NULL)
			cfg_warning(c, c->auth_node[g], "groups.private.auth: 'null' encrypts without authenticating the "
				    "peer: it stops passive listeners, not an active man in the middle");
		if (memchr(gc->auth, POLICY_AUTH_DNSSEC, gc->nauth) != NULL && !cfg->dnssec_enabled)
			cfg_error(c, c->auth_node[g], "groups.%s.auth: 'dnssec' needs dnssec.enabled: true",
				  policy_group_name((enum policy_group)g));
	}
	if (c->id_node != NULL && strcmp(cfg->node_id, "%fromcert") == 0 && !have_cert)
		cfg_error(c, c->id_node, "node.id: %%fromcert needs node.cert");
}
