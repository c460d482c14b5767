/* The findings of `swanmesh audit --json` (see audit.h). */
#include "audit.h"

#include <stdio.h>

#include "policy/config.h"

static void audit_json_selector(struct json_writer *w, const struct kernel_selector *sel)
{
	char pfx[80];
	jw_object_begin(w);
	jw_key(w, "src");
	audit_prefix_text(sel->family, &sel->src, sel->src_plen, pfx, sizeof(pfx));
	jw_string(w, pfx);
	jw_key(w, "dst");
	audit_prefix_text(sel->family, &sel->dst, sel->dst_plen, pfx, sizeof(pfx));
	jw_string(w, pfx);
	jw_key(w, "proto"); jw_uint(w, sel->proto);
	jw_key(w, "sport"); jw_uint(w, sel->sport);
	jw_key(w, "dport"); jw_uint(w, sel->dport);
	jw_object_end(w);
}

/* dir, action, priority, selector of p, inside the object being written. */
static void audit_json_policy_fields(struct json_writer *w, const struct kernel_policy *p)
{
	bool ours = kernel_priority_is_ours(p->priority);
	jw_key(w, "dir"); jw_string(w, kernel_dir_name(p->dir));
	jw_key(w, "action"); jw_string(w, audit_policy_action(p, ours));
	jw_key(w, "priority"); jw_uint(w, p->priority);
	jw_key(w, "swanmesh"); jw_bool(w, ours);
	jw_key(w, "selector"); audit_json_selector(w, &p->sel);
}

static void audit_json_policy(struct json_writer *w, const struct kernel_policy *p)
{
	jw_object_begin(w);
	audit_json_policy_fields(w, p);
	jw_object_end(w);
}

/* group, file, line of a plan entry (null for the ICMP passes). */
static void audit_json_origin(struct json_writer *w, const struct policy_plan_entry *e, const char *file)
{
	bool g = e != NULL && e->group != POLICY_GROUP_NONE;
	jw_key(w, "group");
	if (g)
		jw_string(w, policy_group_name((enum policy_group)e->group));
	else
		jw_null(w);
	jw_key(w, "file");
	if (g && file != NULL)
		jw_string(w, file);
	else
		jw_null(w);
	jw_key(w, "line");
	if (g)
		jw_uint(w, e->line);
	else
		jw_null(w);
}

static void audit_json_kind(struct json_writer *w, const struct audit_finding *f, const char *file)
{
	char a[64];
	switch (f->kind) {
	case AUDIT_MISSING:
		audit_json_policy_fields(w, &f->want);
		audit_json_origin(w, f->entry, file);
		jw_key(w, "kernel");
		if (f->has_have)
			audit_json_policy(w, &f->have);
		else
			jw_null(w);
		return;
	case AUDIT_STALE:
		jw_key(w, "policy"); audit_json_policy(w, &f->have);
		return;
	case AUDIT_FOREIGN:
		jw_key(w, "policy"); audit_json_policy(w, &f->have);
		jw_key(w, "outranks");
		jw_object_begin(w);
		audit_json_policy_fields(w, &f->want);
		audit_json_origin(w, f->entry, file);
		jw_object_end(w);
		jw_key(w, "others"); jw_uint(w, f->others);
		return;
	case AUDIT_ORPHAN_SA:
		jw_key(w, "src"); jw_string(w, kernel_addr_format(&f->sa.src, a, sizeof(a)));
		jw_key(w, "dst"); jw_string(w, kernel_addr_format(&f->sa.dst, a, sizeof(a)));
		jw_key(w, "spi"); jw_uint(w, f->sa.spi);
		jw_key(w, "reqid"); jw_uint(w, f->sa.reqid);
		return;
	case AUDIT_TUNNEL_MISSING:
		jw_key(w, "serial"); jw_uint(w, f->tunnel.serial);
		jw_key(w, "peer"); jw_string(w, kernel_addr_format(&f->tunnel.peer, a, sizeof(a)));
		jw_key(w, "local"); jw_string(w, kernel_addr_format(&f->tunnel.local, a, sizeof(a)));
		jw_key(w, "group"); jw_string(w, f->tunnel.group);
		audit_json_policy_fields(w, &f->want);
		return;
	}
}

void audit_finding_json(struct json_writer *w, const struct audit_finding *f, const char *file, const char *text)
{
	jw_object_begin(w);
	jw_key(w, "kind"); jw_string(w, audit_kind_name(f->kind));
	jw_key(w, "text"); jw_string(w, text);
	audit_json_kind(w, f, file);
	jw_object_end(w);
}
