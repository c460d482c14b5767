/* NSS database handling for the CLI (initnss, import, listcerts). */
#include "nss_db.h"
#include "cert_san.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cert.h>
#include <certdb.h>
#include <nss.h>
#include <p12.h>
#include <pk11pub.h>
#include <prerror.h>
#include <secerr.h>

#define NSS_DB_P12_MAX (1 << 20)

static bool nss_db_is_open;

static const char *nss_db_error(void)
{
	const char *s = PR_ErrorToString(PR_GetError(), PR_LANGUAGE_I_DEFAULT);
	return s != NULL && s[0] != '\0' ? s : "unknown NSS error";
}

static int nss_db_mkdir(const char *dir, char *why, size_t whylen)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	snprintf(why, whylen, "cannot create %s: %s", dir, strerror(errno));
	return -1;
}

int nss_db_open(const char *dir, bool create, char *why, size_t whylen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/cert9.db", dir);
	bool exists = access(path, F_OK) == 0;
	if (create && exists) {
		snprintf(why, whylen, "%s already holds an NSS database; nothing changed", dir);
		return -1;
	}
	if (!create && !exists) {
		snprintf(why, whylen, "no NSS database in %s (no cert9.db): create one with `swanmesh initnss`", dir);
		return -1;
	}
	if (create && nss_db_mkdir(dir, why, whylen) != 0)
		return -1;
	char spec[4200];
	snprintf(spec, sizeof(spec), "sql:%s", dir);
	if (NSS_Initialize(spec, "", "", "", 0) != SECSuccess) {
		snprintf(why, whylen, "cannot open the NSS database %s: %s", dir, nss_db_error());
		return -1;
	}
	nss_db_is_open = true;
	if (create) {
		/* An empty password, as `certutil -N --empty-password` makes. */
		PK11SlotInfo *slot = PK11_GetInternalKeySlot();
		SECStatus s = slot != NULL && PK11_NeedUserInit(slot) ? PK11_InitPin(slot, NULL, "") : SECSuccess;
		if (slot != NULL)
			PK11_FreeSlot(slot);
		if (s != SECSuccess) {
			snprintf(why, whylen, "cannot initialise the key database in %s: %s", dir, nss_db_error());
			return -1;
		}
	}
	return 0;
}

void nss_db_close(void)
{
	if (nss_db_is_open)
		NSS_Shutdown();
	nss_db_is_open = false;
}

static int nss_db_read(const char *path, SECItem *out, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	out->data = PORT_Alloc(NSS_DB_P12_MAX);
	size_t n = out->data ? fread(out->data, 1, NSS_DB_P12_MAX, f) : 0;
	bool too_big = n == NSS_DB_P12_MAX;
	fclose(f);
	if (out->data == NULL || n == 0 || too_big) {
		snprintf(why, whylen, "%s is %s", path, too_big ? "larger than 1 MiB: not a PKCS#12 bundle" : "empty");
		PORT_Free(out->data);
		out->data = NULL;
		return -1;
	}
	out->len = (unsigned)n;
	return 0;
}

/* PKCS#12 wants the password as a big-endian UCS-2 string with its NUL. */
static int nss_db_password(const char *password, SECItem *out)
{
	size_t len = strlen(password);
	unsigned outlen = 0, max = (unsigned)len * 2 + 2;
	out->data = PORT_ZAlloc(max + 2);
	if (out->data == NULL)
		return -1;
	if (len > 0 && !PORT_UCS2_UTF8Conversion(PR_TRUE, (unsigned char *)password, (unsigned)len, out->data, max,
						  &outlen))
		return -1;
	out->len = outlen + 2;
	return 0;
}

static SECItem *nss_db_nickname_cb(SECItem *old, PRBool *cancel, void *wincx)
{
	(void)wincx;
	*cancel = PR_FALSE;
	if (old == NULL || old->data == NULL)
		return NULL; /* NSS derives a nickname from the subject */
	char buf[256];
	snprintf(buf, sizeof(buf), "%.*s (imported)", (int)old->len, (const char *)old->data);
	SECItem *n = SECITEM_AllocItem(NULL, NULL, (unsigned)strlen(buf) + 1);
	if (n != NULL) {
		memcpy(n->data, buf, strlen(buf) + 1);
		n->len = (unsigned)strlen(buf);
	}
	return n;
}

