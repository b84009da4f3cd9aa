superspot_module(SuperSpotFilters
  DESCRIPTION "The model's inference stages as ITK filters (condition encoder, gene-graph prior, diffusion sampler), the super-resolution composite filter with overlapping patches and smooth blending, and the block-by-block slide driver with shards"
  DEPENDS SuperSpotCore SuperSpotPairs SuperSpotModel
  PUBLIC_EXTERNAL ITK)
