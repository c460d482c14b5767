#ifndef SWANMESH_AGENT_LOG_H
#define SWANMESH_AGENT_LOG_H
/* Logging backend of the agent. One line per event. No API formats raw key
 * bytes: callers pass only text they built themselves (never key material). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

enum log_target {
	LOG_TARGET_STDERR,   /* foreground: own timestamp + level */
	LOG_TARGET_JOURNAL,  /* stderr under systemd: "<N>" priority prefix, no timestamp */
	LOG_TARGET_SYSLOG,   /* daemonized: syslog(3) */
};

/* The shape of the hook given to the libraries (ike/, kernel/, policy/ declare
 * their own identical type): level is an enum log_level value, msg one line
 * without newline, owned by the caller and valid only during the call. */
typedef void (*log_hook_fn)(void *ctx, int level, const char *msg);

/* Picks the target: JOURNAL when JOURNAL_STREAM or INVOCATION_ID is set and
 * foreground, STDERR when foreground, SYSLOG otherwise. */
enum log_target log_target_detect(bool foreground);
/* ident is not copied: it must outlive the logger (a string literal). */
void log_init(const char *ident, enum log_level level, enum log_target target);
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A log_hook_fn that forwards to log_msg; ctx is a prefix string or NULL. */
void log_hook(void *ctx, int level, const char *msg);
const char *log_level_name(enum log_level level);
/* "error", "warn", "info", "debug" -> 0, or -1 when unknown. */
int log_level_parse(const char *name, enum log_level *out);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* "At most once per key per interval". A fixed table; a key that does not fit
 * evicts the oldest entry. Time comes from the caller (ms, any monotonic clock). */
#define LOG_RATELIMIT_SLOTS 64
struct log_ratelimit {
	uint64_t interval_ms;
	struct {
		uint64_t key;
		uint64_t last_ms;
		uint32_t suppressed;
		bool used;
	} slot[LOG_RATELIMIT_SLOTS];
};

void log_ratelimit_init(struct log_ratelimit *rl, uint64_t interval_ms);
/* True when an event for key may be logged at now_ms. When it returns true and
 * *suppressed is not NULL, *suppressed is the number of events dropped since. */
bool log_ratelimit_allow(struct log_ratelimit *rl, uint64_t key, uint64_t now_ms, uint32_t *suppressed);
/* A key for a string (peer address, ...): FNV-1a. */
uint64_t log_ratelimit_key(const char *s);

#endif
