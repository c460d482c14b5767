/* swanmeshd: the mesh agent. Until the agent lands (issue 6) it only parses
 * its command line and says so; it never pretends to protect traffic. */
#include <stdio.h>
#include <string.h>

#include <uv.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("swanmeshd 0.1.0 (libuv %s)\n", uv_version_string());
			return 0;
		}
	}
	fprintf(stderr, "swanmeshd: the agent is not built yet (see docs/architecture.md); nothing was started\n");
	return 1;
}
