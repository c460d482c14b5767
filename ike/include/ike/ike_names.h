#ifndef SWANMESH_IKE_NAMES_H
#define SWANMESH_IKE_NAMES_H
/* Names of IKEv2 wire constants, for logs. Every function returns a static
 * string (never NULL); values without a name give "UNKNOWN". */
#include <stdint.h>

const char *ike_name_payload(uint8_t type);
const char *ike_name_exchange(uint8_t exchange);
const char *ike_name_notify(uint16_t type);
const char *ike_name_protocol(uint8_t proto);
const char *ike_name_transform_type(uint8_t type);
const char *ike_name_transform_id(uint8_t type, uint16_t id);
const char *ike_name_id_type(uint8_t type);
const char *ike_name_auth_method(uint8_t method);
const char *ike_name_cert_encoding(uint8_t encoding);
const char *ike_name_ts_type(uint8_t type);

#endif
