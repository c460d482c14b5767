/* Helpers on kernel/'s neutral types: addresses, selectors, priorities. */
#include "kernel/kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int kernel_addr_parse(const char *text, struct kernel_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

const char *kernel_addr_format(const struct kernel_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	if (inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "(bad)");
	return buf;
}

static uint8_t kernel_family_bits(uint8_t family)
{
	return family == AF_INET6 ? 128 : 32;
}

int kernel_prefix_parse(const char *text, struct kernel_addr *addr, uint8_t *plen)
{
	char tmp[64];
	size_t n = strlen(text);
	if (n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, text, n + 1);
	char *slash = strchr(tmp, '/');
	if (slash != NULL)
		*slash = '\0';
	if (kernel_addr_parse(tmp, addr) != 0)
		return -EINVAL;
	uint8_t max = kernel_family_bits(addr->family);
	*plen = max;
	if (slash == NULL)
		return 0;
	char *end;
	long v = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || v < 0 || v > max)
		return -EINVAL;
	*plen = (uint8_t)v;
	return 0;
}

int kernel_selector_host(const struct kernel_addr *src, const struct kernel_addr *dst,
			 struct kernel_selector *sel)
{
	memset(sel, 0, sizeof(*sel));
	if (src->family != dst->family || (src->family != AF_INET && src->family != AF_INET6))
		return -EINVAL;
	sel->family = src->family;
	sel->src = *src;
	sel->dst = *dst;
	sel->src_plen = sel->dst_plen = kernel_family_bits(src->family);
	return 0;
}

uint32_t kernel_priority(const struct kernel_selector *sel, enum kernel_rank rank)
{
	/* The remote side is the longer of the two prefixes: group policies
	 * leave our side open (any), host policies are exact on both. */
	unsigned plen = sel->src_plen > sel->dst_plen ? sel->src_plen : sel->dst_plen;
	unsigned maxlen = kernel_family_bits(sel->family);
	if (plen > maxlen)
		plen = maxlen;
	unsigned spec = (maxlen - plen) * 4 + (sel->proto == 0 ? 2 : 0) +
			(sel->sport == 0 && sel->dport == 0 ? 1 : 0);
	return KERNEL_PRIO_BASE + spec * 4 + (unsigned)rank;
}

bool kernel_priority_is_ours(uint32_t priority)
{
	return priority >= KERNEL_PRIO_BASE && priority < KERNEL_PRIO_BASE + KERNEL_PRIO_SPAN;
}

enum kernel_rank kernel_priority_rank(uint32_t priority)
{
	return (enum kernel_rank)((priority - KERNEL_PRIO_BASE) % 4);
}

bool kernel_reqid_is_ours(uint32_t reqid)
{
	return reqid >= KERNEL_REQID_MIN && reqid <= KERNEL_REQID_MAX;
}

const char *kernel_dir_name(enum kernel_dir dir)
{
	switch (dir) {
	case KERNEL_DIR_IN: return "in";
	case KERNEL_DIR_OUT: return "out";
	case KERNEL_DIR_FWD: return "fwd";
	}
	return "?";
}

void kernel_policy_key(const struct kernel_policy *p, struct kernel_policy_key *k)
{
	memset(k, 0, sizeof(*k));
	k->dir = (uint8_t)p->dir;
	k->family = p->sel.family;
	k->proto = p->sel.proto;
	k->src_plen = p->sel.src_plen;
	k->dst_plen = p->sel.dst_plen;
	k->sport = p->sel.sport;
	k->dport = p->sel.dport;
	memcpy(k->src, p->sel.src.bytes, 16);
	memcpy(k->dst, p->sel.dst.bytes, 16);
}

int kernel_policy_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct kernel_policy_key));
}
