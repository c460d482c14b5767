#ifndef SWANMESH_AGENT_PLAN_KERNEL_H
#define SWANMESH_AGENT_PLAN_KERNEL_H
/* The bridge from policy/'s kernel policy plan to kernel/'s policies:
 * installing a whole plan (start) and only the difference of two plans
 * (reload). Additions and updates go first and removals last, so a
 * destination never loses its trap or drop in between. */
#include <stddef.h>

#include "kernel/kernel.h"
#include "policy/plan.h"

/* Converts one plan entry, in one direction, into a kernel policy. */
int plan_kernel_policy(const struct policy_plan_entry *e, enum policy_dir dir, struct kernel_policy *out);

/* A failed kernel request: the entry (borrowed), its direction and why. */
typedef void (*plan_kernel_report_cb)(const struct policy_plan_entry *e, enum policy_dir dir,
				      const struct kernel_error *err, void *ctx);

struct plan_kernel_stats {
	unsigned installed, removed, failed;
	unsigned removed_by_index;   /* of removed: found in one dump, deleted by index (large removals) */
};

/* Installs (updates) every entry of plan. Returns the number of failures
 * (each reported through cb) or a negative errno when nothing could be sent. */
int plan_kernel_apply(struct kernel *k, const struct policy_plan *plan, plan_kernel_report_cb cb, void *ctx,
		      struct plan_kernel_stats *stats);

/* Applies new - old: added and changed entries are installed, directions
 * and entries that disappeared are removed; untouched entries are not sent
 * to the kernel at all. Same return convention. */
int plan_kernel_apply_diff(struct kernel *k, const struct policy_plan_diff *d, plan_kernel_report_cb cb,
			   void *ctx, struct plan_kernel_stats *stats);

#endif
