/* Dumps (SA and policy lists) and the event socket reader. A dump is
 * collected whole before the caller sees it, so that an interrupted dump
 * (NLM_F_DUMP_INTR) can be retried without delivering anything twice. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define XFRM_DUMP_TRIES 5

struct xfrm_dump_buf {
	uint8_t *data;
	size_t len, cap;
};

static int xfrm_dump_append(struct xfrm_dump_buf *d, const void *msg, size_t len)
{
	if (d->len + len > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 65536;
		while (cap < d->len + len)
			cap *= 2;
		uint8_t *n = realloc(d->data, cap);
		if (n == NULL)
			return -ENOMEM;
		d->data = n;
		d->cap = cap;
	}
	memcpy(d->data + d->len, msg, len);
	d->len += len;
	return 0;
}

/* One attempt: 0 complete, -EINTR interrupted (retry), other <0 error. */
static int xfrm_dump_once(struct kernel *k, uint16_t type, struct xfrm_dump_buf *d, struct kernel_error *err)
{
	char req[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	uint32_t seq = nlh->nlmsg_seq = xfrm_next_seq(k);
	struct mnl_socket *s = xfrm_request_socket(k);
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return xfrm_error_set(err, -errno, "netlink send failed: %s", strerror(errno));
	bool intr = false;
	char buf[65536];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0)
			return xfrm_error_set(err, -errno, "netlink receive failed: %s", strerror(errno));
		int len = (int)n;
		for (const struct nlmsghdr *m = (const void *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (m->nlmsg_type == NLMSG_DONE)
				return intr ? -EINTR : 0;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				xfrm_extack(m, e->error ? e->error : -EPROTO, err);
				return err ? err->code : -EPROTO;
			}
			if (xfrm_dump_append(d, m, m->nlmsg_len) != 0)
				return xfrm_error_set(err, -ENOMEM, "out of memory collecting a dump");
		}
	}
}

int xfrm_dump(struct kernel *k, uint16_t type, xfrm_reply_cb cb, void *ctx, struct kernel_error *err)
{
	struct xfrm_dump_buf d = { NULL, 0, 0 };
	int r = -EINTR;
	for (int i = 0; i < XFRM_DUMP_TRIES && r == -EINTR; i++) {
		d.len = 0;
		r = xfrm_dump_once(k, type, &d, err);
	}
	if (r == -EINTR)
		xfrm_error_set(err, r, "the kernel interrupted the dump %d times in a row", XFRM_DUMP_TRIES);
	for (size_t off = 0; r == 0 && off < d.len;) {
		const struct nlmsghdr *m = (const void *)(d.data + off);
		r = cb(m, ctx);
		off += MNL_ALIGN(m->nlmsg_len);
	}
	free(d.data);
	return r < 0 ? r : 0;
}

int kernel_event_dispatch(struct kernel *k, kernel_event_cb cb, void *ctx, unsigned *malformed)
{
	char buf[8192];
	int delivered = 0;
	int fd = kernel_event_fd(k);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return delivered;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int len = (int)n;
		const struct nlmsghdr *m = (const void *)buf;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			struct kernel_event ev;
			int r = kernel_event_parse(m, m->nlmsg_len, &ev);
			if (r == 0) {
				cb(&ev, ctx);
				delivered++;
			} else if (r == -EBADMSG && malformed != NULL) {
				(*malformed)++;
			}
		}
		if (len != 0 && malformed != NULL)
			(*malformed)++; /* trailing bytes that are not a whole message */
	}
}
