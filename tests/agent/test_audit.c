/* swanmesh audit's comparison, on arrays: a kernel that holds exactly
 * the plan, then one of each finding. No kernel needed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"
#include "icmp_bypass.h"
#include "plan_kernel.h"
#include "policy/config.h"
#include "trafficstatus.h"

#define TUNNEL_REQID 0x53000007u

/* The plan: private-or-clear 192.0.2.0/24 (line 1), private
 * 198.51.100.0/24 (line 3, out trap + in drop), clear 192.0.2.25/32 tcp 0 25
 * (line 2), and this node's 192.0.2.1 as a pass both ways. */
static struct policy_plan_entry entries[4];
static struct policy_plan plan = { entries, 4 };

/* The kernel: the plan and the ICMP passes as the kernel reads them back,
 * a tunnel to 192.0.2.2 with its SAs, a larval state, foreign policies
 * that do not outrank anything. */
static struct kernel_policy pol[64];
static size_t npol;
static struct kernel_sa_info sas[8];
static size_t nsas;
static struct kernel_policy keep[16];
static size_t nkeep;
static struct audit_tunnel tunnels[1];

static void entry(struct policy_plan_entry *e, const char *cidr, uint8_t proto, uint16_t rport, uint8_t dirs,
		  enum policy_action action, enum policy_group group, uint32_t line)
{
	memset(e, 0, sizeof(*e));
	assert_int_equal(policy_prefix_parse(cidr, &e->sel.remote, NULL), 0);
	e->sel.proto = proto;
	e->sel.rport = rport;
	e->dirs = dirs;
	e->action = action;
	e->group = group;
	e->line = line;
	e->priority = policy_priority(&e->sel, POLICY_KIND_GROUP);
}

/* What the kernel gives back: both sides of the selector carry the family. */
static void readback(struct kernel_policy *p)
{
	p->sel.src.family = p->sel.dst.family = p->sel.family;
}

static void add_plan(const struct policy_plan_entry *e)
{
	static const enum policy_dir dirs[] = { POLICY_DIR_OUT, POLICY_DIR_IN, POLICY_DIR_FWD };
	for (size_t d = 0; d < 3; d++) {
		if (!(e->dirs & dirs[d]))
			continue;
		assert_int_equal(plan_kernel_policy(e, dirs[d], &pol[npol]), 0);
		readback(&pol[npol++]);
	}
}

static void host_policy(const char *from, const char *to, enum kernel_dir dir, enum kernel_policy_kind kind,
			uint32_t priority, uint32_t reqid, struct kernel_policy *p)
{
	struct kernel_addr a, b;
	memset(p, 0, sizeof(*p));
	assert_int_equal(kernel_addr_parse(from, &a), 0);
	assert_int_equal(kernel_addr_parse(to, &b), 0);
	assert_int_equal(kernel_selector_host(&a, &b, &p->sel), 0);
	p->dir = dir;
	p->kind = kind;
	p->priority = priority ? priority : kernel_priority(&p->sel, KERNEL_RANK_TUNNEL);
	p->reqid = reqid;
}

/* dst PREFIX dir DIR priority PRIO action allow, as `ip xfrm policy add` makes it. */
static struct kernel_policy *add_dst(const char *prefix, enum kernel_dir dir, uint32_t priority,
				     enum kernel_policy_kind kind)
{
	struct kernel_policy *p = &pol[npol++];
	memset(p, 0, sizeof(*p));
	assert_int_equal(kernel_prefix_parse(prefix, &p->sel.dst, &p->sel.dst_plen), 0);
	p->sel.family = p->sel.dst.family;
	readback(p);
	p->dir = dir;
	p->kind = kind;
	p->priority = priority;
	return p;
}

static void add_sa(const char *src, const char *dst, uint32_t spi, uint32_t reqid)
{
	struct kernel_sa_info *sa = &sas[nsas++];
	memset(sa, 0, sizeof(*sa));
	assert_int_equal(kernel_addr_parse(src, &sa->src), 0);
	assert_int_equal(kernel_addr_parse(dst, &sa->dst), 0);
	sa->spi = spi;
	sa->reqid = reqid;
	sa->proto = IPPROTO_ESP;
}

