#ifndef SWANMESH_IKE_H
#define SWANMESH_IKE_H
/*
 * The IKEv2 engine (RFC 7296): IKE_SA_INIT, IKE_AUTH with the first Child SA,
 * INFORMATIONAL (Delete, liveness), retransmission, duplicate requests
 * answered from the cached response, half-open limits, simultaneous
 * initiation, IKE fragmentation (RFC 7383).
 *
 * No I/O: datagrams and timer expiries come in as calls; everything going
 * out goes through struct ike_env, supplied by the agent (or a test). The
 * engine is single-threaded: call it from one thread, and the callbacks are
 * made from within those calls.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keythi.h>

#include "ike/crypto_keymat.h"
#include "ike/crypto_sig.h"

struct ike_engine;

/* An address with its UDP port (host order). */
struct ike_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t ip[16]; /* 4 bytes used for IPv4 */
	uint16_t port;
};

/* One proposal: IANA transform ids. IKE: encr, key_bits, integ (0 with an
 * AEAD), prf, dh. ESP: prf unused, dh = PFS group or 0. */
struct ike_suite {
	uint16_t encr, key_bits, integ, prf, dh;
};

#define IKE_MAX_SUITES 8
#define IKE_ID_MAX 512
#define IKE_MAX_OUR_CERTS 4

/* How to talk to one peer, as the env decides for it (from the policy
 * group). Filled by ike_env.peer_conf; copied into the SA, except the
 * borrowed pointers (our_key, our_certs), which must stay valid until the
 * engine is freed. */
struct ike_peer_conf {
	uint32_t group;                 /* opaque to the engine; given back in events */
	/* Our authentication. */
	uint8_t our_auth;               /* IKE_AUTH_NULL or IKE_AUTH_DIGSIG / IKE_AUTH_RSA_SIG */
	SECKEYPrivateKey *our_key;      /* borrowed; signature methods */
	enum ike_crypto_sig_alg our_sig;
	uint8_t our_id_type;            /* IKE_ID_*; ID_NULL for NULL auth */
	uint8_t our_id[IKE_ID_MAX];
	size_t our_id_len;
	const uint8_t *our_certs[IKE_MAX_OUR_CERTS]; /* DER, borrowed; end entity first */
	size_t our_cert_len[IKE_MAX_OUR_CERTS];
	unsigned n_our_certs;
	/* What we accept from the peer. */
	bool accept_null;               /* RFC 7619 NULL auth */
	bool accept_sig;                /* signature auth (peer_key decides) */
	/* CERTREQ sent when accept_sig: SHA-1 hashes of the trusted CAs'
	 * SubjectPublicKeyInfo, concatenated (RFC 7296 3.7); borrowed like
	 * our_certs; may be empty ("any certificate"). */
	const uint8_t *certreq;
	size_t certreq_len;
	/* Child SA. */
	bool transport;                 /* host-to-host transport mode; else tunnel */
	struct ike_suite ike[IKE_MAX_SUITES], esp[IKE_MAX_SUITES];
	unsigned n_ike, n_esp;
	/* Lifetimes in ms (0: none). The shorter one applies to the pair: at
	 * 90 % of it (95 % on the responder) a fresh IKE SA and Child SA are
	 * negotiated while the old ones still carry traffic; once up, the old
	 * ones are deleted (make before break). */
	uint64_t ike_lifetime_ms, child_lifetime_ms;
	uint64_t liveness_ms;           /* 0: no liveness checks */
	uint64_t retransmit_timeout_ms; /* first retransmission (doubles each time); 0: 500 */
	unsigned retransmit_tries;      /* retransmissions before giving up; 0: 5 */
};

/* The peer's identity and credentials, for the env to find the public key
 * that may speak for it (certificate chain or DNSSEC IPSECKEY). */
struct ike_peer_auth_req {
	uint64_t token;                 /* pass to ike_peer_key_done when answering later */
	const struct ike_addr *local, *peer;
	uint32_t group;
	uint8_t id_type;
	const uint8_t *id;              /* borrowed for the call */
	size_t id_len;
	uint8_t auth_method;
	const uint8_t *certs[IKE_MAX_OUR_CERTS]; /* CERT payload bodies (X.509 DER), borrowed */
	size_t cert_len[IKE_MAX_OUR_CERTS];
	unsigned n_certs;
};

