/* Global option handling for `swanmesh`: options may stand before or after
 * the command (`swanmesh --ctl P trafficstatus` == `swanmesh trafficstatus --ctl P`). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cli_args_take_value(int argc, char **argv, int *i, const char **out)
{
	const char *opt = argv[*i];
	const char *eq = strchr(opt, '=');
	if (eq != NULL) {
		*out = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "swanmesh: option %s needs a value (see: swanmesh help)\n", opt);
		return -1;
	}
	*out = argv[++*i];
	return 0;
}

static int cli_args_is(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

int cli_args_parse(int argc, char **argv, struct cli_opts *opts, int *cmd_argc, char ***cmd_argv)
{
	memset(opts, 0, sizeof(*opts));
	*cmd_argc = 0;
	*cmd_argv = NULL;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (rest == NULL)
		return -1;
	int n = 0;
	bool after_dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (after_dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
			rest[n++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			after_dashdash = true;
		} else if (cli_args_is(a, "--config")) {
			if (cli_args_take_value(argc, argv, &i, &opts->config) != 0)
				goto fail;
		} else if (cli_args_is(a, "--ctl")) {
			if (cli_args_take_value(argc, argv, &i, &opts->ctl) != 0)
				goto fail;
		} else if (strcmp(a, "--json") == 0) {
			opts->json = true;
		} else {
			/* Not a global option: the command parses it. */
			rest[n++] = argv[i];
		}
	}
	*cmd_argc = n;
	*cmd_argv = rest;
	return 0;
fail:
	free(rest);
	return -1;
}

void cli_args_free(char **cmd_argv)
{
	free(cmd_argv);
}

const struct cli_command *cli_command_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
