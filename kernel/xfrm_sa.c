/* SA requests: SPI allocation, add, update, delete, get, list. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <string.h>

static int xfrm_spi_reply(const struct nlmsghdr *nlh, void *ctx)
{
	struct xfrm_usersa_info info;
	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || mnl_nlmsg_get_payload_len(nlh) < sizeof(info))
		return -EBADMSG;
	memcpy(&info, mnl_nlmsg_get_payload(nlh), sizeof(info));
	*(uint32_t *)ctx = ntohl(info.id.spi);
	return 0;
}

int kernel_spi_alloc(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		     uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi, struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	int r;
	*spi = 0;
	if ((r = xfrm_build_allocspi(buf, src, dst, reqid, min, max, err)) != 0)
		return r;
	uint32_t got = 0;
	if ((r = xfrm_transact(k, buf, xfrm_spi_reply, &got, err)) != 0)
		return r;
	*spi = got;
	return 0;
}

static int xfrm_sa_send(struct kernel *k, uint16_t type, const struct kernel_sa *sa, struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	int r = xfrm_build_sa(buf, type, sa, err);
	if (r == 0)
		r = xfrm_transact(k, buf, NULL, NULL, err);
	explicit_bzero(buf, sizeof(buf)); /* the request held keys */
	return r;
}

int kernel_sa_add(struct kernel *k, const struct kernel_sa *sa, struct kernel_error *err)
{
	return xfrm_sa_send(k, XFRM_MSG_NEWSA, sa, err);
}

int kernel_sa_update(struct kernel *k, const struct kernel_sa *sa, struct kernel_error *err)
{
	return xfrm_sa_send(k, XFRM_MSG_UPDSA, sa, err);
}

int kernel_sa_delete(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		     uint32_t spi, struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	int r = xfrm_build_sa_id(buf, XFRM_MSG_DELSA, src, dst, spi, err);
	return r ? r : xfrm_transact(k, buf, NULL, NULL, err);
}

struct xfrm_sa_attrs {
	const struct nlattr *tb[XFRMA_MAX + 1];
};

static int xfrm_sa_attr_cb(const struct nlattr *attr, void *data)
{
	struct xfrm_sa_attrs *a = data;
	if (mnl_attr_get_type(attr) <= XFRMA_MAX)
		a->tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

/* Parses an XFRM_MSG_NEWSA reply or dump entry into *out. */
static int xfrm_sa_info_parse(const struct nlmsghdr *nlh, struct kernel_sa_info *out)
{
	struct xfrm_usersa_info info;
	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || mnl_nlmsg_get_payload_len(nlh) < sizeof(info))
		return -EBADMSG;
	memcpy(&info, mnl_nlmsg_get_payload(nlh), sizeof(info));
	xfrm_addr_from_kernel(&info.saddr, info.family, &out->src);
	xfrm_addr_from_kernel(&info.id.daddr, info.family, &out->dst);
	out->spi = ntohl(info.id.spi);
	out->reqid = info.reqid;
	out->proto = info.id.proto;
	out->mode = info.mode == XFRM_MODE_TUNNEL ? KERNEL_MODE_TUNNEL : KERNEL_MODE_TRANSPORT;
	out->stats.bytes = info.curlft.bytes;
	out->stats.packets = info.curlft.packets;
	out->stats.add_time = info.curlft.add_time;
	out->stats.use_time = info.curlft.use_time;
	out->stats.reqid = info.reqid;
	struct xfrm_sa_attrs a;
	memset(&a, 0, sizeof(a));
	if (nlh->nlmsg_len > NLMSG_HDRLEN + MNL_ALIGN(sizeof(info)))
		mnl_attr_parse(nlh, MNL_ALIGN(sizeof(info)), xfrm_sa_attr_cb, &a);
	const struct nlattr *alg = a.tb[XFRMA_ALG_AEAD] ? a.tb[XFRMA_ALG_AEAD] : a.tb[XFRMA_ALG_CRYPT];
	if (alg != NULL && mnl_attr_get_payload_len(alg) >= KERNEL_ALG_NAME_MAX) {
		memcpy(out->enc_name, mnl_attr_get_payload(alg), KERNEL_ALG_NAME_MAX);
		out->enc_name[KERNEL_ALG_NAME_MAX - 1] = '\0';
	}
	return 0;
}

static int xfrm_sa_get_reply(const struct nlmsghdr *nlh, void *ctx)
{
	struct kernel_sa_info info;
	int r = xfrm_sa_info_parse(nlh, &info);
	if (r == 0)
		*(struct kernel_sa_stats *)ctx = info.stats;
	return r;
}

int kernel_sa_get(struct kernel *k, const struct kernel_addr *src, const struct kernel_addr *dst,
		  uint32_t spi, struct kernel_sa_stats *stats, struct kernel_error *err)
{
	uint8_t buf[XFRM_REQ_MAX];
	memset(stats, 0, sizeof(*stats));
	int r = xfrm_build_sa_id(buf, XFRM_MSG_GETSA, src, dst, spi, err);
	return r ? r : xfrm_transact(k, buf, xfrm_sa_get_reply, stats, err);
}

struct xfrm_sa_list_ctx {
	kernel_sa_list_cb cb;
	void *ctx;
};

static int xfrm_sa_list_one(const struct nlmsghdr *nlh, void *ctx)
{
	struct xfrm_sa_list_ctx *l = ctx;
	struct kernel_sa_info info;
	if (xfrm_sa_info_parse(nlh, &info) != 0)
		return 0; /* not an SA: skip */
	return l->cb(&info, l->ctx);
}

int kernel_sa_list(struct kernel *k, kernel_sa_list_cb cb, void *ctx, struct kernel_error *err)
{
	struct xfrm_sa_list_ctx l = { cb, ctx };
	return xfrm_dump(k, XFRM_MSG_GETSA, xfrm_sa_list_one, &l, err);
}
