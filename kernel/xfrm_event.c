/* Parses XFRM events (ACQUIRE, EXPIRE, POLEXPIRE, MAPPING) into neutral
 * structs. Pure: every length is checked before it is read. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

void xfrm_addr_from_kernel(const xfrm_address_t *in, uint16_t family, struct kernel_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->bytes, &in->a4, 4);
	} else if (family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->bytes, in->a6, 16);
	}
}

void xfrm_selector_from_kernel(const struct xfrm_selector *in, struct kernel_selector *out)
{
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)in->family;
	xfrm_addr_from_kernel(&in->saddr, in->family, &out->src);
	xfrm_addr_from_kernel(&in->daddr, in->family, &out->dst);
	out->src_plen = in->prefixlen_s;
	out->dst_plen = in->prefixlen_d;
	out->proto = in->proto;
	out->sport = in->sport_mask ? ntohs(in->sport) : 0;
	out->dport = in->dport_mask ? ntohs(in->dport) : 0;
}

void xfrm_policy_from_kernel(const struct xfrm_userpolicy_info *in, struct kernel_policy *out)
{
	memset(out, 0, sizeof(*out));
	xfrm_selector_from_kernel(&in->sel, &out->sel);
	out->dir = (enum kernel_dir)in->dir;
	out->priority = in->priority;
	out->index = in->index;
	out->kind = in->action == XFRM_POLICY_BLOCK ? KERNEL_POLICY_DROP : KERNEL_POLICY_PASS;
}

void xfrm_policy_tmpl_from_kernel(const void *tmpl, size_t len, struct kernel_policy *out)
{
	struct xfrm_user_tmpl t;
	if (len < sizeof(t) || out->kind == KERNEL_POLICY_DROP)
		return;
	memcpy(&t, tmpl, sizeof(t));
	out->reqid = t.reqid;
	out->mode = t.mode == XFRM_MODE_TUNNEL ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
	xfrm_addr_from_kernel(&t.saddr, t.family, &out->tmpl_src);
	xfrm_addr_from_kernel(&t.id.daddr, t.family, &out->tmpl_dst);
	/* A template whose reqid has no SA yet is a trap; the caller cannot
	 * tell here, so the trap reqid decides. */
	out->kind = t.reqid == KERNEL_REQID_TRAP ? KERNEL_POLICY_TRAP : KERNEL_POLICY_TUNNEL;
}

struct xfrm_attrs {
	const struct nlattr *tb[XFRMA_MAX + 1];
};

static int xfrm_event_attr_cb(const struct nlattr *attr, void *data)
{
	struct xfrm_attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);
	/* Unknown attributes are skipped; known ones are size-checked when used. */
	if (type <= XFRMA_MAX)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

/* Parses the attributes that follow a fixed header of hdr_len bytes (the
 * caller checked the header fits). A truncated attribute ends the walk. */
static int xfrm_event_attrs(const struct nlmsghdr *nlh, size_t hdr_len, struct xfrm_attrs *a)
{
	memset(a, 0, sizeof(*a));
	size_t off = MNL_ALIGN(hdr_len);
	if (nlh->nlmsg_len <= NLMSG_HDRLEN + off)
		return 0;
	if (mnl_attr_parse(nlh, (unsigned)off, xfrm_event_attr_cb, a) < 0)
		return -EBADMSG;
	return 0;
}

static bool xfrm_family_ok(uint16_t family)
{
	return family == AF_INET || family == AF_INET6;
}

static int xfrm_event_acquire(const struct nlmsghdr *nlh, struct kernel_acquire *acq)
{
	struct xfrm_user_acquire ua;
	struct xfrm_attrs a;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ua) || xfrm_event_attrs(nlh, sizeof(ua), &a) != 0)
		return -EBADMSG;
	memcpy(&ua, mnl_nlmsg_get_payload(nlh), sizeof(ua));
	if (!xfrm_family_ok(ua.sel.family))
		return -EBADMSG;
	xfrm_selector_from_kernel(&ua.sel, &acq->sel);
	xfrm_addr_from_kernel(&ua.saddr, ua.sel.family, &acq->src);
	xfrm_addr_from_kernel(&ua.id.daddr, ua.sel.family, &acq->dst);
	acq->proto = ua.id.proto;
	acq->seq = ua.seq;
	xfrm_policy_from_kernel(&ua.policy, &acq->policy);
	const struct nlattr *t = a.tb[XFRMA_TMPL];
	if (t != NULL) {
		if (mnl_attr_get_payload_len(t) < sizeof(struct xfrm_user_tmpl))
			return -EBADMSG;
		xfrm_policy_tmpl_from_kernel(mnl_attr_get_payload(t), mnl_attr_get_payload_len(t), &acq->policy);
		acq->reqid = acq->policy.reqid;
	}
	return 0;
}

