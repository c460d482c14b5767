#ifndef SWANMESH_KERNEL_H
#define SWANMESH_KERNEL_H
/*
 * kernel/: the Linux IPsec stack (XFRM) over NETLINK_XFRM, through libmnl.
 * Neutral types only: this library knows nothing of IKE. Ownership marks and
 * priorities are described in docs/kernel-ownership.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ownership marks (docs/kernel-ownership.md). */
#define KERNEL_PRIO_BASE 2000000u
#define KERNEL_PRIO_SPAN 4096u
#define KERNEL_REQID_MIN 0x53000000u
#define KERNEL_REQID_MAX 0x53ffffffu
#define KERNEL_REQID_TRAP KERNEL_REQID_MIN

#define KERNEL_ALG_NAME_MAX 64
#define KERNEL_KEY_MAX 64 /* bytes: enough for 256-bit keys + salt and HMAC-SHA2-512 keys */

struct kernel_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

/* Ports are in host order; 0 means any. Prefix lengths follow the family. */
struct kernel_selector {
	uint8_t family;
	struct kernel_addr src, dst;
	uint8_t src_plen, dst_plen;
	uint8_t proto; /* 0: any */
	uint16_t sport, dport;
};

enum kernel_mode { KERNEL_MODE_TRANSPORT = 0, KERNEL_MODE_TUNNEL = 1 };

/* An algorithm as the kernel names it (e.g. "rfc4106(gcm(aes))"), its key
 * and, for AEAD and authentication, the ICV or truncation length in bits. */
struct kernel_alg {
	char name[KERNEL_ALG_NAME_MAX];
	uint8_t key[KERNEL_KEY_MAX];
	size_t key_len; /* bytes */
	unsigned icv_bits;
};

struct kernel_lifetime {
	uint64_t bytes, packets;     /* 0: unlimited */
	uint64_t add_seconds, use_seconds;
};

struct kernel_sa {
	struct kernel_addr src, dst;
	uint32_t spi;                /* host order */
	uint32_t reqid;
	enum kernel_mode mode;
	bool aead;                   /* enc is an AEAD; auth unused */
	struct kernel_alg enc, auth;
	bool esn;
	uint32_t replay_window;      /* packets; 0: kernel default for ESN is refused, use 32+ */
	struct kernel_lifetime soft, hard;
	bool encap;                  /* UDP encapsulation (NAT-T) */
	uint16_t encap_sport, encap_dport;
};

/* Counters read back from the kernel (trafficstatus). */
struct kernel_sa_stats {
	uint64_t bytes, packets;
	uint64_t add_time, use_time; /* seconds since the epoch; 0: never used */
	uint32_t reqid;
};

enum kernel_dir { KERNEL_DIR_IN = 0, KERNEL_DIR_OUT = 1, KERNEL_DIR_FWD = 2 };

enum kernel_policy_kind {
	KERNEL_POLICY_TRAP,   /* ALLOW + ESP template without SA: queue/acquire */
	KERNEL_POLICY_PASS,   /* ALLOW, no template */
	KERNEL_POLICY_DROP,   /* BLOCK */
	KERNEL_POLICY_TUNNEL, /* ALLOW + ESP template of an established peer */
};

/* Tie-break ranks of docs/kernel-ownership.md. */
enum kernel_rank {
	KERNEL_RANK_FAILURE_SHUNT = 0,
	KERNEL_RANK_TUNNEL = 1,
	KERNEL_RANK_NEGOTIATION_SHUNT = 2,
	KERNEL_RANK_GROUP = 3,
};

struct kernel_policy {
	struct kernel_selector sel;
	enum kernel_dir dir;
	enum kernel_policy_kind kind;
	uint32_t priority;
	uint32_t index;              /* read back from the kernel; ignored when installing */
	/* Template (TRAP, TUNNEL): */
	uint32_t reqid;
	enum kernel_mode mode;
	struct kernel_addr tmpl_src, tmpl_dst; /* tunnel endpoints; zero for transport */
};

/* Error detail: code is a negative errno, msg the kernel's extended ack text
 * or our own explanation. */
struct kernel_error {
	int code;
	char msg[256];
};

enum kernel_event_type {
	KERNEL_EVENT_ACQUIRE = 1,
	KERNEL_EVENT_EXPIRE,
	KERNEL_EVENT_POLEXPIRE,
	KERNEL_EVENT_MAPPING,
};

struct kernel_acquire {
	struct kernel_selector sel;  /* the packet's flow */
	struct kernel_addr src, dst; /* template endpoints (or the flow's addresses) */
	uint32_t reqid;              /* the template's reqid (0 when absent) */
	uint8_t proto;               /* IPPROTO_ESP */
	struct kernel_policy policy; /* the policy that trapped the packet */
	uint32_t seq;
};

