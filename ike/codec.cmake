# IKEv2 wire codec: cursor, header, payload chain, payloads, SK layout,
# fragmentation, name tables.
target_sources(swanmesh_ike PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/wire.c
  ${CMAKE_CURRENT_LIST_DIR}/msg_hdr.c
  ${CMAKE_CURRENT_LIST_DIR}/msg_parse.c
  ${CMAKE_CURRENT_LIST_DIR}/msg_build.c
  ${CMAKE_CURRENT_LIST_DIR}/msg_sk.c
  ${CMAKE_CURRENT_LIST_DIR}/msg_frag.c
  ${CMAKE_CURRENT_LIST_DIR}/payload_sa.c
  ${CMAKE_CURRENT_LIST_DIR}/payload_simple.c
  ${CMAKE_CURRENT_LIST_DIR}/payload_ts.c
  ${CMAKE_CURRENT_LIST_DIR}/payload_notify.c
  ${CMAKE_CURRENT_LIST_DIR}/payload_sk.c
  ${CMAKE_CURRENT_LIST_DIR}/names.c)
