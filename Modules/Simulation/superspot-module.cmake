superspot_module(SuperSpotSimulation
  DESCRIPTION "Seeded tissue simulator: spatial domains, cells, overdispersed expression with co-expressed gene modules, molecules in µm, and an on-demand H&E-like renderer"
  DEPENDS SuperSpotCore
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL Boost)
