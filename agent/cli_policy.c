/* Helpers shared by `swanmesh check` and `swanmesh explain`: our own
 * addresses from getifaddrs(), and printing policy/'s diagnostics. */
#include "cli.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int cli_policy_own_addresses(struct policy_addr **out, size_t *n)
{
	struct ifaddrs *ifa = NULL;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (getifaddrs(&ifa) != 0)
		return -1;
	for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next)
		cap++;
	struct policy_addr *v = calloc(cap + 1, sizeof(*v));
	if (v == NULL) {
		freeifaddrs(ifa);
		return -1;
	}
	for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		struct policy_addr *a = &v[*n];
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *s = (const struct sockaddr_in *)(const void *)i->ifa_addr;
			a->family = POLICY_AF_INET;
			memcpy(a->bytes, &s->sin_addr, 4);
			if (a->bytes[0] == 127)
				continue;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
			if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr))
				continue;
			a->family = POLICY_AF_INET6;
			memcpy(a->bytes, &s->sin6_addr, 16);
		} else {
			continue;
		}
		(*n)++;
	}
	freeifaddrs(ifa);
	*out = v;
	return 0;
}

void cli_policy_print_diags(const struct policy_diags *d, bool warnings)
{
	char line[2048];
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].severity == POLICY_WARNING && !warnings)
			continue;
		policy_diag_format(&d->v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (d->oom)
		fprintf(stderr, "swanmesh: out of memory while collecting diagnostics\n");
}

void cli_json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

int cli_policy_load(const struct cli_opts *opts, const char *cmd, bool warnings,
		    struct policy_model **out, struct policy_diags *keep)
{
	struct policy_diags d = { 0 };
	struct policy_addr *own = NULL;
	size_t nown = 0;

	*out = NULL;
	if (cli_policy_own_addresses(&own, &nown) != 0)
		fprintf(stderr, "swanmesh: %s: cannot list this host's addresses; assuming none\n", cmd);
	int r = policy_load(opts->config, own, nown, out, &d);
	free(own);
	if (keep != NULL) {
		*keep = d;  /* the caller prints them */
		return r;
	}
	cli_policy_print_diags(&d, warnings);
	policy_diags_free(&d);
	return r;
}
