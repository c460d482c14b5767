/* trafficstatus, up, down and the IKE part of status (see ctl_ike.h). */
#include "ctl_ike.h"

#include <stdio.h>
#include <string.h>

#include "ike_bridge.h"
#include "log.h"
#include "trafficstatus.h"

static void ctl_ike_line(void *ctx, const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			 const struct kernel_sa_stats *out)
{
	char line[512];
	trafficstatus_line(ti, in, out, line, sizeof(line));
	ctl_reply_printf(ctx, "%s\n", line);
}

static void ctl_ike_object(void *ctx, const struct tunnel_info *ti, const struct kernel_sa_stats *in,
			   const struct kernel_sa_stats *out)
{
	trafficstatus_json(ctx, ti, in, out);
}

static struct ike_bridge *ctl_ike_bridge(struct agent_core *core)
{
	return core != NULL ? agent_core_ike_bridge(core) : NULL;
}

static void ctl_ike_tunnels_json(struct ike_bridge *b, struct json_writer *w)
{
	jw_array_begin(w);
	if (b != NULL)
		ike_bridge_each_tunnel(b, ctl_ike_object, w);
	jw_array_end(w);
}

void ctl_ike_trafficstatus(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r)
{
	struct ike_bridge *b = ctl_ike_bridge(core);
	if (req->argc > 1) {
		ctl_reply_error(r, "trafficstatus takes no arguments");
		return;
	}
	if (r->json)
		ctl_ike_tunnels_json(b, ctl_reply_json(r));
	else if (b != NULL)
		ike_bridge_each_tunnel(b, ctl_ike_line, r);
}

/* The one ADDRESS argument of up/down; NULL after an error reply. */
static struct ike_bridge *ctl_ike_peer(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r,
				       struct kernel_addr *peer)
{
	struct ike_bridge *b = ctl_ike_bridge(core);
	if (req->argc != 2) {
		ctl_reply_error(r, "usage: %s ADDRESS", req->argv[0]);
		return NULL;
	}
	if (kernel_addr_parse(req->argv[1], peer) != 0) {
		ctl_reply_error(r, "'%s' is not an IPv4 or IPv6 address", req->argv[1]);
		return NULL;
	}
	if (b == NULL)
		ctl_reply_error(r, "swanmeshd is stopping");
	return b;
}

static void ctl_ike_done(struct ctl_reply *r, const char *key, const char *peer, const char *text)
{
	if (r->json) {
		struct json_writer *w = ctl_reply_json(r);
		jw_object_begin(w);
		jw_key(w, key); jw_string(w, peer);
		jw_object_end(w);
	} else {
		ctl_reply_printf(r, "%s\n", text);
	}
}

void ctl_ike_up(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r)
{
	struct kernel_addr peer;
	char why[256], text[320];
	struct ike_bridge *b = ctl_ike_peer(core, req, r, &peer);
	if (b == NULL)
		return;
	if (ike_bridge_up(b, &peer, why, sizeof(why)) != 0) {
		ctl_reply_error(r, "%s: %s", req->argv[1], why);
		return;
	}
	log_info("%s: negotiation asked for on the control socket", req->argv[1]);
	snprintf(text, sizeof(text), "%s: negotiating (see: swanmesh trafficstatus)", req->argv[1]);
	ctl_ike_done(r, "initiated", req->argv[1], text);
}

void ctl_ike_down(struct agent_core *core, const struct ctl_request *req, struct ctl_reply *r)
{
	struct kernel_addr peer;
	char text[320];
	struct ike_bridge *b = ctl_ike_peer(core, req, r, &peer);
	if (b == NULL)
		return;
	int n = ike_bridge_down(b, &peer);
	if (n <= 0) {
		ctl_reply_error(r, "%s: no IKE SA with this peer", req->argv[1]);
		return;
	}
	log_info("%s: %d IKE SA(s) deleted on the control socket", req->argv[1], n);
	snprintf(text, sizeof(text), "%s: %d IKE SA%s deleted", req->argv[1], n, n == 1 ? "" : "s");
	ctl_ike_done(r, "deleted", req->argv[1], text);
}

/* What both status forms say: the core's summary and the IKE counts. */
static struct ike_bridge *ctl_ike_status_gather(struct agent_core *core, char *summary, size_t len,
					       struct ike_bridge_counts *c)
{
	struct ike_bridge *b = ctl_ike_bridge(core);
	summary[0] = '\0';
	memset(c, 0, sizeof(*c));
	if (core != NULL)
		agent_core_summary(core, summary, len);
	if (b != NULL)
		ike_bridge_counts(b, c);
	return b;
}