/* A Child SA, with everything kernel/ needs. Key bytes: wipe after use. */
struct ike_child_info {
	uint32_t serial;                /* "#N" of this Child SA */
	uint32_t ike_serial;            /* its IKE SA */
	uint32_t group;
	struct ike_addr local, peer;
	bool initiator;                 /* we initiated the IKE SA */
	bool transport;
	bool encap;                     /* a NAT is between us: ESP in UDP on the IKE ports (RFC 3948) */
	uint32_t spi_in, spi_out;       /* host order */
	uint16_t encr, key_bits, integ;
	bool esn;
	const uint8_t *key_in_encr, *key_in_integ;   /* borrowed for the call */
	const uint8_t *key_out_encr, *key_out_integ;
	size_t encr_len, integ_len;
	uint8_t proto;                  /* selector: IP protocol (0 any) */
	uint16_t lport, pport;          /* selector ports (0 any) */
	uint64_t lifetime_ms;           /* replaced before this (0: never); a kernel hard limit may use it */
	const char *peer_id;            /* "ID_NULL", "192.0.2.2", "CN=..." */
	uint8_t peer_auth;              /* auth method the peer used */
	bool peer_certs;                /* ... with X.509 certificates in its AUTH message */
	bool replaces;                  /* a rekey: the old one is deleted after */
};

enum ike_fail_reason {
	IKE_FAIL_NONE = 0,
	IKE_FAIL_TIMEOUT,               /* no response */
	IKE_FAIL_UNREACHABLE,           /* the env reported ICMP unreachable */
	IKE_FAIL_NOTIFY,                /* the peer answered with an error notify */
	IKE_FAIL_AUTH,                  /* the peer's AUTH was not accepted */
	IKE_FAIL_PROPOSAL,              /* no acceptable proposal in the answer */
	IKE_FAIL_TS,                    /* traffic selectors */
	IKE_FAIL_PROTOCOL,              /* malformed or unexpected answer */
	IKE_FAIL_DELETED,               /* the peer deleted the IKE SA */
	IKE_FAIL_LOCAL,                 /* local error (crypto, SPI, memory) */
	IKE_FAIL_REFUSED,               /* env refused the peer */
};

struct ike_failure {
	uint32_t ike_serial;
	uint32_t group;
	struct ike_addr local, peer;
	bool initiator;
	bool established;               /* the SA had been up (liveness, delete) */
	enum ike_fail_reason reason;
	uint16_t notify;                /* IKE_N_* when relevant */
	char why[256];                  /* one sentence, for logs and shuntstatus */
};

enum ike_log_level { IKE_LOG_ERROR, IKE_LOG_WARN, IKE_LOG_INFO, IKE_LOG_DEBUG };

#define IKE_PENDING 1

struct ike_env {
	void *ctx;
	/* Sends one datagram from local to peer. 0 or -errno. */
	int (*send)(void *ctx, const uint8_t *buf, size_t len, const struct ike_addr *local,
		    const struct ike_addr *peer);
	/* One timer per token: arming again replaces; the env then calls
	 * ike_timer_fired(engine, token). */
	void (*timer_arm)(void *ctx, uint64_t token, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx, uint64_t token);
	uint64_t (*now_ms)(void *ctx);
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	/* An inbound ESP SPI for a Child SA from peer to local. 0 or -errno. */
	int (*spi_alloc)(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t *spi);
	/* Optional: an SPI of spi_alloc that no Child SA came to use (the
	 * negotiation failed first) is given back. */
	void (*spi_free)(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, uint32_t spi);
	/* How to treat a peer: 0 and *out filled, or -1 to refuse (why set):
	 * the engine answers NO_PROPOSAL_CHOSEN (responder) or fails. */
	int (*peer_conf)(void *ctx, const struct ike_addr *local, const struct ike_addr *peer, bool initiator,
			 struct ike_peer_conf *out, char *why, size_t whylen);
	/* The public key that may speak for the peer. 0: *key set (the engine
	 * takes ownership); IKE_PENDING: the env answers later with
	 * ike_peer_key_done; -1: refused, why says exactly what was wrong. */
	int (*peer_key)(void *ctx, const struct ike_peer_auth_req *req, SECKEYPublicKey **key, char *why,
			size_t whylen);
	/* 0: the Child SA is in place; else it could not be (the kernel, local
	 * policy): the engine does not keep it, answers a rekey with
	 * TEMPORARY_FAILURE and ends an IKE SA whose first Child SA failed. */
	int (*child_up)(void *ctx, const struct ike_child_info *c);
	void (*child_down)(void *ctx, const struct ike_child_info *c); /* keys NULL */
	void (*ike_failed)(void *ctx, const struct ike_failure *f);
	void (*log)(void *ctx, enum ike_log_level level, const char *msg);
};

