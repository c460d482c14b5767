/* Conversions between the address shapes of the modules (see addr_conv.h). */
#include "addr_conv.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static size_t addr_conv_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

int addr_conv_from_sockaddr(const struct sockaddr_storage *ss, struct ike_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)ss;
		out->family = AF_INET;
		memcpy(out->ip, &s4->sin_addr, 4);
		out->port = ntohs(s4->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)ss;
		/* A v4-mapped source cannot reach our IPV6_V6ONLY sockets. */
		out->family = AF_INET6;
		memcpy(out->ip, &s6->sin6_addr, 16);
		out->port = ntohs(s6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

int addr_conv_to_sockaddr(const struct ike_addr *a, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)out;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->ip, 4);
		s4->sin_port = htons(a->port);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)out;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->ip, 16);
		s6->sin6_port = htons(a->port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

void addr_conv_ike_to_kernel(const struct ike_addr *a, struct kernel_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	memcpy(out->bytes, a->ip, addr_conv_len(a->family));
}

void addr_conv_kernel_to_ike(const struct kernel_addr *a, uint16_t port, struct ike_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	memcpy(out->ip, a->bytes, addr_conv_len(a->family));
	out->port = port;
}

void addr_conv_kernel_to_policy(const struct kernel_addr *a, struct policy_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family == AF_INET6 ? POLICY_AF_INET6 : POLICY_AF_INET;
	memcpy(out->bytes, a->bytes, addr_conv_len(a->family));
}

void addr_conv_policy_to_kernel(const struct policy_addr *a, struct kernel_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family == POLICY_AF_INET6 ? AF_INET6 : AF_INET;
	memcpy(out->bytes, a->bytes, addr_conv_len(out->family));
}

bool addr_conv_kernel_equal(const struct kernel_addr *a, const struct kernel_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, addr_conv_len(a->family)) == 0;
}

