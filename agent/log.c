/* Logging backend: stderr with timestamps, journal-on-stderr, or syslog. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static struct {
	const char *ident;
	enum log_level level;
	enum log_target target;
} log_state = { "swanmeshd", LOG_LEVEL_INFO, LOG_TARGET_STDERR };

static const char *const log_names[] = { "error", "warn", "info", "debug" };

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level > LOG_LEVEL_DEBUG)
		return "?";
	return log_names[level];
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i <= LOG_LEVEL_DEBUG; i++) {
		if (strcmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

enum log_target log_target_detect(bool foreground)
{
	if (getenv("JOURNAL_STREAM") != NULL || getenv("INVOCATION_ID") != NULL)
		return LOG_TARGET_JOURNAL;
	return foreground ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG;
}

void log_init(const char *ident, enum log_level level, enum log_target target)
{
	log_state.ident = ident;
	log_state.level = level;
	log_state.target = target;
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_state.level = level;
}

bool log_enabled(enum log_level level)
{
	return level <= log_state.level;
}

static int log_syslog_prio(enum log_level level)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	return prio[level];
}

/* Replaces control characters so one event stays one line. */
static void log_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void log_emit(enum log_level level, char *line)
{
	log_sanitize(line);
	switch (log_state.target) {
	case LOG_TARGET_SYSLOG:
		syslog(log_syslog_prio(level), "%s", line);
		break;
	case LOG_TARGET_JOURNAL:
		fprintf(stderr, "<%d>%s\n", log_syslog_prio(level), line);
		break;
	case LOG_TARGET_STDERR: {
		struct timespec ts;
		struct tm tm;
		char when[32] = "";
		clock_gettime(CLOCK_REALTIME, &ts);
		if (localtime_r(&ts.tv_sec, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%s] %s\n", when, ts.tv_nsec / 1000000L, log_state.ident,
			log_level_name(level), line);
		break;
	}
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if ((unsigned)level > LOG_LEVEL_DEBUG || !log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_emit(level, line);
}

void log_hook(void *ctx, int level, const char *msg)
{
	if (level < 0 || level > LOG_LEVEL_DEBUG || msg == NULL)
		return;
	if (ctx != NULL)
		log_msg((enum log_level)level, "%s: %s", (const char *)ctx, msg);
	else
		log_msg((enum log_level)level, "%s", msg);
}