struct ike_engine_conf {
	unsigned half_open_cookie;      /* half-open SAs before COOKIEs are required (0: never) */
	unsigned half_open_max;         /* refuse new IKE_SA_INIT beyond this (0: unlimited) */
	unsigned half_open_per_source;  /* the same, counted per source IP address (0: unlimited) */
	size_t fragment_size;           /* largest IKE datagram before fragmenting (0: 1280) */
	/* Tests only: fixed DH private values and nonces make runs repeatable. */
	bool test_fixed_nonce;
};

/* New half-open limits (a reload); the rest of conf stays. */
void ike_engine_set_limits(struct ike_engine *e, unsigned half_open_cookie, unsigned half_open_max,
			   unsigned half_open_per_source);

/* env is copied. *out owned by the caller (ike_engine_free). 0 or -errno. */
int ike_engine_new(const struct ike_env *env, const struct ike_engine_conf *conf, struct ike_engine **out);
/* Frees every SA silently (no messages, no events). */
void ike_engine_free(struct ike_engine *e);

/* A datagram from `from` to `to` (non-ESP marker already removed). buf is
 * borrowed for the call. Malformed input is dropped or answered; it never
 * fails the engine. */
void ike_input(struct ike_engine *e, const uint8_t *buf, size_t len, const struct ike_addr *from,
	       const struct ike_addr *to);
void ike_timer_fired(struct ike_engine *e, uint64_t token);

/* Negotiates an IKE SA and a Child SA with peer now, unless one is under
 * way or an IKE SA with a Child SA stands (then 0 and nothing new; an IKE
 * SA without children or being deleted does not count). 0 or -errno. */
int ike_initiate(struct ike_engine *e, const struct ike_addr *local, const struct ike_addr *peer);
/* The network reported peer unreachable ("ICMP port unreachable") for a
 * datagram we sent; quoted (len bytes, borrowed) is what the ICMP error
 * quotes of it, from the IKE header on. ICMP is not authenticated and IKE
 * runs 500 -> 500, so an error counts only when it quotes the IKE_SA_INIT
 * of a negotiation we initiated with that peer (its SPIi, 64 random bits an
 * off-path sender cannot know): that negotiation fails at once
 * (IKE_FAIL_UNREACHABLE; a port unreachable reads "no IKE daemon: ICMP
 * port unreachable"). Anything else changes nothing. Returns how many
 * negotiations failed. */
int ike_unreachable(struct ike_engine *e, const struct ike_addr *peer, const uint8_t *quoted, size_t len,
		    const char *why);
/* Answer to an IKE_PENDING peer_key: key (ownership passes) or NULL + why. */
void ike_peer_key_done(struct ike_engine *e, uint64_t token, SECKEYPublicKey *key, const char *why);
/* Deletes the IKE SA(s) with peer, telling the peer (Delete). Returns the
 * number of IKE SAs deleted. */
int ike_delete_peer(struct ike_engine *e, const struct ike_addr *peer);
/* Deletes one IKE SA by serial, telling the peer. 0 or -ENOENT. */
int ike_delete_sa(struct ike_engine *e, uint32_t serial);
/* SIGTERM: Delete to every peer, then every SA is gone (child_down each). */
void ike_delete_all(struct ike_engine *e);

/* Status. */
enum ike_sa_state {
	IKE_STATE_INIT_SENT, IKE_STATE_INIT_RECEIVED, IKE_STATE_AUTH_SENT, IKE_STATE_AUTH_WAIT_KEY,
	IKE_STATE_ESTABLISHED, IKE_STATE_DELETING,
};
struct ike_sa_info {
	uint32_t serial;
	struct ike_addr local, peer;
	uint64_t spi_i, spi_r;
	bool initiator;
	enum ike_sa_state state;
	const char *state_name;
	uint32_t group;
	struct ike_suite suite;
	const char *peer_id;
	uint8_t peer_auth;
	uint64_t established_ms;        /* env time; 0 if not yet */
	unsigned n_children;
};
typedef void (*ike_sa_each_cb)(void *ctx, const struct ike_sa_info *sa);
void ike_engine_each_sa(struct ike_engine *e, ike_sa_each_cb cb, void *ctx);

struct ike_counters {
	unsigned long rx, tx, retransmits, dropped_malformed, dropped_unknown_spi, dropped_auth;
	unsigned long established, failed, cookies_sent, half_open;
	unsigned long dropped_half_open_source; /* IKE_SA_INITs over half_open_per_source */
};
void ike_engine_counters(const struct ike_engine *e, struct ike_counters *out);

/* Text of an address "192.0.2.1" (buf >= 46). */
const char *ike_addr_format(const struct ike_addr *a, char *buf, size_t len);
const char *ike_fail_reason_name(enum ike_fail_reason r);

#endif
