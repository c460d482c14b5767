#ifndef SWANMESH_AGENT_CTL_SERVER_H
#define SWANMESH_AGENT_CTL_SERVER_H
/* Server end of the control socket, on libuv. One request per connection;
 * each client has a bounded input buffer and an idle timeout. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

#include "ctl_proto.h"
#include "json_writer.h"

#define CTL_SERVER_MAX_CLIENTS 32
#define CTL_SERVER_CLIENT_TIMEOUT_MS 5000

/* The body a handler fills: text (ctl_reply_printf) or, when reply->json,
 * JSON through ctl_reply_json(). */
struct ctl_reply {
	bool json;        /* the client asked for JSON */
	bool ok;          /* true unless ctl_reply_error was called */
	char *buf;        /* owned by the server, cap bytes */
	size_t cap;
	size_t len;
	bool overflow;
	struct json_writer jw;
};

void ctl_reply_printf(struct ctl_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Replaces the body with an error message (JSON: {"error":"..."}) and sets ok false. */
void ctl_reply_error(struct ctl_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The writer for JSON replies (borrowed; valid during the handler call). */
struct json_writer *ctl_reply_json(struct ctl_reply *r);

/* req and reply are borrowed for the call. */
typedef void (*ctl_handler_fn)(void *ctx, const struct ctl_request *req, struct ctl_reply *reply);

struct ctl_server;

/* Binds and listens on path (an existing socket file is replaced: the caller
 * holds the pid lock), sets mode 0660. *out is owned by the caller: release
 * with ctl_server_close. Returns 0 or a negative libuv/errno code. */
int ctl_server_open(uv_loop_t *loop, const char *path, struct ctl_server **out);
/* name is borrowed (a string literal); ctx borrowed. At most 32 handlers. */
int ctl_server_register(struct ctl_server *s, const char *name, ctl_handler_fn fn, void *ctx);
/* For `status`: the control socket is itself one of the daemon's sockets. */
struct ctl_server_stats {
	const char *path;          /* borrowed from s */
	uint64_t requests;         /* answered, this one included */
	uint64_t accept_errors;
	unsigned clients;          /* connected now */
};
void ctl_server_stats(const struct ctl_server *s, struct ctl_server_stats *out);

/* Closes the listener and every client, unlinks the socket; memory is freed
 * once libuv has closed all handles. */
void ctl_server_close(struct ctl_server *s);

#endif
