/* kernel/ event parsing against byte fixtures: every field, every
 * truncation, oversized attributes, unknown types. With --write-corpus DIR
 * it also writes the fixtures as fuzzing seeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <string.h>

#include "xfrm_internal.h"

static size_t make_acquire(uint8_t *buf, bool with_tmpl)
{
	memset(buf, 0, 1024);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_ACQUIRE;
	struct xfrm_user_acquire *ua = mnl_nlmsg_put_extra_header(nlh, sizeof(*ua));
	ua->sel.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &ua->sel.saddr.a4);
	inet_pton(AF_INET, "192.0.2.9", &ua->sel.daddr.a4);
	ua->sel.prefixlen_s = ua->sel.prefixlen_d = 32;
	ua->sel.proto = 17;
	ua->sel.sport = htons(40000);
	ua->sel.sport_mask = 0xffff;
	ua->sel.dport = htons(7777);
	ua->sel.dport_mask = 0xffff;
	ua->id.proto = IPPROTO_ESP;
	ua->saddr = ua->sel.saddr;
	ua->id.daddr = ua->sel.daddr;
	ua->policy.sel.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.0", &ua->policy.sel.daddr.a4);
	ua->policy.sel.prefixlen_d = 24;
	ua->policy.priority = 2000143;
	ua->policy.dir = XFRM_POLICY_OUT;
	ua->seq = 77;
	if (with_tmpl) {
		struct xfrm_user_tmpl t;
		memset(&t, 0, sizeof(t));
		t.id.proto = IPPROTO_ESP;
		t.family = AF_INET;
		t.reqid = KERNEL_REQID_TRAP;
		mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	}
	return nlh->nlmsg_len;
}

static size_t make_expire(uint8_t *buf, bool v6, bool hard)
{
	memset(buf, 0, 1024);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_EXPIRE;
	struct xfrm_user_expire *ue = mnl_nlmsg_put_extra_header(nlh, sizeof(*ue));
	ue->state.family = v6 ? AF_INET6 : AF_INET;
	inet_pton(ue->state.family, v6 ? "2001:db8::1" : "192.0.2.1", &ue->state.saddr);
	inet_pton(ue->state.family, v6 ? "2001:db8::2" : "192.0.2.2", &ue->state.id.daddr);
	ue->state.id.spi = htonl(0xc0ffee);
	ue->state.id.proto = IPPROTO_ESP;
	ue->state.reqid = KERNEL_REQID_MIN + 5;
	ue->hard = hard;
	return nlh->nlmsg_len;
}

static void test_acquire(void **state)
{
	(void)state;
	uint8_t buf[1024];
	size_t len = make_acquire(buf, true);
	struct kernel_event ev;
	assert_int_equal(kernel_event_parse(buf, len, &ev), 0);
	assert_int_equal(ev.type, KERNEL_EVENT_ACQUIRE);
	const struct kernel_acquire *a = &ev.u.acquire;
	char s[64];
	assert_string_equal(kernel_addr_format(&a->sel.src, s, sizeof(s)), "192.0.2.1");
	assert_string_equal(kernel_addr_format(&a->sel.dst, s, sizeof(s)), "192.0.2.9");
	assert_int_equal(a->sel.proto, 17);
	assert_int_equal(a->sel.sport, 40000);
	assert_int_equal(a->sel.dport, 7777);
	assert_int_equal(a->reqid, KERNEL_REQID_TRAP);
	assert_int_equal(a->policy.priority, 2000143);
	assert_int_equal(a->policy.kind, KERNEL_POLICY_TRAP);
	assert_int_equal(a->policy.sel.dst_plen, 24);
	assert_int_equal(a->seq, 77);
	/* Without the template attribute: no reqid, still an event. */
	len = make_acquire(buf, false);
	assert_int_equal(kernel_event_parse(buf, len, &ev), 0);
	assert_int_equal(ev.u.acquire.reqid, 0);
}

static void test_expire(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct kernel_event ev;
	size_t len = make_expire(buf, true, true);
	assert_int_equal(kernel_event_parse(buf, len, &ev), 0);
	assert_int_equal(ev.type, KERNEL_EVENT_EXPIRE);
	assert_int_equal(ev.u.expire.spi, 0xc0ffee);
	assert_int_equal(ev.u.expire.reqid, KERNEL_REQID_MIN + 5);
	assert_true(ev.u.expire.hard);
	assert_int_equal(ev.u.expire.dst.family, AF_INET6);
}

static void test_truncated_everywhere(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct kernel_event ev;
	size_t len = make_acquire(buf, true);
	/* A message cut anywhere is refused, never read past its end (ASan). */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t copy[1024];
		memcpy(copy, buf, cut);
		if (cut >= sizeof(struct nlmsghdr))
			((struct nlmsghdr *)copy)->nlmsg_len = (uint32_t)cut;
		int r = kernel_event_parse(copy, cut, &ev);
		size_t min = NLMSG_HDRLEN + sizeof(struct xfrm_user_acquire);
		if (cut < min)
			assert_int_equal(r, -EBADMSG);
		else
			assert_true(r == 0 || r == -EBADMSG);
	}
	/* The header claims more than the buffer holds. */
	((struct nlmsghdr *)buf)->nlmsg_len = (uint32_t)len + 100;
	assert_int_equal(kernel_event_parse(buf, len, &ev), -EBADMSG);
}

static void test_bad_attributes(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct kernel_event ev;
	size_t len = make_acquire(buf, false);
	/* A template attribute shorter than a template is malformed. */
	struct nlmsghdr *nlh = (void *)buf;
	uint8_t small[8] = { 0 };
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(small), small);
	assert_int_equal(kernel_event_parse(buf, nlh->nlmsg_len, &ev), -EBADMSG);
	/* An attribute whose length runs past the message is ignored, not read. */
	len = make_acquire(buf, false);
	struct nlattr *a = (void *)(buf + len);
	a->nla_type = XFRMA_TMPL;
	a->nla_len = 900;
	nlh->nlmsg_len = (uint32_t)len + 4;
	assert_int_equal(kernel_event_parse(buf, nlh->nlmsg_len, &ev), 0);
	assert_int_equal(ev.u.acquire.reqid, 0);
	/* A family that is neither IPv4 nor IPv6. */
	len = make_acquire(buf, true);
	((struct xfrm_user_acquire *)mnl_nlmsg_get_payload(nlh))->sel.family = 99;
	assert_int_equal(kernel_event_parse(buf, len, &ev), -EBADMSG);
}

static void test_not_an_event(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct kernel_event ev;
	size_t len = make_expire(buf, false, false);
	((struct nlmsghdr *)buf)->nlmsg_type = XFRM_MSG_NEWSA;
	assert_int_equal(kernel_event_parse(buf, len, &ev), -ENOMSG);
	assert_int_equal(kernel_event_parse(buf, 3, &ev), -EBADMSG);
}

static void write_seed(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f != NULL) {
		fwrite(buf, 1, len, f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0) {
		uint8_t buf[1024];
		write_seed(argv[2], "acquire", buf, make_acquire(buf, true));
		write_seed(argv[2], "acquire-notmpl", buf, make_acquire(buf, false));
		write_seed(argv[2], "expire4", buf, make_expire(buf, false, false));
		write_seed(argv[2], "expire6-hard", buf, make_expire(buf, true, true));
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acquire),		    cmocka_unit_test(test_expire),
		cmocka_unit_test(test_truncated_everywhere), cmocka_unit_test(test_bad_attributes),
		cmocka_unit_test(test_not_an_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
