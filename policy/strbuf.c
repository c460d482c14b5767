/* strbuf: a growable string with a sticky error, for printing YAML. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strbuf_reserve(struct strbuf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (s == NULL) {
		b->oom = true;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || strbuf_reserve(b, (size_t)n) != 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		memcpy(b->s + b->len, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void strbuf_add_quoted(struct strbuf *b, const char *s)
{
	strbuf_addf(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(b, "\\x%02x", *p);
		else
			strbuf_addf(b, "%c", *p);
	}
	strbuf_addf(b, "\"");
}

char *strbuf_take(struct strbuf *b)
{
	if (b->oom || strbuf_reserve(b, 0) != 0) {
		free(b->s);
		memset(b, 0, sizeof(*b));
		return NULL;
	}
	b->s[b->len] = '\0';
	char *s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}
