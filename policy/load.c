/* load: swanmesh.yaml and its policy-dir -> a model, in one go. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/model.h"

/* A relative policy-dir is relative to the configuration file's directory. */
static int load_resolve_dir(const char *config_path, const char *dir, char *buf, size_t len)
{
	const char *slash = strrchr(config_path, '/');
	int n;
	if (dir[0] == '/' || slash == NULL)
		n = snprintf(buf, len, "%s", dir);
	else
		n = snprintf(buf, len, "%.*s/%s", (int)(slash - config_path), config_path, dir);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int policy_load(const char *config_path, const struct policy_addr *own, size_t nown,
		struct policy_model **out, struct policy_diags *diags)
{
	struct policy_config *cfg = NULL;
	struct policy_entries entries = { 0 };
	char dir[4096];

	*out = NULL;
	if (config_path == NULL)
		config_path = POLICY_DEFAULT_CONFIG;
	if (policy_config_load(config_path, &cfg, diags) != 0)
		return -1;
	if (load_resolve_dir(config_path, cfg->policy_dir, dir, sizeof(dir)) != 0) {
		policy_diags_add(diags, POLICY_ERROR, config_path, 0, 0, "node.policy-dir: path too long");
		policy_config_free(cfg);
		return -1;
	}
	if (policy_groupdir_load(dir, &entries, diags) != 0) {
		policy_config_free(cfg);
		policy_entries_free(&entries);
		return -1;
	}
	return model_build_in(cfg, &entries, dir, own, nown, out, diags);
}
