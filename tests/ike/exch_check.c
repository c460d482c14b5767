/* cmocka assertions over an exch_world. On a failed expectation the world's
 * logs and trace are printed first, so a red test shows what happened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exch_check.h"
#include "ike/ike_consts.h"

#define EXCH_EXPECT(w, cond)                                                                \
	do {                                                                                \
		if (!(cond)) {                                                              \
			exch_dump(w);                                                       \
			fail_msg("%s:%d: expected %s", __FILE__, __LINE__, #cond);          \
		}                                                                           \
	} while (0)

int exch_group_setup(void **state)
{
	(void)state;
	return exch_nss_init() == 0 ? 0 : -1;
}

int exch_setup(void **state)
{
	struct exch_world *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return -1;
	exch_world_init(w);
	*state = w;
	return 0;
}

int exch_teardown(void **state)
{
	struct exch_world *w = *state;

	exch_world_free(w);
	free(w);
	return 0;
}

void exch_start(struct exch_world *w)
{
	assert_int_equal(exch_world_start(w), 0);
	assert_non_null(w->side[EXCH_A].e);
	assert_non_null(w->side[EXCH_B].e);
}

static bool exch_both_up(struct exch_world *w)
{
	return exch_live_children(&w->side[EXCH_A]) > 0 && exch_live_children(&w->side[EXCH_B]) > 0;
}

void exch_handshake(struct exch_world *w)
{
	assert_int_equal(exch_initiate(w, EXCH_A), 0);
	(void)exch_wait(w, 2000, 10, exch_both_up);
}

static void exch_assert_key(const struct exch_world *w, const uint8_t *a, const uint8_t *b, size_t len)
{
	if (memcmp(a, b, len) != 0) {
		exch_dump(w);
		fail_msg("Child SA keys differ (%zu bytes)", len);
	}
}

void exch_assert_pair(const struct exch_child *i, const struct exch_child *r, const struct exch_world *w,
		      int initiator)
{
	const struct ike_child_info *a = &i->info, *b = &r->info;

	assert_int_equal(a->spi_out, b->spi_in);
	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_not_equal(a->spi_in, 0);
	assert_int_not_equal(a->spi_out, 0);
	/* each side's inbound SPI is one its own env allocated */
	assert_int_equal(a->spi_in >> 28, initiator == EXCH_A ? 0xa : 0xb);
	assert_int_equal(b->spi_in >> 28, initiator == EXCH_A ? 0xb : 0xa);
	assert_int_equal(a->encr, b->encr);
	assert_int_equal(a->key_bits, b->key_bits);
	assert_int_equal(a->integ, b->integ);
	assert_int_equal(a->esn, b->esn);
	assert_int_equal(a->encr_len, b->encr_len);
	assert_int_equal(a->integ_len, b->integ_len);
	assert_in_range(a->encr_len, 16, IKE_CRYPTO_CHILD_KEY_MAX);
	assert_in_range(a->integ_len, 0, IKE_CRYPTO_CHILD_KEY_MAX);
	exch_assert_key(w, i->out_encr, r->in_encr, a->encr_len);
	exch_assert_key(w, i->in_encr, r->out_encr, a->encr_len);
	/* the two directions have different keys */
	assert_memory_not_equal(i->out_encr, i->in_encr, a->encr_len);
	if (a->integ_len > 0) {
		assert_true(i->had_in_integ && i->had_out_integ && r->had_in_integ && r->had_out_integ);
		exch_assert_key(w, i->out_integ, r->in_integ, a->integ_len);
		exch_assert_key(w, i->in_integ, r->out_integ, a->integ_len);
		assert_memory_not_equal(i->out_integ, i->in_integ, a->integ_len);
	}
	assert_true(a->initiator);
	assert_false(b->initiator);
	assert_int_equal(a->transport, b->transport);
	assert_memory_equal(&a->local, &w->side[initiator].addr, sizeof(a->local));
	assert_memory_equal(&a->peer, &w->side[!initiator].addr, sizeof(a->peer));
	assert_memory_equal(&b->local, &w->side[!initiator].addr, sizeof(b->local));
	assert_memory_equal(&b->peer, &w->side[initiator].addr, sizeof(b->peer));
	assert_int_equal(a->group, w->side[initiator].conf.group);
	assert_int_equal(b->group, w->side[!initiator].conf.group);
	assert_int_not_equal(a->serial, 0);
	assert_int_not_equal(a->ike_serial, 0);
	assert_false(a->replaces);
	assert_false(b->replaces);
}

void exch_assert_established(struct exch_world *w, int initiator)
{
	const struct exch_side *si = &w->side[initiator], *sr = &w->side[!initiator];

	EXCH_EXPECT(w, exch_live_children(si) == 1 && exch_live_children(sr) == 1);
	EXCH_EXPECT(w, si->n_fail == 0 && sr->n_fail == 0);
	exch_assert_pair(exch_live_child(si), exch_live_child(sr), w, initiator);
}

const struct exch_fail *exch_assert_failed(struct exch_world *w, int idx, enum ike_fail_reason reason,
					   int notify)
{
	const struct exch_side *s = &w->side[idx];
	const struct exch_fail *f;

	EXCH_EXPECT(w, s->n_fail == 1);
	f = &s->fail[0];
	if ((reason != IKE_FAIL_NONE && f->f.reason != reason) || (notify >= 0 && f->f.notify != notify)) {
		exch_dump(w);
		fail_msg("side %s: failure %s notify %u, expected reason %s notify %d", s->name,
			 ike_fail_reason_name(f->f.reason), f->f.notify, ike_fail_reason_name(reason), notify);
	}
	assert_true(f->f.why[0] != '\0');
	assert_int_equal(f->f.group, s->conf.group);
	assert_memory_equal(&f->f.local, &s->addr, sizeof(s->addr));
	assert_memory_equal(&f->f.peer, &w->side[!idx].addr, sizeof(s->addr));
	return f;
}

const struct exch_fail *exch_assert_peer_refused(struct exch_world *w, int idx, uint16_t notify,
						 enum ike_fail_reason category)
{
	const struct exch_fail *f = exch_assert_failed(w, idx, IKE_FAIL_NONE, notify);

	if (f->f.reason != IKE_FAIL_NOTIFY && f->f.reason != category) {
		exch_dump(w);
		fail_msg("side %s: failure %s, expected %s or %s", w->side[idx].name,
			 ike_fail_reason_name(f->f.reason), ike_fail_reason_name(IKE_FAIL_NOTIFY),
			 ike_fail_reason_name(category));
	}
	return f;
}

void exch_trace_parse(const struct exch_world *w, int i, struct ike_msg *m)
{
	assert_true(i >= 0 && (unsigned)i < w->n_trace && i < EXCH_TRACE_MAX);
	assert_int_equal(ike_msg_parse(w->trace[i].buf, w->trace[i].len, m), 0);
}

const struct ike_notify *exch_msg_notify(const struct ike_msg *m, uint16_t type)
{
	for (unsigned i = 0; i < m->n_notify; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}
