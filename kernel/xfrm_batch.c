/* Batches: many requests per send, every acknowledgement collected and
 * every failure reported with the caller's cookie. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of requests per sendmsg: the kernel handles them one after the
 * other; the acknowledgements of one chunk fit the default receive buffer. */
#define XFRM_BATCH_CHUNK (48 * 1024)
/* Requests per chunk: their acks must fit the receive buffer even when only
 * the default size (~208 KiB, each ack accounted at ~1 KiB) could be had. */
#define XFRM_BATCH_MSGS 128

struct kernel_batch {
	struct kernel *k;
	uint8_t *buf;
	size_t len, cap;
	void **cookies;
	size_t *offsets;
	size_t count, slots;
};

int kernel_batch_new(struct kernel *k, struct kernel_batch **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	(*out)->k = k;
	return 0;
}

void kernel_batch_free(struct kernel_batch *b)
{
	if (b == NULL)
		return;
	if (b->buf != NULL)
		explicit_bzero(b->buf, b->cap); /* SA requests hold keys */
	free(b->buf);
	free(b->cookies);
	free(b->offsets);
	free(b);
}

size_t kernel_batch_count(const struct kernel_batch *b)
{
	return b->count;
}

static int xfrm_batch_grow(struct kernel_batch *b, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		while (cap < b->len + len)
			cap *= 2;
		/* Not realloc: the old buffer may hold SA keys, and realloc would
		 * free it unwiped. */
		uint8_t *n = malloc(cap);
		if (n == NULL)
			return -ENOMEM;
		if (b->buf != NULL) {
			memcpy(n, b->buf, b->len);
			explicit_bzero(b->buf, b->cap);
			free(b->buf);
		}
		b->buf = n;
		b->cap = cap;
	}
	if (b->count == b->slots) {
		size_t slots = b->slots ? b->slots * 2 : 256;
		void **c = realloc(b->cookies, slots * sizeof(*c));
		if (c == NULL)
			return -ENOMEM;
		b->cookies = c;
		size_t *o = realloc(b->offsets, slots * sizeof(*o));
		if (o == NULL)
			return -ENOMEM;
		b->offsets = o;
		b->slots = slots;
	}
	return 0;
}

/* Appends the request built in msg (a complete nlmsghdr). */
int xfrm_batch_push(struct kernel_batch *b, const void *msg, void *cookie)
{
	const struct nlmsghdr *nlh = msg;
	size_t len = MNL_ALIGN(nlh->nlmsg_len);
	int r = xfrm_batch_grow(b, len);
	if (r != 0)
		return r;
	memcpy(b->buf + b->len, msg, len);
	b->offsets[b->count] = b->len;
	b->cookies[b->count++] = cookie;
	b->len += len;
	return 0;
}

int kernel_batch_policy_add(struct kernel_batch *b, const struct kernel_policy *p, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	int r = xfrm_build_policy(msg, XFRM_MSG_NEWPOLICY, p, NULL);
	return r ? r : xfrm_batch_push(b, msg, cookie);
}

int kernel_batch_policy_update(struct kernel_batch *b, const struct kernel_policy *p, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	int r = xfrm_build_policy(msg, XFRM_MSG_UPDPOLICY, p, NULL);
	return r ? r : xfrm_batch_push(b, msg, cookie);
}

int kernel_batch_policy_delete_index(struct kernel_batch *b, uint32_t index, enum kernel_dir dir, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	xfrm_build_policy_delete_index(msg, index, dir);
	return xfrm_batch_push(b, msg, cookie);
}

int kernel_batch_policy_delete(struct kernel_batch *b, const struct kernel_selector *sel,
			       enum kernel_dir dir, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	int r = xfrm_build_policy_id(msg, XFRM_MSG_DELPOLICY, sel, dir, NULL);
	return r ? r : xfrm_batch_push(b, msg, cookie);
}

int kernel_batch_sa_add(struct kernel_batch *b, const struct kernel_sa *sa, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	int r = xfrm_build_sa(msg, XFRM_MSG_NEWSA, sa, NULL);
	if (r == 0)
		r = xfrm_batch_push(b, msg, cookie);
	explicit_bzero(msg, sizeof(msg)); /* the keys */
	return r;
}

int kernel_batch_sa_delete(struct kernel_batch *b, const struct kernel_addr *src,
			   const struct kernel_addr *dst, uint32_t spi, void *cookie)
{
	uint8_t msg[XFRM_REQ_MAX];
	int r = xfrm_build_sa_id(msg, XFRM_MSG_DELSA, src, dst, spi, NULL);
	return r ? r : xfrm_batch_push(b, msg, cookie);
}

/* Sends requests [first, last) and collects their acknowledgements.
 * Returns the number of failures or a negative errno. */
static int xfrm_batch_chunk(struct kernel_batch *b, size_t first, size_t last, uint32_t seq0,
			    kernel_batch_error_cb cb, void *ctx)
{
	struct mnl_socket *s = xfrm_request_socket(b->k);
	size_t start = b->offsets[first];
	size_t end = last < b->count ? b->offsets[last] : b->len;
	if (mnl_socket_sendto(s, b->buf + start, end - start) < 0)
		return -errno;
	size_t pending = last - first;
	int failures = 0;
	char buf[8192];
	while (pending > 0) {
		ssize_t n = mnl_socket_recvfrom(s, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		int len = (int)n;
		for (const struct nlmsghdr *m = (const void *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type != NLMSG_ERROR || m->nlmsg_seq < seq0 || m->nlmsg_seq >= seq0 + (last - first))
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
			pending--;
			if (mnl_nlmsg_get_payload_len(m) < sizeof(*e) || e->error == 0)
				continue;
			struct kernel_error err;
			xfrm_extack(m, e->error, &err);
			failures++;
			if (cb != NULL)
				cb(b->cookies[first + (m->nlmsg_seq - seq0)], &err, ctx);
		}
	}
	return failures;
}

int kernel_batch_run(struct kernel_batch *b, kernel_batch_error_cb cb, void *ctx)
{
	int failures = 0, r = 0;
	size_t first = 0;
	while (first < b->count) {
		size_t last = first;
		uint32_t seq0 = 0;
		while (last < b->count && last - first < XFRM_BATCH_MSGS &&
		       (last == first || b->offsets[last] - b->offsets[first] < XFRM_BATCH_CHUNK)) {
			struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + b->offsets[last]);
			nlh->nlmsg_seq = xfrm_next_seq(b->k);
			nlh->nlmsg_flags |= NLM_F_ACK;
			if (last == first)
				seq0 = nlh->nlmsg_seq;
			last++;
		}
		r = xfrm_batch_chunk(b, first, last, seq0, cb, ctx);
		if (r < 0)
			break;
		failures += r;
		first = last;
	}
	if (b->buf != NULL)
		explicit_bzero(b->buf, b->len); /* SA requests held keys */
	b->len = b->count = 0;
	return r < 0 ? r : failures;
}
