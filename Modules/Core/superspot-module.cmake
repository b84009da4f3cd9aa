superspot_module(SuperSpotCore
  DESCRIPTION "Data model in physical space (µm), coordinate conversions, errors that name the file, field and fix, tables, JSON, atomic files, progress"
  PUBLIC_EXTERNAL ITK nlohmann_json::nlohmann_json
  PRIVATE_EXTERNAL Boost)