static void nss_db_note_certs(SEC_PKCS12DecoderContext *dcx, struct nss_db_import_result *res)
{
	CERTCertList *list = SEC_PKCS12DecoderGetCerts(dcx);
	if (list == NULL)
		return;
	for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list); n = CERT_LIST_NEXT(n)) {
		CERTCertificate *c = n->cert;
		res->certs++;
		if (CERT_IsCACert(c, NULL)) {
			CERTCertTrust trust;
			if (CERT_DecodeTrustString(&trust, "CT,C,C") == SECSuccess &&
			    CERT_ChangeCertTrust(CERT_GetDefaultCertDB(), c, &trust) == SECSuccess)
				res->cas_trusted++;
			continue;
		}
		PK11SlotInfo *slot = PK11_KeyForCertExists(c, NULL, NULL);
		if (slot != NULL) {
			PK11_FreeSlot(slot);
			snprintf(res->node_nickname, sizeof(res->node_nickname), "%s", c->nickname ? c->nickname : "");
			snprintf(res->node_subject, sizeof(res->node_subject), "%s", c->subjectName ? c->subjectName : "");
		}
	}
	CERT_DestroyCertList(list);
}

int nss_db_import_p12(const char *path, const char *password, struct nss_db_import_result *res, char *why,
		      size_t whylen)
{
	memset(res, 0, sizeof(*res));
	SECItem data = { siBuffer, NULL, 0 }, pw = { siBuffer, NULL, 0 };
	SEC_PKCS12DecoderContext *dcx = NULL;
	PK11SlotInfo *slot = NULL;
	int r = -1;
	if (nss_db_read(path, &data, why, whylen) != 0)
		return -1;
	if (nss_db_password(password, &pw) != 0) {
		snprintf(why, whylen, "the password is not valid UTF-8");
		goto out;
	}
	slot = PK11_GetInternalKeySlot();
	dcx = slot ? SEC_PKCS12DecoderStart(&pw, slot, NULL, NULL, NULL, NULL, NULL, NULL) : NULL;
	if (dcx == NULL) {
		snprintf(why, whylen, "cannot start the PKCS#12 decoder: %s", nss_db_error());
		goto out;
	}
	/* Decode and verify everything before the first write. */
	if (SEC_PKCS12DecoderUpdate(dcx, data.data, data.len) != SECSuccess) {
		int e = PR_GetError();
		snprintf(why, whylen, "%s: %s", path,
			 e == SEC_ERROR_BAD_PASSWORD || e == SEC_ERROR_PKCS12_PRIVACY_PASSWORD_INCORRECT
				 ? "wrong password"
				 : "not a valid PKCS#12 bundle (damaged or another format)");
		goto out;
	}
	if (SEC_PKCS12DecoderVerify(dcx) != SECSuccess) {
		snprintf(why, whylen, "%s: wrong password, or a damaged bundle (its integrity check failed)", path);
		goto out;
	}
	if (SEC_PKCS12DecoderValidateBags(dcx, nss_db_nickname_cb) != SECSuccess) {
		snprintf(why, whylen, "%s: the bundle's contents cannot be imported: %s", path, nss_db_error());
		goto out;
	}
	if (SEC_PKCS12DecoderImportBags(dcx) != SECSuccess) {
		snprintf(why, whylen, "%s: import failed: %s", path, nss_db_error());
		goto out;
	}
	nss_db_note_certs(dcx, res);
	r = 0;
out:
	if (dcx != NULL)
		SEC_PKCS12DecoderFinish(dcx);
	if (slot != NULL)
		PK11_FreeSlot(slot);
	if (pw.data != NULL) {
		memset(pw.data, 0, pw.len);
		PORT_Free(pw.data);
	}
	PORT_Free(data.data);
	return r;
}

struct nss_db_san_text {
	char *out;
	size_t len, used;
};

