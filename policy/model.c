/* model: config + group entries + own addresses -> rules, LPM and plan. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/model.h"

struct policy_model {
	struct policy_config *cfg;
	char *dir;                      /* policy-dir as used for file names */
	struct policy_entry *rules;     /* sorted, distinct selectors */
	size_t nrules;
	struct policy_addr *own;
	size_t nown;
	struct lpm *lpm;
	struct policy_plan plan;
};

char *policy_model_group_path(const struct policy_model *m, enum policy_group g, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", m->dir, policy_group_name(g));
	return buf;
}

static bool model_is_own(const struct policy_model *m, const struct policy_entry *e)
{
	if (e->len != policy_addr_maxlen(e->family))
		return false;
	for (size_t i = 0; i < m->nown; i++)
		if (m->own[i].family == e->family && memcmp(m->own[i].bytes, e->addr, 16) == 0)
			return true;
	return false;
}

static void model_entry_text(const struct policy_entry *e, char *buf, size_t len)
{
	struct policy_prefix p = { .len = e->len };
	char a[POLICY_ADDR_STRLEN];
	p.addr.family = e->family;
	memcpy(p.addr.bytes, e->addr, 16);
	policy_prefix_format(&p, a, sizeof(a));
	if (e->proto != 0 || e->sport != 0 || e->dport != 0)
		snprintf(buf, len, "%s %u %u %u", a, e->proto, e->sport, e->dport);
	else
		snprintf(buf, len, "%s", a);
}

/* Drops own addresses and resolves ties in place (v is sorted, stricter first). */
static size_t model_resolve(struct policy_model *m, struct policy_entry *v, size_t n, struct policy_diags *d)
{
	char win_path[4096], lose_path[4096], text[POLICY_ADDR_STRLEN + 32];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		struct policy_entry *e = &v[i];
		bool own = model_is_own(m, e), dup = k > 0 && policy_entry_same_selector(&v[k - 1], e);
		if (!own && !dup) {
			if (k != i)
				v[k] = *e;
			k++;
			continue;
		}
		policy_model_group_path(m, (enum policy_group)e->group, lose_path, sizeof(lose_path));
		if (own) {
			model_entry_text(e, text, sizeof(text));
			policy_diags_add(d, POLICY_WARNING, lose_path, e->line, 0,
					 "'%s' is one of this node's own addresses: ignored here (own addresses never match a group)", text);
			continue;
		}
		{
			const struct policy_entry *w = &v[k - 1];
			model_entry_text(e, text, sizeof(text));
			policy_model_group_path(m, (enum policy_group)w->group, win_path, sizeof(win_path));
			if (w->group == e->group)
				policy_diags_add(d, POLICY_WARNING, lose_path, e->line, 0,
						 "'%s' is listed twice (also at line %u)", text, w->line);
			else
				policy_diags_add(d, POLICY_WARNING, lose_path, e->line, 0,
						 "tie: '%s' is also in %s:%u; %s wins (stricter than %s)", text,
						 win_path, w->line, policy_group_name((enum policy_group)w->group),
						 policy_group_name((enum policy_group)e->group));
		}
	}
	return k;
}

/* private needs some authentication once it lists anything. */
static int model_check_auth(struct policy_model *m, struct policy_diags *d)
{
	const struct policy_group_conf *g = &m->cfg->groups[POLICY_GROUP_PRIVATE];
	char path[4096];
	if (!g->auth_missing)
		return 0;
	for (size_t i = 0; i < m->nrules; i++) {
		if (m->rules[i].group != POLICY_GROUP_PRIVATE)
			continue;
		policy_model_group_path(m, POLICY_GROUP_PRIVATE, path, sizeof(path));
		policy_diags_add(d, POLICY_ERROR, path, m->rules[i].line, 0,
				 "the private group is not empty but has no authentication method: private defaults to [cert] and node.cert is not set (expected node.cert, or groups.private.auth such as [dnssec] or [null])");
		return -1;
	}
	return 0;
}

