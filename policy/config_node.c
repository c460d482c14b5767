/* config_node: the "node:" section (identity, certificate, paths, addresses). */
#include "config_yaml.h"

#include <stdlib.h>
#include <string.h>

static void node_id(struct cfg_ctx *c, yaml_node_t *v)
{
	struct policy_addr a;
	const char *s = cfg_scalar(c, v, "node.id", "an identity");
	if (s == NULL)
		return;
	bool ok = strcmp(s, "auto") == 0 || strcmp(s, "%fromcert") == 0 || strcmp(s, "%null") == 0 ||
		  (s[0] == '@' && s[1] != '\0' && strchr(s, ' ') == NULL) || policy_addr_parse(s, &a) == 0;
	if (!ok) {
		cfg_error(c, v, "node.id: '%.60s' is not an identity (expected auto, %%fromcert, %%null, @fqdn or an address)", s);
		return;
	}
	cfg_set_string(c, v, "node.id", &c->cfg->node_id);
	c->id_node = v;
}

static void node_cert(struct cfg_ctx *c, yaml_node_t *v)
{
	if (cfg_is_null(v)) {
		free(c->cfg->cert);
		c->cfg->cert = NULL;
		return;
	}
	cfg_set_string(c, v, "node.cert", &c->cfg->cert);
}

static void node_nss_db(struct cfg_ctx *c, yaml_node_t *v)
{
	cfg_set_string(c, v, "node.nss-db", &c->cfg->nss_db);
}

static void node_policy_dir(struct cfg_ctx *c, yaml_node_t *v)
{
	cfg_set_string(c, v, "node.policy-dir", &c->cfg->policy_dir);
}

static void node_control_socket(struct cfg_ctx *c, yaml_node_t *v)
{
	cfg_set_string(c, v, "node.control-socket", &c->cfg->control_socket);
}

static void node_addresses(struct cfg_ctx *c, yaml_node_t *v)
{
	size_t n;
	if (v->type == YAML_SCALAR_NODE && strcmp((const char *)v->data.scalar.value, "auto") == 0) {
		c->cfg->addresses_auto = true;
		return;
	}
	if (v->type == YAML_SCALAR_NODE) {
		cfg_error(c, v, "node.addresses: expected auto or a list of addresses, got '%.60s'",
			  (const char *)v->data.scalar.value);
		return;
	}
	yaml_node_item_t *it = cfg_seq(c, v, "node.addresses", &n);
	if (it == NULL)
		return;
	struct policy_addr *a = calloc(n ? n : 1, sizeof(*a));
	if (a == NULL) {
		cfg_error(c, v, "node.addresses: out of memory");
		return;
	}
	size_t got = 0;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, it[i]);
		const char *s = e ? cfg_scalar(c, e, "node.addresses", "an address") : NULL;
		if (s == NULL)
			continue;
		if (policy_addr_parse(s, &a[got]) != 0) {
			cfg_error(c, e, "node.addresses: '%.60s' is not an address (expected an IPv4 or IPv6 address)", s);
			continue;
		}
		got++;
	}
	free(c->cfg->addresses);
	c->cfg->addresses = a;
	c->cfg->naddresses = got;
	c->cfg->addresses_auto = false;
}

void cfg_section_node(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "id", node_id },
		{ "cert", node_cert },
		{ "nss-db", node_nss_db },
		{ "policy-dir", node_policy_dir },
		{ "control-socket", node_control_socket },
		{ "addresses", node_addresses },
	};
	cfg_map_walk(c, v, "node", keys, NELEM(keys));
}
