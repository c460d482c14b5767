#include "policy/policy_version.h"

const char *policy_version(void)
{
	return "swanmesh-policy 0.1.0";
}