static int xfrm_event_expire(const struct nlmsghdr *nlh, struct kernel_expire *ex)
{
	struct xfrm_user_expire ue;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(ue))
		return -EBADMSG;
	memcpy(&ue, mnl_nlmsg_get_payload(nlh), sizeof(ue));
	if (!xfrm_family_ok(ue.state.family))
		return -EBADMSG;
	xfrm_addr_from_kernel(&ue.state.saddr, ue.state.family, &ex->src);
	xfrm_addr_from_kernel(&ue.state.id.daddr, ue.state.family, &ex->dst);
	ex->spi = ntohl(ue.state.id.spi);
	ex->proto = ue.state.id.proto;
	ex->reqid = ue.state.reqid;
	ex->hard = ue.hard != 0;
	return 0;
}

static int xfrm_event_polexpire(const struct nlmsghdr *nlh, struct kernel_polexpire *pe)
{
	struct xfrm_user_polexpire up;
	struct xfrm_attrs a;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(up) || xfrm_event_attrs(nlh, sizeof(up), &a) != 0)
		return -EBADMSG;
	memcpy(&up, mnl_nlmsg_get_payload(nlh), sizeof(up));
	if (!xfrm_family_ok(up.pol.sel.family))
		return -EBADMSG;
	xfrm_policy_from_kernel(&up.pol, &pe->policy);
	const struct nlattr *t = a.tb[XFRMA_TMPL];
	if (t != NULL) {
		if (mnl_attr_get_payload_len(t) < sizeof(struct xfrm_user_tmpl))
			return -EBADMSG;
		xfrm_policy_tmpl_from_kernel(mnl_attr_get_payload(t), mnl_attr_get_payload_len(t), &pe->policy);
	}
	pe->hard = up.hard != 0;
	return 0;
}

static int xfrm_event_mapping(const struct nlmsghdr *nlh, struct kernel_mapping *m)
{
	struct xfrm_user_mapping um;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(um))
		return -EBADMSG;
	memcpy(&um, mnl_nlmsg_get_payload(nlh), sizeof(um));
	/* The mapping message carries no family: infer it from the address. */
	uint16_t fam = (um.id.daddr.a6[1] | um.id.daddr.a6[2] | um.id.daddr.a6[3]) ? AF_INET6 : AF_INET;
	xfrm_addr_from_kernel(&um.id.daddr, fam, &m->dst);
	xfrm_addr_from_kernel(&um.old_saddr, fam, &m->old_src);
	xfrm_addr_from_kernel(&um.new_saddr, fam, &m->new_src);
	m->spi = ntohl(um.id.spi);
	m->reqid = um.reqid;
	m->old_sport = ntohs(um.old_sport);
	m->new_sport = ntohs(um.new_sport);
	return 0;
}

int kernel_event_parse(const void *buf, size_t len, struct kernel_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (len < sizeof(struct nlmsghdr))
		return -EBADMSG;
	const struct nlmsghdr *nlh = buf;
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		ev->type = KERNEL_EVENT_ACQUIRE;
		return xfrm_event_acquire(nlh, &ev->u.acquire);
	case XFRM_MSG_EXPIRE:
		ev->type = KERNEL_EVENT_EXPIRE;
		return xfrm_event_expire(nlh, &ev->u.expire);
	case XFRM_MSG_POLEXPIRE:
		ev->type = KERNEL_EVENT_POLEXPIRE;
		return xfrm_event_polexpire(nlh, &ev->u.polexpire);
	case XFRM_MSG_MAPPING:
		ev->type = KERNEL_EVENT_MAPPING;
		return xfrm_event_mapping(nlh, &ev->u.mapping);
	default:
		return -ENOMSG;
	}
}
