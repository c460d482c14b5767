/* swanmesh check: validate the configuration and the group files offline,
 * print the diagnostics (stderr) and the effective configuration (stdout). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

int cli_check_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct policy_model *m = NULL;
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "swanmesh: check takes no arguments (usage: swanmesh check [--config FILE])\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = opts->config ? opts->config : POLICY_DEFAULT_CONFIG;
	if (cli_policy_load(opts, "check", true, &m) != 0) {
		fprintf(stderr, "swanmesh: %s: invalid\n", path);
		return CLI_EXIT_FAILED;
	}
	char *yaml = policy_config_print(policy_model_config(m));
	if (yaml == NULL) {
		policy_model_free(m);
		fprintf(stderr, "swanmesh: out of memory\n");
		return CLI_EXIT_INTERNAL;
	}
	printf("# effective configuration of %s (%zu group rules, %zu kernel policies)\n%s",
	       path, policy_model_rules(m), policy_model_plan(m)->n, yaml);
	free(yaml);
	policy_model_free(m);
	return CLI_EXIT_OK;
}
