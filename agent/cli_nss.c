/* swanmesh initnss / import / listcerts: the node's NSS database. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "nss_db.h"
#include "policy/config.h"

#define CLI_NSS_PASSWORD_MAX 1024

struct cli_nss_args {
	const char *db;        /* --nss-db DIR */
	const char *pw_file;   /* --password-file FILE */
	int pw_fd;             /* --password-fd N, -1: none */
	const char *file;      /* positional (import) */
};

static int cli_nss_parse(const char *cmd, int argc, char **argv, bool want_file, struct cli_nss_args *a)
{
	memset(a, 0, sizeof(*a));
	a->pw_fd = -1;
	for (int i = 1; i < argc; i++) {
		bool has_value = i + 1 < argc;
		if (strcmp(argv[i], "--nss-db") == 0 && has_value) {
			a->db = argv[++i];
		} else if (want_file && strcmp(argv[i], "--password-file") == 0 && has_value) {
			a->pw_file = argv[++i];
		} else if (want_file && strcmp(argv[i], "--password-fd") == 0 && has_value) {
			char *end;
			long fd = strtol(argv[++i], &end, 10);
			if (*end != '\0' || fd < 0 || fd > 1024) {
				fprintf(stderr, "swanmesh %s: --password-fd needs a file descriptor number\n", cmd);
				return -1;
			}
			a->pw_fd = (int)fd;
		} else if (want_file && a->file == NULL && argv[i][0] != '-') {
			a->file = argv[i];
		} else {
			fprintf(stderr, "swanmesh %s: unexpected argument '%s' (see: swanmesh help)\n", cmd, argv[i]);
			return -1;
		}
	}
	if (want_file && a->file == NULL) {
		fprintf(stderr, "swanmesh %s: name the PKCS#12 file to import\n", cmd);
		return -1;
	}
	return 0;
}

/* The database directory: --nss-db, else node.nss-db of the configuration. */
static int cli_nss_dir(const struct cli_opts *opts, const char *cmd, const struct cli_nss_args *a, char *out,
		       size_t len)
{
	if (a->db != NULL) {
		snprintf(out, len, "%s", a->db);
		return 0;
	}
	struct policy_config *cfg = cli_config_load(opts, cmd);
	if (cfg == NULL)
		return -1;
	snprintf(out, len, "%s", cfg->nss_db);
	policy_config_free(cfg);
	return 0;
}

