/* Internals of the IKEv2 engine, shared by its files (not installed). */
#ifndef SWANMESH_IKE_ENGINE_INT_H
#define SWANMESH_IKE_ENGINE_INT_H

#include <stdarg.h>

#include <keyhi.h>

#include "ike/crypto_dh.h"
#include "ike/crypto_keymat.h"
#include "ike/crypto_sk.h"
#include "ike/ike.h"
#include "ike/ike_message.h"

#define ENG_NONCE_LEN 32
#define ENG_MAX_CHILD 4
#define ENG_HASH 1024           /* SPI hash buckets */
#define ENG_REASM_MAX 65536     /* bytes of fragments kept per SA */

/* A message as sent: one datagram, or the fragments of one. The arrays
 * are sized for n (kept per SA twice: the request and the last answer). */
struct eng_out {
	unsigned n;
	uint8_t **buf;              /* owned, as is each buffer */
	size_t *len;                /* owned */
};

struct eng_child {
	uint32_t serial;
	uint32_t spi_in, spi_out;
	struct ike_suite esp;
	bool transport;
	uint64_t added_ms;
	uint64_t rekey_ms;          /* 0: none, or done */
	bool rekeying;              /* a CREATE_CHILD_SA of ours replaces it */
};

/* Our CREATE_CHILD_SA request under way. */
enum eng_ccs_kind { ENG_CCS_NONE = 0, ENG_CCS_CHILD, ENG_CCS_IKE };
struct eng_ccs {
	enum eng_ccs_kind kind;
	uint32_t child_serial;      /* CHILD: the one being replaced */
	uint32_t spi_in;            /* CHILD: the new inbound SPI */
	uint64_t new_spi;           /* IKE: our SPI of the new IKE SA */
	uint8_t ni[ENG_NONCE_LEN];
	size_t ni_len;
	struct ike_crypto_dh *dh;   /* owned; PFS or the IKE rekey's KE */
};

struct ike_sa {
	struct ike_sa *hnext;       /* SPI hash chain */
	struct ike_sa *next, *prev; /* list of all SAs */
	struct ike_engine *e;
	uint32_t serial;
	uint64_t spi_i, spi_r;      /* host order of the 8 wire bytes */
	bool initiator;
	enum ike_sa_state state;
	struct ike_addr local, peer;
	struct ike_peer_conf conf;
	struct ike_suite suite;     /* chosen IKE suite (valid from INIT) */
	uint8_t suite_num;          /* the peer's proposal number for it */
	uint16_t dh_group;
	struct ike_crypto_dh *dh;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *cookie;            /* owned: COOKIE the responder asked for */
	size_t cookie_len;
	unsigned ke_retries;
	struct ike_crypto_ike_keys keys;
	/* SK_d's value once established (keys.sk_d freed: a softoken key
	 * costs ~6 KiB and SK_d serves only Child keys and rekeys). */
	uint8_t sk_d[64];
	uint8_t sk_d_len;
	struct ike_crypto_sk *sk_in, *sk_out;
	uint8_t *init_req, *init_resp; /* owned: RealMessage1 and 2 */
	size_t init_req_len, init_resp_len;
	bool peer_frag;             /* peer supports IKE fragmentation */
	bool nat;                   /* NAT detected between us (RFC 7296 2.23) */
	/* Our requests: one outstanding (window 1). */
	uint32_t next_msgid;
	bool req_busy;
	uint8_t req_exch;
	uint32_t req_msgid;
	struct eng_out req;
	unsigned req_tries;
	uint64_t req_started, req_next;
	bool delete_queued;         /* send a Delete once the window is free */
	/* The peer's requests. */
	uint32_t peer_msgid;        /* next expected */
	bool have_resp;
	struct eng_out resp;        /* answer to peer_msgid - 1 */
	struct ike_frag_reasm *reasm; /* owned; only once a fragment came */
	uint32_t reasm_msgid;
	/* Peer identity. */
	char peer_id[256];          /* for display: long DNs are cut */
	uint8_t peer_auth;
	bool peer_certs;            /* its AUTH came with X.509 certificates */
	bool duplicate;             /* loses to a simultaneous IKE SA: deleted once up */
	bool peer_initial_contact;
	/* IKE_AUTH waiting for the peer's key (env answered IKE_PENDING). */
	uint8_t *pending_plain;     /* owned: decrypted inner chain */
	size_t pending_len;
	uint8_t pending_first;
	uint32_t pending_msgid;
	struct eng_ccs ccs;
	/* Children. */
	unsigned n_children;
	struct eng_child child[ENG_MAX_CHILD];
	uint32_t child_spi_in;      /* allocated before IKE_AUTH (initiator) */
	bool child_spi_unused;      /* allocated, no Child SA installed with it yet */
	/* Times. */
	uint64_t created_ms, established_ms, last_rx_ms, expire_ms, rekey_ms, liveness_next;
	uint64_t resp_resent_ms;    /* the cached answer last sent again */
	/* Half-open accounting (engine_halfopen.c). */
	struct eng_src *ho_src;     /* the source it counts under; NULL: not half-open */
	struct ike_sa *ho_next, *ho_prev; /* that source's unproven SAs, oldest first */
	bool ho_proven;             /* its initiator receives at its address */
};

