/* The daemon's `trafficstatus --json` answer, read back for the audit (see
 * audit.h). The answer is a flat list of flat objects (trafficstatus.c),
 * so a small scanner does: strings, numbers and literals as values,
 * anything nested is refused. */
#include "audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audit_scan {
	const char *p, *end;
	int err;  /* sticky: 0 or -EPROTO */
};

static void audit_scan_ws(struct audit_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* The next non-blank character, taken when it is c. */
static bool audit_scan_take(struct audit_scan *s, char c)
{
	audit_scan_ws(s);
	if (s->err != 0 || s->p >= s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

static void audit_scan_expect(struct audit_scan *s, char c)
{
	if (!audit_scan_take(s, c))
		s->err = -EPROTO;
}

/* A string (escapes kept as '?': none of the fields read has any), or a
 * number or literal, into buf (truncated, NUL-terminated). */
static void audit_scan_value(struct audit_scan *s, char *buf, size_t cap)
{
	size_t n = 0;
	audit_scan_ws(s);
	if (s->err != 0 || s->p >= s->end) {
		s->err = -EPROTO;
		return;
	}
	bool str = *s->p == '"';
	if (str)
		s->p++;
	while (s->p < s->end) {
		char c = *s->p;
		if (str && c == '"')
			break;
		if (!str && (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '{' || c == '['))
			break;
		if (str && c == '\\') {
			s->p += s->p + 1 < s->end && s->p[1] == 'u' ? 6 : 2;
			c = '?';
		} else {
			s->p++;
		}
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	if (s->p > s->end || (str && s->p >= s->end) || (!str && n == 0))
		s->err = -EPROTO;
	else if (str)
		s->p++;
}

static void audit_tunnel_field(struct audit_tunnel *t, const char *key, const char *val, int *err)
{
	if (strcmp(key, "serial") == 0)
		t->serial = (uint32_t)strtoul(val, NULL, 10);
	else if (strcmp(key, "peer") == 0 && kernel_addr_parse(val, &t->peer) != 0)
		*err = -EPROTO;
	else if (strcmp(key, "local") == 0 && kernel_addr_parse(val, &t->local) != 0)
		*err = -EPROTO;
	else if (strcmp(key, "group") == 0) {
		size_t n = strnlen(val, sizeof(t->group) - 1);
		memcpy(t->group, val, n);
		t->group[n] = '\0';
	}
}

static void audit_scan_tunnel(struct audit_scan *s, struct audit_tunnel *t)
{
	char key[64], val[128];
	memset(t, 0, sizeof(*t));
	audit_scan_expect(s, '{');
	if (audit_scan_take(s, '}'))
		return;
	do {
		audit_scan_value(s, key, sizeof(key));
		audit_scan_expect(s, ':');
		audit_scan_value(s, val, sizeof(val));
		if (s->err == 0)
			audit_tunnel_field(t, key, val, &s->err);
	} while (s->err == 0 && audit_scan_take(s, ','));
	audit_scan_expect(s, '}');
	if (s->err == 0 && (t->peer.family == 0 || t->peer.family != t->local.family))
		s->err = -EPROTO;
}

int audit_tunnels_parse(const char *json, size_t len, struct audit_tunnel **out, size_t *n)
{
	struct audit_scan s = { json, json + len, 0 };
	struct audit_tunnel *v = NULL;
	size_t cap = 0, count = 0;
	int r;
	*out = NULL;
	*n = 0;
	audit_scan_expect(&s, '[');
	if (s.err == 0 && audit_scan_take(&s, ']'))
		goto done;
	do {
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			struct audit_tunnel *w = realloc(v, cap * sizeof(*v));
			if (w == NULL) {
				r = -ENOMEM;
				goto out;
			}
			v = w;
		}
		audit_scan_tunnel(&s, &v[count++]);
	} while (s.err == 0 && audit_scan_take(&s, ','));
	audit_scan_expect(&s, ']');
done:
	audit_scan_ws(&s);
	if (s.err != 0 || s.p != s.end) {
		r = -EPROTO;
		goto out;
	}
	*out = v;
	*n = count;
	v = NULL;
	r = 0;
out:
	free(v);
	return r;
}
