#ifndef SWANMESH_AGENT_NSS_DB_H
#define SWANMESH_AGENT_NSS_DB_H
/* The node's NSS database: create it, import a PKCS#12 bundle (node
 * certificate, key, CA chain), list certificates. Databases stay
 * compatible with certutil and pk12util (sql: format, empty password). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opens dir read-write (NSS_Initialize). create: make dir (0700) and a new
 * database, refusing when one exists. Returns 0, or -1 with a sentence in
 * why. Close with nss_db_close(). */
int nss_db_open(const char *dir, bool create, char *why, size_t whylen);
void nss_db_close(void);

struct nss_db_import_result {
	char node_nickname[128];  /* the certificate that came with its key */
	char node_subject[256];
	unsigned certs, cas_trusted;
};

/* Imports the PKCS#12 file at path with password (UTF-8). The bundle is
 * decoded and verified completely before anything is written, so a wrong
 * password or a damaged file imports nothing. CA certificates of the bundle
 * become trusted for peer authentication (CT,C,C). Returns 0 or -1 + why. */
int nss_db_import_p12(const char *path, const char *password, struct nss_db_import_result *res, char *why,
		      size_t whylen);

struct nss_db_cert_info {
	const char *nickname;
	const char *subject;
	const char *issuer;
	char sans[512];      /* "DNS:a IP:192.0.2.1 ..." */
	char not_after[32];  /* "2027-11-22 10:00:00 UTC" */
	bool expired;
	bool has_key;
	bool is_ca;
	char trust[32];      /* certutil's trust string, "" when none */
};
typedef void (*nss_db_cert_cb)(const struct nss_db_cert_info *info, void *ctx);
/* Calls cb for every certificate of the database. Returns 0 or -1 + why. */
int nss_db_list(nss_db_cert_cb cb, void *ctx, char *why, size_t whylen);

#endif
