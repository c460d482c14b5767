/* Callbacks of the mock env implemented in exch_net.c. */
#ifndef EXCH_ENV_INT_H
#define EXCH_ENV_INT_H

#include "exch_env.h"

int exch_cb_send(void *ctx, const uint8_t *buf, size_t len, const struct ike_addr *local,
		 const struct ike_addr *peer);
void exch_cb_timer_arm(void *ctx, uint64_t token, uint64_t delay_ms);
void exch_cb_timer_cancel(void *ctx, uint64_t token);

#endif
