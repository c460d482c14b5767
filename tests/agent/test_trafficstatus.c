/* trafficstatus: libreswan's line shape and the JSON object. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ike/ike_consts.h"
#include "policy/config.h"
#include "trafficstatus.h"

static void fill(struct tunnel_info *ti, struct kernel_sa_stats *in, struct kernel_sa_stats *out)
{
	memset(ti, 0, sizeof(*ti));
	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	ti->serial = 3;
	ti->ike_serial = 1;
	ti->instance = 1;
	kernel_addr_parse("192.0.2.1", &ti->local);
	kernel_addr_parse("192.0.2.2", &ti->peer);
	strcpy(ti->group, "private-or-clear");
	strcpy(ti->cidr, "192.0.2.0/24");
	strcpy(ti->peer_id, "ID_NULL");
	ti->peer_auth = IKE_AUTH_NULL;
	ti->authby = POLICY_AUTH_NULL;
	ti->add_time = 1795337000;
	in->bytes = 84;
	out->bytes = 168;
	in->add_time = 1795337156;
}

static void test_line(void **state)
{
	(void)state;
	struct tunnel_info ti;
	struct kernel_sa_stats in, out;
	fill(&ti, &in, &out);
	char line[512];
	trafficstatus_line(&ti, &in, &out, line, sizeof(line));
	assert_string_equal(line, "#3: \"private-or-clear#192.0.2.0/24\"[1] ...192.0.2.2, type=ESP, "
				  "add_time=1795337156, inBytes=84, outBytes=168, id='ID_NULL', auth=null");
	/* A NULL-auth peer may claim any ID: the line says how it was
	 * authenticated, after the shape operators grep. */
	strcpy(ti.peer_id, "CN=east");
	trafficstatus_line(&ti, &in, &out, line, sizeof(line));
	assert_non_null(strstr(line, "id='CN=east', auth=null"));
	ti.authby = POLICY_AUTH_CERT;
	trafficstatus_line(&ti, &in, &out, line, sizeof(line));
	assert_non_null(strstr(line, "id='CN=east', auth=cert"));
	strcpy(ti.peer_id, "ID_NULL");
	ti.authby = POLICY_AUTH_NULL;
	/* Without the kernel's add time, ours. */
	in.add_time = 0;
	trafficstatus_line(&ti, &in, &out, line, sizeof(line));
	assert_non_null(strstr(line, "add_time=1795337000,"));
}

static void test_json(void **state)
{
	(void)state;
	struct tunnel_info ti;
	struct kernel_sa_stats in, out;
	fill(&ti, &in, &out);
	char buf[2048];
	struct json_writer w;
	jw_init(&w, buf, sizeof(buf));
	trafficstatus_json(&w, &ti, &in, &out);
	assert_int_equal(jw_error(&w), 0);
	buf[jw_len(&w)] = '\0';
	assert_non_null(strstr(buf, "\"peer\":\"192.0.2.2\""));
	assert_non_null(strstr(buf, "\"group\":\"private-or-clear\""));
	assert_non_null(strstr(buf, "\"id\":\"ID_NULL\""));
	assert_non_null(strstr(buf, "\"auth\":\"null\""));
	assert_non_null(strstr(buf, "\"auth_method\":\"null\""));
	ti.authby = POLICY_AUTH_DNSSEC;
	ti.peer_auth = 14; /* digital signature */
	jw_init(&w, buf, sizeof(buf));
	trafficstatus_json(&w, &ti, &in, &out);
	buf[jw_len(&w)] = '\0';
	assert_non_null(strstr(buf, "\"auth\":\"dnssec\""));
	assert_non_null(strstr(buf, "\"auth_method\":\"digsig\""));
	assert_non_null(strstr(buf, "\"in_bytes\":84"));
	assert_non_null(strstr(buf, "\"out_bytes\":168"));
	assert_non_null(strstr(buf, "\"add_time\":1795337156"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
