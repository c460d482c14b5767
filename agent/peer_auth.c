/* Credentials for IKE_AUTH (see peer_auth.h). */
#include "peer_auth.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cert.h>
#include <certdb.h>
#include <keyhi.h>
#include <pk11pub.h>

#include "cert_verify.h"
#include "dns_ipseckey.h"
#include "ike/ike_consts.h"
#include "log.h"

#define PEER_AUTH_MAX_CAS 16

/* One DNSSEC lookup under way. */
struct peer_auth_query {
	struct peer_auth *pa;
	uint64_t token;
	peer_auth_done_cb done;
	void *ctx;
	bool in_call;                 /* answered from the cache inside the lookup call */
	bool answered;
	SECKEYPublicKey *key;
	char why[256];
	char addr[64];                /* the peer, for the log */
	uint64_t start_us;
	struct peer_auth_query *prev, *next; /* pa->queries: unlinked in O(1) */
};

struct peer_auth {
	CERTCertificate *cert;        /* node certificate */
	SECKEYPrivateKey *key;
	enum ike_crypto_sig_alg sig;
	CERTCertificateList *chain;   /* DER, end entity first, without the root */
	char *subject;
	char node_id[256];
	struct dns_ipseckey *dns;
	struct peer_auth_query *queries;
	uint8_t certreq[PEER_AUTH_MAX_CAS * 20]; /* SHA-1 of each trusted CA's SPKI */
	size_t certreq_len;
};

__attribute__((format(printf, 3, 4))) static int peer_auth_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The signature algorithm for our key: ECDSA with the curve's hash, or
 * RSASSA-PSS with SHA-256 (RFC 7427). */
static enum ike_crypto_sig_alg peer_auth_sig_for(CERTCertificate *cert)
{
	SECKEYPublicKey *pub = CERT_ExtractPublicKey(cert);
	enum ike_crypto_sig_alg alg = IKE_SIG_NONE;
	if (pub == NULL)
		return alg;
	if (pub->keyType == ecKey)
		alg = SECKEY_PublicKeyStrengthInBits(pub) > 256 ? IKE_SIG_ECDSA_SHA384 : IKE_SIG_ECDSA_SHA256;
	else if (pub->keyType == rsaKey)
		alg = IKE_SIG_RSA_PSS_SHA256;
	SECKEY_DestroyPublicKey(pub);
	return alg;
}

static int peer_auth_load_cert(struct peer_auth *pa, const char *nick, char *why, size_t whylen)
{
	pa->cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), nick);
	if (pa->cert == NULL)
		return peer_auth_fail(why, whylen,
				      "node certificate '%s' is not in the NSS database (swanmesh listcerts shows what is)",
				      nick);
	pa->key = PK11_FindKeyByAnyCert(pa->cert, NULL);
	if (pa->key == NULL)
		return peer_auth_fail(why, whylen, "node certificate '%s' has no private key in the NSS database", nick);
	pa->sig = peer_auth_sig_for(pa->cert);
	if (pa->sig == IKE_SIG_NONE)
		return peer_auth_fail(why, whylen, "node certificate '%s' has a key that is neither RSA nor ECDSA", nick);
	pa->chain = CERT_CertChainFromCert(pa->cert, certUsageSSLClient, PR_FALSE);
	pa->subject = pa->cert->subjectName ? strdup(pa->cert->subjectName) : NULL;
	return 0;
}

/* The CERTREQ we send (RFC 7296 3.7): the CAs trusted for peer
 * authentication (trust C), as SHA-1 hashes of their SubjectPublicKeyInfo. */
static void peer_auth_certreq(struct peer_auth *pa)
{
	CERTCertList *list = PK11_ListCerts(PK11CertListCA, NULL);
	if (list == NULL)
		return;
	for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list); n = CERT_LIST_NEXT(n)) {
		CERTCertTrust trust;
		if (pa->certreq_len + 20 > sizeof(pa->certreq))
			break;
		if (CERT_GetCertTrust(n->cert, &trust) != SECSuccess || !(trust.sslFlags & CERTDB_TRUSTED_CA))
			continue;
		SECKEYPublicKey *pub = CERT_ExtractPublicKey(n->cert);
		SECItem *spki = pub ? SECKEY_EncodeDERSubjectPublicKeyInfo(pub) : NULL;
		if (spki != NULL &&
		    PK11_HashBuf(SEC_OID_SHA1, pa->certreq + pa->certreq_len, spki->data, (PRInt32)spki->len) == SECSuccess)
			pa->certreq_len += 20;
		if (spki != NULL)
			SECITEM_FreeItem(spki, PR_TRUE);
		if (pub != NULL)
			SECKEY_DestroyPublicKey(pub);
	}
	CERT_DestroyCertList(list);
}

