#ifndef SWANMESH_AGENT_DAEMON_H
#define SWANMESH_AGENT_DAEMON_H
/* The swanmeshd skeleton: loop, signals, control socket, pid lock, readiness. */
#include <stdbool.h>

#define DAEMON_DEFAULT_CONFIG "/etc/swanmesh/swanmesh.yaml"

struct daemon_opts {
	const char *config;   /* --config, NULL: DAEMON_DEFAULT_CONFIG */
	const char *ctl;      /* hidden --ctl, NULL: daemon_ctl_path_from_config() */
	bool foreground;
	bool debug;
};

/* Where the control socket lives: --ctl, else node.control-socket of the
 * configuration. NULL (reasons logged) when the configuration is invalid.
 * The returned string is static or borrowed from opts. */
const char *daemon_ctl_path_from_config(const struct daemon_opts *opts);

/* Runs the daemon until stopped. Returns the process exit status (0 clean
 * stop, 1 failure after a logged reason). */
int daemon_run(const struct daemon_opts *opts);

#endif
