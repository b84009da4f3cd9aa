# OpenSlide 3.4.1 (autotools). Needs its own dependencies (cairo, gdk-pixbuf,
# libxml2, sqlite, openjpeg, libtiff) installed on the machine.
if(SUPERSPOT_USE_SYSTEM_OpenSlide)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(OPENSLIDE REQUIRED openslide)
  return()
endif()
ExternalProject_Add(OpenSlide
  URL https://github.com/openslide/openslide/releases/download/v3.4.1/openslide-3.4.1.tar.gz
  PREFIX ${SUPERSPOT_SUPERBUILD_PREFIX}/OpenSlide
  CONFIGURE_COMMAND <SOURCE_DIR>/configure --prefix=${SUPERSPOT_SUPERBUILD_PREFIX}
  BUILD_COMMAND make
  INSTALL_COMMAND make install
  BUILD_IN_SOURCE ON)
list(APPEND _superspot_inner_args
  "-DCMAKE_PREFIX_PATH:STRING=${SUPERSPOT_SUPERBUILD_PREFIX}"
  "-DPKG_CONFIG_PATH:STRING=${SUPERSPOT_SUPERBUILD_PREFIX}/lib/pkgconfig")
list(APPEND _superspot_inner_depends OpenSlide)
