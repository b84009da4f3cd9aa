# Compiler settings shared by every SuperSpot target.

find_program(SUPERSPOT_CCACHE ccache)
if(SUPERSPOT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${SUPERSPOT_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SUPERSPOT_CCACHE})
endif()

# Debian's ITK headers refuse clang (their generated compiler detection knows GCC only):
# a force-included shim reads them as GCC would (CMake/clang/ssITKCompilerDetection.h).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:SHELL:-include ${CMAKE_CURRENT_LIST_DIR}/clang/ssITKCompilerDetection.h>")
endif()

# Warnings apply to our own code only: ITK, LibTorch and Boost headers are
# included as SYSTEM headers (see SuperSpotDependencies.cmake).
add_library(SuperSpotWarnings INTERFACE)
target_compile_options(SuperSpotWarnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>)
option(SUPERSPOT_WERROR "Treat warnings as errors" OFF)
if(SUPERSPOT_WERROR)
  target_compile_options(SuperSpotWarnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()

# Sanitizers: -DSUPERSPOT_SANITIZE=address,undefined builds everything with them.
set(SUPERSPOT_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list (e.g. address,undefined)")
if(SUPERSPOT_SANITIZE)
  add_compile_options(-fsanitize=${SUPERSPOT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${SUPERSPOT_SANITIZE})
endif()

# Fuzzers (Testing/Fuzz): libFuzzer needs clang. The module libraries get libFuzzer's
# coverage instrumentation (superspot_add_library), so that the fuzzers see inside the
# readers; tests and CLI modules do not need it, and compile and run faster without. The
# fuzz executables link libFuzzer's driver. Use with SUPERSPOT_SANITIZE=address,undefined
# (CMakePresets.json, preset "sanitize").
set(SUPERSPOT_FUZZ_COVERAGE_FLAGS "")
if(SUPERSPOT_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SUPERSPOT_BUILD_FUZZERS needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  set(SUPERSPOT_FUZZ_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
endif()
