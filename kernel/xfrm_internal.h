#ifndef SWANMESH_KERNEL_XFRM_INTERNAL_H
#define SWANMESH_KERNEL_XFRM_INTERNAL_H
/* Shared between kernel/'s files; not part of the public API. */
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdarg.h>

#include "kernel/kernel.h"

/* One message never needs more than this (largest: an SA with two keys). */
#define XFRM_REQ_MAX 2048

/* Fills *err (if not NULL) with code and a printf-style message; returns code. */
int xfrm_error_set(struct kernel_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Message builders: write one complete request into buf (XFRM_REQ_MAX
 * bytes), validating the neutral struct first. Return 0 or a negative errno
 * with *err explaining; nothing is written on error. */
int xfrm_build_sa(void *buf, uint16_t type, const struct kernel_sa *sa, struct kernel_error *err);
int xfrm_build_sa_id(void *buf, uint16_t type, const struct kernel_addr *src,
		     const struct kernel_addr *dst, uint32_t spi, struct kernel_error *err);
int xfrm_build_allocspi(void *buf, const struct kernel_addr *src, const struct kernel_addr *dst,
			uint32_t reqid, uint32_t min, uint32_t max, struct kernel_error *err);
int xfrm_build_policy(void *buf, uint16_t type, const struct kernel_policy *p, struct kernel_error *err);
int xfrm_build_policy_id(void *buf, uint16_t type, const struct kernel_selector *sel,
			 enum kernel_dir dir, struct kernel_error *err);
/* Deletes one policy by the index the kernel gave it (exact, even when
 * someone else has a policy with the same selector). */
void xfrm_build_policy_delete_index(void *buf, uint32_t index, enum kernel_dir dir);
/* Appends a request built in msg to a batch. */
int xfrm_batch_push(struct kernel_batch *b, const void *msg, void *cookie);

/* Conversions between neutral and kernel structs. */
int xfrm_selector_to_kernel(const struct kernel_selector *in, struct xfrm_selector *out,
			    struct kernel_error *err);
void xfrm_selector_from_kernel(const struct xfrm_selector *in, struct kernel_selector *out);
void xfrm_addr_from_kernel(const xfrm_address_t *in, uint16_t family, struct kernel_addr *out);
void xfrm_policy_from_kernel(const struct xfrm_userpolicy_info *in, struct kernel_policy *out);
/* Fills the template fields of *out from an XFRMA_TMPL payload (first template). */
void xfrm_policy_tmpl_from_kernel(const void *tmpl, size_t len, struct kernel_policy *out);

/* Request socket: sends one message and waits for its acknowledgement
 * (or its reply, passed to cb when not NULL). */
struct mnl_socket;
typedef int (*xfrm_reply_cb)(const struct nlmsghdr *nlh, void *ctx);
int xfrm_transact(struct kernel *k, void *msg, xfrm_reply_cb cb, void *ctx, struct kernel_error *err);
/* Dump request; cb runs for every message; retried on NLM_F_DUMP_INTR. */
int xfrm_dump(struct kernel *k, uint16_t type, xfrm_reply_cb cb, void *ctx, struct kernel_error *err);
/* Copies the extended-ack text (if any) of an NLMSG_ERROR into *err. */
void xfrm_extack(const struct nlmsghdr *nlh, int code, struct kernel_error *err);

struct mnl_socket *xfrm_request_socket(struct kernel *k);
uint32_t xfrm_next_seq(struct kernel *k);

#endif
