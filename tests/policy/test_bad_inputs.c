/* Every file under tests/policy/bad/ must produce exactly the diagnostics
 * written in its NAME.expect (file:line:col, severity, message); config files
 * must fail, group files must fail unless their .expect holds only warnings.
 * POLICY_FIXTURES_UPDATE=1 rewrites the .expect files (review the diff!). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "policy/config.h"
#include "policy/group.h"

typedef int (*parse_fn)(const char *buf, size_t len, const char *name, struct policy_diags *d);

static int parse_config(const char *buf, size_t len, const char *name, struct policy_diags *d)
{
	struct policy_config *cfg = NULL;
	int r = policy_config_parse(buf, len, name, &cfg, d);
	policy_config_free(cfg);
	return r;
}

static int parse_group(const char *buf, size_t len, const char *name, struct policy_diags *d)
{
	struct policy_entries e = { 0 };
	int r = policy_groupfile_parse(buf, len, name, POLICY_GROUP_PRIVATE, &e, d);
	policy_entries_free(&e);
	return r;
}

static void check_dir(const char *dir, parse_fn parse)
{
	char **names;
	size_t n = fixture_list(dir, &names), failures = 0;
	bool update = getenv("POLICY_FIXTURES_UPDATE") != NULL;
	assert_true(n > 5);
	assert_int_equal(chdir(dir), 0);
	for (size_t i = 0; i < n; i++) {
		struct policy_diags d = { 0 };
		size_t len;
		char exp_path[512];
		char *buf = fixture_read(names[i], &len);
		assert_non_null(buf);
		int r = parse(buf, len, names[i], &d);
		char *got = fixture_diags_text(&d);
		snprintf(exp_path, sizeof(exp_path), "%s.expect", names[i]);
		if (update) {
			FILE *f = fopen(exp_path, "w");
			assert_non_null(f);
			fputs(got, f);
			fclose(f);
		}
		char *want = fixture_read(exp_path, NULL);
		bool ok = want != NULL && strcmp(got, want) == 0 && (r != 0) == (d.errors > 0) && d.n > 0;
		if (!ok) {
			fprintf(stderr, "%s/%s: got (rc %d):\n%s--- want:\n%s", dir, names[i], r, got,
				want ? want : "(no .expect file)\n");
			failures++;
		}
		free(want);
		free(got);
		free(buf);
		policy_diags_free(&d);
	}
	assert_int_equal(chdir(POLICY_TEST_DIR), 0);
	fixture_list_free(names, n);
	assert_int_equal(failures, 0);
}

static void test_bad_configs(void **state)
{
	(void)state;
	check_dir(POLICY_TEST_DIR "/bad/config", parse_config);
}

static void test_bad_groupfiles(void **state)
{
	(void)state;
	check_dir(POLICY_TEST_DIR "/bad/groups", parse_group);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_bad_groupfiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
