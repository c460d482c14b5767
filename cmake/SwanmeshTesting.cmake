# Helpers that register tests with ctest. Test names start with the module
# they test (ike_..., kernel_..., policy_..., agent_..., lab_...).
#
# Labels: unit (no privileges, fast), netns (host network namespaces, root),
#         lab (User-Mode Linux), interop (real libreswan/strongSwan peers),
#         fuzz (bounded libFuzzer runs).
# A test that cannot run here exits 77, which ctest reports as skipped; it
# must print why first.

# swanmesh_unit_test(NAME SOURCES s.c... [LIBS lib...] [LABELS extra...])
function(swanmesh_unit_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}" SKIP_RETURN_CODE 77)
endfunction()

# swanmesh_netns_test(NAME SOURCES s.c... [LIBS lib...]): a cmocka test that
# needs root and creates its own network namespaces on the host kernel.
function(swanmesh_netns_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "netns" SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
endfunction()

# swanmesh_fuzz_target(NAME SOURCES s.c... [LIBS lib...] CORPUS dir)
# The sources define LLVMFuzzerTestOneInput. With SWANMESH_FUZZ (clang) this
# builds a libFuzzer binary and a bounded run labelled "fuzz"; in every build
# it also builds NAME_replay, which runs each corpus file once (label unit).
function(swanmesh_fuzz_target name)
  cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${name}_replay ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz_replay_main.c)
  target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
  add_test(NAME ${name}_replay COMMAND ${name}_replay ${F_CORPUS})
  set_tests_properties(${name}_replay PROPERTIES LABELS "unit;fuzz")
  if(SWANMESH_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
    # New inputs go to the scratch directory; the checked-in seeds stay untouched.
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                     ${PROJECT_SOURCE_DIR}/tests/fuzz-run ${CMAKE_CURRENT_BINARY_DIR}/${name}
                     ${SWANMESH_FUZZ_SECONDS} ${work} ${F_CORPUS})
    set_tests_properties(${name} PROPERTIES LABELS "fuzz" TIMEOUT 600)
  endif()
endfunction()
