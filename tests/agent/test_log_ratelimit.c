/* Rate limiter with a fake clock; level parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_interval),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_level_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
