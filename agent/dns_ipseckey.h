#ifndef SWANMESH_AGENT_DNS_IPSECKEY_H
#define SWANMESH_AGENT_DNS_IPSECKEY_H
/* Peer keys from DNSSEC-validated IPSECKEY records (RFC 4025), looked up
 * with libunbound on the agent's libuv loop. Only answers that validate as
 * secure count; bogus and insecure answers are refusals with the reason.
 * Keys are cached for the record's TTL. */
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
};

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
 * DNSSEC-signed (insecure answer)"). */
typedef void (*dns_ipseckey_cb)(void *ctx, SECKEYPublicKey *key, const char *why);

/* Looks up the IPSECKEY of the reverse name of address (text), or of a
 * name. The callback runs later on the loop, or at once from the cache. */
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

/* Lookups answered from the cache and sent to the network, for status. */
void dns_ipseckey_counters(const struct dns_ipseckey *d, unsigned long *cached, unsigned long *sent);

#endif