static int cli_nss_read_fd(int fd, char *out, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		ssize_t r = read(fd, out + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0'; /* the first line is the password */
	return 0;
}

static int cli_nss_prompt(char *out, size_t len)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (tty == NULL)
		return -1;
	struct termios old, quiet;
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~ECHO;
	fputs("PKCS#12 password: ", tty);
	fflush(tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	bool ok = fgets(out, (int)len, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	out[strcspn(out, "\r\n")] = '\0';
	return ok ? 0 : -1;
}

static int cli_nss_password(const struct cli_nss_args *a, char *out, size_t len)
{
	if (a->pw_file != NULL) {
		FILE *f = fopen(a->pw_file, "r");
		if (f == NULL) {
			fprintf(stderr, "swanmesh import: cannot read the password file %s: %s\n", a->pw_file, strerror(errno));
			return -1;
		}
		cli_nss_read_fd(fileno(f), out, len);
		fclose(f);
		return 0;
	}
	if (a->pw_fd >= 0)
		return cli_nss_read_fd(a->pw_fd, out, len);
	if (isatty(STDIN_FILENO) && cli_nss_prompt(out, len) == 0)
		return 0;
	fprintf(stderr, "swanmesh import: no password: give --password-file FILE or --password-fd N "
			"(or run it on a terminal to be asked)\n");
	return -1;
}

int cli_initnss_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct cli_nss_args a;
	char dir[4096], why[512];
	if (cli_nss_parse("initnss", argc, argv, false, &a) != 0)
		return CLI_EXIT_USAGE;
	if (cli_nss_dir(opts, "initnss", &a, dir, sizeof(dir)) != 0)
		return CLI_EXIT_FAILED;
	int r = nss_db_open(dir, true, why, sizeof(why));
	nss_db_close();
	if (r != 0) {
		fprintf(stderr, "swanmesh initnss: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	printf("created an NSS database in %s (empty password; certutil -d sql:%s works on it)\n", dir, dir);
	return CLI_EXIT_OK;
}

int cli_import_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct cli_nss_args a;
	char dir[4096], why[512], pw[CLI_NSS_PASSWORD_MAX];
	if (cli_nss_parse("import", argc, argv, true, &a) != 0)
		return CLI_EXIT_USAGE;
	if (cli_nss_dir(opts, "import", &a, dir, sizeof(dir)) != 0 || cli_nss_password(&a, pw, sizeof(pw)) != 0)
		return CLI_EXIT_FAILED;
	struct nss_db_import_result res;
	int r = nss_db_open(dir, false, why, sizeof(why));
	if (r == 0)
		r = nss_db_import_p12(a.file, pw, &res, why, sizeof(why));
	memset(pw, 0, sizeof(pw));
	nss_db_close();
	if (r != 0) {
		fprintf(stderr, "swanmesh import: %s; nothing was imported\n", why);
		return CLI_EXIT_FAILED;
	}
	if (opts->json)
		printf("{\"nickname\":\"%s\",\"subject\":\"%s\",\"certificates\":%u,\"cas_trusted\":%u}\n",
		       res.node_nickname, res.node_subject, res.certs, res.cas_trusted);
	else
		printf("imported %s: node certificate '%s' (%s) with its key, %u certificates, %u CA%s trusted for peer "
		       "authentication\n", a.file, res.node_nickname, res.node_subject, res.certs, res.cas_trusted,
		       res.cas_trusted == 1 ? "" : "s");
	return CLI_EXIT_OK;
}

struct cli_listcerts_ctx {
	bool json;
	unsigned n;
};

static void cli_listcerts_one(const struct nss_db_cert_info *c, void *ctx)
{
	struct cli_listcerts_ctx *l = ctx;
	if (l->json) {
		printf("%s{\"nickname\":", l->n ? "," : "");
		cli_json_str(c->nickname);
		printf(",\"subject\":");
		cli_json_str(c->subject);
		printf(",\"issuer\":");
		cli_json_str(c->issuer);
		printf(",\"sans\":");
		cli_json_str(c->sans);
		printf(",\"not_after\":\"%s\",\"expired\":%s,\"has_key\":%s,\"ca\":%s,\"trust\":\"%s\"}", c->not_after,
		       c->expired ? "true" : "false", c->has_key ? "true" : "false", c->is_ca ? "true" : "false", c->trust);
	} else {
		printf("%s%s\n  subject: %s\n  issuer:  %s\n", c->nickname, c->has_key ? "  (with private key)" : "",
		       c->subject, c->issuer);
		if (c->sans[0] != '\0')
			printf("  SAN:     %s\n", c->sans);
		printf("  expires: %s%s\n  trust:   %s%s\n", c->not_after, c->expired ? "  EXPIRED" : "",
		       c->trust[0] ? c->trust : "-", c->is_ca ? "  (CA)" : "");
	}
	l->n++;
}

int cli_listcerts_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct cli_nss_args a;
	char dir[4096], why[512];
	if (cli_nss_parse("listcerts", argc, argv, false, &a) != 0)
		return CLI_EXIT_USAGE;
	if (cli_nss_dir(opts, "listcerts", &a, dir, sizeof(dir)) != 0)
		return CLI_EXIT_FAILED;
	struct cli_listcerts_ctx l = { opts->json, 0 };
	int r = nss_db_open(dir, false, why, sizeof(why));
	if (r == 0) {
		if (l.json)
			printf("[");
		r = nss_db_list(cli_listcerts_one, &l, why, sizeof(why));
		if (l.json)
			printf("]\n");
	}
	nss_db_close();
	if (r != 0) {
		fprintf(stderr, "swanmesh listcerts: %s\n", why);
		return CLI_EXIT_FAILED;
	}
	if (!l.json && l.n == 0)
		printf("no certificates in %s (import a PKCS#12 bundle with `swanmesh import FILE.p12`)\n", dir);
	return CLI_EXIT_OK;
}