/* Logs of dropped input: at most one line per peer per minute. */
#define ENG_DROPLOG 64
#define ENG_DROPLOG_MS 60000
struct eng_droplog {
	struct ike_addr peer;
	uint64_t last_ms;
	unsigned suppressed;
};

/* Peer public keys already in the NSS token, by SHA-256 of their
 * SubjectPublicKeyInfo: NSS imports (and checks) a key that is not in the
 * token at every verification, which costs as much as the verification
 * itself; a peer that authenticates again (re-authentication, restarts)
 * finds its key here. */
#define ENG_KEYCACHE 32
struct eng_keycache {
	uint8_t spki_hash[32];
	SECKEYPublicKey *key;       /* owned, imported */
	uint64_t used;
};

struct ike_engine {
	struct ike_env env;
	struct eng_keycache keys[ENG_KEYCACHE];
	uint64_t keys_tick;
	struct eng_droplog droplog[ENG_DROPLOG];
	struct ike_engine_conf conf;
	struct ike_sa *hash[ENG_HASH];
	struct ike_sa *all;
	uint32_t next_serial;
	unsigned n_half_open;       /* responder SAs not authenticated yet */
	uint64_t half_open_logged_ms;
	struct eng_src **src;       /* owned: the same per source address (engine_halfopen.c) */
	unsigned n_src_buckets, n_src; /* buckets (a power of two), sources */
	uint8_t src_key[16];        /* SipHash key of the buckets */
	uint8_t cookie_secret[32];
	struct ike_counters cnt;
	bool freeing;
};

/* engine.c */
/* Counts a dropped message from peer and logs why, rate limited per peer. */
void eng_drop(struct ike_engine *e, const struct ike_addr *peer, const char *why);
/* eng_drop's log line alone, for drops counted elsewhere. */
void eng_drop_log(struct ike_engine *e, const struct ike_addr *peer, const char *why);
/* A fresh, unused, non-zero local IKE SPI. */
int eng_new_spi(struct ike_engine *e, uint64_t *spi);
/* The first notify of that type in m, or NULL. */
const struct ike_notify *eng_msg_notify(const struct ike_msg *m, uint16_t type);
/* A new initiator SA with peer (no check for existing ones). */
int eng_start(struct ike_engine *e, const struct ike_addr *local, const struct ike_addr *peer);
/* A negotiation with peer under way (not established, not deleting). */
bool eng_sa_pending_with(struct ike_engine *e, const struct ike_addr *peer);
/* How long a half-open responder SA may wait for IKE_AUTH. */
uint64_t eng_half_open_ms(const struct ike_sa *sa);
struct ike_sa *eng_sa_new(struct ike_engine *e, bool initiator, const struct ike_addr *local,
			  const struct ike_addr *peer);
