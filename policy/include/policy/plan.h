#ifndef SWANMESH_POLICY_PLAN_H
#define SWANMESH_POLICY_PLAN_H
/* The kernel policy plan computed from a model, in policy/'s own neutral
 * types (the agent translates them to kernel/'s), and the difference between
 * two plans so that a reload touches only what changed.
 * Priorities follow docs/kernel-ownership.md. */
#include <stddef.h>
#include <stdint.h>

#include "policy/addr.h"

#define POLICY_PRIORITY_BASE 2000000u

enum policy_dir { POLICY_DIR_OUT = 1, POLICY_DIR_IN = 2, POLICY_DIR_FWD = 4 };
enum policy_action { POLICY_ACTION_TRAP = 1, POLICY_ACTION_PASS = 2, POLICY_ACTION_DROP = 3 };
enum policy_kind {
	POLICY_KIND_FAILURE_SHUNT = 0,
	POLICY_KIND_TUNNEL = 1,
	POLICY_KIND_NEGOTIATION_SHUNT = 2,
	POLICY_KIND_GROUP = 3,
};

/* What group g's own (group-rank) policy does with its traffic. */
enum policy_action policy_group_action(uint8_t g);

/* The remote side of a selector; the local side is always "any". */
struct policy_selector {
	struct policy_prefix remote;  /* destination for outbound, source for inbound */
	uint8_t proto;                /* 0: any */
	uint16_t lport, rport;        /* 0: any */
};

struct policy_plan_entry {
	struct policy_selector sel;
	uint8_t dirs;        /* enum policy_dir bits */
	uint8_t action;      /* enum policy_action */
	uint8_t group;       /* enum policy_group; POLICY_GROUP_NONE for own-address passes */
	uint32_t line;       /* source line in the group file, 0 for own-address passes */
	uint32_t priority;
};

/* Sorted by selector; no two entries share a selector. */
struct policy_plan {
	struct policy_plan_entry *v;
	size_t n;
};

/* priority = BASE + specificity * 4 + kind (docs/kernel-ownership.md). */
uint32_t policy_priority(const struct policy_selector *sel, enum policy_kind kind);
/* Total order on selectors (the plan's order). */
int policy_selector_cmp(const struct policy_selector *a, const struct policy_selector *b);
const char *policy_action_name(enum policy_action a);
/* The plan entry one group line makes (what policy_model_plan lists for it). */
struct policy_entry;
void policy_plan_entry_of(const struct policy_entry *r, struct policy_plan_entry *out);

/* Entries point into the two plans (borrowed: valid while both live). */
struct policy_plan_change {
	const struct policy_plan_entry *old, *new;
};
struct policy_plan_diff {
	const struct policy_plan_entry **added;    /* in new, not in old */
	const struct policy_plan_entry **removed;  /* in old, not in new */
	struct policy_plan_change *changed;        /* same selector, other action/dirs/group */
	size_t nadded, nremoved, nchanged;
};
/* Computes new - old. Returns 0, or -1 when out of memory (*out cleared). */
int policy_plan_diff(const struct policy_plan *old, const struct policy_plan *new,
		     struct policy_plan_diff *out);
void policy_plan_diff_free(struct policy_plan_diff *d);

#endif
