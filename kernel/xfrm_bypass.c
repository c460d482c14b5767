/* Per-socket bypass for the agent's own IKE sockets: their packets must
 * neither be trapped nor need an SA, whatever the system policies say. */
#include "xfrm_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int kernel_socket_bypass(int fd, int family, struct kernel_error *err)
{
	int level, opt;
	if (family == AF_INET) {
		level = IPPROTO_IP;
		opt = IP_XFRM_POLICY;
	} else if (family == AF_INET6) {
		level = IPPROTO_IPV6;
		opt = IPV6_XFRM_POLICY;
	} else {
		return xfrm_error_set(err, -EAFNOSUPPORT, "bypass: family %d is neither IPv4 nor IPv6", family);
	}
	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		struct xfrm_userpolicy_info pol;
		memset(&pol, 0, sizeof(pol));
		pol.action = XFRM_POLICY_ALLOW;
		pol.sel.family = (uint16_t)family;
		pol.dir = (uint8_t)dir;
		if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
			return xfrm_error_set(err, -errno, "cannot set the IPsec bypass on socket %d (%s): %s", fd,
					      dir == XFRM_POLICY_IN ? "in" : "out", strerror(errno));
	}
	return 0;
}