/* Why groups a and b cannot share one tunnel, NULL when they can. */
static const char *model_ride_conflict(const struct policy_group_conf *a, const struct policy_group_conf *b)
{
	if (a->mode != b->mode)
		return "one asks for transport mode, the other for tunnel mode";
	for (unsigned i = 0; i < a->nauth; i++)
		for (unsigned j = 0; j < b->nauth; j++)
			if (a->auth[i] == b->auth[j])
				return NULL;
	return "no authentication method is in both groups' auth";
}

/* A rule with a protocol or ports rides the tunnel of every host it
 * covers together with the host's other rules: refuses what one tunnel
 * cannot carry (docs/policy.md, "Per-port rules"). */
static int model_check_port_rules(struct policy_model *m, struct policy_diags *d)
{
	char path[4096], other[4096], text[POLICY_ADDR_STRLEN + 32], otext[POLICY_ADDR_STRLEN + 32];
	const struct policy_entry *chain[POLICY_PORT_RULES_MAX + 2];
	int r = 0;
	for (size_t i = 0; i < m->nrules; i++) {
		const struct policy_entry *e = &m->rules[i];
		if (e->proto == 0 && e->sport == 0 && e->dport == 0)
			continue;
		const struct policy_entry *host;
		size_t n = lpm_host_rules(m->lpm, e->family, e->addr, e->len, &host, chain, POLICY_PORT_RULES_MAX + 1);
		policy_model_group_path(m, (enum policy_group)e->group, path, sizeof(path));
		model_entry_text(e, text, sizeof(text));
		if (n > POLICY_PORT_RULES_MAX) {
			policy_diags_add(d, POLICY_ERROR, path, e->line, 0,
					 "'%s': more than %u rules with a protocol or ports cover its hosts (one tunnel carries at most %u; merge them or make the whole host one group)",
					 text, POLICY_PORT_RULES_MAX, POLICY_PORT_RULES_MAX);
			r = -1;
			continue;
		}
		if (host != NULL)
			chain[n++] = host;
		for (size_t j = 0; j < n && policy_group_encrypts(e->group); j++) {
			const struct policy_entry *o = chain[j];
			if (o == e || !policy_group_encrypts(o->group) || o->group == e->group)
				continue;
			const char *why = model_ride_conflict(&m->cfg->groups[e->group], &m->cfg->groups[o->group]);
			if (why == NULL)
				continue;
			policy_model_group_path(m, (enum policy_group)o->group, other, sizeof(other));
			model_entry_text(o, otext, sizeof(otext));
			policy_diags_add(d, POLICY_ERROR, path, e->line, 0,
					 "'%s' (%s) and '%s' at %s:%u (%s) cover the same hosts and their traffic shares one tunnel, but %s: give both groups the same mode and a common method in auth, or move one of the lines",
					 text, policy_group_name((enum policy_group)e->group), otext, other, o->line,
					 policy_group_name((enum policy_group)o->group), why);
			r = -1;
		}
	}
	return r;
}

static int model_set_own(struct policy_model *m, const struct policy_addr *own, size_t nown)
{
	if (!m->cfg->addresses_auto) {
		own = m->cfg->addresses;
		nown = m->cfg->naddresses;
	}
	m->own = malloc((nown + 1) * sizeof(*m->own));
	if (m->own == NULL)
		return -1;
	if (nown > 0)
		memcpy(m->own, own, nown * sizeof(*own));
	m->nown = nown;
	return 0;
}

int model_build_in(struct policy_config *cfg, struct policy_entries *entries, const char *dir,
		   const struct policy_addr *own, size_t nown, struct policy_model **out,
		   struct policy_diags *diags)
{
	struct policy_model *m = calloc(1, sizeof(*m));
	int r = -1;

	*out = NULL;
	if (m == NULL) {
		policy_config_free(cfg);
		goto oom;
	}
	m->cfg = cfg;
	m->rules = entries->v;
	entries->v = NULL;
	size_t n = entries->n;
	policy_entries_free(entries);
	if ((m->dir = strdup(dir ? dir : cfg->policy_dir)) == NULL || model_set_own(m, own, nown) != 0)
		goto oom;
	policy_entries_sort(m->rules, n);
	m->nrules = model_resolve(m, m->rules, n, diags);
	/* Give back what the file readers reserved beyond the rules kept. */
	struct policy_entry *shrunk = realloc(m->rules, (m->nrules + 1) * sizeof(*m->rules));
	if (shrunk != NULL)
		m->rules = shrunk;
	if (model_check_auth(m, diags) != 0)
		goto out;
	if ((m->lpm = lpm_build(m->rules, m->nrules)) == NULL ||
	    plan_build(m->rules, m->nrules, m->lpm, m->own, m->nown, &m->plan) != 0)
		goto oom;
	if (model_check_port_rules(m, diags) != 0)
		goto out;
	*out = m;
	m = NULL;
	r = 0;
	goto out;
oom:
	policy_diags_add(diags, POLICY_ERROR, dir, 0, 0, "out of memory");
out:
	policy_model_free(m);
	policy_entries_free(entries);
	return r;
}

