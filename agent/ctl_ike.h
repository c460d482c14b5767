#ifndef SWANMESH_AGENT_CTL_IKE_H
#define SWANMESH_AGENT_CTL_IKE_H
/* Control-socket commands of the IKE side: trafficstatus, up, down, and
 * the IKE part of status. core may be NULL (stopping): empty answers. */
#include "agent_core.h"
#include "ctl_server.h"

void ctl_ike_trafficstatus(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r);
void ctl_ike_up(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r);
void ctl_ike_down(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r);
/* status: the text lines after the first one, or the members "tunnels",
 * "note" and "ike" of the JSON object under way. */
void ctl_ike_status_text(struct agent_core *core, struct ctl_reply *r);
void ctl_ike_status_json(struct agent_core *core, struct json_writer *w);

#endif
