# Unit tests of the IKE cryptographic layer (ike/crypto_*).
set(IKE_CRYPTO_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(t kdf dh sk sig)
  swanmesh_unit_test(ike_crypto_${t}
    SOURCES ${IKE_CRYPTO_TEST_DIR}/crypto_${t}_test.c
            ${IKE_CRYPTO_TEST_DIR}/crypto_test_util.c
    LIBS swanmesh_ike)
  target_compile_definitions(ike_crypto_${t} PRIVATE
    IKE_VECTOR_DIR="${IKE_CRYPTO_TEST_DIR}/vectors")
endforeach()
