#include "ike/ike_version.h"

const char *ike_version(void)
{
	return "swanmesh-ike 0.1.0";
}
