/* The real swanmeshd on a temporary control socket, driven by the real CLI
 * and by raw sockets: status, ping, reload, stop, JSON, a second daemon
 * refused, oversize request refused, split writes, exit codes 3 and 4,
 * READY=1 on a test NOTIFY_SOCKET. argv[1] = swanmeshd, argv[2] = swanmesh. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_ctl.h"
#include "ctl_proto.h"

static const char *daemon_bin, *cli_bin;
static char dir[] = "/tmp/swanmesh-rtXXXXXX";
static char ctl[128], notify[128];
static pid_t daemon_pid;
static int notify_fd = -1;

/* Runs argv, captures stdout into out[cap]; returns the exit status. */
static int run(char *out, size_t cap, char *const argv[])
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t n;
	while (len + 1 < cap && (n = read(p[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static pid_t start_daemon(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("NOTIFY_SOCKET", notify, 1);
		execl(daemon_bin, daemon_bin, "--foreground", "--ctl", ctl, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void wait_ready(void)
{
	struct pollfd p = { .fd = notify_fd, .events = POLLIN };
	char buf[256];
	assert_int_equal(poll(&p, 1, 10000), 1);
	ssize_t n = recv(notify_fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "READY=1"));
}

static int setup(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	(void)state;
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
		return -1;
	snprintf(ctl, sizeof(ctl), "%s/run/ctl", dir);
	snprintf(notify, sizeof(notify), "%s/notify", dir);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	strcpy(sun.sun_path, notify);
	if (bind(notify_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		return -1;
	daemon_pid = start_daemon();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_ready_and_socket_mode(void **state)
{
	struct stat st;
	(void)state;
	wait_ready();
	assert_int_equal(stat(ctl, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	char rundir[160];
	snprintf(rundir, sizeof(rundir), "%s/run", dir);
	assert_int_equal(stat(rundir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
}

static void test_cli_commands(void **state)
{
	char out[4096];
	(void)state;
	char *status[] = { (char *)cli_bin, "status", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), status), 0);
	assert_non_null(strstr(out, "no tunnels: "));
	char *jstatus[] = { (char *)cli_bin, "--json", "--ctl", ctl, "status", NULL };
	assert_int_equal(run(out, sizeof(out), jstatus), 0);
	assert_non_null(strstr(out, "\"tunnels\":[]"));
	char pidstr[32];
	snprintf(pidstr, sizeof(pidstr), "\"pid\":%ld,", (long)daemon_pid);
	assert_non_null(strstr(out, pidstr));
	char *ping[] = { (char *)cli_bin, "--ctl", ctl, "ping", NULL };
	assert_int_equal(run(out, sizeof(out), ping), 0);
	assert_string_equal(out, "pong\n");
	char *reload[] = { (char *)cli_bin, "reload", "--json", "--ctl=", NULL };
	char ctlopt[160];
	snprintf(ctlopt, sizeof(ctlopt), "--ctl=%s", ctl);
	reload[3] = ctlopt;
	assert_int_equal(run(out, sizeof(out), reload), 0);
	assert_string_equal(out, "{\"reloaded\":true}\n");
	char *extra[] = { (char *)cli_bin, "ping", "extra", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), extra), 2);
	assert_int_equal(run(out, sizeof(out), status), 0);
	assert_non_null(strstr(out, "IKE SAs: 0 (0 established, 0 negotiating), Child SAs: 0"));
	char *traffic[] = { (char *)cli_bin, "trafficstatus", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), traffic), 0);
	assert_string_equal(out, "");
	char *jtraffic[] = { (char *)cli_bin, "--json", "trafficstatus", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), jtraffic), 0);
	assert_string_equal(out, "[]\n");
	/* Refused before anything is sent: a bad address, no group, no IKE SA. */
	char *upbad[] = { (char *)cli_bin, "up", "192.0.2.300", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), upbad), 2);
	char *upnone[] = { (char *)cli_bin, "--json", "up", "203.0.113.9", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), upnone), 1);
	assert_non_null(strstr(out, "{\"error\":\"203.0.113.9: 203.0.113.9 is "));
	char *down[] = { (char *)cli_bin, "--json", "down", "203.0.113.9", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), down), 1);
	assert_string_equal(out, "{\"error\":\"203.0.113.9: no IKE SA with this peer\"}\n");
}

