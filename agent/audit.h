#ifndef SWANMESH_AGENT_AUDIT_H
#define SWANMESH_AGENT_AUDIT_H
/* `swanmesh audit`: the kernel's XFRM policies and SAs against what the
 * agent expects of them (docs/kernel-ownership.md). Pure: it works on
 * arrays read elsewhere (kernel_policy_list, kernel_sa_list, the daemon's
 * trafficstatus), so every finding can be tested without a kernel. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_writer.h"
#include "kernel/kernel.h"
#include "policy/plan.h"

enum audit_kind {
	AUDIT_MISSING,        /* a plan policy the kernel does not hold, or holds with another action/priority */
	AUDIT_STALE,          /* a group-rank swanmesh policy that neither the plan nor the ICMP passes ask for */
	AUDIT_FOREIGN,        /* a policy outside the band that outranks a plan policy it overlaps */
	AUDIT_ORPHAN_SA,      /* a swanmesh ESP SA that no swanmesh tunnel policy references */
	AUDIT_TUNNEL_MISSING, /* a tunnel the daemon lists whose kernel policy is absent */
};

/* A tunnel as the daemon lists it (trafficstatus --json). */
struct audit_tunnel {
	uint32_t serial;
	struct kernel_addr peer, local;
	char group[32];
};

/* Everything is borrowed for the duration of audit_run. */
struct audit_input {
	const struct policy_plan *plan;
	const struct kernel_policy *keep;       /* what the agent installs besides the plan (ICMP passes) */
	size_t nkeep;
	const struct kernel_policy *policies;   /* the kernel's */
	size_t npolicies;
	const struct kernel_sa_info *sas;       /* the kernel's */
	size_t nsas;
	const struct audit_tunnel *tunnels;     /* the daemon's; ignored unless have_tunnels */
	size_t ntunnels;
	bool have_tunnels;
};

struct audit_finding {
	enum audit_kind kind;
	/* missing, foreign: the plan entry (points into in->plan) and its
	 * policy as plan_kernel_policy makes it; tunnel_missing: the tunnel
	 * policy that should be there (entry NULL). */
	const struct policy_plan_entry *entry;
	struct kernel_policy want;
	/* missing: what the kernel holds in its place (has_have); stale,
	 * foreign: the kernel's policy (has_have true). */
	struct kernel_policy have;
	bool has_have;
	unsigned others;             /* foreign: how many further plan policies it outranks */
	struct kernel_sa_info sa;    /* orphan_sa */
	struct audit_tunnel tunnel;  /* tunnel_missing */
};

struct audit_report {
	struct audit_finding *v;     /* owned: audit_report_free */
	size_t n, cap;
	unsigned plan_policies;      /* plan policies (one per direction) and ICMP passes compared */
	unsigned kernel_policies;    /* kernel policies read */
	unsigned foreign_policies;   /* of which outside the swanmesh band */
	unsigned sas;                /* swanmesh ESP SAs (larval ones aside) */
	unsigned tunnels;            /* tunnels the daemon listed */
};

/* Compares; fills *out (cleared on entry; free with audit_report_free
 * also on failure). Findings come in the order of enum audit_kind.
 * 0, or -ENOMEM. */
int audit_run(const struct audit_input *in, struct audit_report *out);
void audit_report_free(struct audit_report *r);

/* true when a packet could match both selectors: same family, both
 * prefixes intersect, protocol and ports equal or "any" on one side. */
bool audit_selectors_overlap(const struct kernel_selector *a, const struct kernel_selector *b);

/* "missing", "stale", "foreign", "orphan_sa", "tunnel_missing". */
const char *audit_kind_name(enum audit_kind k);

/* audit_text.c: one line saying what was found and what to do, into buf.
 * file: the group file of f->entry (NULL when unknown or none). */
void audit_finding_text(const struct audit_finding *f, const char *file, char *buf, size_t len);
/* "trap", "pass", "drop", "tunnel"; foreign policies in XFRM's words. */
const char *audit_policy_action(const struct kernel_policy *p, bool ours);
/* "src 0.0.0.0/0 dst 192.0.2.5/32[ proto tcp[ sport N][ dport N]]" into buf. */
void audit_selector_text(const struct kernel_selector *sel, char *buf, size_t len);
/* "A/N": an address of a selector with the selector's family (the unused
 * side may come back without one). */
void audit_prefix_text(uint8_t family, const struct kernel_addr *a, uint8_t plen, char *buf, size_t len);
/* The remote side of a plan-shaped policy ("192.0.2.0/24"; "any" when /0). */
void audit_remote_text(const struct kernel_policy *p, char *buf, size_t len);

/* audit_json.c: the finding as one JSON object (kind, text, and its
 * structured fields) into w. file, text as for audit_finding_text. */
void audit_finding_json(struct json_writer *w, const struct audit_finding *f, const char *file, const char *text);

/* audit_tunnels.c: the daemon's `trafficstatus --json` answer (a list of
 * objects) into *out (caller frees; NULL when empty): serial, peer, local,
 * group. 0, -EPROTO (not such a list), or -ENOMEM; *out, *n cleared on
 * entry and left cleared on failure. */
int audit_tunnels_parse(const char *json, size_t len, struct audit_tunnel **out, size_t *n);

#endif
