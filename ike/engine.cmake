# The IKEv2 engine: SA tables, exchanges, retransmission (no I/O).
target_sources(swanmesh_ike PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/engine.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_send.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_recv.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_proposal.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_authn.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_child.c
  ${CMAKE_CURRENT_LIST_DIR}/engine_halfopen.c
  ${CMAKE_CURRENT_LIST_DIR}/exch_init.c
  ${CMAKE_CURRENT_LIST_DIR}/exch_auth.c
  ${CMAKE_CURRENT_LIST_DIR}/exch_info.c
  ${CMAKE_CURRENT_LIST_DIR}/exch_child.c)
