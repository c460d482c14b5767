/* Response bodies built by control handlers. */
#include "ctl_server.h"

#include <stdio.h>

void ctl_reply_printf(struct ctl_reply *r, const char *fmt, ...)
{
	va_list ap;
	if (r->overflow)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= r->cap - r->len) {
		r->overflow = true;
		return;
	}
	r->len += (size_t)n;
}

void ctl_reply_error(struct ctl_reply *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->ok = false;
	r->len = 0;
	r->overflow = false;
	if (r->json) {
		jw_init(&r->jw, r->buf, r->cap);
		jw_object_begin(&r->jw);
		jw_key(&r->jw, "error");
		jw_string(&r->jw, msg);
		jw_object_end(&r->jw);
		r->len = jw_len(&r->jw);
		return;
	}
	ctl_reply_printf(r, "%s\n", msg);
}

struct json_writer *ctl_reply_json(struct ctl_reply *r)
{
	return &r->jw;
}
