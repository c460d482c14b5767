#include "cli.h"

#include <stdio.h>

#include "ike/ike_version.h"
#include "kernel/kernel_version.h"
#include "policy/policy_version.h"

int cli_version_run(const struct cli_opts *opts, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "swanmesh: version takes no arguments\n");
		return CLI_EXIT_USAGE;
	}
	if (opts->json)
		printf("{\"swanmesh\":\"0.1.0\",\"policy\":\"%s\",\"kernel\":\"%s\",\"ike\":\"%s\"}\n",
		       policy_version(), kernel_version(), ike_version());
	else
		printf("swanmesh 0.1.0 (%s, %s, %s)\n", policy_version(), kernel_version(), ike_version());
	return CLI_EXIT_OK;
}
