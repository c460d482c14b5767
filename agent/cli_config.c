/* The configuration for commands that only need its settings (paths,
 * resolvers): loaded once, errors printed with the command's name. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "policy/config.h"
#include "policy/diag.h"

struct policy_config *cli_config_load(const struct cli_opts *opts, const char *cmd)
{
	struct policy_config *cfg = NULL;
	struct policy_diags diags;
	memset(&diags, 0, sizeof(diags));
	if (policy_config_load(opts->config ? opts->config : POLICY_DEFAULT_CONFIG, &cfg, &diags) != 0) {
		for (size_t i = 0; i < diags.n; i++) {
			char line[1024];
			policy_diag_format(&diags.v[i], line, sizeof(line));
			fprintf(stderr, "swanmesh %s: %s\n", cmd, line);
		}
		cfg = NULL;
	}
	policy_diags_free(&diags);
	return cfg;
}