static bool nss_db_san_append(const CERTGeneralName *n, void *ctx)
{
	struct nss_db_san_text *t = ctx;
	const SECItem *v = &n->name.other;
	char addr[64];
	if (n->type == certDNSName)
		t->used += (size_t)snprintf(t->out + t->used, t->len - t->used, "%sDNS:%.*s", t->used ? " " : "",
					    (int)v->len, (const char *)v->data);
	else if (n->type == certIPAddress && (v->len == 4 || v->len == 16) &&
		 inet_ntop(v->len == 4 ? AF_INET : AF_INET6, v->data, addr, sizeof(addr)))
		t->used += (size_t)snprintf(t->out + t->used, t->len - t->used, "%sIP:%s", t->used ? " " : "", addr);
	return t->used >= t->len; /* stop when full */
}

static void nss_db_sans(CERTCertificate *c, char *out, size_t len)
{
	struct nss_db_san_text t = { out, len, 0 };
	out[0] = '\0';
	cert_san_each(c, nss_db_san_append, &t);
}

/* One trust field in certutil's letters (C trusted CA, T client CA,
 * c valid CA, P trusted peer, p valid peer, u has a key, w warn). */
static size_t nss_db_trust_flags(unsigned f, char *out)
{
	size_t n = 0;
	if ((f & CERTDB_VALID_CA) && !(f & (CERTDB_TRUSTED_CA | CERTDB_TRUSTED_CLIENT_CA)))
		out[n++] = 'c';
	if (f & CERTDB_TRUSTED_CA)
		out[n++] = 'C';
	if (f & CERTDB_TRUSTED_CLIENT_CA)
		out[n++] = 'T';
	if (f & CERTDB_TERMINAL_RECORD)
		out[n++] = (f & CERTDB_TRUSTED) ? 'P' : 'p';
	if (f & CERTDB_USER)
		out[n++] = 'u';
	if (f & CERTDB_SEND_WARN)
		out[n++] = 'w';
	return n;
}

static void nss_db_trust_string(const CERTCertTrust *t, char *out, size_t len)
{
	char buf[32];
	size_t n = nss_db_trust_flags(t->sslFlags, buf);
	buf[n++] = ',';
	n += nss_db_trust_flags(t->emailFlags, buf + n);
	buf[n++] = ',';
	n += nss_db_trust_flags(t->objectSigningFlags, buf + n);
	buf[n] = '\0';
	snprintf(out, len, "%s", buf);
}

static void nss_db_info(CERTCertificate *c, const char *nick, struct nss_db_cert_info *info)
{
	memset(info, 0, sizeof(*info));
	info->nickname = nick ? nick : (c->nickname ? c->nickname : "");
	info->subject = c->subjectName ? c->subjectName : "";
	info->issuer = c->issuerName ? c->issuerName : "";
	nss_db_sans(c, info->sans, sizeof(info->sans));
	PRTime nb, na;
	if (CERT_GetCertTimes(c, &nb, &na) == SECSuccess) {
		PRExplodedTime t;
		PR_ExplodeTime(na, PR_GMTParameters, &t);
		PR_FormatTime(info->not_after, sizeof(info->not_after), "%Y-%m-%d %H:%M:%S UTC", &t);
		info->expired = na < PR_Now();
	}
	PK11SlotInfo *slot = PK11_KeyForCertExists(c, NULL, NULL);
	if (slot != NULL) {
		info->has_key = true;
		PK11_FreeSlot(slot);
	}
	info->is_ca = CERT_IsCACert(c, NULL) != PR_FALSE;
	CERTCertTrust trust;
	if (CERT_GetCertTrust(c, &trust) == SECSuccess)
		nss_db_trust_string(&trust, info->trust, sizeof(info->trust));
}

int nss_db_list(nss_db_cert_cb cb, void *ctx, char *why, size_t whylen)
{
	CERTCertList *list = PK11_ListCerts(PK11CertListAll, NULL);
	if (list == NULL) {
		snprintf(why, whylen, "cannot list certificates: %s", nss_db_error());
		return -1;
	}
	for (CERTCertListNode *n = CERT_LIST_HEAD(list); !CERT_LIST_END(n, list); n = CERT_LIST_NEXT(n)) {
		struct nss_db_cert_info info;
		nss_db_info(n->cert, n->appData, &info);
		cb(&info, ctx);
	}
	CERT_DestroyCertList(list);
	return 0;
}
