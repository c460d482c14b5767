/* Plan entries to kernel policies, applied in batches. */
#include "plan_kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int plan_kernel_addr(const struct policy_addr *in, struct kernel_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (in->family == POLICY_AF_INET)
		out->family = AF_INET;
	else if (in->family == POLICY_AF_INET6)
		out->family = AF_INET6;
	else
		return -EAFNOSUPPORT;
	memcpy(out->bytes, in->bytes, sizeof(out->bytes));
	return 0;
}

int plan_kernel_policy(const struct policy_plan_entry *e, enum policy_dir dir, struct kernel_policy *out)
{
	int r;
	memset(out, 0, sizeof(*out));
	struct kernel_addr remote;
	if ((r = plan_kernel_addr(&e->sel.remote.addr, &remote)) != 0)
		return r;
	struct kernel_selector *sel = &out->sel;
	sel->family = remote.family;
	sel->proto = e->sel.proto;
	if (dir == POLICY_DIR_OUT) {
		sel->dst = remote;
		sel->dst_plen = e->sel.remote.len;
		sel->sport = e->sel.lport;
		sel->dport = e->sel.rport;
		out->dir = KERNEL_DIR_OUT;
	} else {
		sel->src = remote;
		sel->src_plen = e->sel.remote.len;
		sel->sport = e->sel.rport;
		sel->dport = e->sel.lport;
		out->dir = dir == POLICY_DIR_IN ? KERNEL_DIR_IN : KERNEL_DIR_FWD;
	}
	switch (e->action) {
	case POLICY_ACTION_TRAP:
		/* A trap asks for an SA of what we send; what arrives in clear
		 * where a trap stands both ways (private) is dropped. */
		if (dir != POLICY_DIR_OUT) {
			out->kind = KERNEL_POLICY_DROP;
			break;
		}
		out->kind = KERNEL_POLICY_TRAP;
		out->reqid = KERNEL_REQID_TRAP;
		break;
	case POLICY_ACTION_PASS:
		out->kind = KERNEL_POLICY_PASS;
		break;
	case POLICY_ACTION_DROP:
		out->kind = KERNEL_POLICY_DROP;
		break;
	default:
		return -EINVAL;
	}
	out->priority = e->priority;
	return 0;
}

static const enum policy_dir plan_kernel_dirs[] = { POLICY_DIR_OUT, POLICY_DIR_IN, POLICY_DIR_FWD };

/* A cookie names the entry and the direction of one queued request. */
struct plan_kernel_cookie {
	const struct policy_plan_entry *e;
	enum policy_dir dir;
};

/* Our policies as a dump found them, sorted for lookup: the kernel finds
 * a policy by index at once, by selector only by walking the policies of
 * its direction (a reload that removes 100,000 entries took minutes by
 * selector, under a second by index: docs/benchmarks.md). */
struct plan_kernel_found {
	struct plan_kernel_key {
		struct kernel_policy_key sel;  /* kernel/'s: direction and selector */
		uint32_t priority;
	} key;
	uint32_t index;
};

struct plan_kernel_run {
	struct kernel_batch *b;
	struct plan_kernel_cookie *cookies;
	size_t n, cap;
	plan_kernel_report_cb cb;
	void *ctx;
	int failures;
	struct plan_kernel_found *found;   /* NULL: delete by selector */
	size_t nfound, capfound;
	unsigned by_index;
};

/* Removals from which a dump pays for itself. */
#define PLAN_KERNEL_INDEX_MIN 256

static void plan_kernel_key_of(const struct kernel_policy *p, struct plan_kernel_key *k)
{
	memset(k, 0, sizeof(*k)); /* padding too: keys are compared with memcmp */
	kernel_policy_key(p, &k->sel);
	k->priority = p->priority;
}

static int plan_kernel_found_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct plan_kernel_found *)a)->key, &((const struct plan_kernel_found *)b)->key,
		      sizeof(struct plan_kernel_key));
}