int policy_model_build(struct policy_config *cfg, struct policy_entries *entries,
		       const struct policy_addr *own, size_t nown,
		       struct policy_model **out, struct policy_diags *diags)
{
	return model_build_in(cfg, entries, NULL, own, nown, out, diags);
}

void policy_model_free(struct policy_model *m)
{
	if (m == NULL)
		return;
	policy_config_free(m->cfg);
	free(m->dir);
	free(m->rules);
	free(m->own);
	lpm_free(m->lpm);
	plan_free(&m->plan);
	free(m);
}

void policy_model_lookup(const struct policy_model *m, const struct policy_addr *addr,
			 uint8_t proto, uint16_t lport, uint16_t rport, struct policy_match *out)
{
	memset(out, 0, sizeof(*out));
	out->group = POLICY_GROUP_NONE;
	for (size_t i = 0; i < m->nown; i++) {
		if (policy_addr_equal(&m->own[i], addr)) {
			out->own_address = true;
			return;
		}
	}
	const struct policy_entry *e = lpm_lookup(m->lpm, addr->family, addr->bytes, proto, lport, rport);
	if (e == NULL)
		return;
	out->group = e->group;
	out->entry = *e;
	out->conf = &m->cfg->groups[e->group];
}

bool policy_group_encrypts(uint8_t g)
{
	return g == POLICY_GROUP_PRIVATE || g == POLICY_GROUP_PRIVATE_OR_CLEAR || g == POLICY_GROUP_CLEAR_OR_PRIVATE;
}

bool policy_group_negotiates(uint8_t g, bool initiator)
{
	return g == POLICY_GROUP_PRIVATE || g == POLICY_GROUP_PRIVATE_OR_CLEAR ||
	       (g == POLICY_GROUP_CLEAR_OR_PRIVATE && !initiator);
}

static void model_match_of(const struct policy_model *m, const struct policy_entry *e, struct policy_match *out)
{
	memset(out, 0, sizeof(*out));
	out->group = POLICY_GROUP_NONE;
	if (e == NULL)
		return;
	out->group = e->group;
	out->entry = *e;
	out->conf = &m->cfg->groups[e->group];
}

void policy_model_host_rules(const struct policy_model *m, const struct policy_addr *addr,
			     struct policy_host_rules *out)
{
	memset(out, 0, sizeof(*out));
	out->host.group = POLICY_GROUP_NONE;
	for (size_t i = 0; i < m->nown; i++) {
		if (policy_addr_equal(&m->own[i], addr)) {
			out->own_address = true;
			out->host.own_address = true;
			return;
		}
	}
	const struct policy_entry *host, *port[POLICY_PORT_RULES_MAX];
	size_t n = lpm_host_rules(m->lpm, addr->family, addr->bytes, policy_addr_maxlen(addr->family), &host, port,
				  POLICY_PORT_RULES_MAX);
	model_match_of(m, host, &out->host);
	out->nport = (unsigned)(n < POLICY_PORT_RULES_MAX ? n : POLICY_PORT_RULES_MAX);
	for (unsigned i = 0; i < out->nport; i++)
		model_match_of(m, port[i], &out->port[i]);
}

const struct policy_config *policy_model_config(const struct policy_model *m)
{
	return m->cfg;
}

const struct policy_plan *policy_model_plan(const struct policy_model *m)
{
	return &m->plan;
}

const struct policy_addr *policy_model_own(const struct policy_model *m, size_t *n)
{
	*n = m->nown;
	return m->own;
}

size_t policy_model_rules(const struct policy_model *m)
{
	return m->nrules;
}
