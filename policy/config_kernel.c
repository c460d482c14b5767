/* config_kernel: the "kernel:" section (what the agent asks of the kernel). */
#include "config_yaml.h"

#include <stdlib.h>
#include <string.h>

#define KIB 1024ull
#define MIB (1024ull * 1024ull)

/* "8MiB", "512KiB" or a number of bytes; 0 when it is none of them. */
static uint64_t kernel_size_parse(const char *s)
{
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || digits > 10)
		return 0;
	uint64_t n = strtoull(s, NULL, 10);
	const char *unit = s + digits;
	if (strcmp(unit, "") == 0)
		return n;
	if (strcmp(unit, "KiB") == 0)
		return n * KIB;
	if (strcmp(unit, "MiB") == 0)
		return n * MIB;
	return 0;
}

static void kernel_event_buffer(struct cfg_ctx *c, yaml_node_t *v)
{
	const char *s = cfg_scalar(c, v, "kernel.event-buffer", "a size");
	if (s == NULL)
		return;
	uint64_t n = kernel_size_parse(s);
	if (n == 0) {
		cfg_error(c, v, "kernel.event-buffer: '%.40s' is not a size (expected bytes, KiB or MiB, e.g. 8MiB)", s);
		return;
	}
	if (n < POLICY_EVENT_BUFFER_MIN || n > POLICY_EVENT_BUFFER_MAX) {
		cfg_error(c, v, "kernel.event-buffer: %s is out of range (expected 16KiB to 1024MiB)", s);
		return;
	}
	c->cfg->event_buffer = (uint32_t)n;
}

void cfg_section_kernel(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "event-buffer", kernel_event_buffer },
	};
	cfg_map_walk(c, v, "kernel", keys, NELEM(keys));
}
