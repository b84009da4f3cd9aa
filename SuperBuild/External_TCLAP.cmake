# TCLAP 1.2.5: header-only.
if(SUPERSPOT_USE_SYSTEM_TCLAP)
  find_path(TCLAP_INCLUDE_DIR tclap/CmdLine.h REQUIRED)
  list(APPEND _superspot_inner_args -DTCLAP_INCLUDE_DIR:PATH=${TCLAP_INCLUDE_DIR})
  return()
endif()
ExternalProject_Add(TCLAP
  URL https://downloads.sourceforge.net/project/tclap/tclap-1.2.5.tar.gz
  PREFIX ${SUPERSPOT_SUPERBUILD_PREFIX}/TCLAP
  CONFIGURE_COMMAND "" BUILD_COMMAND ""
  INSTALL_COMMAND ${CMAKE_COMMAND} -E copy_directory <SOURCE_DIR>/include ${SUPERSPOT_SUPERBUILD_PREFIX}/include)
list(APPEND _superspot_inner_args -DTCLAP_INCLUDE_DIR:PATH=${SUPERSPOT_SUPERBUILD_PREFIX}/include)
list(APPEND _superspot_inner_depends TCLAP)
