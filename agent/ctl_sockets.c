/* The watched fds in `status` (see ctl_sockets.h). */
#include "ctl_sockets.h"

#include <inttypes.h>
#include <stdio.h>

#include "io_watch.h"
#include "json_writer.h"

struct ctl_sockets_walk {
	uint64_t now_ms;
	struct ctl_reply *r;
	struct json_writer *w;
};

static void ctl_sockets_line(void *ctx, const struct io_watch_stats *st)
{
	struct ctl_sockets_walk *k = ctx;
	char last[48] = "nothing received yet";
	if (st->last_receive_ms != 0)
		snprintf(last, sizeof(last), "last %" PRIu64 "s ago", (k->now_ms - st->last_receive_ms) / 1000);
	ctl_reply_printf(k->r, "  %s: %s, %" PRIu64 " received, %" PRIu64 " error events, %s\n", st->name,
			 st->reading ? "reading" : "NOT READ (failed)", st->received, st->error_events, last);
}

void ctl_sockets_status_text(const struct ctl_server *ctl, uint64_t now_ms, struct ctl_reply *r)
{
	struct ctl_sockets_walk k = { now_ms, r, NULL };
	ctl_reply_printf(r, "sockets:\n");
	if (ctl != NULL) {
		struct ctl_server_stats cs;
		ctl_server_stats(ctl, &cs);
		ctl_reply_printf(r, "  control %s: serving, %" PRIu64 " requests (this one included), %u clients, %" PRIu64
				 " failed accepts\n", cs.path, cs.requests, cs.clients, cs.accept_errors);
	}
	io_watch_each(ctl_sockets_line, &k);
}

static void ctl_sockets_object(void *ctx, const struct io_watch_stats *st)
{
	struct ctl_sockets_walk *k = ctx;
	struct json_writer *w = k->w;
	jw_object_begin(w);
	jw_key(w, "name"); jw_string(w, st->name);
	jw_key(w, "reading"); jw_bool(w, st->reading);
	jw_key(w, "events"); jw_uint(w, st->events);
	jw_key(w, "received"); jw_uint(w, st->received);
	jw_key(w, "error_events"); jw_uint(w, st->error_events);
	jw_key(w, "last_receive_ms_ago");
	if (st->last_receive_ms != 0)
		jw_uint(w, k->now_ms - st->last_receive_ms);
	else
		jw_null(w);
	jw_object_end(w);
}

void ctl_sockets_status_json(const struct ctl_server *ctl, uint64_t now_ms, struct json_writer *w)
{
	struct ctl_sockets_walk k = { now_ms, NULL, w };
	jw_key(w, "sockets");
	jw_array_begin(w);
	if (ctl != NULL) {
		struct ctl_server_stats cs;
		ctl_server_stats(ctl, &cs);
		jw_object_begin(w);
		jw_key(w, "name"); jw_string(w, "control");
		jw_key(w, "path"); jw_string(w, cs.path);
		jw_key(w, "reading"); jw_bool(w, true);
		jw_key(w, "received"); jw_uint(w, cs.requests);
		jw_key(w, "clients"); jw_uint(w, cs.clients);
		jw_key(w, "accept_errors"); jw_uint(w, cs.accept_errors);
		jw_object_end(w);
	}
	io_watch_each(ctl_sockets_object, &k);
	jw_array_end(w);
}
