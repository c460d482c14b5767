/* Fuzz target: control request parser and response status-line parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ctl_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_request req;
	bool ok;
	size_t body, hl;
	if (ctl_proto_request_parse((const char *)data, size, &req) == 0) {
		/* a parsed request rebuilds into a request that parses the same */
		char out[CTL_MAX_REQUEST + 1];
		int n = ctl_proto_request_build(out, sizeof(out), req.json, req.argc, req.argv);
		if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
			__builtin_trap();
	}
	if (ctl_proto_response_parse((const char *)data, size, &ok, &body, &hl) == 0 &&
	    (hl > size || body > CTL_MAX_RESPONSE))
		__builtin_trap();
	return 0;
}
