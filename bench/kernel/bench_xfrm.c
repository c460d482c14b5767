/* bench_xfrm: kernel/ batches against `ip -batch` doing the same work in
 * the same run, inside a private network namespace.
 *   bench_xfrm [POLICIES [SA_PAIRS]]     (defaults 10000 and 1000)
 * SA pairs need a kernel with ESP (the lab's UML guest); elsewhere that
 * part says why it is skipped. Needs root. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_trap(int i, struct kernel_policy *p)
{
	char cidr[64];
	snprintf(cidr, sizeof(cidr), "2001:db8:%x:%x::/64", i / 256, i % 256);
	memset(p, 0, sizeof(*p));
	kernel_prefix_parse(cidr, &p->sel.dst, &p->sel.dst_plen);
	p->sel.family = p->sel.dst.family;
	p->dir = KERNEL_DIR_OUT;
	p->kind = KERNEL_POLICY_TRAP;
	p->reqid = KERNEL_REQID_TRAP;
	p->priority = kernel_priority(&p->sel, KERNEL_RANK_GROUP);
}

static void bench_sa(int i, bool out, struct kernel_sa *sa)
{
	char a[64], b[64];
	snprintf(a, sizeof(a), "2001:db8:1::1");
	snprintf(b, sizeof(b), "2001:db8:2:%x::%x", i / 256 + 1, i % 256 + 1);
	memset(sa, 0, sizeof(*sa));
	kernel_addr_parse(out ? a : b, &sa->src);
	kernel_addr_parse(out ? b : a, &sa->dst);
	sa->spi = (uint32_t)(0x10000 + i * 2 + (out ? 0 : 1));
	sa->reqid = KERNEL_REQID_MIN + 1 + (uint32_t)i;
	sa->aead = true;
	strcpy(sa->enc.name, "rfc4106(gcm(aes))");
	sa->enc.key_len = 20;
	memset(sa->enc.key, 0x42, 20);
	sa->enc.icv_bits = 128;
	sa->replay_window = 32;
}

static int bench_run_ip(const char *script, const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(script, f);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "ip -batch %s", path);
	return system(cmd);
}

/* Times kernel/ and ip -batch adding then deleting n objects. */
static int bench_policies(struct kernel *k, int n)
{
	struct kernel_batch *b;
	struct kernel_policy p;
	if (kernel_batch_new(k, &b) != 0)
		return -1;
	double t0 = bench_now();
	for (int i = 0; i < n; i++) {
		bench_trap(i, &p);
		kernel_batch_policy_add(b, &p, NULL);
	}
	int fail_add = kernel_batch_run(b, NULL, NULL);
	double t1 = bench_now();
	for (int i = 0; i < n; i++) {
		bench_trap(i, &p);
		kernel_batch_policy_delete(b, &p.sel, p.dir, NULL);
	}
	int fail_del = kernel_batch_run(b, NULL, NULL);
	double t2 = bench_now();
	kernel_batch_free(b);
	size_t cap = (size_t)n * 160 + 1;
	char *add = malloc(cap), *del = malloc(cap);
	size_t la = 0, ld = 0;
	for (int i = 0; i < n; i++) {
		bench_trap(i, &p);
		char d[64];
		kernel_addr_format(&p.sel.dst, d, sizeof(d));
		la += (size_t)snprintf(add + la, cap - la,
				       "xfrm policy add dst %s/64 dir out priority %u tmpl proto esp reqid %u mode transport\n", d,
				       p.priority, p.reqid);
		ld += (size_t)snprintf(del + ld, cap - ld, "xfrm policy delete dst %s/64 dir out\n", d);
	}
	double t3 = bench_now();
	int rip_add = bench_run_ip(add, "/tmp/bench_xfrm_add.batch");
	double t4 = bench_now();
	int rip_del = bench_run_ip(del, "/tmp/bench_xfrm_del.batch");
	double t5 = bench_now();
	free(add);
	free(del);
	printf("policies n=%d: kernel/ add %.1f ms, delete %.1f ms (failures %d/%d); ip -batch add %.1f ms, delete %.1f ms (rc %d/%d); "
	       "ratio ip/kernel: add %.2f, delete %.2f\n",
	       n, (t1 - t0) * 1e3, (t2 - t1) * 1e3, fail_add, fail_del, (t4 - t3) * 1e3, (t5 - t4) * 1e3, rip_add, rip_del,
	       (t4 - t3) / (t1 - t0), (t5 - t4) / (t2 - t1));
	return 0;
}

