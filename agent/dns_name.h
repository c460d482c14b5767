#ifndef SWANMESH_AGENT_DNS_NAME_H
#define SWANMESH_AGENT_DNS_NAME_H
#include <stddef.h>
#include <stdint.h>

/* The reverse-zone name of an address in text form, with the final dot
 * ("1.2.0.192.in-addr.arpa."). out needs 74 bytes for IPv6. 0 or -1. */
int dns_name_reverse(const char *address, char *out, size_t len);

/* Whether a name in wire form (RDATA of a PTR record: length-prefixed
 * labels, no compression) is the text name (with or without its final
 * dot; letters compared without case). Every length is checked. */
int dns_name_wire_is(const uint8_t *wire, size_t len, const char *name);

#endif
