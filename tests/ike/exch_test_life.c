/* In-process exchanges: the life of an established SA. Delete (one peer,
 * all peers, from either side) and liveness checks against a live and a
 * vanished peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

static void established(struct exch_world *w)
{
	exch_start(w);
	exch_handshake(w);
	exch_assert_established(w, EXCH_A);
}

/* The child_down of side idx matches its child_up. */
static void assert_down_matches(const struct exch_world *w, int idx)
{
	const struct exch_side *s = &w->side[idx];

	assert_int_equal(s->n_down, 1);
	assert_int_equal(s->n_up, 1);
	assert_true(s->up[0].down);
	assert_int_equal(s->down[0].serial, s->up[0].info.serial);
	assert_int_equal(s->down[0].spi_in, s->up[0].info.spi_in);
	assert_int_equal(s->down[0].spi_out, s->up[0].info.spi_out);
	assert_int_equal(s->down[0].group, s->conf.group);
	assert_null(s->down[0].key_in_encr);
	assert_null(s->down[0].key_out_encr);
}

/* Failures a deleted peer may report: only DELETED, of an established SA. */
static void assert_only_deleted(struct exch_world *w, int idx)
{
	const struct exch_fail *f;

	if (w->side[idx].n_fail == 0)
		return;
	f = exch_assert_failed(w, idx, IKE_FAIL_DELETED, -1);
	assert_true(f->f.established);
}

static void delete_from(struct exch_world *w, int idx)
{
	established(w);
	assert_int_equal(ike_delete_peer(w->side[idx].e, &w->side[!idx].addr), 1);
	exch_advance(w, 5000);
	assert_down_matches(w, EXCH_A);
	assert_down_matches(w, EXCH_B);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	assert_int_equal(exch_trace_count(w, idx, IKE_EXCH_INFORMATIONAL, 0), 1);
	assert_int_equal(exch_trace_count(w, !idx, IKE_EXCH_INFORMATIONAL, 1), 1);
	assert_int_equal(w->side[idx].n_fail, 0);
	/* The SPIs belonged to the Child SAs: none given back as unused. */
	assert_int_equal(w->side[EXCH_A].n_spi_freed, 0);
	assert_int_equal(w->side[EXCH_B].n_spi_freed, 0);
	assert_only_deleted(w, !idx);
	/* nothing more goes out afterwards */
	unsigned n = w->n_trace;
	exch_advance(w, 60000);
	assert_int_equal(w->n_trace, n);
}

static void test_delete_peer(void **state)
{
	delete_from(*state, EXCH_A);
}

static void test_delete_peer_by_responder(void **state)
{
	delete_from(*state, EXCH_B);
}

static void test_delete_peer_none(void **state)
{
	struct exch_world *w = *state;
	struct ike_addr other = w->side[EXCH_B].addr;

	established(w);
	other.ip[3] = 99;
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &other), 0);
	exch_advance(w, 1000);
	exch_assert_established(w, EXCH_A);
}

/* The peer's Delete is lost every time: the deleting side still ends. */
static void test_delete_peer_lost(void **state)
{
	struct exch_world *w = *state;

	established(w);
	assert_non_null(exch_rule_add(w, EXCH_A, IKE_EXCH_INFORMATIONAL, 0, 0, 0, EXCH_DROP));
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	exch_advance(w, 60000);
	assert_down_matches(w, EXCH_A);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
}

/* SIGTERM: A's SAs are gone when ike_delete_all returns; B learns it. */
static void test_delete_all(void **state)
{
	struct exch_world *w = *state;

	established(w);
	ike_delete_all(w->side[EXCH_A].e);
	assert_down_matches(w, EXCH_A);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(w->n_queue, 1);
	assert_int_equal(w->queue[0].exchange, IKE_EXCH_INFORMATIONAL);
	exch_run(w, 0);
	assert_down_matches(w, EXCH_B);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	assert_only_deleted(w, EXCH_B);
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
}

static void liveness_conf(struct exch_world *w)
{
	for (int i = 0; i < 2; i++)
		w->side[i].conf.liveness_ms = 10000; /* give up 7500 ms after a check */
}

/* Both alive: liveness checks go back and forth, nothing goes down. */
static void test_liveness_alive(void **state)
{
	struct exch_world *w = *state;
	unsigned req;

	liveness_conf(w);
	established(w);
	exch_advance(w, 60000);
	exch_assert_established(w, EXCH_A);
	req = exch_trace_count(w, -1, IKE_EXCH_INFORMATIONAL, 0);
	assert_in_range(req, 1, 12);
	assert_int_equal(exch_trace_count(w, -1, IKE_EXCH_INFORMATIONAL, 1), req);
	assert_int_equal(w->side[EXCH_A].n_down + w->side[EXCH_B].n_down, 0);
}

/* B vanishes (freed silently): A notices after liveness_ms of silence and
 * the retransmissions of its check (exch_give_up_ms). */
