/* UDP sockets for IKE on the libuv loop (see ike_socket.h). A raw fd with
 * uv_poll rather than uv_udp: we need recvmsg() for the destination
 * address (IP_PKTINFO) and for the error queue (IP_RECVERR). */
#include "ike_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_watch.h"
#include "kernel/kernel.h"

#define IKE_SOCKET_MAX 65536 /* a UDP datagram */
/* Datagrams taken by one recvmmsg(): under a flood a system call per
 * datagram was most of the cost (in the UML lab, far more than the
 * COOKIE itself). The slots' pages are touched only as far as datagrams
 * fill them. */
#define IKE_SOCKET_BATCH 16

struct ike_socket_slot {
	struct sockaddr_storage from;
	char ctl[256];
	uint8_t buf[IKE_SOCKET_MAX];
};

struct ike_socket {
	struct io_watch watch;
	int fd, family;
	bool natt;
	struct ike_socket_cbs cbs;
	void *ctx;
	unsigned long rx, tx, dropped;
	struct sockaddr_storage bound; /* our address and port as bound */
	struct ike_socket_slot slot[IKE_SOCKET_BATCH];
};

static int ike_socket_fail(char *why, size_t whylen, const char *what, int err)
{
	snprintf(why, whylen, "%s: %s", what, strerror(err));
	return -1;
}

static int ike_socket_options(int fd, int family, bool natt, char *why, size_t whylen)
{
	int one = 1;
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	struct kernel_error kerr;
	if (kernel_socket_bypass(fd, family, &kerr) != 0) {
		snprintf(why, whylen, "%s", kerr.msg);
		return -1;
	}
	if (setsockopt(fd, level, family == AF_INET ? IP_RECVERR : IPV6_RECVERR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, level, family == AF_INET ? IP_PKTINFO : IPV6_RECVPKTINFO, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		return ike_socket_fail(why, whylen, "cannot set socket options", errno);
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
		return ike_socket_fail(why, whylen, "cannot set IPV6_V6ONLY", errno);
	/* A thousand peers may start at once: their IKE_SA_INITs must not
	 * overflow the socket (a lost one costs a retransmission, 0.5 s and
	 * more). FORCE works for root (CAP_NET_ADMIN); else the default stays. */
	int rcvbuf = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	int encap = UDP_ENCAP_ESPINUDP;
	if (natt && setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap)) != 0)
		return ike_socket_fail(why, whylen, "cannot enable ESP-in-UDP on port 4500", errno);
	return 0;
}

static int ike_socket_bind(int fd, const char *address, int family, uint16_t port, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	void *a;
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		a = &s4->sin_addr;
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		a = &s6->sin6_addr;
		len = sizeof(*s6);
	}
	if (address != NULL && inet_pton(family, address, a) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv%d address", address, family == AF_INET ? 4 : 6);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
		char what[128];
		snprintf(what, sizeof(what), "cannot listen on %s port %u", address ? address : "any address", port);
		return ike_socket_fail(why, whylen, what, errno);
	}
	return 0;
}

/* Keeps the address and port the socket is bound to: every datagram's
 * "to" starts from it. */
static int ike_socket_bound(struct ike_socket *s, char *why, size_t whylen)
{
	socklen_t len = sizeof(s->bound);
	if (getsockname(s->fd, (struct sockaddr *)&s->bound, &len) != 0)
		return ike_socket_fail(why, whylen, "cannot read the bound address", errno);
	return 0;
}

/* Reports every queued error (ICMP unreachable for something we sent);
 * returns how many were taken off the queue. */
