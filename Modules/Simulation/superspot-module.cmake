superspot_module(SuperSpotSimulation
  DESCRIPTION "Seeded tissue simulator: spatial domains, cells, overdispersed expression with co-expressed gene modules, molecules in µm, an on-demand H&E-like renderer, and slides written as Xenium bundles, Space Ranger outs/ and legacy ST tables of pseudo-spots, with their ground truth"
  DEPENDS SuperSpotCore SuperSpotIO SuperSpotIOOpenSlide SuperSpotPairs
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL Boost)
