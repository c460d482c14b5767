/* swanmesh-xfrm: a debugging tool on kernel/ alone (no `ip xfrm` anywhere).
 * The lab uses it to install manually keyed SAs, traps and shunts, and to
 * watch ACQUIREs. Usage: swanmesh-xfrm help. */
#include "kernel/kernel.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static int xt_usage(void)
{
	fprintf(stderr,
		"usage: swanmesh-xfrm COMMAND ...\n"
		"  sa-pair SRC DST SPI_OUT SPI_IN MODE ALGS [reqid N] [release CIDR] [esn WINDOW] [hard-seconds N]\n"
		"      MODE: tunnel|transport; ALGS: aead NAME HEXKEY ICVBITS | enc NAME HEXKEY auth NAME HEXKEY TRUNCBITS\n"
		"      installs both SAs and the host-to-host out/in policies; `release CIDR` then\n"
		"      re-inserts the trap of CIDR so that the packets it held leave at once\n"
		"  trap|pass|drop CIDR        a group policy (drop: both directions)\n"
		"  delete-sa SRC DST SPI      get-sa SRC DST SPI\n"
		"  spi-alloc SRC DST          reserve an inbound SPI (a larval SA) and print it\n"
		"  list-sa                    list-policy\n"
		"  hold-enable [ACQ_EXPIRES]  queue trapped packets (xfrm_larval_drop=0)\n"
		"  wait-acquire [SECONDS]     print the next ACQUIRE\n"
		"  wait-event [SECONDS]       print the next event of any kind\n"
		"  cleanup [keep-group]       remove swanmesh state left by an earlier run\n");
	return 2;
}

static int xt_fail(const char *what, const struct kernel_error *err)
{
	fprintf(stderr, "swanmesh-xfrm: %s: %s\n", what, err->msg);
	return 1;
}

static int xt_hex(const char *hex, struct kernel_alg *alg)
{
	if (strncmp(hex, "0x", 2) == 0)
		hex += 2;
	size_t n = strlen(hex);
	if (n == 0 || n % 2 != 0 || n / 2 > sizeof(alg->key))
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		alg->key[i] = (uint8_t)v;
	}
	alg->key_len = n / 2;
	return 0;
}

static int xt_alg(char **argv, struct kernel_alg *alg, bool with_bits)
{
	memset(alg, 0, sizeof(*alg));
	snprintf(alg->name, sizeof(alg->name), "%s", argv[0]);
	if (xt_hex(argv[1], alg) != 0) {
		fprintf(stderr, "swanmesh-xfrm: '%s' is not a hex key\n", argv[1]);
		return -1;
	}
	if (with_bits)
		alg->icv_bits = (unsigned)strtoul(argv[2], NULL, 10);
	return 0;
}

static int xt_addr(const char *s, struct kernel_addr *a)
{
	if (kernel_addr_parse(s, a) != 0) {
		fprintf(stderr, "swanmesh-xfrm: '%s' is not an address\n", s);
		return -1;
	}
	return 0;
}

/* The group policy of CIDR: outbound selector from any to CIDR. */
static int xt_group_policy(const char *cidr, enum kernel_policy_kind kind, enum kernel_dir dir,
			   struct kernel_policy *p)
{
	memset(p, 0, sizeof(*p));
	struct kernel_addr a;
	uint8_t plen;
	if (kernel_prefix_parse(cidr, &a, &plen) != 0) {
		fprintf(stderr, "swanmesh-xfrm: '%s' is not an address or CIDR\n", cidr);
		return -1;
	}
	p->sel.family = a.family;
	if (dir == KERNEL_DIR_OUT) {
		p->sel.dst = a;
		p->sel.dst_plen = plen;
	} else {
		p->sel.src = a;
		p->sel.src_plen = plen;
	}
	p->dir = dir;
	p->kind = kind;
	p->priority = kernel_priority(&p->sel, KERNEL_RANK_GROUP);
	if (kind == KERNEL_POLICY_TRAP)
		p->reqid = KERNEL_REQID_TRAP;
	return 0;
}

