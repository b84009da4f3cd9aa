# SuperBuild: for machines without the packages. One External_<dep>.cmake per
# dependency; SUPERSPOT_USE_SYSTEM_<dep>=ON uses the installed package (find_package),
# OFF builds a pinned release with ExternalProject. SuperSpot itself is then built as
# an inner project against whatever was chosen.
#
# On Debian 12 with the README's packages every switch stays ON; configuring this
# SuperBuild is checked in CTest (SuperSpotSuperBuildConfigure), and the plain build
# (SUPERSPOT_SUPERBUILD=OFF) is the same as the SuperBuild with every switch ON.
include(ExternalProject)

set(SUPERSPOT_SUPERBUILD_DEPENDENCIES ITK Torch OpenSlide TCLAP)
foreach(dep IN LISTS SUPERSPOT_SUPERBUILD_DEPENDENCIES)
  option(SUPERSPOT_USE_SYSTEM_${dep} "Use the installed ${dep} instead of building it" ON)
endforeach()

set(SUPERSPOT_SUPERBUILD_PREFIX ${CMAKE_BINARY_DIR}/deps CACHE PATH "Where dependencies are built and installed")
set(_superspot_inner_args)
set(_superspot_inner_depends)

foreach(dep IN LISTS SUPERSPOT_SUPERBUILD_DEPENDENCIES)
  include(${CMAKE_CURRENT_LIST_DIR}/External_${dep}.cmake)
endforeach()

ExternalProject_Add(SuperSpot
  SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/..
  BINARY_DIR ${CMAKE_BINARY_DIR}/SuperSpot-build
  CMAKE_CACHE_ARGS
    -DSUPERSPOT_SUPERBUILD:BOOL=OFF
    -DCMAKE_BUILD_TYPE:STRING=${CMAKE_BUILD_TYPE}
    -DCMAKE_INSTALL_PREFIX:PATH=${CMAKE_INSTALL_PREFIX}
    -DCMAKE_PREFIX_PATH:STRING=${SUPERSPOT_SUPERBUILD_PREFIX}
    ${_superspot_inner_args}
  DEPENDS ${_superspot_inner_depends}
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON)
