#ifndef SWANMESH_AGENT_IKE_TIMERS_H
#define SWANMESH_AGENT_IKE_TIMERS_H
/* The engine's timers on the libuv loop: one uv_timer_t per token, found
 * through a small hash table. Arming a token again replaces its deadline;
 * cancelling an unknown token is harmless. */
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

struct ike_timers;
typedef void (*ike_timers_fire_cb)(void *ctx, uint64_t token);

/* *out owned by the caller (ike_timers_free). 0 or -ENOMEM. */
int ike_timers_new(uv_loop_t *loop, ike_timers_fire_cb cb, void *ctx, struct ike_timers **out);
/* Stops every timer; the handles' memory is freed by the loop later. */
void ike_timers_free(struct ike_timers *t);

/* 0 or -ENOMEM. A token fires at most once per arming; the callback may arm
 * it again. */
int ike_timers_arm(struct ike_timers *t, uint64_t token, uint64_t delay_ms);
void ike_timers_cancel(struct ike_timers *t, uint64_t token);
size_t ike_timers_count(const struct ike_timers *t);

#endif