static int peer_auth_dns(struct peer_auth *pa, uv_loop_t *loop, const struct policy_config *cfg, char *why,
			 size_t whylen)
{
	char addrs[16][64];
	const char *res[16];
	size_t n = 0;
	for (size_t i = 0; i < cfg->nresolvers && n < 16; i++) {
		const struct policy_addr *a = &cfg->resolvers[i];
		if (inet_ntop(a->family == POLICY_AF_INET6 ? AF_INET6 : AF_INET, a->bytes, addrs[n], sizeof(addrs[n])))
			res[n] = addrs[n], n++;
	}
	struct dns_ipseckey_config dc = {
		.trust_anchors = (const char *const *)cfg->trust_anchors,
		.ntrust_anchors = cfg->ntrust_anchors,
		.resolvers = res,
		.nresolvers = n,
	};
	char w[256] = "";
	if (dns_ipseckey_new(loop, &dc, &pa->dns, w, sizeof(w)) != 0)
		return peer_auth_fail(why, whylen, "DNSSEC resolver: %s", w);
	return 0;
}

int peer_auth_new(uv_loop_t *loop, const struct policy_config *cfg, struct peer_auth **out, char *why,
		  size_t whylen)
{
	*out = NULL;
	struct peer_auth *pa = calloc(1, sizeof(*pa));
	if (pa == NULL)
		return peer_auth_fail(why, whylen, "%s", "out of memory");
	snprintf(pa->node_id, sizeof(pa->node_id), "%s", cfg->node_id ? cfg->node_id : "auto");
	peer_auth_certreq(pa);
	if ((cfg->cert != NULL && peer_auth_load_cert(pa, cfg->cert, why, whylen) != 0) ||
	    (cfg->dnssec_enabled && peer_auth_dns(pa, loop, cfg, why, whylen) != 0)) {
		peer_auth_free(pa);
		return -1;
	}
	*out = pa;
	return 0;
}

void peer_auth_free(struct peer_auth *pa)
{
	if (pa == NULL)
		return;
	dns_ipseckey_free(pa->dns); /* pending callbacks are not called */
	while (pa->queries != NULL) {
		struct peer_auth_query *q = pa->queries;
		pa->queries = q->next;
		free(q);
	}
	if (pa->chain != NULL)
		CERT_DestroyCertificateList(pa->chain);
	if (pa->key != NULL)
		SECKEY_DestroyPrivateKey(pa->key);
	if (pa->cert != NULL)
		CERT_DestroyCertificate(pa->cert);
	free(pa->subject);
	free(pa);
}

const char *peer_auth_subject(const struct peer_auth *pa)
{
	return pa != NULL ? pa->subject : NULL;
}

static bool peer_auth_has(const struct policy_group_conf *g, enum policy_auth a)
{
	for (unsigned i = 0; i < g->nauth && i < POLICY_AUTH_MAX; i++)
		if (g->auth[i] == a)
			return true;
	return false;
}

/* Our ID for signature auth: node.id, else the certificate's subject. */
static void peer_auth_our_id(const struct peer_auth *pa, bool dnssec, const struct ike_addr *local,
			     struct ike_peer_conf *out)
{
	const char *id = pa->node_id;
	struct in6_addr a6;
	if (id[0] == '@') {
		out->our_id_type = IKE_ID_FQDN;
		out->our_id_len = strlen(id + 1) < IKE_ID_MAX ? strlen(id + 1) : IKE_ID_MAX;
		memcpy(out->our_id, id + 1, out->our_id_len);
	} else if (inet_pton(AF_INET, id, out->our_id) == 1) {
		out->our_id_type = IKE_ID_IPV4_ADDR;
		out->our_id_len = 4;
	} else if (inet_pton(AF_INET6, id, &a6) == 1) {
		out->our_id_type = IKE_ID_IPV6_ADDR;
		out->our_id_len = 16;
		memcpy(out->our_id, &a6, 16);
	} else if (dnssec || strcmp(id, "auto") != 0 || pa->cert == NULL ||
		   pa->cert->derSubject.len > IKE_ID_MAX) {
		/* A DNS-published key speaks for the address it is published under. */
		out->our_id_type = local->family == AF_INET6 ? IKE_ID_IPV6_ADDR : IKE_ID_IPV4_ADDR;
		out->our_id_len = local->family == AF_INET6 ? 16 : 4;
		memcpy(out->our_id, local->ip, out->our_id_len);
	} else {
		out->our_id_type = IKE_ID_DER_ASN1_DN;
		out->our_id_len = pa->cert->derSubject.len;
		memcpy(out->our_id, pa->cert->derSubject.data, out->our_id_len);
	}
	if (strcmp(id, "%fromcert") == 0 && pa->cert != NULL && pa->cert->derSubject.len <= IKE_ID_MAX) {
		out->our_id_type = IKE_ID_DER_ASN1_DN;
		out->our_id_len = pa->cert->derSubject.len;
		memcpy(out->our_id, pa->cert->derSubject.data, out->our_id_len);
	}
}