static int raw_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sun.sun_path, ctl);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static size_t raw_read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static void test_raw_protocol(void **state)
{
	char buf[4096];
	static char big[CTL_MAX_REQUEST + 100];
	(void)state;
	/* split request: arrives in three writes */
	int fd = raw_connect();
	assert_int_equal(write(fd, "pi", 2), 2);
	usleep(50000);
	assert_int_equal(write(fd, "n", 1), 1);
	usleep(50000);
	assert_int_equal(write(fd, "g\n", 2), 2);
	raw_read_all(fd, buf, sizeof(buf));
	assert_string_equal(buf, "OK 5\npong\n");
	close(fd);
	/* oversize: refused with ERR, connection closed */
	fd = raw_connect();
	memset(big, 'x', sizeof(big));
	(void)!write(fd, big, sizeof(big));
	raw_read_all(fd, buf, sizeof(buf));
	assert_memory_equal(buf, "ERR ", 4);
	assert_non_null(strstr(buf, "too large"));
	close(fd);
	/* unknown command */
	fd = raw_connect();
	assert_int_equal(write(fd, "json frobnicate\n", 16), 16);
	raw_read_all(fd, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ERR "));
	assert_non_null(strstr(buf, "{\"error\":\"unknown command 'frobnicate'\"}"));
	close(fd);
}

/* A client that connects and sends nothing is closed after the idle timeout. */
static void test_idle_client_closed(void **state)
{
	char buf[64];
	(void)state;
	int fd = raw_connect();
	struct pollfd p = { .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 2000), 0); /* still open after 2 s */
	assert_int_equal(poll(&p, 1, 8000), 1);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0); /* EOF, no answer */
	close(fd);
}

static void test_second_daemon_refused(void **state)
{
	int st;
	(void)state;
	pid_t p = fork();
	if (p == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		execl(daemon_bin, daemon_bin, "--foreground", "--ctl", ctl, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	/* the first one still answers */
	char out[256];
	char *ping[] = { (char *)cli_bin, "ping", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), ping), 0);
}

static void test_bad_daemon_args(void **state)
{
	char out[256];
	(void)state;
	char *bad[] = { (char *)daemon_bin, "--bogus", NULL };
	assert_int_equal(run(out, sizeof(out), bad), 2);
	char *novalue[] = { (char *)daemon_bin, "--config", NULL };
	assert_int_equal(run(out, sizeof(out), novalue), 2);
	/* a socket path longer than sun_path: refused, not truncated */
	char longpath[200];
	int off = snprintf(longpath, sizeof(longpath), "%s/", dir);
	memset(longpath + off, 'p', sizeof(longpath) - (size_t)off - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_true(strlen(longpath) > 108);
	char *toolong[] = { (char *)daemon_bin, "--foreground", "--ctl", longpath, NULL };
	int devnull = open("/dev/null", O_WRONLY), saved = dup(2);
	dup2(devnull, 2);
	int rc = run(out, sizeof(out), toolong);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	assert_int_equal(rc, 1);
}

/* EACCES: socket mode 000; root bypasses modes, so a child drops to 65534. */
static void test_permission_denied(void **state)
{
	char rundir[160];
	(void)state;
	/* the directory is searchable: only the socket's own mode denies */
	snprintf(rundir, sizeof(rundir), "%s/run", dir);
	assert_int_equal(chmod(rundir, 0755), 0);
	assert_int_equal(chmod(ctl, 0), 0);
	pid_t p = fork();
	if (p == 0) {
		if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0))
			_exit(99);
		struct cli_opts o = { .ctl = ctl };
		char *argv[] = { "ping", NULL };
		struct ctl_response r;
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		_exit(cli_ctl_call(&o, 1, argv, &r));
	}
	int st;
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_int_equal(chmod(ctl, 0660), 0);
	assert_int_equal(chmod(rundir, 0750), 0);
	assert_true(WIFEXITED(st));
	assert_int_not_equal(WEXITSTATUS(st), 99);
	assert_int_equal(WEXITSTATUS(st), 4);
}

