/* sd_notify: a test datagram socket (path and abstract) receives READY=1. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "sd_notify.h"

static int bind_dgram(const char *name, size_t n)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memcpy(sun.sun_path, name, n);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)), 0);
	return fd;
}

static void expect_msg(int fd, const char *want)
{
	char buf[128];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	char dir[] = "/tmp/sdnotifyXXXXXX", path[64];
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	int fd = bind_dgram(path, strlen(path));
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sd_notify_send("READY=1\nSTATUS=x"), 1);
	expect_msg(fd, "READY=1\nSTATUS=x");
	close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_abstract_socket(void **state)
{
	char name[64], env[64];
	(void)state;
	snprintf(name + 1, sizeof(name) - 1, "swanmesh-test-%ld", (long)getpid());
	name[0] = '\0';
	int fd = bind_dgram(name, 1 + strlen(name + 1));
	snprintf(env, sizeof(env), "@%s", name + 1);
	setenv("NOTIFY_SOCKET", env, 1);
	assert_int_equal(sd_notify_send("READY=1"), 1);
	expect_msg(fd, "READY=1");
	close(fd);
}

static void test_unset_and_bad(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sd_notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative", 1);
	assert_int_equal(sd_notify_send("READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/nonexistent/dir/sock", 1);
	assert_true(sd_notify_send("READY=1") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_unset_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