static int setup(void **state)
{
	(void)state;
	npol = nsas = 0;
	entry(&entries[0], "192.0.2.0/24", 0, 0, POLICY_DIR_OUT, POLICY_ACTION_TRAP, POLICY_GROUP_PRIVATE_OR_CLEAR, 1);
	entry(&entries[1], "192.0.2.1/32", 0, 0, POLICY_DIR_OUT | POLICY_DIR_IN, POLICY_ACTION_PASS, POLICY_GROUP_NONE,
	      0);
	entry(&entries[2], "192.0.2.25/32", IPPROTO_TCP, 25, POLICY_DIR_OUT | POLICY_DIR_IN, POLICY_ACTION_PASS,
	      POLICY_GROUP_CLEAR, 2);
	entry(&entries[3], "198.51.100.0/24", 0, 0, POLICY_DIR_OUT | POLICY_DIR_IN, POLICY_ACTION_TRAP,
	      POLICY_GROUP_PRIVATE, 3);
	for (size_t i = 0; i < plan.n; i++)
		add_plan(&entries[i]);
	nkeep = icmp_bypass_policies(keep, 16);
	for (size_t i = 0; i < nkeep; i++) {
		pol[npol] = keep[i];
		readback(&pol[npol++]);
	}
	host_policy("192.0.2.1", "192.0.2.2", KERNEL_DIR_OUT, KERNEL_POLICY_TUNNEL, 0, TUNNEL_REQID, &pol[npol++]);
	host_policy("192.0.2.2", "192.0.2.1", KERNEL_DIR_IN, KERNEL_POLICY_TUNNEL, 0, TUNNEL_REQID, &pol[npol++]);
	add_sa("192.0.2.1", "192.0.2.2", 0xc0000001, TUNNEL_REQID);
	add_sa("192.0.2.2", "192.0.2.1", 0xc0000002, TUNNEL_REQID);
	add_sa("192.0.2.1", "198.51.100.9", 0, KERNEL_REQID_TRAP); /* larval: an ACQUIRE pending */
	add_sa("192.0.2.1", "203.0.113.9", 0x1000, 7);             /* someone else's */
	/* Foreign, harmless: above the band, elsewhere, or a socket's. */
	add_dst("192.0.2.0/25", KERNEL_DIR_OUT, 3000000, KERNEL_POLICY_PASS);
	add_dst("203.0.113.0/24", KERNEL_DIR_OUT, 100, KERNEL_POLICY_PASS);
	add_dst("2001:db8::/32", KERNEL_DIR_OUT, 0, KERNEL_POLICY_DROP);
	add_dst("0.0.0.0/0", (enum kernel_dir)3, 0, KERNEL_POLICY_PASS);
	memset(tunnels, 0, sizeof(tunnels));
	tunnels[0].serial = 3;
	kernel_addr_parse("192.0.2.2", &tunnels[0].peer);
	kernel_addr_parse("192.0.2.1", &tunnels[0].local);
	strcpy(tunnels[0].group, "private-or-clear");
	return 0;
}

static void run(struct audit_report *rep)
{
	struct audit_input in = {
		.plan = &plan, .keep = keep, .nkeep = nkeep, .policies = pol, .npolicies = npol, .sas = sas,
		.nsas = nsas, .tunnels = tunnels, .ntunnels = 1, .have_tunnels = true,
	};
	assert_int_equal(audit_run(&in, rep), 0);
}

static void text(const struct audit_finding *f, char *buf, size_t len)
{
	audit_finding_text(f, f->entry && f->entry->group != POLICY_GROUP_NONE ? "policies/FILE" : NULL, buf, len);
}

static void test_clean(void **state)
{
	(void)state;
	struct audit_report rep;
	run(&rep);
	assert_int_equal(rep.n, 0);
	assert_int_equal(rep.plan_policies, 7 + nkeep);
	assert_int_equal(rep.kernel_policies, npol);
	assert_int_equal(rep.foreign_policies, 4);
	assert_int_equal(rep.sas, 2);
	assert_int_equal(rep.tunnels, 1);
	audit_report_free(&rep);
}

static struct kernel_policy *find(const char *dst, enum kernel_dir dir)
{
	for (size_t i = 0; i < npol; i++) {
		char a[64], t[80];
		const struct kernel_addr *x = dir == KERNEL_DIR_OUT ? &pol[i].sel.dst : &pol[i].sel.src;
		snprintf(t, sizeof(t), "%s/%u", kernel_addr_format(x, a, sizeof(a)),
			 dir == KERNEL_DIR_OUT ? pol[i].sel.dst_plen : pol[i].sel.src_plen);
		if (pol[i].dir == dir && strcmp(t, dst) == 0 && kernel_priority_is_ours(pol[i].priority))
			return &pol[i];
	}
	fail_msg("no policy for %s", dst);
	return NULL;
}

