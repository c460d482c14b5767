/* swanmesh check: validate the configuration and the group files offline,
 * print the diagnostics (stderr) and the effective configuration (stdout).
 * With --json: one object with the verdict and the diagnostics (stdout). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

static void check_print_json(const char *path, const struct policy_model *m, const struct policy_diags *d)
{
	printf("{\"config\":");
	cli_json_str(path);
	printf(",\"valid\":%s", m != NULL ? "true" : "false");
	if (m != NULL)
		printf(",\"rules\":%zu,\"kernel_policies\":%zu", policy_model_rules(m), policy_model_plan(m)->n);
	printf(",\"errors\":%zu,\"warnings\":%zu,\"diagnostics\":[", d->errors, d->warnings);
	for (size_t i = 0; i < d->n; i++) {
		const struct policy_diag *g = &d->v[i];
		printf("%s{\"file\":", i ? "," : "");
		cli_json_str(g->file);
		printf(",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"message\":", g->line, g->column,
		       g->severity == POLICY_ERROR ? "error" : "warning");
		cli_json_str(g->message);
		printf("}");
	}
	printf("]}\n");
}

static int check_print_yaml(const char *path, const struct policy_model *m)
{
	char *yaml = policy_config_print(policy_model_config(m));
	if (yaml == NULL) {
		fprintf(stderr, "swanmesh: out of memory\n");
		return CLI_EXIT_INTERNAL;
	}
	printf("# effective configuration of %s (%zu group rules, %zu kernel policies)\n%s",
	       path, policy_model_rules(m), policy_model_plan(m)->n, yaml);
	free(yaml);
	return CLI_EXIT_OK;
}

int cli_check_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct policy_model *m = NULL;
	struct policy_diags d = { 0 };
	int rc;
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "swanmesh: check takes no arguments (usage: swanmesh check [--config FILE] [--json])\n");
		return CLI_EXIT_USAGE;
	}
	const char *path = opts->config ? opts->config : POLICY_DEFAULT_CONFIG;
	int r = cli_policy_load(opts, "check", true, &m, &d);
	if (opts->json) {
		check_print_json(path, r == 0 ? m : NULL, &d);
		rc = r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	} else {
		cli_policy_print_diags(&d, true);
		if (r != 0)
			fprintf(stderr, "swanmesh: %s: invalid\n", path);
		rc = r == 0 ? check_print_yaml(path, m) : CLI_EXIT_FAILED;
	}
	policy_diags_free(&d);
	policy_model_free(m);
	return rc;
}