int peer_auth_fill(const struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_addr *local,
		   struct ike_peer_conf *out, char *why, size_t whylen)
{
	bool cert = peer_auth_has(g, POLICY_AUTH_CERT), dnssec = peer_auth_has(g, POLICY_AUTH_DNSSEC);
	out->accept_null = peer_auth_has(g, POLICY_AUTH_NULL);
	out->accept_sig = cert || dnssec;
	if (cert && pa != NULL) {
		out->certreq = pa->certreq;
		out->certreq_len = pa->certreq_len;
	}
	if (g->nauth == 0)
		return peer_auth_fail(why, whylen, "%s", "the group has no usable authentication (no node.cert and no auth: list)");
	enum policy_auth first = (enum policy_auth)g->auth[0];
	if (first == POLICY_AUTH_NULL || ((cert || dnssec) && (pa == NULL || pa->key == NULL) && out->accept_null)) {
		out->our_auth = IKE_AUTH_NULL;
		out->our_id_type = IKE_ID_NULL;
		out->our_id_len = 0;
		return 0;
	}
	if (pa == NULL || pa->key == NULL)
		return peer_auth_fail(why, whylen, "%s authentication needs the node certificate (node.cert)",
				      first == POLICY_AUTH_DNSSEC ? "DNSSEC" : "certificate");
	if (dnssec && pa->dns == NULL && !cert)
		return peer_auth_fail(why, whylen, "%s", "DNSSEC authentication needs dnssec.enabled");
	out->our_auth = IKE_AUTH_DIGSIG;
	out->our_key = pa->key;
	out->our_sig = pa->sig;
	peer_auth_our_id(pa, first == POLICY_AUTH_DNSSEC, local, out);
	out->n_our_certs = 0;
	for (int i = 0; first == POLICY_AUTH_CERT && pa->chain != NULL && i < pa->chain->len &&
			i < IKE_MAX_OUR_CERTS; i++) {
		out->our_certs[out->n_our_certs] = pa->chain->certs[i].data;
		out->our_cert_len[out->n_our_certs++] = pa->chain->certs[i].len;
	}
	return 0;
}

static void peer_auth_link(struct peer_auth *pa, struct peer_auth_query *q)
{
	q->prev = NULL;
	q->next = pa->queries;
	if (pa->queries != NULL)
		pa->queries->prev = q;
	pa->queries = q;
}

static void peer_auth_unlink(struct peer_auth *pa, struct peer_auth_query *q)
{
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		pa->queries = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	q->prev = q->next = NULL;
}

static uint64_t peer_auth_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One line per answer: where the key came from and how long it took. */
static void peer_auth_dns_log(const struct peer_auth_query *q, const SECKEYPublicKey *key, const char *why)
{
	uint64_t us = peer_auth_now_us() - q->start_us;
	if (key != NULL)
		log_debug("%s: key from a DNSSEC-validated IPSECKEY record (%s, %llu.%03llu ms)", q->addr,
			  q->in_call ? "swanmesh cache" : "looked up", (unsigned long long)(us / 1000),
			  (unsigned long long)(us % 1000));
	else
		log_debug("%s: IPSECKEY lookup refused after %llu ms: %s", q->addr, (unsigned long long)(us / 1000),
			  why ? why : "no IPSECKEY");
}

static void peer_auth_dns_done(void *ctx, SECKEYPublicKey *key, const char *why)
{
	struct peer_auth_query *q = ctx;
	peer_auth_dns_log(q, key, why);
	if (q->in_call) {
		/* Inside the lookup (from the cache, or refused: too many
		 * lookups in flight): answered synchronously. */
		q->answered = true;
		q->key = key;
		snprintf(q->why, sizeof(q->why), "%s", why ? why : "");
		return;
	}
	peer_auth_unlink(q->pa, q);
	q->done(q->ctx, q->token, key, key == NULL ? (why ? why : "no IPSECKEY") : NULL);
	free(q);
}

/* The IDs a DNS-published key can speak for: the address the peer
 * negotiates from (its reverse zone), or an FQDN (its own zone). */
static int peer_auth_dns_id(const struct ike_peer_auth_req *req, const char *addr, char *why, size_t whylen)
{
	int af = req->id_type == IKE_ID_IPV4_ADDR ? AF_INET : req->id_type == IKE_ID_IPV6_ADDR ? AF_INET6 : 0;
	char id[64];
	if (req->id_type == IKE_ID_FQDN)
		return 0;
	if (af == 0)
		return peer_auth_fail(why, whylen, "ID type %u cannot be authenticated by DNSSEC (an IP address or "
				      "FQDN ID is needed)", req->id_type);
	if (req->id_len != (af == AF_INET ? 4u : 16u) || inet_ntop(af, req->id, id, sizeof(id)) == NULL)
		return peer_auth_fail(why, whylen, "%s", "malformed IP address ID");
	if (strcmp(id, addr) != 0)
		return peer_auth_fail(why, whylen, "ID %s is not the address the peer negotiates from (%s): the "
				      "IPSECKEY record of a reverse zone speaks only for its own address", id, addr);
	return 0;
}

