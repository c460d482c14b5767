/* rules: the order of group entries (selector, then strictness). */
#include "internal.h"

#include <string.h>

static inline unsigned rules_spec(uint8_t proto, uint16_t sport, uint16_t dport)
{
	return (proto == 0 ? 2u : 0u) + (sport == 0 && dport == 0 ? 1u : 0u);
}

int policy_entry_cmp(const void *pa, const void *pb)
{
	const struct policy_entry *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	uint64_t x, y;
	memcpy(&x, a->addr, 8);
	memcpy(&y, b->addr, 8);
	if (x == y) {
		memcpy(&x, a->addr + 8, 8);
		memcpy(&y, b->addr + 8, 8);
	}
	if (x != y)
		return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	unsigned sa = rules_spec(a->proto, a->sport, a->dport), sb = rules_spec(b->proto, b->sport, b->dport);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

bool policy_entry_same_selector(const struct policy_entry *a, const struct policy_entry *b)
{
	return a->family == b->family && a->len == b->len && a->proto == b->proto &&
	       a->sport == b->sport && a->dport == b->dport && memcmp(a->addr, b->addr, 16) == 0;
}

int policy_selector_cmp(const struct policy_selector *a, const struct policy_selector *b)
{
	struct policy_entry x = { 0 }, y = { 0 };
	x.family = a->remote.addr.family;
	x.len = a->remote.len;
	x.proto = a->proto;
	x.sport = a->lport;
	x.dport = a->rport;
	memcpy(x.addr, a->remote.addr.bytes, 16);
	y.family = b->remote.addr.family;
	y.len = b->remote.len;
	y.proto = b->proto;
	y.sport = b->lport;
	y.dport = b->rport;
	memcpy(y.addr, b->remote.addr.bytes, 16);
	return policy_entry_cmp(&x, &y);
}
