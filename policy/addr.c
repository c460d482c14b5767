/* addr: parsing and formatting addresses and prefixes. */
#include "policy/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

unsigned policy_addr_maxlen(uint8_t family)
{
	return family == POLICY_AF_INET ? 32 : 128;
}

int policy_addr_parse(const char *s, struct policy_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, out->bytes) != 1)
			return -1;
		out->family = POLICY_AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, out->bytes) != 1)
		return -1;
	out->family = POLICY_AF_INET;
	return 0;
}

/* Parses a decimal prefix length 0..max; no sign, no leading zeros beyond "0". */
static int addr_parse_len(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(s);
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Clears the bits after len; returns true when any was set. */
static bool addr_mask(struct policy_addr *a, unsigned len)
{
	bool changed = false;
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = len > i * 8 ? len - i * 8 : 0;
		uint8_t mask = keep >= 8 ? 0xff : (uint8_t)(0xff00 >> keep);
		if (a->bytes[i] & (uint8_t)~mask)
			changed = true;
		a->bytes[i] &= mask;
	}
	return changed;
}

int policy_prefix_parse(const char *s, struct policy_prefix *out, bool *host_bits)
{
	char tmp[POLICY_ADDR_STRLEN];
	unsigned len;

	memset(out, 0, sizeof(*out));
	if (host_bits != NULL)
		*host_bits = false;
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	struct policy_addr a;
	if (policy_addr_parse(tmp, &a) != 0)
		return -1;
	unsigned max = policy_addr_maxlen(a.family);
	len = max;
	if (slash != NULL && addr_parse_len(slash + 1, max, &len) != 0)
		return -1;
	bool hb = addr_mask(&a, len);
	if (host_bits != NULL)
		*host_bits = hb;
	out->addr = a;
	out->len = (uint8_t)len;
	return 0;
}

char *policy_addr_format(const struct policy_addr *a, char *buf, size_t len)
{
	int af = a->family == POLICY_AF_INET ? AF_INET : AF_INET6;
	if (len == 0)
		return buf;
	if (inet_ntop(af, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

char *policy_prefix_format(const struct policy_prefix *p, char *buf, size_t len)
{
	char a[POLICY_ADDR_STRLEN];
	policy_addr_format(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

bool policy_prefix_contains(const struct policy_prefix *p, const struct policy_addr *a)
{
	if (p->addr.family != a->family)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr.bytes, a->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00 >> rest);
	return (p->addr.bytes[full] & mask) == (a->bytes[full] & mask);
}

bool policy_addr_equal(const struct policy_addr *a, const struct policy_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}
