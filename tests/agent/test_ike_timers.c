/* The engine's timers on a real libuv loop: order of expiry, replacement by
 * a second arming, cancellation, re-arming from the callback, freeing with
 * timers still armed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>

#include "ike_timers.h"

struct fired {
	uint64_t tokens[16];
	unsigned n;
	struct ike_timers *t;
	uint64_t rearm; /* token to arm again once, from the callback */
};

static void on_fire(void *ctx, uint64_t token)
{
	struct fired *f = ctx;
	if (f->n < 16)
		f->tokens[f->n++] = token;
	if (token == f->rearm) {
		f->rearm = 0;
		assert_int_equal(ike_timers_arm(f->t, token, 5), 0);
	}
}

static void test_order_replace_cancel(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct fired f = { 0 };
	assert_int_equal(ike_timers_new(&loop, on_fire, &f, &f.t), 0);
	assert_int_equal(ike_timers_arm(f.t, 1, 30), 0);
	assert_int_equal(ike_timers_arm(f.t, 2, 10), 0);
	assert_int_equal(ike_timers_arm(f.t, 3, 20), 0);
	assert_int_equal(ike_timers_arm(f.t, 1, 5), 0); /* replaces 30 ms */
	assert_int_equal(ike_timers_count(f.t), 3);
	ike_timers_cancel(f.t, 3);
	ike_timers_cancel(f.t, 99); /* unknown: harmless */
	assert_int_equal(ike_timers_count(f.t), 2);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.tokens[0], 1);
	assert_int_equal(f.tokens[1], 2);
	assert_int_equal(ike_timers_count(f.t), 0);
	ike_timers_free(f.t);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_rearm_from_callback(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct fired f = { .rearm = 7 };
	assert_int_equal(ike_timers_new(&loop, on_fire, &f, &f.t), 0);
	/* Tokens that collide in naive hashing (serial << 8 | kind). */
	assert_int_equal(ike_timers_arm(f.t, 7, 1), 0);
	assert_int_equal(ike_timers_arm(f.t, (uint64_t)1024 << 8 | 7, 50), 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.tokens[0], 7);
	assert_int_equal(f.tokens[1], 7);
	assert_int_equal(f.tokens[2], (uint64_t)1024 << 8 | 7);
	ike_timers_free(f.t);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_free_while_armed(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct fired f = { 0 };
	assert_int_equal(ike_timers_new(&loop, on_fire, &f, &f.t), 0);
	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(ike_timers_arm(f.t, i * 0x100000001ULL, 10000), 0);
	assert_int_equal(ike_timers_count(f.t), 3000);
	ike_timers_free(f.t);
	/* Every handle closes; nothing fires. */
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(f.n, 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_replace_cancel),
		cmocka_unit_test(test_rearm_from_callback),
		cmocka_unit_test(test_free_while_armed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