static int ike_socket_errors(struct ike_socket *s)
{
	for (int n = 0;; n++) {
		struct sockaddr_storage peer;
		char ctl[512];
		uint8_t quoted[64]; /* the IKE header is all we look at */
		struct iovec iov = { quoted, sizeof(quoted) };
		struct msghdr m = { &peer, sizeof(peer), &iov, 1, ctl, sizeof(ctl), 0 };
		ssize_t got = recvmsg(s->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (got < 0)
			return n;
		size_t len = (size_t)got > sizeof(quoted) ? sizeof(quoted) : (size_t)got, off = 0;
		if (s->natt) /* the non-ESP marker we sent first */
			off = len < 4 ? len : 4;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
			bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
			bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
			if ((!v4 && !v6) || c->cmsg_len < CMSG_LEN(sizeof(struct sock_extended_err)))
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if ((ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6) ||
			    ee.ee_errno == EMSGSIZE)
				continue;
			const char *why = ee.ee_errno == ECONNREFUSED ? "ICMP port unreachable"
					  : ee.ee_errno == EHOSTUNREACH ? "ICMP host unreachable"
					  : ee.ee_errno == ENETUNREACH ? "ICMP network unreachable"
									: strerror((int)ee.ee_errno);
			if (s->cbs.unreachable != NULL)
				s->cbs.unreachable(s->ctx, s, &peer, quoted + off, len - off, why);
		}
	}
}

/* Our address from the packet info, with the socket's port. */
static void ike_socket_local(const struct ike_socket *s, struct msghdr *m, struct sockaddr_storage *to)
{
	*to = s->bound;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)to)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)to)->sin6_addr = pi.ipi6_addr;
		}
	}
}

/* Errors that belong to an earlier datagram (ICMP), not to this call. */
static bool ike_socket_async_error(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN || err == EMSGSIZE;
}

/* Datagrams we can make nothing of are dropped: a broken fd is the only
 * reason to stop reading for good. */
static bool ike_socket_broken(int err)
{
	return err == EBADF || err == ENOTSOCK || err == EFAULT || err == EINVAL;
}

/* Datagrams read per readiness event. A flood faster than we answer never
 * lets the queue run empty: reading "until EAGAIN" would then never return
 * to the loop, and the control socket, timers and the XFRM socket would
 * wait for the flood to end. The watch is level-triggered: what is left
 * is read on the loop's next turn, after the others had theirs. */
#define IKE_SOCKET_BUDGET 64

/* One datagram as read into a slot: checked and handed to the callback. */
static void ike_socket_deliver(struct ike_socket *s, struct ike_socket_slot *sl, struct msghdr *m, size_t n)
{
	size_t off = 0;
	if (s->natt) {
		/* On 4500, IKE starts with four zero bytes; anything else is ESP
		 * the kernel should have taken. */
		static const uint8_t marker[4] = { 0, 0, 0, 0 };
		if (n < 4 || memcmp(sl->buf, marker, 4) != 0) {
			s->dropped++;
			return;
		}
		off = 4;
	}
	if ((m->msg_flags & MSG_TRUNC) || n - off < 28) {
		s->dropped++; /* shorter than an IKE header */
		return;
	}
	struct sockaddr_storage to;
	ike_socket_local(s, m, &to);
	s->rx++;
	s->cbs.recv(s->ctx, s, sl->buf + off, n - off, &sl->from, &to);
}

/* Reads the queued datagrams, up to the budget, a batch at a time;
 * returns how many, or -errno when the socket cannot be read any more. */
