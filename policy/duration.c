/* duration: "30s", "15m", "8h", "500ms" and "0" to milliseconds and back. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define DURATION_MAX_MS (366ull * 24 * 3600 * 1000)

int duration_parse(const char *s, bool allow_ms, uint64_t *out_ms)
{
	uint64_t v = 0, mult;
	size_t i = 0;

	*out_ms = 0;
	while (s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > DURATION_MAX_MS)
			return -1;
		i++;
	}
	if (i == 0)
		return -1;
	const char *unit = s + i;
	if (strcmp(unit, "ms") == 0 && allow_ms)
		mult = 1;
	else if (strcmp(unit, "s") == 0)
		mult = 1000;
	else if (strcmp(unit, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(unit, "h") == 0)
		mult = 3600 * 1000;
	else if (strcmp(unit, "d") == 0)
		mult = 24 * 3600 * 1000;
	else if (*unit == '\0' && v == 0)
		mult = 0;
	else
		return -1;
	if (v * mult > DURATION_MAX_MS)
		return -1;
	*out_ms = v * mult;
	return 0;
}

char *duration_format(uint64_t ms, char *buf, size_t len)
{
	static const struct { uint64_t ms; const char *unit; } units[] = {
		{ 24ull * 3600 * 1000, "d" }, { 3600 * 1000, "h" }, { 60 * 1000, "m" },
		{ 1000, "s" }, { 1, "ms" },
	};
	if (ms == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms % units[i].ms == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ms / units[i].ms), units[i].unit);
			break;
		}
	}
	return buf;
}
