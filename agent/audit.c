/* The kernel against the agent's expectations (see audit.h). */
#include "audit.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan_kernel.h"
#include "policy/config.h"

/* A policy's identity in the kernel (kernel_policy_key) and its place in
 * the kernel's list. */
struct audit_key {
	struct kernel_policy_key k; /* first: kernel_policy_key_cmp compares it */
	size_t pos;
};

static void audit_key(const struct kernel_policy *p, size_t pos, struct audit_key *k)
{
	kernel_policy_key(p, &k->k);
	k->pos = pos;
}

static int audit_key_cmp(const void *a, const void *b)
{
	return kernel_policy_key_cmp(a, b);
}


const char *audit_kind_name(enum audit_kind k)
{
	switch (k) {
	case AUDIT_MISSING: return "missing";
	case AUDIT_STALE: return "stale";
	case AUDIT_FOREIGN: return "foreign";
	case AUDIT_ORPHAN_SA: return "orphan_sa";
	case AUDIT_TUNNEL_MISSING: return "tunnel_missing";
	}
	return "?";
}

static bool audit_prefixes_meet(const uint8_t *a, uint8_t alen, const uint8_t *b, uint8_t blen)
{
	unsigned bits = alen < blen ? alen : blen;
	if (bits > 128)
		bits = 128;
	if (memcmp(a, b, bits / 8) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
	return (a[bits / 8] & mask) == (b[bits / 8] & mask);
}

static bool audit_ports_meet(uint16_t a, uint16_t b)
{
	return a == 0 || b == 0 || a == b;
}

bool audit_selectors_overlap(const struct kernel_selector *a, const struct kernel_selector *b)
{
	return a->family == b->family && audit_ports_meet(a->proto, b->proto) &&
	       audit_ports_meet(a->sport, b->sport) && audit_ports_meet(a->dport, b->dport) &&
	       audit_prefixes_meet(a->src.bytes, a->src_plen, b->src.bytes, b->src_plen) &&
	       audit_prefixes_meet(a->dst.bytes, a->dst_plen, b->dst.bytes, b->dst_plen);
}

static struct audit_finding *audit_add(struct audit_report *r, enum audit_kind kind)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct audit_finding *v = realloc(r->v, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	struct audit_finding *f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	return f;
}

/* The audit's working state: the kernel's policies by key, the plan's
 * policies (one per entry and direction) with their entries. */
struct audit_run {
	const struct audit_input *in;
	struct audit_report *out;
	struct audit_key *have;                  /* sorted */
	struct kernel_policy *want;              /* plan policies, then keep[] */
	const struct policy_plan_entry **entry;  /* want[i]'s entry; NULL for keep[] */
	struct audit_key *want_keys;             /* sorted */
	size_t nwant;
};

static const enum policy_dir audit_dirs[] = { POLICY_DIR_OUT, POLICY_DIR_IN, POLICY_DIR_FWD };

static int audit_prepare(struct audit_run *run)
{
	const struct audit_input *in = run->in;
	size_t cap = in->plan->n * 3 + in->nkeep + 1;
	run->have = calloc(in->npolicies + 1, sizeof(*run->have));
	run->want = calloc(cap, sizeof(*run->want));
	run->entry = calloc(cap, sizeof(*run->entry));
	run->want_keys = calloc(cap, sizeof(*run->want_keys));
	if (run->have == NULL || run->want == NULL || run->entry == NULL || run->want_keys == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < in->npolicies; i++)
		audit_key(&in->policies[i], i, &run->have[i]);
	qsort(run->have, in->npolicies, sizeof(*run->have), audit_key_cmp);
	for (size_t i = 0; i < in->plan->n; i++)
		for (size_t d = 0; d < 3; d++) {
			const struct policy_plan_entry *e = &in->plan->v[i];
			if (!(e->dirs & audit_dirs[d]) || plan_kernel_policy(e, audit_dirs[d], &run->want[run->nwant]) != 0)
				continue;
			run->entry[run->nwant++] = e;
		}
	for (size_t i = 0; i < in->nkeep; i++)
		run->want[run->nwant++] = in->keep[i];
	for (size_t i = 0; i < run->nwant; i++)
		audit_key(&run->want[i], i, &run->want_keys[i]);
	qsort(run->want_keys, run->nwant, sizeof(*run->want_keys), audit_key_cmp);
	return 0;
}

/* Plan policies (and ICMP passes) that the kernel lacks or holds otherwise. */
static int audit_missing(struct audit_run *run)
{
	for (size_t i = 0; i < run->nwant; i++) {
		const struct kernel_policy *w = &run->want[i];
		struct audit_key k;
		audit_key(w, 0, &k);
		const struct audit_key *h = bsearch(&k, run->have, run->in->npolicies, sizeof(k), audit_key_cmp);
		const struct kernel_policy *p = h ? &run->in->policies[h->pos] : NULL;
		if (p != NULL && p->kind == w->kind && p->priority == w->priority)
			continue;
		struct audit_finding *f = audit_add(run->out, AUDIT_MISSING);
		if (f == NULL)
			return -ENOMEM;
		f->entry = run->entry[i];
		f->want = *w;
		if (p != NULL) {
			f->have = *p;
			f->has_have = true;
		}
	}
	return 0;
}

/* Group-rank policies of the band that nothing asks for. */
static int audit_stale(struct audit_run *run)
{
	for (size_t i = 0; i < run->in->npolicies; i++) {
		const struct kernel_policy *p = &run->in->policies[i];
		if (!kernel_priority_is_ours(p->priority) || kernel_priority_rank(p->priority) != KERNEL_RANK_GROUP)
			continue;
		struct audit_key k;
		audit_key(p, 0, &k);
		if (bsearch(&k, run->want_keys, run->nwant, sizeof(k), audit_key_cmp) != NULL)
			continue;
		struct audit_finding *f = audit_add(run->out, AUDIT_STALE);
		if (f == NULL)
			return -ENOMEM;
		f->have = *p;
		f->has_have = true;
	}
	return 0;
}

/* One foreign policy against the plan: the first plan policy it
 * outranks (a group's before an own-address pass) and how many more. */
static int audit_foreign_one(struct audit_run *run, const struct kernel_policy *p)
{
	size_t first = run->nwant;
	unsigned count = 0;
	for (size_t i = 0; i < run->nwant && run->entry[i] != NULL; i++) {
		const struct kernel_policy *w = &run->want[i];
		if (w->dir != p->dir || p->priority >= w->priority || !audit_selectors_overlap(&p->sel, &w->sel))
			continue;
		count++;
		if (first == run->nwant ||
		    (run->entry[first]->group == POLICY_GROUP_NONE && run->entry[i]->group != POLICY_GROUP_NONE))
			first = i;
	}
	if (count == 0)
		return 0;
	struct audit_finding *f = audit_add(run->out, AUDIT_FOREIGN);
	if (f == NULL)
		return -ENOMEM;
	f->entry = run->entry[first];
	f->want = run->want[first];
	f->have = *p;
	f->has_have = true;
	f->others = count - 1;
	return 0;
}

static int audit_foreign(struct audit_run *run)
{
	for (size_t i = 0; i < run->in->npolicies; i++) {
		const struct kernel_policy *p = &run->in->policies[i];
		if (kernel_priority_is_ours(p->priority))
			continue;
		run->out->foreign_policies++;
		/* Socket policies (dir 3, 4) bind one socket, not traffic. */
		if (p->dir > KERNEL_DIR_FWD)
			continue;
		int r = audit_foreign_one(run, p);
		if (r != 0)
			return r;
	}
	return 0;
}

static bool audit_reqid_referenced(const struct audit_input *in, uint32_t reqid)
{
	for (size_t i = 0; i < in->npolicies; i++) {
		const struct kernel_policy *p = &in->policies[i];
		if (kernel_priority_is_ours(p->priority) && kernel_priority_rank(p->priority) == KERNEL_RANK_TUNNEL &&
		    p->kind == KERNEL_POLICY_TUNNEL && p->reqid == reqid)
			return true;
	}
	return false;
}

/* Swanmesh ESP SAs without a tunnel policy; the traps' larval states
 * (SPI 0, the trap reqid) are the kernel's, pending an ACQUIRE. */
static int audit_orphan_sas(struct audit_run *run)
{
	for (size_t i = 0; i < run->in->nsas; i++) {
		const struct kernel_sa_info *sa = &run->in->sas[i];
		if (sa->proto != IPPROTO_ESP || !kernel_reqid_is_ours(sa->reqid) ||
		    (sa->reqid == KERNEL_REQID_TRAP && sa->spi == 0))
			continue;
		run->out->sas++;
		if (audit_reqid_referenced(run->in, sa->reqid))
			continue;
		struct audit_finding *f = audit_add(run->out, AUDIT_ORPHAN_SA);
		if (f == NULL)
			return -ENOMEM;
		f->sa = *sa;
	}
	return 0;
}

static bool audit_addr_is(const struct kernel_addr *a, uint8_t plen, const struct kernel_addr *want)
{
	return plen == (want->family == AF_INET6 ? 128 : 32) && memcmp(a->bytes, want->bytes, 16) == 0;
}

/* The tunnel policy from `from` to `to` in dir, at the tunnel rank. */
static bool audit_tunnel_has(const struct audit_input *in, enum kernel_dir dir, const struct kernel_addr *from,
			     const struct kernel_addr *to)
{
	for (size_t i = 0; i < in->npolicies; i++) {
		const struct kernel_policy *p = &in->policies[i];
		if (p->dir == dir && kernel_priority_is_ours(p->priority) &&
		    kernel_priority_rank(p->priority) == KERNEL_RANK_TUNNEL && p->kind == KERNEL_POLICY_TUNNEL &&
		    p->sel.family == from->family && audit_addr_is(&p->sel.src, p->sel.src_plen, from) &&
		    audit_addr_is(&p->sel.dst, p->sel.dst_plen, to))
			return true;
	}
	return false;
}

static int audit_tunnels(struct audit_run *run)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN };
	for (size_t i = 0; run->in->have_tunnels && i < run->in->ntunnels; i++) {
		const struct audit_tunnel *t = &run->in->tunnels[i];
		run->out->tunnels++;
		for (size_t d = 0; d < 2; d++) {
			bool out = dirs[d] == KERNEL_DIR_OUT;
			const struct kernel_addr *from = out ? &t->local : &t->peer, *to = out ? &t->peer : &t->local;
			if (audit_tunnel_has(run->in, dirs[d], from, to))
				continue;
			struct audit_finding *f = audit_add(run->out, AUDIT_TUNNEL_MISSING);
			if (f == NULL)
				return -ENOMEM;
			f->tunnel = *t;
			kernel_selector_host(from, to, &f->want.sel);
			f->want.dir = dirs[d];
			f->want.kind = KERNEL_POLICY_TUNNEL;
			f->want.priority = kernel_priority(&f->want.sel, KERNEL_RANK_TUNNEL);
		}
	}
	return 0;
}

int audit_run(const struct audit_input *in, struct audit_report *out)
{
	struct audit_run run;
	int r;
	memset(out, 0, sizeof(*out));
	memset(&run, 0, sizeof(run));
	run.in = in;
	run.out = out;
	if ((r = audit_prepare(&run)) != 0)
		goto out;
	out->plan_policies = (unsigned)run.nwant;
	out->kernel_policies = (unsigned)in->npolicies;
	if ((r = audit_missing(&run)) != 0 || (r = audit_stale(&run)) != 0 || (r = audit_foreign(&run)) != 0 ||
	    (r = audit_orphan_sas(&run)) != 0 || (r = audit_tunnels(&run)) != 0)
		goto out;
	r = 0;
out:
	free(run.have);
	free(run.want);
	free(run.entry);
	free(run.want_keys);
	return r;
}

void audit_report_free(struct audit_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}
