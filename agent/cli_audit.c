/* swanmesh audit: does the kernel (this network namespace) enforce what
 * swanmeshd would install? Reads the XFRM policies and SAs, builds the
 * plan from the configuration as `check` does, asks the daemon for its
 * tunnels when it runs, and prints one line per finding (audit.h). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli_ctl.h"
#include "icmp_bypass.h"

#define CLI_AUDIT_ROOT "swanmesh: audit: reading the kernel's IPsec policies needs root (CAP_NET_ADMIN): run it as root\n"

/* What the kernel holds (owned arrays). */
struct cli_audit_kernel {
	struct kernel_policy *pol;
	size_t npol, cappol;
	struct kernel_sa_info *sa;
	size_t nsa, capsa;
};

static int cli_audit_grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *w = realloc(*v, c * size);
	if (w == NULL)
		return -ENOMEM;
	*v = w;
	*cap = c;
	return 0;
}

static int cli_audit_policy_seen(const struct kernel_policy *p, void *ctx)
{
	struct cli_audit_kernel *kv = ctx;
	if (cli_audit_grow((void **)&kv->pol, &kv->cappol, kv->npol, sizeof(*kv->pol)) != 0)
		return -ENOMEM;
	kv->pol[kv->npol++] = *p;
	return 0;
}

static int cli_audit_sa_seen(const struct kernel_sa_info *sa, void *ctx)
{
	struct cli_audit_kernel *kv = ctx;
	if (cli_audit_grow((void **)&kv->sa, &kv->capsa, kv->nsa, sizeof(*kv->sa)) != 0)
		return -ENOMEM;
	kv->sa[kv->nsa++] = *sa;
	return 0;
}

/* Both dumps; an exit code (printed) or CLI_EXIT_OK. */
static int cli_audit_read_kernel(struct cli_audit_kernel *kv)
{
	struct kernel *k = NULL;
	struct kernel_error err = { 0, "" };
	int r = kernel_open(&k, &err);
	if (r == 0)
		r = kernel_policy_list(k, cli_audit_policy_seen, kv, &err);
	if (r == 0)
		r = kernel_sa_list(k, cli_audit_sa_seen, kv, &err);
	kernel_close(k);
	if (r == 0)
		return CLI_EXIT_OK;
	if (r == -EPERM || r == -EACCES) {
		fprintf(stderr, CLI_AUDIT_ROOT);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "swanmesh: audit: cannot read the kernel's XFRM state: %s\n",
		err.msg[0] ? err.msg : strerror(r < 0 ? -r : ENOMEM));
	return CLI_EXIT_INTERNAL;
}

/* The daemon's answer: its tunnels, or why there are none to check. */
struct cli_audit_daemon {
	bool runs;                    /* it answered; tunnels are valid */
	char note[4200];              /* one line when it did not */
	struct audit_tunnel *tunnels; /* owned */
	size_t ntunnels;
};

static void cli_audit_ask_daemon(const struct cli_opts *opts, struct cli_audit_daemon *d)
{
	char *argv[] = { "trafficstatus", NULL };
	struct ctl_response resp;
	const char *path = cli_ctl_path(opts);
	memset(d, 0, sizeof(*d));
	int r = ctl_client_request(path, CTL_CLIENT_TIMEOUT_MS, true, 1, argv, &resp);
	if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR) {
		snprintf(d->note, sizeof(d->note),
			 "swanmeshd is not running (no control socket at %s): its tunnels are not checked; the kernel "
			 "may still enforce the plan (group policies stay while no agent runs)", path);
		return;
	}
	if (r != 0) {
		snprintf(d->note, sizeof(d->note), "swanmeshd did not answer on %s (%s): its tunnels are not checked",
			 path, strerror(-r));
		return;
	}
	if (!resp.ok || audit_tunnels_parse(resp.body, resp.len, &d->tunnels, &d->ntunnels) != 0)
		snprintf(d->note, sizeof(d->note),
			 "swanmeshd gave no usable list of tunnels on %s: its tunnels are not checked", path);
	else
		d->runs = true;
	ctl_response_free(&resp);
}

/* The group file of a finding's plan entry into buf, or NULL. */
static const char *cli_audit_file(const struct policy_model *m, const struct audit_finding *f, char *buf,
				  size_t len)
{
	if (f->entry == NULL || f->entry->group == POLICY_GROUP_NONE)
		return NULL;
	return policy_model_group_path(m, (enum policy_group)f->entry->group, buf, len);
}

