/* Two bridges, each with its own engine, kernel handle, shunts and UDP
 * sockets, in two network namespaces of one process: IKE over real UDP
 * between them (`up`), the Child SA handed to the kernel (installed where
 * the kernel has ESP, and `down` tells the peer; else refused by east's
 * kernel, answered TEMPORARY_FAILURE and replaced by failure shunts on
 * both sides with the reason, leaving no larval SA and no IKE SA), and a peer without IKE daemon failing at once on ICMP port
 * unreachable with the group's failure shunt; an ACQUIRE storm towards a
 * black hole (203.0.113.0/24, routed to east, which drops it) held to
 * ike.initiations-max negotiations at once, the rest queued and then
 * turned away. Root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ike/crypto_nss.h"
#include "ike_bridge.h"
#include "log.h"

struct side {
	const char *addr;
	int ns;
	struct kernel *k;
	struct policy_model *model;
	struct shunt_table *shunts;
	struct ike_bridge *b;
};

static uv_loop_t loop;
static struct side west = { "192.0.2.1", -1, NULL, NULL, NULL, NULL };
static struct side east = { "192.0.2.2", -1, NULL, NULL, NULL, NULL };
static char peer_ns[64];

static void enter(const struct side *s)
{
	if (setns(s->ns, CLONE_NEWNET) != 0)
		fail_msg("setns: %s", strerror(errno));
}

/* Lines added to the ike: section of the next models. */
static const char *ike_extra = "";

/* own_text: "A" or "A, B"; the first is the model's own address used below. */
static struct policy_model *model_for(const char *own_text)
{
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "node:\n  addresses: [%s]\ngroups:\n  private: { auth: [null] }\nike:\n  retransmit: { timeout: 200ms, tries: 2 }\n%s",
		 own_text, ike_extra);
	struct policy_config *cfg = NULL;
	struct policy_diags d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(policy_config_parse(yaml, strlen(yaml), "test", &cfg, &d), 0);
	policy_diags_free(&d);
	struct policy_entries e;
	memset(&e, 0, sizeof(e));
	const char *group = "192.0.2.0/24\n203.0.113.0/24\n";
	assert_int_equal(policy_groupfile_parse(group, strlen(group), "private-or-clear", POLICY_GROUP_PRIVATE_OR_CLEAR,
						&e, &d), 0);
	const char *priv = "203.0.113.99\n";
	assert_int_equal(policy_groupfile_parse(priv, strlen(priv), "private", POLICY_GROUP_PRIVATE, &e, &d), 0);
	char first[64];
	snprintf(first, sizeof(first), "%s", own_text);
	first[strcspn(first, ",")] = '\0';
	struct policy_addr own;
	policy_addr_parse(first, &own);
	struct policy_model *m = NULL;
	assert_int_equal(policy_model_build(cfg, &e, &own, 1, &m, &d), 0);
	policy_diags_free(&d);
	return m;
}

