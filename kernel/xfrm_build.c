/* Builds XFRM netlink requests from kernel/'s neutral structs. No socket:
 * unit tests compare the bytes. Everything is validated before writing. */
#include "xfrm_internal.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <linux/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int xfrm_error_set(struct kernel_error *err, int code, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Clears buf and starts a request of the given type. */
static struct nlmsghdr *xfrm_start(void *buf, uint16_t type, uint16_t flags)
{
	memset(buf, 0, XFRM_REQ_MAX);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static void xfrm_addr_to_kernel(const struct kernel_addr *a, xfrm_address_t *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET)
		memcpy(&out->a4, a->bytes, 4);
	else if (a->family == AF_INET6)
		memcpy(out->a6, a->bytes, 16);
}

static int xfrm_check_family(uint8_t family, struct kernel_error *err)
{
	if (family != AF_INET && family != AF_INET6)
		return xfrm_error_set(err, -EAFNOSUPPORT, "address family %u is neither IPv4 nor IPv6", family);
	return 0;
}

static int xfrm_check_pair(const struct kernel_addr *src, const struct kernel_addr *dst,
			   struct kernel_error *err)
{
	int r;
	if ((r = xfrm_check_family(src->family, err)) != 0)
		return r;
	if (src->family != dst->family)
		return xfrm_error_set(err, -EINVAL, "source and destination mix IPv4 and IPv6");
	return 0;
}

int xfrm_selector_to_kernel(const struct kernel_selector *in, struct xfrm_selector *out,
			    struct kernel_error *err)
{
	int r;
	memset(out, 0, sizeof(*out));
	if ((r = xfrm_check_family(in->family, err)) != 0)
		return r;
	/* An address with family 0 is "any" and must have prefix length 0. */
	const struct kernel_addr *ends[2] = { &in->src, &in->dst };
	const uint8_t plens[2] = { in->src_plen, in->dst_plen };
	unsigned bits = in->family == AF_INET ? 32 : 128;
	for (int i = 0; i < 2; i++) {
		if (ends[i]->family == 0 && plens[i] == 0)
			continue;
		if (ends[i]->family != in->family)
			return xfrm_error_set(err, -EINVAL, "selector mixes IPv4 and IPv6");
		if (plens[i] > bits)
			return xfrm_error_set(err, -EINVAL, "prefix length %u is longer than %u", plens[i], bits);
	}
	xfrm_addr_to_kernel(&in->src, &out->saddr);
	xfrm_addr_to_kernel(&in->dst, &out->daddr);
	out->family = in->family;
	out->prefixlen_s = in->src_plen;
	out->prefixlen_d = in->dst_plen;
	out->proto = in->proto;
	if (in->sport != 0) {
		out->sport = htons(in->sport);
		out->sport_mask = 0xffff;
	}
	if (in->dport != 0) {
		out->dport = htons(in->dport);
		out->dport_mask = 0xffff;
	}
	return 0;
}

static void xfrm_lifetime_to_kernel(const struct kernel_lifetime *soft, const struct kernel_lifetime *hard,
				    struct xfrm_lifetime_cfg *lft)
{
	lft->soft_byte_limit = soft->bytes ? soft->bytes : XFRM_INF;
	lft->hard_byte_limit = hard->bytes ? hard->bytes : XFRM_INF;
	lft->soft_packet_limit = soft->packets ? soft->packets : XFRM_INF;
	lft->hard_packet_limit = hard->packets ? hard->packets : XFRM_INF;
	lft->soft_add_expires_seconds = soft->add_seconds;
	lft->hard_add_expires_seconds = hard->add_seconds;
	lft->soft_use_expires_seconds = soft->use_seconds;
	lft->hard_use_expires_seconds = hard->use_seconds;
}

