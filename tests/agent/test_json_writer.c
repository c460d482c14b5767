/* JSON writer: escaping table, structure, sticky errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "json_writer.h"

static void test_escaping_table(void **state)
{
	static const struct { const char *in; size_t n; const char *out; } t[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a\"b", 3, "\"a\\\"b\"" },
		{ "a\\b", 3, "\"a\\\\b\"" },
		{ "\n\t\r", 3, "\"\\n\\t\\r\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "x\0y", 3, "\"x\\u0000y\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },
		{ "\xf0\x9f\x94\x92", 4, "\"\xf0\x9f\x94\x92\"" },
		{ "/", 1, "\"/\"" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char buf[64];
		struct json_writer w;
		jw_init(&w, buf, sizeof(buf));
		jw_string_n(&w, t[i].in, t[i].n);
		assert_int_equal(jw_error(&w), 0);
		assert_string_equal(buf, t[i].out);
	}
}

static void test_invalid_utf8_refused(void **state)
{
	static const char *bad[] = { "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xff", "\xe2\x28\xa1", "\xf4\x90\x80\x80" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64];
		struct json_writer w;
		jw_init(&w, buf, sizeof(buf));
		jw_string(&w, bad[i]);
		assert_int_equal(jw_error(&w), -EINVAL);
	}
}

static void test_structure(void **state)
{
	char buf[256];
	struct json_writer w;
	(void)state;
	jw_init(&w, buf, sizeof(buf));
	jw_object_begin(&w);
	jw_key(&w, "a"); jw_int(&w, -5);
	jw_key(&w, "b"); jw_array_begin(&w);
	jw_bool(&w, true); jw_bool(&w, false); jw_null(&w); jw_uint(&w, UINT64_MAX);
	jw_object_begin(&w); jw_object_end(&w);
	jw_array_end(&w);
	jw_key(&w, "c"); jw_string(&w, "x");
	jw_object_end(&w);
	assert_int_equal(jw_error(&w), 0);
	assert_string_equal(buf, "{\"a\":-5,\"b\":[true,false,null,18446744073709551615,{}],\"c\":\"x\"}");
}

static void test_overflow_sticky(void **state)
{
	char buf[8];
	struct json_writer w;
	(void)state;
	jw_init(&w, buf, sizeof(buf));
	jw_string(&w, "abcdefgh");
	jw_int(&w, 1);
	assert_int_equal(jw_error(&w), -ENOSPC);
	assert_true(strlen(buf) < sizeof(buf));
}

static void test_unbalanced(void **state)
{
	char buf[64];
	struct json_writer w;
	(void)state;
	jw_init(&w, buf, sizeof(buf));
	jw_object_begin(&w);
	assert_int_equal(jw_error(&w), -EINVAL);
	jw_init(&w, buf, sizeof(buf));
	jw_array_end(&w);
	assert_int_equal(jw_error(&w), -EINVAL);
	jw_init(&w, buf, sizeof(buf));
	for (int i = 0; i < JW_MAX_DEPTH + 1; i++)
		jw_array_begin(&w);
	assert_int_equal(jw_error(&w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping_table),
		cmocka_unit_test(test_invalid_utf8_refused),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_overflow_sticky),
		cmocka_unit_test(test_unbalanced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
