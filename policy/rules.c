/* rules: the order of group entries (selector, then strictness). */
#include "internal.h"

#include <string.h>

int policy_entry_cmp(const void *pa, const void *pb)
{
	return entry_cmp(pa, pb);
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
