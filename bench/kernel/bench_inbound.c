/* bench_inbound: what the inbound drop policy of a `private` group entry
 * costs, on the running kernel, in a private network namespace.
 *   bench_inbound [ENTRIES [SECONDS [ROUNDS [index]]]]   (defaults 100000, 1, 3)
 * 1. Install and removal time, through kernel/ batches (updates, as the
 *    agent installs its plan; removal by selector), of ENTRIES `private`
 *    entries (outbound trap + inbound drop per IPv6 /64 under 2001:db8::/32)
 *    against ENTRIES `private-or-clear` entries (outbound trap only), and
 *    the same at ENTRIES/10. Removal by selector (the agent's reload path)
 *    and by index after a dump (kernel_cleanup_stale); `index` as the
 *    fourth argument skips the removals by selector, which the kernel does
 *    in time quadratic in the number of policies (minutes at 100,000).
 * 2. The inbound lookup: UDP datagrams from a veth peer namespace to a
 *    socket here, with 0, 1, ENTRIES/10 and ENTRIES private entries
 *    installed; from an address outside every private prefix (delivered)
 *    and from one inside (dropped, counted as XfrmInPolBlock). The sender
 *    (a sendmmsg loop) runs in this process; its ceiling is measured to a
 *    blackhole route of its own namespace and to the socket with no
 *    policies at all, and to a discard target (a veth of its own namespace
 *    whose other end is down: everything but the receive path).
 * Needs root; no ESP (policies only). Not part of the test suite. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kernel/kernel.h"

#define BI_PORT 5001
#define BI_BATCH 64
#define BI_PAYLOAD 32
#define BI_MAX_ROUNDS 15
#define BI_RX_CPU 1
#define BI_TX_CPU 0

static const char bi_here[] = "2001:db8:ffff::1";    /* the bench namespace */
static const char bi_outside[] = "2001:db8:ffff::2"; /* peer: in no private prefix */
/* The generator's discard target: a veth of the peer namespace whose other
 * end is down, so the datagram is dropped at transmission (no receive path). */
static const char bi_blackhole[] = "2001:db8:dead::1";
/* Peer address inside entry BI_INSIDE_INDEX's prefix (present from 5001 entries on). */
#define BI_INSIDE_INDEX 5000

