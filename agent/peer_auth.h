#ifndef SWANMESH_AGENT_PEER_AUTH_H
#define SWANMESH_AGENT_PEER_AUTH_H
/* Credentials for IKE_AUTH: our own (the node certificate and its key from
 * the NSS database, node.cert) and the key that may speak for a peer: its
 * certificate chain validated by NSS (cert_verify.h) or its DNSSEC-validated
 * IPSECKEY record (dns_ipseckey.h, asynchronous). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "ike/ike.h"
#include "policy/config.h"

struct peer_auth;
struct dns_ipseckey_counters;

/* Loads the node certificate named in cfg (if any) and starts the DNSSEC
 * resolver (if dnssec is enabled). cfg is borrowed for the call. *out owned
 * by the caller (peer_auth_free). 0, or -1 with a sentence in why. */
int peer_auth_new(uv_loop_t *loop, const struct policy_config *cfg, struct peer_auth **out, char *why,
		  size_t whylen);
/* Cancels pending lookups (their answers never come) and frees. */
void peer_auth_free(struct peer_auth *pa);

/* Our authentication and what we accept from the peer, from the group's
 * auth list (in order of preference). local is the address we negotiate
 * from. The key and certificates in *out stay owned by pa. 0 or -1 + why. */
int peer_auth_fill(const struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_addr *local,
		   struct ike_peer_conf *out, char *why, size_t whylen);

/* Answer for a DNS lookup that finished later: key (ownership passes) or
 * NULL + why. */
typedef void (*peer_auth_done_cb)(void *ctx, uint64_t token, SECKEYPublicKey *key, const char *why);

/* The engine's peer_key for a peer of group g: 0 with *key (certificate),
 * IKE_PENDING (a DNSSEC lookup runs; done is called later, never from
 * within this call), or -1 with why. */
int peer_auth_peer_key(struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_peer_auth_req *req,
		       SECKEYPublicKey **key, char *why, size_t whylen, peer_auth_done_cb done, void *ctx);

/* Starts the peer's IPSECKEY lookup (by its address) while IKE_SA_INIT
 * runs, for groups with dnssec auth: the answer waits in the cache for
 * IKE_AUTH, whose own lookup joins it while it is in flight. Only while
 * fewer than half the bound of DNS lookups are in flight
 * (dns_ipseckey_prefetch_address). Nothing happens for other groups. */
void peer_auth_prefetch(struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_addr *peer);

/* The DNSSEC resolver's counters (dns_ipseckey_counters), for status:
 * false (and zeros) when dnssec is not enabled. */
bool peer_auth_dns_counters(const struct peer_auth *pa, struct dns_ipseckey_counters *out);

/* "CN=west,O=Fleet" of the node certificate, or NULL. */
const char *peer_auth_subject(const struct peer_auth *pa);

#endif
