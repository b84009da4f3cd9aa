# Installs SuperSpotConfig.cmake so other ITK projects can find_package(SuperSpot).
include(CMakePackageConfigHelpers)

# The interface wrappers are part of the exported link interface.
install(TARGETS SuperSpotITK SuperSpotOpenSlide SuperSpotBoost SuperSpotHDF5 SuperSpotTCLAP
  EXPORT SuperSpotTargets)
if(TARGET SuperSpotTorch)
  install(TARGETS SuperSpotTorch EXPORT SuperSpotTargets)
endif()

get_property(SUPERSPOT_MODULE_LIST GLOBAL PROPERTY SUPERSPOT_MODULES)
install(EXPORT SuperSpotTargets NAMESPACE SuperSpot:: DESTINATION ${SUPERSPOT_INSTALL_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/SuperSpotConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SuperSpotConfig.cmake
  INSTALL_DESTINATION ${SUPERSPOT_INSTALL_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SuperSpotConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SuperSpotConfig.cmake ${PROJECT_BINARY_DIR}/SuperSpotConfigVersion.cmake
  DESTINATION ${SUPERSPOT_INSTALL_CMAKE_DIR})
