/* ICMP pass policies (see icmp_bypass.h). */
#include "icmp_bypass.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

struct icmp_bypass_rule {
	uint8_t family, proto, type;
	bool out; /* in both directions, not only inbound */
};

static const struct icmp_bypass_rule icmp_bypass_rules[] = {
	{ AF_INET6, IPPROTO_ICMPV6, 133, true }, /* router solicitation */
	{ AF_INET6, IPPROTO_ICMPV6, 134, true }, /* router advertisement */
	{ AF_INET6, IPPROTO_ICMPV6, 135, true }, /* neighbour solicitation */
	{ AF_INET6, IPPROTO_ICMPV6, 136, true }, /* neighbour advertisement */
	{ AF_INET, IPPROTO_ICMP, 3, false },     /* destination unreachable */
	{ AF_INET6, IPPROTO_ICMPV6, 1, false },  /* destination unreachable */
	{ AF_INET6, IPPROTO_ICMPV6, 2, false },  /* packet too big */
};

/* Just below a host's tunnel (2000013), above its group policies (2000015). */
#define ICMP_BYPASS_ERROR_PRIORITY (KERNEL_PRIO_BASE + 3 * 4 + KERNEL_RANK_NEGOTIATION_SHUNT)

static void icmp_bypass_policy(const struct icmp_bypass_rule *r, enum kernel_dir dir, struct kernel_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->sel.family = r->family;
	p->sel.src.family = p->sel.dst.family = r->family;
	p->sel.proto = r->proto;
	p->sel.sport = r->type; /* XFRM matches the ICMP type as the source port, either way */
	p->dir = dir;
	p->kind = KERNEL_POLICY_PASS;
	/* Neighbour discovery above everything. Errors only above the group
	 * policies of a host (and so every wider one), below its tunnel: a peer
	 * with a tunnel sends its ICMP through it, and a cleartext error "from"
	 * it (spoofable) cannot reach what the tunnel protects. */
	p->priority = r->out ? KERNEL_PRIO_BASE + KERNEL_RANK_GROUP : ICMP_BYPASS_ERROR_PRIORITY;
}

size_t icmp_bypass_policies(struct kernel_policy *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(icmp_bypass_rules) / sizeof(icmp_bypass_rules[0]); i++) {
		const struct icmp_bypass_rule *r = &icmp_bypass_rules[i];
		if (n < cap)
			icmp_bypass_policy(r, KERNEL_DIR_IN, &out[n]);
		n++;
		if (r->out) {
			if (n < cap)
				icmp_bypass_policy(r, KERNEL_DIR_OUT, &out[n]);
			n++;
		}
	}
	return n;
}

int icmp_bypass_install(struct kernel *k, struct kernel_error *err)
{
	struct kernel_policy v[ICMP_BYPASS_MAX];
	size_t n = icmp_bypass_policies(v, sizeof(v) / sizeof(v[0]));
	for (size_t i = 0; i < n && i < sizeof(v) / sizeof(v[0]); i++) {
		int r = kernel_policy_update(k, &v[i], err);
		if (r != 0)
			return r;
	}
	return 0;
}
