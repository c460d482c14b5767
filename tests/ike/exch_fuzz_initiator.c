/* libFuzzer target: an initiator engine (exch_fuzz_conf) has sent its
 * IKE_SA_INIT request to 192.0.2.2:500 (discarded); the input arrives as
 * the answer, its initiator SPI patched to the engine's so that the
 * fuzzer gets past the SPI look-up. Then the timers run out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exch_env.h"
#include "exch_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct exch_world w;
static uint8_t buf[65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exch_side *a;
	uint64_t spi;

	if (size > sizeof(buf))
		return 0;
	if (exch_nss_init() != 0)
		abort();
	exch_world_init(&w);
	a = &w.side[EXCH_A];
	exch_fuzz_conf(&a->conf, 7);
	a->econf.test_fixed_nonce = true;
	if (ike_engine_new(&a->env, &a->econf, &a->e) != 0 || exch_initiate(&w, EXCH_A) != 0 || w.n_queue != 1)
		abort();
	spi = w.queue[0].spi_i;
	exch_queue_clear(&w);
	memcpy(buf, data, size);
	for (unsigned i = 0; i < 8 && i < size; i++)
		buf[i] = (uint8_t)(spi >> (56 - 8 * i));
	exch_inject(&w, EXCH_A, buf, size);
	exch_run(&w, 0);
	exch_advance(&w, 60000);
	exch_world_free(&w);
	return 0;
}
