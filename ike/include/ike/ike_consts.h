#ifndef SWANMESH_IKE_CONSTS_H
#define SWANMESH_IKE_CONSTS_H
/* IKEv2 wire constants (RFC 7296 section 3, RFC 7383, RFC 7619, RFC 7427). */

/* Sizes */
#define IKE_HDR_LEN            28  /* fixed IKE header */
#define IKE_GEN_HDR_LEN         4  /* generic payload header */
#define IKE_SKF_HDR_LEN         8  /* SKF: generic header + frag num + total */
#define IKE_MAJOR_VERSION       2
#define IKE_NONCE_MIN          16
#define IKE_NONCE_MAX         256

/* Bounded counts per message */
#define IKE_MAX_PAYLOADS       64  /* payloads in one chain */
#define IKE_MAX_PROPOSALS      16  /* proposals in an SA payload */
#define IKE_MAX_TRANSFORMS     32  /* transforms in one proposal */
#define IKE_MAX_TS             16  /* selectors in a TS payload */
#define IKE_MAX_NOTIFY         32
#define IKE_MAX_VENDOR         16
#define IKE_MAX_CERT            8
#define IKE_MAX_CERTREQ         8
#define IKE_MAX_DELETE          8
#define IKE_MAX_SPI_SIZE        8
#define IKE_FRAG_MAX           64  /* fragments per message (RFC 7383) */

/* Header flags */
#define IKE_FLAG_I           0x08  /* Initiator */
#define IKE_FLAG_V           0x10  /* Version (higher supported) */
#define IKE_FLAG_R           0x20  /* Response */
#define IKE_PAYLOAD_CRITICAL 0x80

/* Payload types */
#define IKE_PT_NONE             0
#define IKE_PT_SA              33
#define IKE_PT_KE              34
#define IKE_PT_IDI             35
#define IKE_PT_IDR             36
#define IKE_PT_CERT            37
#define IKE_PT_CERTREQ         38
#define IKE_PT_AUTH            39
#define IKE_PT_NONCE           40
#define IKE_PT_NOTIFY          41
#define IKE_PT_DELETE          42
#define IKE_PT_VENDOR          43
#define IKE_PT_TSI             44
#define IKE_PT_TSR             45
#define IKE_PT_SK              46
#define IKE_PT_CP              47
#define IKE_PT_EAP             48
#define IKE_PT_SKF             53

/* Exchange types */
#define IKE_EXCH_IKE_SA_INIT      34
#define IKE_EXCH_IKE_AUTH         35
#define IKE_EXCH_CREATE_CHILD_SA  36
#define IKE_EXCH_INFORMATIONAL    37

/* Notify types: errors */
#define IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD  1
#define IKE_N_INVALID_IKE_SPI               4
#define IKE_N_INVALID_MAJOR_VERSION         5
#define IKE_N_INVALID_SYNTAX                7
#define IKE_N_INVALID_MESSAGE_ID            9
#define IKE_N_INVALID_SPI                  11
#define IKE_N_NO_PROPOSAL_CHOSEN           14
#define IKE_N_INVALID_KE_PAYLOAD           17
#define IKE_N_AUTHENTICATION_FAILED        24
#define IKE_N_SINGLE_PAIR_REQUIRED         34
#define IKE_N_NO_ADDITIONAL_SAS            35
#define IKE_N_INTERNAL_ADDRESS_FAILURE     36
#define IKE_N_FAILED_CP_REQUIRED           37
#define IKE_N_TS_UNACCEPTABLE              38
#define IKE_N_INVALID_SELECTORS            39
#define IKE_N_TEMPORARY_FAILURE            43
#define IKE_N_CHILD_SA_NOT_FOUND           44
/* Notify types: status */
#define IKE_N_INITIAL_CONTACT              16384
#define IKE_N_SET_WINDOW_SIZE              16385
#define IKE_N_ADDITIONAL_TS_POSSIBLE       16386
#define IKE_N_IPCOMP_SUPPORTED             16387
#define IKE_N_NAT_DETECTION_SOURCE_IP      16388
#define IKE_N_NAT_DETECTION_DESTINATION_IP 16389
#define IKE_N_COOKIE                       16390
#define IKE_N_USE_TRANSPORT_MODE           16391
#define IKE_N_REKEY_SA                     16393
#define IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED 16394
#define IKE_N_NON_FIRST_FRAGMENTS_ALSO     16395
#define IKE_N_IKEV2_FRAGMENTATION_SUPPORTED 16430
#define IKE_N_SIGNATURE_HASH_ALGORITHMS    16431

/* Protocol IDs */
#define IKE_PROTO_IKE  1
#define IKE_PROTO_AH   2
#define IKE_PROTO_ESP  3

/* Transform types */
#define IKE_TRANS_ENCR  1
#define IKE_TRANS_PRF   2
#define IKE_TRANS_INTEG 3
#define IKE_TRANS_DH    4
#define IKE_TRANS_ESN   5

/* Transform IDs */
#define IKE_ENCR_AES_CBC            12
#define IKE_ENCR_AES_CTR            13
#define IKE_ENCR_AES_GCM_8          18
#define IKE_ENCR_AES_GCM_12         19
#define IKE_ENCR_AES_GCM_16         20
#define IKE_ENCR_CHACHA20_POLY1305  28
#define IKE_PRF_HMAC_SHA1            2
#define IKE_PRF_HMAC_SHA2_256        5
#define IKE_PRF_HMAC_SHA2_384        6
#define IKE_PRF_HMAC_SHA2_512        7
#define IKE_INTEG_NONE               0
#define IKE_INTEG_HMAC_SHA1_96       2
#define IKE_INTEG_HMAC_SHA2_256_128 12
#define IKE_INTEG_HMAC_SHA2_384_192 13
#define IKE_INTEG_HMAC_SHA2_512_256 14
#define IKE_DH_MODP2048             14
#define IKE_DH_MODP3072             15
#define IKE_DH_MODP4096             16
#define IKE_DH_ECP256               19
#define IKE_DH_ECP384               20
#define IKE_DH_CURVE25519           31
#define IKE_DH_CURVE448             32
#define IKE_ESN_NO                   0
#define IKE_ESN_YES                  1

/* Transform attributes */
#define IKE_ATTR_AF          0x8000  /* TV format */
#define IKE_ATTR_KEY_LENGTH  14

/* ID types */
#define IKE_ID_IPV4_ADDR    1
#define IKE_ID_FQDN         2
#define IKE_ID_RFC822_ADDR  3
#define IKE_ID_IPV6_ADDR    5
#define IKE_ID_DER_ASN1_DN  9
#define IKE_ID_DER_ASN1_GN 10
#define IKE_ID_KEY_ID      11
#define IKE_ID_NULL        13

/* Auth methods */
#define IKE_AUTH_RSA_SIG     1
#define IKE_AUTH_PSK         2
#define IKE_AUTH_DSS         3
#define IKE_AUTH_ECDSA_256   9
#define IKE_AUTH_ECDSA_384  10
#define IKE_AUTH_ECDSA_521  11
#define IKE_AUTH_NULL       13
#define IKE_AUTH_DIGSIG     14

/* Certificate encodings */
#define IKE_CERT_X509_SIG       4
#define IKE_CERT_RAW_RSA       11
#define IKE_CERT_HASH_URL_X509 12

/* Traffic selector types */
#define IKE_TS_IPV4_ADDR_RANGE 7
#define IKE_TS_IPV6_ADDR_RANGE 8

#endif
