#include "kernel/kernel_version.h"

const char *kernel_version(void)
{
	return "swanmesh-kernel 0.1.0";
}
