/* group_file: one libreswan-style policy group file -> entries. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_MAX_TOKENS 5

struct gf_token {
	const char *s;
	size_t len;
	unsigned col;
};

static const struct { const char *name; uint8_t proto; } gf_protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 }, { "esp", 50 },
	{ "ah", 51 }, { "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

const char *policy_proto_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(gf_protos) / sizeof(gf_protos[0]); i++)
		if (gf_protos[i].proto == proto)
			return gf_protos[i].name;
	return NULL;
}

/* A decimal number 0..max without sign; -1 when not one. */
static long gf_number(const struct gf_token *t, long max)
{
	long v = 0;
	if (t->len == 0 || t->len > 6)
		return -1;
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		v = v * 10 + (t->s[i] - '0');
	}
	return v <= max ? v : -1;
}

static int gf_proto(const struct gf_token *t)
{
	for (size_t i = 0; i < sizeof(gf_protos) / sizeof(gf_protos[0]); i++)
		if (strlen(gf_protos[i].name) == t->len && strncmp(gf_protos[i].name, t->s, t->len) == 0)
			return gf_protos[i].proto;
	return (int)gf_number(t, 255);
}

static int entries_push(struct policy_entries *out, const struct policy_entry *e)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		struct policy_entry *v = realloc(out->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *e;
	return 0;
}

void policy_entries_free(struct policy_entries *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* Splits a line (up to '#') into tokens; returns their count, or
 * GROUP_MAX_TOKENS when there are too many. */
static size_t gf_tokenize(const char *line, size_t len, struct gf_token *tok)
{
	size_t n = 0, i = 0;
	while (i < len && line[i] != '#') {
		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '#')
			i++;
		if (n == GROUP_MAX_TOKENS)
			return n;
		tok[n++] = (struct gf_token){ line + start, i - start, (unsigned)start + 1 };
	}
	return n;
}

/* The selector's protocol and ports (tokens 1..3). Returns 0 or -1 after a diagnostic. */
static int gf_ports(const struct gf_token *tok, const char *file, unsigned line,
		    struct policy_entry *e, struct policy_diags *d)
{
	int proto = gf_proto(&tok[1]);
	if (proto < 0) {
		policy_diags_add(d, POLICY_ERROR, file, line, tok[1].col,
				 "'%.*s' is not a protocol (expected tcp, udp, icmp, sctp, ... or a number 0-255)",
				 (int)(tok[1].len > 40 ? 40 : tok[1].len), tok[1].s);
		return -1;
	}
	long port[2];
	for (int i = 0; i < 2; i++) {
		port[i] = gf_number(&tok[2 + i], 65535);
		if (port[i] < 0) {
			policy_diags_add(d, POLICY_ERROR, file, line, tok[2 + i].col,
					 "'%.*s' is not a port (expected a number 0-65535, 0 for any)",
					 (int)(tok[2 + i].len > 40 ? 40 : tok[2 + i].len), tok[2 + i].s);
			return -1;
		}
	}
	if (proto == 0 && (port[0] != 0 || port[1] != 0)) {
		policy_diags_add(d, POLICY_ERROR, file, line, tok[1].col,
				 "a port needs a protocol (expected tcp, udp, sctp, ... instead of 0)");
		return -1;
	}
	e->proto = (uint8_t)proto;
	e->sport = (uint16_t)port[0];
	e->dport = (uint16_t)port[1];
	return 0;
}

