/* The policy plan reaches the kernel (host kernel, private netns): a whole
 * plan at start, then only the difference on reload, with untouched
 * policies keeping their kernel identity. Needs root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/socket.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan_kernel.h"
#include "plan_prune.h"
#include "policy/config.h"
#include "policy/diag.h"
#include "policy/model.h"

static struct kernel *k;
static char dir[] = "/tmp/swanmesh-plan-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct policy_model *load(void)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/swanmesh.yaml", dir);
	struct policy_model *m = NULL;
	struct policy_diags diags;
	memset(&diags, 0, sizeof(diags));
	int r = policy_load(path, NULL, 0, &m, &diags);
	policy_diags_free(&diags);
	assert_int_equal(r, 0);
	return m;
}

struct found {
	const char *dst;
	enum kernel_dir dir;
	struct kernel_policy p;
	int n;
};

static int find_cb(const struct kernel_policy *p, void *ctx)
{
	struct found *f = ctx;
	char a[64], text[80];
	const struct kernel_addr *remote = p->dir == KERNEL_DIR_OUT ? &p->sel.dst : &p->sel.src;
	unsigned plen = p->dir == KERNEL_DIR_OUT ? p->sel.dst_plen : p->sel.src_plen;
	snprintf(text, sizeof(text), "%s/%u", kernel_addr_format(remote, a, sizeof(a)), plen);
	if (strcmp(text, f->dst) == 0 && p->dir == f->dir) {
		f->p = *p;
		f->n++;
	}
	return 0;
}

/* The policy for remote prefix `dst` in direction d, or kind -1 if none. */
static struct found find(const char *dst, enum kernel_dir d)
{
	struct found f;
	memset(&f, 0, sizeof(f));
	f.dst = dst;
	f.dir = d;
	struct kernel_error err;
	assert_int_equal(kernel_policy_list(k, find_cb, &f, &err), 0);
	return f;
}

static int count_cb(const struct kernel_policy *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
	return 0;
}

static int total(void)
{
	int n = 0;
	struct kernel_error err;
	assert_int_equal(kernel_policy_list(k, count_cb, &n, &err), 0);
	return n;
}

