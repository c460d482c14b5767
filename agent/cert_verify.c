/* Peer certificate checks through NSS (see cert_verify.h for the rules). */
#include "cert_verify.h"
#include "cert_san.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cert.h>
#include <prerror.h>
#include <secerr.h>

#define CERT_VERIFY_CHAIN_MAX 8

static const char *cert_verify_subject(const CERTCertificate *c)
{
	return c->subjectName ? c->subjectName : "(no subject)";
}

static void cert_verify_time(PRTime t, char *out, size_t len)
{
	PRExplodedTime e;
	PR_ExplodeTime(t, PR_GMTParameters, &e);
	PR_FormatTime(out, (int)len, "%Y-%m-%d %H:%M:%S UTC", &e);
}

/* Turns NSS's first complaint about the chain into a sentence. */
static void cert_verify_reason(CERTCertificate *leaf, const CERTVerifyLog *log, char *why, size_t whylen)
{
	const CERTVerifyLogNode *n = log->head;
	CERTCertificate *c = n && n->cert ? n->cert : leaf;
	long err = n ? n->error : PR_GetError();
	PRTime nb, na;
	char when[40] = "?";
	switch (err) {
	case SEC_ERROR_EXPIRED_CERTIFICATE:
	case SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE:
		if (CERT_GetCertTimes(c, &nb, &na) == SECSuccess)
			cert_verify_time(na < PR_Now() ? na : nb, when, sizeof(when));
		snprintf(why, whylen, "certificate %s %s %s", cert_verify_subject(c),
			 CERT_GetCertTimes(c, &nb, &na) == SECSuccess && na < PR_Now() ? "expired on" : "is not valid before",
			 when);
		return;
	case SEC_ERROR_UNKNOWN_ISSUER:
	case SEC_ERROR_UNTRUSTED_ISSUER:
	case SEC_ERROR_CA_CERT_INVALID:
		snprintf(why, whylen, "unknown CA '%s' (issuer of %s): not trusted for peer authentication",
			 c->issuerName ? c->issuerName : "?", cert_verify_subject(c));
		return;
	case SEC_ERROR_REVOKED_CERTIFICATE:
		snprintf(why, whylen, "certificate %s is revoked", cert_verify_subject(c));
		return;
	case SEC_ERROR_INADEQUATE_KEY_USAGE:
	case SEC_ERROR_INADEQUATE_CERT_TYPE:
		snprintf(why, whylen, "certificate %s may not be used for IPsec (key usage)", cert_verify_subject(c));
		return;
	default:
		snprintf(why, whylen, "certificate %s is not valid: %s", cert_verify_subject(c),
			 PR_ErrorToString((PRErrorCode)err, PR_LANGUAGE_I_DEFAULT));
	}
}

struct cert_verify_want {
	CERTGeneralNameType type;
	const uint8_t *data;
	size_t len;
	bool nocase;
};

static bool cert_verify_san_is(const CERTGeneralName *n, void *ctx)
{
	const struct cert_verify_want *w = ctx;
	const SECItem *v = &n->name.other;
	if (n->type != w->type || v->len != w->len)
		return false;
	return w->nocase ? strncasecmp((const char *)v->data, (const char *)w->data, w->len) == 0
			 : memcmp(v->data, w->data, w->len) == 0;
}

/* Whether c has a SAN of that type equal to data. */
static bool cert_verify_san(CERTCertificate *c, CERTGeneralNameType type, const uint8_t *data, size_t len,
			    bool nocase)
{
	struct cert_verify_want w = { type, data, len, nocase };
	return cert_san_each(c, cert_verify_san_is, &w);
}

static void cert_verify_id_text(const struct cert_peer_id *id, char *out, size_t len)
{
	if ((id->type == CERT_ID_IPV4_ADDR && id->len == 4) || (id->type == CERT_ID_IPV6_ADDR && id->len == 16)) {
		inet_ntop(id->len == 4 ? AF_INET : AF_INET6, id->data, out, (socklen_t)len);
		return;
	}
	if (id->type == CERT_ID_FQDN || id->type == CERT_ID_RFC822_ADDR) {
		snprintf(out, len, "%.*s", (int)(id->len < 200 ? id->len : 200), (const char *)id->data);
		return;
	}
	snprintf(out, len, "(ID type %u, %zu bytes)", id->type, id->len);
}

