#ifndef SWANMESH_AGENT_CLI_H
#define SWANMESH_AGENT_CLI_H
#include <stdbool.h>

/* Exit codes of `swanmesh` (documented in docs/cli.md and swanmesh(8)). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1,      /* the command ran and the answer is "no" (invalid config, ...) */
	CLI_EXIT_USAGE = 2,       /* bad arguments */
	CLI_EXIT_NO_DAEMON = 3,   /* swanmeshd is not running (no control socket) */
	CLI_EXIT_PERMISSION = 4,  /* the control socket or a file is not accessible */
	CLI_EXIT_INTERNAL = 5,    /* unexpected error (out of memory, ...) */
};

/* Options accepted before or after the command name. */
struct cli_opts {
	const char *config;   /* --config FILE, NULL: the default path */
	const char *ctl;      /* --ctl PATH, NULL: from the config */
	bool json;            /* --json */
};

/* One subcommand. argv[0] is the command name; global options are already removed. */
struct cli_command {
	const char *name;
	const char *usage;    /* arguments after the name, for the usage line */
	const char *summary;  /* one line for `swanmesh help` */
	int (*run)(const struct cli_opts *opts, int argc, char **argv);
};

/* The table of subcommands, terminated by a NULL name (cli_commands.c). */
extern const struct cli_command cli_commands[];

/* Splits argv into global options and the command's own arguments.
 * On success fills *opts, points *cmd_argv and *cmd_argc at the command and its
 * arguments (inside a copy owned by the caller, free with cli_args_free) and
 * returns 0; on a bad option prints one line to stderr and returns -1. */
int cli_args_parse(int argc, char **argv, struct cli_opts *opts, int *cmd_argc, char ***cmd_argv);
void cli_args_free(char **cmd_argv);

/* Looks up a command by name; NULL when unknown. */
const struct cli_command *cli_command_find(const char *name);

int cli_version_run(const struct cli_opts *opts, int argc, char **argv);
int cli_check_run(const struct cli_opts *opts, int argc, char **argv);
int cli_explain_run(const struct cli_opts *opts, int argc, char **argv);
/* cli_audit.c: the kernel's policies and SAs against the plan. */
int cli_audit_run(const struct cli_opts *opts, int argc, char **argv);
/* cli_nss.c: the node's NSS database. */
int cli_initnss_run(const struct cli_opts *opts, int argc, char **argv);
int cli_import_run(const struct cli_opts *opts, int argc, char **argv);
int cli_listcerts_run(const struct cli_opts *opts, int argc, char **argv);
int cli_showhostkey_run(const struct cli_opts *opts, int argc, char **argv);
int cli_dnskey_run(const struct cli_opts *opts, int argc, char **argv);
/* cli_config.c: opts->config (or the default) for a command; errors are
 * printed with the command's name. Caller frees (policy_config_free); NULL
 * when invalid. */
struct policy_config;
struct policy_config *cli_config_load(const struct cli_opts *opts, const char *cmd);

/* cli_policy.c: shared by check and explain. */
#include "policy/model.h"
#include "policy/plan.h"
/* This host's addresses (no loopback, no link-local) into *out (caller frees). Returns 0 or -1. */
int cli_policy_own_addresses(struct policy_addr **out, size_t *n);
/* Prints each diagnostic as one line to stderr (warnings only when asked). */
void cli_policy_print_diags(const struct policy_diags *d, bool warnings);
/* Loads opts->config (default path when NULL) with this host's addresses;
 * prints the diagnostics, or moves them to *keep when keep is not NULL (the
 * caller frees them); returns 0 with *out (caller frees) or -1. */
int cli_policy_load(const struct cli_opts *opts, const char *cmd, bool warnings,
		    struct policy_model **out, struct policy_diags *keep);
/* Prints s as a JSON string to stdout. */
void cli_json_str(const char *s);
/* Control-socket commands (cli_ctl.c). */
int cli_status_run(const struct cli_opts *opts, int argc, char **argv);
int cli_reload_run(const struct cli_opts *opts, int argc, char **argv);
int cli_ping_run(const struct cli_opts *opts, int argc, char **argv);
int cli_shuntstatus_run(const struct cli_opts *opts, int argc, char **argv);
int cli_trafficstatus_run(const struct cli_opts *opts, int argc, char **argv);
int cli_up_run(const struct cli_opts *opts, int argc, char **argv);
int cli_down_run(const struct cli_opts *opts, int argc, char **argv);

#endif