static void drop_policy(struct kernel_policy *p)
{
	*p = pol[--npol];
}

static void test_missing(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	drop_policy(find("192.0.2.0/24", KERNEL_DIR_OUT));
	run(&rep);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.v[0].kind, AUDIT_MISSING);
	assert_ptr_equal(rep.v[0].entry, &entries[0]);
	assert_false(rep.v[0].has_have);
	text(&rep.v[0], line, sizeof(line));
	assert_string_equal(line, "missing: trap out 192.0.2.0/24 (private-or-clear, policies/FILE:1): the kernel "
				  "does not hold it; restart swanmeshd to install the plan again (a reload sends only "
				  "what changed)");
	audit_report_free(&rep);
}

static void test_differs(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	/* private's inbound drop came back as a pass; the clear port rule
	 * at another priority. */
	find("198.51.100.0/24", KERNEL_DIR_IN)->kind = KERNEL_POLICY_PASS;
	find("192.0.2.25/32", KERNEL_DIR_OUT)->priority += 4;
	run(&rep);
	assert_int_equal(rep.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(rep.v[i].kind, AUDIT_MISSING);
		assert_true(rep.v[i].has_have);
	}
	const struct audit_finding *f = rep.v[0].entry == &entries[3] ? &rep.v[0] : &rep.v[1];
	assert_int_equal(f->want.dir, KERNEL_DIR_IN);
	assert_int_equal(f->want.kind, KERNEL_POLICY_DROP);
	assert_int_equal(f->have.kind, KERNEL_POLICY_PASS);
	text(f, line, sizeof(line));
	assert_non_null(strstr(line, "missing: drop in 198.51.100.0/24 (private, policies/FILE:3): the kernel holds "
				     "pass at priority 2000143 in its place, not drop at 2000143"));
	f = f == &rep.v[0] ? &rep.v[1] : &rep.v[0];
	text(f, line, sizeof(line));
	assert_non_null(strstr(line, "missing: pass out 192.0.2.25/32 proto tcp dport 25 (clear, policies/FILE:2)"));
	audit_report_free(&rep);
}

static void test_missing_icmp_pass(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	for (size_t i = 0; i < npol; i++)
		if (pol[i].sel.proto == IPPROTO_ICMP) {
			drop_policy(&pol[i]);
			break;
		}
	run(&rep);
	assert_int_equal(rep.n, 1);
	assert_null(rep.v[0].entry);
	text(&rep.v[0], line, sizeof(line));
	assert_non_null(strstr(line, "missing: pass in any proto icmp type 3 (ICMP that always passes)"));
	audit_report_free(&rep);
}

static void test_stale(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	add_dst("203.0.113.7/32", KERNEL_DIR_OUT, 2000015, KERNEL_POLICY_PASS);
	/* A tunnel-rank policy of the band is the daemon's business, not stale. */
	add_dst("203.0.113.8/32", KERNEL_DIR_OUT, 2000013, KERNEL_POLICY_PASS);
	run(&rep);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.v[0].kind, AUDIT_STALE);
	assert_int_equal(rep.v[0].have.priority, 2000015);
	text(&rep.v[0], line, sizeof(line));
	assert_string_equal(line, "stale: pass out 203.0.113.7/32 priority 2000015: a swanmesh group policy that the "
				  "configuration does not ask for (left by an older configuration); restart swanmeshd, "
				  "which removes it, or: ip xfrm policy delete src 0.0.0.0/0 dst 203.0.113.7/32 dir out");
	audit_report_free(&rep);
}

static void test_foreign(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	add_dst("192.0.2.5/32", KERNEL_DIR_OUT, 100, KERNEL_POLICY_PASS);
	/* Inbound, udp from half of private's prefix: it meets private's
	 * inbound drop, and nothing else. */
	struct kernel_policy *p = add_dst("0.0.0.0/0", KERNEL_DIR_IN, 50, KERNEL_POLICY_DROP);
	assert_int_equal(kernel_prefix_parse("198.51.100.0/25", &p->sel.src, &p->sel.src_plen), 0);
	p->sel.proto = IPPROTO_UDP;
	run(&rep);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.v[0].kind, AUDIT_FOREIGN);
	assert_ptr_equal(rep.v[0].entry, &entries[0]);
	assert_int_equal(rep.v[0].have.priority, 100);
	assert_int_equal(rep.v[0].others, 0);
	text(&rep.v[0], line, sizeof(line));
	assert_string_equal(line, "foreign policy src 0.0.0.0/0 dst 192.0.2.5/32 dir out priority 100 (allow) "
				  "outranks swanmesh's trap for 192.0.2.0/24 (private-or-clear, policies/FILE:1): "
				  "traffic to it is decided by that policy, not by swanmesh; remove it or give it a "
				  "priority above 2004095");
	assert_int_equal(rep.v[1].kind, AUDIT_FOREIGN);
	assert_ptr_equal(rep.v[1].entry, &entries[3]);
	assert_int_equal(rep.v[1].want.dir, KERNEL_DIR_IN);
	text(&rep.v[1], line, sizeof(line));
	assert_non_null(strstr(line, "foreign policy src 198.51.100.0/25 dst 0.0.0.0/0 proto udp dir in priority 50 "
				     "(block) outranks swanmesh's drop for 198.51.100.0/24 (private, "));
	assert_non_null(strstr(line, "traffic from it"));
	audit_report_free(&rep);
}