struct kernel_expire {
	struct kernel_addr src, dst;
	uint32_t spi;
	uint8_t proto;
	uint32_t reqid;
	bool hard;
};

struct kernel_polexpire {
	struct kernel_policy policy;
	bool hard;
};

struct kernel_mapping {
	struct kernel_addr dst, old_src, new_src;
	uint32_t spi, reqid;
	uint16_t old_sport, new_sport;
};

struct kernel_event {
	enum kernel_event_type type;
	union {
		struct kernel_acquire acquire;
		struct kernel_expire expire;
		struct kernel_polexpire polexpire;
		struct kernel_mapping mapping;
	} u;
};

struct kernel;

/* Opens the request socket and the event socket (ACQUIRE, EXPIRE,
 * POLEXPIRE, MAPPING groups) in the current network namespace.
 * *out is owned by the caller: free with kernel_close(). */
int kernel_open(struct kernel **out, struct kernel_error *err);
void kernel_close(struct kernel *k);

/* The event socket's fd, non-blocking, for the caller's event loop. */
int kernel_event_fd(const struct kernel *k);

/* Sets the event socket's receive buffer to bytes (8 MiB after
 * kernel_open): a burst of events larger than it is lost, and reported
 * once as -ENOBUFS by kernel_event_dispatch. Beyond the system limit
 * (net.core.rmem_max) only with CAP_NET_ADMIN. 0 or -errno with err. */
int kernel_event_buffer_set(struct kernel *k, uint32_t bytes, struct kernel_error *err);

typedef void (*kernel_event_cb)(const struct kernel_event *ev, void *ctx);

/* Reads every pending event and calls cb for each valid one. Malformed
 * messages are skipped and counted in *malformed (may be NULL).
 * Returns the number of events delivered or a negative errno. */
int kernel_event_dispatch(struct kernel *k, kernel_event_cb cb, void *ctx, unsigned *malformed);

/* Parses one netlink message (buf of len bytes) into *ev. Pure; validates
 * every length. Returns 0, -ENOMSG for a message type that is not an event,
 * or -EBADMSG for a malformed one. */
int kernel_event_parse(const void *buf, size_t len, struct kernel_event *ev);

/* SAs. Every call fills *err on failure (err may be NULL). */
int kernel_spi_alloc(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		     uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi, struct kernel_error *err);
int kernel_sa_add(struct kernel *k, const struct kernel_sa *sa, struct kernel_error *err);
int kernel_sa_update(struct kernel *k, const struct kernel_sa *sa, struct kernel_error *err);
int kernel_sa_delete(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		     uint32_t spi, struct kernel_error *err);
int kernel_sa_get(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		  uint32_t spi, struct kernel_sa_stats *stats, struct kernel_error *err);

/* One SA of a dump: addresses, SPI, reqid, mode and counters. */
struct kernel_sa_info {
	struct kernel_addr src, dst;
	uint32_t spi, reqid;
	uint8_t proto;
	enum kernel_mode mode;
	char enc_name[KERNEL_ALG_NAME_MAX];
	struct kernel_sa_stats stats;
};
typedef int (*kernel_sa_list_cb)(const struct kernel_sa_info *sa, void *ctx);
/* Dumps every SA (retried when the kernel interrupts the dump). */
int kernel_sa_list(struct kernel *k, kernel_sa_list_cb cb, void *ctx, struct kernel_error *err);

/* Policies. */
int kernel_policy_add(struct kernel *k, const struct kernel_policy *p, struct kernel_error *err);
int kernel_policy_update(struct kernel *k, const struct kernel_policy *p, struct kernel_error *err);
int kernel_policy_delete(struct kernel *k, const struct kernel_selector *sel, enum kernel_dir dir,
			 struct kernel_error *err);
int kernel_policy_get(struct kernel *k, const struct kernel_selector *sel, enum kernel_dir dir,
		      struct kernel_policy *out, struct kernel_error *err);
typedef int (*kernel_policy_list_cb)(const struct kernel_policy *p, void *ctx);
int kernel_policy_list(struct kernel *k, kernel_policy_list_cb cb, void *ctx, struct kernel_error *err);

/* Batches: many requests in few sends. Each queued request carries the
 * caller's cookie; kernel_batch_run reports every failure with its cookie. */
struct kernel_batch;
typedef void (*kernel_batch_error_cb)(void *cookie, const struct kernel_error *err, void *ctx);
/* *out owned by the caller: free with kernel_batch_free(). */
int kernel_batch_new(struct kernel *k, struct kernel_batch **out);
void kernel_batch_free(struct kernel_batch *b);
int kernel_batch_policy_add(struct kernel_batch *b, const struct kernel_policy *p, void *cookie);
int kernel_batch_policy_update(struct kernel_batch *b, const struct kernel_policy *p, void *cookie);
int kernel_batch_policy_delete(struct kernel_batch *b, const struct kernel_selector *sel,
			       enum kernel_dir dir, void *cookie);