static double bi_now(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bi_prefix_text(int i, char *buf, size_t len)
{
	snprintf(buf, len, "2001:db8:%x:%x::", i / 256, i % 256);
}

/* Entry i, direction dir, as plan_kernel_policy makes a `private` trap. */
static void bi_policy(int i, enum kernel_dir dir, struct kernel_policy *p)
{
	char a[64];
	struct kernel_addr addr;
	uint8_t plen;
	bi_prefix_text(i, a, sizeof(a));
	strcat(a, "/64");
	memset(p, 0, sizeof(*p));
	kernel_prefix_parse(a, &addr, &plen);
	p->sel.family = addr.family;
	if (dir == KERNEL_DIR_OUT) {
		p->sel.dst = addr;
		p->sel.dst_plen = plen;
		p->kind = KERNEL_POLICY_TRAP;
		p->reqid = KERNEL_REQID_TRAP;
	} else {
		p->sel.src = addr;
		p->sel.src_plen = plen;
		p->kind = KERNEL_POLICY_DROP;
	}
	p->dir = dir;
	p->priority = kernel_priority(&p->sel, KERNEL_RANK_GROUP);
}

static int bi_failures;
static void bi_on_error(void *cookie, const struct kernel_error *err, void *ctx)
{
	(void)cookie;
	(void)ctx;
	if (bi_failures++ == 0)
		fprintf(stderr, "bench_inbound: first failure: %s\n", err->msg);
}

/* Installs (remove false) or removes n entries, with (private) or without
 * the inbound drop. Returns the time in seconds, failures in *fail. */
static double bi_entries(struct kernel *k, int n, bool private_, bool remove, int *fail)
{
	struct kernel_batch *b;
	struct kernel_policy p;
	if (kernel_batch_new(k, &b) != 0) {
		*fail = -1;
		return 0;
	}
	bi_failures = 0;
	double t0 = bi_now(CLOCK_MONOTONIC);
	for (int i = 0; i < n; i++) {
		for (int d = 0; d < (private_ ? 2 : 1); d++) {
			bi_policy(i, d == 0 ? KERNEL_DIR_OUT : KERNEL_DIR_IN, &p);
			if (remove)
				kernel_batch_policy_delete(b, &p.sel, p.dir, NULL);
			else
				kernel_batch_policy_update(b, &p, NULL);
		}
		/* Flush as the agent would with a large plan: bounded batches. */
		if (kernel_batch_count(b) >= 4096) {
			int r = kernel_batch_run(b, bi_on_error, NULL);
			if (r < 0)
				bi_failures++;
		}
	}
	int r = kernel_batch_run(b, bi_on_error, NULL);
	if (r < 0)
		bi_failures++;
	double t1 = bi_now(CLOCK_MONOTONIC);
	kernel_batch_free(b);
	*fail = bi_failures;
	return t1 - t0;
}

/* --- namespaces ------------------------------------------------------- */

static int bi_ns_here = -1, bi_ns_peer = -1;
static pid_t bi_peer_pid = -1;

static int bi_sh(const char *cmd)
{
	int r = system(cmd);
	if (r != 0)
		fprintf(stderr, "bench_inbound: `%s` failed (%d)\n", cmd, r);
	return r;
}

static int bi_enter(int fd)
{
	if (setns(fd, CLONE_NEWNET) != 0) {
		fprintf(stderr, "bench_inbound: setns: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The peer namespace is held by a child that only waits; veth between. */
static int bi_setup_peer(void)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return -1;
	bi_peer_pid = fork();
	if (bi_peer_pid < 0)
		return -1;
	if (bi_peer_pid == 0) {
		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* goes with the bench */
		char c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		close(pfd[1]);
		for (;;)
			pause();
	}
	close(pfd[1]);
	char c = 0;
	if (read(pfd[0], &c, 1) != 1 || c != 'y') {
		close(pfd[0]);
		return -1;
	}
	close(pfd[0]);
	char path[64], cmd[512];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)bi_peer_pid);
	bi_ns_peer = open(path, O_RDONLY | O_CLOEXEC);
	bi_ns_here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (bi_ns_peer < 0 || bi_ns_here < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && "
		 "ip link add swb0 address 02:00:00:00:5b:0a type veth peer name swb1 address 02:00:00:00:5b:0b netns %d && "
		 "ip -6 addr add %s/64 dev swb0 nodad && ip link set swb0 up && "
		 "ip -6 neigh replace %s lladdr 02:00:00:00:5b:0b dev swb0 nud permanent",
		 (int)bi_peer_pid, bi_here, bi_outside);
	if (bi_sh(cmd) != 0)
		return -1;
	char inside[64];
	bi_prefix_text(BI_INSIDE_INDEX, inside, sizeof(inside));
	strcat(inside, "2");
	if (bi_enter(bi_ns_peer) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && ip link set swb1 up && "
		 "ip -6 addr add %s/64 dev swb1 nodad && ip -6 addr add %s/64 dev swb1 nodad && "
		 "ip -6 neigh replace %s lladdr 02:00:00:00:5b:0a dev swb1 nud permanent && "
		 "ip link add swd0 address 02:00:00:00:5b:0c type veth peer name swd1 && ip link set swd0 up && "
		 "ip -6 route add 2001:db8:dead::/64 dev swd0 && "
		 "ip -6 neigh replace %s lladdr 02:00:00:00:5b:0d dev swd0 nud permanent",
		 bi_outside, inside, bi_here, bi_blackhole);
	int r = bi_sh(cmd);
	if (bi_enter(bi_ns_here) != 0)
		return -1;
	return r == 0 ? 0 : -1;
}

static int bi_udp_socket(const char *bind_addr, const char *conn_addr)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	inet_pton(AF_INET6, bind_addr, &sa.sin6_addr);
	sa.sin6_port = htons(conn_addr != NULL ? 0 : BI_PORT);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "bench_inbound: bind %s: %s\n", bind_addr, strerror(errno));
		close(fd);
		return -1;
	}
	if (conn_addr != NULL) {
		inet_pton(AF_INET6, conn_addr, &sa.sin6_addr);
		sa.sin6_port = htons(BI_PORT);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			fprintf(stderr, "bench_inbound: connect %s: %s\n", conn_addr, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* --- counters ------------------------------------------------------------ */

/* A named counter of a /proc/net file of the calling thread's namespace. */
static unsigned long long bi_counter(const char *file, const char *name)
{
	char path[128], key[64];
	unsigned long long v;
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	unsigned long long found = 0;
	while (fscanf(f, "%63s %llu", key, &v) == 2)
		if (strcmp(key, name) == 0) {
			found = v;
			break;
		}
	fclose(f);
	return found;
}

/* Busy jiffies of the whole machine (everything but idle and iowait). */
static unsigned long long bi_busy_jiffies(void)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	if (f == NULL)
		return 0;
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		       &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return 0;
	return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

/* --- receiver ------------------------------------------------------------ */

static atomic_ullong bi_rx_count;
static atomic_bool bi_rx_stop;

static void bi_pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *bi_receiver(void *arg)
{
	int fd = *(int *)arg;
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		bi_pin(BI_RX_CPU);
	static char bufs[BI_BATCH][256];
	struct mmsghdr msgs[BI_BATCH];
	struct iovec iov[BI_BATCH];
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BI_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&bi_rx_stop)) {
		int r = recvmmsg(fd, msgs, BI_BATCH, MSG_WAITFORONE, NULL);
		if (r > 0)
			atomic_fetch_add(&bi_rx_count, (unsigned long long)r);
	}
	return NULL;
}

