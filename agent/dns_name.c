/* DNS owner names for addresses. */
#include "dns_name.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int dns_name_reverse(const char *text, char *out, size_t len)
{
	uint8_t b[16];
	size_t o = 0;
	if (inet_pton(AF_INET, text, b) == 1) {
		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa.", b[3], b[2], b[1], b[0]);
		return 0;
	}
	if (inet_pton(AF_INET6, text, b) != 1 || len < 74)
		return -1;
	for (int i = 15; i >= 0; i--)
		o += (size_t)snprintf(out + o, len - o, "%x.%x.", b[i] & 0xf, b[i] >> 4);
	snprintf(out + o, len - o, "ip6.arpa.");
	return 0;
}

int dns_name_wire_is(const uint8_t *wire, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	size_t at = 0, off = 0;
	while (at < len) {
		uint8_t l = wire[at++];
		if (l == 0)
			return at == len && off == nlen; /* the root label ends it */
		if (l > 63 || at + l > len)
			return 0; /* a compression pointer or past the end */
		if (off > 0) {
			if (off >= nlen || name[off] != '.')
				return 0;
			off++;
		}
		if (off + l > nlen || strncasecmp((const char *)wire + at, name + off, l) != 0)
			return 0;
		at += l;
		off += l;
	}
	return 0;
}
