/* Watched fds that survive POLLERR (see io_watch.h). */
#include "io_watch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* Error events in a row that the owner drained nothing from: the error is
 * not one a read clears, and re-arming would spin the loop for ever. */
#define IO_WATCH_UNPRODUCTIVE_MAX 64

static struct io_watch *io_watch_list;
static io_watch_failed_fn io_watch_failed_hook;
static void *io_watch_failed_ctx;

void io_watch_on_failure(io_watch_failed_fn fn, void *ctx)
{
	io_watch_failed_hook = fn;
	io_watch_failed_ctx = ctx;
}

static void io_watch_fail(struct io_watch *w, const char *why)
{
	if (w->failed)
		return;
	w->failed = true;
	uv_poll_stop(&w->poll);
	log_error("%s: %s; it is no longer read", w->name, why);
	if (io_watch_failed_hook != NULL)
		io_watch_failed_hook(io_watch_failed_ctx, w->name, why);
}

static void io_watch_event(uv_poll_t *h, int status, int events)
{
	struct io_watch *w = h->data;
	/* UV_EBADF here is libuv's word for POLLERR: it has stopped the
	 * watcher. Any other status is a real failure of the handle. */
	bool error = status < 0 || (events & UV_DISCONNECT);
	if (status < 0 && status != UV_EBADF) {
		char why[128];
		snprintf(why, sizeof(why), "the event loop reported %s", uv_strerror(status));
		io_watch_fail(w, why);
		return;
	}
	w->st.events++;
	if (error)
		w->st.error_events++;
	int n = w->ready(w->ctx, error);
	if (n < 0) {
		char why[128];
		snprintf(why, sizeof(why), "read failed: %s", strerror(-n));
		io_watch_fail(w, why);
		return;
	}
	if (n > 0) {
		w->st.received += (uint64_t)n;
		w->st.last_receive_ms = uv_now(h->loop);
		w->unproductive = 0;
	} else if (error && ++w->unproductive >= IO_WATCH_UNPRODUCTIVE_MAX) {
		io_watch_fail(w, "reports an error that reading does not clear");
		return;
	}
	/* Re-arm what libuv stopped, unless the owner closed it meanwhile. */
	if (status < 0 && !uv_is_closing((const uv_handle_t *)&w->poll)) {
		int r = uv_poll_start(&w->poll, UV_READABLE, io_watch_event);
		if (r != 0) {
			char why[128];
			snprintf(why, sizeof(why), "cannot be watched again: %s", uv_strerror(r));
			io_watch_fail(w, why);
		}
	}
}

int io_watch_start(uv_loop_t *loop, struct io_watch *w, int fd, const char *name, io_watch_ready_fn ready,
		   void *ctx)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->ready = ready;
	w->ctx = ctx;
	w->st.name = w->name;
	int r = uv_poll_init(loop, &w->poll, fd);
	if (r != 0)
		return r;
	w->poll.data = w;
	w->open = true;
	if ((r = uv_poll_start(&w->poll, UV_READABLE, io_watch_event)) != 0)
		return r;
	struct io_watch **p = &io_watch_list;
	while (*p != NULL)
		p = &(*p)->next;
	*p = w;
	return 0;
}

static void io_watch_closed(uv_handle_t *h)
{
	struct io_watch *w = h->data;
	if (w->closed != NULL)
		w->closed(w->ctx);
}

void io_watch_close(struct io_watch *w, void (*closed)(void *ctx))
{
	if (!w->open) {
		if (closed != NULL)
			closed(w->ctx);
		return;
	}
	for (struct io_watch **p = &io_watch_list; *p != NULL; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->closed = closed;
	uv_poll_stop(&w->poll);
	uv_close((uv_handle_t *)&w->poll, io_watch_closed);
}

void io_watch_each(void (*fn)(void *ctx, const struct io_watch_stats *st), void *ctx)
{
	for (struct io_watch *w = io_watch_list; w != NULL; w = w->next) {
		/* From libuv itself: a watcher it stopped shows as not read. */
		w->st.reading = !w->failed && uv_is_active((const uv_handle_t *)&w->poll);
		fn(ctx, &w->st);
	}
}
