/* Rate limiter with a fake clock; level parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static void test_once_per_interval(void **state)
{
	struct log_ratelimit rl;
	uint32_t sup = 99;
	uint64_t a = log_ratelimit_key("192.0.2.1"), b = log_ratelimit_key("192.0.2.2");
	(void)state;
	log_ratelimit_init(&rl, 1000);
	assert_true(log_ratelimit_allow(&rl, a, 5000, &sup));
	assert_int_equal(sup, 0);
	assert_false(log_ratelimit_allow(&rl, a, 5001, NULL));
	assert_false(log_ratelimit_allow(&rl, a, 5999, NULL));
	assert_true(log_ratelimit_allow(&rl, b, 5999, NULL)); /* other key independent */
	assert_true(log_ratelimit_allow(&rl, a, 6000, &sup));
	assert_int_equal(sup, 2);
	assert_false(log_ratelimit_allow(&rl, a, 6999, NULL));
}

static void test_eviction(void **state)
{
	struct log_ratelimit rl;
	(void)state;
	log_ratelimit_init(&rl, 1000);
	for (uint64_t k = 0; k < LOG_RATELIMIT_SLOTS; k++)
		assert_true(log_ratelimit_allow(&rl, k, 100 + k, NULL));
	/* table full: a new key evicts the oldest (key 0) */
	assert_true(log_ratelimit_allow(&rl, 1000, 200, NULL));
	assert_true(log_ratelimit_allow(&rl, 0, 201, NULL));
	assert_false(log_ratelimit_allow(&rl, 1000, 202, NULL));
}

static void test_level_parse(void **state)
{
	enum log_level l;
	(void)state;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("verbose", &l), -1);
	log_init("t", LOG_LEVEL_WARN, LOG_TARGET_STDERR);
	assert_true(log_enabled(LOG_LEVEL_ERROR));
	assert_false(log_enabled(LOG_LEVEL_INFO));
}

/* Journal target: "<prio>" prefix, no timestamp, one line per event; the hook
 * forwards with its prefix, filters by level and ignores bad levels. */
static void test_log_output(void **state)
{
	char buf[256];
	FILE *tmp = tmpfile();
	(void)state;
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	log_init("t", LOG_LEVEL_INFO, LOG_TARGET_JOURNAL);
	log_warn("peer %s: bad\nmessage", "192.0.2.1");
	log_hook("ike", LOG_LEVEL_ERROR, "x");
	log_hook(NULL, LOG_LEVEL_DEBUG, "hidden");
	log_hook(NULL, 9, "bad level");
	log_hook(NULL, -1, "bad level");
	log_info("done");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	assert_string_equal(buf, "<4>peer 192.0.2.1: bad?message\n<3>ike: x\n<6>done\n");
}

static void test_target_detect(void **state)
{
	(void)state;
	unsetenv("JOURNAL_STREAM");
	unsetenv("INVOCATION_ID");
	assert_int_equal(log_target_detect(true), LOG_TARGET_STDERR);
	assert_int_equal(log_target_detect(false), LOG_TARGET_SYSLOG);
	setenv("INVOCATION_ID", "abc", 1);
	assert_int_equal(log_target_detect(true), LOG_TARGET_JOURNAL);
	unsetenv("INVOCATION_ID");
	setenv("JOURNAL_STREAM", "8:1234", 1);
	assert_int_equal(log_target_detect(true), LOG_TARGET_JOURNAL);
	unsetenv("JOURNAL_STREAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_interval),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_log_output),
		cmocka_unit_test(test_target_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
