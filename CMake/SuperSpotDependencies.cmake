# Every third-party package SuperSpot uses, found once here. Targets are wrapped
# in SuperSpot::<Dep> interface targets whose headers count as SYSTEM headers.

set(SUPERSPOT_ITK_COMPONENTS
  ITKCommon ITKIOImageBase ITKIOPNG ITKIOJPEG ITKIOTIFF ITKIONRRD ITKIOMeta
  ITKImageGrid ITKImageFunction ITKImageIntensity ITKImageFilterBase ITKImageStatistics
  ITKImageSources ITKSmoothing ITKTransform ITKStatistics ITKImageCompose)
find_package(ITK 5.2 REQUIRED COMPONENTS ${SUPERSPOT_ITK_COMPONENTS})
add_library(SuperSpotITK INTERFACE)
target_include_directories(SuperSpotITK SYSTEM INTERFACE ${ITK_INCLUDE_DIRS})
target_link_libraries(SuperSpotITK INTERFACE ${ITK_LIBRARIES})
add_library(SuperSpot::ITK ALIAS SuperSpotITK)

# OFF: no LibTorch, and the modules and CLI modules that need it are left out
# (superspot_select_modules): what the clang sanitizer and fuzz builds use.
option(SUPERSPOT_USE_TORCH "Build the modules that need LibTorch" ON)
set(SUPERSPOT_HAS_CUDA OFF)
if(SUPERSPOT_USE_TORCH)
  find_package(Torch REQUIRED)
  add_library(SuperSpotTorch INTERFACE)
  target_link_libraries(SuperSpotTorch INTERFACE ${TORCH_LIBRARIES})
  target_include_directories(SuperSpotTorch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
  if(TORCH_CXX_FLAGS)
    separate_arguments(_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
    target_compile_options(SuperSpotTorch INTERFACE ${_torch_flags})
  endif()
  add_library(SuperSpot::Torch ALIAS SuperSpotTorch)
  # c10d (data-parallel training). Debian's LibTorch ships it inside libtorch_cpu.
  if(TARGET torch_cuda OR CUDA_FOUND)
    set(SUPERSPOT_HAS_CUDA ON)
  endif()
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENSLIDE REQUIRED IMPORTED_TARGET openslide)
add_library(SuperSpotOpenSlide INTERFACE)
target_link_libraries(SuperSpotOpenSlide INTERFACE PkgConfig::OPENSLIDE)
add_library(SuperSpot::OpenSlide ALIAS SuperSpotOpenSlide)

find_package(Boost 1.74 REQUIRED COMPONENTS iostreams filesystem)
add_library(SuperSpotBoost INTERFACE)
target_link_libraries(SuperSpotBoost INTERFACE Boost::headers Boost::iostreams Boost::filesystem)
add_library(SuperSpot::Boost ALIAS SuperSpotBoost)

find_package(HDF5 REQUIRED COMPONENTS C)
add_library(SuperSpotHDF5 INTERFACE)
target_include_directories(SuperSpotHDF5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(SuperSpotHDF5 INTERFACE ${HDF5_C_LIBRARIES})
target_compile_definitions(SuperSpotHDF5 INTERFACE ${HDF5_DEFINITIONS})
add_library(SuperSpot::HDF5 ALIAS SuperSpotHDF5)

find_package(nlohmann_json 3.10 REQUIRED)

find_path(TCLAP_INCLUDE_DIR tclap/CmdLine.h REQUIRED)
add_library(SuperSpotTCLAP INTERFACE)
target_include_directories(SuperSpotTCLAP SYSTEM INTERFACE ${TCLAP_INCLUDE_DIR})
add_library(SuperSpot::TCLAP ALIAS SuperSpotTCLAP)

# libxml2 parses the CLI modules' XML descriptions (Modules/CommandLine) and its
# xmllint validates them against the project's schema in CTest.
find_package(LibXml2 REQUIRED)

find_package(ZLIB REQUIRED)
find_package(PNG REQUIRED)
find_package(TIFF REQUIRED)
find_package(Threads REQUIRED)

if(BUILD_TESTING)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(SUPERSPOT_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not found: benchmarks are not built")
    set(SUPERSPOT_BUILD_BENCHMARKS OFF)
  endif()
endif()
