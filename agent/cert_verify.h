#ifndef SWANMESH_AGENT_CERT_VERIFY_H
#define SWANMESH_AGENT_CERT_VERIFY_H
/* Which certificates may speak for a peer (docs/certificates.md):
 *  1. the chain validates in NSS against a CA trusted for peer
 *     authentication (trust C), at the current time, for IPsec use;
 *  2. the IKE ID the peer presents is in the certificate: an address ID in
 *     a SAN IP, an FQDN in a SAN DNS name, an RFC 822 ID in a SAN email, a
 *     DN equal to the subject;
 *  3. for opportunistic peers, the certificate covers the address the peer
 *     negotiates from: a SAN IP equal to it -- unless the operator trusts
 *     every certificate of the fleet CA (any_fleet_cert).
 * Every refusal says exactly why. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyhi.h>
#include <seccomon.h>

/* IKEv2 ID types (RFC 7296 3.5). */
#define CERT_ID_IPV4_ADDR 1
#define CERT_ID_FQDN 2
#define CERT_ID_RFC822_ADDR 3
#define CERT_ID_IPV6_ADDR 5
#define CERT_ID_DER_ASN1_DN 9

struct cert_peer_id {
	uint8_t type;
	const uint8_t *data; /* borrowed */
	size_t len;
};

struct cert_verify_request {
	const SECItem *chain;     /* DER certificates, the peer's own first */
	size_t nchain;
	struct cert_peer_id id;
	const char *address;      /* where the peer negotiates from (text); NULL: not checked */
	bool any_fleet_cert;      /* any certificate of a trusted CA may speak for any address */
};

/* Returns 0 with *key (the peer's public key, caller destroys) or -1 with
 * a sentence in why: "certificate CN=x expired on 2026-01-01 00:00:00 UTC",
 * "unknown CA 'CN=Other CA'", "ID west.lab does not match certificate
 * CN=east", "certificate CN=west does not cover address 192.0.2.9". */
int cert_verify_peer(const struct cert_verify_request *req, SECKEYPublicKey **key, char *why, size_t whylen);

#endif
