/* Control socket server: uv_pipe listener, bounded per-client buffers,
 * a name -> handler table, one request per connection. */
#include "ctl_server.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_SERVER_MAX_HANDLERS 32

struct ctl_handler {
	const char *name;
	ctl_handler_fn fn;
	void *ctx;
};

struct ctl_conn {
	uv_pipe_t pipe;
	uv_timer_t timer;
	uv_write_t wr;
	struct ctl_server *srv;
	struct ctl_conn *next, *prev;
	char in[CTL_MAX_REQUEST];
	size_t in_len;
	char header[CTL_MAX_HEADER];
	char *body;             /* owned, CTL_MAX_RESPONSE + 1 bytes */
	int closing;            /* handles still to close */
	bool answered;
};

struct ctl_server {
	uv_loop_t *loop;
	uv_pipe_t listener;
	char *path;             /* owned */
	struct ctl_handler handlers[CTL_SERVER_MAX_HANDLERS];
	int n_handlers;
	struct ctl_conn *conns;
	int n_conns;
	int refs;               /* listener + connections */
	bool closed;
	uint64_t requests, accept_errors;
};

static void ctl_server_unref(struct ctl_server *s)
{
	if (--s->refs > 0)
		return;
	free(s->path);
	free(s);
}

static void ctl_conn_closed(uv_handle_t *h)
{
	struct ctl_conn *c = h->data;
	if (--c->closing > 0)
		return;
	struct ctl_server *s = c->srv;
	free(c->body);
	free(c);
	ctl_server_unref(s);
}

static void ctl_conn_close(struct ctl_conn *c)
{
	if (c->closing > 0)
		return;
	struct ctl_server *s = c->srv;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->n_conns--;
	c->closing = 2;
	uv_close((uv_handle_t *)&c->pipe, ctl_conn_closed);
	uv_close((uv_handle_t *)&c->timer, ctl_conn_closed);
}

static void ctl_conn_written(uv_write_t *wr, int status)
{
	struct ctl_conn *c = wr->data;
	if (status != 0 && status != UV_ECANCELED)
		log_debug("control: write failed: %s", uv_strerror(status));
	if (status != UV_ECANCELED)
		ctl_conn_close(c);
}

static void ctl_conn_send(struct ctl_conn *c, struct ctl_reply *r)
{
	int hl = ctl_proto_response_header(c->header, sizeof(c->header), r->ok, r->len);
	if (hl < 0) {
		ctl_conn_close(c);
		return;
	}
	uv_buf_t bufs[2] = { uv_buf_init(c->header, (unsigned)hl), uv_buf_init(c->body, (unsigned)r->len) };
	c->answered = true;
	uv_read_stop((uv_stream_t *)&c->pipe);
	uv_timer_stop(&c->timer);
	c->wr.data = c;
	if (uv_write(&c->wr, (uv_stream_t *)&c->pipe, bufs, 2, ctl_conn_written) != 0)
		ctl_conn_close(c);
}

static const struct ctl_handler *ctl_server_find(const struct ctl_server *s, const char *name)
{
	for (int i = 0; i < s->n_handlers; i++)
		if (strcmp(s->handlers[i].name, name) == 0)
			return &s->handlers[i];
	return NULL;
}

static void ctl_reply_init(struct ctl_reply *r, char *buf, bool json)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->cap = CTL_MAX_RESPONSE + 1;
	r->ok = true;
	r->json = json;
	jw_init(&r->jw, buf, r->cap);
}

static void ctl_conn_dispatch(struct ctl_conn *c, const struct ctl_request *req)
{
	c->srv->requests++;
	struct ctl_reply r;
	ctl_reply_init(&r, c->body, req->json);
	const struct ctl_handler *h = ctl_server_find(c->srv, req->argv[0]);
	if (h == NULL) {
		ctl_reply_error(&r, "unknown command '%s'", req->argv[0]);
	} else {
		h->fn(h->ctx, req, &r);
		if (r.json && r.ok) {
			r.len = jw_len(&r.jw);
			if (jw_error(&r.jw) != 0)
				ctl_reply_error(&r, "response too large or malformed");
		} else if (r.overflow) {
			ctl_reply_error(&r, "response too large");
		}
	}
	ctl_conn_send(c, &r);
}

static void ctl_conn_refuse(struct ctl_conn *c, int err)
{
	struct ctl_reply r;
	ctl_reply_init(&r, c->body, false);
	ctl_reply_error(&r, "bad request: %s", err == -EMSGSIZE ? "too large" : "malformed");
	log_debug("control: refused a request: %s", strerror(-err));
	ctl_conn_send(c, &r);
}

