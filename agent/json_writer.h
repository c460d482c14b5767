#ifndef SWANMESH_AGENT_JSON_WRITER_H
#define SWANMESH_AGENT_JSON_WRITER_H
/* A small streaming JSON writer into a caller-owned bounded buffer. Errors
 * (overflow, nesting too deep, invalid UTF-8) are sticky: check jw_error()
 * once at the end. The buffer is always NUL-terminated. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct json_writer {
	char *buf;        /* borrowed, cap bytes */
	size_t cap;
	size_t len;
	int err;          /* 0, -ENOSPC, -EINVAL */
	int depth;
	bool need_comma[JW_MAX_DEPTH + 1];
	bool after_key;
};

/* buf (cap >= 1) is borrowed for the writer's lifetime. */
void jw_init(struct json_writer *w, char *buf, size_t cap);
void jw_object_begin(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_begin(struct json_writer *w);
void jw_array_end(struct json_writer *w);
/* An object key; the next value call is its value. */
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s);
void jw_string_n(struct json_writer *w, const char *s, size_t n);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
int jw_error(const struct json_writer *w);
size_t jw_len(const struct json_writer *w);

#endif
