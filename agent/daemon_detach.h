#ifndef SWANMESH_AGENT_DAEMON_DETACH_H
#define SWANMESH_AGENT_DAEMON_DETACH_H
/* Classic daemonizing with a readiness pipe: the parent waits until the
 * child says it is serving (exit 0) or has failed (exit 1), so `swanmeshd`
 * without --foreground reports startup errors in its exit status. */

/* In the parent: sets *parent_status (0 or 1) and returns 1,
 * and the caller's main returns that status. In the daemon: returns 0 with
 * *ready_fd owned by the caller (give it to daemon_detach_done). -errno on failure. */
int daemon_detach(int *ready_fd, int *parent_status);
/* Tells the waiting parent the result (ok: exit 0, else 1) and closes fd. */
void daemon_detach_done(int ready_fd, int ok);

#endif
