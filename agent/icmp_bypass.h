#ifndef SWANMESH_AGENT_ICMP_BYPASS_H
#define SWANMESH_AGENT_ICMP_BYPASS_H
/* ICMP that must pass whatever the groups say, as pass policies at the
 * most specific slot of the band (docs/kernel-ownership.md):
 * - IPv6 neighbour discovery (types 133-136), in and out: a trap on an
 *   IPv6 prefix would catch the unicast neighbour advertisement to a
 *   peer, and neither side could resolve the other.
 * - inbound errors (ICMP destination unreachable, ICMPv6 destination
 *   unreachable and packet too big): a `private` prefix drops cleartext
 *   from its peers, and with it the port unreachable that tells us at once
 *   that a peer runs no IKE daemon, and the path MTU of our ESP.
 * Neighbour discovery sits at the most specific slot of the band, at the
 * group rank; the error passes just below a host's tunnel and above its
 * group policies (docs/kernel-ownership.md). Both stay in the kernel while
 * the agent is stopped. */
#include <stddef.h>

#include "kernel/kernel.h"

/* Room for every bypass policy. */
#define ICMP_BYPASS_MAX 16

/* The bypass policies, into out (cap entries); returns how many there are. */
size_t icmp_bypass_policies(struct kernel_policy *out, size_t cap);

/* Installs them (as updates: repeating it is harmless). 0 or -errno with err. */
int icmp_bypass_install(struct kernel *k, struct kernel_error *err);

#endif
