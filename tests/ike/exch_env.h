/* A mock ike_env for in-process exchanges: two engines, A (192.0.2.1:500)
 * and B (192.0.2.2:500), one virtual clock, per-engine timer tables and a
 * datagram queue between them that a test can drop from, duplicate, reorder
 * and inspect. Every event the engines report is recorded per side.
 *
 * No cmocka here (the fuzz targets and the benchmark link it too); the
 * asserting helpers are in exch_check.h. */
#ifndef EXCH_ENV_H
#define EXCH_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"

#define EXCH_A 0
#define EXCH_B 1
#define EXCH_TIMERS 4096
#define EXCH_EVENTS 16
#define EXCH_LOG_LINES 64
#define EXCH_TRACE_MAX 1024
#define EXCH_QUEUE_MAX 256
#define EXCH_RULES 8
#define EXCH_T0 1000000u /* virtual time at start, ms (0 means "not yet" in ike.h) */

/* A Child SA as child_up reported it: info copied (borrowed pointers
 * cleared), keys and peer id copied. */
struct exch_child {
	struct ike_child_info info;
	uint8_t in_encr[IKE_CRYPTO_CHILD_KEY_MAX], in_integ[IKE_CRYPTO_CHILD_KEY_MAX];
	uint8_t out_encr[IKE_CRYPTO_CHILD_KEY_MAX], out_integ[IKE_CRYPTO_CHILD_KEY_MAX];
	char peer_id[IKE_ID_MAX * 3 + 1];
	bool had_in_integ, had_out_integ; /* key_*_integ pointers were non-NULL */
	bool down;                        /* a child_down for it followed */
	uint64_t up_ms;
	uint64_t up_seq, down_seq;        /* order of the events in the world */
};

struct exch_fail {
	struct ike_failure f;
	uint64_t at_ms;
};

/* What peer_key does. */
enum exch_key_mode {
	EXCH_KEY_GIVE,    /* returns a copy of side->peer_pub (NULL: refuse) */
	EXCH_KEY_PENDING, /* returns IKE_PENDING, remembers the token */
	EXCH_KEY_REFUSE,  /* returns -1 with why "exch: key refused by the test" */
};

struct exch_timer {
	uint64_t token, deadline, seq;
	bool armed;
};

/* A copy of one auth request the engine made. */
struct exch_key_req {
	uint64_t token;
	uint32_t group;
	uint8_t id_type, auth_method;
	uint8_t id[IKE_ID_MAX];
	size_t id_len;
	unsigned n_certs;
	size_t cert_len[IKE_MAX_OUR_CERTS];
	uint8_t cert_head[IKE_MAX_OUR_CERTS][8]; /* first bytes of each */
};

struct exch_world;

struct exch_side {
	struct exch_world *w;
	int idx;
	const char *name;               /* "A" / "B" */
	struct ike_engine *e;           /* NULL once freed */
	struct ike_env env;
	struct ike_engine_conf econf;
	struct ike_addr addr;
	/* peer_conf */
	struct ike_peer_conf conf;
	bool refuse_conf;
	bool refuse_child;              /* child_up answers -1 (the kernel said no) */
	unsigned n_child_refused;
	unsigned n_spi_freed;           /* SPIs given back unused (spi_free) */
	unsigned n_conf_calls;
	/* peer_key */
	enum exch_key_mode key_mode;
	SECKEYPublicKey *peer_pub;      /* borrowed; copied for the engine */
	unsigned n_key_reqs;
	struct exch_key_req key_req;    /* the last one */
	/* timers and SPIs */
	struct exch_timer timers[EXCH_TIMERS];
	unsigned n_timers;              /* slots ever used: scans stop here */
	uint32_t next_spi;
	unsigned n_spi;
	/* events */
	struct exch_child up[EXCH_EVENTS];
	unsigned n_up;
	struct ike_child_info down[EXCH_EVENTS]; /* pointers cleared */
	unsigned n_down;
	struct exch_fail fail[EXCH_EVENTS];
	unsigned n_fail;
	char log[EXCH_LOG_LINES][256];
	unsigned n_log;                 /* total; the ring keeps the last ones */
	unsigned n_log_level[IKE_LOG_DEBUG + 1];
	unsigned n_sent;
};

enum exch_action { EXCH_PASS, EXCH_DROP, EXCH_DUP };

/* One datagram, in the queue or in the trace. */
struct exch_dgram {
	int from;                       /* EXCH_A / EXCH_B */
	uint8_t *buf;                   /* owned by the queue or the trace */
	size_t len;
	uint64_t sent_ms;
	/* header fields, decoded at send time (zero if under 28 bytes) */
	uint64_t spi_i, spi_r;
	uint8_t first, exchange, flags;
	uint32_t msg_id;
	uint16_t frag_num, frag_total;  /* SKF only */
	enum exch_action action;        /* trace: what the rules and hook did */
};

/* A rule applied when a datagram is sent: the nth (0-based) datagram that
 * matches gets action; count of them (0: every later match too). */
struct exch_rule {
	bool used;
	int from;                       /* EXCH_A / EXCH_B / -1 any */
	int exchange;                   /* IKE_EXCH_* or -1 */
	int response;                   /* 1 response, 0 request, -1 either */
	unsigned nth, count, seen, applied;
	enum exch_action action;
};

/* Called for every sent datagram after the rules; may change the bytes
 * in place (len too, never above its value) or return an action. */
