/* swanmesh showhostkey --ipseckey: the IPSECKEY record to publish in DNS
 * (the reverse zone of each of our addresses) for this node's key. */
#include "cli.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cert.h>
#include <base64.h>
#include <pk11pub.h>

#include "dns_name.h"
#include "ipseckey.h"
#include "nss_db.h"
#include "policy/config.h"

#define CLI_HOSTKEY_ADDRS 16

struct cli_hostkey_args {
	const char *db, *nickname;
	const char *addrs[CLI_HOSTKEY_ADDRS];
	size_t naddrs;
	bool ipseckey;
};

static int cli_hostkey_parse(int argc, char **argv, struct cli_hostkey_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		bool v = i + 1 < argc;
		if (strcmp(argv[i], "--ipseckey") == 0)
			a->ipseckey = true;
		else if (strcmp(argv[i], "--nss-db") == 0 && v)
			a->db = argv[++i];
		else if (strcmp(argv[i], "--nickname") == 0 && v)
			a->nickname = argv[++i];
		else if (strcmp(argv[i], "--address") == 0 && v && a->naddrs < CLI_HOSTKEY_ADDRS)
			a->addrs[a->naddrs++] = argv[++i];
		else {
			fprintf(stderr, "swanmesh showhostkey: unexpected argument '%s' (see: swanmesh help)\n", argv[i]);
			return -1;
		}
	}
	if (!a->ipseckey) {
		fprintf(stderr, "swanmesh showhostkey: say which format: --ipseckey\n");
		return -1;
	}
	return 0;
}

/* Fills the nickname, database and addresses the command line left open from the configuration. */
static int cli_hostkey_defaults(const struct cli_opts *opts, struct cli_hostkey_args *a, char *db, size_t dblen,
				char *nick, size_t nicklen, char (*addrs)[64])
{
	struct policy_config *cfg = cli_config_load(opts, "showhostkey");
	if (cfg == NULL)
		return -1;
	snprintf(db, dblen, "%s", a->db ? a->db : cfg->nss_db);
	const char *n = a->nickname ? a->nickname : cfg->cert;
	if (n == NULL) {
		fprintf(stderr, "swanmesh showhostkey: no node certificate configured (node.cert): give --nickname\n");
		policy_config_free(cfg);
		return -1;
	}
	snprintf(nick, nicklen, "%s", n);
	for (size_t i = 0; a->naddrs == 0 && !cfg->addresses_auto && i < cfg->naddresses && i < CLI_HOSTKEY_ADDRS;
	     i++) {
		struct policy_addr *pa = &cfg->addresses[i];
		inet_ntop(pa->family == POLICY_AF_INET ? AF_INET : AF_INET6, pa->bytes, addrs[i], 64);
		a->addrs[a->naddrs++] = addrs[i];
	}
	policy_config_free(cfg);
	return 0;
}

static int cli_hostkey_print(const char *nick, const struct cli_hostkey_args *a, bool json)
{
	CERTCertificate *cert = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), nick);
	if (cert == NULL) {
		fprintf(stderr, "swanmesh showhostkey: no certificate '%s' in the database (see: swanmesh listcerts)\n",
			nick);
		return -1;
	}
	SECKEYPublicKey *pk = CERT_ExtractPublicKey(cert);
	uint8_t key[IPSECKEY_KEY_MAX];
	size_t klen = 0;
	uint8_t alg = 0;
	char why[256];
	int r = pk ? ipseckey_from_public_key(pk, key, sizeof(key), &klen, &alg, why, sizeof(why)) : -1;
	if (pk != NULL)
		SECKEY_DestroyPublicKey(pk);
	CERT_DestroyCertificate(cert);
	if (r != 0) {
		fprintf(stderr, "swanmesh showhostkey: %s: %s\n", nick, pk ? why : "no public key");
		return -1;
	}
	char *b64 = BTOA_DataToAscii(key, (unsigned)klen);
	if (b64 == NULL)
		return -1;
	size_t w = 0;
	for (size_t i = 0; b64[i]; i++) /* NSS wraps its output; a record wants one line */
		if (b64[i] != '\r' && b64[i] != '\n')
			b64[w++] = b64[i];
	b64[w] = '\0';
	for (size_t i = 0; i < (a->naddrs ? a->naddrs : 1); i++) {
		char owner[80] = "@";
		if (a->naddrs && dns_name_reverse(a->addrs[i], owner, sizeof(owner)) != 0) {
			fprintf(stderr, "swanmesh showhostkey: '%s' is not an address\n", a->addrs[i]);
			r = -1;
			break;
		}
		if (json)
			printf("{\"owner\":\"%s\",\"precedence\":10,\"gateway_type\":0,\"algorithm\":%u,\"public_key\":\"%s\"}\n",
			       owner, alg, b64);
		else
			printf("%s IN IPSECKEY 10 0 %u . %s\n", owner, alg, b64);
	}
	PORT_Free(b64);
	return r;
}

int cli_showhostkey_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct cli_hostkey_args a;
	char db[4096], nick[256], why[512], addrs[CLI_HOSTKEY_ADDRS][64];
	if (cli_hostkey_parse(argc, argv, &a) != 0)
		return CLI_EXIT_USAGE;
	if (cli_hostkey_defaults(opts, &a, db, sizeof(db), nick, sizeof(nick), addrs) != 0)
		return CLI_EXIT_FAILED;
	if (nss_db_open(db, false, why, sizeof(why)) != 0) {
		fprintf(stderr, "swanmesh showhostkey: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	int r = cli_hostkey_print(nick, &a, opts->json);
	nss_db_close();
	return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
