/* Larval (ACQUIRE) states of the traps (see larval.h). */
#include "larval.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Any SPI will do: the state is deleted right after; the kernel picks one
 * that no SA towards the peer uses. */
#define LARVAL_SPI_MIN 0x100u
#define LARVAL_SPI_MAX 0xffffffffu

int larval_retire(struct kernel *k, const struct kernel_addr *local, const struct kernel_addr *peer,
		  struct kernel_error *err)
{
	uint32_t spi = 0;
	int r = kernel_spi_alloc(k, local, peer, KERNEL_REQID_TRAP, LARVAL_SPI_MIN, LARVAL_SPI_MAX, &spi, err);
	if (r != 0)
		return r;
	return kernel_sa_delete(k, local, peer, spi, err);
}

struct larval_list {
	struct kernel_addr (*pairs)[2];
	size_t n, cap;
};

static int larval_collect(const struct kernel_sa_info *sa, void *ctx)
{
	struct larval_list *l = ctx;
	if (sa->spi != 0 || sa->reqid != KERNEL_REQID_TRAP || sa->proto != IPPROTO_ESP)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->pairs, cap * sizeof(*l->pairs));
		if (p == NULL)
			return -1;
		l->pairs = p;
		l->cap = cap;
	}
	l->pairs[l->n][0] = sa->src;
	l->pairs[l->n][1] = sa->dst;
	l->n++;
	return 0;
}

int larval_retire_stale(struct kernel *k, unsigned *n, struct kernel_error *err)
{
	*n = 0;
	struct larval_list l;
	memset(&l, 0, sizeof(l));
	/* Collect first: the dump must not change under its own feet. */
	int r = kernel_sa_list(k, larval_collect, &l, err);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (larval_retire(k, &l.pairs[i][0], &l.pairs[i][1], NULL) == 0)
			(*n)++;
	free(l.pairs);
	return r;
}