static void ctl_conn_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct ctl_conn *c = h->data;
	(void)hint;
	/* One byte beyond the limit lets the parser see an oversize request. */
	*buf = uv_buf_init(c->in + c->in_len, (unsigned)(sizeof(c->in) - c->in_len));
}

static void ctl_conn_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct ctl_conn *c = st->data;
	struct ctl_request req;
	(void)buf;
	if (n < 0) {
		ctl_conn_close(c);
		return;
	}
	c->in_len += (size_t)n;
	int r = ctl_proto_request_parse(c->in, c->in_len, &req);
	if (r == 1 && c->in_len >= sizeof(c->in))
		r = -EMSGSIZE;
	if (r == 1)
		return;
	if (r < 0)
		ctl_conn_refuse(c, r);
	else
		ctl_conn_dispatch(c, &req);
}

static void ctl_conn_timeout(uv_timer_t *t)
{
	struct ctl_conn *c = t->data;
	log_debug("control: client idle too long, closing");
	ctl_conn_close(c);
}

static int ctl_conn_new(struct ctl_server *s, struct ctl_conn **out)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->body = malloc(CTL_MAX_RESPONSE + 1);
	if (c->body == NULL) {
		free(c);
		return -ENOMEM;
	}
	c->srv = s;
	uv_pipe_init(s->loop, &c->pipe, 0);
	uv_timer_init(s->loop, &c->timer);
	c->pipe.data = c;
	c->timer.data = c;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	s->n_conns++;
	s->refs++;
	*out = c;
	return 0;
}

static void ctl_server_accept(uv_stream_t *l, int status)
{
	struct ctl_server *s = l->data;
	struct ctl_conn *c;
	/* libuv keeps a listener armed after a failed accept (EMFILE and the
	 * like): say so, the next client may fare better. */
	if (status < 0) {
		s->accept_errors++;
		log_warn("control: cannot accept a client: %s", uv_strerror(status));
		return;
	}
	if (ctl_conn_new(s, &c) != 0)
		return;
	if (uv_accept(l, (uv_stream_t *)&c->pipe) != 0 || s->n_conns > CTL_SERVER_MAX_CLIENTS) {
		log_warn("control: too many clients or accept failed; dropping one");
		ctl_conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, ctl_conn_timeout, CTL_SERVER_CLIENT_TIMEOUT_MS, 0);
	if (uv_read_start((uv_stream_t *)&c->pipe, ctl_conn_alloc, ctl_conn_read) != 0)
		ctl_conn_close(c);
}

void ctl_server_stats(const struct ctl_server *s, struct ctl_server_stats *out)
{
	out->path = s->path;
	out->requests = s->requests;
	out->accept_errors = s->accept_errors;
	out->clients = (unsigned)s->n_conns;
}

int ctl_server_open(uv_loop_t *loop, const char *path, struct ctl_server **out)
{
	struct ctl_server *s;
	int r;
	*out = NULL;
	/* Older libuv truncates long paths silently; refuse them here. */
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		return -ENOMEM;
	}
	s->loop = loop;
	s->refs = 1;
	uv_pipe_init(loop, &s->listener, 0);
	s->listener.data = s;
	(void)unlink(path);
	mode_t old = umask(0117);
	r = uv_pipe_bind(&s->listener, path);
	umask(old);
	if (r == 0 && chmod(path, 0660) != 0)
		r = -errno;
	if (r == 0)
		r = uv_listen((uv_stream_t *)&s->listener, 16, ctl_server_accept);
	if (r != 0) {
		s->closed = true;
		uv_close((uv_handle_t *)&s->listener, NULL);
		free(s->path);
		s->path = NULL;
		/* freed by the caller's loop run; the handle holds no pointer to s after close */
		s->refs = 0;
		uv_run(loop, UV_RUN_NOWAIT);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

int ctl_server_register(struct ctl_server *s, const char *name, ctl_handler_fn fn, void *ctx)
{
	if (s->n_handlers >= CTL_SERVER_MAX_HANDLERS || ctl_server_find(s, name) != NULL)
		return -EEXIST;
	s->handlers[s->n_handlers++] = (struct ctl_handler){ name, fn, ctx };
	return 0;
}

static void ctl_server_listener_closed(uv_handle_t *h)
{
	ctl_server_unref(h->data);
}

void ctl_server_close(struct ctl_server *s)
{
	if (s == NULL || s->closed)
		return;
	s->closed = true;
	(void)unlink(s->path);
	while (s->conns != NULL)
		ctl_conn_close(s->conns);
	uv_close((uv_handle_t *)&s->listener, ctl_server_listener_closed);
}