/* --- sender --------------------------------------------------------------- */

struct bi_result {
	double pps_sent, pps_rx, pps_blocked;
	double tx_cpu_ns, rx_cpu_ns, machine_ns; /* per datagram sent */
	unsigned long long lost;
};

static pthread_t bi_rx_thread;

/* Sends for `seconds` from fd as fast as sendmmsg goes; counts what the
 * bench namespace delivered (Udp6InDatagrams) and blocked (XfrmInPolBlock). */
static void bi_blast(int fd, double seconds, struct bi_result *res)
{
	static char payload[BI_PAYLOAD];
	struct mmsghdr msgs[BI_BATCH];
	struct iovec iov = { .iov_base = payload, .iov_len = sizeof(payload) };
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BI_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	clockid_t rxclock;
	pthread_getcpuclockid(bi_rx_thread, &rxclock);
	unsigned long long in0 = bi_counter("snmp6", "Udp6InDatagrams");
	unsigned long long bl0 = bi_counter("xfrm_stat", "XfrmInPolBlock");
	unsigned long long rx0 = atomic_load(&bi_rx_count);
	unsigned long long j0 = bi_busy_jiffies();
	double c0 = bi_now(CLOCK_THREAD_CPUTIME_ID), r0 = bi_now(rxclock);
	double t0 = bi_now(CLOCK_MONOTONIC), t = t0;
	unsigned long long sent = 0, errors = 0;
	while (t - t0 < seconds) {
		int r = sendmmsg(fd, msgs, BI_BATCH, 0);
		if (r > 0)
			sent += (unsigned long long)r;
		else
			errors++;
		t = bi_now(CLOCK_MONOTONIC);
	}
	double c1 = bi_now(CLOCK_THREAD_CPUTIME_ID);
	unsigned long long j1 = bi_busy_jiffies();
	/* Let the receiver drain its socket before the counters are read. */
	unsigned long long last = ~0ull;
	for (int i = 0; i < 50 && atomic_load(&bi_rx_count) != last; i++) {
		last = atomic_load(&bi_rx_count);
		usleep(20000);
	}
	double r1 = bi_now(rxclock);
	unsigned long long in1 = bi_counter("snmp6", "Udp6InDatagrams");
	unsigned long long bl1 = bi_counter("xfrm_stat", "XfrmInPolBlock");
	unsigned long long rx1 = atomic_load(&bi_rx_count);
	double wall = t - t0;
	unsigned long long delivered = in1 - in0, blocked = bl1 - bl0;
	(void)rx0;
	(void)rx1;
	res->pps_sent = (double)sent / wall;
	res->pps_rx = (double)delivered / wall;
	res->pps_blocked = (double)blocked / wall;
	res->tx_cpu_ns = sent ? (c1 - c0) * 1e9 / (double)sent : 0;
	res->rx_cpu_ns = sent ? (r1 - r0) * 1e9 / (double)sent : 0;
	res->machine_ns = sent ? (double)(j1 - j0) / (double)sysconf(_SC_CLK_TCK) * 1e9 / (double)sent : 0;
	res->lost = sent > delivered + blocked ? sent - delivered - blocked : 0;
	if (errors > 0)
		fprintf(stderr, "bench_inbound: %llu sendmmsg calls failed (%s)\n", errors, strerror(errno));
}

