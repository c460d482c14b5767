#ifndef SWANMESH_AGENT_DAEMON_RELOAD_H
#define SWANMESH_AGENT_DAEMON_RELOAD_H
/* Reload hook (SIGHUP and `swanmesh reload`). The agent core fills it: re-read
 * the config and group files, diff the models, apply. For now it only logs.
 * Returns 0, or a negative errno with *why set to a static message. */
int daemon_reload(const char **why);
#endif
