superspot_module(SuperSpotEvaluation
  DESCRIPTION "Benchmark metrics (PCC, RMSE, skimage-exact SSIM, calibration, spectral sharpness), the HER2ST-2x protocol, predictions files and results tables"
  DEPENDS SuperSpotCore SuperSpotPairs
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL Boost)
