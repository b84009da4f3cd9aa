superspot_module(SuperSpotWorkflows
  DESCRIPTION "What the CLI modules do, as library functions: the whole-slide super-resolution of one slide (SuperSpotSuperResolve: self-supervised or with a model, streaming, shards, outputs for Slicer, ITK and scanpy)"
  DEPENDS SuperSpotCore SuperSpotIO SuperSpotPairs SuperSpotModel SuperSpotTraining SuperSpotFilters SuperSpotEvaluation SuperSpotVisualization SuperSpotSimulation
  PUBLIC_EXTERNAL ITK
  PRIVATE_EXTERNAL Boost)
