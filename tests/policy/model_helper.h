#ifndef SWANMESH_TESTS_POLICY_MODEL_HELPER_H
#define SWANMESH_TESTS_POLICY_MODEL_HELPER_H
/* Builds a model from in-memory group files (indexed by enum policy_group). */
#include <stdlib.h>
#include <string.h>

#include "policy/model.h"

static inline struct policy_model *helper_model(const char *yaml, const char *const files[POLICY_GROUP_COUNT],
						struct policy_diags *d)
{
	struct policy_config *cfg = NULL;
	struct policy_entries e = { 0 };
	struct policy_model *m = NULL;
	if (policy_config_parse(yaml, strlen(yaml), "test.yaml", &cfg, d) != 0)
		return NULL;
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++)
		if (files[g] != NULL)
			policy_groupfile_parse(files[g], strlen(files[g]), policy_group_name((enum policy_group)g),
					       (enum policy_group)g, &e, d);
	if (policy_model_build(cfg, &e, NULL, 0, &m, d) != 0)
		return NULL;
	return m;
}
#endif