static int xfrm_check_alg(const struct kernel_alg *alg, const char *what, struct kernel_error *err)
{
	size_t n = strnlen(alg->name, sizeof(alg->name));
	if (n == 0)
		return xfrm_error_set(err, -EINVAL, "no %s algorithm name", what);
	if (n == sizeof(alg->name))
		return xfrm_error_set(err, -EINVAL, "%s algorithm name is not terminated", what);
	if (alg->key_len == 0)
		return xfrm_error_set(err, -EINVAL, "%s algorithm %s has an empty key", what, alg->name);
	if (alg->key_len > sizeof(alg->key))
		return xfrm_error_set(err, -EINVAL, "%s key of %zu bytes is longer than %zu", what,
				      alg->key_len, sizeof(alg->key));
	return 0;
}

static int xfrm_check_sa(const struct kernel_sa *sa, struct kernel_error *err)
{
	int r;
	if ((r = xfrm_check_pair(&sa->src, &sa->dst, err)) != 0)
		return r;
	if (sa->spi == 0)
		return xfrm_error_set(err, -EINVAL, "SPI 0 is reserved");
	if ((r = xfrm_check_alg(&sa->enc, sa->aead ? "AEAD" : "encryption", err)) != 0)
		return r;
	if (sa->aead && sa->enc.icv_bits == 0)
		return xfrm_error_set(err, -EINVAL, "AEAD %s needs an ICV length", sa->enc.name);
	if (!sa->aead && (r = xfrm_check_alg(&sa->auth, "integrity", err)) != 0)
		return r;
	if (sa->esn && sa->replay_window == 0)
		return xfrm_error_set(err, -EINVAL, "ESN needs a replay window");
	return 0;
}

static bool xfrm_put_alg(struct nlmsghdr *nlh, uint16_t type, size_t head, const struct kernel_alg *alg)
{
	/* xfrm_algo, xfrm_algo_auth and xfrm_algo_aead all start with the name;
	 * build the fixed head in a scratch buffer, then append the key. */
	uint8_t tmp[sizeof(struct xfrm_algo_aead) + KERNEL_KEY_MAX];
	memset(tmp, 0, sizeof(tmp));
	memcpy(tmp, alg->name, strnlen(alg->name, KERNEL_ALG_NAME_MAX - 1));
	unsigned key_bits = (unsigned)alg->key_len * 8;
	memcpy(tmp + KERNEL_ALG_NAME_MAX, &key_bits, sizeof(key_bits));
	if (head > KERNEL_ALG_NAME_MAX + sizeof(unsigned)) /* auth trunc / aead icv */
		memcpy(tmp + KERNEL_ALG_NAME_MAX + sizeof(unsigned), &alg->icv_bits, sizeof(unsigned));
	memcpy(tmp + head, alg->key, alg->key_len);
	bool ok = mnl_attr_put_check(nlh, XFRM_REQ_MAX, type, head + alg->key_len, tmp);
	explicit_bzero(tmp, sizeof(tmp)); /* the key; a plain memset before return may be elided */
	return ok;
}

static bool xfrm_put_replay(struct nlmsghdr *nlh, const struct kernel_sa *sa)
{
	uint32_t words = (sa->replay_window + 31) / 32;
	uint8_t tmp[sizeof(struct xfrm_replay_state_esn) + 128 * sizeof(uint32_t)];
	if (words > 128)
		return false;
	struct xfrm_replay_state_esn esn;
	memset(&esn, 0, sizeof(esn));
	esn.bmp_len = words;
	esn.replay_window = sa->replay_window;
	memset(tmp, 0, sizeof(tmp));
	memcpy(tmp, &esn, sizeof(esn));
	return mnl_attr_put_check(nlh, XFRM_REQ_MAX, XFRMA_REPLAY_ESN_VAL,
				  sizeof(esn) + words * sizeof(uint32_t), tmp);
}

