/* Group policies the plan does not ask for (see plan_prune.h). */
#include "plan_prune.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_kernel.h"

struct plan_prune_run {
	struct kernel_policy_key *want;
	size_t nwant;
	struct kernel_policy *gone; /* index and dir are what the delete needs */
	size_t ngone, cap;
	int err;
};

static const enum policy_dir plan_prune_dirs[] = { POLICY_DIR_OUT, POLICY_DIR_IN, POLICY_DIR_FWD };

/* The keys of everything the plan and keep[] install, sorted. */
static int plan_prune_wanted(const struct policy_plan *plan, const struct kernel_policy *keep, size_t nkeep,
			     struct plan_prune_run *run)
{
	run->want = calloc(plan->n * 3 + nkeep + 1, sizeof(*run->want));
	if (run->want == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n; i++) {
		for (size_t d = 0; d < 3; d++) {
			struct kernel_policy p;
			if (!(plan->v[i].dirs & plan_prune_dirs[d]) ||
			    plan_kernel_policy(&plan->v[i], plan_prune_dirs[d], &p) != 0)
				continue;
			kernel_policy_key(&p, &run->want[run->nwant++]);
		}
	}
	for (size_t i = 0; i < nkeep; i++)
		kernel_policy_key(&keep[i], &run->want[run->nwant++]);
	qsort(run->want, run->nwant, sizeof(*run->want), kernel_policy_key_cmp);
	return 0;
}

static int plan_prune_seen(const struct kernel_policy *p, void *ctx)
{
	struct plan_prune_run *run = ctx;
	if (!kernel_priority_is_ours(p->priority) || kernel_priority_rank(p->priority) != KERNEL_RANK_GROUP)
		return 0; /* not ours, or a tunnel or shunt: the start's cleanup has them */
	struct kernel_policy_key k;
	kernel_policy_key(p, &k);
	if (bsearch(&k, run->want, run->nwant, sizeof(k), kernel_policy_key_cmp) != NULL)
		return 0;
	if (run->ngone == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 64;
		struct kernel_policy *g = realloc(run->gone, cap * sizeof(*g));
		if (g == NULL)
			return run->err = -ENOMEM;
		run->gone = g;
		run->cap = cap;
	}
	run->gone[run->ngone++] = *p;
	return 0;
}

int plan_prune(struct kernel *k, const struct policy_plan *plan, const struct kernel_policy *keep, size_t nkeep,
	       unsigned *removed, struct kernel_error *err)
{
	struct plan_prune_run run;
	struct kernel_batch *b = NULL;
	memset(&run, 0, sizeof(run));
	*removed = 0;
	int r = plan_prune_wanted(plan, keep, nkeep, &run);
	if (r != 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		err->code = r;
		goto out;
	}
	/* Collect first: the dump must not change under its own feet. */
	if ((r = kernel_policy_list(k, plan_prune_seen, &run, err)) != 0)
		goto out;
	if (run.err != 0 || (r = kernel_batch_new(k, &b)) != 0) {
		r = run.err ? run.err : r;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		err->code = r;
		goto out;
	}
	for (size_t i = 0; i < run.ngone && r == 0; i++)
		r = kernel_batch_policy_delete_index(b, run.gone[i].index, run.gone[i].dir, NULL);
	if (r == 0 && (r = kernel_batch_run(b, NULL, NULL)) != 0) {
		if (r > 0)
			snprintf(err->msg, sizeof(err->msg), "%d policies of an older configuration could not be removed", r);
		else
			snprintf(err->msg, sizeof(err->msg), "cannot remove the policies of an older configuration: %s",
				 strerror(-r));
		err->code = r = r > 0 ? -EIO : r;
	}
	if (r == 0)
		*removed = (unsigned)run.ngone;
out:
	kernel_batch_free(b);
	free(run.want);
	free(run.gone);
	return r;
}
