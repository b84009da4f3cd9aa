superspot_module(SuperSpotIO
  DESCRIPTION "Readers and writers of Space Ranger outs/, legacy ST tables, Xenium and MERSCOPE transcripts; H&E loading in µm with explicit pixel conversions; image-factory registration; spot/image coordinate checks and overlays"
  DEPENDS SuperSpotCore
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL HDF5 Boost ZLIB::ZLIB)