int xfrm_build_sa(void *buf, uint16_t type, const struct kernel_sa *sa, struct kernel_error *err)
{
	int r;
	if ((r = xfrm_check_sa(sa, err)) != 0)
		return r;
	struct nlmsghdr *nlh = xfrm_start(buf, type, NLM_F_ACK);
	struct xfrm_usersa_info *info = mnl_nlmsg_put_extra_header(nlh, sizeof(*info));
	info->sel.family = sa->src.family;
	xfrm_addr_to_kernel(&sa->dst, &info->id.daddr);
	info->id.spi = htonl(sa->spi);
	info->id.proto = IPPROTO_ESP;
	xfrm_addr_to_kernel(&sa->src, &info->saddr);
	info->family = sa->src.family;
	info->reqid = sa->reqid;
	info->mode = sa->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
	xfrm_lifetime_to_kernel(&sa->soft, &sa->hard, &info->lft);
	bool big_window = sa->esn || sa->replay_window > 32;
	if (!big_window)
		info->replay_window = (uint8_t)sa->replay_window;
	if (sa->esn)
		info->flags |= XFRM_STATE_ESN;
	bool ok = true;
	if (sa->aead)
		ok = xfrm_put_alg(nlh, XFRMA_ALG_AEAD, sizeof(struct xfrm_algo_aead), &sa->enc);
	else
		ok = xfrm_put_alg(nlh, XFRMA_ALG_CRYPT, sizeof(struct xfrm_algo), &sa->enc) &&
		     xfrm_put_alg(nlh, XFRMA_ALG_AUTH_TRUNC, sizeof(struct xfrm_algo_auth), &sa->auth);
	if (ok && big_window)
		ok = xfrm_put_replay(nlh, sa);
	if (ok && sa->encap) {
		struct xfrm_encap_tmpl encap;
		memset(&encap, 0, sizeof(encap));
		encap.encap_type = UDP_ENCAP_ESPINUDP;
		encap.encap_sport = htons(sa->encap_sport);
		encap.encap_dport = htons(sa->encap_dport);
		ok = mnl_attr_put_check(nlh, XFRM_REQ_MAX, XFRMA_ENCAP, sizeof(encap), &encap);
	}
	if (!ok)
		return xfrm_error_set(err, -EMSGSIZE, "SA request does not fit in %d bytes", XFRM_REQ_MAX);
	return 0;
}

int xfrm_build_sa_id(void *buf, uint16_t type, const struct kernel_addr *src,
		     const struct kernel_addr *dst, uint32_t spi, struct kernel_error *err)
{
	int r;
	if ((r = xfrm_check_pair(src, dst, err)) != 0)
		return r;
	struct nlmsghdr *nlh = xfrm_start(buf, type, type == XFRM_MSG_GETSA ? 0 : NLM_F_ACK);
	struct xfrm_usersa_id *id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	xfrm_addr_to_kernel(dst, &id->daddr);
	id->spi = htonl(spi);
	id->family = dst->family;
	id->proto = IPPROTO_ESP;
	xfrm_address_t saddr;
	xfrm_addr_to_kernel(src, &saddr);
	mnl_attr_put(nlh, XFRMA_SRCADDR, sizeof(saddr), &saddr);
	return 0;
}

int xfrm_build_allocspi(void *buf, const struct kernel_addr *src, const struct kernel_addr *dst,
			uint32_t reqid, uint32_t min, uint32_t max, struct kernel_error *err)
{
	int r;
	if ((r = xfrm_check_pair(src, dst, err)) != 0)
		return r;
	if (min == 0 || min > max)
		return xfrm_error_set(err, -EINVAL, "SPI range %#x-%#x is empty or includes 0", min, max);
	struct nlmsghdr *nlh = xfrm_start(buf, XFRM_MSG_ALLOCSPI, 0);
	struct xfrm_userspi_info *spi = mnl_nlmsg_put_extra_header(nlh, sizeof(*spi));
	spi->info.sel.family = src->family;
	xfrm_addr_to_kernel(dst, &spi->info.id.daddr);
	spi->info.id.proto = IPPROTO_ESP;
	xfrm_addr_to_kernel(src, &spi->info.saddr);
	spi->info.family = src->family;
	spi->info.reqid = reqid;
	spi->min = min;
	spi->max = max;
	return 0;
}