/* The address or CIDR of a line into *p (buf receives the token). */
static int gf_prefix(const struct gf_token *t, char *buf, size_t len, const char *file, unsigned line,
		     struct policy_prefix *p, bool *host_bits, struct policy_diags *d)
{
	struct policy_addr a;
	int shown = (int)(t->len > 60 ? 60 : t->len);
	if (t->len < len) {
		memcpy(buf, t->s, t->len);
		buf[t->len] = '\0';
		if (policy_prefix_parse(buf, p, host_bits) == 0)
			return 0;
		char *slash = strchr(buf, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (policy_addr_parse(buf, &a) == 0) {
				policy_diags_add(d, POLICY_ERROR, file, line, 0,
						 "'%.*s' has a bad prefix length (expected /0 to /%u)", shown, t->s,
						 policy_addr_maxlen(a.family));
				return -1;
			}
		}
	}
	policy_diags_add(d, POLICY_ERROR, file, line, 0,
			 "'%.*s' is not an address or CIDR (expected e.g. 192.0.2.0/24 or 2001:db8::/32)",
			 shown, t->s);
	return -1;
}

/* Parses one line into *e; returns 1 for an entry, 0 for nothing, -1 after an error. */
static int gf_line(const char *s, size_t len, const char *file, unsigned line,
		   struct policy_entry *e, struct policy_diags *d)
{
	struct gf_token tok[GROUP_MAX_TOKENS];
	char buf[POLICY_ADDR_STRLEN];
	struct policy_prefix p;
	bool host_bits;

	if (memchr(s, '\0', len) != NULL) {
		policy_diags_add(d, POLICY_ERROR, file, line, 0, "contains a NUL byte (expected text)");
		return -1;
	}
	size_t n = gf_tokenize(s, len, tok);
	if (n == 0)
		return 0;
	if (n != 1 && n != 4) {
		policy_diags_add(d, POLICY_ERROR, file, line, n > 1 ? tok[1].col : 0,
				 "expected 'ADDRESS[/LEN]' or 'ADDRESS[/LEN] PROTO SPORT DPORT', got %zu%s fields",
				 n, n == GROUP_MAX_TOKENS ? " or more" : "");
		return -1;
	}
	if (gf_prefix(&tok[0], buf, sizeof(buf), file, line, &p, &host_bits, d) != 0)
		return -1;
	memset(e, 0, sizeof(*e));
	if (n == 4 && gf_ports(tok, file, line, e, d) != 0)
		return -1;
	if (host_bits) {
		char norm[POLICY_ADDR_STRLEN];
		policy_diags_add(d, POLICY_WARNING, file, line, 0, "'%s' has host bits set, using %s",
				 buf, policy_prefix_format(&p, norm, sizeof(norm)));
	}
	e->family = p.addr.family;
	e->len = p.len;
	e->line = line;
	memcpy(e->addr, p.addr.bytes, 16);
	return 1;
}

/* Room for one entry per line, so a 100k-line file is one allocation. */
static int group_reserve(struct policy_entries *out, const char *buf, size_t len)
{
	size_t lines = 1;
	for (const char *p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))) != NULL; p++)
		lines++;
	if (out->n + lines <= out->cap)
		return 0;
	size_t cap = out->cap * 2 > out->n + lines ? out->cap * 2 : out->n + lines;
	struct policy_entry *v = realloc(out->v, cap * sizeof(*v));
	if (v == NULL)
		return -1;
	out->v = v;
	out->cap = cap;
	return 0;
}

int policy_groupfile_parse(const char *buf, size_t len, const char *file,
			   enum policy_group group, struct policy_entries *out,
			   struct policy_diags *diags)
{
	size_t errors = diags->errors;
	unsigned line = 0;
	size_t pos = 0;

	if (group_reserve(out, buf, len) != 0) {
		policy_diags_add(diags, POLICY_ERROR, file, 0, 0, "out of memory");
		return -1;
	}
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		pos += l + 1;
		line++;
		struct policy_entry e;
		int r = gf_line(s, l, file, line, &e, diags);
		if (r <= 0)
			continue;
		e.group = (uint8_t)group;
		if (entries_push(out, &e) != 0) {
			policy_diags_add(diags, POLICY_ERROR, file, line, 0, "out of memory");
			return -1;
		}
	}
	return diags->errors == errors ? 0 : -1;
}