static int xt_sa_pair(struct kernel *k, int argc, char **argv)
{
	if (argc < 9)
		return xt_usage();
	struct kernel_sa out, in;
	memset(&out, 0, sizeof(out));
	if (xt_addr(argv[1], &out.src) || xt_addr(argv[2], &out.dst))
		return 2;
	out.spi = (uint32_t)strtoul(argv[3], NULL, 0);
	uint32_t spi_in = (uint32_t)strtoul(argv[4], NULL, 0);
	out.mode = strcmp(argv[5], "tunnel") == 0 ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
	int i = 6;
	if (strcmp(argv[i], "aead") == 0 && argc >= i + 4) {
		out.aead = true;
		if (xt_alg(argv + i + 1, &out.enc, true) != 0)
			return 2;
		i += 4;
	} else if (strcmp(argv[i], "enc") == 0 && argc >= i + 7 && strcmp(argv[i + 3], "auth") == 0) {
		if (xt_alg(argv + i + 1, &out.enc, false) != 0 || xt_alg(argv + i + 4, &out.auth, true) != 0)
			return 2;
		i += 7;
	} else {
		return xt_usage();
	}
	out.reqid = KERNEL_REQID_MIN + 1;
	out.replay_window = 32;
	const char *release = NULL;
	for (; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "reqid") == 0)
			out.reqid = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "release") == 0)
			release = argv[i + 1];
		else if (strcmp(argv[i], "esn") == 0) {
			out.esn = true;
			out.replay_window = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		} else if (strcmp(argv[i], "hard-seconds") == 0) {
			out.hard.add_seconds = strtoull(argv[i + 1], NULL, 0);
			out.soft.add_seconds = out.hard.add_seconds / 2;
		}
		else
			return xt_usage();
	}
	in = out;
	in.src = out.dst;
	in.dst = out.src;
	in.spi = spi_in;
	struct kernel_policy pol[2];
	memset(pol, 0, sizeof(pol));
	for (int d = 0; d < 2; d++) {
		const struct kernel_sa *sa = d == 0 ? &out : &in;
		kernel_selector_host(&sa->src, &sa->dst, &pol[d].sel);
		pol[d].dir = d == 0 ? KERNEL_DIR_OUT : KERNEL_DIR_IN;
		pol[d].kind = KERNEL_POLICY_TUNNEL;
		pol[d].priority = kernel_priority(&pol[d].sel, KERNEL_RANK_TUNNEL);
		pol[d].reqid = out.reqid;
		pol[d].mode = out.mode;
		pol[d].tmpl_src = sa->src;
		pol[d].tmpl_dst = sa->dst;
	}
	struct kernel_policy hold;
	struct kernel_tunnel t = { out, in, pol, 2, NULL, 0 };
	if (release != NULL) {
		if (xt_group_policy(release, KERNEL_POLICY_TRAP, KERNEL_DIR_OUT, &hold) != 0)
			return 2;
		t.holding = &hold;
		t.nholding = 1;
	}
	struct kernel_error err;
	if (kernel_tunnel_install(k, &t, &err) != 0)
		return xt_fail("sa-pair", &err);
	return 0;
}

static int xt_group(struct kernel *k, int argc, char **argv)
{
	if (argc != 2)
		return xt_usage();
	enum kernel_policy_kind kind = strcmp(argv[0], "trap") == 0 ? KERNEL_POLICY_TRAP
				     : strcmp(argv[0], "pass") == 0 ? KERNEL_POLICY_PASS : KERNEL_POLICY_DROP;
	int ndir = kind == KERNEL_POLICY_DROP ? 2 : 1;
	for (int d = 0; d < ndir; d++) {
		struct kernel_policy p;
		if (xt_group_policy(argv[1], kind, d == 0 ? KERNEL_DIR_OUT : KERNEL_DIR_IN, &p) != 0)
			return 2;
		struct kernel_error err;
		if (kernel_policy_update(k, &p, &err) != 0)
			return xt_fail(argv[0], &err);
	}
	return 0;
}