static int xfrm_check_policy(const struct kernel_policy *p, struct kernel_error *err)
{
	if (p->dir != KERNEL_DIR_IN && p->dir != KERNEL_DIR_OUT && p->dir != KERNEL_DIR_FWD)
		return xfrm_error_set(err, -EINVAL, "unknown policy direction %d", (int)p->dir);
	if (p->kind == KERNEL_POLICY_TUNNEL && p->mode == KERNEL_MODE_TUNNEL) {
		int r = xfrm_check_pair(&p->tmpl_src, &p->tmpl_dst, err);
		if (r != 0)
			return r;
	}
	if (p->kind > KERNEL_POLICY_TUNNEL)
		return xfrm_error_set(err, -EINVAL, "unknown policy kind %d", (int)p->kind);
	return 0;
}

int xfrm_build_policy(void *buf, uint16_t type, const struct kernel_policy *p, struct kernel_error *err)
{
	int r;
	struct xfrm_selector sel;
	if ((r = xfrm_check_policy(p, err)) != 0 || (r = xfrm_selector_to_kernel(&p->sel, &sel, err)) != 0)
		return r;
	struct nlmsghdr *nlh = xfrm_start(buf, type, NLM_F_ACK);
	struct xfrm_userpolicy_info *info = mnl_nlmsg_put_extra_header(nlh, sizeof(*info));
	info->sel = sel;
	struct kernel_lifetime none = { 0, 0, 0, 0 };
	xfrm_lifetime_to_kernel(&none, &none, &info->lft);
	info->priority = p->priority;
	info->dir = (uint8_t)p->dir;
	info->action = p->kind == KERNEL_POLICY_DROP ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
	info->share = XFRM_SHARE_ANY;
	if (p->kind == KERNEL_POLICY_TRAP || p->kind == KERNEL_POLICY_TUNNEL) {
		struct xfrm_user_tmpl t;
		memset(&t, 0, sizeof(t));
		t.id.proto = IPPROTO_ESP;
		t.family = p->sel.family;
		t.reqid = p->reqid;
		t.mode = p->mode == KERNEL_MODE_TUNNEL ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
		if (p->mode == KERNEL_MODE_TUNNEL) {
			xfrm_addr_to_kernel(&p->tmpl_src, &t.saddr);
			xfrm_addr_to_kernel(&p->tmpl_dst, &t.id.daddr);
		}
		t.aalgos = t.ealgos = t.calgos = ~0u;
		if (!mnl_attr_put_check(nlh, XFRM_REQ_MAX, XFRMA_TMPL, sizeof(t), &t))
			return xfrm_error_set(err, -EMSGSIZE, "policy request too large");
	}
	return 0;
}

int xfrm_build_policy_id(void *buf, uint16_t type, const struct kernel_selector *sel,
			 enum kernel_dir dir, struct kernel_error *err)
{
	int r;
	struct xfrm_selector ksel;
	if ((r = xfrm_selector_to_kernel(sel, &ksel, err)) != 0)
		return r;
	struct nlmsghdr *nlh = xfrm_start(buf, type, type == XFRM_MSG_GETPOLICY ? 0 : NLM_F_ACK);
	struct xfrm_userpolicy_id *id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	id->sel = ksel;
	id->dir = (uint8_t)dir;
	return 0;
}

void xfrm_build_policy_delete_index(void *buf, uint32_t index, enum kernel_dir dir)
{
	struct nlmsghdr *nlh = xfrm_start(buf, XFRM_MSG_DELPOLICY, NLM_F_ACK);
	struct xfrm_userpolicy_id *id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	id->index = index;
	id->dir = (uint8_t)dir;
}
