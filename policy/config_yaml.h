#ifndef SWANMESH_POLICY_CONFIG_YAML_H
#define SWANMESH_POLICY_CONFIG_YAML_H
/* Walking a libyaml document with diagnostics: shared by the config_*.c files. */
#include <yaml.h>

#include "internal.h"

struct cfg_ctx {
	yaml_document_t *doc;
	const char *file;
	struct policy_diags *diags;
	struct policy_config *cfg;
	enum policy_group group;                  /* the group being walked (config_groups.c) */
	yaml_node_t *id_node;                     /* node.id, for later checks */
	yaml_node_t *auth_node[POLICY_GROUP_COUNT];
};

typedef void (*cfg_key_fn)(struct cfg_ctx *c, yaml_node_t *value);
struct cfg_key {
	const char *name;
	cfg_key_fn fn;
};

void cfg_error(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cfg_warning(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The scalar's text, or NULL after an error "KEY: expected WHAT". */
const char *cfg_scalar(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *what);
/* true for "~", "null" and an empty plain scalar. */
bool cfg_is_null(const yaml_node_t *n);
/* Walks a mapping; every key must be in keys (else an error with a
 * suggestion), at most once. where: "node" for messages ("" at the top). */
void cfg_map_walk(struct cfg_ctx *c, yaml_node_t *map, const char *where,
		  const struct cfg_key *keys, size_t nkeys);
/* Picks value among names (an error with a suggestion otherwise); returns the index or -1. */
int cfg_enum(struct cfg_ctx *c, yaml_node_t *n, const char *key, const char *const *names, size_t nnames);
/* A sequence's items; NULL (after an error) when n is not a sequence. */
yaml_node_item_t *cfg_seq(struct cfg_ctx *c, yaml_node_t *n, const char *key, size_t *count);
/* A string into a fresh allocation (*dst replaced); empty strings refused. */
void cfg_set_string(struct cfg_ctx *c, yaml_node_t *n, const char *key, char **dst);

/* Section handlers (config_node.c, config_groups.c, config_ike.c, config_misc.c). */
void cfg_section_node(struct cfg_ctx *c, yaml_node_t *v);
void cfg_section_groups(struct cfg_ctx *c, yaml_node_t *v);
void cfg_section_ike(struct cfg_ctx *c, yaml_node_t *v);
void cfg_section_dnssec(struct cfg_ctx *c, yaml_node_t *v);
void cfg_section_log(struct cfg_ctx *c, yaml_node_t *v);
void cfg_section_kernel(struct cfg_ctx *c, yaml_node_t *v);
/* Checks that need the whole file (auth against node.cert, ...). */
void cfg_check_groups(struct cfg_ctx *c);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