static int xt_sa_id(int argc, char **argv, struct kernel_addr *src, struct kernel_addr *dst, uint32_t *spi)
{
	if (argc != 4 || xt_addr(argv[1], src) || xt_addr(argv[2], dst))
		return -1;
	*spi = (uint32_t)strtoul(argv[3], NULL, 0);
	return 0;
}

static int xt_delete_sa(struct kernel *k, int argc, char **argv)
{
	struct kernel_addr src, dst;
	uint32_t spi;
	struct kernel_error err;
	if (xt_sa_id(argc, argv, &src, &dst, &spi) != 0)
		return xt_usage();
	return kernel_sa_delete(k, &src, &dst, spi, &err) ? xt_fail("delete-sa", &err) : 0;
}

static int xt_get_sa(struct kernel *k, int argc, char **argv)
{
	struct kernel_addr src, dst;
	uint32_t spi;
	struct kernel_error err;
	struct kernel_sa_stats st;
	if (xt_sa_id(argc, argv, &src, &dst, &spi) != 0)
		return xt_usage();
	if (kernel_sa_get(k, &src, &dst, spi, &st, &err) != 0)
		return xt_fail("get-sa", &err);
	printf("bytes=%llu packets=%llu add_time=%llu use_time=%llu reqid=%#x\n", (unsigned long long)st.bytes,
	       (unsigned long long)st.packets, (unsigned long long)st.add_time, (unsigned long long)st.use_time,
	       st.reqid);
	return 0;
}

static int xt_spi_alloc(struct kernel *k, int argc, char **argv)
{
	struct kernel_addr src, dst;
	struct kernel_error err;
	uint32_t spi;
	if (argc != 3 || xt_addr(argv[1], &src) || xt_addr(argv[2], &dst))
		return xt_usage();
	if (kernel_spi_alloc(k, &src, &dst, KERNEL_REQID_MIN + 1, 0x100, 0xffffffff, &spi, &err) != 0)
		return xt_fail("spi-alloc", &err);
	printf("spi=%#010x\n", spi);
	return 0;
}

static int xt_print_sa(const struct kernel_sa_info *sa, void *ctx)
{
	char s[64], d[64];
	(void)ctx;
	printf("%s -> %s spi=%#010x reqid=%#x %s %s bytes=%llu packets=%llu\n", kernel_addr_format(&sa->src, s, 64),
	       kernel_addr_format(&sa->dst, d, 64), sa->spi, sa->reqid,
	       sa->mode == KERNEL_MODE_TUNNEL ? "tunnel" : "transport", sa->enc_name[0] ? sa->enc_name : "-",
	       (unsigned long long)sa->stats.bytes, (unsigned long long)sa->stats.packets);
	return 0;
}

static const char *xt_kind_name(enum kernel_policy_kind kind)
{
	static const char *names[] = { "trap", "pass", "drop", "tunnel" };
	return kind <= KERNEL_POLICY_TUNNEL ? names[kind] : "?";
}

static int xt_print_policy(const struct kernel_policy *p, void *ctx)
{
	char s[64], d[64], ports[40] = "";
	(void)ctx;
	/* Ports only where a port rule set them: older output stays as it was. */
	if (p->sel.sport != 0 || p->sel.dport != 0)
		snprintf(ports, sizeof(ports), " sport=%u dport=%u", p->sel.sport, p->sel.dport);
	printf("%s/%u -> %s/%u proto=%u%s dir=%s %s priority=%u%s reqid=%#x\n", kernel_addr_format(&p->sel.src, s, 64),
	       p->sel.src_plen, kernel_addr_format(&p->sel.dst, d, 64), p->sel.dst_plen, p->sel.proto, ports,
	       kernel_dir_name(p->dir), xt_kind_name(p->kind), p->priority,
	       kernel_priority_is_ours(p->priority) ? " (swanmesh)" : "", p->reqid);
	return 0;
}

struct xt_wait {
	bool any;
	int got;
};

