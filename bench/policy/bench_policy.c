/* bench_policy: 100,000 group entries (mixed IPv4/IPv6) written to a policy
 * directory, then: load (config + files + model + plan), 10 million lookups,
 * and the diff of two 100k models that differ by about 1.5%.
 * Usage: bench_policy [ENTRIES [LOOKUPS]]. Build without sanitizers. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policy/model.h"
#include "policy/plan.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One random line: 60% IPv4 /16-/32, 40% IPv6 /32-/64 or /128; 5% with a port. */
static void bench_line(FILE *f)
{
	uint64_t r = rng(), x = rng();
	if (r % 10 < 6) {
		unsigned len = 16 + (unsigned)(r >> 8) % 17;
		uint32_t a = (uint32_t)x & (len ? ~0u << (32 - len) : 0);
		fprintf(f, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, len);
	} else {
		/* Under 2001::/16, /32-/64 or a /128, host bits clear (as a clean file has). */
		unsigned len = (r >> 8) % 8 == 0 ? 128 : 32 + (unsigned)(r >> 12) % 33;
		uint64_t y = rng();
		struct policy_prefix p = { .len = (uint8_t)len };
		p.addr.family = POLICY_AF_INET6;
		p.addr.bytes[0] = 0x20;
		p.addr.bytes[1] = 0x01;
		memcpy(p.addr.bytes + 2, &x, 8);
		memcpy(p.addr.bytes + 10, &y, 6);
		for (unsigned i = len; i < 128; i++)
			p.addr.bytes[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		char buf[POLICY_ADDR_STRLEN];
		fputs(policy_prefix_format(&p, buf, sizeof(buf)), f);
	}
	if ((r >> 40) % 20 == 0)
		fprintf(f, " tcp 0 %u", (unsigned)(x >> 48) % 1024 + 1);
	fputc('\n', f);
}

/* Writes the five group files. variant != 0 moves every 200th
 * private-or-clear line to clear (a change), drops the next one (a removal)
 * and appends n * 0.5% new lines (additions). */
static void bench_write_dir(const char *dir, size_t n, int variant)
{
	char path[512];
	FILE *f[POLICY_GROUP_COUNT];
	rng_state = 1;
	mkdir(dir, 0700);
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		snprintf(path, sizeof(path), "%s/%s", dir, policy_group_name((enum policy_group)g));
		if ((f[g] = fopen(path, "w")) == NULL)
			exit(1);
	}
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++) {
		/* Most entries in the opportunistic groups, as in a fleet. */
		size_t share = g == POLICY_GROUP_PRIVATE_OR_CLEAR ? n / 2 : n / 8;
		for (size_t i = 0; i < share; i++) {
			FILE *out = f[g];
			if (variant && g == POLICY_GROUP_PRIVATE_OR_CLEAR && i % 200 == 0)
				out = f[POLICY_GROUP_CLEAR];
			if (variant && g == POLICY_GROUP_PRIVATE_OR_CLEAR && i % 200 == 1)
				out = fopen("/dev/null", "w");
			bench_line(out);
			if (out != f[g] && out != f[POLICY_GROUP_CLEAR])
				fclose(out);
		}
	}
	if (variant) {
		rng_state = 7;
		for (size_t i = 0; i < n / 200; i++)
			bench_line(f[POLICY_GROUP_PRIVATE]);
	}
	for (unsigned g = 0; g < POLICY_GROUP_COUNT; g++)
		fclose(f[g]);
}

static size_t bench_warnings;