/* One foreign catch-all: one finding, naming a group's policy, counting the rest. */
static void test_foreign_wide(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	add_dst("0.0.0.0/0", KERNEL_DIR_OUT, 0, KERNEL_POLICY_PASS);
	run(&rep);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.v[0].kind, AUDIT_FOREIGN);
	assert_int_not_equal(rep.v[0].entry->group, POLICY_GROUP_NONE);
	assert_int_equal(rep.v[0].others, 3);
	text(&rep.v[0], line, sizeof(line));
	assert_non_null(strstr(line, " and 3 more of its policies: traffic to it"));
	audit_report_free(&rep);
}

static void test_orphan_sa(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	add_sa("192.0.2.1", "192.0.2.9", 0x1234, 0x53000042);
	run(&rep);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.v[0].kind, AUDIT_ORPHAN_SA);
	assert_int_equal(rep.v[0].sa.reqid, 0x53000042);
	assert_int_equal(rep.sas, 3);
	text(&rep.v[0], line, sizeof(line));
	assert_string_equal(line, "SA without a policy: ESP 192.0.2.1 -> 192.0.2.9 spi 0x00001234 reqid 0x53000042: "
				  "no swanmesh tunnel policy uses its reqid (left by a tunnel that went away); restart "
				  "swanmeshd, which removes it, or: ip xfrm state delete src 192.0.2.1 dst 192.0.2.9 "
				  "proto esp spi 0x00001234");
	audit_report_free(&rep);
}

static void test_tunnel_missing(void **state)
{
	(void)state;
	char line[1024];
	struct audit_report rep;
	for (size_t i = 0; i < npol; i++)
		if (pol[i].kind == KERNEL_POLICY_TUNNEL && pol[i].dir == KERNEL_DIR_OUT) {
			drop_policy(&pol[i]);
			break;
		}
	run(&rep);
	/* Its SAs are not orphans: the in policy still names their reqid. */
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.v[0].kind, AUDIT_TUNNEL_MISSING);
	assert_int_equal(rep.v[0].want.dir, KERNEL_DIR_OUT);
	text(&rep.v[0], line, sizeof(line));
	assert_non_null(strstr(line, "tunnel #3 with 192.0.2.2 (private-or-clear): the kernel holds no out tunnel "
				     "policy for it (src 192.0.2.1/32 dst 192.0.2.2/32, priority 2000013)"));
	assert_non_null(strstr(line, "`swanmesh down 192.0.2.2`"));
	/* Without the daemon's list, tunnels are not checked. */
	struct audit_input in = { .plan = &plan, .keep = keep, .nkeep = nkeep, .policies = pol, .npolicies = npol };
	audit_report_free(&rep);
	assert_int_equal(audit_run(&in, &rep), 0);
	assert_int_equal(rep.n, 0);
	assert_int_equal(rep.tunnels, 0);
	audit_report_free(&rep);
}

static void test_overlap(void **state)
{
	(void)state;
	struct kernel_selector a, b;
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	assert_int_equal(kernel_prefix_parse("10.1.0.0/16", &a.dst, &a.dst_plen), 0);
	b = a;
	assert_int_equal(kernel_prefix_parse("10.1.200.3/32", &b.dst, &b.dst_plen), 0);
	assert_true(audit_selectors_overlap(&a, &b));
	assert_int_equal(kernel_prefix_parse("10.3.0.0/15", &b.dst, &b.dst_plen), 0);
	assert_false(audit_selectors_overlap(&a, &b));
	assert_int_equal(kernel_prefix_parse("10.0.0.0/15", &b.dst, &b.dst_plen), 0);
	assert_true(audit_selectors_overlap(&a, &b));
	a.proto = IPPROTO_TCP;
	a.dport = 25;
	b.proto = IPPROTO_TCP;
	b.dport = 80;
	assert_false(audit_selectors_overlap(&a, &b));
	b.dport = 0;
	assert_true(audit_selectors_overlap(&a, &b));
	b.proto = IPPROTO_UDP;
	assert_false(audit_selectors_overlap(&a, &b));
	b.proto = 0;
	b.family = AF_INET6;
	assert_false(audit_selectors_overlap(&a, &b));
}

