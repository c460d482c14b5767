# Full in-process IKEv2 handshakes against their public-key cost, see
# docs/benchmarks.md. Uses the tests' mock env (tests/ike/exch_env.c).
if(TARGET ike_exch_env)
  add_executable(ike_bench_handshake ${CMAKE_CURRENT_LIST_DIR}/bench_handshake.c)
  target_link_libraries(ike_bench_handshake PRIVATE ike_exch_env swanmesh_ike)
endif()
if(TARGET ike_exch_env)
  add_executable(ike_bench_memory ${CMAKE_CURRENT_LIST_DIR}/bench_memory.c)
  target_link_libraries(ike_bench_memory PRIVATE ike_exch_env swanmesh_ike)
endif()
