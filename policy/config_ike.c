/* config_ike: the "ike:" section (proposals, lifetimes, retransmission). */
#include "config_yaml.h"

#include <stdlib.h>
#include <string.h>

static void ike_proposal_list(struct cfg_ctx *c, yaml_node_t *v, const char *key,
			      enum policy_proposal_kind kind, struct policy_proposals *dst)
{
	size_t n, got = 0;
	char err[256];
	yaml_node_item_t *it = cfg_seq(c, v, key, &n);
	if (it == NULL)
		return;
	if (n == 0) {
		cfg_error(c, v, "%s: must list at least one proposal", key);
		return;
	}
	struct policy_proposal *p = calloc(n, sizeof(*p));
	if (p == NULL) {
		cfg_error(c, v, "%s: out of memory", key);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, it[i]);
		const char *s = e ? cfg_scalar(c, e, key, "a proposal string") : NULL;
		if (s == NULL)
			continue;
		if (policy_proposal_parse(s, kind, &p[got], err, sizeof(err)) != 0) {
			cfg_error(c, e, "%s: %s", key, err);
			continue;
		}
		got++;
	}
	free(dst->v);
	dst->v = p;
	dst->n = got;
}

static void ike_proposals(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_proposal_list(c, v, "ike.proposals", POLICY_PROPOSAL_IKE, &c->cfg->ike_proposals);
}

static void ike_esp(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_proposal_list(c, v, "ike.esp", POLICY_PROPOSAL_ESP, &c->cfg->esp_proposals);
}

/* A duration within [min, max]; ms accepted only when allow_ms. */
static void ike_duration(struct cfg_ctx *c, yaml_node_t *v, const char *key, bool allow_ms,
			 uint64_t min, uint64_t max, uint64_t *dst)
{
	char lo[32], hi[32];
	uint64_t ms;
	const char *s = cfg_scalar(c, v, key, "a duration");
	if (s == NULL)
		return;
	if (duration_parse(s, allow_ms, &ms) != 0) {
		cfg_error(c, v, "%s: '%.40s' is not a duration (expected a number with %s, e.g. 30s)", key, s,
			  allow_ms ? "ms, s, m, h or d" : "s, m, h or d");
		return;
	}
	if ((ms < min && ms != 0) || ms > max || (ms == 0 && min > 0)) {
		cfg_error(c, v, "%s: %s is out of range (expected %s%s to %s)", key, s,
			  min == 0 ? "0 or " : "", duration_format(min ? min : 1000, lo, sizeof(lo)),
			  duration_format(max, hi, sizeof(hi)));
		return;
	}
	*dst = ms;
}

#define S 1000ull
static void ike_lifetime(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_duration(c, v, "ike.ike-lifetime", false, 60 * S, 24 * 3600 * S, &c->cfg->ike_lifetime_ms);
}

static void ike_child_lifetime(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_duration(c, v, "ike.child-lifetime", false, 60 * S, 24 * 3600 * S, &c->cfg->child_lifetime_ms);
}

static void ike_liveness(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_duration(c, v, "ike.liveness", false, 0, 3600 * S, &c->cfg->liveness_ms);
}

static void ike_idle_timeout(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_duration(c, v, "ike.idle-timeout", false, 0, 7 * 24 * 3600 * S, &c->cfg->idle_timeout_ms);
}

static void ike_failure_shunt_lifetime(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_duration(c, v, "ike.failure-shunt-lifetime", false, 0, 24 * 3600 * S,
		     &c->cfg->failure_shunt_lifetime_ms);
}

static void ike_retransmit_timeout(struct cfg_ctx *c, yaml_node_t *v)
{
	const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
	uint64_t ms;
	if (duration_parse(s, true, &ms) == 0 && ms > 0 && ms < 50) {
		cfg_error(c, v, "ike.retransmit.timeout: %s is out of range (expected 50ms to 1m)", s);
		return;
	}
	ike_duration(c, v, "ike.retransmit.timeout", true, 50, 60 * S, &c->cfg->retransmit_timeout_ms);
}

static void ike_retransmit_tries(struct cfg_ctx *c, yaml_node_t *v)
{
	const char *s = cfg_scalar(c, v, "ike.retransmit.tries", "a number");
	if (s == NULL)
		return;
	size_t n = strlen(s);
	if (n == 0 || n > 3 || strspn(s, "0123456789") != n || atoi(s) < 1 || atoi(s) > 20) {
		cfg_error(c, v, "ike.retransmit.tries: '%.40s' is out of range (expected a number from 1 to 20)", s);
		return;
	}
	c->cfg->retransmit_tries = (unsigned)atoi(s);
}

/* A count from 0 to max; 0 means off. */
static void ike_count(struct cfg_ctx *c, yaml_node_t *v, const char *key, unsigned max, unsigned *dst)
{
	const char *s = cfg_scalar(c, v, key, "a number");
	if (s == NULL)
		return;
	size_t n = strlen(s);
	if (n == 0 || n > 7 || strspn(s, "0123456789") != n || strtoul(s, NULL, 10) > max) {
		cfg_error(c, v, "%s: '%.40s' is out of range (expected a number from 0 (off) to %u)", key, s, max);
		return;
	}
	*dst = (unsigned)strtoul(s, NULL, 10);
}

static void ike_cookie_threshold(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_count(c, v, "ike.cookie-threshold", 1000000, &c->cfg->cookie_threshold);
}

static void ike_half_open_max(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_count(c, v, "ike.half-open-max", 1000000, &c->cfg->half_open_max);
}

static void ike_half_open_per_source(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_count(c, v, "ike.half-open-per-source", 1000000, &c->cfg->half_open_per_source);
}

static void ike_initiations_max(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_count(c, v, "ike.initiations-max", 1000000, &c->cfg->initiations_max);
}

static void ike_initiation_queue_max(struct cfg_ctx *c, yaml_node_t *v)
{
	ike_count(c, v, "ike.initiation-queue-max", 1000000, &c->cfg->initiation_queue_max);
}

static void ike_retransmit(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "timeout", ike_retransmit_timeout },
		{ "tries", ike_retransmit_tries },
	};
	cfg_map_walk(c, v, "ike.retransmit", keys, NELEM(keys));
}

void cfg_section_ike(struct cfg_ctx *c, yaml_node_t *v)
{
	static const struct cfg_key keys[] = {
		{ "proposals", ike_proposals },
		{ "esp", ike_esp },
		{ "ike-lifetime", ike_lifetime },
		{ "child-lifetime", ike_child_lifetime },
		{ "liveness", ike_liveness },
		{ "idle-timeout", ike_idle_timeout },
		{ "failure-shunt-lifetime", ike_failure_shunt_lifetime },
		{ "retransmit", ike_retransmit },
		{ "cookie-threshold", ike_cookie_threshold },
		{ "half-open-max", ike_half_open_max },
		{ "half-open-per-source", ike_half_open_per_source },
		{ "initiations-max", ike_initiations_max },
		{ "initiation-queue-max", ike_initiation_queue_max },
	};
	cfg_map_walk(c, v, "ike", keys, NELEM(keys));
}
