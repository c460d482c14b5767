#ifndef SWANMESH_AGENT_SHUNTS_H
#define SWANMESH_AGENT_SHUNTS_H
/* Bare shunts for one peer: the negotiation shunt while IKE runs (hold,
 * pass, drop) and the failure shunt after it failed (pass, drop), each a
 * host-to-host outbound policy at its rank (docs/kernel-ownership.md) plus
 * one per port rule of the peer that needs its own (peer_rules.h), with
 * the reason and an expiry on the libuv loop. When a failure shunt expires
 * it is removed, so the group's trap applies again. */
#include <stdint.h>

#include <uv.h>

#include "kernel/kernel.h"
#include "peer_rules.h"

enum shunt_kind { SHUNT_NEGOTIATION, SHUNT_FAILURE };
enum shunt_action { SHUNT_HOLD, SHUNT_PASS, SHUNT_DROP };

struct shunt_info {
	struct kernel_addr local, peer;
	enum shunt_kind kind;
	enum shunt_action action;   /* the host-wide policy's (when host) */
	bool host;                  /* false: only port rules' policies */
	unsigned nports;            /* port rules with a policy of their own */
	uint32_t rules;             /* peer_rules_digest of the rules it was made for */
	struct peer_ports ports;    /* what it was installed from */
	const char *group;    /* "private-or-clear" */
	const char *reason;   /* "no IKE daemon: ICMP port unreachable" */
	uint64_t expires_ms;  /* loop time; 0: until removed */
};

struct shunt_table;
typedef void (*shunt_expired_cb)(void *ctx, const struct shunt_info *s);

/* *out owned by the caller (shunt_table_free). k is borrowed. */
int shunt_table_new(uv_loop_t *loop, struct kernel *k, shunt_expired_cb cb, void *ctx, struct shunt_table **out);
/* Removes every shunt from the kernel and frees the table after the loop
 * has closed its timers. */
void shunt_table_free(struct shunt_table *t);

/* Installs the shunt for local->peer with the policies of pp (replacing
 * the one of the same kind there), made for rules of digest `rules`, with
 * lifetime_ms (0: until removed). 0, -ENOENT when pp asks for no policy
 * at all, or negative errno + err. */
int shunt_install(struct shunt_table *t, const struct kernel_addr *local, const struct kernel_addr *peer,
		  enum shunt_kind kind, const struct peer_ports *pp, uint32_t rules, const char *group,
		  const char *reason, uint64_t lifetime_ms, struct kernel_error *err);
/* Removes it (and its kernel policy). 0, or -ENOENT when there is none. */
int shunt_remove(struct shunt_table *t, const struct kernel_addr *local, const struct kernel_addr *peer,
		 enum shunt_kind kind);

typedef void (*shunt_each_cb)(void *ctx, const struct shunt_info *s);
void shunt_table_each(const struct shunt_table *t, shunt_each_cb cb, void *ctx);
unsigned shunt_table_count(const struct shunt_table *t);

/* One `swanmesh shuntstatus` line:
 * 192.0.2.1/32 -0-> 192.0.2.3/32 => %pass    oe-failing (REASON, expires in 14m58s)
 * (libreswan's shape, so operators' habits carry over). */
void shunt_format(const struct shunt_info *s, uint64_t now_ms, char *out, size_t len);

#endif