static void xt_print_event(const struct kernel_event *ev, void *ctx)
{
	char s[64], d[64];
	struct xt_wait *w = ctx;
	if (ev->type == KERNEL_EVENT_EXPIRE && w->any) {
		const struct kernel_expire *e = &ev->u.expire;
		printf("expire %s -> %s spi=%#010x reqid=%#x %s\n", kernel_addr_format(&e->src, s, 64),
		       kernel_addr_format(&e->dst, d, 64), e->spi, e->reqid, e->hard ? "hard" : "soft");
		fflush(stdout);
		w->got = 1;
		return;
	}
	if (ev->type != KERNEL_EVENT_ACQUIRE)
		return;
	const struct kernel_acquire *a = &ev->u.acquire;
	printf("acquire %s -> %s proto=%u sport=%u dport=%u reqid=%#x policy-priority=%u\n",
	       kernel_addr_format(&a->sel.src, s, 64), kernel_addr_format(&a->sel.dst, d, 64), a->sel.proto,
	       a->sel.sport, a->sel.dport, a->reqid, a->policy.priority);
	fflush(stdout);
	w->got = 1;
}

static int xt_wait(struct kernel *k, int argc, char **argv, bool any)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	struct xt_wait w = { any, 0 };
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!w.got) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = seconds * 1000L - ((now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) {
			fprintf(stderr, "swanmesh-xfrm: no %s within %d s\n", any ? "event" : "ACQUIRE", seconds);
			return 1;
		}
		struct pollfd pfd = { kernel_event_fd(k), POLLIN, 0 };
		if (poll(&pfd, 1, (int)left) > 0 && kernel_event_dispatch(k, xt_print_event, &w, NULL) < 0)
			return 1;
	}
	return 0;
}

static int xt_cleanup(struct kernel *k, int argc, char **argv)
{
	struct kernel_cleanup_stats st;
	struct kernel_error err;
	bool keep = argc > 1 && strcmp(argv[1], "keep-group") == 0;
	if (kernel_cleanup_stale(k, keep, &st, &err) != 0)
		return xt_fail("cleanup", &err);
	printf("removed %u SAs and %u policies; kept %u group policies; %u foreign policies untouched\n",
	       st.sas_removed, st.policies_removed, st.policies_kept, st.foreign_seen);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return xt_usage();
	const char *cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "hold-enable") == 0) {
		struct kernel_error err;
		return kernel_hold_enable(argc > 1 ? (unsigned)atoi(argv[1]) : 0, &err) ? xt_fail(cmd, &err) : 0;
	}
	struct kernel *k;
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0)
		return xt_fail("open", &err);
	int r;
	if (strcmp(cmd, "sa-pair") == 0)
		r = xt_sa_pair(k, argc, argv);
	else if (strcmp(cmd, "trap") == 0 || strcmp(cmd, "pass") == 0 || strcmp(cmd, "drop") == 0)
		r = xt_group(k, argc, argv);
	else if (strcmp(cmd, "delete-sa") == 0)
		r = xt_delete_sa(k, argc, argv);
	else if (strcmp(cmd, "spi-alloc") == 0)
		r = xt_spi_alloc(k, argc, argv);
	else if (strcmp(cmd, "get-sa") == 0)
		r = xt_get_sa(k, argc, argv);
	else if (strcmp(cmd, "list-sa") == 0)
		r = kernel_sa_list(k, xt_print_sa, NULL, &err) ? xt_fail(cmd, &err) : 0;
	else if (strcmp(cmd, "list-policy") == 0)
		r = kernel_policy_list(k, xt_print_policy, NULL, &err) ? xt_fail(cmd, &err) : 0;
	else if (strcmp(cmd, "wait-acquire") == 0)
		r = xt_wait(k, argc, argv, false);
	else if (strcmp(cmd, "wait-event") == 0)
		r = xt_wait(k, argc, argv, true);
	else if (strcmp(cmd, "cleanup") == 0)
		r = xt_cleanup(k, argc, argv);
	else
		r = xt_usage();
	kernel_close(k);
	return r;
}
