/* names: the vocabulary of the configuration (groups, auth, shunts, ...). */
#include "policy/config.h"

#include <string.h>

static const char *const group_names[POLICY_GROUP_COUNT] = {
	"block", "clear", "private", "private-or-clear", "clear-or-private",
};

const char *policy_group_name(enum policy_group g)
{
	return (unsigned)g < POLICY_GROUP_COUNT ? group_names[g] : "?";
}

int policy_group_from_name(const char *s, enum policy_group *out)
{
	for (unsigned i = 0; i < POLICY_GROUP_COUNT; i++) {
		if (strcmp(s, group_names[i]) == 0) {
			*out = (enum policy_group)i;
			return 0;
		}
	}
	return -1;
}

const char *policy_auth_name(enum policy_auth a)
{
	switch (a) {
	case POLICY_AUTH_CERT: return "cert";
	case POLICY_AUTH_DNSSEC: return "dnssec";
	case POLICY_AUTH_NULL: return "null";
	}
	return "?";
}

const char *policy_shunt_name(enum policy_shunt s)
{
	switch (s) {
	case POLICY_SHUNT_NONE: return "none";
	case POLICY_SHUNT_HOLD: return "hold";
	case POLICY_SHUNT_PASS: return "pass";
	case POLICY_SHUNT_DROP: return "drop";
	}
	return "?";
}

const char *policy_mode_name(enum policy_mode m)
{
	return m == POLICY_MODE_TUNNEL ? "tunnel" : m == POLICY_MODE_TRANSPORT ? "transport" : "?";
}

const char *policy_log_level_name(enum policy_log_level l)
{
	static const char *const names[] = { "error", "warning", "notice", "info", "debug" };
	return (unsigned)l <= POLICY_LOG_DEBUG ? names[l] : "?";
}
