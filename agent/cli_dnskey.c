/* swanmesh dnskey ADDRESS|NAME: does the peer's IPSECKEY record validate?
 * The same lookup the agent makes for `auth: dnssec`, for troubleshooting. */
#include "cli.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>

#include "dns_ipseckey.h"
#include "policy/config.h"

#define CLI_DNSKEY_MAX 8

struct cli_dnskey_args {
	const char *target;
	const char *resolvers[CLI_DNSKEY_MAX];
	const char *anchors[CLI_DNSKEY_MAX];
	size_t nresolvers, nanchors;
	unsigned timeout_ms;
	unsigned repeat;       /* --repeat N: N lookups, timed (the first uncached, the rest from the cache) */
};

static int cli_dnskey_parse(int argc, char **argv, struct cli_dnskey_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		bool v = i + 1 < argc;
		if (strcmp(argv[i], "--resolver") == 0 && v && a->nresolvers < CLI_DNSKEY_MAX)
			a->resolvers[a->nresolvers++] = argv[++i];
		else if (strcmp(argv[i], "--trust-anchor") == 0 && v && a->nanchors < CLI_DNSKEY_MAX)
			a->anchors[a->nanchors++] = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0 && v)
			a->timeout_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--repeat") == 0 && v)
			a->repeat = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (a->target == NULL && argv[i][0] != '-')
			a->target = argv[i];
		else {
			fprintf(stderr, "swanmesh dnskey: unexpected argument '%s' (see: swanmesh help)\n", argv[i]);
			return -1;
		}
	}
	if (a->target == NULL) {
		fprintf(stderr, "swanmesh dnskey: name the peer's address or DNS name\n");
		return -1;
	}
	return 0;
}

struct cli_dnskey_result {
	bool done, ok;
	char why[512];
	char key[64];
};

static void cli_dnskey_done(void *ctx, SECKEYPublicKey *key, const char *why)
{
	struct cli_dnskey_result *r = ctx;
	r->done = true;
	r->ok = key != NULL;
	snprintf(r->why, sizeof(r->why), "%s", why ? why : "");
	if (key != NULL) {
		if (key->keyType == ecKey)
			snprintf(r->key, sizeof(r->key), "ECDSA %s", key->u.ec.publicValue.len == 65 ? "P-256" : "P-384");
		else
			snprintf(r->key, sizeof(r->key), "RSA-%u", key->u.rsa.modulus.len * 8);
		SECKEY_DestroyPublicKey(key);
	}
}

/* One lookup, run to its end on the loop; with label, its latency is printed. */
static int cli_dnskey_once(uv_loop_t *loop, struct dns_ipseckey *d, const char *target,
			   struct cli_dnskey_result *r, const char *label)
{
	uint8_t tmp[16];
	bool is_addr = inet_pton(AF_INET, target, tmp) == 1 || inet_pton(AF_INET6, target, tmp) == 1;
	r->done = false;
	uint64_t t0 = uv_hrtime();
	int s = is_addr ? dns_ipseckey_lookup_address(d, target, cli_dnskey_done, r)
			: dns_ipseckey_lookup_name(d, target, cli_dnskey_done, r);
	while (s == 0 && !r->done)
		uv_run(loop, UV_RUN_ONCE);
	if (label != NULL && s == 0)
		printf("latency %s: %.1f us\n", label, (double)(uv_hrtime() - t0) / 1e3);
	return s;
}

/* Resolvers and trust anchors the command line left open come from dnssec: of the config. */
static struct policy_config *cli_dnskey_config(const struct cli_opts *opts, struct cli_dnskey_args *a,
					       char (*res)[64])
{
	struct policy_config *cfg = cli_config_load(opts, "dnskey");
	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; a->nanchors == 0 && i < cfg->ntrust_anchors && i < CLI_DNSKEY_MAX; i++)
		a->anchors[i] = cfg->trust_anchors[i], a->nanchors = i + 1;
	for (size_t i = 0; a->nresolvers == 0 && i < cfg->nresolvers && i < CLI_DNSKEY_MAX; i++) {
		inet_ntop(cfg->resolvers[i].family == POLICY_AF_INET ? AF_INET : AF_INET6, cfg->resolvers[i].bytes,
			  res[i], 64);
		a->resolvers[i] = res[i];
		a->nresolvers = i + 1;
	}
	return cfg;
}

int cli_dnskey_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct cli_dnskey_args a;
	char res[CLI_DNSKEY_MAX][64], why[512];
	if (cli_dnskey_parse(argc, argv, &a) != 0)
		return CLI_EXIT_USAGE;
	struct policy_config *cfg = cli_dnskey_config(opts, &a, res);
	if (cfg == NULL)
		return CLI_EXIT_FAILED;
	NSS_NoDB_Init(NULL);
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct dns_ipseckey_config dc = { a.anchors, a.nanchors, NULL, 0, a.resolvers, a.nresolvers, a.timeout_ms, 0 };
	struct dns_ipseckey *d = NULL;
	struct cli_dnskey_result r = { false, false, "", "" };
	int rc = CLI_EXIT_FAILED;
	if (dns_ipseckey_new(&loop, &dc, &d, why, sizeof(why)) != 0) {
		fprintf(stderr, "swanmesh dnskey: %s\n", why);
		goto out;
	}
	int s = cli_dnskey_once(&loop, d, a.target, &r, a.repeat ? "uncached" : NULL);
	for (unsigned i = 1; s == 0 && r.ok && i < a.repeat; i++)
		s = cli_dnskey_once(&loop, d, a.target, &r, i + 1 == a.repeat ? "cached" : NULL);
	if (opts->json)
		printf("{\"peer\":\"%s\",\"secure\":%s,\"key\":\"%s\",\"error\":\"%s\"}\n", a.target, r.ok ? "true" : "false",
		       r.key, r.why);
	else if (r.ok)
		printf("%s: IPSECKEY validated by DNSSEC (secure): %s key\n", a.target, r.key);
	else
		fprintf(stderr, "swanmesh dnskey: %s: %s\n", a.target, s == 0 ? r.why : "cannot start the lookup");
	rc = r.ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;
	dns_ipseckey_free(d);
	uv_run(&loop, UV_RUN_DEFAULT);
out:
	uv_loop_close(&loop);
	NSS_Shutdown();
	policy_config_free(cfg);
	return rc;
}
