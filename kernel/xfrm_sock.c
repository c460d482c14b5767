/* The netlink sockets: one for requests (with extended acks), one
 * subscribed to the XFRM event groups. */
#include "xfrm_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct kernel {
	struct mnl_socket *req;
	struct mnl_socket *ev;
	uint32_t seq;
	uint32_t portid;
};

struct mnl_socket *xfrm_request_socket(struct kernel *k)
{
	return k->req;
}

uint32_t xfrm_next_seq(struct kernel *k)
{
	return ++k->seq;
}

static int xfrm_sock_open(struct mnl_socket **out, struct kernel_error *err)
{
	*out = mnl_socket_open(NETLINK_XFRM);
	if (*out == NULL)
		return xfrm_error_set(err, -errno, "cannot open a NETLINK_XFRM socket: %s", strerror(errno));
	if (mnl_socket_bind(*out, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(*out);
		*out = NULL;
		return xfrm_error_set(err, -e, "cannot bind the NETLINK_XFRM socket: %s", strerror(e));
	}
	return 0;
}

int kernel_open(struct kernel **out, struct kernel_error *err)
{
	int r, one = 1;
	*out = NULL;
	struct kernel *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return xfrm_error_set(err, -ENOMEM, "out of memory");
	if ((r = xfrm_sock_open(&k->req, err)) != 0 || (r = xfrm_sock_open(&k->ev, err)) != 0)
		goto fail;
	/* Ask for the kernel's explanation with errors, without the echo of our request. */
	mnl_socket_setsockopt(k->req, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(k->req, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Room for the acknowledgements of a batch chunk (each ack is accounted
	 * at its skb size, ~1 KiB); FORCE works for root, else the default stays. */
	int rcvbuf = 4 << 20;
	setsockopt(mnl_socket_get_fd(k->req), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	/* A burst of ACQUIREs (a thousand peers trapped at once) must not
	 * overflow the event socket: an ACQUIRE lost is not repeated while its
	 * larval state lives. */
	rcvbuf = 8 << 20;
	setsockopt(mnl_socket_get_fd(k->ev), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	/* The kernel answers at once; never wait forever for a lost answer. */
	struct timeval tv = { 5, 0 };
	setsockopt(mnl_socket_get_fd(k->req), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	static int groups[] = { XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_MAPPING };
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (mnl_socket_setsockopt(k->ev, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(int)) < 0) {
			r = xfrm_error_set(err, -errno, "cannot join XFRM group %d: %s", groups[i], strerror(errno));
			goto fail;
		}
	}
	int fd = mnl_socket_get_fd(k->ev);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	k->portid = mnl_socket_get_portid(k->req);
	k->seq = (uint32_t)getpid() << 8;
	*out = k;
	return 0;
fail:
	kernel_close(k);
	return r;
}

void kernel_close(struct kernel *k)
{
	if (k == NULL)
		return;
	if (k->req != NULL)
		mnl_socket_close(k->req);
	if (k->ev != NULL)
		mnl_socket_close(k->ev);
	free(k);
}

int kernel_event_fd(const struct kernel *k)
{
	return mnl_socket_get_fd(k->ev);
}

int kernel_event_buffer_set(struct kernel *k, uint32_t bytes, struct kernel_error *err)
{
	int fd = mnl_socket_get_fd(k->ev);
	int n = bytes > INT32_MAX ? INT32_MAX : (int)bytes;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) == 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n)) == 0)
		return 0;
	return xfrm_error_set(err, -errno, "cannot size the event socket's buffer to %u bytes: %s", bytes,
			      strerror(errno));
}

static int xfrm_extack_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

void xfrm_extack(const struct nlmsghdr *nlh, int code, struct kernel_error *err)
{
	const char *text = NULL;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_get_payload_len(nlh) >= sizeof(*e)) {
		size_t off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		if (NLMSG_HDRLEN + off < nlh->nlmsg_len)
			mnl_attr_parse(nlh, (unsigned)off, xfrm_extack_cb, &text);
	}
	if (text != NULL && text[0] != '\0')
		xfrm_error_set(err, code, "%s (%s)", strerror(-code), text);
	else
		xfrm_error_set(err, code, "%s", strerror(-code));
}

/* Handles one received message of a transaction: 1 done, 0 continue, <0 error. */
static int xfrm_transact_msg(const struct nlmsghdr *nlh, uint32_t seq, bool want_reply,
			     xfrm_reply_cb cb, void *ctx, struct kernel_error *err)
{
	if (nlh->nlmsg_seq != seq)
		return 0; /* a stale answer to an earlier request */
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
			return xfrm_error_set(err, -EBADMSG, "truncated netlink error message");
		if (e->error == 0)
			return 1;
		xfrm_extack(nlh, e->error, err);
		return e->error;
	}
	if (cb != NULL) {
		int r = cb(nlh, ctx);
		if (r < 0)
			return r;
	}
	return want_reply ? 1 : 0;
}

int xfrm_transact(struct kernel *k, void *msg, xfrm_reply_cb cb, void *ctx, struct kernel_error *err)
{
	struct nlmsghdr *nlh = msg;
	uint32_t seq = xfrm_next_seq(k);
	nlh->nlmsg_seq = seq;
	bool want_reply = !(nlh->nlmsg_flags & NLM_F_ACK);
	if (mnl_socket_sendto(k->req, nlh, nlh->nlmsg_len) < 0)
		return xfrm_error_set(err, -errno, "netlink send failed: %s", strerror(errno));
	char buf[8192];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(k->req, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return xfrm_error_set(err, -ETIMEDOUT, "no answer from the kernel within 5 s");
			return xfrm_error_set(err, -errno, "netlink receive failed: %s", strerror(errno));
		}
		int len = (int)n;
		for (const struct nlmsghdr *m = (const void *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			int r = xfrm_transact_msg(m, seq, want_reply, cb, ctx, err);
			if (r != 0)
				return r > 0 ? 0 : r;
		}
	}
}
