/* The lines of `swanmesh audit`: what was found, and what to do (see audit.h). */
#include "audit.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/config.h"
#include "policy/group.h"

#define AUDIT_RESTART "restart swanmeshd to install the plan again (a reload sends only what changed)"

const char *audit_policy_action(const struct kernel_policy *p, bool ours)
{
	switch (p->kind) {
	case KERNEL_POLICY_TRAP: return ours ? "trap" : "allow, ESP template (trap)";
	case KERNEL_POLICY_PASS: return ours ? "pass" : "allow";
	case KERNEL_POLICY_DROP: return ours ? "drop" : "block";
	case KERNEL_POLICY_TUNNEL: return ours ? "tunnel" : "allow, ESP template";
	}
	return "?";
}

void audit_prefix_text(uint8_t family, const struct kernel_addr *a, uint8_t plen, char *buf, size_t len)
{
	struct kernel_addr x = *a;
	char addr[64];
	x.family = family;
	kernel_addr_format(&x, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, plen);
}

/* numeric: the protocol as a number (what `ip xfrm` takes for every one). */
static void audit_proto_text(const struct kernel_selector *sel, bool numeric, char *buf, size_t len)
{
	const char *pn = numeric ? NULL : policy_proto_name(sel->proto);
	bool icmp = sel->proto == IPPROTO_ICMP || sel->proto == IPPROTO_ICMPV6;
	int n = 0;
	buf[0] = '\0';
	if (sel->proto == 0)
		return;
	if (pn != NULL)
		n = snprintf(buf, len, " proto %s", pn);
	else
		n = snprintf(buf, len, " proto %u", sel->proto);
	if (n < 0 || (size_t)n >= len)
		return;
	/* XFRM matches the ICMP type as the source port. */
	if (icmp && sel->sport != 0)
		snprintf(buf + n, len - (size_t)n, " type %u", sel->sport);
	else if (sel->sport != 0 && sel->dport != 0)
		snprintf(buf + n, len - (size_t)n, " sport %u dport %u", sel->sport, sel->dport);
	else if (sel->sport != 0)
		snprintf(buf + n, len - (size_t)n, " sport %u", sel->sport);
	else if (sel->dport != 0)
		snprintf(buf + n, len - (size_t)n, " dport %u", sel->dport);
}

static void audit_selector_format(const struct kernel_selector *sel, bool numeric, char *buf, size_t len)
{
	char src[80], dst[80], proto[48];
	audit_prefix_text(sel->family, &sel->src, sel->src_plen, src, sizeof(src));
	audit_prefix_text(sel->family, &sel->dst, sel->dst_plen, dst, sizeof(dst));
	audit_proto_text(sel, numeric, proto, sizeof(proto));
	snprintf(buf, len, "src %s dst %s%s", src, dst, proto);
}

void audit_selector_text(const struct kernel_selector *sel, char *buf, size_t len)
{
	audit_selector_format(sel, false, buf, len);
}

void audit_remote_text(const struct kernel_policy *p, char *buf, size_t len)
{
	char pfx[80], proto[48];
	bool out = p->dir == KERNEL_DIR_OUT;
	const struct kernel_addr *a = out ? &p->sel.dst : &p->sel.src;
	uint8_t plen = out ? p->sel.dst_plen : p->sel.src_plen;
	if (plen == 0)
		snprintf(pfx, sizeof(pfx), "any");
	else
		audit_prefix_text(p->sel.family, a, plen, pfx, sizeof(pfx));
	audit_proto_text(&p->sel, false, proto, sizeof(proto));
	snprintf(buf, len, "%s%s", pfx, proto);
}

/* "(private-or-clear, FILE:1)", "(own address)", "(ICMP that always passes)". */
static void audit_origin_text(const struct policy_plan_entry *e, const char *file, char *buf, size_t len)
{
	if (e == NULL)
		snprintf(buf, len, "(ICMP that always passes)");
	else if (e->group == POLICY_GROUP_NONE)
		snprintf(buf, len, "(one of this node's addresses)");
	else if (file != NULL)
		snprintf(buf, len, "(%s, %s:%" PRIu32 ")", policy_group_name((enum policy_group)e->group), file, e->line);
	else
		snprintf(buf, len, "(%s, line %" PRIu32 ")", policy_group_name((enum policy_group)e->group), e->line);
}

