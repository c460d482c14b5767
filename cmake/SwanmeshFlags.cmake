# Warning and hardening flags shared by every target of the project.
add_compile_definitions(_GNU_SOURCE)
add_compile_options(
  -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wformat=2 -Wvla -fstack-protector-strong)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  # glibc warns (an error under -Werror) when fortification is asked without -O.
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()

if(SWANMESH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SWANMESH_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SWANMESH_FUZZ=ON needs clang: configure with -DCMAKE_C_COMPILER=clang")
  endif()
  # Coverage instrumentation for the libraries; only fuzz targets link the fuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
