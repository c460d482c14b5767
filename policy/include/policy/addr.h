#ifndef SWANMESH_POLICY_ADDR_H
#define SWANMESH_POLICY_ADDR_H
/* Addresses and prefixes in policy/'s neutral form. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_AF_INET 4
#define POLICY_AF_INET6 6
#define POLICY_ADDR_STRLEN 64  /* enough for an IPv6 address with "/128" */

struct policy_addr {
	uint8_t family;     /* POLICY_AF_INET or POLICY_AF_INET6, 0: unset */
	uint8_t bytes[16];  /* network order; IPv4 in bytes[0..3], rest zero */
};

struct policy_prefix {
	struct policy_addr addr;  /* host bits are zero */
	uint8_t len;              /* 0..32 or 0..128 */
};

/* Parses a plain address ("192.0.2.1", "2001:db8::1") into *out (cleared
 * first). Returns 0, or -1 when s is not an address. */
int policy_addr_parse(const char *s, struct policy_addr *out);
/* Parses "ADDR" or "ADDR/LEN". A bare address is a host prefix (/32, /128).
 * *host_bits (may be NULL) is set when bits beyond LEN were set; they are
 * cleared in *out. Returns 0, or -1 when s is not an address or CIDR. */
int policy_prefix_parse(const char *s, struct policy_prefix *out, bool *host_bits);
/* Formats into buf (at least POLICY_ADDR_STRLEN); returns buf. */
char *policy_addr_format(const struct policy_addr *a, char *buf, size_t len);
char *policy_prefix_format(const struct policy_prefix *p, char *buf, size_t len);
/* 32 or 128. */
unsigned policy_addr_maxlen(uint8_t family);
/* true when a lies inside p. */
bool policy_prefix_contains(const struct policy_prefix *p, const struct policy_addr *a);
bool policy_addr_equal(const struct policy_addr *a, const struct policy_addr *b);

#endif