static void audit_missing_text(const struct audit_finding *f, const char *file, char *buf, size_t len)
{
	char remote[128], origin[4200];
	audit_remote_text(&f->want, remote, sizeof(remote));
	audit_origin_text(f->entry, file, origin, sizeof(origin));
	const char *act = audit_policy_action(&f->want, true), *dir = kernel_dir_name(f->want.dir);
	if (!f->has_have) {
		snprintf(buf, len, "missing: %s %s %s %s: the kernel does not hold it; " AUDIT_RESTART, act, dir, remote,
			 origin);
		return;
	}
	bool ours = kernel_priority_is_ours(f->have.priority);
	snprintf(buf, len,
		 "missing: %s %s %s %s: the kernel holds %s at priority %" PRIu32 "%s in its place, not %s at %" PRIu32
		 "; " AUDIT_RESTART,
		 act, dir, remote, origin, audit_policy_action(&f->have, ours), f->have.priority,
		 ours ? "" : " (not swanmesh's)", act, f->want.priority);
}

/* `ip xfrm policy delete ...` for a policy, as a person would type it. */
static void audit_ip_delete(const struct kernel_policy *p, char *buf, size_t len)
{
	char sel[256];
	audit_selector_format(&p->sel, true, sel, sizeof(sel));
	snprintf(buf, len, "ip xfrm policy delete %s dir %s", sel, kernel_dir_name(p->dir));
}

static void audit_stale_text(const struct audit_finding *f, char *buf, size_t len)
{
	char remote[128], cmd[320];
	audit_remote_text(&f->have, remote, sizeof(remote));
	audit_ip_delete(&f->have, cmd, sizeof(cmd));
	snprintf(buf, len,
		 "stale: %s %s %s priority %" PRIu32 ": a swanmesh group policy that the configuration does not ask "
		 "for (left by an older configuration); restart swanmeshd, which removes it, or: %s",
		 audit_policy_action(&f->have, true), kernel_dir_name(f->have.dir), remote, f->have.priority, cmd);
}

static void audit_foreign_text(const struct audit_finding *f, const char *file, char *buf, size_t len)
{
	char sel[256], remote[128], origin[4200], more[64] = "";
	audit_selector_text(&f->have.sel, sel, sizeof(sel));
	audit_remote_text(&f->want, remote, sizeof(remote));
	audit_origin_text(f->entry, file, origin, sizeof(origin));
	if (f->others > 0)
		snprintf(more, sizeof(more), " and %u more of its policies", f->others);
	snprintf(buf, len,
		 "foreign policy %s dir %s priority %" PRIu32 " (%s) outranks swanmesh's %s for %s %s%s: traffic %s it "
		 "is decided by that policy, not by swanmesh; remove it or give it a priority above %u",
		 sel, kernel_dir_name(f->have.dir), f->have.priority, audit_policy_action(&f->have, false),
		 audit_policy_action(&f->want, true), remote, origin, more, f->have.dir == KERNEL_DIR_OUT ? "to" : "from",
		 KERNEL_PRIO_BASE + KERNEL_PRIO_SPAN - 1);
}

static void audit_orphan_text(const struct audit_finding *f, char *buf, size_t len)
{
	char src[64], dst[64];
	kernel_addr_format(&f->sa.src, src, sizeof(src));
	kernel_addr_format(&f->sa.dst, dst, sizeof(dst));
	snprintf(buf, len,
		 "SA without a policy: ESP %s -> %s spi 0x%08" PRIx32 " reqid 0x%08" PRIx32 ": no swanmesh tunnel policy "
		 "uses its reqid (left by a tunnel that went away); restart swanmeshd, which removes it, or: "
		 "ip xfrm state delete src %s dst %s proto esp spi 0x%08" PRIx32,
		 src, dst, f->sa.spi, f->sa.reqid, src, dst, f->sa.spi);
}

static void audit_tunnel_text(const struct audit_finding *f, char *buf, size_t len)
{
	char peer[64], sel[256];
	kernel_addr_format(&f->tunnel.peer, peer, sizeof(peer));
	audit_selector_text(&f->want.sel, sel, sizeof(sel));
	snprintf(buf, len,
		 "tunnel #%" PRIu32 " with %s (%s): the kernel holds no %s tunnel policy for it (%s, priority %" PRIu32
		 "): its traffic meets the group's policy, not the tunnel; run `swanmesh down %s` and let the next "
		 "packet negotiate again",
		 f->tunnel.serial, peer, f->tunnel.group[0] ? f->tunnel.group : "no group", kernel_dir_name(f->want.dir),
		 sel, f->want.priority, peer);
}

void audit_finding_text(const struct audit_finding *f, const char *file, char *buf, size_t len)
{
	switch (f->kind) {
	case AUDIT_MISSING: audit_missing_text(f, file, buf, len); return;
	case AUDIT_STALE: audit_stale_text(f, buf, len); return;
	case AUDIT_FOREIGN: audit_foreign_text(f, file, buf, len); return;
	case AUDIT_ORPHAN_SA: audit_orphan_text(f, buf, len); return;
	case AUDIT_TUNNEL_MISSING: audit_tunnel_text(f, buf, len); return;
	}
	snprintf(buf, len, "?");
}
