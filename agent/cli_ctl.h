#ifndef SWANMESH_AGENT_CLI_CTL_H
#define SWANMESH_AGENT_CLI_CTL_H
/* CLI side of the control socket: one call, errors mapped to exit codes. */
#include "cli.h"
#include "ctl_client.h"


/* The socket path: --ctl, else (once policy/ is merged) the config's
 * node.control-socket, else /run/swanmesh/ctl. Borrowed/static. */
const char *cli_ctl_path(const struct cli_opts *opts);

/* Sends argv[0..argc) and prints nothing. On success returns CLI_EXIT_OK and
 * fills *resp (owned by the caller, ctl_response_free); otherwise prints one
 * line to stderr and returns the exit code (NO_DAEMON, PERMISSION, ...). */
int cli_ctl_call(const struct cli_opts *opts, int argc, char *const *argv, struct ctl_response *resp);

/* Maps a ctl_client_request error to an exit code, printing one line. */
int cli_ctl_error(const char *path, int err);

#endif
