/* "At most once per key per interval" for noisy per-peer log lines. */
#include "log.h"

#include <string.h>

void log_ratelimit_init(struct log_ratelimit *rl, uint64_t interval_ms)
{
	memset(rl, 0, sizeof(*rl));
	rl->interval_ms = interval_ms;
}

uint64_t log_ratelimit_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t log_ratelimit_slot(struct log_ratelimit *rl, uint64_t key, bool *found)
{
	size_t oldest = 0;
	*found = false;
	for (size_t i = 0; i < LOG_RATELIMIT_SLOTS; i++) {
		if (rl->slot[i].used && rl->slot[i].key == key) {
			*found = true;
			return i;
		}
		if (!rl->slot[i].used)
			return i;
		if (rl->slot[i].last_ms < rl->slot[oldest].last_ms)
			oldest = i;
	}
	return oldest;
}

bool log_ratelimit_allow(struct log_ratelimit *rl, uint64_t key, uint64_t now_ms, uint32_t *suppressed)
{
	bool found;
	size_t i = log_ratelimit_slot(rl, key, &found);
	if (suppressed != NULL)
		*suppressed = 0;
	if (found && now_ms >= rl->slot[i].last_ms && now_ms - rl->slot[i].last_ms < rl->interval_ms) {
		if (rl->slot[i].suppressed < UINT32_MAX)
			rl->slot[i].suppressed++;
		return false;
	}
	if (found && suppressed != NULL)
		*suppressed = rl->slot[i].suppressed;
	rl->slot[i].used = true;
	rl->slot[i].key = key;
	rl->slot[i].last_ms = now_ms;
	rl->slot[i].suppressed = 0;
	return true;
}