static int bench_sas(struct kernel *k, int n)
{
	struct kernel_sa sa;
	struct kernel_error err;
	bench_sa(0, true, &sa);
	if (kernel_sa_add(k, &sa, &err) != 0) {
		printf("sa pairs: skipped: this kernel cannot install an ESP SA (%s); run in the lab's UML guest\n", err.msg);
		return 0;
	}
	kernel_sa_delete(k, &sa.src, &sa.dst, sa.spi, NULL);
	struct kernel_batch *b;
	if (kernel_batch_new(k, &b) != 0)
		return -1;
	double t0 = bench_now();
	for (int i = 0; i < n; i++)
		for (int o = 0; o < 2; o++) {
			bench_sa(i, o, &sa);
			kernel_batch_sa_add(b, &sa, NULL);
		}
	int fa = kernel_batch_run(b, NULL, NULL);
	double t1 = bench_now();
	for (int i = 0; i < n; i++)
		for (int o = 0; o < 2; o++) {
			bench_sa(i, o, &sa);
			kernel_batch_sa_delete(b, &sa.src, &sa.dst, sa.spi, NULL);
		}
	int fd = kernel_batch_run(b, NULL, NULL);
	double t2 = bench_now();
	kernel_batch_free(b);
	size_t cap = (size_t)n * 2 * 220 + 1;
	char *add = malloc(cap), *del = malloc(cap);
	size_t la = 0, ld = 0;
	for (int i = 0; i < n; i++)
		for (int o = 0; o < 2; o++) {
			char s[64], d[64];
			bench_sa(i, o, &sa);
			kernel_addr_format(&sa.src, s, 64);
			kernel_addr_format(&sa.dst, d, 64);
			la += (size_t)snprintf(add + la, cap - la,
					       "xfrm state add src %s dst %s proto esp spi %u reqid %u mode transport "
					       "aead rfc4106(gcm(aes)) 0x4242424242424242424242424242424242424242 128\n",
					       s, d, sa.spi, sa.reqid);
			ld += (size_t)snprintf(del + ld, cap - ld, "xfrm state delete src %s dst %s proto esp spi %u\n", s, d,
					       sa.spi);
		}
	double t3 = bench_now();
	int ra = bench_run_ip(add, "/tmp/bench_xfrm_sa_add.batch");
	double t4 = bench_now();
	int rd = bench_run_ip(del, "/tmp/bench_xfrm_sa_del.batch");
	double t5 = bench_now();
	free(add);
	free(del);
	printf("sa pairs n=%d: kernel/ add %.1f ms, delete %.1f ms (failures %d/%d); ip -batch add %.1f ms, delete %.1f ms (rc %d/%d); "
	       "ratio ip/kernel: add %.2f, delete %.2f\n",
	       n, (t1 - t0) * 1e3, (t2 - t1) * 1e3, fa, fd, (t4 - t3) * 1e3, (t5 - t4) * 1e3, ra, rd, (t4 - t3) / (t1 - t0),
	       (t5 - t4) / (t2 - t1));
	return 0;
}

int main(int argc, char **argv)
{
	int npol = argc > 1 ? atoi(argv[1]) : 10000;
	int nsa = argc > 2 ? atoi(argv[2]) : 1000;
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "bench_xfrm: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 2;
	}
	struct kernel *k;
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0) {
		fprintf(stderr, "bench_xfrm: %s\n", err.msg);
		return 1;
	}
	bench_policies(k, npol);
	bench_sas(k, nsa);
	kernel_close(k);
	return 0;
}