static bool cert_verify_id(CERTCertificate *c, const struct cert_peer_id *id)
{
	switch (id->type) {
	case CERT_ID_IPV4_ADDR:
	case CERT_ID_IPV6_ADDR:
		return cert_verify_san(c, certIPAddress, id->data, id->len, false);
	case CERT_ID_FQDN:
		return cert_verify_san(c, certDNSName, id->data, id->len, true);
	case CERT_ID_RFC822_ADDR:
		return cert_verify_san(c, certRFC822Name, id->data, id->len, true);
	case CERT_ID_DER_ASN1_DN:
		return c->derSubject.len == id->len && memcmp(c->derSubject.data, id->data, id->len) == 0;
	default:
		return false;
	}
}

static bool cert_verify_address(CERTCertificate *c, const char *address)
{
	uint8_t b[16];
	if (inet_pton(AF_INET, address, b) == 1)
		return cert_verify_san(c, certIPAddress, b, 4, false);
	if (inet_pton(AF_INET6, address, b) == 1)
		return cert_verify_san(c, certIPAddress, b, 16, false);
	return false;
}

static int cert_verify_leaf(CERTCertificate *leaf, const struct cert_verify_request *req, char *why, size_t whylen)
{
	CERTVerifyLog log = { PORT_NewArena(1024), 0, NULL, NULL };
	SECStatus s = CERT_VerifyCert(CERT_GetDefaultCertDB(), leaf, PR_TRUE, certUsageIPsec, PR_Now(), NULL, &log);
	if (s != SECSuccess || log.count > 0)
		cert_verify_reason(leaf, &log, why, whylen);
	for (CERTVerifyLogNode *n = log.head; n != NULL; n = n->next)
		if (n->cert != NULL)
			CERT_DestroyCertificate(n->cert);
	PORT_FreeArena(log.arena, PR_FALSE);
	if (s != SECSuccess)
		return -1;
	if (!cert_verify_id(leaf, &req->id)) {
		char id[256];
		cert_verify_id_text(&req->id, id, sizeof(id));
		snprintf(why, whylen, "ID %s does not match certificate %s", id, cert_verify_subject(leaf));
		return -1;
	}
	if (req->address != NULL && !req->any_fleet_cert && !cert_verify_address(leaf, req->address)) {
		snprintf(why, whylen, "certificate %s does not cover address %s (no such SAN IP)",
			 cert_verify_subject(leaf), req->address);
		return -1;
	}
	return 0;
}

int cert_verify_peer(const struct cert_verify_request *req, SECKEYPublicKey **key, char *why, size_t whylen)
{
	*key = NULL;
	if (req->nchain == 0 || req->nchain > CERT_VERIFY_CHAIN_MAX) {
		snprintf(why, whylen, "the peer sent %zu certificates (1 to %d expected)", req->nchain,
			 CERT_VERIFY_CHAIN_MAX);
		return -1;
	}
	CERTCertificate *certs[CERT_VERIFY_CHAIN_MAX] = { NULL };
	int r = -1;
	/* Temporary certificates: the intermediates become available for the
	 * chain, nothing is stored in the database. */
	for (size_t i = 0; i < req->nchain; i++) {
		SECItem der = req->chain[i];
		certs[i] = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &der, NULL, PR_FALSE, PR_TRUE);
		if (certs[i] == NULL) {
			snprintf(why, whylen, "certificate %zu of the peer's chain is not valid DER X.509", i + 1);
			goto out;
		}
	}
	if ((r = cert_verify_leaf(certs[0], req, why, whylen)) != 0)
		goto out;
	*key = CERT_ExtractPublicKey(certs[0]);
	if (*key == NULL) {
		snprintf(why, whylen, "certificate %s has no usable public key", cert_verify_subject(certs[0]));
		r = -1;
	}
out:
	for (size_t i = 0; i < req->nchain; i++)
		if (certs[i] != NULL)
			CERT_DestroyCertificate(certs[i]);
	return r;
}
