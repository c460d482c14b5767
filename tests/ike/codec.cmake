# Tests of the IKEv2 wire codec.
swanmesh_unit_test(ike_codec_wire SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_wire.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_msg SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_msg.c
  ${CMAKE_CURRENT_LIST_DIR}/codec_fixtures.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_payloads SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_payloads.c
  ${CMAKE_CURRENT_LIST_DIR}/codec_fixtures.c LIBS swanmesh_ike)
