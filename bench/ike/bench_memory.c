/* ike_bench_memory [PAIRS]: heap bytes an established IKE SA costs, both
 * engines of each pair in this process over the tests' mock env (NULL
 * auth, AES-GCM-16-256, X25519, HMAC-SHA2-256: the agent's defaults, one
 * Child SA). PAIRS worlds (default 500) are made and started first; the
 * growth of glibc's allocated bytes (after malloc_trim) across their
 * handshakes, divided by PAIRS, is one pair: the engines' state and what
 * NSS keeps for them (softoken key objects included). The datagram trace
 * of the mock is cleared before measuring. Per side is half of it. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "exch_env.h"

static size_t bench_heap_bytes(void)
{
	malloc_trim(0);
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

int main(int argc, char **argv)
{
	int pairs = argc > 1 ? atoi(argv[1]) : 500;
	if (pairs <= 0 || pairs > 100000) {
		fprintf(stderr, "usage: ike_bench_memory [PAIRS (1-100000)]\n");
		return 2;
	}
	if (exch_nss_init() != 0) {
		fprintf(stderr, "ike_bench_memory: NSS initialisation failed\n");
		return 1;
	}
	struct exch_world *w = calloc((size_t)pairs, sizeof(*w));
	if (w == NULL) {
		fprintf(stderr, "ike_bench_memory: out of memory for %d worlds\n", pairs);
		return 1;
	}
	for (int i = 0; i < pairs; i++) {
		exch_world_init(&w[i]);
		w[i].verbose = false;
		if (exch_world_start(&w[i]) != 0) {
			fprintf(stderr, "ike_bench_memory: engines of pair %d did not start\n", i);
			return 1;
		}
	}
	/* One handshake first, outside the measurement: NSS's lazily made
	 * state (slot sessions, mechanism tables) is not per SA. */
	struct exch_world warm;
	exch_world_init(&warm);
	warm.verbose = false;
	if (exch_world_start(&warm) != 0 || exch_initiate(&warm, EXCH_A) != 0)
		return 1;
	exch_run(&warm, 0);
	size_t before = bench_heap_bytes();
	for (int i = 0; i < pairs; i++) {
		if (exch_initiate(&w[i], EXCH_A) != 0)
			return 1;
		exch_run(&w[i], 0);
		if (w[i].side[EXCH_A].n_up != 1 || w[i].side[EXCH_B].n_up != 1) {
			fprintf(stderr, "ike_bench_memory: pair %d did not establish\n", i);
			return 1;
		}
		exch_trace_clear(&w[i]);
		exch_queue_clear(&w[i]);
	}
	size_t after = bench_heap_bytes();
	double per_pair = (double)(after - before) / pairs;
	printf("ike_bench_memory: %d established SA pairs: %.0f -> %.0f KiB allocated\n", pairs, before / 1024.0,
	       after / 1024.0);
	printf("per pair: %.1f KiB, per side (one established IKE SA with its Child SA): %.1f KiB\n",
	       per_pair / 1024, per_pair / 2048);
	for (int i = 0; i < pairs; i++)
		exch_world_free(&w[i]);
	exch_world_free(&warm);
	free(w);
	return 0;
}
