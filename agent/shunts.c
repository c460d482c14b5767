/* Negotiation and failure shunts (see shunts.h). */
#include "shunts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct shunt {
	struct shunt_info info;
	char group[32], reason[160];
	struct kernel_policy policy[1 + POLICY_PORT_RULES_MAX];
	size_t npolicy;
	uv_timer_t timer;
	struct shunt_table *table;
	struct shunt *next;
};

struct shunt_table {
	uv_loop_t *loop;
	struct kernel *k;
	shunt_expired_cb cb;
	void *ctx;
	struct shunt *list;
	unsigned count;
};

int shunt_table_new(uv_loop_t *loop, struct kernel *k, shunt_expired_cb cb, void *ctx, struct shunt_table **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return -ENOMEM;
	(*out)->loop = loop;
	(*out)->k = k;
	(*out)->cb = cb;
	(*out)->ctx = ctx;
	return 0;
}

static enum kernel_policy_kind shunt_kernel_kind(enum peer_action a)
{
	/* trap (hold, or back to the trap): a template without SA, so the
	 * kernel keeps queueing and asking. */
	return a == PEER_DROP ? KERNEL_POLICY_DROP : a == PEER_PASS ? KERNEL_POLICY_PASS : KERNEL_POLICY_TRAP;
}

static int shunt_policy(const struct kernel_addr *local, const struct kernel_addr *peer, enum shunt_kind kind,
			const struct peer_port *port, enum peer_action a, struct kernel_policy *p)
{
	memset(p, 0, sizeof(*p));
	int r = kernel_selector_host(local, peer, &p->sel);
	if (r != 0)
		return r;
	if (port != NULL) {
		p->sel.proto = port->proto;
		p->sel.sport = port->lport;
		p->sel.dport = port->rport;
	}
	p->dir = KERNEL_DIR_OUT;
	p->kind = shunt_kernel_kind(a);
	p->reqid = p->kind == KERNEL_POLICY_TRAP ? KERNEL_REQID_TRAP : 0;
	p->priority = kernel_priority(&p->sel, kind == SHUNT_FAILURE ? KERNEL_RANK_FAILURE_SHUNT
								      : KERNEL_RANK_NEGOTIATION_SHUNT);
	return 0;
}

/* The policies of pp into v (1 + POLICY_PORT_RULES_MAX): how many, or negative errno. */
static int shunt_policies(const struct kernel_addr *local, const struct kernel_addr *peer, enum shunt_kind kind,
			  const struct peer_ports *pp, struct kernel_policy *v)
{
	int n = 0, r = 0;
	if (pp->host)
		r = shunt_policy(local, peer, kind, NULL, pp->host_action, &v[n++]);
	for (unsigned i = 0; r == 0 && i < pp->n; i++)
		r = shunt_policy(local, peer, kind, &pp->v[i], pp->v[i].action, &v[n++]);
	return r != 0 ? r : n;
}

static bool shunt_has_selector(const struct kernel_policy *v, size_t n, const struct kernel_policy *p)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(&v[i].sel, &p->sel, sizeof(p->sel)) == 0)
			return true;
	return false;
}

static enum shunt_action shunt_action_of(enum peer_action a)
{
	return a == PEER_DROP ? SHUNT_DROP : a == PEER_PASS ? SHUNT_PASS : SHUNT_HOLD;
}

static struct shunt **shunt_find(struct shunt_table *t, const struct kernel_addr *local,
				 const struct kernel_addr *peer, enum shunt_kind kind)
{
	for (struct shunt **p = &t->list; *p != NULL; p = &(*p)->next) {
		const struct shunt_info *i = &(*p)->info;
		if (i->kind == kind && memcmp(&i->local, local, sizeof(*local)) == 0 &&
		    memcmp(&i->peer, peer, sizeof(*peer)) == 0)
			return p;
	}
	return NULL;
}

static void shunt_closed(uv_handle_t *h)
{
	free(h->data);
}

/* Unlinks s, removes its policy, frees it after its timer closed. */
static void shunt_drop(struct shunt_table *t, struct shunt **link)
{
	struct shunt *s = *link;
	*link = s->next;
	t->count--;
	for (size_t i = 0; i < s->npolicy; i++)
		kernel_policy_delete(t->k, &s->policy[i].sel, s->policy[i].dir, NULL);
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, shunt_closed);
}

static void shunt_on_expiry(uv_timer_t *timer)
{
	struct shunt *s = timer->data;
	struct shunt_table *t = s->table;
	struct shunt **link = shunt_find(t, &s->info.local, &s->info.peer, s->info.kind);
	if (link == NULL)
		return;
	if (t->cb != NULL)
		t->cb(t->ctx, &s->info);
	shunt_drop(t, link);
}