static void test_stop_then_not_running(void **state)
{
	char buf[256];
	int st;
	(void)state;
	int fd = raw_connect();
	assert_int_equal(write(fd, "stop\n", 5), 5);
	raw_read_all(fd, buf, sizeof(buf));
	assert_string_equal(buf, "OK 9\nstopping\n");
	close(fd);
	/* STOPPING=1 reaches the notify socket; the daemon exits 0 */
	struct pollfd p = { .fd = notify_fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
	ssize_t n = recv(notify_fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "STOPPING=1"));
	assert_int_equal(waitpid(daemon_pid, &st, 0), daemon_pid);
	daemon_pid = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(access(ctl, F_OK), -1);
	char *ping[] = { (char *)cli_bin, "ping", "--ctl", ctl, NULL };
	assert_int_equal(run(buf, sizeof(buf), ping), 3);
	/* a stale socket file (no listener): connection refused -> 3 as well */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, ctl);
	assert_int_equal(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(s);
	assert_int_equal(run(buf, sizeof(buf), ping), 3);
}

static void test_sigterm_clean_stop(void **state)
{
	int st;
	(void)state;
	unlink(ctl);
	daemon_pid = start_daemon();
	wait_ready();
	assert_int_equal(kill(daemon_pid, SIGHUP), 0); /* reload: keeps running */
	usleep(100000);
	char out[64];
	char *ping[] = { (char *)cli_bin, "ping", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), ping), 0);
	assert_int_equal(kill(daemon_pid, SIGTERM), 0);
	assert_int_equal(waitpid(daemon_pid, &st, 0), daemon_pid);
	daemon_pid = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Without --foreground (and not under systemd): the starter exits 0 once the
 * detached daemon serves; the PID file names the daemon; SIGTERM stops it. */
static void test_detached(void **state)
{
	char out[64], pidpath[160];
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("INVOCATION_ID");
	unsetenv("JOURNAL_STREAM");
	char *start[] = { (char *)daemon_bin, "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), start), 0);
	char *ping[] = { (char *)cli_bin, "ping", "--ctl", ctl, NULL };
	assert_int_equal(run(out, sizeof(out), ping), 0);
	snprintf(pidpath, sizeof(pidpath), "%s.pid", ctl);
	FILE *f = fopen(pidpath, "r");
	assert_non_null(f);
	long pid = 0;
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	assert_true(pid > 1);
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	for (int i = 0; i < 100 && access(ctl, F_OK) == 0; i++)
		usleep(50000);
	assert_int_equal(access(ctl, F_OK), -1);
	/* The control socket goes first, the PID file is emptied after it:
	 * under load the test can look in between. */
	struct stat st;
	for (int i = 0; i < 100 && stat(pidpath, &st) == 0 && st.st_size != 0; i++)
		usleep(50000);
	assert_int_equal(stat(pidpath, &st), 0);
	assert_int_equal(st.st_size, 0); /* emptied, kept */
	assert_int_equal(run(out, sizeof(out), ping), 3);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SWANMESHD SWANMESH\n", argv[0]);
		return 2;
	}
	daemon_bin = argv[1];
	cli_bin = argv[2];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_and_socket_mode),
		cmocka_unit_test(test_cli_commands),
		cmocka_unit_test(test_raw_protocol),
		cmocka_unit_test(test_idle_client_closed),
		cmocka_unit_test(test_second_daemon_refused),
		cmocka_unit_test(test_bad_daemon_args),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_stop_then_not_running),
		cmocka_unit_test(test_sigterm_clean_stop),
		cmocka_unit_test(test_detached),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
