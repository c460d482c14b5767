#ifndef SWANMESH_AGENT_CTL_PROTO_H
#define SWANMESH_AGENT_CTL_PROTO_H
/* Control-socket protocol (docs/operations.md), one request per connection:
 *   request:  [json ]COMMAND [ARG...]\n     at most CTL_MAX_REQUEST bytes with
 *             the newline; words separated by single spaces; each word made of
 *             printable ASCII other than space (no quoting needed for commands,
 *             names, addresses, CIDRs); at most CTL_MAX_ARGS words. A leading
 *             word "json" asks for a JSON body.
 *   response: "OK <len>\n" or "ERR <len>\n", then exactly <len> body bytes
 *             (len <= CTL_MAX_RESPONSE), then the server closes. */
#include <stdbool.h>
#include <stddef.h>

#define CTL_MAX_REQUEST 1024
#define CTL_MAX_RESPONSE (8 * 1024 * 1024) /* trafficstatus of ~50,000 tunnels */
#define CTL_MAX_ARGS 16
#define CTL_MAX_HEADER 32

struct ctl_request {
	char line[CTL_MAX_REQUEST];   /* the words, NUL-separated */
	bool json;
	int argc;                     /* argv[0] is the command */
	char *argv[CTL_MAX_ARGS + 1]; /* point into line */
};

/* Parses buf[0..len). Returns 1 when no newline yet (read more), 0 and fills
 * *req when complete (bytes after the newline are an error: -EPROTO),
 * -EMSGSIZE when the request is or would become too large, -EINVAL on a bad
 * character, empty word or no command, -E2BIG on too many words. */
int ctl_proto_request_parse(const char *buf, size_t len, struct ctl_request *req);

/* Builds a request line (with newline) into out[cap] from words. Returns its
 * length, or -EMSGSIZE/-EINVAL/-E2BIG under the same rules as the parser. */
int ctl_proto_request_build(char *out, size_t cap, bool json, int argc, char *const *argv);

/* Writes the status line into out[cap] (cap >= CTL_MAX_HEADER); returns its
 * length or -EMSGSIZE when body_len is over CTL_MAX_RESPONSE. */
int ctl_proto_response_header(char *out, size_t cap, bool ok, size_t body_len);

/* Parses a status line at the start of buf[0..len): returns 1 (need more),
 * 0 with *ok, *body_len, *header_len set, or -EPROTO / -EMSGSIZE. */
int ctl_proto_response_parse(const char *buf, size_t len, bool *ok, size_t *body_len, size_t *header_len);

#endif
