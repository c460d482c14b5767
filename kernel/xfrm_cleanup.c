/* Stale state of a previous run: recognised by priority band and reqid
 * range (docs/kernel-ownership.md); anyone else's state is left alone. */
#include "xfrm_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct xfrm_cleanup_ctx {
	struct kernel_batch *batch;
	bool keep_group;
	struct kernel_cleanup_stats *stats;
};

static int xfrm_cleanup_policy(const struct kernel_policy *p, void *ctx)
{
	struct xfrm_cleanup_ctx *c = ctx;
	if (!kernel_priority_is_ours(p->priority)) {
		c->stats->foreign_seen++;
		return 0;
	}
	if (c->keep_group && kernel_priority_rank(p->priority) == KERNEL_RANK_GROUP) {
		c->stats->policies_kept++;
		return 0;
	}
	c->stats->policies_removed++;
	return kernel_batch_policy_delete_index(c->batch, p->index, p->dir, NULL);
}

static int xfrm_cleanup_sa(const struct kernel_sa_info *sa, void *ctx)
{
	struct xfrm_cleanup_ctx *c = ctx;
	if (!kernel_reqid_is_ours(sa->reqid) || sa->proto != IPPROTO_ESP || sa->spi == 0)
		return 0;
	c->stats->sas_removed++;
	return kernel_batch_sa_delete(c->batch, &sa->src, &sa->dst, sa->spi, NULL);
}

int kernel_cleanup_stale(struct kernel *k, bool keep_group_policies, struct kernel_cleanup_stats *stats,
			 struct kernel_error *err)
{
	struct kernel_cleanup_stats dummy;
	if (stats == NULL)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	struct xfrm_cleanup_ctx c = { NULL, keep_group_policies, stats };
	int r;
	if ((r = kernel_batch_new(k, &c.batch)) != 0)
		return xfrm_error_set(err, r, "out of memory");
	/* Policies first: once they are gone no packet needs the SAs. */
	if ((r = kernel_policy_list(k, xfrm_cleanup_policy, &c, err)) != 0)
		goto out;
	if ((r = kernel_sa_list(k, xfrm_cleanup_sa, &c, err)) != 0)
		goto out;
	r = kernel_batch_run(c.batch, NULL, NULL);
	if (r > 0)
		r = xfrm_error_set(err, -EIO, "%d stale objects could not be removed", r);
	else if (r < 0)
		xfrm_error_set(err, r, "cleanup batch failed: %s", strerror(-r));
out:
	kernel_batch_free(c.batch);
	return r;
}
