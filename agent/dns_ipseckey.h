#ifndef SWANMESH_AGENT_DNS_IPSECKEY_H
#define SWANMESH_AGENT_DNS_IPSECKEY_H
/* Peer keys from DNSSEC-validated IPSECKEY records (RFC 4025), looked up
 * with libunbound on the agent's libuv loop. Only answers that validate as
 * secure count; bogus and insecure answers are refusals with the reason.
 * Keys are cached for the record's TTL. A question already in flight is
 * not asked again: every lookup waiting for it shares its one libunbound
 * query (dns_flight.h), and at most max_inflight queries run at once. */
#include <stddef.h>
#include <stdint.h>

#include <keyhi.h>
#include <uv.h>

struct dns_ipseckey_config {
	const char *const *trust_anchors;  /* files (DS or DNSKEY lines) */
	size_t ntrust_anchors;
	const char *const *trust_anchor_rrs; /* inline DS or DNSKEY records (tests, lab) */
	size_t ntrust_anchor_rrs;
	const char *const *resolvers;      /* addresses to forward to; none: full recursion */
	size_t nresolvers;
	unsigned timeout_ms;               /* 0: 5000 */
	unsigned max_inflight;             /* distinct queries at once; 0: DNS_IPSECKEY_MAX_INFLIGHT */
};

/* The default bound: ike.initiations-max (256) negotiations started at once
 * each find room for their peer's lookup (the prefetch and IKE_AUTH's own
 * lookup of an address ID are one query); even if every query ran into the
 * 5 s timeout, 256 slots still take 51 new names a second. */
#define DNS_IPSECKEY_MAX_INFLIGHT 256

struct dns_ipseckey;

/* Creates the resolver on loop. *out owned by the caller
 * (dns_ipseckey_free). Returns 0 or -1 with a sentence in why. */
int dns_ipseckey_new(uv_loop_t *loop, const struct dns_ipseckey_config *cfg, struct dns_ipseckey **out,
		     char *why, size_t whylen);
/* Cancels pending lookups (their callbacks are not called) and frees. */
void dns_ipseckey_free(struct dns_ipseckey *d);

/* The outcome of one lookup: key is owned by the callback (NULL on
 * failure, then why says what went wrong: "DNS timeout", "no IPSECKEY
 * record for N", "DNSSEC validation failed for N: ...", "N is not
 * DNSSEC-signed (insecure answer)", "too many DNS lookups in flight
 * (256): not looked up"). Lookups that shared one query each get their own
 * key, or the same reason. */
typedef void (*dns_ipseckey_cb)(void *ctx, SECKEYPublicKey *key, const char *why);

/* Looks up the IPSECKEY of the reverse name of address (text), or of a
 * name. The callback runs later on the loop, or at once: from the cache,
 * or refused because max_inflight other questions are in flight (joining
 * a query already in flight is never refused). 0, or -1 when the lookup
 * could not start (malformed name or address; the callback is not called). */
int dns_ipseckey_lookup_address(struct dns_ipseckey *d, const char *address, dns_ipseckey_cb cb, void *ctx);
int dns_ipseckey_lookup_name(struct dns_ipseckey *d, const char *name, dns_ipseckey_cb cb, void *ctx);

/* The IPSECKEY of a name (a peer's FQDN ID), for the peer speaking from
 * address: the key is given only when a secure A (IPv4) or AAAA (IPv6)
 * answer for the name holds that address AND a secure PTR answer for the
 * address names the name (the owner of the address vouches for it: the
 * name's own zone alone could list any address); else why says which
 * check failed ("the secure A records of N do not contain ADDR: ...",
 * "the secure PTR records of R do not name N: ...", "... not
 * DNSSEC-signed"). */
int dns_ipseckey_lookup_name_for(struct dns_ipseckey *d, const char *name, const char *address, dns_ipseckey_cb cb,
				 void *ctx);

/* Warms the cache for the IPSECKEY of address's reverse name, for a peer
 * that has proven nothing yet (IKE_SA_INIT, perhaps from a forged source).
 * Nothing happens when the name is cached or in flight; a query starts
 * only while fewer than max_inflight / 2 are in flight, so that a flood of
 * forged IKE_SA_INITs leaves half the room to IKE_AUTH's lookups. 0:
 * cached, in flight or sent; -1: not looked up (no room to spare, a bad
 * address, libunbound refused). */
int dns_ipseckey_prefetch_address(struct dns_ipseckey *d, const char *address);

/* For status. A lookup of a name bound to an address counts once per
 * step (IPSECKEY, A or AAAA, PTR). */
struct dns_ipseckey_counters {
	unsigned long cached;           /* answered from swanmesh's cache */
	unsigned long sent;             /* queries handed to libunbound */
	unsigned long joined;           /* shared a query in flight: nothing sent */
	unsigned long refused;          /* failed: max_inflight queries in flight */
	unsigned long prefetch_refused; /* prefetches not started: no room to spare */
	unsigned inflight;              /* queries in flight now */
	unsigned max_inflight;          /* the bound */
};
void dns_ipseckey_counters(const struct dns_ipseckey *d, struct dns_ipseckey_counters *out);

#endif
