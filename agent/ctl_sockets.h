#ifndef SWANMESH_AGENT_CTL_SOCKETS_H
#define SWANMESH_AGENT_CTL_SOCKETS_H
/* `status`: every fd the loop watches, and that it is still being read. */
#include <stdint.h>

#include "ctl_server.h"

/* now_ms: the loop's time (uv_now), to say how long ago each last read;
 * ctl (may be NULL): the control socket, listed first. */
void ctl_sockets_status_text(const struct ctl_server *ctl, uint64_t now_ms, struct ctl_reply *r);
/* Writes the key "sockets" and its array into the object under way. */
void ctl_sockets_status_json(const struct ctl_server *ctl, uint64_t now_ms, struct json_writer *w);

#endif
