/* Streaming JSON writer: escaping of control characters, valid UTF-8 passes
 * through unchanged, invalid UTF-8 is an error (never emitted). */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void jw_init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap == 0)
		w->err = -ENOSPC;
	else
		buf[0] = '\0';
}

static void jw_put(struct json_writer *w, const char *s, size_t n)
{
	if (w->err != 0)
		return;
	if (n >= w->cap - w->len) {
		w->err = -ENOSPC;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* Comma handling before any value or key. */
static void jw_sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma[w->depth])
		jw_put(w, ",", 1);
	w->need_comma[w->depth] = true;
}

static void jw_open(struct json_writer *w, char c)
{
	jw_sep(w);
	if (w->depth >= JW_MAX_DEPTH) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	jw_put(w, &c, 1);
	w->need_comma[++w->depth] = false;
}

static void jw_close(struct json_writer *w, char c)
{
	if (w->depth <= 0 || w->after_key) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	w->depth--;
	jw_put(w, &c, 1);
}

void jw_object_begin(struct json_writer *w) { jw_open(w, '{'); }
void jw_object_end(struct json_writer *w) { jw_close(w, '}'); }
void jw_array_begin(struct json_writer *w) { jw_open(w, '['); }
void jw_array_end(struct json_writer *w) { jw_close(w, ']'); }

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t jw_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; min = 0x80; }
	else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; min = 0x800; }
	else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; min = 0x10000; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void jw_escaped(struct json_writer *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	jw_put(w, "\"", 1);
	for (size_t i = 0; i < n && w->err == 0;) {
		char esc[8];
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\'; esc[1] = (char)c;
			jw_put(w, esc, 2);
		} else if (c == '\n') {
			jw_put(w, "\\n", 2);
		} else if (c == '\t') {
			jw_put(w, "\\t", 2);
		} else if (c == '\r') {
			jw_put(w, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_put(w, esc, 6);
		} else {
			size_t l = jw_utf8_len(p + i, n - i);
			if (l == 0) {
				w->err = -EINVAL;
				return;
			}
			jw_put(w, s + i, l);
			i += l;
			continue;
		}
		i++;
	}
	jw_put(w, "\"", 1);
}

void jw_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || w->after_key) {
		if (w->err == 0)
			w->err = -EINVAL;
		return;
	}
	jw_sep(w);
	jw_escaped(w, key, strlen(key));
	jw_put(w, ":", 1);
	w->after_key = true;
}

void jw_string_n(struct json_writer *w, const char *s, size_t n)
{
	jw_sep(w);
	jw_escaped(w, s, n);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	jw_string_n(w, s, strlen(s));
}

static void jw_raw(struct json_writer *w, const char *s)
{
	jw_sep(w);
	jw_put(w, s, strlen(s));
}

void jw_int(struct json_writer *w, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	jw_raw(w, tmp);
}

void jw_uint(struct json_writer *w, uint64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	jw_raw(w, tmp);
}

void jw_bool(struct json_writer *w, bool v) { jw_raw(w, v ? "true" : "false"); }
void jw_null(struct json_writer *w) { jw_raw(w, "null"); }
int jw_error(const struct json_writer *w) { return w->err != 0 ? w->err : (w->depth != 0 ? -EINVAL : 0); }
size_t jw_len(const struct json_writer *w) { return w->len; }
