/* swanmesh: the command-line tool. Subcommands are a table (cli_commands). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static int cli_help_run(const struct cli_opts *opts, int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "help", "", "show the commands", cli_help_run },
	{ "version", "", "show the version", cli_version_run },
	{ "check", "", "validate the configuration and group files offline", cli_check_run },
	{ "explain", "ADDRESS [PROTO [PORT]]", "which policy group applies to a peer, and why", cli_explain_run },
	{ "audit", "", "does the kernel enforce the policy? (root)", cli_audit_run },
	{ "initnss", "[--nss-db DIR]", "create the node's NSS database", cli_initnss_run },
	{ "import", "FILE.p12 [--password-file F|--password-fd N]", "import a node certificate, key and CA chain",
	  cli_import_run },
	{ "listcerts", "[--nss-db DIR]", "list the certificates of the NSS database", cli_listcerts_run },
	{ "showhostkey", "--ipseckey [--nickname N] [--address A]", "the IPSECKEY record to publish for this node",
	  cli_showhostkey_run },
	{ "dnskey", "ADDRESS|NAME [--resolver A] [--trust-anchor F] [--repeat N]", "look up and validate a peer's IPSECKEY",
	  cli_dnskey_run },
	{ "status", "", "show the daemon's state", cli_status_run },
	{ "reload", "", "make swanmeshd re-read its configuration", cli_reload_run },
	{ "ping", "", "check that swanmeshd answers", cli_ping_run },
	{ "shuntstatus", "", "the bare shunts: failed or negotiating peers, with the reason", cli_shuntstatus_run },
	{ "trafficstatus", "", "the established tunnels, with their byte counters", cli_trafficstatus_run },
	{ "up", "ADDRESS", "negotiate with a peer now", cli_up_run },
	{ "down", "ADDRESS", "delete the IKE SA with a peer (telling it)", cli_down_run },
	{ NULL, NULL, NULL, NULL },
};

static void cli_usage(FILE *out)
{
	fprintf(out, "usage: swanmesh [--config FILE] [--ctl PATH] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name != NULL; c++)
		fprintf(out, "  %-14s %-22s %s\n", c->name, c->usage, c->summary);
}

static int cli_help_run(const struct cli_opts *opts, int argc, char **argv)
{
	(void)opts;
	(void)argc;
	(void)argv;
	cli_usage(stdout);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli_opts opts;
	int cmd_argc;
	char **cmd_argv;
	if (cli_args_parse(argc, argv, &opts, &cmd_argc, &cmd_argv) != 0)
		return CLI_EXIT_USAGE;
	if (cmd_argc == 0) {
		cli_usage(stderr);
		cli_args_free(cmd_argv);
		return CLI_EXIT_USAGE;
	}
	const struct cli_command *cmd = cli_command_find(cmd_argv[0]);
	if (cmd == NULL) {
		fprintf(stderr, "swanmesh: unknown command '%s' (see: swanmesh help)\n", cmd_argv[0]);
		cli_args_free(cmd_argv);
		return CLI_EXIT_USAGE;
	}
	int rc = cmd->run(&opts, cmd_argc, cmd_argv);
	cli_args_free(cmd_argv);
	return rc;
}
