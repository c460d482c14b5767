/* PID/lock file: flock() so a crashed daemon never leaves a stale lock. */
#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static pid_t pidfile_read(int fd)
{
	char buf[24] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	long v = strtol(buf, NULL, 10);
	return v > 0 ? (pid_t)v : 0;
}

int pidfile_acquire(const char *path, pid_t *holder)
{
	*holder = 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int r = -errno;
		if (r == -EWOULDBLOCK)
			*holder = pidfile_read(fd);
		close(fd);
		return r;
	}
	return fd;
}

int pidfile_write(int fd, pid_t pid)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

void pidfile_release(int fd)
{
	if (fd < 0)
		return;
	/* Emptied, not unlinked: unlinking a flock()ed file lets two starters
	 * lock two different inodes. */
	(void)!ftruncate(fd, 0);
	close(fd);
}
