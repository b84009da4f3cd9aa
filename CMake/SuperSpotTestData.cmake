# Real test data, through ITK-style ExternalData content links under Data/.
# The object store is ../shared/ExternalData (SHA512/<hash>), read-only and
# never copied into the repository. Without it, tests that need data skip.

set(SUPERSPOT_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" CACHE PATH
  "Folder holding the shared data (data/ and ExternalData/)")
get_filename_component(SUPERSPOT_SHARED_DIR "${SUPERSPOT_SHARED_DIR}" ABSOLUTE)
set(SUPERSPOT_TEST_DATA_DIR "${PROJECT_BINARY_DIR}/ExternalData/Data")

include(ExternalData)
set(ExternalData_SOURCE_ROOT ${PROJECT_SOURCE_DIR})
set(ExternalData_BINARY_ROOT ${PROJECT_BINARY_DIR}/ExternalData)
list(APPEND ExternalData_OBJECT_STORES "${SUPERSPOT_SHARED_DIR}/ExternalData")
# No network at build time here; a user elsewhere may point this at any
# public copy of the same files, e.g. -DExternalData_URL_TEMPLATES=https://host/%(algo)/%(hash)
set(ExternalData_URL_TEMPLATES "" CACHE STRING "Where ExternalData may download objects from")

if(EXISTS "${SUPERSPOT_SHARED_DIR}/ExternalData/SHA512" OR ExternalData_URL_TEMPLATES)
  set(SUPERSPOT_HAVE_TEST_DATA ON)
  ExternalData_Expand_Arguments(SuperSpotData _superspot_data_paths
    DATA{Data/her2st/C2/,REGEX:.*}
    DATA{Data/her2st/C3/,REGEX:.*}
    DATA{Data/her2st/C4/,REGEX:.*}
    DATA{Data/her2st/C5/,REGEX:.*}
    DATA{Data/visium_outs_fixture/,REGEX:.*}
    DATA{Data/visium_outs_fixture/spatial/,REGEX:.*}
    DATA{Data/vizgen_mini/,REGEX:.*})
  ExternalData_Add_Target(SuperSpotData)
  message(STATUS "SuperSpot test data: ${SUPERSPOT_SHARED_DIR}/ExternalData -> ${SUPERSPOT_TEST_DATA_DIR}")
else()
  set(SUPERSPOT_HAVE_TEST_DATA OFF)
  message(STATUS "SuperSpot test data: not found at ${SUPERSPOT_SHARED_DIR}/ExternalData; tests that need it will skip")
endif()
