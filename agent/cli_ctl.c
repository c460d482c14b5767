/* `swanmesh status|reload|ping|shuntstatus|trafficstatus|up|down`: forward
 * to swanmeshd, print the answer. */
#include "cli_ctl.h"
#include "kernel/kernel.h"
#include "policy/config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *cli_ctl_path(const struct cli_opts *opts)
{
	static char path[4096];
	if (opts->ctl != NULL)
		return opts->ctl;
	/* node.control-socket; with an invalid configuration (its errors are
	 * printed) the default, where a daemon started earlier may still be. */
	struct policy_config *cfg = cli_config_load(opts, "config");
	snprintf(path, sizeof(path), "%s", cfg ? cfg->control_socket : "/run/swanmesh/ctl");
	policy_config_free(cfg);
	return path;
}

int cli_ctl_error(const char *path, int err)
{
	switch (err) {
	case -ENOENT:
	case -ECONNREFUSED:
	case -ENOTDIR:
		fprintf(stderr, "swanmesh: swanmeshd is not running (no control socket at %s)\n", path);
		return CLI_EXIT_NO_DAEMON;
	case -EACCES:
	case -EPERM:
		fprintf(stderr, "swanmesh: permission denied on %s: run as root (the socket is root's, mode 0660)\n",
			path);
		return CLI_EXIT_PERMISSION;
	case -ETIMEDOUT:
		fprintf(stderr, "swanmesh: swanmeshd did not answer on %s within %d s\n", path,
			CTL_CLIENT_TIMEOUT_MS / 1000);
		return CLI_EXIT_INTERNAL;
	case -EMSGSIZE:
	case -EINVAL:
	case -E2BIG:
		fprintf(stderr, "swanmesh: request not sendable: %s\n", strerror(-err));
		return CLI_EXIT_USAGE;
	case -EPROTO:
		fprintf(stderr, "swanmesh: malformed answer from swanmeshd on %s\n", path);
		return CLI_EXIT_INTERNAL;
	default:
		fprintf(stderr, "swanmesh: control socket %s: %s\n", path, strerror(-err));
		return CLI_EXIT_INTERNAL;
	}
}

int cli_ctl_call(const struct cli_opts *opts, int argc, char *const *argv, struct ctl_response *resp)
{
	const char *path = cli_ctl_path(opts);
	int r = ctl_client_request(path, CTL_CLIENT_TIMEOUT_MS, opts->json, argc, argv, resp);
	return r == 0 ? CLI_EXIT_OK : cli_ctl_error(path, r);
}

/* Sends argv and prints the daemon's body: stdout, or stderr for an error. */
static int cli_ctl_forward(const struct cli_opts *opts, int argc, char **argv)
{
	struct ctl_response resp;
	int rc = cli_ctl_call(opts, argc, argv, &resp);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (resp.ok) {
		fwrite(resp.body, 1, resp.len, stdout);
	} else if (opts->json) {
		fwrite(resp.body, 1, resp.len, stdout);
		rc = CLI_EXIT_FAILED;
	} else {
		fprintf(stderr, "swanmesh: %s: %.*s", argv[0], (int)resp.len, resp.body);
		rc = CLI_EXIT_FAILED;
	}
	if (resp.len > 0 && resp.body[resp.len - 1] != '\n')
		fputc('\n', resp.ok || opts->json ? stdout : stderr);
	ctl_response_free(&resp);
	return rc;
}

/* Runs a command that takes no arguments. */
static int cli_ctl_simple(const struct cli_opts *opts, int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "swanmesh: %s takes no arguments (see: swanmesh help)\n", argv[0]);
		return CLI_EXIT_USAGE;
	}
	return cli_ctl_forward(opts, 1, argv);
}

/* up/down ADDRESS: the address is checked here, so a typo is a usage error. */
static int cli_ctl_peer(const struct cli_opts *opts, int argc, char **argv)
{
	struct kernel_addr a;
	if (argc != 2) {
		fprintf(stderr, "swanmesh: usage: swanmesh %s ADDRESS\n", argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (kernel_addr_parse(argv[1], &a) != 0) {
		fprintf(stderr, "swanmesh: %s: '%s' is not an IPv4 or IPv6 address\n", argv[0], argv[1]);
		return CLI_EXIT_USAGE;
	}
	return cli_ctl_forward(opts, argc, argv);
}

int cli_status_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_simple(opts, argc, argv);
}

int cli_reload_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_simple(opts, argc, argv);
}

int cli_ping_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_simple(opts, argc, argv);
}

int cli_shuntstatus_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_simple(opts, argc, argv);
}

int cli_trafficstatus_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_simple(opts, argc, argv);
}

int cli_up_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_peer(opts, argc, argv);
}

int cli_down_run(const struct cli_opts *opts, int argc, char **argv)
{
	return cli_ctl_peer(opts, argc, argv);
}
