# ITK 5.2.1 with the modules SuperSpot uses (HDF5 and the image IOs come with it).
if(SUPERSPOT_USE_SYSTEM_ITK)
  find_package(ITK 5.2 REQUIRED)
  list(APPEND _superspot_inner_args -DITK_DIR:PATH=${ITK_DIR})
  return()
endif()
ExternalProject_Add(ITK
  GIT_REPOSITORY https://github.com/InsightSoftwareConsortium/ITK.git
  GIT_TAG v5.2.1
  GIT_SHALLOW ON
  PREFIX ${SUPERSPOT_SUPERBUILD_PREFIX}/ITK
  CMAKE_CACHE_ARGS
    -DCMAKE_BUILD_TYPE:STRING=Release
    -DCMAKE_INSTALL_PREFIX:PATH=${SUPERSPOT_SUPERBUILD_PREFIX}
    -DBUILD_TESTING:BOOL=OFF
    -DBUILD_EXAMPLES:BOOL=OFF
    -DBUILD_SHARED_LIBS:BOOL=ON
    -DITK_USE_SYSTEM_HDF5:BOOL=OFF
    -DModule_ITKReview:BOOL=OFF)
list(APPEND _superspot_inner_args -DITK_DIR:PATH=${SUPERSPOT_SUPERBUILD_PREFIX}/lib/cmake/ITK-5.2)
list(APPEND _superspot_inner_depends ITK)