static int bi_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double bi_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), bi_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ROUNDS runs of bi_blast; prints the medians. */
static void bi_traffic(const char *label, int fd, double seconds, int rounds)
{
	double s[BI_MAX_ROUNDS], rx[BI_MAX_ROUNDS], bl[BI_MAX_ROUNDS], tc[BI_MAX_ROUNDS], rc[BI_MAX_ROUNDS],
		mc[BI_MAX_ROUNDS];
	unsigned long long lost = 0;
	for (int i = 0; i < rounds; i++) {
		struct bi_result r;
		bi_blast(fd, seconds, &r);
		s[i] = r.pps_sent;
		rx[i] = r.pps_rx;
		bl[i] = r.pps_blocked;
		tc[i] = r.tx_cpu_ns;
		rc[i] = r.rx_cpu_ns;
		mc[i] = r.machine_ns;
		lost += r.lost;
	}
	printf("traffic %-34s sent %8.0f/s delivered %8.0f/s blocked %8.0f/s | per datagram: sender cpu %6.0f ns, "
	       "receiver cpu %5.0f ns, machine %6.0f ns | neither %llu (median of %d x %.1f s)\n",
	       label, bi_median(s, rounds), bi_median(rx, rounds), bi_median(bl, rounds), bi_median(tc, rounds),
	       bi_median(rc, rounds), bi_median(mc, rounds), lost, rounds, seconds);
	fflush(stdout);
}

static void bi_install_line(struct kernel *k, int n, bool private_, double *add_s)
{
	int fa, fd;
	double a = bi_entries(k, n, private_, false, &fa);
	*add_s = a;
	printf("install %-16s n=%6d (%6d policies): add %9.1f ms (%5.2f us/entry)  failures %d\n",
	       private_ ? "private" : "private-or-clear", n, private_ ? 2 * n : n, a * 1e3, a * 1e6 / (n ? n : 1), fa);
	(void)fd;
	fflush(stdout);
}

static void bi_remove_line(struct kernel *k, int n, bool private_)
{
	int fd;
	double d = bi_entries(k, n, private_, true, &fd);
	printf("remove  %-16s n=%6d (%6d policies): by selector %9.1f ms (%5.2f us/entry)  failures %d\n",
	       private_ ? "private" : "private-or-clear", n, private_ ? 2 * n : n, d * 1e3, d * 1e6 / (n ? n : 1), fd);
	fflush(stdout);
}

/* Removal the way kernel_cleanup_stale does it: one dump, then every
 * policy of our band deleted by its index. */
