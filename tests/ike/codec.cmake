# Tests of the IKEv2 wire codec.
swanmesh_unit_test(ike_codec_wire SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_wire.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_msg SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_msg.c
  ${CMAKE_CURRENT_LIST_DIR}/codec_fixtures.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_payloads SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_payloads.c
  ${CMAKE_CURRENT_LIST_DIR}/codec_fixtures.c LIBS swanmesh_ike)
swanmesh_fuzz_target(ike_fuzz_message SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_fuzz_message.c
  LIBS swanmesh_ike CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/message)
# Regenerates the seed corpus: build, then run codec_seedgen tests/ike/corpus/message
add_executable(ike_codec_seedgen ${CMAKE_CURRENT_LIST_DIR}/codec_seedgen.c
  ${CMAKE_CURRENT_LIST_DIR}/codec_fixtures.c)
target_link_libraries(ike_codec_seedgen PRIVATE swanmesh_ike)
swanmesh_unit_test(ike_codec_sk SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_sk.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_names SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_names.c LIBS swanmesh_ike)
swanmesh_unit_test(ike_codec_corpus SOURCES ${CMAKE_CURRENT_LIST_DIR}/codec_corpus.c LIBS swanmesh_ike)
target_compile_definitions(ike_codec_corpus PRIVATE
  CODEC_CORPUS_DIR="${CMAKE_CURRENT_LIST_DIR}/corpus/message")
