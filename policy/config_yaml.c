/* config_yaml: typed access to libyaml document nodes, with diagnostics. */
#include "config_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One diagnostic at node n (its line and column; 0 without a node). */
static void cfg_diag(struct cfg_ctx *c, const yaml_node_t *n, enum policy_severity sev, const char *fmt,
		     va_list ap) __attribute__((format(printf, 4, 0)));
static void cfg_diag(struct cfg_ctx *c, const yaml_node_t *n, enum policy_severity sev, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	unsigned line = n ? (unsigned)n->start_mark.line + 1 : 0;
	unsigned col = n ? (unsigned)n->start_mark.column + 1 : 0;
	policy_diags_add(c->diags, sev, c->file, line, col, "%s", msg);
}

void cfg_error(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_diag(c, n, POLICY_ERROR, fmt, ap);
	va_end(ap);
}

void cfg_warning(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cfg_diag(c, n, POLICY_WARNING, fmt, ap);
	va_end(ap);
}

static const char *cfg_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

bool cfg_is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

const char *cfg_scalar(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		cfg_error(c, n, "%s: expected %s, got %s", key, what, cfg_kind(n));
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		cfg_error(c, n, "%s: contains a NUL character (expected %s)", key, what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static void cfg_unknown_key(struct cfg_ctx *c, yaml_node_t *k, const char *name, const char *where,
			    const struct cfg_key *keys, size_t nkeys)
{
	const char *names[32];
	size_t n = nkeys < 32 ? nkeys : 32;
	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	const char *s = suggest_closest(name, names, n);
	char full[160];
	snprintf(full, sizeof(full), "%s%s%.100s", where, where[0] ? "." : "", name);
	if (s != NULL)
		cfg_error(c, k, "unknown key '%s' (did you mean '%s'?)", full, s);
	else
		cfg_error(c, k, "unknown key '%s'", full);
}

void cfg_map_walk(struct cfg_ctx *c, yaml_node_t *map, const char *where,
		  const struct cfg_key *keys, size_t nkeys)
{
	if (map->type != YAML_MAPPING_NODE) {
		if (!cfg_is_null(map))
			cfg_error(c, map, "%s: expected a mapping, got %s", where[0] ? where : "top level", cfg_kind(map));
		return;
	}
	bool seen[32] = { false };
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		if (k == NULL || v == NULL)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			cfg_error(c, k, "%s: keys must be plain words, got %s", where[0] ? where : "top level", cfg_kind(k));
			continue;
		}
		const char *name = (const char *)k->data.scalar.value;
		size_t i;
		for (i = 0; i < nkeys && strcmp(keys[i].name, name) != 0; i++)
			;
		if (i == nkeys) {
			cfg_unknown_key(c, k, name, where, keys, nkeys);
			continue;
		}
		if (i < 32 && seen[i]) {
			cfg_error(c, k, "duplicate key '%s%s%s'", where, where[0] ? "." : "", name);
			continue;
		}
		if (i < 32)
			seen[i] = true;
		keys[i].fn(c, v);
	}
}

int cfg_enum(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *const *names, size_t nnames)
{
	char expected[200] = "";
	const char *s = cfg_scalar(c, n, key, "a word");
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < nnames; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	for (size_t i = 0; i < nnames; i++)
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s",
			 i ? (i + 1 == nnames ? " or " : ", ") : "", names[i]);
	const char *sug = suggest_closest(s, names, nnames);
	if (sug != NULL)
		cfg_error(c, n, "%s: unknown value '%.60s' (did you mean '%s'? expected %s)", key, s, sug, expected);
	else
		cfg_error(c, n, "%s: unknown value '%.60s' (expected %s)", key, s, expected);
	return -1;
}

yaml_node_item_t *cfg_seq(struct cfg_ctx *c, yaml_node_t *n, const char *key, size_t *count)
{
	*count = 0;
	if (n->type != YAML_SEQUENCE_NODE) {
		cfg_error(c, n, "%s: expected a list, got %s", key, cfg_kind(n));
		return NULL;
	}
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return n->data.sequence.items.start;
}

void cfg_set_string(struct cfg_ctx *c, yaml_node_t *n, const char *key, char **dst)
{
	const char *s = cfg_scalar(c, n, key, "a string");
	if (s == NULL)
		return;
	if (s[0] == '\0') {
		cfg_error(c, n, "%s: must not be empty", key);
		return;
	}
	char *d = strdup(s);
	if (d == NULL) {
		cfg_error(c, n, "%s: out of memory", key);
		return;
	}
	free(*dst);
	*dst = d;
}
