/* libFuzzer: arbitrary bytes as one netlink message from the kernel. */
#include <stdint.h>
#include <string.h>

#include "kernel/kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parser reads the message through aligned structs: give it an
	 * aligned copy, as a netlink receive buffer would be. */
	static uint64_t buf[8192];
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	struct kernel_event ev;
	kernel_event_parse(buf, size, &ev);
	return 0;
}
