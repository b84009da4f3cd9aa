# LibTorch 1.13.1 (CPU, C++11 ABI): the official prebuilt archive.
if(SUPERSPOT_USE_SYSTEM_Torch)
  find_package(Torch REQUIRED)
  list(APPEND _superspot_inner_args -DTorch_DIR:PATH=${Torch_DIR})
  return()
endif()
set(SUPERSPOT_LIBTORCH_URL
  "https://download.pytorch.org/libtorch/cpu/libtorch-cxx11-abi-shared-with-deps-1.13.1%2Bcpu.zip"
  CACHE STRING "LibTorch archive (pick a CUDA one for GPU builds)")
ExternalProject_Add(Torch
  URL ${SUPERSPOT_LIBTORCH_URL}
  PREFIX ${SUPERSPOT_SUPERBUILD_PREFIX}/Torch
  SOURCE_DIR ${SUPERSPOT_SUPERBUILD_PREFIX}/libtorch
  CONFIGURE_COMMAND "" BUILD_COMMAND "" INSTALL_COMMAND "")
list(APPEND _superspot_inner_args -DTorch_DIR:PATH=${SUPERSPOT_SUPERBUILD_PREFIX}/libtorch/share/cmake/Torch)
list(APPEND _superspot_inner_depends Torch)
