/* DNS owner names for addresses. */
#include "dns_name.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>

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
