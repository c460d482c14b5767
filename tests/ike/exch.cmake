# In-process exchanges: two IKEv2 engines in one process over a mock env
# (exch_env.c: virtual clock, timer tables, datagram queue), their fuzz
# targets and the seed generator. Needs the engine (ike/engine.cmake).
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/ike/engine.cmake)
  return()
endif()
set(IKE_EXCH_DIR ${CMAKE_CURRENT_LIST_DIR})
add_library(ike_exch_env STATIC ${IKE_EXCH_DIR}/exch_env.c ${IKE_EXCH_DIR}/exch_net.c)
target_include_directories(ike_exch_env PUBLIC ${IKE_EXCH_DIR})
target_link_libraries(ike_exch_env PUBLIC swanmesh_ike)

foreach(t suites auth loss life input)
  swanmesh_unit_test(ike_exch_${t}
    SOURCES ${IKE_EXCH_DIR}/exch_test_${t}.c ${IKE_EXCH_DIR}/exch_check.c
    LIBS ike_exch_env swanmesh_ike)
endforeach()
set_tests_properties(ike_exch_suites PROPERTIES TIMEOUT 600)

swanmesh_fuzz_target(ike_fuzz_engine_responder SOURCES ${IKE_EXCH_DIR}/exch_fuzz_responder.c
  LIBS ike_exch_env swanmesh_ike CORPUS ${IKE_EXCH_DIR}/corpus/engine_responder)
swanmesh_fuzz_target(ike_fuzz_engine_initiator SOURCES ${IKE_EXCH_DIR}/exch_fuzz_initiator.c
  LIBS ike_exch_env swanmesh_ike CORPUS ${IKE_EXCH_DIR}/corpus/engine_initiator)
# Regenerates both seed corpora from real exchanges:
#   ike_exch_seedgen tests/ike/corpus/engine_responder tests/ike/corpus/engine_initiator
add_executable(ike_exch_seedgen ${IKE_EXCH_DIR}/exch_seedgen.c)
target_link_libraries(ike_exch_seedgen PRIVATE ike_exch_env swanmesh_ike)
