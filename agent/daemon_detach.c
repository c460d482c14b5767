/* fork, setsid, fork; stdio to /dev/null; readiness over a pipe. */
#include "daemon_detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int daemon_detach_parent(int rfd, pid_t child, int *status)
{
	char c = 0;
	ssize_t n;
	do
		n = read(rfd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(rfd);
	(void)waitpid(child, NULL, 0);
	*status = (n == 1 && c == 'R') ? 0 : 1;
	return 1;
}

static void daemon_detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)dup2(fd, 0);
	(void)dup2(fd, 1);
	(void)dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

int daemon_detach(int *ready_fd, int *parent_status)
{
	int p[2];
	*ready_fd = -1;
	*parent_status = 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid > 0) {
		close(p[1]);
		return daemon_detach_parent(p[0], pid, parent_status);
	}
	close(p[0]);
	(void)setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0); /* the intermediate child; the grandchild keeps the pipe */
	if (chdir("/") != 0)
		_exit(1);
	daemon_detach_stdio();
	*ready_fd = p[1];
	return 0;
}

void daemon_detach_done(int ready_fd, int ok)
{
	if (ready_fd < 0)
		return;
	char c = ok ? 'R' : 'F';
	(void)!write(ready_fd, &c, 1);
	close(ready_fd);
}
