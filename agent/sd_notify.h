#ifndef SWANMESH_AGENT_SD_NOTIFY_H
#define SWANMESH_AGENT_SD_NOTIFY_H
/* systemd readiness protocol without libsystemd: one datagram to
 * $NOTIFY_SOCKET (a path, or an abstract name when it starts with '@'). */

/* state: e.g. "READY=1\nSTATUS=running" (borrowed). Returns 1 when sent, 0
 * when NOTIFY_SOCKET is unset (not under systemd), or a negative errno. */
int sd_notify_send(const char *state);

#endif
