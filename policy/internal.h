#ifndef SWANMESH_POLICY_INTERNAL_H
#define SWANMESH_POLICY_INTERNAL_H
/* Helpers shared by policy/'s files; not installed, not for the agent. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy/config.h"
#include "policy/group.h"
#include "policy/plan.h"

/* A growable string; error is sticky (check once at the end). */
struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_add_quoted(struct strbuf *b, const char *s);  /* a YAML double-quoted scalar */
/* Returns the string (caller frees) or NULL after an allocation failure. */
char *strbuf_take(struct strbuf *b);

/* Reads a whole file. Returns 0 with *buf (caller frees, NUL-terminated) and
 * *len, or a negative errno (-ENOENT for a missing file). */
int policy_file_read(const char *path, char **buf, size_t *len);

/* The candidate closest to word (edit distance <= 2 or a prefix), or NULL. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

/* Durations: "30s", "8h", "15m", "500ms", "0". min_unit_ms is 1 when "ms" is
 * allowed, 1000 otherwise. Returns 0, or -1 when not a duration. */
int duration_parse(const char *s, bool allow_ms, uint64_t *out_ms);
/* The shortest exact form ("8h", "90s", "500ms", "0") into buf. */
char *duration_format(uint64_t ms, char *buf, size_t len);

/* Group conf defaults given whether a certificate is configured. */
void config_group_defaults(struct policy_group_conf *g, enum policy_group grp, bool have_cert);
/* Proposal defaults; return -1 when out of memory. */
int config_default_proposals(struct policy_proposals *ike, struct policy_proposals *esp);

/* The longest-prefix-match structure over sorted, distinct rules. */
struct lpm;
/* rules: sorted by policy_entry_cmp, distinct selectors; borrowed, must
 * outlive the lpm. Returns NULL when out of memory. */
struct lpm *lpm_build(const struct policy_entry *rules, size_t n);
void lpm_free(struct lpm *t);
/* The most specific rule matching, or NULL. */
const struct policy_entry *lpm_lookup(const struct lpm *t, uint8_t family, const uint8_t addr[16],
				      uint8_t proto, uint16_t lport, uint16_t rport);
/* true when any rule on the path to addr (any length, any proto/port) is not
 * in a clear group (so traffic to addr may be trapped or dropped). */
/* Every rule that decides traffic to addr among prefixes of at most depth
 * bits: the deepest rule without protocol or ports (*host, NULL: none) and
 * the rules with them that beat it, most specific first (port: the first
 * max). Returns how many of those there are (may exceed max). */
size_t lpm_host_rules(const struct lpm *t, uint8_t family, const uint8_t addr[16], unsigned depth,
		      const struct policy_entry **host, const struct policy_entry **port, size_t max);
bool lpm_covered_by_nonclear(const struct lpm *t, uint8_t family, const uint8_t addr[16]);
size_t lpm_memory(const struct lpm *t);

/* Selector order, then strictness: the sort of the model's rules. */
int policy_entry_cmp(const void *a, const void *b);
/* The order of rules (policy_entry_cmp), inlined for the sort. */
static inline unsigned rules_spec(uint8_t proto, uint16_t sport, uint16_t dport)
{
	return (proto == 0 ? 2u : 0u) + (sport == 0 && dport == 0 ? 1u : 0u);
}

static inline int entry_cmp(const struct policy_entry *a, const struct policy_entry *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	uint64_t x, y;
	memcpy(&x, a->addr, 8);
	memcpy(&y, b->addr, 8);
	if (x == y) {
		memcpy(&x, a->addr + 8, 8);
		memcpy(&y, b->addr + 8, 8);
	}
	if (x != y)
		return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	unsigned sa = rules_spec(a->proto, a->sport, a->dport), sb = rules_spec(b->proto, b->sport, b->dport);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Sorts by policy_entry_cmp (introsort, n log n worst case). */
void policy_entries_sort(struct policy_entry *v, size_t n);
/* true when a and b have the same selector (address, length, proto, ports). */
bool policy_entry_same_selector(const struct policy_entry *a, const struct policy_entry *b);
/* Fills a plan from the model's rules and own addresses. */
int plan_build(const struct policy_entry *rules, size_t n, const struct lpm *t,
	       const struct policy_addr *own, size_t nown, struct policy_plan *out);
void plan_free(struct policy_plan *p);

/* policy_model_build with the directory used in diagnostics (NULL: cfg's policy-dir). */
struct policy_model;
int model_build_in(struct policy_config *cfg, struct policy_entries *entries, const char *dir,
		   const struct policy_addr *own, size_t nown, struct policy_model **out,
		   struct policy_diags *diags);

#endif
