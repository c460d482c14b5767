#ifndef SWANMESH_POLICY_MODEL_H
#define SWANMESH_POLICY_MODEL_H
/* The model: configuration + group entries + our own addresses, built in one
 * go and immutable afterwards. A reload builds a new model; on failure the
 * running one is untouched. Lookups are safe from several threads. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/addr.h"
#include "policy/config.h"
#include "policy/diag.h"
#include "policy/group.h"

struct policy_model;
struct policy_plan;

/* What applies to one peer (explain, ACQUIRE handling). */
struct policy_match {
	bool own_address;                      /* one of ours: never matches a group */
	uint8_t group;                         /* enum policy_group, POLICY_GROUP_NONE: not trapped */
	struct policy_entry entry;             /* the winning line (valid when group != NONE) */
	const struct policy_group_conf *conf;  /* points into the model; NULL when no group */
};

/* Builds a model. Takes ownership of cfg and entries (both freed, also on
 * failure). own: our addresses when cfg says `addresses: auto` (ignored
 * otherwise; may be NULL). Returns 0 and sets *out (free with
 * policy_model_free), or -1 with errors in diags. */
int policy_model_build(struct policy_config *cfg, struct policy_entries *entries,
		       const struct policy_addr *own, size_t nown,
		       struct policy_model **out, struct policy_diags *diags);
/* Loads config_path (NULL: the default path) and its policy-dir, then builds. */
int policy_load(const char *config_path, const struct policy_addr *own, size_t nown,
		struct policy_model **out, struct policy_diags *diags);
void policy_model_free(struct policy_model *m);

/* Which group applies to traffic towards addr (proto 0: any/unknown;
 * rport: remote port, lport: local port, 0: unknown). Fills *out. */
void policy_model_lookup(const struct policy_model *m, const struct policy_addr *addr,
			 uint8_t proto, uint16_t lport, uint16_t rport, struct policy_match *out);

/* Every rule that decides some traffic to one host: the rule for all of
 * it (host; group POLICY_GROUP_NONE when none) and the rules naming a
 * protocol or port that beat it for this host (port[], most specific
 * first). A host's tunnel and shunts carry the port rules as policies of
 * their own (docs/kernel-ownership.md). The model refuses a configuration
 * where more than POLICY_PORT_RULES_MAX apply to one host. */
#define POLICY_PORT_RULES_MAX 8
struct policy_host_rules {
	bool own_address;
	struct policy_match host;
	unsigned nport;
	struct policy_match port[POLICY_PORT_RULES_MAX];
};
void policy_model_host_rules(const struct policy_model *m, const struct policy_addr *addr,
			     struct policy_host_rules *out);
/* Whether traffic of group g can ride a tunnel (private, private-or-clear,
 * clear-or-private). */
bool policy_group_encrypts(uint8_t g);
/* Whether group g negotiates with a peer, we as initiator or responder
 * (clear-or-private only answers). */
bool policy_group_negotiates(uint8_t g, bool initiator);

/* Borrowed views, valid while the model lives. */
const struct policy_config *policy_model_config(const struct policy_model *m);
const struct policy_plan *policy_model_plan(const struct policy_model *m);
/* Our addresses as the model uses them. */
const struct policy_addr *policy_model_own(const struct policy_model *m, size_t *n);
/* The number of distinct group rules after ties and duplicates are resolved. */
size_t policy_model_rules(const struct policy_model *m);
/* "FILE" path of a group's file in this model's policy-dir into buf. */
char *policy_model_group_path(const struct policy_model *m, enum policy_group g, char *buf, size_t len);

#endif
