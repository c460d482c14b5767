/* swanmesh explain ADDRESS [PROTO [PORT]]: which group applies to a peer and why. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct explain_query {
	struct policy_addr addr;
	uint8_t proto;
	uint16_t port;
	const char *text;
};

static int explain_number(const char *s, long max, long *out)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int explain_args(int argc, char **argv, struct explain_query *q)
{
	static const struct { const char *name; uint8_t proto; } protos[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
		{ "icmpv6", 58 }, { "sctp", 132 },
	};
	long v;
	memset(q, 0, sizeof(*q));
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: swanmesh explain [--config FILE] [--json] ADDRESS [PROTO [PORT]]\n");
		return -1;
	}
	q->text = argv[1];
	if (policy_addr_parse(argv[1], &q->addr) != 0) {
		fprintf(stderr, "swanmesh: explain: '%s' is not an IPv4 or IPv6 address\n", argv[1]);
		return -1;
	}
	if (argc >= 3) {
		size_t i;
		for (i = 0; i < sizeof(protos) / sizeof(protos[0]) && strcmp(protos[i].name, argv[2]) != 0; i++)
			;
		if (i < sizeof(protos) / sizeof(protos[0]))
			q->proto = protos[i].proto;
		else if (explain_number(argv[2], 255, &v) == 0)
			q->proto = (uint8_t)v;
		else {
			fprintf(stderr, "swanmesh: explain: '%s' is not a protocol (expected tcp, udp, icmp, ... or 0-255)\n", argv[2]);
			return -1;
		}
	}
	if (argc == 4) {
		if (explain_number(argv[3], 65535, &v) != 0) {
			fprintf(stderr, "swanmesh: explain: '%s' is not a port (expected 0-65535)\n", argv[3]);
			return -1;
		}
		q->port = (uint16_t)v;
	}
	return 0;
}

/* The shunts that apply: none for groups that never initiate. */
static bool explain_negotiates(const struct policy_match *r)
{
	return r->group == POLICY_GROUP_PRIVATE || r->group == POLICY_GROUP_PRIVATE_OR_CLEAR;
}

static const char *explain_action(const struct policy_match *r)
{
	switch (r->group) {
	case POLICY_GROUP_PRIVATE:
	case POLICY_GROUP_PRIVATE_OR_CLEAR: return "trap";
	case POLICY_GROUP_BLOCK: return "drop";
	case POLICY_GROUP_NONE: return NULL;
	default: return "pass";
	}
}

static void explain_prefix(const struct policy_match *r, char *buf, size_t len)
{
	struct policy_prefix p = { .len = r->entry.len };
	p.addr.family = r->entry.family;
	memcpy(p.addr.bytes, r->entry.addr, 16);
	policy_prefix_format(&p, buf, len);
}

static void explain_print_json(const struct policy_model *m, const struct explain_query *q,
			       const struct policy_match *r)
{
	char path[4096], pfx[POLICY_ADDR_STRLEN];
	bool g = r->group != POLICY_GROUP_NONE;
	const char *action = explain_action(r);
	printf("{\"address\":");
	cli_json_str(q->text);
	printf(",\"proto\":%u,\"port\":%u,\"own_address\":%s,\"group\":", q->proto, q->port,
	       r->own_address ? "true" : "false");
	if (!g) {
		printf("null,\"source\":null,\"file\":null,\"line\":null,\"prefix\":null,\"action\":null,"
		       "\"auth\":[],\"negotiation_shunt\":null,\"failure_shunt\":null,\"mode\":null}\n");
		return;
	}
	explain_prefix(r, pfx, sizeof(pfx));
	printf("\"%s\",\"source\":\"%s:%u\",\"file\":", policy_group_name((enum policy_group)r->group),
	       policy_group_name((enum policy_group)r->group), r->entry.line);
	cli_json_str(policy_model_group_path(m, (enum policy_group)r->group, path, sizeof(path)));
	printf(",\"line\":%u,\"prefix\":\"%s\",\"action\":\"%s\",\"auth\":[", r->entry.line, pfx, action);
	for (unsigned i = 0; i < r->conf->nauth; i++)
		printf("%s\"%s\"", i ? "," : "", policy_auth_name((enum policy_auth)r->conf->auth[i]));
	if (explain_negotiates(r))
		printf("],\"negotiation_shunt\":\"%s\",\"failure_shunt\":\"%s\"",
		       policy_shunt_name((enum policy_shunt)r->conf->negotiation_shunt),
		       policy_shunt_name((enum policy_shunt)r->conf->failure_shunt));
	else
		printf("],\"negotiation_shunt\":null,\"failure_shunt\":null");
	if (r->conf->nauth > 0)
		printf(",\"mode\":\"%s\"}\n", policy_mode_name((enum policy_mode)r->conf->mode));
	else
		printf(",\"mode\":null}\n");
}

