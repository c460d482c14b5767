/* Neighbour discovery pass policies (see ndp_bypass.h). */
#include "ndp_bypass.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Router solicitation/advertisement, neighbour solicitation/advertisement. */
static const uint8_t ndp_bypass_types[] = { 133, 134, 135, 136 };

int ndp_bypass_install(struct kernel *k, struct kernel_error *err)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN };
	for (size_t t = 0; t < sizeof(ndp_bypass_types); t++) {
		for (size_t d = 0; d < 2; d++) {
			struct kernel_policy p;
			memset(&p, 0, sizeof(p));
			p.sel.family = AF_INET6;
			p.sel.src.family = p.sel.dst.family = AF_INET6;
			p.sel.proto = IPPROTO_ICMPV6;
			p.sel.sport = ndp_bypass_types[t]; /* XFRM matches the ICMP type as the source port */
			p.dir = dirs[d];
			p.kind = KERNEL_POLICY_PASS;
			/* The most specific slot of the band, at the group rank. */
			p.priority = KERNEL_PRIO_BASE + KERNEL_RANK_GROUP;
			int r = kernel_policy_update(k, &p, err);
			if (r != 0)
				return r;
		}
	}
	return 0;
}
