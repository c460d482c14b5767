#ifndef SWANMESH_AGENT_CORE_H
#define SWANMESH_AGENT_CORE_H
/* The agent core on the daemon's loop: the policy model, the kernel policy
 * plan, the kernel's events, the shunts and the IKE engine (ike_bridge.h).
 * A trapped packet gets its group's negotiation shunt and starts IKE; the
 * tunnel releases the held packets, or a failure puts the group's failure
 * shunt (pass for private-or-clear, drop for private) in their way. */
#include <stddef.h>

#include <uv.h>

struct agent_core;

/* Loads config_path, cleans what an earlier run left (keeping the group
 * policies: no hole while restarting), installs the plan and listens for
 * ACQUIREs. *out owned by the caller (agent_core_stop). 0 or -1 + why. */
int agent_core_start(uv_loop_t *loop, const char *config_path, struct agent_core **out, char *why, size_t whylen);

/* Re-reads the configuration; only the difference reaches the kernel. A bad
 * configuration is refused (why) and the running one stays. */
int agent_core_reload(struct agent_core *c, char *why, size_t whylen);

/* Deletes the IKE SAs (telling the peers), removes the tunnels and the
 * shunts and stops listening; the group policies (traps, drops)
 * stay in the kernel: `private` traffic is never sent in clear while no
 * agent runs. Frees c once the loop has closed its handles. */
void agent_core_stop(struct agent_core *c);

/* One line per shunt (shuntstatus), then a summary line. */
void agent_core_shuntstatus(struct agent_core *c, void (*line)(void *ctx, const char *text), void *ctx);
/* "N group rules, M kernel policies, K shunts" */
void agent_core_summary(const struct agent_core *c, char *out, size_t len);
/* The IKE side (tunnels, up/down, counters); borrowed, valid until stop. */
struct ike_bridge *agent_core_ike_bridge(struct agent_core *c);

#endif