static void bi_remove_index(struct kernel *k, int n, bool private_)
{
	struct kernel_cleanup_stats st;
	struct kernel_error err;
	double t0 = bi_now(CLOCK_MONOTONIC);
	int r = kernel_cleanup_stale(k, false, &st, &err);
	double d = bi_now(CLOCK_MONOTONIC) - t0;
	printf("remove  %-16s n=%6d (%6d policies): by index (kernel_cleanup_stale) %9.1f ms (%5.2f us/entry)  "
	       "removed %u, rc %d\n",
	       private_ ? "private" : "private-or-clear", n, private_ ? 2 * n : n, d * 1e3, d * 1e6 / (n ? n : 1),
	       st.policies_removed, r);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	double seconds = argc > 2 ? atof(argv[2]) : 1.0;
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	/* "index": skip the removals by selector (quadratic in the kernel). */
	bool by_selector = !(argc > 4 && strcmp(argv[4], "index") == 0);
	if (n <= BI_INSIDE_INDEX || n > 65536 * 256 || seconds <= 0 || rounds < 1 || rounds > BI_MAX_ROUNDS) {
		fprintf(stderr, "usage: bench_inbound [ENTRIES (> %d) [SECONDS [ROUNDS (1-%d) [index]]]]\n", BI_INSIDE_INDEX,
			BI_MAX_ROUNDS);
		return 2;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "bench_inbound: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 2;
	}
	if (bi_setup_peer() != 0) {
		fprintf(stderr, "bench_inbound: cannot set up the peer namespace\n");
		if (bi_peer_pid > 0)
			kill(bi_peer_pid, SIGKILL);
		return 1;
	}
	struct kernel *k;
	struct kernel_error err;
	if (kernel_open(&k, &err) != 0) {
		fprintf(stderr, "bench_inbound: %s\n", err.msg);
		kill(bi_peer_pid, SIGKILL);
		return 1;
	}
	char inside[64];
	bi_prefix_text(BI_INSIDE_INDEX, inside, sizeof(inside));
	strcat(inside, "2");
	int rx = bi_udp_socket("::", NULL);
	int rcvbuf = 8 << 20;
	if (rx >= 0)
		setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	int tx_out = -1, tx_in = -1, tx_bh = -1;
	if (bi_enter(bi_ns_peer) == 0) {
		tx_out = bi_udp_socket(bi_outside, bi_here);
		tx_in = bi_udp_socket(inside, bi_here);
		tx_bh = bi_udp_socket(bi_outside, bi_blackhole);
		bi_enter(bi_ns_here);
	}
	if (rx < 0 || tx_out < 0 || tx_in < 0 || tx_bh < 0) {
		fprintf(stderr, "bench_inbound: sockets failed\n");
		kill(bi_peer_pid, SIGKILL);
		return 1;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		bi_pin(BI_TX_CPU);
	pthread_create(&bi_rx_thread, NULL, bi_receiver, &rx);
	usleep(100000);

	printf("bench_inbound: %d entries, %d round(s) of %.1f s per traffic figure, %ld CPUs; sender on CPU %d, "
	       "receiver on CPU %d; outside source %s, inside source %s (entry %d)\n",
	       n, rounds, seconds, sysconf(_SC_NPROCESSORS_ONLN), BI_TX_CPU, BI_RX_CPU, bi_outside, inside,
	       BI_INSIDE_INDEX);
	/* Generator ceilings, and the socket with no policy at all. */
	bi_traffic("ceiling: discard target (peer ns)", tx_bh, seconds, rounds);
	bi_traffic("0 entries, outside source", tx_out, seconds, rounds);
	bi_traffic("0 entries, inside source", tx_in, seconds, rounds);

	/* One entry: the packet is checked, against an (almost) empty table. */
	double a;
	bi_install_line(k, 1, true, &a);
	bi_traffic("1 private entry, outside", tx_out, seconds, rounds);
	bi_remove_line(k, 1, true);

	char label[64];
	int tenth = n / 10 > BI_INSIDE_INDEX ? n / 10 : BI_INSIDE_INDEX + 1;
	int sizes[] = { tenth, n };
	for (size_t i = 0; i < 2; i++) {
		int m = sizes[i];
		double a_priv, a_poc;
		bi_install_line(k, m, true, &a_priv);
		snprintf(label, sizeof(label), "%d private entries, outside", m);
		bi_traffic(label, tx_out, seconds, rounds);
		snprintf(label, sizeof(label), "%d private entries, inside", m);
		bi_traffic(label, tx_in, seconds, rounds);
		if (by_selector)
			bi_remove_line(k, m, true);
		else
			bi_remove_index(k, m, true);
		bi_install_line(k, m, false, &a_poc);
		snprintf(label, sizeof(label), "%d private-or-clear, outside", m);
		bi_traffic(label, tx_out, seconds, rounds);
		if (by_selector)
			bi_remove_line(k, m, false);
		else
			bi_remove_index(k, m, false);
		printf("install ratio private / private-or-clear at n=%d: %.2f\n", m, a_priv / a_poc);
		/* Removal as the agent's cleanup does it (dump, delete by index). */
		if (by_selector) {
			bi_install_line(k, m, true, &a_priv);
			bi_remove_index(k, m, true);
			bi_install_line(k, m, false, &a_poc);
			bi_remove_index(k, m, false);
		}
	}

	atomic_store(&bi_rx_stop, true);
	/* Wake the receiver with one datagram of our own namespace. */
	int wake = bi_udp_socket("::1", "::1");
	if (wake >= 0) {
		send(wake, "x", 1, 0);
		close(wake);
	}
	pthread_join(bi_rx_thread, NULL);
	kernel_close(k);
	kill(bi_peer_pid, SIGKILL);
	waitpid(bi_peer_pid, NULL, 0);
	return 0;
}
