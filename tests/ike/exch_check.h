/* cmocka assertions over an exch_world (exch_env.h). */
#ifndef EXCH_CHECK_H
#define EXCH_CHECK_H

#include "exch_env.h"
#include "ike/ike_message.h"

/* cmocka state: a calloc'ed, initialised world (engines not started). */
int exch_setup(void **state);
int exch_teardown(void **state);
/* Group setup: NSS once. */
int exch_group_setup(void **state);

/* Starts the engines; fails the test on error. */
void exch_start(struct exch_world *w);
/* A initiates towards B, then the queue runs and the clock moves on by up
 * to 2 s (retransmissions included) until both sides have a live child. */
void exch_handshake(struct exch_world *w);
/* Asserts one live Child SA on each side, no failure, and the pair matches:
 * SPIs crosswise, A's out keys == B's in keys and back, same algorithms,
 * initiator flags, addresses, groups. initiator is the side that began. */
void exch_assert_established(struct exch_world *w, int initiator);
/* The two children match crosswise (see above). */
void exch_assert_pair(const struct exch_child *i, const struct exch_child *r, const struct exch_world *w,
		      int initiator);
/* Asserts that side idx reported exactly one failure (the latest is
 * returned) with this reason and notify (IKE_FAIL_NONE, notify < 0: not
 * checked), its group and addresses. */
const struct exch_fail *exch_assert_failed(struct exch_world *w, int idx, enum ike_fail_reason reason,
					   int notify);
/* Side idx failed because the peer answered with error notify `notify`:
 * reason IKE_FAIL_NOTIFY (ike.h: "the peer answered with an error
 * notify"), or the category of that notify (IKE_FAIL_AUTH, _PROPOSAL),
 * which the engine reports today. The strict IKE_FAIL_NOTIFY check is made
 * by one test per category (test_no_proposal_ike, test_sig_wrong_key_responder). */
const struct exch_fail *exch_assert_peer_refused(struct exch_world *w, int idx, uint16_t notify,
						 enum ike_fail_reason category);
/* Parses trace entry i (unencrypted messages); fails the test on error. */
void exch_trace_parse(const struct exch_world *w, int i, struct ike_msg *m);
/* The first notify of type in m, or NULL. */
const struct ike_notify *exch_msg_notify(const struct ike_msg *m, uint16_t type);

#endif