static void test_liveness_dead_peer(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;
	uint64_t t0;

	liveness_conf(w);
	established(w);
	t0 = w->now;
	exch_side_free_engine(w, EXCH_B);
	exch_advance(w, 9000);
	assert_int_equal(w->side[EXCH_A].n_down, 0);
	assert_int_equal(w->side[EXCH_A].n_fail, 0);
	exch_advance(w, 13000);
	assert_down_matches(w, EXCH_A);
	f = exch_assert_failed(w, EXCH_A, IKE_FAIL_TIMEOUT, -1);
	assert_true(f->f.established);
	assert_true(f->f.initiator);
	assert_in_range(f->at_ms - t0, 10000 + exch_give_up_ms(&w->side[EXCH_A].conf),
			10000 + exch_give_up_ms(&w->side[EXCH_A].conf) + 2000);
	assert_true(exch_trace_count(w, EXCH_A, IKE_EXCH_INFORMATIONAL, 0) >= 2);
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_true(w->n_to_freed >= 2);
}

/* The responder side notices a vanished initiator the same way. */
static void test_liveness_dead_initiator(void **state)
{
	struct exch_world *w = *state;
	const struct exch_fail *f;

	liveness_conf(w);
	established(w);
	exch_side_free_engine(w, EXCH_A);
	exch_advance(w, 22000);
	assert_down_matches(w, EXCH_B);
	f = exch_assert_failed(w, EXCH_B, IKE_FAIL_TIMEOUT, -1);
	assert_true(f->f.established);
	assert_false(f->f.initiator);
}

/* Child lifetime 60 s: at 90 % (54 s) A negotiates a replacement while the
 * old pair still works (a CREATE_CHILD_SA rekey, or a fresh IKE SA as ike.h
 * words it: either is accepted); once up (replaces set), the old one is
 * deleted on both sides. Keys and SPIs are new. */
static void test_lifetime_replacement(void **state)
{
	struct exch_world *w = *state;
	const struct exch_side *a = &w->side[EXCH_A], *b = &w->side[EXCH_B];
	uint64_t t0;

	for (int i = 0; i < 2; i++)
		w->side[i].conf.child_lifetime_ms = 60000;
	established(w);
	t0 = w->now;
	assert_int_equal(a->up[0].info.lifetime_ms, 60000);
	exch_advance(w, 53000);
	assert_int_equal(a->n_up, 1);
	assert_int_equal(b->n_up, 1);
	exch_advance(w, 3000);
	assert_int_equal(a->n_up, 2);
	assert_int_equal(b->n_up, 2);
	assert_in_range(a->up[1].up_ms - t0, 54000, 55000);
	assert_true(a->up[1].info.initiator);
	assert_int_equal(a->up[1].info.spi_out, b->up[1].info.spi_in);
	assert_int_equal(a->up[1].info.spi_in, b->up[1].info.spi_out);
	assert_int_not_equal(a->up[1].info.spi_in, a->up[0].info.spi_in);
	assert_memory_equal(a->up[1].out_encr, b->up[1].in_encr, a->up[1].info.encr_len);
	assert_memory_not_equal(a->up[1].out_encr, a->up[0].out_encr, a->up[1].info.encr_len);
	/* make before break: the new pair is up before the old goes down */
	for (int i = 0; i < 2; i++)
		if (w->side[i].up[0].down)
			assert_true(w->side[i].up[1].up_seq < w->side[i].up[0].down_seq);
	assert_true(a->up[1].info.replaces);
	assert_true(b->up[1].info.replaces);
	/* a new Child SA (CREATE_CHILD_SA rekey or under a fresh IKE SA) */
	assert_int_not_equal(a->up[1].info.serial, a->up[0].info.serial);
	exch_advance(w, 2000);
	/* the old pair is gone, the new one stays */
	assert_true(a->up[0].down && b->up[0].down);
	assert_false(a->up[1].down || b->up[1].down);
	assert_int_equal(a->n_down, 1);
	assert_int_equal(b->n_down, 1);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	assert_int_equal(a->n_fail + b->n_fail, 0);
}

static bool side_logged(const struct exch_side *s, const char *text)
{
	unsigned n = s->n_log < EXCH_LOG_LINES ? s->n_log : EXCH_LOG_LINES;
	for (unsigned i = 0; i < n; i++)
		if (strstr(s->log[i], text) != NULL)
			return true;
	return false;
}

/* B's ESP suite names a group (PFS demanded), A's does not: A's rekey
 * without KE is refused, never accepted as a silent downgrade. */
static void test_rekey_without_pfs_refused(void **state)
{
	struct exch_world *w = *state;
	for (int i = 0; i < 2; i++)
		w->side[i].conf.child_lifetime_ms = 60000;
	w->side[EXCH_B].conf.esp[0].dh = IKE_DH_CURVE25519;
	established(w);
	exch_advance(w, 56000);
	assert_true(side_logged(&w->side[EXCH_B], "CREATE_CHILD_SA refused with NO_PROPOSAL_CHOSEN"));
	for (unsigned i = 0; i < w->side[EXCH_B].n_up; i++)
		if (w->side[EXCH_B].up[i].info.replaces)
			assert_int_not_equal(w->side[EXCH_B].up[i].info.ike_serial, w->side[EXCH_B].up[0].info.ike_serial);
}

