#ifndef SWANMESH_POLICY_CONFIG_H
#define SWANMESH_POLICY_CONFIG_H
/* The agent configuration (swanmesh.yaml(5), docs/config.md): parsed with
 * libyaml, validated, defaults filled in. Immutable once returned. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/addr.h"
#include "policy/diag.h"
#include "policy/proposal.h"

#define POLICY_DEFAULT_CONFIG "/etc/swanmesh/swanmesh.yaml"

/* kernel.event-buffer: default and bounds, in bytes. */
#define POLICY_EVENT_BUFFER_DEFAULT (8u << 20)
#define POLICY_EVENT_BUFFER_MIN (16u << 10)
#define POLICY_EVENT_BUFFER_MAX (1024u << 20)

/* The five policy groups, in the order of strictness: a lower value wins a tie. */
enum policy_group {
	POLICY_GROUP_BLOCK = 0,
	POLICY_GROUP_CLEAR = 1,
	POLICY_GROUP_PRIVATE = 2,
	POLICY_GROUP_PRIVATE_OR_CLEAR = 3,
	POLICY_GROUP_CLEAR_OR_PRIVATE = 4,
	POLICY_GROUP_COUNT = 5,
	POLICY_GROUP_NONE = 255,
};

enum policy_auth { POLICY_AUTH_CERT = 1, POLICY_AUTH_DNSSEC = 2, POLICY_AUTH_NULL = 3 };
enum policy_shunt {
	POLICY_SHUNT_NONE = 0,  /* failure shunt: back to the trap at once; unset elsewhere */
	POLICY_SHUNT_HOLD = 1,
	POLICY_SHUNT_PASS = 2,
	POLICY_SHUNT_DROP = 3,
};
enum policy_mode { POLICY_MODE_TUNNEL = 0, POLICY_MODE_TRANSPORT = 1 };
enum policy_log_level {
	POLICY_LOG_ERROR = 0, POLICY_LOG_WARNING, POLICY_LOG_NOTICE, POLICY_LOG_INFO, POLICY_LOG_DEBUG,
};

#define POLICY_AUTH_MAX 3

/* Behaviour of one group. For clear and block everything is zero. */
struct policy_group_conf {
	uint8_t auth[POLICY_AUTH_MAX];     /* enum policy_auth, in order of preference */
	uint8_t nauth;                     /* 0: no usable authentication (see auth_missing) */
	bool auth_explicit;                /* set in the file, not a default */
	bool auth_missing;                 /* private without node.cert and no explicit auth */
	uint8_t negotiation_shunt;         /* enum policy_shunt (0 for clear-or-private) */
	uint8_t failure_shunt;             /* enum policy_shunt */
	uint8_t mode;                      /* enum policy_mode */
};

struct policy_proposals {
	struct policy_proposal *v;         /* owned */
	size_t n;
};

struct policy_config {
	char *source;                      /* the file it came from, or "" */
	/* node: */
	char *node_id;                     /* "auto", "%fromcert", "%null", "@fqdn" or an address */
	char *cert;                        /* NSS nickname, NULL: no certificate auth */
	char *nss_db, *policy_dir, *control_socket;
	bool addresses_auto;
	struct policy_addr *addresses;     /* owned, when !addresses_auto */
	size_t naddresses;
	/* groups: indexed by enum policy_group */
	struct policy_group_conf groups[POLICY_GROUP_COUNT];
	/* ike: durations in milliseconds */
	struct policy_proposals ike_proposals, esp_proposals;
	uint64_t ike_lifetime_ms, child_lifetime_ms, liveness_ms, idle_timeout_ms;
	uint64_t failure_shunt_lifetime_ms, retransmit_timeout_ms;
	unsigned retransmit_tries;
	unsigned cookie_threshold;         /* half-open IKE SAs before COOKIEs are demanded (0: never) */
	unsigned half_open_max;            /* half-open IKE SAs beyond which requests are dropped (0: no limit) */
	unsigned half_open_per_source;     /* the same per source address, after the COOKIE (0: no limit) */
	unsigned initiations_max;          /* our negotiations under way at once (0: no limit) */
	unsigned initiation_queue_max;     /* trapped peers waiting for one of those (0: none wait) */
	/* dnssec: */
	bool dnssec_enabled;
	char **trust_anchors;              /* owned */
	size_t ntrust_anchors;
	struct policy_addr *resolvers;     /* owned; empty: full recursion / resolv.conf */
	size_t nresolvers;
	/* log: */
	uint8_t log_level;                 /* enum policy_log_level */
	/* kernel: */
	uint32_t event_buffer;             /* bytes of the XFRM event socket's receive buffer */
};

/* Parses a YAML buffer. name is used in diagnostics. On success returns 0 and
 * sets *out (caller frees with policy_config_free); on errors returns -1,
 * *out stays NULL and diags holds at least one error. Warnings may be added
 * either way. An empty buffer is all defaults. */
int policy_config_parse(const char *buf, size_t len, const char *name,
			struct policy_config **out, struct policy_diags *diags);
/* Reads and parses path; a missing file is all defaults (with a warning when
 * path was not the default path). Same contract as policy_config_parse. */
int policy_config_load(const char *path, struct policy_config **out, struct policy_diags *diags);
/* Returns a new configuration with every default (caller frees), NULL when out of memory. */
struct policy_config *policy_config_defaults(void);
void policy_config_free(struct policy_config *cfg);
/* The effective configuration as YAML (parses back to an equal config).
 * Returns a malloc'd string (caller frees), NULL when out of memory. */
char *policy_config_print(const struct policy_config *cfg);
/* true when both describe the same configuration (source aside). */
bool policy_config_equal(const struct policy_config *a, const struct policy_config *b);

/* Names: "private-or-clear", "cert", "hold", "tunnel", "info"; "?" when out of range. */
const char *policy_group_name(enum policy_group g);
int policy_group_from_name(const char *s, enum policy_group *out);
const char *policy_auth_name(enum policy_auth a);
const char *policy_shunt_name(enum policy_shunt s);
const char *policy_mode_name(enum policy_mode m);
const char *policy_log_level_name(enum policy_log_level l);

#endif
