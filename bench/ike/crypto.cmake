# Public-key cost of one IKE handshake (both sides), see docs/benchmarks.md.
add_executable(ike_bench_pk ${CMAKE_CURRENT_LIST_DIR}/bench_pk.c)
target_link_libraries(ike_bench_pk PRIVATE swanmesh_ike)
