#ifndef SWANMESH_AGENT_PLAN_PRUNE_H
#define SWANMESH_AGENT_PLAN_PRUNE_H
/* After a start the kernel's group policies must be the plan and nothing
 * else: the group policies of an earlier run stay in the kernel while no
 * agent runs (fail closed), and the new plan is installed over them as
 * updates, but a `clear` pass that an operator removed from the files
 * before a restart would otherwise survive and keep sending now-`private`
 * traffic in clear. */
#include <stddef.h>

#include "kernel/kernel.h"
#include "policy/plan.h"

/* Removes every swanmesh policy at the group rank that neither plan nor
 * keep[0..nkeep) (what the agent installs besides the plan) asks for, in
 * the same direction and selector. Run it after the plan is installed, so
 * that no destination is without its policy in between. *removed counts
 * what went. 0, or -errno with err. */
int plan_prune(struct kernel *k, const struct policy_plan *plan, const struct kernel_policy *keep, size_t nkeep,
	       unsigned *removed, struct kernel_error *err);

#endif
