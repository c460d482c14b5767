/* Control protocol framing: bounded sizes, partial input, bad characters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ctl_proto.h"

static void test_request_ok(void **state)
{
	struct ctl_request req;
	const char *s = "json status peer 10.0.0.1/32\n";
	(void)state;
	assert_int_equal(ctl_proto_request_parse(s, strlen(s), &req), 0);
	assert_true(req.json);
	assert_int_equal(req.argc, 3);
	assert_string_equal(req.argv[0], "status");
	assert_string_equal(req.argv[2], "10.0.0.1/32");
	assert_null(req.argv[3]);
	assert_int_equal(ctl_proto_request_parse("ping\n", 5, &req), 0);
	assert_false(req.json);
	assert_int_equal(req.argc, 1);
}

static void test_request_partial(void **state)
{
	struct ctl_request req;
	const char *s = "status\n";
	(void)state;
	for (size_t n = 0; n < strlen(s); n++)
		assert_int_equal(ctl_proto_request_parse(s, n, &req), 1);
	assert_int_equal(ctl_proto_request_parse(s, strlen(s), &req), 0);
}

static void test_request_bounds(void **state)
{
	static char big[CTL_MAX_REQUEST + 8];
	struct ctl_request req;
	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(ctl_proto_request_parse(big, CTL_MAX_REQUEST - 1, &req), 1);
	assert_int_equal(ctl_proto_request_parse(big, CTL_MAX_REQUEST, &req), -EMSGSIZE);
	assert_int_equal(ctl_proto_request_parse(big, sizeof(big), &req), -EMSGSIZE);
	big[CTL_MAX_REQUEST - 1] = '\n'; /* the largest allowed request */
	assert_int_equal(ctl_proto_request_parse(big, CTL_MAX_REQUEST, &req), 0);
	assert_int_equal(strlen(req.argv[0]), CTL_MAX_REQUEST - 1);
	big[CTL_MAX_REQUEST - 1] = 'a';
	big[CTL_MAX_REQUEST] = '\n'; /* one byte too many */
	assert_int_equal(ctl_proto_request_parse(big, CTL_MAX_REQUEST + 1, &req), -EMSGSIZE);
}

static void test_request_bad(void **state)
{
	static const char *bad[] = { "\n", " status\n", "status \n", "a  b\n", "st\tatus\n", "caf\xc3\xa9\n",
				     "json\n", "a\x01\n" };
	struct ctl_request req;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ctl_proto_request_parse(bad[i], strlen(bad[i]), &req), -EINVAL);
	assert_int_equal(ctl_proto_request_parse("ping\nping\n", 10, &req), -EPROTO);
	const char *many = "a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
	assert_int_equal(ctl_proto_request_parse(many, strlen(many), &req), -E2BIG);
	/* "json" + 16 words: the most a request may carry */
	const char *jmax = "json a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n";
	assert_int_equal(ctl_proto_request_parse(jmax, strlen(jmax), &req), 0);
	assert_int_equal(req.argc, CTL_MAX_ARGS);
	assert_string_equal(req.argv[CTL_MAX_ARGS - 1], "15");
	assert_null(req.argv[CTL_MAX_ARGS]);
}

static void test_request_build(void **state)
{
	char out[CTL_MAX_REQUEST + 1];
	char *ok[] = { "status", "x" };
	char *sp[] = { "a b" };
	static char longw[CTL_MAX_REQUEST + 1];
	char *lw[] = { longw };
	struct ctl_request req;
	(void)state;
	int n = ctl_proto_request_build(out, sizeof(out), true, 2, ok);
	assert_int_equal(n, (int)strlen("json status x\n"));
	assert_string_equal(out, "json status x\n");
	assert_int_equal(ctl_proto_request_parse(out, (size_t)n, &req), 0);
	assert_int_equal(ctl_proto_request_build(out, sizeof(out), false, 1, sp), -EINVAL);
	memset(longw, 'w', CTL_MAX_REQUEST);
	assert_int_equal(ctl_proto_request_build(out, sizeof(out), false, 1, lw), -EMSGSIZE);
}

static void test_response_header(void **state)
{
	char h[CTL_MAX_HEADER];
	bool ok;
	size_t bl, hl;
	(void)state;
	int n = ctl_proto_response_header(h, sizeof(h), true, 42);
	assert_int_equal(ctl_proto_response_parse(h, (size_t)n, &ok, &bl, &hl), 0);
	assert_true(ok);
	assert_int_equal(bl, 42);
	assert_int_equal(hl, (size_t)n);
	assert_int_equal(ctl_proto_response_header(h, sizeof(h), false, CTL_MAX_RESPONSE + 1), -EMSGSIZE);
	assert_int_equal(ctl_proto_response_parse("ERR 3\nabc", 9, &ok, &bl, &hl), 0);
	assert_false(ok);
	assert_int_equal(hl, 6);
	assert_int_equal(ctl_proto_response_parse("OK 1", 4, &ok, &bl, &hl), 1);
	assert_int_equal(ctl_proto_response_parse("OK \n", 4, &ok, &bl, &hl), -EPROTO);
	assert_int_equal(ctl_proto_response_parse("OK -1\n", 6, &ok, &bl, &hl), -EPROTO);
	assert_int_equal(ctl_proto_response_parse("HUH 1\n", 6, &ok, &bl, &hl), -EPROTO);
	assert_int_equal(ctl_proto_response_parse("OK 99999999999\n", 15, &ok, &bl, &hl), -EMSGSIZE);
	char junk[CTL_MAX_HEADER + 4];
	memset(junk, '1', sizeof(junk));
	memcpy(junk, "OK ", 3);
	assert_int_equal(ctl_proto_response_parse(junk, sizeof(junk), &ok, &bl, &hl), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_ok),     cmocka_unit_test(test_request_partial),
		cmocka_unit_test(test_request_bounds), cmocka_unit_test(test_request_bad),
		cmocka_unit_test(test_request_build),  cmocka_unit_test(test_response_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