static void cli_audit_print_text(const struct policy_model *m, const struct audit_report *rep,
				 const struct cli_audit_daemon *d)
{
	char line[8192], file[4096];
	if (!d->runs)
		printf("%s\n", d->note);
	for (size_t i = 0; i < rep->n; i++) {
		audit_finding_text(&rep->v[i], cli_audit_file(m, &rep->v[i], file, sizeof(file)), line, sizeof(line));
		printf("%s\n", line);
	}
	char tunnels[64] = "";
	if (d->runs)
		snprintf(tunnels, sizeof(tunnels), ", %u tunnels", rep->tunnels);
	if (rep->n == 0)
		printf("the kernel enforces the policy: %u policies checked, %u SAs%s\n", rep->plan_policies, rep->sas,
		       tunnels);
	else
		printf("%zu finding%s: the kernel does not enforce the policy as configured (%u policies checked, %u "
		       "SAs%s)\n", rep->n, rep->n == 1 ? "" : "s", rep->plan_policies, rep->sas, tunnels);
}

static void cli_audit_print_json(const struct policy_model *m, const struct audit_report *rep,
				 const struct cli_audit_daemon *d)
{
	static char buf[65536];
	char line[8192], file[4096];
	printf("{\"ok\":%s,\"daemon\":%s,\"daemon_note\":", rep->n == 0 ? "true" : "false", d->runs ? "true" : "false");
	if (d->runs)
		printf("null");
	else
		cli_json_str(d->note);
	printf(",\"checked\":{\"policies\":%u,\"kernel_policies\":%u,\"foreign_policies\":%u,\"sas\":%u,\"tunnels\":",
	       rep->plan_policies, rep->kernel_policies, rep->foreign_policies, rep->sas);
	if (d->runs)
		printf("%u},\"findings\":[", rep->tunnels);
	else
		printf("null},\"findings\":[");
	for (size_t i = 0; i < rep->n; i++) {
		const char *path = cli_audit_file(m, &rep->v[i], file, sizeof(file));
		struct json_writer w;
		audit_finding_text(&rep->v[i], path, line, sizeof(line));
		jw_init(&w, buf, sizeof(buf));
		audit_finding_json(&w, &rep->v[i], path, line);
		printf("%s", i ? "," : "");
		if (jw_error(&w) == 0) {
			printf("%s", buf);
		} else { /* a file name that is not UTF-8: the line alone */
			printf("{\"kind\":\"%s\",\"text\":", audit_kind_name(rep->v[i].kind));
			cli_json_str(line);
			printf("}");
		}
	}
	printf("]}\n");
}

int cli_audit_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct policy_model *m = NULL;
	struct cli_audit_kernel kv;
	struct cli_audit_daemon d;
	struct audit_report rep;
	struct audit_input in;
	struct kernel_policy keep[ICMP_BYPASS_MAX];
	int rc;
	(void)argv;
	memset(&in, 0, sizeof(in));
	memset(&kv, 0, sizeof(kv));
	memset(&d, 0, sizeof(d));
	memset(&rep, 0, sizeof(rep));
	if (argc > 1) {
		fprintf(stderr, "swanmesh: audit takes no arguments (usage: swanmesh audit [--config FILE] [--json])\n");
		return CLI_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, CLI_AUDIT_ROOT);
		return CLI_EXIT_USAGE;
	}
	if (cli_policy_load(opts, "audit", false, &m, NULL) != 0) {
		fprintf(stderr, "swanmesh: audit: the configuration is invalid (see: swanmesh check)\n");
		return CLI_EXIT_USAGE;
	}
	if ((rc = cli_audit_read_kernel(&kv)) != CLI_EXIT_OK)
		goto out;
	cli_audit_ask_daemon(opts, &d);
	in.plan = policy_model_plan(m);
	in.keep = keep;
	in.nkeep = icmp_bypass_policies(keep, sizeof(keep) / sizeof(keep[0]));
	if (in.nkeep > sizeof(keep) / sizeof(keep[0]))
		in.nkeep = sizeof(keep) / sizeof(keep[0]);
	in.policies = kv.pol;
	in.npolicies = kv.npol;
	in.sas = kv.sa;
	in.nsas = kv.nsa;
	in.tunnels = d.tunnels;
	in.ntunnels = d.ntunnels;
	in.have_tunnels = d.runs;
	if (audit_run(&in, &rep) != 0) {
		fprintf(stderr, "swanmesh: audit: out of memory\n");
		rc = CLI_EXIT_INTERNAL;
		goto out;
	}
	if (opts->json)
		cli_audit_print_json(m, &rep, &d);
	else
		cli_audit_print_text(m, &rep, &d);
	rc = rep.n == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
out:
	audit_report_free(&rep);
	free(d.tunnels);
	free(kv.pol);
	free(kv.sa);
	policy_model_free(m);
	return rc;
}
