# Cryptographic layer of the IKEv2 engine (all through NSS).
target_sources(swanmesh_ike PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/crypto_algs.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_nss.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_rand.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_prf.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_keymat.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_dh.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_dh_groups.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_dh_import.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_sk.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_aead.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_cbc_hmac.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_sig.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_sig_algs.c
  ${CMAKE_CURRENT_LIST_DIR}/crypto_auth.c)
