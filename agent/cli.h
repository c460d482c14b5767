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
/* Control-socket commands (cli_ctl.c). */
int cli_status_run(const struct cli_opts *opts, int argc, char **argv);
int cli_reload_run(const struct cli_opts *opts, int argc, char **argv);
int cli_ping_run(const struct cli_opts *opts, int argc, char **argv);

#endif
