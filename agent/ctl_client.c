/* Blocking control-socket client: connect, send one line, read the answer. */
#include "ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long ctl_client_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ctl_client_wait(int fd, short ev, long deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	for (;;) {
		long left = deadline - ctl_client_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		int r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int ctl_client_connect(const char *path, int *fd_out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	*fd_out = -1;
	if (n == 0 || n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*fd_out = fd;
	return 0;
}

static int ctl_client_send(int fd, const char *buf, size_t len, long deadline)
{
	size_t off = 0;
	while (off < len) {
		int r = ctl_client_wait(fd, POLLOUT, deadline);
		if (r != 0)
			return r;
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/* Reads into buf[have..cap) until full, EOF, or (line) a newline is in; returns bytes or -errno. */
static ssize_t ctl_client_recv(int fd, char *buf, size_t have, size_t cap, bool line, long deadline)
{
	while (have < cap) {
		int r = ctl_client_wait(fd, POLLIN, deadline);
		if (r != 0)
			return r;
		ssize_t n = recv(fd, buf + have, cap - have, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		have += (size_t)n;
		if (line && memchr(buf, '\n', have) != NULL)
			break;
	}
	return (ssize_t)have;
}

static int ctl_client_read(int fd, long deadline, struct ctl_response *resp)
{
	char head[CTL_MAX_HEADER];
	size_t body_len, hl;
	ssize_t n = ctl_client_recv(fd, head, 0, sizeof(head), true, deadline);
	if (n < 0)
		return (int)n;
	int r = ctl_proto_response_parse(head, (size_t)n, &resp->ok, &body_len, &hl);
	if (r != 0)
		return r < 0 ? r : -EPROTO;
	if ((resp->body = malloc(body_len + 1)) == NULL)
		return -ENOMEM;
	size_t extra = (size_t)n - hl;
	if (extra > body_len)
		return -EPROTO;
	memcpy(resp->body, head + hl, extra);
	n = ctl_client_recv(fd, resp->body, extra, body_len, false, deadline);
	if (n < 0)
		return (int)n;
	if ((size_t)n != body_len)
		return -EPROTO;
	resp->body[body_len] = '\0';
	resp->len = body_len;
	return 0;
}

int ctl_client_request(const char *path, int timeout_ms, bool json, int argc, char *const *argv,
		       struct ctl_response *resp)
{
	char line[CTL_MAX_REQUEST + 1];
	long deadline = ctl_client_now_ms() + timeout_ms;
	int fd = -1, r;
	memset(resp, 0, sizeof(*resp));
	if ((r = ctl_proto_request_build(line, sizeof(line), json, argc, argv)) < 0)
		return r;
	size_t len = (size_t)r;
	if ((r = ctl_client_connect(path, &fd)) != 0)
		goto out;
	if ((r = ctl_client_send(fd, line, len, deadline)) != 0)
		goto out;
	r = ctl_client_read(fd, deadline, resp);
out:
	if (fd >= 0)
		close(fd);
	if (r != 0)
		ctl_response_free(resp);
	return r;
}

void ctl_response_free(struct ctl_response *resp)
{
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}