/* Bytes malloc holds: the heap in use plus mmapped chunks. */
static size_t bench_heap(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static struct policy_model *bench_load(const char *cfg, double *ms, size_t *heap)
{
	struct policy_diags d = { 0 };
	struct policy_model *m = NULL;
	struct policy_addr own = { .family = POLICY_AF_INET, .bytes = { 10, 0, 0, 1 } };
	size_t before = bench_heap();
	double t0 = now_ms();
	if (policy_load(cfg, &own, 1, &m, &d) != 0) {
		fprintf(stderr, "load failed (%zu errors)\n", d.errors);
		exit(1);
	}
	*ms = now_ms() - t0;
	*heap = bench_heap() - before;
	bench_warnings = d.warnings;
	policy_diags_free(&d);
	return m;
}

/* The same load in its phases, for the record. */
static void bench_phases(const char *cfg_path, const char *dir)
{
	struct policy_diags d = { 0 };
	struct policy_config *cfg = NULL;
	struct policy_entries e = { 0 };
	struct policy_model *m = NULL;
	double t0 = now_ms();
	if (policy_config_load(cfg_path, &cfg, &d) != 0)
		exit(1);
	double t1 = now_ms();
	policy_groupdir_load(dir, &e, &d);
	double t2 = now_ms();
	if (policy_model_build(cfg, &e, NULL, 0, &m, &d) != 0)
		exit(1);
	double t3 = now_ms();
	printf("  phases: config %.1f ms, group files %.1f ms, model+lpm+plan %.1f ms\n", t1 - t0, t2 - t1, t3 - t2);
	policy_model_free(m);
	policy_diags_free(&d);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t lookups = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000000;
	char dir[] = "/tmp/swanmesh-bench-XXXXXX", cfg[700], sub[512];
	double ms;
	size_t heap;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(cfg, sizeof(cfg), "%s/swanmesh.yaml", dir);
	FILE *f = fopen(cfg, "w");
	fprintf(f, "node: { cert: n, policy-dir: a }\n");
	fclose(f);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	bench_write_dir(sub, n, 0);

	struct policy_model *m = bench_load(cfg, &ms, &heap);
	printf("load %zu entries (first, cold): %.1f ms, model heap %.1f MiB, %zu rules, %zu kernel policies, %zu warnings (duplicates, ties)\n",
	       n, ms, (double)heap / (1 << 20), policy_model_rules(m), policy_model_plan(m)->n, bench_warnings);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("  peak RSS after the first load (whole process): %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	/* A daemon reloads: the next loads reuse the heap the previous one freed. */
	double best = 1e9;
	for (int i = 0; i < 3; i++) {
		size_t h;
		struct policy_model *again = bench_load(cfg, &ms, &h);
		best = ms < best ? ms : best;
		policy_model_free(again);
	}
	printf("load %zu entries (reload, best of 3): %.1f ms\n", n, best);
	bench_phases(cfg, sub);

	/* Queries: half inside listed prefixes, half random. */
	size_t nq = 1 << 20;
	struct policy_addr *q = calloc(nq, sizeof(*q));
	const struct policy_plan *p = policy_model_plan(m);
	for (size_t i = 0; i < nq; i++) {
		const struct policy_plan_entry *e = &p->v[rng() % p->n];
		q[i] = e->sel.remote.addr;
		uint64_t r = rng();
		if (i % 2)
			memcpy(q[i].bytes + (q[i].family == POLICY_AF_INET ? 2 : 8), &r, q[i].family == POLICY_AF_INET ? 2 : 8);
	}
	struct policy_match res;
	size_t hits = 0;
	double t0 = now_ms();
	for (size_t i = 0; i < lookups; i++) {
		policy_model_lookup(m, &q[i & (nq - 1)], 6, 0, 443, &res);
		hits += res.group != POLICY_GROUP_NONE;
	}
	double lms = now_ms() - t0;
	printf("%zu lookups: %.1f ns each (%zu matched a group)\n", lookups, lms * 1e6 / (double)lookups, hits);

	/* A second model: 0.25% of the lines moved to another group, 0.25% removed, 0.5% added. */
	char sub2[512], cfg2[512];
	snprintf(cfg2, sizeof(cfg2), "%s/b.yaml", dir);
	f = fopen(cfg2, "w");
	fprintf(f, "node: { cert: n, policy-dir: b }\n");
	fclose(f);
	snprintf(sub2, sizeof(sub2), "%s/b", dir);
	bench_write_dir(sub2, n, 1);
	struct policy_model *m2 = bench_load(cfg2, &ms, &heap);
	struct policy_plan_diff diff;
	t0 = now_ms();
	if (policy_plan_diff(policy_model_plan(m), policy_model_plan(m2), &diff) != 0)
		return 1;
	printf("diff of two %zu-entry models: %.1f ms (%zu added, %zu removed, %zu changed)\n", n,
	       now_ms() - t0, diff.nadded, diff.nremoved, diff.nchanged);
	policy_plan_diff_free(&diff);
	policy_model_free(m);
	policy_model_free(m2);
	free(q);
	char rm[700];
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	return system(rm) == 0 ? 0 : 1;
}
