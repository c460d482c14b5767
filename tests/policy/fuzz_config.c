/* libFuzzer target: the YAML configuration loader, then print and re-parse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_diags d = { 0 };
	struct policy_config *c = NULL, *c2 = NULL;

	if (policy_config_parse((const char *)data, size, "fuzz.yaml", &c, &d) == 0) {
		char *s = policy_config_print(c);
		if (s != NULL) {
			/* What check prints must parse back to the same configuration. */
			if (policy_config_parse(s, strlen(s), "printed", &c2, &d) != 0 || !policy_config_equal(c, c2))
				abort();
			policy_config_free(c2);
			free(s);
		}
		policy_config_free(c);
	}
	policy_diags_free(&d);
	return 0;
}