static int peer_auth_by_dns(struct peer_auth *pa, const struct ike_peer_auth_req *req, SECKEYPublicKey **key,
			    char *why, size_t whylen, peer_auth_done_cb done, void *ctx)
{
	char addr[64];
	if (inet_ntop(req->peer->family == AF_INET6 ? AF_INET6 : AF_INET, req->peer->ip, addr, sizeof(addr)) == NULL)
		return peer_auth_fail(why, whylen, "%s", "bad peer address");
	if (peer_auth_dns_id(req, addr, why, whylen) != 0)
		return -1;
	struct peer_auth_query *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return peer_auth_fail(why, whylen, "%s", "out of memory");
	*q = (struct peer_auth_query){ .pa = pa, .token = req->token, .done = done, .ctx = ctx, .in_call = true,
				       .start_us = peer_auth_now_us() };
	snprintf(q->addr, sizeof(q->addr), "%s", addr);
	peer_auth_link(pa, q);
	int r;
	if (req->id_type == IKE_ID_FQDN && req->id_len > 0 && req->id_len < 254) {
		char name[256];
		memcpy(name, req->id, req->id_len);
		name[req->id_len] = '\0';
		r = dns_ipseckey_lookup_name_for(pa->dns, name, addr, peer_auth_dns_done, q);
	} else {
		r = dns_ipseckey_lookup_address(pa->dns, addr, peer_auth_dns_done, q);
	}
	q->in_call = false;
	if (r != 0 || q->answered) {
		peer_auth_unlink(pa, q);
		*key = q->key;
		if (r != 0 || q->key == NULL)
			snprintf(why, whylen, "%s", r != 0 ? "the DNS lookup could not start" : q->why);
		int ret = (r == 0 && q->key != NULL) ? 0 : -1;
		free(q);
		return ret;
	}
	return IKE_PENDING;
}

void peer_auth_prefetch(struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_addr *peer)
{
	char addr[64];
	if (pa == NULL || pa->dns == NULL || !peer_auth_has(g, POLICY_AUTH_DNSSEC) ||
	    inet_ntop(peer->family == AF_INET6 ? AF_INET6 : AF_INET, peer->ip, addr, sizeof(addr)) == NULL)
		return;
	/* The peer has proven nothing yet (the source may be forged): only
	 * with room to spare, so IKE_AUTH's lookups always find some. A
	 * prefetch not made costs IKE_AUTH the wait, nothing else: it asks
	 * again and reports the reason. */
	(void)dns_ipseckey_prefetch_address(pa->dns, addr);
}

bool peer_auth_dns_counters(const struct peer_auth *pa, struct dns_ipseckey_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (pa == NULL || pa->dns == NULL)
		return false;
	dns_ipseckey_counters(pa->dns, out);
	return true;
}

int peer_auth_peer_key(struct peer_auth *pa, const struct policy_group_conf *g, const struct ike_peer_auth_req *req,
		       SECKEYPublicKey **key, char *why, size_t whylen, peer_auth_done_cb done, void *ctx)
{
	*key = NULL;
	bool cert = peer_auth_has(g, POLICY_AUTH_CERT), dnssec = peer_auth_has(g, POLICY_AUTH_DNSSEC);
	char addr[64];
	inet_ntop(req->peer->family == AF_INET6 ? AF_INET6 : AF_INET, req->peer->ip, addr, sizeof(addr));
	if (cert && req->n_certs > 0) {
		SECItem chain[IKE_MAX_OUR_CERTS];
		for (unsigned i = 0; i < req->n_certs; i++)
			chain[i] = (SECItem){ siBuffer, (unsigned char *)(uintptr_t)req->certs[i],
					      (unsigned)req->cert_len[i] };
		struct cert_verify_request cr = {
			.chain = chain, .nchain = req->n_certs,
			.id = { req->id_type, req->id, req->id_len },
			.address = addr,
		};
		return cert_verify_peer(&cr, key, why, whylen) == 0 ? 0 : -1;
	}
	if (dnssec && pa != NULL && pa->dns != NULL)
		return peer_auth_by_dns(pa, req, key, why, whylen, done, ctx);
	if (cert)
		return peer_auth_fail(why, whylen, "%s", "the peer sent no certificate");
	return peer_auth_fail(why, whylen, "%s", "no key source (certificate or DNSSEC) is configured for the group");
}
