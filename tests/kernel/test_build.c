/* kernel/ message building: the bytes of each request, and every
 * validation error, without a socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <string.h>

#include "xfrm_internal.h"

static struct kernel_addr addr(const char *s)
{
	struct kernel_addr a;
	assert_int_equal(kernel_addr_parse(s, &a), 0);
	return a;
}

static struct kernel_sa gcm_sa(void)
{
	struct kernel_sa sa;
	memset(&sa, 0, sizeof(sa));
	sa.src = addr("192.0.2.1");
	sa.dst = addr("192.0.2.2");
	sa.spi = 0x1001;
	sa.reqid = KERNEL_REQID_MIN + 1;
	sa.mode = KERNEL_MODE_TUNNEL;
	sa.aead = true;
	strcpy(sa.enc.name, "rfc4106(gcm(aes))");
	sa.enc.key_len = 20;
	memset(sa.enc.key, 0xab, 20);
	sa.enc.icv_bits = 128;
	sa.replay_window = 32;
	return sa;
}

static const struct nlattr *find_attr(const struct nlmsghdr *nlh, size_t hdr, uint16_t type)
{
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, hdr) if (mnl_attr_get_type(a) == type) return a;
	return NULL;
}

static void test_sa_gcm_bytes(void **state)
{
	(void)state;
	uint8_t buf[XFRM_REQ_MAX];
	struct kernel_sa sa = gcm_sa();
	struct kernel_error err;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), 0);
	const struct nlmsghdr *nlh = (const void *)buf;
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_NEWSA);
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	const struct xfrm_usersa_info *info = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(info->id.spi, htonl(0x1001));
	assert_int_equal(info->id.proto, IPPROTO_ESP);
	assert_int_equal(info->family, AF_INET);
	assert_int_equal(info->mode, XFRM_MODE_TUNNEL);
	assert_int_equal(info->reqid, KERNEL_REQID_MIN + 1);
	assert_int_equal(info->replay_window, 32);
	assert_true(info->lft.hard_byte_limit == XFRM_INF);
	const struct nlattr *a = find_attr(nlh, sizeof(*info), XFRMA_ALG_AEAD);
	assert_non_null(a);
	const struct xfrm_algo_aead *aead = mnl_attr_get_payload(a);
	assert_string_equal(aead->alg_name, "rfc4106(gcm(aes))");
	assert_int_equal(aead->alg_key_len, 160);
	assert_int_equal(aead->alg_icv_len, 128);
	assert_int_equal(mnl_attr_get_payload_len(a), sizeof(*aead) + 20);
	assert_int_equal((uint8_t)aead->alg_key[19], 0xab);
	assert_null(find_attr(nlh, sizeof(*info), XFRMA_ALG_CRYPT));
}

static void test_sa_cbc_esn_encap(void **state)
{
	(void)state;
	uint8_t buf[XFRM_REQ_MAX];
	struct kernel_sa sa = gcm_sa();
	sa.aead = false;
	strcpy(sa.enc.name, "cbc(aes)");
	sa.enc.key_len = 32;
	strcpy(sa.auth.name, "hmac(sha512)");
	sa.auth.key_len = 64;
	sa.auth.icv_bits = 256;
	sa.esn = true;
	sa.replay_window = 128;
	sa.encap = true;
	sa.encap_sport = 4500;
	sa.encap_dport = 4500;
	sa.hard.add_seconds = 3600;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_UPDSA, &sa, NULL), 0);
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct xfrm_usersa_info *info = mnl_nlmsg_get_payload(nlh);
	assert_true(info->flags & XFRM_STATE_ESN);
	assert_int_equal(info->lft.hard_add_expires_seconds, 3600);
	const struct nlattr *a = find_attr(nlh, sizeof(*info), XFRMA_ALG_AUTH_TRUNC);
	assert_non_null(a);
	const struct xfrm_algo_auth *auth = mnl_attr_get_payload(a);
	assert_int_equal(auth->alg_key_len, 512);
	assert_int_equal(auth->alg_trunc_len, 256);
	a = find_attr(nlh, sizeof(*info), XFRMA_REPLAY_ESN_VAL);
	assert_non_null(a);
	const struct xfrm_replay_state_esn *esn = mnl_attr_get_payload(a);
	assert_int_equal(esn->replay_window, 128);
	assert_int_equal(esn->bmp_len, 4);
	a = find_attr(nlh, sizeof(*info), XFRMA_ENCAP);
	assert_non_null(a);
	const struct xfrm_encap_tmpl *encap = mnl_attr_get_payload(a);
	assert_int_equal(encap->encap_dport, htons(4500));
}

static void test_sa_errors(void **state)
{
	(void)state;
	uint8_t buf[XFRM_REQ_MAX];
	struct kernel_error err;
	struct kernel_sa sa = gcm_sa();
	sa.dst = addr("2001:db8::2");
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
	assert_string_equal(err.msg, "source and destination mix IPv4 and IPv6");
	sa = gcm_sa();
	sa.enc.key_len = 0;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
	assert_string_equal(err.msg, "AEAD algorithm rfc4106(gcm(aes)) has an empty key");
	sa = gcm_sa();
	sa.enc.name[0] = '\0';
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
	assert_string_equal(err.msg, "no AEAD algorithm name");
	sa = gcm_sa();
	sa.spi = 0;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
	sa = gcm_sa();
	sa.esn = true;
	sa.replay_window = 0;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
	assert_string_equal(err.msg, "ESN needs a replay window");
	sa = gcm_sa();
	sa.enc.key_len = KERNEL_KEY_MAX + 1;
	assert_int_equal(xfrm_build_sa(buf, XFRM_MSG_NEWSA, &sa, &err), -EINVAL);
}

static struct kernel_policy group_policy(const char *cidr, enum kernel_policy_kind kind)
{
	struct kernel_policy p;
	memset(&p, 0, sizeof(p));
	assert_int_equal(kernel_prefix_parse(cidr, &p.sel.dst, &p.sel.dst_plen), 0);
	p.sel.family = p.sel.dst.family;
	p.dir = KERNEL_DIR_OUT;
	p.kind = kind;
	p.priority = kernel_priority(&p.sel, KERNEL_RANK_GROUP);
	p.reqid = kind == KERNEL_POLICY_TRAP ? KERNEL_REQID_TRAP : 0;
	return p;
}

static void test_policy_bytes(void **state)
{
	(void)state;
	uint8_t buf[XFRM_REQ_MAX];
	struct kernel_policy trap = group_policy("192.0.2.0/24", KERNEL_POLICY_TRAP);
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_NEWPOLICY, &trap, NULL), 0);
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct xfrm_userpolicy_info *info = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(info->action, XFRM_POLICY_ALLOW);
	assert_int_equal(info->priority, 2000143);
	assert_int_equal(info->sel.prefixlen_d, 24);
	assert_int_equal(info->dir, XFRM_POLICY_OUT);
	const struct nlattr *a = find_attr(nlh, sizeof(*info), XFRMA_TMPL);
	assert_non_null(a);
	const struct xfrm_user_tmpl *t = mnl_attr_get_payload(a);
	assert_int_equal(t->reqid, KERNEL_REQID_TRAP);
	assert_int_equal(t->id.proto, IPPROTO_ESP);

	struct kernel_policy drop = group_policy("2001:db8::/32", KERNEL_POLICY_DROP);
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_NEWPOLICY, &drop, NULL), 0);
	info = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(info->action, XFRM_POLICY_BLOCK);
	assert_int_equal(info->sel.family, AF_INET6);
	assert_null(find_attr(nlh, sizeof(*info), XFRMA_TMPL));

	struct kernel_policy pass = group_policy("198.51.100.7", KERNEL_POLICY_PASS);
	pass.sel.proto = 6;
	pass.sel.dport = 25;
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_UPDPOLICY, &pass, NULL), 0);
	info = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(info->sel.dport, htons(25));
	assert_int_equal(info->sel.dport_mask, 0xffff);
	assert_int_equal(info->sel.sport_mask, 0);
	assert_null(find_attr(nlh, sizeof(*info), XFRMA_TMPL));
}

static void test_policy_errors(void **state)
{
	(void)state;
	uint8_t buf[XFRM_REQ_MAX];
	struct kernel_error err;
	struct kernel_policy p = group_policy("192.0.2.0/24", KERNEL_POLICY_TRAP);
	p.sel.src = addr("2001:db8::1");
	p.sel.src_plen = 128;
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_NEWPOLICY, &p, &err), -EINVAL);
	assert_string_equal(err.msg, "selector mixes IPv4 and IPv6");
	p = group_policy("192.0.2.0/24", KERNEL_POLICY_TRAP);
	p.sel.dst_plen = 33;
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_NEWPOLICY, &p, &err), -EINVAL);
	p = group_policy("192.0.2.0/24", KERNEL_POLICY_TRAP);
	p.sel.family = 0;
	assert_int_equal(xfrm_build_policy(buf, XFRM_MSG_NEWPOLICY, &p, &err), -EAFNOSUPPORT);
}

static void test_priorities(void **state)
{
	(void)state;
	/* The examples of docs/kernel-ownership.md. */
	struct kernel_policy trap = group_policy("192.0.2.0/24", KERNEL_POLICY_TRAP);
	assert_int_equal(trap.priority, 2000143);
	struct kernel_selector host;
	struct kernel_addr a = addr("192.0.2.1"), b = addr("192.0.2.2");
	assert_int_equal(kernel_selector_host(&a, &b, &host), 0);
	assert_int_equal(kernel_priority(&host, KERNEL_RANK_TUNNEL), 2000013);
	assert_int_equal(kernel_priority(&host, KERNEL_RANK_FAILURE_SHUNT), 2000012);
	/* More specific beats less specific; for one selector the ranks order. */
	assert_true(kernel_priority(&host, KERNEL_RANK_GROUP) < trap.priority);
	assert_true(kernel_priority(&host, KERNEL_RANK_TUNNEL) < kernel_priority(&host, KERNEL_RANK_NEGOTIATION_SHUNT));
	struct kernel_selector port = host;
	port.proto = 6;
	port.dport = 25;
	assert_true(kernel_priority(&port, KERNEL_RANK_GROUP) < kernel_priority(&host, KERNEL_RANK_FAILURE_SHUNT));
	struct kernel_policy any6 = group_policy("::/0", KERNEL_POLICY_PASS);
	assert_true(kernel_priority_is_ours(any6.priority));
	assert_false(kernel_priority_is_ours(5));
	struct kernel_addr v6 = addr("2001:db8::1");
	assert_int_equal(kernel_selector_host(&a, &v6, &host), -EINVAL);
}

static void test_prefix_parse(void **state)
{
	(void)state;
	struct kernel_addr a;
	uint8_t plen;
	assert_int_equal(kernel_prefix_parse("192.0.2.0/24", &a, &plen), 0);
	assert_int_equal(plen, 24);
	assert_int_equal(kernel_prefix_parse("2001:db8::1", &a, &plen), 0);
	assert_int_equal(plen, 128);
	assert_int_equal(kernel_prefix_parse("192.0.2.0/33", &a, &plen), -EINVAL);
	assert_int_equal(kernel_prefix_parse("192.0.2.0/", &a, &plen), -EINVAL);
	assert_int_equal(kernel_prefix_parse("10.0.0.300", &a, &plen), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sa_gcm_bytes),   cmocka_unit_test(test_sa_cbc_esn_encap),
		cmocka_unit_test(test_sa_errors),      cmocka_unit_test(test_policy_bytes),
		cmocka_unit_test(test_policy_errors),  cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_prefix_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
