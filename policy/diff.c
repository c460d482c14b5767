/* diff: what a reload changes in the kernel (new plan against old plan). */
#include "policy/plan.h"

#include <stdlib.h>
#include <string.h>

void policy_plan_diff_free(struct policy_plan_diff *d)
{
	free(d->added);
	free(d->removed);
	free(d->changed);
	memset(d, 0, sizeof(*d));
}

static bool diff_differs(const struct policy_plan_entry *a, const struct policy_plan_entry *b)
{
	return a->action != b->action || a->dirs != b->dirs || a->group != b->group ||
	       a->priority != b->priority;
}

int policy_plan_diff(const struct policy_plan *old, const struct policy_plan *new,
		     struct policy_plan_diff *out)
{
	struct policy_plan_diff d = { 0 };
	size_t i = 0, j = 0;

	memset(out, 0, sizeof(*out));
	d.added = malloc((new->n + 1) * sizeof(*d.added));
	d.removed = malloc((old->n + 1) * sizeof(*d.removed));
	d.changed = malloc(((old->n < new->n ? old->n : new->n) + 1) * sizeof(*d.changed));
	if (d.added == NULL || d.removed == NULL || d.changed == NULL) {
		policy_plan_diff_free(&d);
		return -1;
	}
	while (i < old->n || j < new->n) {
		int c = i == old->n ? 1 : j == new->n ? -1 : policy_selector_cmp(&old->v[i].sel, &new->v[j].sel);
		if (c < 0) {
			d.removed[d.nremoved++] = &old->v[i++];
		} else if (c > 0) {
			d.added[d.nadded++] = &new->v[j++];
		} else {
			if (diff_differs(&old->v[i], &new->v[j]))
				d.changed[d.nchanged++] = (struct policy_plan_change){ &old->v[i], &new->v[j] };
			i++;
			j++;
		}
	}
	*out = d;
	return 0;
}
