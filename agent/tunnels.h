#ifndef SWANMESH_AGENT_TUNNELS_H
#define SWANMESH_AGENT_TUNNELS_H
/* Established Child SAs in the kernel: the SA pair and the host-to-host
 * tunnel policies (out, in, and fwd in tunnel mode) at the tunnel rank,
 * with one more per port rule of the peer that needs its own (peer_rules.h),
 * installed when ike/ reports a Child SA and removed when it goes (the
 * group's trap applies again). Rekeyed Child SAs of one peer share its
 * reqid and policies; the policies go with the last of them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"
#include "kernel/kernel.h"
#include "peer_rules.h"

struct tunnel_info {
	uint32_t serial, ike_serial;
	uint32_t instance;           /* "[N]" of trafficstatus: one per new peer tunnel */
	struct kernel_addr local, peer;
	uint32_t spi_in, spi_out, reqid;
	bool transport, initiator;
	char group[32];              /* "private-or-clear" */
	char cidr[64];               /* the group line that matched, "192.0.2.0/24" */
	char peer_id[128];           /* "ID_NULL" */
	uint8_t peer_auth;           /* IKE_AUTH_* */
	uint8_t authby;              /* enum policy_auth: how the peer was authenticated */
	uint32_t rules;              /* peer_rules_digest of the rules it was made for */
	unsigned nports;             /* port rules with policies of their own */
	uint64_t add_time;           /* seconds since the epoch */
};

struct tunnel_table;

/* k borrowed. *out owned by the caller (tunnel_table_free). 0 or -ENOMEM. */
int tunnel_table_new(struct kernel *k, struct tunnel_table **out);
/* Removes every tunnel from the kernel, then frees t. */
void tunnel_table_free(struct tunnel_table *t);

/* What trafficstatus says of a tunnel besides the Child SA itself. */
struct tunnel_label {
	const char *group;   /* "private-or-clear" */
	const char *cidr;    /* the group line that matched */
	uint8_t authby;      /* enum policy_auth */
	uint32_t rules;      /* peer_rules_digest */
	const struct peer_ports *ports; /* the policies of state PEER_TUNNEL */
};

/* Installs c (keys are copied into the requests and wiped) and releases
 * the packets held on `holding` (n policies, may be 0). The label's
 * strings are copied. 0, or negative errno with a sentence in why; nothing
 * stays installed then (the inbound larval SA is deleted too). */
int tunnel_install(struct tunnel_table *t, const struct ike_child_info *c, const struct tunnel_label *label,
		   const struct kernel_policy *holding, size_t nholding, char *why, size_t whylen);
/* Removes the Child SA serial: 0, or -ENOENT. */
int tunnel_remove(struct tunnel_table *t, uint32_t serial);

typedef void (*tunnel_each_cb)(void *ctx, const struct tunnel_info *ti);
void tunnel_table_each(const struct tunnel_table *t, tunnel_each_cb cb, void *ctx);
unsigned tunnel_table_count(const struct tunnel_table *t);
bool tunnel_table_has_peer(const struct tunnel_table *t, const struct kernel_addr *peer);
/* Byte counters of both SAs (0 where the kernel has none). */
void tunnel_stats(struct tunnel_table *t, const struct tunnel_info *ti, struct kernel_sa_stats *in,
		  struct kernel_sa_stats *out);

/* Idle teardown. Reads both SAs' byte counters of every tunnel (a change
 * in either direction is activity; a rekeyed Child SA continues its
 * sibling's idle time) and writes into out (at most max) the address
 * pairs whose tunnels have all carried nothing for idle_ms or more.
 * now_ms: a monotonic clock in milliseconds. Returns how many. */
struct tunnel_idle {
	struct kernel_addr local, peer;
	uint64_t idle_ms;
};
size_t tunnel_idle_collect(struct tunnel_table *t, uint64_t now_ms, uint64_t idle_ms, struct tunnel_idle *out,
			   size_t max);

#endif
