/* Policy requests: add, update, delete, get, list. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

static int xfrm_policy_send(struct kernel *k, uint16_t type, const struct kernel_policy *p,
			    struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	int r = xfrm_build_policy(buf, type, p, err);
	return r ? r : xfrm_transact(k, buf, NULL, NULL, err);
}

int kernel_policy_add(struct kernel *k, const struct kernel_policy *p, struct kernel_error *err)
{
	return xfrm_policy_send(k, XFRM_MSG_NEWPOLICY, p, err);
}

int kernel_policy_update(struct kernel *k, const struct kernel_policy *p, struct kernel_error *err)
{
	return xfrm_policy_send(k, XFRM_MSG_UPDPOLICY, p, err);
}

int kernel_policy_delete(struct kernel *k, const struct kernel_selector *sel, enum kernel_dir dir,
			 struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	int r = xfrm_build_policy_id(buf, XFRM_MSG_DELPOLICY, sel, dir, err);
	return r ? r : xfrm_transact(k, buf, NULL, NULL, err);
}

static int xfrm_policy_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == XFRMA_TMPL)
		*(const struct nlattr **)data = attr;
	return MNL_CB_OK;
}

/* Parses an XFRM_MSG_NEWPOLICY reply or dump entry. */
static int xfrm_policy_parse(const struct nlmsghdr *nlh, struct kernel_policy *out)
{
	struct xfrm_userpolicy_info info;
	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY || mnl_nlmsg_get_payload_len(nlh) < sizeof(info))
		return -EBADMSG;
	memcpy(&info, mnl_nlmsg_get_payload(nlh), sizeof(info));
	xfrm_policy_from_kernel(&info, out);
	const struct nlattr *tmpl = NULL;
	if (nlh->nlmsg_len > NLMSG_HDRLEN + MNL_ALIGN(sizeof(info)))
		mnl_attr_parse(nlh, MNL_ALIGN(sizeof(info)), xfrm_policy_attr_cb, &tmpl);
	if (tmpl != NULL)
		xfrm_policy_tmpl_from_kernel(mnl_attr_get_payload(tmpl), mnl_attr_get_payload_len(tmpl), out);
	return 0;
}

static int xfrm_policy_get_reply(const struct nlmsghdr *nlh, void *ctx)
{
	return xfrm_policy_parse(nlh, ctx);
}

int kernel_policy_get(struct kernel *k, const struct kernel_selector *sel, enum kernel_dir dir,
		      struct kernel_policy *out, struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	memset(out, 0, sizeof(*out));
	int r = xfrm_build_policy_id(buf, XFRM_MSG_GETPOLICY, sel, dir, err);
	return r ? r : xfrm_transact(k, buf, xfrm_policy_get_reply, out, err);
}

struct xfrm_policy_list_ctx {
	kernel_policy_list_cb cb;
	void *ctx;
};

static int xfrm_policy_list_one(const struct nlmsghdr *nlh, void *ctx)
{
	struct xfrm_policy_list_ctx *l = ctx;
	struct kernel_policy p;
	if (xfrm_policy_parse(nlh, &p) != 0)
		return 0;
	return l->cb(&p, l->ctx);
}

int kernel_policy_list(struct kernel *k, kernel_policy_list_cb cb, void *ctx, struct kernel_error *err)
{
	struct xfrm_policy_list_ctx l = { cb, ctx };
	return xfrm_dump(k, XFRM_MSG_GETPOLICY, xfrm_policy_list_one, &l, err);
}
