#ifndef SWANMESH_AGENT_ADDR_CONV_H
#define SWANMESH_AGENT_ADDR_CONV_H
/* One address, four shapes: the socket's (sockaddr), ike/'s (ike_addr, with
 * a port), kernel/'s (kernel_addr) and policy/'s (policy_addr). The bridge
 * between the modules is the only place that needs all four. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike/ike.h"
#include "kernel/kernel.h"
#include "policy/addr.h"

/* 0, or -EAFNOSUPPORT (out cleared) for a family other than IPv4/IPv6. */
int addr_conv_from_sockaddr(const struct sockaddr_storage *ss, struct ike_addr *out);
int addr_conv_to_sockaddr(const struct ike_addr *a, struct sockaddr_storage *out);
void addr_conv_ike_to_kernel(const struct ike_addr *a, struct kernel_addr *out);
void addr_conv_kernel_to_ike(const struct kernel_addr *a, uint16_t port, struct ike_addr *out);
void addr_conv_kernel_to_policy(const struct kernel_addr *a, struct policy_addr *out);
void addr_conv_policy_to_kernel(const struct policy_addr *a, struct kernel_addr *out);
/* Same family and address bytes; ports are not compared. */
bool addr_conv_kernel_equal(const struct kernel_addr *a, const struct kernel_addr *b);

#endif