/* Frees silently (no events). */
void eng_sa_free(struct ike_sa *sa);
struct ike_sa *eng_sa_by_spi(struct ike_engine *e, uint64_t spi);
struct ike_sa *eng_sa_by_serial(struct ike_engine *e, uint32_t serial);
void eng_sa_rehash(struct ike_sa *sa);
uint64_t eng_sa_local_spi(const struct ike_sa *sa);
/* Recomputes the next deadline and arms the SA's timer. */
void eng_sa_schedule(struct ike_sa *sa);
uint64_t eng_now(struct ike_engine *e);
void eng_log(struct ike_engine *e, enum ike_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void eng_sa_log(const struct ike_sa *sa, enum ike_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reports the failure, tells children goodbye and frees sa. */
void eng_sa_fail(struct ike_sa *sa, enum ike_fail_reason reason, uint16_t notify, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* child_down for every child, then free (no message sent). */
void eng_sa_drop(struct ike_sa *sa);
/* Leaves the half-open count, starts lifetimes and liveness. */
void eng_sa_established(struct ike_sa *sa);
bool eng_addr_eq(const struct ike_addr *a, const struct ike_addr *b);
int eng_addr_cmp_ip(const struct ike_addr *a, const struct ike_addr *b);
size_t eng_addr_len(const struct ike_addr *a);
void eng_spi_bytes(uint64_t spi, uint8_t out[8]);

/* engine_halfopen.c: half-open responder SAs, counted engine-wide
 * (n_half_open) and per source IP address. Only these functions change
 * the counts, so the two always agree. */
struct eng_src;
/* Whether sa is half-open: a responder SA not authenticated yet. */
bool eng_sa_half_open(const struct ike_sa *sa);
/* The per-source table: 0 or -errno (ike_engine_new). */
int eng_half_open_init(struct ike_engine *e);
/* Frees the table; every SA is gone already (ike_engine_free). */
void eng_half_open_free(struct ike_engine *e);
/* A new responder SA (sa->peer set) counts from now. 0 or -ENOMEM. */
int eng_half_open_enter(struct ike_sa *sa);
/* sa stops counting (established, or being freed); again is harmless. */
void eng_half_open_leave(struct ike_sa *sa);
/* sa's initiator showed it receives at its address (it returned our
 * COOKIE, or a message of the SA authenticated): no request can take sa's
 * place (eng_half_open_unproven). */
void eng_half_open_proven(struct ike_sa *sa);
/* Half-open SAs from a's IP address (the port does not matter). */
unsigned eng_half_open_from(struct ike_engine *e, const struct ike_addr *a);
/* The oldest half-open SA from a's IP address not proven, or NULL. */
struct ike_sa *eng_half_open_unproven(struct ike_engine *e, const struct ike_addr *a);

/* engine_send.c: building and sending. */
void eng_out_free(struct eng_out *o);
int eng_send_out(struct ike_sa *sa, const struct eng_out *o);
/* Unencrypted message (IKE_SA_INIT, its error answers) from a builder's
 * writer: takes the buffer into *o. */
int eng_out_take(struct ike_wr *wr, struct eng_out *o);
/* Encrypts the inner chain (first payload type `first`) into SK, or SKF
 * fragments when it is too large and the peer supports them. */
int eng_seal(struct ike_sa *sa, uint8_t exch, uint32_t msgid, bool response, uint8_t first,
	     const uint8_t *inner, size_t inner_len, struct eng_out *o);
/* Sends a request and keeps it for retransmission (takes o). */
int eng_request(struct ike_sa *sa, uint8_t exch, struct eng_out *o);
/* Sends a response and caches it for duplicates (takes o). */
int eng_respond(struct ike_sa *sa, struct eng_out *o);
/* An unencrypted notify answer without an SA (IKE_SA_INIT errors). */
void eng_send_bare_notify(struct ike_engine *e, const struct ike_hdr *req, uint16_t type, const uint8_t *data,
			  size_t len, const struct ike_addr *local, const struct ike_addr *peer);
void eng_retransmit_due(struct ike_sa *sa);

/* Inner chain writer: payloads chained by next-payload, no IKE header. */
struct eng_chain {
	struct ike_wr wr;
	uint8_t first;
	size_t np_off;              /* SIZE_MAX: patch `first` */
	size_t len_off, start;
	bool open;
};
void eng_chain_init(struct eng_chain *c);
void eng_chain_begin(struct eng_chain *c, uint8_t type);
void eng_chain_end(struct eng_chain *c);
void eng_chain_notify(struct eng_chain *c, uint8_t proto, uint16_t type, const uint8_t *spi, size_t spi_len,
		      const uint8_t *data, size_t len);
void eng_chain_free(struct eng_chain *c);

/* engine_recv.c: decryption and reassembly. On 0, *plain (owned) holds the
 * inner chain starting with *first; 1: fragment stored, wait for more. */
int eng_open(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ike_msg *m, uint8_t **plain,
	     size_t *plain_len, uint8_t *first);

/* engine_proposal.c */
void eng_proposal_build_ike(const struct ike_peer_conf *c, const uint8_t *spi, size_t spi_len,
			    struct ike_sa_payload *out);
void eng_proposal_build_esp(const struct ike_suite *v, unsigned n, uint32_t spi, struct ike_sa_payload *out);
/* Picks our most preferred suite offered by the peer. For IKE, a suite
 * whose dh equals ke_group is preferred. Returns the index into ours and
 * the peer proposal in *prop, or -1. */
int eng_proposal_select(const struct ike_suite *ours, unsigned n, const struct ike_sa_payload *sa, uint8_t proto,
			uint16_t ke_group, struct ike_suite *chosen, const struct ike_proposal **prop);
/* The single proposal of an answer must be one of ours: 0 and *chosen, or -1. */
int eng_proposal_accept(const struct ike_suite *ours, unsigned n, const struct ike_sa_payload *sa, uint8_t proto,
			struct ike_suite *chosen);
void eng_suite_to_prop(const struct ike_suite *s, uint8_t proto, uint8_t num, const uint8_t *spi,
		       size_t spi_len, struct ike_proposal *p);

/* exch_init.c */
int eng_init_start(struct ike_sa *sa);
void eng_init_request(struct ike_engine *e, const uint8_t *buf, size_t len, const struct ike_msg *m,
		      const struct ike_addr *from, const struct ike_addr *to);
void eng_init_response(struct ike_sa *sa, const uint8_t *buf, size_t len, const struct ike_msg *m);
int eng_init_keys(struct ike_sa *sa, const uint8_t *peer_ke, size_t peer_ke_len);
/* engine.c: SK_d as a key object for one derivation: *out owned by the
 * caller (PK11_FreeSymKey). 0 or -1. */
int eng_sk_d(struct ike_sa *sa, PK11SymKey **out);

/* exch_auth.c */
int eng_auth_start(struct ike_sa *sa);
void eng_auth_request(struct ike_sa *sa, uint32_t msgid, uint8_t *plain, size_t len, uint8_t first);
void eng_auth_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first);
void eng_auth_key_done(struct ike_sa *sa, SECKEYPublicKey *key, const char *why);

/* engine_authn.c: AUTH payload values. */
int eng_authn_make(struct ike_sa *sa, const uint8_t *id_body, size_t id_len, uint8_t *method, uint8_t **data,
		   size_t *data_len);
/* Verifies the peer's AUTH; key may be NULL for NULL auth. 0 or -1 + why. */
int eng_authn_check(struct ike_sa *sa, const struct ike_id *id, const struct ike_auth *auth, SECKEYPublicKey *key,
		    char *why, size_t whylen);
/* The key to verify with: key itself (imported, kept in the cache) or the
 * cached twin, which then replaces it. Takes key; the result is borrowed
 * from the engine's cache (or NULL when key is NULL). */
SECKEYPublicKey *eng_authn_key(struct ike_engine *e, SECKEYPublicKey *key);
void eng_authn_keys_free(struct ike_engine *e);
void eng_authn_id_text(uint8_t type, const uint8_t *data, size_t len, char *out, size_t outlen);

/* engine_child.c */
/* A Child SA agreed on: its keys come from this exchange's nonces, the new
 * g^ir with PFS (else NULL) and who initiated the exchange (RFC 7296 2.17). */
struct eng_child_new {
	struct ike_suite esp;
	uint32_t spi_in, spi_out;
	bool transport;
	struct ike_ts tsl, tsp;     /* our side, the peer's */
	const uint8_t *ni, *nr;
	size_t ni_len, nr_len;
	PK11SymKey *gir;
	bool we_initiated;
	bool replaces;              /* a rekey: the old child is deleted after */
};
/* Child SA keys + child_up. 0 or -1. */
int eng_child_install(struct ike_sa *sa, const struct eng_child_new *n);
/* The child n for the IKE_AUTH exchange of sa. */
void eng_child_new_auth(const struct ike_sa *sa, struct eng_child_new *n);
void eng_child_down_all(struct ike_sa *sa);
/* Reports child i down and removes it. */
void eng_child_down_at(struct ike_sa *sa, unsigned i);
void eng_ts_host(const struct ike_addr *a, struct ike_ts_payload *out);
/* Narrows a TS payload to the host address a; 0 and *out or -1. */
int eng_ts_narrow(const struct ike_ts_payload *p, const struct ike_addr *a, struct ike_ts *out);

/* exch_child.c: CREATE_CHILD_SA. */
int eng_ccs_rekey_child(struct ike_sa *sa, uint32_t child_serial);
int eng_ccs_rekey_ike(struct ike_sa *sa);
void eng_ccs_request(struct ike_sa *sa, uint32_t msgid, const uint8_t *plain, size_t len, uint8_t first);
void eng_ccs_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first);

/* exch_info.c */
void eng_info_request(struct ike_sa *sa, uint32_t msgid, const uint8_t *plain, size_t len, uint8_t first);
void eng_info_response(struct ike_sa *sa, const uint8_t *plain, size_t len, uint8_t first);
int eng_info_send_delete(struct ike_sa *sa);
int eng_info_send_liveness(struct ike_sa *sa);
/* One INFORMATIONAL request without waiting for its answer: a Delete of
 * the IKE SA (notify 0) or the error notify. For an SA about to go. */
void eng_info_send_oneshot(struct ike_sa *sa, uint16_t notify);
/* Peer notified INITIAL_CONTACT or re-established: older SAs with that peer go. */
void eng_drop_older(struct ike_sa *sa);
/* responder authenticated with its Child SA: our own negotiations with
 * its peer that the simultaneity rule does not keep go (exch_info.c). */
void eng_sa_yield_initiations(struct ike_sa *responder);
/* sa lost to a simultaneous IKE SA (eng_drop_older marked it): Delete it
 * now that its exchange is complete. */
void eng_drop_duplicate_later(struct ike_sa *sa);

#endif