static int plan_kernel_collect(const struct kernel_policy *p, void *ctx)
{
	struct plan_kernel_run *run = ctx;
	if (!kernel_priority_is_ours(p->priority))
		return 0;
	if (run->nfound == run->capfound) {
		size_t cap = run->capfound ? run->capfound * 2 : 1024;
		struct plan_kernel_found *v = realloc(run->found, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		run->found = v;
		run->capfound = cap;
	}
	struct plan_kernel_found *f = &run->found[run->nfound++];
	plan_kernel_key_of(p, &f->key);
	f->index = p->index;
	return 0;
}

/* One dump of the kernel's policies; without it (it failed) removals go
 * by selector, slower but just as right. */
static void plan_kernel_dump(struct kernel *k, struct plan_kernel_run *run)
{
	struct kernel_error err;
	if (kernel_policy_list(k, plan_kernel_collect, run, &err) != 0) {
		free(run->found);
		run->found = NULL;
		run->nfound = 0;
		return;
	}
	if (run->nfound > 0)
		qsort(run->found, run->nfound, sizeof(run->found[0]), plan_kernel_found_cmp);
}

static int plan_kernel_delete(struct plan_kernel_run *run, const struct kernel_policy *p, void *cookie)
{
	if (run->found != NULL) {
		struct plan_kernel_found want;
		plan_kernel_key_of(p, &want.key);
		const struct plan_kernel_found *f =
			bsearch(&want, run->found, run->nfound, sizeof(want), plan_kernel_found_cmp);
		if (f != NULL) {
			run->by_index++;
			return kernel_batch_policy_delete_index(run->b, f->index, p->dir, cookie);
		}
		/* Not ours in the kernel (gone already, or the selector now holds
		 * a tunnel's, a shunt's or another daemon's policy): leave it. */
		return 0;
	}
	return kernel_batch_policy_delete(run->b, &p->sel, p->dir, cookie);
}

static int plan_kernel_queue(struct plan_kernel_run *run, const struct policy_plan_entry *e, enum policy_dir dir,
			     bool remove)
{
	struct kernel_policy p;
	int r = plan_kernel_policy(e, dir, &p);
	if (r != 0)
		return r;
	if (run->n == run->cap)
		return -ENOBUFS;
	struct plan_kernel_cookie *c = &run->cookies[run->n++];
	c->e = e;
	c->dir = dir;
	return remove ? plan_kernel_delete(run, &p, c) : kernel_batch_policy_update(run->b, &p, c);
}

static void plan_kernel_on_error(void *cookie, const struct kernel_error *err, void *ctx)
{
	struct plan_kernel_run *run = ctx;
	const struct plan_kernel_cookie *c = cookie;
	run->failures++;
	if (run->cb != NULL)
		run->cb(c->e, c->dir, err, run->ctx);
}

static int plan_kernel_flush(struct plan_kernel_run *run)
{
	int r = kernel_batch_run(run->b, plan_kernel_on_error, run);
	run->n = 0;
	return r < 0 ? r : 0;
}

static int plan_kernel_run_init(struct kernel *k, size_t entries, plan_kernel_report_cb cb, void *ctx,
				struct plan_kernel_run *run)
{
	memset(run, 0, sizeof(*run));
	run->cap = entries * 3 + 1;
	run->cookies = calloc(run->cap, sizeof(*run->cookies));
	if (run->cookies == NULL || kernel_batch_new(k, &run->b) != 0) {
		free(run->cookies);
		run->cookies = NULL; /* the callers free the run all the same */
		return -ENOMEM;
	}
	run->cb = cb;
	run->ctx = ctx;
	return 0;
}

static void plan_kernel_run_free(struct plan_kernel_run *run)
{
	kernel_batch_free(run->b);
	free(run->cookies);
	free(run->found);
}

static int plan_kernel_queue_dirs(struct plan_kernel_run *run, const struct policy_plan_entry *e, uint8_t dirs,
				  bool remove, unsigned *count)
{
	for (size_t i = 0; i < 3; i++) {
		if (!(dirs & plan_kernel_dirs[i]))
			continue;
		int r = plan_kernel_queue(run, e, plan_kernel_dirs[i], remove);
		if (r != 0)
			return r;
		(*count)++;
	}
	return 0;
}

int plan_kernel_apply(struct kernel *k, const struct policy_plan *plan, plan_kernel_report_cb cb, void *ctx,
		      struct plan_kernel_stats *stats)
{
	struct plan_kernel_run run;
	struct plan_kernel_stats st = { 0, 0, 0, 0 };
	int r = plan_kernel_run_init(k, plan->n, cb, ctx, &run);
	for (size_t i = 0; r == 0 && i < plan->n; i++)
		r = plan_kernel_queue_dirs(&run, &plan->v[i], plan->v[i].dirs, false, &st.installed);
	if (r == 0)
		r = plan_kernel_flush(&run);
	st.failed = (unsigned)run.failures;
	if (stats != NULL)
		*stats = st;
	plan_kernel_run_free(&run);
	return r < 0 ? r : run.failures;
}

int plan_kernel_apply_diff(struct kernel *k, const struct policy_plan_diff *d, plan_kernel_report_cb cb,
			   void *ctx, struct plan_kernel_stats *stats)
{
	struct plan_kernel_run run;
	struct plan_kernel_stats st = { 0, 0, 0, 0 };
	int r = plan_kernel_run_init(k, d->nadded + d->nremoved + d->nchanged, cb, ctx, &run);
	/* First everything the new plan has, then what it no longer has. */
	for (size_t i = 0; r == 0 && i < d->nadded; i++)
		r = plan_kernel_queue_dirs(&run, d->added[i], d->added[i]->dirs, false, &st.installed);
	for (size_t i = 0; r == 0 && i < d->nchanged; i++)
		r = plan_kernel_queue_dirs(&run, d->changed[i].new, d->changed[i].new->dirs, false, &st.installed);
	if (r == 0)
		r = plan_kernel_flush(&run);
	if (r == 0 && d->nremoved + d->nchanged >= PLAN_KERNEL_INDEX_MIN)
		plan_kernel_dump(k, &run);
	for (size_t i = 0; r == 0 && i < d->nchanged; i++) {
		uint8_t gone = d->changed[i].old->dirs & (uint8_t)~d->changed[i].new->dirs;
		r = plan_kernel_queue_dirs(&run, d->changed[i].old, gone, true, &st.removed);
	}
	for (size_t i = 0; r == 0 && i < d->nremoved; i++)
		r = plan_kernel_queue_dirs(&run, d->removed[i], d->removed[i]->dirs, true, &st.removed);
	if (r == 0)
		r = plan_kernel_flush(&run);
	st.failed = (unsigned)run.failures;
	st.removed_by_index = run.by_index;
	if (stats != NULL)
		*stats = st;
	plan_kernel_run_free(&run);
	return r < 0 ? r : run.failures;
}