int shunt_install(struct shunt_table *t, const struct kernel_addr *local, const struct kernel_addr *peer,
		  enum shunt_kind kind, const struct peer_ports *pp, uint32_t rules, const char *group,
		  const char *reason, uint64_t lifetime_ms, struct kernel_error *err)
{
	struct kernel_policy v[1 + POLICY_PORT_RULES_MAX];
	int n = shunt_policies(local, peer, kind, pp, v), r = 0;
	if (n < 0) {
		snprintf(err->msg, sizeof(err->msg), "shunt between addresses of different families");
		return err->code = n;
	}
	if (n == 0)
		return -ENOENT;
	for (int i = 0; i < n; i++) {
		if ((r = kernel_policy_update(t->k, &v[i], err)) == 0)
			continue;
		/* Nothing half made: what this call added goes again. */
		for (int j = 0; j < i; j++)
			kernel_policy_delete(t->k, &v[j].sel, v[j].dir, NULL);
		return r;
	}
	struct shunt **old = shunt_find(t, local, peer, kind);
	struct shunt *s = old ? *old : calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	if (old == NULL) {
		s->table = t;
		uv_timer_init(t->loop, &s->timer);
		s->timer.data = s;
		s->next = t->list;
		t->list = s;
		t->count++;
	}
	/* The replaced shunt's policies that the new one does not update. */
	for (size_t i = 0; i < s->npolicy; i++)
		if (!shunt_has_selector(v, (size_t)n, &s->policy[i]))
			kernel_policy_delete(t->k, &s->policy[i].sel, s->policy[i].dir, NULL);
	memcpy(s->policy, v, (size_t)n * sizeof(v[0]));
	s->npolicy = (size_t)n;
	s->info.local = *local;
	s->info.peer = *peer;
	s->info.kind = kind;
	s->info.host = pp->host;
	s->info.action = shunt_action_of(pp->host ? pp->host_action : pp->v[0].action);
	s->info.nports = pp->n;
	s->info.rules = rules;
	s->info.ports = *pp;
	snprintf(s->group, sizeof(s->group), "%s", group ? group : "");
	snprintf(s->reason, sizeof(s->reason), "%s", reason ? reason : "");
	s->info.group = s->group;
	s->info.reason = s->reason;
	uv_timer_stop(&s->timer);
	s->info.expires_ms = lifetime_ms ? uv_now(t->loop) + lifetime_ms : 0;
	if (lifetime_ms)
		uv_timer_start(&s->timer, shunt_on_expiry, lifetime_ms, 0);
	return 0;
}

int shunt_remove(struct shunt_table *t, const struct kernel_addr *local, const struct kernel_addr *peer,
		 enum shunt_kind kind)
{
	struct shunt **link = shunt_find(t, local, peer, kind);
	if (link == NULL)
		return -ENOENT;
	shunt_drop(t, link);
	return 0;
}

void shunt_table_each(const struct shunt_table *t, shunt_each_cb cb, void *ctx)
{
	for (const struct shunt *s = t->list; s != NULL; s = s->next)
		cb(ctx, &s->info);
}

unsigned shunt_table_count(const struct shunt_table *t)
{
	return t->count;
}

void shunt_table_free(struct shunt_table *t)
{
	if (t == NULL)
		return;
	while (t->list != NULL)
		shunt_drop(t, &t->list);
	free(t);
}

void shunt_format(const struct shunt_info *s, uint64_t now_ms, char *out, size_t len)
{
	static const char *const actions[] = { "%hold", "%pass", "%drop" };
	char l[64], p[64], exp[48] = "";
	kernel_addr_format(&s->local, l, sizeof(l));
	kernel_addr_format(&s->peer, p, sizeof(p));
	unsigned bits = s->local.family == AF_INET6 ? 128 : 32;
	if (s->expires_ms > now_ms) {
		uint64_t left = (s->expires_ms - now_ms + 999) / 1000;
		snprintf(exp, sizeof(exp), ", expires in %llum%02llus", (unsigned long long)(left / 60),
			 (unsigned long long)(left % 60));
	}
	char ports[40] = "";
	if (s->nports > 0)
		snprintf(ports, sizeof(ports), "%s%u port rule%s", s->host ? ", +" : ", only ", s->nports,
			 s->nports == 1 ? "" : "s");
	snprintf(out, len, "%s/%u -0-> %s/%u => %-8s %s (%s%s%s)", l, bits, p, bits, actions[s->action],
		 s->kind == SHUNT_FAILURE ? "oe-failing" : "oe-negotiating", s->reason, ports, exp);
}