static void side_start(struct side *s)
{
	char why[256] = "";
	struct kernel_error err;
	enter(s);
	s->model = model_for(s->addr);
	assert_int_equal(kernel_open(&s->k, &err), 0);
	assert_int_equal(shunt_table_new(&loop, s->k, NULL, NULL, &s->shunts), 0);
	if (ike_bridge_new(&loop, s->k, s->shunts, s->model, &s->b, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	enter(&west);
}

static void side_stop(struct side *s)
{
	if (s->b == NULL)
		return;
	enter(s);
	ike_bridge_stop(s->b);
	shunt_table_free(s->shunts);
	uv_run(&loop, UV_RUN_NOWAIT);
	kernel_close(s->k);
	policy_model_free(s->model);
	s->b = NULL;
	enter(&west);
}

static struct ike_bridge_counts counts(const struct side *s)
{
	struct ike_bridge_counts c;
	ike_bridge_counts(s->b, &c);
	return c;
}

/* Runs the loop until cond holds (at most ~5 s). */
static bool spin_until(bool (*cond)(void))
{
	for (int i = 0; i < 1000; i++) {
		if (cond())
			return true;
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(5000);
	}
	return cond();
}

static bool west_negotiated_twice(void)
{
	return counts(&west).engine.failed >= 2;
}

static bool established_or_refused(void)
{
	return (counts(&west).engine.established >= 1 && counts(&east).engine.established >= 1) ||
	       counts(&west).engine.failed >= 1;
}

static bool both_gone(void)
{
	/* West's SA goes when east has answered its Delete. */
	return counts(&east).ike_sas == 0 && counts(&west).ike_sas == 0;
}

static bool west_failed(void)
{
	return counts(&west).engine.failed >= 1;
}

struct shunt_seen {
	char reason[256];
	int n;
};

static void shunt_cb(void *ctx, const struct shunt_info *s)
{
	struct shunt_seen *v = ctx;
	v->n++;
	snprintf(v->reason, sizeof(v->reason), "%s", s->reason);
}

static int sa_count(const struct kernel_sa_info *sa, void *ctx)
{
	(void)sa;
	(*(int *)ctx)++;
	return 0;
}

static int kernel_sas(const struct side *s)
{
	int n = 0;
	enter(s);
	kernel_sa_list(s->k, sa_count, &n, NULL);
	enter(&west);
	return n;
}

static void test_up_down(void **state)
{
	(void)state;
	side_start(&west);
	side_start(&east);
	struct kernel_addr peer;
	char why[256] = "";
	kernel_addr_parse(east.addr, &peer);
	if (ike_bridge_up(west.b, &peer, why, sizeof(why)) != 0)
		fail_msg("up: %s", why);
	assert_true(spin_until(established_or_refused));
	struct ike_bridge_counts w = counts(&west), e = counts(&east);
	if (w.child_sas == 1) {
		/* This kernel has ESP: the tunnel is in on both sides. */
		assert_int_equal(e.child_sas, 1);
		assert_int_equal(kernel_sas(&west), 2);
		assert_int_equal(ike_bridge_down(west.b, &peer), 1);
	} else {
		/* No ESP here (the host kernel of the test machines): east's
		 * kernel refused the SA before east answered, so its IKE_AUTH
		 * answer said TEMPORARY_FAILURE; both failure shunts say why and
		 * nothing is left. */
		struct shunt_seen v = { "", 0 };
		shunt_table_each(west.shunts, shunt_cb, &v);
		assert_int_equal(v.n, 1);
		assert_string_equal(v.reason, "the peer refused the Child SA: TEMPORARY_FAILURE");
		struct shunt_seen ve = { "", 0 };
		shunt_table_each(east.shunts, shunt_cb, &ve);
		assert_int_equal(ve.n, 1);
		assert_non_null(strstr(ve.reason, "cannot install Child SA"));
		assert_int_equal(w.engine.established, 0);
		assert_int_equal(kernel_sas(&west), 0);
		assert_int_equal(kernel_sas(&east), 0);
		print_message("no ESP in this kernel: %s\n", v.reason);
		/* A packet trapped now negotiates afresh: the earlier IKE SA
		 * without Child SA is replaced (or already gone), and its delayed
		 * deletion spares the new negotiation. */
		struct kernel_addr local;
		kernel_addr_parse(west.addr, &local);
		ike_bridge_acquire(west.b, &local, &peer, NULL);
		assert_true(spin_until(west_negotiated_twice));
		/* An IKE SA without its Child SA is deleted by itself. */
	}
	assert_true(spin_until(both_gone));
	assert_int_equal(counts(&east).child_sas, 0);
}

static void test_no_ike_daemon(void **state)
{
	(void)state;
	side_stop(&east);
	/* A fresh west: the shunt of the first test is gone with its table. */
	side_stop(&west);
	side_start(&west);
	struct kernel_addr peer;
	char why[256] = "";
	kernel_addr_parse(east.addr, &peer);
	assert_int_equal(ike_bridge_up(west.b, &peer, why, sizeof(why)), 0);
	assert_true(spin_until(west_failed));
	struct shunt_seen v = { "", 0 };
	shunt_table_each(west.shunts, shunt_cb, &v);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.reason, "no IKE daemon: ICMP port unreachable");
	/* Groups that never initiate are refused before anything is sent. */
	kernel_addr_parse("198.51.100.7", &peer);
	assert_int_equal(ike_bridge_up(west.b, &peer, why, sizeof(why)), -1);
	assert_string_equal(why, "198.51.100.7 is in no policy group");
	side_stop(&west);
}

/* A reload that changes node.addresses: sockets open and close with them. */
static void test_reload_addresses(void **state)
{
	(void)state;
	side_start(&west);
	assert_int_equal(counts(&west).sockets, 2);
	assert_int_equal(system("ip addr add 192.0.2.5/24 dev v0"), 0);
	struct policy_model *two = model_for("192.0.2.1, 192.0.2.5");
	ike_bridge_set_model(west.b, two);
	policy_model_free(west.model);
	west.model = two;
	assert_int_equal(counts(&west).sockets, 4);
	struct policy_model *other = model_for("192.0.2.5");
	ike_bridge_set_model(west.b, other);
	policy_model_free(west.model);
	west.model = other;
	assert_int_equal(counts(&west).sockets, 2);
	uv_run(&loop, UV_RUN_NOWAIT);
	side_stop(&west);
}

static unsigned most_sas;

static bool storm_over(void)
{
	struct ike_bridge_counts c = counts(&west);
	if (c.ike_sas > most_sas)
		most_sas = c.ike_sas;
	return c.engine.failed >= 6 && c.initiating == 0;
}

/* Five trapped peers that never answer, two negotiations at a time, three
 * may wait: a sixth is turned away (its packets stay with the trap), the
 * queued ones start as slots free, and never more than two run. */
static void test_acquire_storm(void **state)
{
	(void)state;
	ike_extra = "  initiations-max: 2\n  initiation-queue-max: 3\n";
	side_start(&west);
	ike_extra = "";
	struct kernel_addr local, peer[6];
	kernel_addr_parse(west.addr, &local);
	for (unsigned i = 0; i < 6; i++) {
		char s[32];
		snprintf(s, sizeof(s), "203.0.113.%u", 10 + i);
		kernel_addr_parse(s, &peer[i]);
	}
	for (unsigned i = 0; i < 5; i++) {
		assert_true(ike_bridge_acquire_admit(west.b, &peer[i]));
		ike_bridge_acquire(west.b, &local, &peer[i], NULL);
	}
	struct ike_bridge_counts c = counts(&west);
	assert_int_equal(c.initiating, 2);
	assert_int_equal(c.queued, 3);
	assert_int_equal(c.ike_sas, 2);
	assert_false(ike_bridge_acquire_admit(west.b, &peer[5]));
	assert_int_equal(counts(&west).acquires_turned_away, 1);
	/* A peer already pending is always taken (its ACQUIRE refreshes). */
	assert_true(ike_bridge_acquire_admit(west.b, &peer[4]));
	ike_bridge_acquire(west.b, &local, &peer[4], NULL);
	assert_int_equal(counts(&west).queued, 3);
	/* A private peer has a queue of its own: the full private-or-clear
	 * one does not turn it away. */
	struct kernel_addr priv;
	kernel_addr_parse("203.0.113.99", &priv);
	assert_true(ike_bridge_acquire_admit(west.b, &priv));
	ike_bridge_acquire(west.b, &local, &priv, NULL);
	assert_int_equal(counts(&west).queued, 4);
	most_sas = 0;
	bool over = false;
	for (int i = 0; i < 3 && !over; i++)
		over = spin_until(storm_over);
	assert_true(over);
	assert_int_equal(most_sas, 2);
	c = counts(&west);
	assert_int_equal(c.queued, 0);
	assert_int_equal(c.engine.failed, 6);
	struct shunt_seen v = { "", 0 };
	shunt_table_each(west.shunts, shunt_cb, &v);
	assert_int_equal(v.n, 6);
	side_stop(&west);
}

int main(void)
{
	if (unshare(CLONE_NEWNET) != 0) {
		printf("agent_ike_bridge: skipped: cannot create a network namespace (%s); run as root\n", strerror(errno));
		return 77;
	}
	char cmd[1024], path[128];
	snprintf(peer_ns, sizeof(peer_ns), "swanmesh-bridge-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && ip netns add %s && ip link add v0 type veth peer name v1 netns %s && "
		 "ip link set v0 up && ip addr add 192.0.2.1/24 dev v0 && ip -n %s link set v1 up && "
		 "ip -n %s link set lo up && ip -n %s addr add 192.0.2.2/24 dev v1 && "
		 "ip route add 203.0.113.0/24 via 192.0.2.2 && ip netns exec %s sysctl -qw net.ipv4.ip_forward=1 && "
		 "ip -n %s route add blackhole 203.0.113.0/24",
		 peer_ns, peer_ns, peer_ns, peer_ns, peer_ns, peer_ns, peer_ns);
	if (system(cmd) != 0)
		return 1;
	snprintf(path, sizeof(path), "/run/netns/%s", peer_ns);
	west.ns = open("/proc/self/ns/net", O_RDONLY);
	east.ns = open(path, O_RDONLY);
	if (west.ns < 0 || east.ns < 0 || ike_crypto_nss_init(NULL) != 0)
		return 1;
	log_init("agent_ike_bridge", LOG_LEVEL_DEBUG, LOG_TARGET_STDERR);
	uv_loop_init(&loop);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_down),
		cmocka_unit_test(test_no_ike_daemon),
		cmocka_unit_test(test_reload_addresses),
		cmocka_unit_test(test_acquire_storm),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	side_stop(&west);
	side_stop(&east);
	uv_run(&loop, UV_RUN_NOWAIT);
	snprintf(cmd, sizeof(cmd), "ip netns del %s", peer_ns);
	if (system(cmd) != 0)
		r = 1;
	return r;
}
