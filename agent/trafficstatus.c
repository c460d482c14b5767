/* trafficstatus lines and objects (see trafficstatus.h). */
#include "trafficstatus.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include "ike/ike_names.h"
#include "policy/config.h"

const char *trafficstatus_auth_name(uint8_t method, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ike_name_auth_method(method));
	for (char *p = buf; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return buf;
}

/* The kernel's own add time when it has one: it survives an agent restart. */
static uint64_t trafficstatus_add_time(const struct tunnel_info *ti, const struct kernel_sa_stats *in)
{
	return in->add_time != 0 ? in->add_time : ti->add_time;
}

void trafficstatus_line(const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			const struct kernel_sa_stats *out, char *buf, size_t len)
{
	char peer[64];
	kernel_addr_format(&ti->peer, peer, sizeof(peer));
	snprintf(buf, len, "#%" PRIu32 ": \"%s#%s\"[%" PRIu32 "] ...%s, type=ESP, add_time=%" PRIu64
		 ", inBytes=%" PRIu64 ", outBytes=%" PRIu64 ", id='%s', auth=%s",
		 ti->serial, ti->group, ti->cidr, ti->instance, peer, trafficstatus_add_time(ti, in), in->bytes,
		 out->bytes, ti->peer_id, policy_auth_name((enum policy_auth)ti->authby));
}

void trafficstatus_json(struct json_writer *w, const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			const struct kernel_sa_stats *out)
{
	char peer[64], local[64], auth[32];
	kernel_addr_format(&ti->peer, peer, sizeof(peer));
	kernel_addr_format(&ti->local, local, sizeof(local));
	jw_object_begin(w);
	jw_key(w, "serial"); jw_uint(w, ti->serial);
	jw_key(w, "ike_serial"); jw_uint(w, ti->ike_serial);
	jw_key(w, "peer"); jw_string(w, peer);
	jw_key(w, "local"); jw_string(w, local);
	jw_key(w, "group"); jw_string(w, ti->group);
	jw_key(w, "cidr"); jw_string(w, ti->cidr);
	jw_key(w, "id"); jw_string(w, ti->peer_id);
	jw_key(w, "auth"); jw_string(w, policy_auth_name((enum policy_auth)ti->authby));
	jw_key(w, "auth_method"); jw_string(w, trafficstatus_auth_name(ti->peer_auth, auth, sizeof(auth)));
	jw_key(w, "mode"); jw_string(w, ti->transport ? "transport" : "tunnel");
	jw_key(w, "initiator"); jw_bool(w, ti->initiator);
	jw_key(w, "add_time"); jw_uint(w, trafficstatus_add_time(ti, in));
	jw_key(w, "in_bytes"); jw_uint(w, in->bytes);
	jw_key(w, "out_bytes"); jw_uint(w, out->bytes);
	jw_key(w, "in_packets"); jw_uint(w, in->packets);
	jw_key(w, "out_packets"); jw_uint(w, out->packets);
	jw_object_end(w);
}