void ctl_ike_status_text(struct agent_core *core, struct ctl_reply *r)
{
	char summary[256];
	struct ike_bridge_counts c;
	ctl_ike_status_gather(core, summary, sizeof(summary), &c);
	if (c.child_sas == 0)
		ctl_reply_printf(r, "no tunnels: %s\n", summary);
	else
		ctl_reply_printf(r, "%u tunnel%s: %s\n", c.child_sas, c.child_sas == 1 ? "" : "s", summary);
	const struct ike_counters *e = &c.engine;
	ctl_reply_printf(r, "IKE SAs: %u (%u established, %u negotiating), Child SAs: %u, IKE sockets: %u\n", c.ike_sas,
			 c.ike_established, c.ike_sas - c.ike_established, c.child_sas, c.sockets);
	ctl_reply_printf(r, "IKE: %lu established, %lu failed, %lu received, %lu sent, %lu retransmitted, "
			 "%lu dropped (%lu malformed, %lu unknown SPI, %lu bad auth), %lu cookies sent, %lu half-open, "
			 "%lu IKE_SA_INIT refused (half-open per source)\n",
			 e->established, e->failed, e->rx, e->tx, e->retransmits,
			 e->dropped_malformed + e->dropped_unknown_spi + e->dropped_auth, e->dropped_malformed,
			 e->dropped_unknown_spi, e->dropped_auth, e->cookies_sent, e->half_open,
			 e->dropped_half_open_source);
	ctl_reply_printf(r, "Initiations: %u under way, %u queued, %lu trapped peers turned away (queue full)\n",
			 c.initiating, c.queued, c.acquires_turned_away);
	const struct dns_ipseckey_counters *d = &c.dns_counters;
	if (c.dns)
		ctl_reply_printf(r, "DNS: %u of %u lookups in flight, %lu sent, %lu shared, %lu from the cache, "
				 "%lu refused (limit), %lu prefetches skipped\n",
				 d->inflight, d->max_inflight, d->sent, d->joined, d->cached, d->refused,
				 d->prefetch_refused);
}

static void ctl_ike_counter(struct json_writer *w, const char *key, unsigned long v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

void ctl_ike_status_json(struct agent_core *core, struct json_writer *w)
{
	char summary[256];
	struct ike_bridge_counts c;
	struct ike_bridge *b = ctl_ike_status_gather(core, summary, sizeof(summary), &c);
	jw_key(w, "tunnels");
	ctl_ike_tunnels_json(b, w);
	jw_key(w, "note"); jw_string(w, summary);
	jw_key(w, "ike");
	jw_object_begin(w);
	ctl_ike_counter(w, "sas", c.ike_sas);
	ctl_ike_counter(w, "established_sas", c.ike_established);
	ctl_ike_counter(w, "child_sas", c.child_sas);
	ctl_ike_counter(w, "sockets", c.sockets);
	const struct ike_counters *e = &c.engine;
	ctl_ike_counter(w, "established", e->established);
	ctl_ike_counter(w, "failed", e->failed);
	ctl_ike_counter(w, "rx", e->rx);
	ctl_ike_counter(w, "tx", e->tx);
	ctl_ike_counter(w, "retransmits", e->retransmits);
	ctl_ike_counter(w, "dropped_malformed", e->dropped_malformed);
	ctl_ike_counter(w, "dropped_unknown_spi", e->dropped_unknown_spi);
	ctl_ike_counter(w, "dropped_auth", e->dropped_auth);
	ctl_ike_counter(w, "cookies_sent", e->cookies_sent);
	ctl_ike_counter(w, "half_open", e->half_open);
	ctl_ike_counter(w, "dropped_half_open_source", e->dropped_half_open_source);
	ctl_ike_counter(w, "initiating", c.initiating);
	ctl_ike_counter(w, "initiation_queued", c.queued);
	ctl_ike_counter(w, "acquires_turned_away", c.acquires_turned_away);
	jw_object_end(w);
	jw_key(w, "dns");
	if (!c.dns) {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	ctl_ike_counter(w, "inflight", c.dns_counters.inflight);
	ctl_ike_counter(w, "max_inflight", c.dns_counters.max_inflight);
	ctl_ike_counter(w, "sent", c.dns_counters.sent);
	ctl_ike_counter(w, "joined", c.dns_counters.joined);
	ctl_ike_counter(w, "cached", c.dns_counters.cached);
	ctl_ike_counter(w, "refused", c.dns_counters.refused);
	ctl_ike_counter(w, "prefetch_refused", c.dns_counters.prefetch_refused);
	jw_object_end(w);
}
