superspot_module(SuperSpotPairs
  DESCRIPTION "Model inputs and training pairs: normalization, spot rasterization, molecule binning, pseudo-spots, spot-grid coarsening, spot interpolation, histology tile extraction, PairSet, training pairs from loaded slides (SuperSpotMakePairs)"
  DEPENDS SuperSpotCore SuperSpotIO
  PUBLIC_EXTERNAL ITK)
