# Functions every module and CLI uses, so that targets, tests and installs
# are declared the same way everywhere.

# superspot_module(<Name> DESCRIPTION <text> [DEPENDS <modules>...]
#                  [PUBLIC_EXTERNAL <deps>...] [PRIVATE_EXTERNAL <deps>...])
# The module descriptor (Modules/<Dir>/superspot-module.cmake): the one place
# that states what a module needs. <deps> are the SuperSpot::<Dep> wrappers
# from SuperSpotDependencies.cmake (ITK, Torch, OpenSlide, Boost, HDF5, TCLAP)
# or any other CMake target.
function(superspot_module name)
  cmake_parse_arguments(M "" "DESCRIPTION" "DEPENDS;PUBLIC_EXTERNAL;PRIVATE_EXTERNAL" ${ARGN})
  set(SUPERSPOT_MODULE_NAME ${name} PARENT_SCOPE)
  set(${name}_DESCRIPTION "${M_DESCRIPTION}" PARENT_SCOPE)
  set(${name}_DEPENDS ${M_DEPENDS} PARENT_SCOPE)
  set(${name}_PUBLIC_EXTERNAL ${M_PUBLIC_EXTERNAL} PARENT_SCOPE)
  set(${name}_PRIVATE_EXTERNAL ${M_PRIVATE_EXTERNAL} PARENT_SCOPE)
  set_property(GLOBAL APPEND PROPERTY SUPERSPOT_MODULES ${name})
endfunction()

function(_superspot_map_external out)
  set(result)
  foreach(dep IN LISTS ARGN)
    if(TARGET SuperSpot::${dep})
      list(APPEND result SuperSpot::${dep})
    else()
      list(APPEND result ${dep})
    endif()
  endforeach()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# superspot_add_library(SOURCES <files>...)
# Builds the module declared by the descriptor in the current directory as a
# shared library with include/ as its public headers, and installs both.
function(superspot_add_library)
  cmake_parse_arguments(L "" "" "SOURCES" ${ARGN})
  set(name ${SUPERSPOT_MODULE_NAME})
  if(NOT name)
    message(FATAL_ERROR "superspot_add_library: include superspot-module.cmake first")
  endif()
  add_library(${name} SHARED ${L_SOURCES})
  add_library(SuperSpot::${name} ALIAS ${name})
  include(GenerateExportHeader)
  generate_export_header(${name} EXPORT_MACRO_NAME ${name}_EXPORT EXPORT_FILE_NAME ${CMAKE_CURRENT_BINARY_DIR}/include/${name}Export.h)
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${SUPERSPOT_INSTALL_INCLUDE_DIR}>)
  _superspot_map_external(pub ${${name}_PUBLIC_EXTERNAL})
  _superspot_map_external(priv ${${name}_PRIVATE_EXTERNAL})
  target_link_libraries(${name} PUBLIC ${${name}_DEPENDS} ${pub} PRIVATE ${priv} $<BUILD_INTERFACE:SuperSpotWarnings>)
  # Installed side by side, the libraries find each other through $ORIGIN (a program linking
  # one of them finds the ones it depends on, whatever its own RUNPATH says).
  set_target_properties(${name} PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
    INSTALL_RPATH "$ORIGIN")
  install(TARGETS ${name} EXPORT SuperSpotTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${SUPERSPOT_INSTALL_INCLUDE_DIR}
    FILES_MATCHING PATTERN "*.h" PATTERN "*.hxx")
  if(EXISTS ${CMAKE_CURRENT_BINARY_DIR}/include)
    install(DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/include/ DESTINATION ${SUPERSPOT_INSTALL_INCLUDE_DIR}
      FILES_MATCHING PATTERN "*.h")
  endif()
endfunction()

# superspot_add_gtest(<target> SOURCES <files>... [LIBS <libs>...] [LABELS <labels>...]
#                     [DATA] [TIMEOUT <s>])
# A GoogleTest executable whose tests CTest discovers when it runs.
# DATA: the tests read real data; they get SUPERSPOT_DATA_DIR and must
# GTEST_SKIP() with a message when it is absent (CTest then reports a skip).
function(superspot_add_gtest target)
  cmake_parse_arguments(T "DATA" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${target} ${T_SOURCES})
  target_link_libraries(${target} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main SuperSpotWarnings)
  target_compile_definitions(${target} PRIVATE
    SUPERSPOT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SUPERSPOT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set(env "SUPERSPOT_BINARY_DIR=${PROJECT_BINARY_DIR}")
  set(labels ${T_LABELS})
  if(T_DATA)
    list(APPEND env "SUPERSPOT_DATA_DIR=${SUPERSPOT_TEST_DATA_DIR}")
    list(APPEND labels data)
    if(TARGET SuperSpotData)
      add_dependencies(${target} SuperSpotData)
    endif()
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  gtest_discover_tests(${target}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_TIMEOUT})
  # gtest_discover_tests flattens PROPERTIES into one list, so list-valued properties
  # lose all but their first item (a DATA test got no SUPERSPOT_DATA_DIR and no labels).
  # Set them from a script CTest runs after the discovered tests exist: their names are
  # in <target>_TESTS there.
  set(properties_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_properties.cmake)
  file(WRITE ${properties_file}
    "if(${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES ENVIRONMENT [==[${env}]==] LABELS [==[${labels}]==])\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${properties_file})
endfunction()

# superspot_add_benchmark(<target> SOURCES <files>... LIBS <libs>...)
# Google Benchmark executables: built, never run by CTest (benchmarks are not tests).
function(superspot_add_benchmark target)
  if(NOT SUPERSPOT_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${B_SOURCES})
  target_link_libraries(${target} PRIVATE ${B_LIBS} benchmark::benchmark SuperSpotWarnings)
endfunction()
