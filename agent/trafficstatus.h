#ifndef SWANMESH_AGENT_TRAFFICSTATUS_H
#define SWANMESH_AGENT_TRAFFICSTATUS_H
/* `swanmesh trafficstatus`: one established Child SA per line, in
 * libreswan's shape so that operators' scripts carry over:
 * #3: "private-or-clear#192.0.2.0/24"[1] ...192.0.2.2, type=ESP, add_time=1795337156, inBytes=84, outBytes=84, id='ID_NULL'
 * or one JSON object per Child SA. */
#include <stddef.h>

#include "json_writer.h"
#include "kernel/kernel.h"
#include "tunnels.h"

void trafficstatus_line(const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			const struct kernel_sa_stats *out, char *buf, size_t len);
/* Writes one object into w. */
void trafficstatus_json(struct json_writer *w, const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			const struct kernel_sa_stats *out);
/* "null", "rsa_sig", "digsig", ...: the peer's authentication method. */
const char *trafficstatus_auth_name(uint8_t method, char *buf, size_t len);

#endif
