/* libFuzzer target: an arbitrary datagram to a responder engine (NULL auth,
 * exch_fuzz_conf) from 192.0.2.1:500; then its timers run out and it is
 * freed. Whatever it answers goes nowhere. */
#include <stdint.h>
#include <stdlib.h>

#include "exch_env.h"
#include "exch_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct exch_world w;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exch_side *b;

	if (exch_nss_init() != 0)
		abort();
	exch_world_init(&w);
	b = &w.side[EXCH_B];
	exch_fuzz_conf(&b->conf, 9);
	b->econf.test_fixed_nonce = true;
	if (ike_engine_new(&b->env, &b->econf, &b->e) != 0)
		abort();
	exch_inject(&w, EXCH_B, data, size);
	exch_run(&w, 0);
	exch_advance(&w, 60000);
	exch_world_free(&w);
	return 0;
}