static void explain_print_text(const struct policy_model *m, const struct explain_query *q,
			       const struct policy_match *r)
{
	char path[4096], pfx[POLICY_ADDR_STRLEN];
	if (r->own_address) {
		printf("%s: one of this node's own addresses: never matches a group, never trapped\n", q->text);
		return;
	}
	if (r->group == POLICY_GROUP_NONE) {
		printf("%s: no group: not trapped (sent in the clear)\n", q->text);
		return;
	}
	explain_prefix(r, pfx, sizeof(pfx));
	printf("%s: group %s, action %s\n  because: %s:%u lists %s", q->text,
	       policy_group_name((enum policy_group)r->group), explain_action(r),
	       policy_model_group_path(m, (enum policy_group)r->group, path, sizeof(path)), r->entry.line, pfx);
	if (r->entry.proto != 0 || r->entry.sport != 0 || r->entry.dport != 0) {
		const char *pn = policy_proto_name(r->entry.proto);
		if (pn != NULL)
			printf(" %s %u %u", pn, r->entry.sport, r->entry.dport);
		else
			printf(" %u %u %u", r->entry.proto, r->entry.sport, r->entry.dport);
	}
	printf("\n");
	if (r->conf->nauth > 0) {
		printf("  auth:");
		for (unsigned i = 0; i < r->conf->nauth; i++)
			printf("%s%s", i ? ", " : " ", policy_auth_name((enum policy_auth)r->conf->auth[i]));
		printf("\n");
	}
	if (explain_negotiates(r))
		printf("  negotiation-shunt: %s\n  failure-shunt: %s\n",
		       policy_shunt_name((enum policy_shunt)r->conf->negotiation_shunt),
		       policy_shunt_name((enum policy_shunt)r->conf->failure_shunt));
	if (r->conf->nauth > 0)
		printf("  mode: %s\n", policy_mode_name((enum policy_mode)r->conf->mode));
	printf("  own address: no\n");
}

int cli_explain_run(const struct cli_opts *opts, int argc, char **argv)
{
	struct explain_query q;
	struct policy_model *m = NULL;
	struct policy_match r;

	if (explain_args(argc, argv, &q) != 0)
		return CLI_EXIT_USAGE;
	if (opts->config == NULL)
		fprintf(stderr, "swanmesh: explain: the daemon cannot be asked yet; answering offline from %s\n",
			POLICY_DEFAULT_CONFIG);
	if (cli_policy_load(opts, "explain", false, &m, NULL) != 0) {
		fprintf(stderr, "swanmesh: explain: the configuration is invalid (see: swanmesh check)\n");
		return CLI_EXIT_FAILED;
	}
	policy_model_lookup(m, &q.addr, q.proto, 0, q.port, &r);
	if (opts->json)
		explain_print_json(m, &q, &r);
	else
		explain_print_text(m, &q, &r);
	policy_model_free(m);
	return CLI_EXIT_OK;
}
