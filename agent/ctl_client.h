#ifndef SWANMESH_AGENT_CTL_CLIENT_H
#define SWANMESH_AGENT_CTL_CLIENT_H
/* Blocking client end of the control socket, for the CLI. */
#include <stdbool.h>
#include <stddef.h>

#include "ctl_proto.h"

#define CTL_CLIENT_TIMEOUT_MS 10000

struct ctl_response {
	bool ok;           /* "OK" status line */
	char *body;        /* owned: free with ctl_response_free; NUL-terminated */
	size_t len;
};

/* Sends one request (words argv[0..argc), optionally JSON) to the socket at
 * path and reads the whole response. On success returns 0 and fills *resp.
 * Errors (negative errno): -ENOENT/-ECONNREFUSED no daemon, -EACCES/-EPERM,
 * -ETIMEDOUT, -EPROTO bad response, -EMSGSIZE/-EINVAL/-E2BIG bad request,
 * -ENAMETOOLONG path too long. *resp is cleared on entry. */
int ctl_client_request(const char *path, int timeout_ms, bool json, int argc, char *const *argv,
		       struct ctl_response *resp);
void ctl_response_free(struct ctl_response *resp);

#endif