/* B cannot install the rekeyed Child SA (the kernel said no): B answers
 * TEMPORARY_FAILURE instead of success and keeps no Child SA it could not
 * install (before, it answered success: A deleted the old pair for a new
 * one B never had). */
static void test_rekey_install_failure_refused(void **state)
{
	struct exch_world *w = *state;
	for (int i = 0; i < 2; i++)
		w->side[i].conf.child_lifetime_ms = 60000;
	established(w);
	w->side[EXCH_B].refuse_child = true;
	exch_advance(w, 55000);
	assert_true(w->side[EXCH_B].n_child_refused >= 1);
	assert_true(side_logged(&w->side[EXCH_B], "CREATE_CHILD_SA refused with TEMPORARY_FAILURE"));
	assert_int_equal(w->side[EXCH_B].n_up, 1);
	assert_true(side_logged(&w->side[EXCH_A], "rekey refused (TEMPORARY_FAILURE)"));
}

/* B, the responder, cannot install the first Child SA: its IKE_AUTH
 * answer says TEMPORARY_FAILURE (before, it answered success and then sent
 * a Delete: A installed a Child SA B never had) and neither end keeps an
 * IKE SA without a Child SA. */
static void test_first_child_install_failure_refused(void **state)
{
	struct exch_world *w = *state;
	w->side[EXCH_B].refuse_child = true;
	exch_start(w);
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	exch_advance(w, 5000);
	assert_int_equal(w->side[EXCH_B].n_child_refused, 1);
	assert_true(side_logged(&w->side[EXCH_B], "its Child SA could not be installed here: answered TEMPORARY_FAILURE"));
	assert_int_equal(w->side[EXCH_A].n_up, 0);
	assert_true(side_logged(&w->side[EXCH_A], "the peer refused the Child SA: TEMPORARY_FAILURE"));
	assert_int_equal(exch_sa_count(w, EXCH_A), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
	/* One IKE_AUTH answer, no Delete: the refusal was in it. */
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_IKE_AUTH, 1), 1);
	assert_int_equal(exch_trace_count(w, EXCH_B, IKE_EXCH_INFORMATIONAL, 0), 0);
	/* Both give back the inbound SPI they allocated for it. */
	assert_int_equal(w->side[EXCH_A].n_spi_freed, 1);
	assert_int_equal(w->side[EXCH_B].n_spi_freed, 1);
}

/* IKE lifetime 60 s: the IKE SA is replaced (new SPIs) around 54 s; the
 * Child SA either stays (moved to the new IKE SA: no events) or is
 * replaced make-before-break. One IKE SA and one live child in the end. */
static void test_ike_lifetime_replacement(void **state)
{
	struct exch_world *w = *state;
	struct ike_sa_info before, after;

	for (int i = 0; i < 2; i++)
		w->side[i].conf.ike_lifetime_ms = 60000;
	established(w);
	assert_int_equal(exch_sa_first(w, EXCH_A, &before), 0);
	exch_advance(w, 53000);
	assert_int_equal(exch_sa_first(w, EXCH_A, &after), 0);
	assert_true(after.spi_i == before.spi_i && after.spi_r == before.spi_r);
	exch_advance(w, 5000);
	assert_int_equal(exch_sa_count(w, EXCH_A), 1);
	assert_int_equal(exch_sa_count(w, EXCH_B), 1);
	assert_int_equal(exch_sa_first(w, EXCH_A, &after), 0);
	assert_false(after.spi_i == before.spi_i && after.spi_r == before.spi_r);
	assert_int_equal(after.state, IKE_STATE_ESTABLISHED);
	assert_int_equal(after.n_children, 1);
	assert_int_equal(exch_live_children(&w->side[EXCH_A]), 1);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 1);
	for (int i = 0; i < 2; i++) {
		const struct exch_side *s = &w->side[i];
		assert_int_equal(s->n_up, s->n_down + 1);
		if (s->n_up == 2) {
			assert_true(s->up[1].info.replaces);
			assert_true(s->up[1].up_seq < s->up[0].down_seq);
		}
	}
	assert_int_equal(w->side[EXCH_A].n_fail + w->side[EXCH_B].n_fail, 0);
	/* and the new IKE SA works: a Delete goes through */
	assert_int_equal(ike_delete_peer(w->side[EXCH_A].e, &w->side[EXCH_B].addr), 1);
	exch_advance(w, 2000);
	assert_int_equal(exch_live_children(&w->side[EXCH_B]), 0);
	assert_int_equal(exch_sa_count(w, EXCH_B), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, exch_setup, exch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_delete_peer),
		T(test_delete_peer_by_responder),
		T(test_delete_peer_none),
		T(test_delete_peer_lost),
		T(test_delete_all),
		T(test_liveness_alive),
		T(test_liveness_dead_peer),
		T(test_liveness_dead_initiator),
		T(test_lifetime_replacement),
		T(test_rekey_without_pfs_refused),
		T(test_rekey_install_failure_refused),
		T(test_first_child_install_failure_refused),
		T(test_ike_lifetime_replacement),
	};
#undef T

	return cmocka_run_group_tests(tests, exch_group_setup, NULL);
}