/* The daemon's own JSON, read back. */
static void test_tunnels_parse(void **state)
{
	(void)state;
	char buf[2048];
	struct json_writer w;
	struct tunnel_info ti;
	struct kernel_sa_stats in, out;
	memset(&ti, 0, sizeof(ti));
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	ti.serial = 9;
	kernel_addr_parse("2001:db8::1", &ti.local);
	kernel_addr_parse("2001:db8::2", &ti.peer);
	strcpy(ti.group, "private");
	strcpy(ti.cidr, "2001:db8::/64");
	strcpy(ti.peer_id, "CN=\"east\", \"peer\":\"x\"");
	jw_init(&w, buf, sizeof(buf));
	jw_array_begin(&w);
	trafficstatus_json(&w, &ti, &in, &out);
	ti.serial = 10;
	trafficstatus_json(&w, &ti, &in, &out);
	jw_array_end(&w);
	assert_int_equal(jw_error(&w), 0);
	struct audit_tunnel *t = NULL;
	size_t n = 0;
	assert_int_equal(audit_tunnels_parse(buf, jw_len(&w), &t, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].serial, 9);
	assert_int_equal(t[1].serial, 10);
	assert_string_equal(t[0].group, "private");
	assert_int_equal(t[0].peer.family, AF_INET6);
	assert_memory_equal(t[0].peer.bytes, ti.peer.bytes, 16);
	assert_memory_equal(t[0].local.bytes, ti.local.bytes, 16);
	free(t);
	assert_int_equal(audit_tunnels_parse("[]\n", 3, &t, &n), 0);
	assert_int_equal(n, 0);
	assert_null(t);
	static const char *bad[] = { "", "{}", "[{\"peer\":\"192.0.2.2\"}]", "[{\"peer\":{}}]",
				     "[{\"peer\":\"192.0.2.2\",\"local\":\"192.0.2.1\"}", "[1]", "[] x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(audit_tunnels_parse(bad[i], strlen(bad[i]), &t, &n), -EPROTO);
		assert_null(t);
		assert_int_equal(n, 0);
	}
}

static void test_json(void **state)
{
	(void)state;
	char buf[4096], line[1024];
	struct audit_report rep;
	struct json_writer w;
	add_dst("192.0.2.5/32", KERNEL_DIR_OUT, 100, KERNEL_POLICY_PASS);
	run(&rep);
	assert_int_equal(rep.n, 1);
	text(&rep.v[0], line, sizeof(line));
	jw_init(&w, buf, sizeof(buf));
	audit_finding_json(&w, &rep.v[0], "policies/FILE", line);
	assert_int_equal(jw_error(&w), 0);
	assert_non_null(strstr(buf, "{\"kind\":\"foreign\",\"text\":\"foreign policy src 0.0.0.0/0"));
	assert_non_null(strstr(buf, "\"policy\":{\"dir\":\"out\",\"action\":\"allow\",\"priority\":100,\"swanmesh\":false,"
				    "\"selector\":{\"src\":\"0.0.0.0/0\",\"dst\":\"192.0.2.5/32\",\"proto\":0,"));
	assert_non_null(strstr(buf, "\"outranks\":{\"dir\":\"out\",\"action\":\"trap\",\"priority\":2000143,"
				    "\"swanmesh\":true"));
	assert_non_null(strstr(buf, "\"group\":\"private-or-clear\",\"file\":\"policies/FILE\",\"line\":1},\"others\":0}"));
	audit_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean, setup),
		cmocka_unit_test_setup(test_missing, setup),
		cmocka_unit_test_setup(test_differs, setup),
		cmocka_unit_test_setup(test_missing_icmp_pass, setup),
		cmocka_unit_test_setup(test_stale, setup),
		cmocka_unit_test_setup(test_foreign, setup),
		cmocka_unit_test_setup(test_foreign_wide, setup),
		cmocka_unit_test_setup(test_orphan_sa, setup),
		cmocka_unit_test_setup(test_tunnel_missing, setup),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_tunnels_parse),
		cmocka_unit_test_setup(test_json, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