static void test_apply_then_diff(void **state)
{
	(void)state;
	write_file("swanmesh.yaml", "node:\n  policy-dir: policies\n  addresses: [192.0.2.1]\ngroups:\n  private: { auth: [null] }\n");
	write_file("policies/private-or-clear", "192.0.2.0/24\n2001:db8:5::/48\n");
	write_file("policies/clear", "192.0.2.7\n");
	write_file("policies/block", "198.51.100.0/24\n");
	write_file("policies/private", "203.0.113.64/26\n");
	struct policy_model *m1 = load();
	const struct policy_plan *p1 = policy_model_plan(m1);
	/* Both modules compute the documented priority the same way. */
	for (size_t i = 0; i < p1->n; i++) {
		struct kernel_policy kp;
		assert_int_equal(plan_kernel_policy(&p1->v[i], POLICY_DIR_OUT, &kp), 0);
		assert_int_equal(kernel_priority(&kp.sel, KERNEL_RANK_GROUP), p1->v[i].priority);
	}
	struct plan_kernel_stats st;
	assert_int_equal(plan_kernel_apply(k, p1, NULL, NULL, &st), 0);
	/* trap out, v6 trap out, pass out+in, drop out+in, own-address pass out+in,
	 * private: trap out + drop in */
	assert_int_equal(st.installed, 10);
	assert_int_equal(total(), 10);
	/* private holds inbound: cleartext from its peers is dropped; a
	 * private-or-clear prefix has no inbound policy. */
	assert_int_equal(find("203.0.113.64/26", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(find("203.0.113.64/26", KERNEL_DIR_IN).p.kind, KERNEL_POLICY_DROP);
	assert_int_equal(find("203.0.113.64/26", KERNEL_DIR_IN).p.priority, find("203.0.113.64/26", KERNEL_DIR_OUT).p.priority);
	assert_int_equal(find("192.0.2.0/24", KERNEL_DIR_IN).n, 0);
	struct found trap = find("192.0.2.0/24", KERNEL_DIR_OUT);
	assert_int_equal(trap.n, 1);
	assert_int_equal(trap.p.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(trap.p.reqid, KERNEL_REQID_TRAP);
	assert_int_equal(find("198.51.100.0/24", KERNEL_DIR_IN).p.kind, KERNEL_POLICY_DROP);
	assert_int_equal(find("192.0.2.1/32", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_PASS);

	/* Reload: block gone, a new trap, 192.0.2.7 moves from clear to block. */
	write_file("policies/private-or-clear", "192.0.2.0/24\n2001:db8:5::/48\n203.0.113.0/24\n");
	write_file("policies/clear", "");
	write_file("policies/block", "192.0.2.7\n");
	struct policy_model *m2 = load();
	struct policy_plan_diff d;
	assert_int_equal(policy_plan_diff(p1, policy_model_plan(m2), &d), 0);
	assert_int_equal(plan_kernel_apply_diff(k, &d, NULL, NULL, &st), 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.removed_by_index, 0); /* a few removals: by selector, no dump */
	assert_int_equal(find("198.51.100.0/24", KERNEL_DIR_OUT).n, 0);
	assert_int_equal(find("198.51.100.0/24", KERNEL_DIR_IN).n, 0);
	assert_int_equal(find("203.0.113.0/24", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(find("192.0.2.7/32", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_DROP);
	assert_int_equal(find("192.0.2.7/32", KERNEL_DIR_IN).p.kind, KERNEL_POLICY_DROP);
	/* The untouched trap was not sent again: same kernel object. */
	struct found again = find("192.0.2.0/24", KERNEL_DIR_OUT);
	assert_int_equal(again.n, 1);
	assert_int_equal(again.p.index, trap.p.index);
	/* two traps + the new trap, drop out+in, own-address pass out+in, private out+in */
	assert_int_equal(total(), 9);
	policy_plan_diff_free(&d);
	policy_model_free(m1);
	policy_model_free(m2);
}

/* A reload that empties a private group of 2,000 hosts removes its 4,000
 * policies by index after one dump (by selector the kernel walks every
 * policy of the direction for each: quadratic), and only those. */
static void test_large_removal_by_index(void **state)
{
	(void)state;
	write_file("swanmesh.yaml", "node:\n  policy-dir: policies\n  addresses: [192.0.2.1]\ngroups:\n  private: { auth: [null] }\n");
	write_file("policies/private-or-clear", "192.0.2.0/24\n");
	write_file("policies/clear", "");
	write_file("policies/block", "");
	char *hosts = malloc(2000 * 24);
	assert_non_null(hosts);
	size_t n = 0;
	for (unsigned i = 0; i < 2000; i++)
		n += (size_t)snprintf(hosts + n, 24, "198.51.%u.%u\n", 100 + i / 250, i % 250 + 1);
	write_file("policies/private", hosts);
	free(hosts);
	struct policy_model *m1 = load();
	struct plan_kernel_stats st;
	assert_int_equal(plan_kernel_apply(k, policy_model_plan(m1), NULL, NULL, &st), 0);
	int before = total();
	assert_true(before >= 4003);
	struct found trap = find("192.0.2.0/24", KERNEL_DIR_OUT);
	write_file("policies/private", "");
	struct policy_model *m2 = load();
	struct policy_plan_diff d;
	assert_int_equal(policy_plan_diff(policy_model_plan(m1), policy_model_plan(m2), &d), 0);
	assert_int_equal(plan_kernel_apply_diff(k, &d, NULL, NULL, &st), 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.removed, 4000);
	assert_int_equal(st.removed_by_index, 4000);
	assert_int_equal(total(), before - 4000);
	assert_int_equal(find("198.51.100.1/32", KERNEL_DIR_OUT).n, 0);
	assert_int_equal(find("198.51.107.250/32", KERNEL_DIR_IN).n, 0);
	assert_int_equal(find("192.0.2.0/24", KERNEL_DIR_OUT).p.index, trap.p.index);
	/* Clean up for the next test: the plan of m2 removed as a whole. */
	struct policy_plan empty = { NULL, 0 };
	policy_plan_diff_free(&d);
	assert_int_equal(policy_plan_diff(policy_model_plan(m2), &empty, &d), 0);
	assert_int_equal(plan_kernel_apply_diff(k, &d, NULL, NULL, &st), 0);
	policy_plan_diff_free(&d);
	policy_model_free(m1);
	policy_model_free(m2);
}

static void report_cb(const struct policy_plan_entry *e, enum policy_dir d, const struct kernel_error *err, void *ctx)
{
	(void)d;
	(void)err;
	*(const struct policy_plan_entry **)ctx = e;
}

static void test_failure_reported_with_entry(void **state)
{
	(void)state;
	/* Removing a plan whose policies are gone is a per-request failure. */
	struct policy_model *m = load();
	const struct policy_plan *p = policy_model_plan(m);
	struct policy_plan empty = { NULL, 0 };
	struct policy_plan_diff d;
	assert_int_equal(policy_plan_diff(p, &empty, &d), 0);
	struct plan_kernel_stats st;
	assert_int_equal(plan_kernel_apply_diff(k, &d, NULL, NULL, &st), 0);
	assert_int_equal(total(), 0);
	/* Removing again fails for every entry, each reported with its entry. */
	const struct policy_plan_entry *last = NULL;
	int r = plan_kernel_apply_diff(k, &d, report_cb, &last, &st);
	assert_true(r > 0);
	assert_int_equal((unsigned)r, st.failed);
	assert_non_null(last);
	assert_true(last >= p->v && last < p->v + p->n);
	policy_plan_diff_free(&d);
	policy_model_free(m);
}

/* A restart with a `clear` line removed: the new plan goes in over the
 * old one, and the prune takes away exactly what the new plan no longer
 * has; foreign policies and the extra ones the agent keeps stay. */
static void test_prune_after_restart(void **state)
{
	(void)state;
	struct kernel_error err;
	write_file("policies/private-or-clear", "192.0.2.0/24\n");
	write_file("policies/clear", "192.0.2.7\n");
	write_file("policies/block", "198.51.100.0/24\n");
	write_file("policies/private", "");
	struct policy_model *m1 = load();
	assert_true(plan_kernel_apply(k, policy_model_plan(m1), NULL, NULL, NULL) == 0);
	/* Someone else's policy (priority outside the band), and one the agent
	 * installs besides the plan. */
	struct kernel_policy foreign, extra;
	memset(&foreign, 0, sizeof(foreign));
	assert_int_equal(kernel_prefix_parse("192.0.2.9/32", &foreign.sel.dst, &foreign.sel.dst_plen), 0);
	foreign.sel.family = AF_INET;
	foreign.dir = KERNEL_DIR_OUT;
	foreign.kind = KERNEL_POLICY_PASS;
	foreign.priority = 100;
	assert_int_equal(kernel_policy_add(k, &foreign, &err), 0);
	extra = foreign;
	assert_int_equal(kernel_prefix_parse("203.0.113.9/32", &extra.sel.dst, &extra.sel.dst_plen), 0);
	extra.priority = KERNEL_PRIO_BASE + KERNEL_RANK_GROUP;
	assert_int_equal(kernel_policy_add(k, &extra, &err), 0);
	assert_int_equal(find("192.0.2.7/32", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_PASS);

	write_file("policies/clear", "");
	write_file("policies/block", "198.51.100.0/25\n"); /* another selector: the /24 goes */
	struct policy_model *m2 = load();
	assert_true(plan_kernel_apply(k, policy_model_plan(m2), NULL, NULL, NULL) == 0);
	unsigned removed = 0;
	assert_int_equal(plan_prune(k, policy_model_plan(m2), &extra, 1, &removed, &err), 0);
	/* the clear pass out+in, the old block drop out+in */
	assert_int_equal(removed, 4);
	assert_int_equal(find("192.0.2.7/32", KERNEL_DIR_OUT).n, 0);
	assert_int_equal(find("192.0.2.7/32", KERNEL_DIR_IN).n, 0);
	assert_int_equal(find("198.51.100.0/24", KERNEL_DIR_IN).n, 0);
	assert_int_equal(find("198.51.100.0/25", KERNEL_DIR_IN).p.kind, KERNEL_POLICY_DROP);
	assert_int_equal(find("192.0.2.0/24", KERNEL_DIR_OUT).p.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(find("192.0.2.9/32", KERNEL_DIR_OUT).n, 1);
	assert_int_equal(find("203.0.113.9/32", KERNEL_DIR_OUT).n, 1);
	/* A second prune finds nothing. */
	assert_int_equal(plan_prune(k, policy_model_plan(m2), &extra, 1, &removed, &err), 0);
	assert_int_equal(removed, 0);
	kernel_policy_delete(k, &foreign.sel, foreign.dir, NULL);
	kernel_policy_delete(k, &extra.sel, extra.dir, NULL);
	struct policy_plan empty = { NULL, 0 };
	struct policy_plan_diff d;
	assert_int_equal(policy_plan_diff(policy_model_plan(m2), &empty, &d), 0);
	plan_kernel_apply_diff(k, &d, NULL, NULL, NULL);
	policy_plan_diff_free(&d);
	assert_int_equal(total(), 0);
	policy_model_free(m1);
	policy_model_free(m2);
}

int main(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_plan_kernel: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	struct kernel_error err;
	if (mkdtemp(dir) == NULL || kernel_open(&k, &err) != 0) {
		printf("agent_plan_kernel: skipped: cannot open a temporary directory or NETLINK_XFRM\n");
		return 77;
	}
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/policies", dir);
	mkdir(sub, 0755);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_then_diff),
		cmocka_unit_test(test_failure_reported_with_entry),
		cmocka_unit_test(test_large_removal_by_index),
		cmocka_unit_test(test_prune_after_restart),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	kernel_close(k);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return r;
}
