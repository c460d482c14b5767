/* libFuzzer target: the policy group file parser and the model built from it. */
#include <stddef.h>
#include <stdint.h>

#include "policy/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_diags d = { 0 };
	struct policy_entries e = { 0 };
	struct policy_model *m = NULL;
	struct policy_addr own = { .family = POLICY_AF_INET, .bytes = { 10, 0, 0, 1 } };

	policy_groupfile_parse((const char *)data, size, "fuzz", (enum policy_group)(size % 5), &e, &d);
	struct policy_config *cfg = policy_config_defaults();
	if (cfg != NULL)
		cfg->groups[POLICY_GROUP_PRIVATE].auth_missing = false;  /* private may be used */
	if (cfg != NULL && policy_model_build(cfg, &e, &own, 1, &m, &d) == 0) {
		struct policy_match r;
		policy_model_lookup(m, &own, 0, 0, 0, &r);
		struct policy_addr a = { .family = POLICY_AF_INET, .bytes = { 10, 1, 2, 3 } };
		policy_model_lookup(m, &a, 6, 0, 25, &r);
		policy_model_free(m);
	} else {
		policy_entries_free(&e);
	}
	policy_diags_free(&d);
	return 0;
}