/* By the index a dump gave (kernel_policy.index): the kernel finds it at
 * once, where a delete by selector costs a search that grows with the
 * number of policies (measured: quadratic over 100,000 removals). */
int kernel_batch_policy_delete_index(struct kernel_batch *b, uint32_t index, enum kernel_dir dir, void *cookie);
int kernel_batch_sa_add(struct kernel_batch *b, const struct kernel_sa *sa, void *cookie);
int kernel_batch_sa_delete(struct kernel_batch *b, const struct kernel_addr *src,
			   const struct kernel_addr *dst, uint32_t spi, void *cookie);
/* Sends everything queued; returns the number of failed requests (>= 0) or
 * a negative errno when the batch could not be sent at all. The batch is
 * empty afterwards and can be reused. */
int kernel_batch_run(struct kernel_batch *b, kernel_batch_error_cb cb, void *ctx);
size_t kernel_batch_count(const struct kernel_batch *b);

/* Established peer: both SAs, the tunnel policies, and the release of the
 * packets the kernel held on `holding` (the policies that trapped them, as
 * reported by ACQUIRE; may be NULL/0). If any step fails, nothing of it
 * stays installed. */
struct kernel_tunnel {
	struct kernel_sa out_sa, in_sa;
	const struct kernel_policy *policies; /* out, in (and fwd); outbound placed last */
	size_t npolicies;
	const struct kernel_policy *holding;
	size_t nholding;
};
int kernel_tunnel_install(struct kernel *k, const struct kernel_tunnel *t, struct kernel_error *err);

/* Re-inserts policies unchanged (XFRM_MSG_UPDPOLICY): the kernel then
 * re-examines the packets it queued on them at once. */
int kernel_hold_release(struct kernel *k, const struct kernel_policy *p, size_t n, struct kernel_error *err);

/* Makes the kernel queue packets that hit a trap instead of dropping them
 * (net.core.xfrm_larval_drop=0) and sets how long an ACQUIRE stays pending
 * (net.core.xfrm_acq_expires), in the current network namespace. */
int kernel_hold_enable(unsigned acq_expires_seconds, struct kernel_error *err);

/* Stale state of a previous run: SAs with a reqid in our range, and
 * policies in our priority band. Group policies (traps, drops, passes of
 * rank KERNEL_RANK_GROUP) are kept when keep_group_policies is true so that
 * private traffic never goes out in clear during a restart; everything
 * else (tunnels, shunts) goes. Foreign state is never touched. */
struct kernel_cleanup_stats {
	unsigned sas_removed, policies_removed, policies_kept, foreign_seen;
};
int kernel_cleanup_stale(struct kernel *k, bool keep_group_policies, struct kernel_cleanup_stats *stats,
			 struct kernel_error *err);

/* Lets the socket fd send and receive in clear whatever policies say
 * (IP_XFRM_POLICY / IPV6_XFRM_POLICY bypass, both directions). */
int kernel_socket_bypass(int fd, int family, struct kernel_error *err);

/* Helpers on the neutral types (kernel_types.c). */
int kernel_addr_parse(const char *text, struct kernel_addr *out);
/* Writes the address as text into buf (at least 46 bytes). */
const char *kernel_addr_format(const struct kernel_addr *a, char *buf, size_t len);
/* "192.0.2.0/24" or an address alone (full length); 0 or -EINVAL. */
int kernel_prefix_parse(const char *text, struct kernel_addr *addr, uint8_t *plen);
/* A host-to-host selector between two addresses of one family. */
int kernel_selector_host(const struct kernel_addr *src, const struct kernel_addr *dst,
			 struct kernel_selector *sel);
/* The priority of docs/kernel-ownership.md for a selector and a rank. */
uint32_t kernel_priority(const struct kernel_selector *sel, enum kernel_rank rank);
bool kernel_priority_is_ours(uint32_t priority);
/* The rank of a priority inside the band (meaningful when it is ours). */
enum kernel_rank kernel_priority_rank(uint32_t priority);

/* A policy's identity in the kernel: direction and selector (XFRM keeps one
 * policy per pair, whatever the priority). Addresses by their bytes: the
 * unused side of a selector may come back with or without a family. Plain
 * bytes, zero-padded: compare with kernel_policy_key_cmp (a qsort/bsearch
 * comparator; it compares only the key at the start of what it is given). */
struct kernel_policy_key {
	uint8_t dir, family, proto, src_plen, dst_plen;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
};
void kernel_policy_key(const struct kernel_policy *p, struct kernel_policy_key *k);
int kernel_policy_key_cmp(const void *a, const void *b);
bool kernel_reqid_is_ours(uint32_t reqid);
const char *kernel_dir_name(enum kernel_dir dir);

#endif
