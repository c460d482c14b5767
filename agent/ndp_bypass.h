#ifndef SWANMESH_AGENT_NDP_BYPASS_H
#define SWANMESH_AGENT_NDP_BYPASS_H
/* IPv6 neighbour discovery must never meet IPsec: a trap on an IPv6
 * prefix would otherwise catch the neighbour advertisement that answers a
 * peer's solicitation (unicast, inside the prefix), so neither side could
 * resolve the other and IKE would fail with "host unreachable". Pass
 * policies for ICMPv6 router/neighbour solicitation and advertisement, both
 * directions, above every other swanmesh policy (like libreswan's). They
 * carry the group rank, so they stay in the kernel with the traps when the
 * agent stops. */
#include "kernel/kernel.h"

/* Installs (or refreshes) them. 0 or negative errno + err. */
int ndp_bypass_install(struct kernel *k, struct kernel_error *err);

#endif