typedef enum exch_action (*exch_send_hook)(void *arg, struct exch_dgram *d);

struct exch_world {
	uint64_t now;
	uint64_t timer_seq;
	struct exch_side side[2];
	struct exch_dgram queue[EXCH_QUEUE_MAX];
	unsigned n_queue;
	unsigned long n_queue_overflow, n_misrouted, n_to_freed;
	struct exch_dgram trace[EXCH_TRACE_MAX];
	unsigned n_trace;
	struct exch_rule rules[EXCH_RULES];
	exch_send_hook hook;
	void *hook_arg;
	bool verbose;                   /* EXCH_VERBOSE set: logs to stderr */
	bool nat;                       /* A behind a NAT: B sees it as 203.0.113.1 */
	unsigned long runaway;          /* exch_advance stopped a timer storm */
	uint64_t event_seq;             /* child_up / child_down counter, both sides */
};

/* Once per process: NSS without a database. 0 or -1. */
int exch_nss_init(void);

/* Sets up both sides with default NULL-auth configurations
 * (exch_conf_null) and default engine confs; no engine yet. */
void exch_world_init(struct exch_world *w);
/* Creates the engines (after the test changed confs). 0 or -errno. */
int exch_world_start(struct exch_world *w);
/* Frees engines, queue, and nothing of the borrowed keys. */
void exch_world_free(struct exch_world *w);
/* Frees one engine (silently, as ike_engine_free does); its datagrams and
 * timers are dropped from then on. */
void exch_side_free_engine(struct exch_world *w, int idx);

/* NULL auth, ID_NULL, AES-GCM-16-256 / HMAC-SHA2-256 / X25519 for IKE,
 * AES-GCM-16-256 for ESP, transport mode, no lifetimes or liveness,
 * first retransmission after 500 ms, 3 retransmissions. */
void exch_conf_null(struct ike_peer_conf *c, uint32_t group);
/* When a request unanswered since 0 is given up (ike.h: the first
 * retransmission after retransmit_timeout_ms, doubling, retransmit_tries
 * of them, then one more doubled wait): T * (2^(tries+1) - 1). */
uint64_t exch_give_up_ms(const struct ike_peer_conf *c);
/* Only this IKE suite and this ESP suite (encr/key_bits/integ, no PFS). */
void exch_conf_suite(struct ike_peer_conf *c, const struct ike_suite *ike, const struct ike_suite *esp);
/* Signature auth: our key and algorithm, FQDN id, accept signatures only. */
void exch_conf_sig(struct ike_peer_conf *c, SECKEYPrivateKey *key, enum ike_crypto_sig_alg alg,
		   const char *fqdn);

/* A starts a negotiation with B (or B with A). Returns ike_initiate's. */
int exch_initiate(struct exch_world *w, int from);
/* Delivers queued datagrams (including the ones their delivery causes) in
 * order until the queue is empty or max deliveries; returns how many. */
unsigned exch_run(struct exch_world *w, unsigned max);
/* Moves the clock forward by ms, firing due timers in deadline order
 * (each followed by exch_run). */
void exch_advance(struct exch_world *w, uint64_t ms);
/* exch_run, then exch_advance in steps of step_ms until total_ms passed or
 * done(w) is true. Returns true if done. */
bool exch_wait(struct exch_world *w, uint64_t total_ms, uint64_t step_ms, bool (*done)(struct exch_world *w));

/* Queue manipulation (index 0 is the next to be delivered). */
void exch_queue_drop(struct exch_world *w, unsigned i);
int exch_queue_dup(struct exch_world *w, unsigned i);      /* the copy goes right after i */
void exch_queue_swap(struct exch_world *w, unsigned i, unsigned j);
/* Delivers queue[i] only (no run). */
void exch_queue_deliver(struct exch_world *w, unsigned i);
void exch_queue_clear(struct exch_world *w);
/* Forgets the trace (long runs: the benchmark). */
void exch_trace_clear(struct exch_world *w);

/* Rules applied at send time; returns the rule or NULL if the table is full. */
struct exch_rule *exch_rule_add(struct exch_world *w, int from, int exchange, int response, unsigned nth,
				unsigned count, enum exch_action action);

/* Feeds raw bytes to side `to` as if sent by the other side. */
void exch_inject(struct exch_world *w, int to, const uint8_t *buf, size_t len);

/* Trace queries. */
unsigned exch_trace_count(const struct exch_world *w, int from, int exchange, int response);
/* Index in the trace of the nth match or -1. */
int exch_trace_find(const struct exch_world *w, int from, int exchange, int response, unsigned nth);

/* Counts of Child SAs up and not down on a side. */
unsigned exch_live_children(const struct exch_side *s);
/* The latest live child or NULL. */
const struct exch_child *exch_live_child(const struct exch_side *s);
unsigned exch_sa_count(struct exch_world *w, int idx);
/* Info of the first IKE SA of a side (copied; pointers cleared), 0 or -1. */
int exch_sa_first(struct exch_world *w, int idx, struct ike_sa_info *out);

/* Prints a side's recorded log ring and events to stderr (on failures). */
void exch_dump(const struct exch_world *w);

/* Generates a key pair on the internal slot: "p256" or "rsa2048".
 * 0 or -1; both owned by the caller. */
int exch_keypair(const char *kind, SECKEYPrivateKey **priv, SECKEYPublicKey **pub);

#endif