static int ike_socket_read(struct ike_socket *s)
{
	int got = 0;
	while (got < IKE_SOCKET_BUDGET) {
		unsigned want = IKE_SOCKET_BUDGET - got < IKE_SOCKET_BATCH ? (unsigned)(IKE_SOCKET_BUDGET - got)
									  : IKE_SOCKET_BATCH;
		struct mmsghdr mm[IKE_SOCKET_BATCH];
		struct iovec iov[IKE_SOCKET_BATCH];
		memset(mm, 0, sizeof(mm));
		for (unsigned i = 0; i < want; i++) {
			struct ike_socket_slot *sl = &s->slot[i];
			iov[i] = (struct iovec){ sl->buf, sizeof(sl->buf) };
			mm[i].msg_hdr = (struct msghdr){ &sl->from, sizeof(sl->from), &iov[i], 1, sl->ctl, sizeof(sl->ctl), 0 };
		}
		int n = recvmmsg(s->fd, mm, want, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (ike_socket_async_error(errno) || errno == EINTR) {
				got++; /* the details come from the error queue */
				continue;
			}
			return ike_socket_broken(errno) ? -errno : got;
		}
		for (int i = 0; i < n; i++)
			ike_socket_deliver(s, &s->slot[i], &mm[i].msg_hdr, mm[i].msg_len);
		got += n;
		if ((unsigned)n < want)
			return got; /* the queue ran empty (or an error waits for the next turn) */
	}
	return got;
}

static int ike_socket_on_event(void *ctx, bool error)
{
	struct ike_socket *s = ctx;
	(void)error; /* queued errors may come with a plain readable event too: drain both always */
	int e = ike_socket_errors(s);
	int d = ike_socket_read(s);
	return d < 0 ? d : e + d;
}

int ike_socket_open(uv_loop_t *loop, const char *address, int family, uint16_t port, bool natt,
		    const struct ike_socket_cbs *cbs, void *ctx, struct ike_socket **out, char *why, size_t whylen)
{
	*out = NULL;
	struct ike_socket *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ike_socket_fail(why, whylen, "out of memory", ENOMEM);
	s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->family = family;
	s->natt = natt;
	s->cbs = *cbs;
	s->ctx = ctx;
	if (s->fd < 0) {
		ike_socket_fail(why, whylen, "cannot create a UDP socket", errno);
		free(s);
		return -1;
	}
	if (ike_socket_options(s->fd, family, natt, why, whylen) != 0 ||
	    ike_socket_bind(s->fd, address, family, port, why, whylen) != 0 ||
	    ike_socket_bound(s, why, whylen) != 0) {
		close(s->fd);
		free(s);
		return -1;
	}
	char name[96];
	snprintf(name, sizeof(name), "IKE %s port %u", address ? address : (family == AF_INET ? "0.0.0.0" : "::"), port);
	int r = io_watch_start(loop, &s->watch, s->fd, name, ike_socket_on_event, s);
	if (r != 0) {
		snprintf(why, whylen, "cannot watch the socket of %s: %s", name, uv_strerror(r));
		ike_socket_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int ike_socket_send(struct ike_socket *s, const uint8_t *buf, size_t len, const struct sockaddr_storage *to)
{
	static const uint8_t marker[4] = { 0, 0, 0, 0 };
	struct iovec iov[2] = { { (void *)marker, 4 }, { (void *)buf, len } };
	socklen_t tolen = to->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct msghdr m = { (void *)to, tolen, s->natt ? iov : iov + 1, s->natt ? 2 : 1, NULL, 0, 0 };
	/* A send first reports (and clears) the error an earlier datagram to
	 * another peer raised; that one is read from the error queue, and this
	 * datagram must still leave. */
	for (int tries = 0; sendmsg(s->fd, &m, MSG_DONTWAIT) < 0; tries++)
		if (tries == 3 || !ike_socket_async_error(errno) || errno == EMSGSIZE)
			return -errno; /* EMSGSIZE: this datagram is too big, not an earlier one's error */
	s->tx++;
	return 0;
}

void ike_socket_counters(const struct ike_socket *s, unsigned long *rx, unsigned long *tx, unsigned long *dropped)
{
	*rx = s->rx;
	*tx = s->tx;
	*dropped = s->dropped;
}

static void ike_socket_closed(void *ctx)
{
	struct ike_socket *s = ctx;
	close(s->fd);
	free(s);
}

void ike_socket_close(struct ike_socket *s)
{
	if (s == NULL)
		return;
	io_watch_close(&s->watch, ike_socket_closed);
}
