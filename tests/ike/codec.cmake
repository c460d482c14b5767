# Tests of the IKEv2 wire codec.
swanmesh_unit_test(ike_codec_wire SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_wire.c LIBS swanmesh_ike)
