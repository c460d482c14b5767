#ifndef SWANMESH_AGENT_PIDFILE_H
#define SWANMESH_AGENT_PIDFILE_H
/* A locked PID file next to the control socket: one daemon per socket. */
#include <sys/types.h>

/* Opens and locks path (flock, non-blocking). Returns an fd owned by the
 * caller (keep it open for the daemon's life, pidfile_release at the end),
 * -EWOULDBLOCK when another process holds it (*holder = its pid or 0), or
 * another negative errno. */
int pidfile_acquire(const char *path, pid_t *holder);
/* Writes pid into the locked file (after daemonizing). 0 or -errno. */
int pidfile_write(int fd, pid_t pid);
/* Empties the file (it stays, so the lock always names one inode) and closes fd. */
void pidfile_release(int fd);

#endif
