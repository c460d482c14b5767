/* plan: the kernel policies a model asks for (docs/kernel-ownership.md). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

uint32_t policy_priority(const struct policy_selector *sel, enum policy_kind kind)
{
	unsigned maxlen = policy_addr_maxlen(sel->remote.addr.family);
	unsigned spec = (maxlen - sel->remote.len) * 4 + (sel->proto == 0 ? 2 : 0) +
			(sel->lport == 0 && sel->rport == 0 ? 1 : 0);
	return POLICY_PRIORITY_BASE + spec * 4 + (unsigned)kind;
}

const char *policy_action_name(enum policy_action a)
{
	switch (a) {
	case POLICY_ACTION_TRAP: return "trap";
	case POLICY_ACTION_PASS: return "pass";
	case POLICY_ACTION_DROP: return "drop";
	}
	return "?";
}

enum policy_action policy_group_action(uint8_t g)
{
	switch (g) {
	case POLICY_GROUP_PRIVATE:
	case POLICY_GROUP_PRIVATE_OR_CLEAR:
		return POLICY_ACTION_TRAP;
	case POLICY_GROUP_BLOCK:
		return POLICY_ACTION_DROP;
	default:
		return POLICY_ACTION_PASS;
	}
}

void policy_plan_entry_of(const struct policy_entry *r, struct policy_plan_entry *p)
{
	memset(p, 0, sizeof(*p));
	p->sel.remote.addr.family = r->family;
	memcpy(p->sel.remote.addr.bytes, r->addr, 16);
	p->sel.remote.len = r->len;
	p->sel.proto = r->proto;
	p->sel.lport = r->sport;
	p->sel.rport = r->dport;
	p->group = r->group;
	p->line = r->line;
	p->action = policy_group_action(r->group);
	/* Both ways but private-or-clear's trap, outbound only: a private
	 * peer's inbound cleartext is dropped (its tunnel carries each of its
	 * port rules as a host policy of its own that beats this drop,
	 * docs/kernel-ownership.md); private-or-clear's peer may still be clear. */
	p->dirs = r->group == POLICY_GROUP_PRIVATE_OR_CLEAR ? POLICY_DIR_OUT : POLICY_DIR_OUT | POLICY_DIR_IN;
	p->priority = policy_priority(&p->sel, POLICY_KIND_GROUP);
}

static int plan_cmp(const void *a, const void *b)
{
	const struct policy_plan_entry *x = a, *y = b;
	return policy_selector_cmp(&x->sel, &y->sel);
}

/* Host passes for our own addresses that some trap or drop covers. */
static size_t plan_own_passes(const struct lpm *t, const struct policy_addr *own, size_t nown,
			      struct policy_plan_entry *out)
{
	size_t n = 0;
	for (size_t i = 0; i < nown; i++) {
		if (!lpm_covered_by_nonclear(t, own[i].family, own[i].bytes))
			continue;
		struct policy_plan_entry *p = &out[n];
		memset(p, 0, sizeof(*p));
		p->sel.remote.addr = own[i];
		p->sel.remote.len = (uint8_t)policy_addr_maxlen(own[i].family);
		p->dirs = POLICY_DIR_OUT | POLICY_DIR_IN;
		p->action = POLICY_ACTION_PASS;
		p->group = POLICY_GROUP_NONE;
		p->priority = policy_priority(&p->sel, POLICY_KIND_GROUP);
		if (n > 0 && plan_cmp(&out[n - 1], p) == 0)
			continue;  /* listed twice */
		n++;
	}
	qsort(out, n, sizeof(*out), plan_cmp);
	return n;
}

int plan_build(const struct policy_entry *rules, size_t n, const struct lpm *t,
	       const struct policy_addr *own, size_t nown, struct policy_plan *out)
{
	memset(out, 0, sizeof(*out));
	struct policy_plan_entry *v = malloc((n + nown + 1) * sizeof(*v));
	struct policy_plan_entry *extra = malloc((nown + 1) * sizeof(*extra));
	if (v == NULL || extra == NULL) {
		free(v);
		free(extra);
		return -1;
	}
	size_t nextra = plan_own_passes(t, own, nown, extra), i = 0, j = 0, k = 0;
	/* Own addresses are never rules, so the two sorted runs never share a selector. */
	while (i < n || j < nextra) {
		struct policy_plan_entry r;
		if (i < n)
			policy_plan_entry_of(&rules[i], &r);
		if (j < nextra && (i == n || plan_cmp(&extra[j], &r) < 0)) {
			v[k++] = extra[j++];
		} else {
			v[k++] = r;
			i++;
		}
	}
	free(extra);
	out->v = v;
	out->n = k;
	return 0;
}

void plan_free(struct policy_plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}
