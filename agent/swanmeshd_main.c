/* swanmeshd: the mesh agent. The IKE/kernel core is not built yet; the
 * skeleton serves the control socket and never pretends to protect traffic. */
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "daemon.h"
#include "log.h"

static void swanmeshd_usage(FILE *out)
{
	fprintf(out, "usage: swanmeshd [--config FILE] [--foreground] [--debug] [--version]\n");
}

static int swanmeshd_value(int argc, char **argv, int *i, const char **out)
{
	const char *eq = strchr(argv[*i], '=');
	if (eq != NULL) {
		*out = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "swanmeshd: option %s needs a value\n", argv[*i]);
		return -1;
	}
	*out = argv[++*i];
	return 0;
}

static int swanmeshd_is(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Returns 0 to run, 1 when done (version/help printed), -1 on bad usage. */
static int swanmeshd_parse(int argc, char **argv, struct daemon_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0) {
			printf("swanmeshd %s (libuv %s)\n", PROJECT_VERSION, uv_version_string());
			return 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			swanmeshd_usage(stdout);
			return 1;
		} else if (strcmp(a, "--foreground") == 0 || strcmp(a, "-f") == 0) {
			o->foreground = true;
		} else if (strcmp(a, "--debug") == 0 || strcmp(a, "-d") == 0) {
			o->debug = true;
		} else if (swanmeshd_is(a, "--config")) {
			if (swanmeshd_value(argc, argv, &i, &o->config) != 0)
				return -1;
		} else if (swanmeshd_is(a, "--ctl")) {
			if (swanmeshd_value(argc, argv, &i, &o->ctl) != 0)
				return -1;
		} else {
			fprintf(stderr, "swanmeshd: unknown argument '%s' (see: swanmeshd --help)\n", a);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct daemon_opts o;
	int r = swanmeshd_parse(argc, argv, &o);
	if (r < 0)
		return 2;
	if (r > 0)
		return 0;
	log_init("swanmeshd", o.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, log_target_detect(true));
	return daemon_run(&o);
}
