/* Unit tests: name tables (ike/names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ike/ike_consts.h"
#include "ike/ike_names.h"

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_name_payload(IKE_PT_SA), "SA");
	assert_string_equal(ike_name_payload(IKE_PT_SKF), "SKF");
	assert_string_equal(ike_name_payload(IKE_PT_IDI), "IDi");
	assert_string_equal(ike_name_payload(99), "UNKNOWN");
	assert_string_equal(ike_name_exchange(IKE_EXCH_IKE_SA_INIT), "IKE_SA_INIT");
	assert_string_equal(ike_name_exchange(IKE_EXCH_INFORMATIONAL), "INFORMATIONAL");
	assert_string_equal(ike_name_notify(IKE_N_INVALID_SYNTAX), "INVALID_SYNTAX");
	assert_string_equal(ike_name_notify(IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD),
			    "UNSUPPORTED_CRITICAL_PAYLOAD");
	assert_string_equal(ike_name_notify(IKE_N_IKEV2_FRAGMENTATION_SUPPORTED),
			    "IKEV2_FRAGMENTATION_SUPPORTED");
	assert_string_equal(ike_name_notify(60000), "UNKNOWN");
	assert_string_equal(ike_name_protocol(IKE_PROTO_ESP), "ESP");
	assert_string_equal(ike_name_transform_type(IKE_TRANS_DH), "DH");
	assert_string_equal(ike_name_transform_id(IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16), "AES_GCM_16");
	assert_string_equal(ike_name_transform_id(IKE_TRANS_DH, IKE_DH_CURVE25519), "CURVE25519");
	/* the same number names different things per transform type */
	assert_string_equal(ike_name_transform_id(IKE_TRANS_INTEG, 12), "HMAC_SHA2_256_128");
	assert_string_equal(ike_name_transform_id(IKE_TRANS_ENCR, 12), "AES_CBC");
	assert_string_equal(ike_name_transform_id(9, 12), "UNKNOWN");
	assert_string_equal(ike_name_id_type(IKE_ID_NULL), "NULL");
	assert_string_equal(ike_name_id_type(IKE_ID_FQDN), "FQDN");
	assert_string_equal(ike_name_auth_method(IKE_AUTH_DIGSIG), "DIGSIG");
	assert_string_equal(ike_name_auth_method(IKE_AUTH_NULL), "NULL");
	assert_string_equal(ike_name_auth_method(200), "UNKNOWN");
	assert_string_equal(ike_name_cert_encoding(IKE_CERT_X509_SIG), "X509_SIG");
	assert_string_equal(ike_name_ts_type(IKE_TS_IPV6_ADDR_RANGE), "IPV6_ADDR_RANGE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
