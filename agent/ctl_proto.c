/* Control protocol framing: pure functions, no I/O (fuzzable, unit-tested). */
#include "ctl_proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool ctl_proto_word_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static int ctl_proto_split(struct ctl_request *req, size_t n)
{
	size_t i = 0;
	req->argc = 0;
	while (i < n) {
		if (req->argc >= CTL_MAX_ARGS + 1)
			return -E2BIG;
		req->argv[req->argc++] = &req->line[i];
		while (i < n && req->line[i] != ' ') {
			if (!ctl_proto_word_char((unsigned char)req->line[i]))
				return -EINVAL;
			i++;
		}
		if (&req->line[i] == req->argv[req->argc - 1])
			return -EINVAL; /* empty word */
		if (i < n && i + 1 == n)
			return -EINVAL; /* trailing space */
		req->line[i++] = '\0';
	}
	req->line[n] = '\0';
	return 0;
}

int ctl_proto_request_parse(const char *buf, size_t len, struct ctl_request *req)
{
	const char *nl = memchr(buf, '\n', len > CTL_MAX_REQUEST ? CTL_MAX_REQUEST : len);
	int r;
	memset(req, 0, sizeof(*req));
	if (nl == NULL)
		return len >= CTL_MAX_REQUEST ? -EMSGSIZE : 1;
	size_t n = (size_t)(nl - buf);
	if (n + 1 != len)
		return -EPROTO;
	if (n == 0)
		return -EINVAL;
	memcpy(req->line, buf, n);
	if ((r = ctl_proto_split(req, n)) != 0)
		goto fail;
	if (strcmp(req->argv[0], "json") == 0) {
		req->json = true;
		req->argc--;
		memmove(&req->argv[0], &req->argv[1], (size_t)req->argc * sizeof(req->argv[0]));
	}
	r = -EINVAL;
	if (req->argc == 0)
		goto fail;
	r = -E2BIG;
	if (req->argc > CTL_MAX_ARGS)
		goto fail;
	req->argv[req->argc] = NULL;
	return 0;
fail:
	memset(req, 0, sizeof(*req));
	return r;
}

static int ctl_proto_append(char *out, size_t cap, size_t *len, const char *w)
{
	size_t n = strlen(w);
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!ctl_proto_word_char((unsigned char)w[i]))
			return -EINVAL;
	if (n + 2 > cap - *len)
		return -EMSGSIZE;
	if (*len > 0)
		out[(*len)++] = ' ';
	memcpy(out + *len, w, n);
	*len += n;
	return 0;
}

int ctl_proto_request_build(char *out, size_t cap, bool json, int argc, char *const *argv)
{
	size_t len = 0;
	int r;
	if (cap > CTL_MAX_REQUEST)
		cap = CTL_MAX_REQUEST;
	if (argc < 1)
		return -EINVAL;
	if (argc > CTL_MAX_ARGS)
		return -E2BIG;
	if (json && (r = ctl_proto_append(out, cap, &len, "json")) != 0)
		return r;
	for (int i = 0; i < argc; i++)
		if ((r = ctl_proto_append(out, cap, &len, argv[i])) != 0)
			return r;
	out[len++] = '\n';
	out[len] = '\0';
	return (int)len;
}

int ctl_proto_response_header(char *out, size_t cap, bool ok, size_t body_len)
{
	if (body_len > CTL_MAX_RESPONSE)
		return -EMSGSIZE;
	int n = snprintf(out, cap, "%s %zu\n", ok ? "OK" : "ERR", body_len);
	if (n < 0 || (size_t)n >= cap)
		return -EMSGSIZE;
	return n;
}

int ctl_proto_response_parse(const char *buf, size_t len, bool *ok, size_t *body_len, size_t *header_len)
{
	size_t lim = len < CTL_MAX_HEADER ? len : CTL_MAX_HEADER;
	const char *nl = memchr(buf, '\n', lim);
	size_t i, v = 0;
	if (nl == NULL)
		return len >= CTL_MAX_HEADER ? -EPROTO : 1;
	if (lim >= 3 && memcmp(buf, "OK ", 3) == 0) {
		*ok = true;
		i = 3;
	} else if (lim >= 4 && memcmp(buf, "ERR ", 4) == 0) {
		*ok = false;
		i = 4;
	} else {
		return -EPROTO;
	}
	if (&buf[i] == nl)
		return -EPROTO;
	for (; &buf[i] < nl; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -EPROTO;
		v = v * 10 + (size_t)(buf[i] - '0');
		if (v > CTL_MAX_RESPONSE)
			return -EMSGSIZE;
	}
	*body_len = v;
	*header_len = i + 1;
	return 0;
}
