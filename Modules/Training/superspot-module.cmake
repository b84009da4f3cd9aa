superspot_module(SuperSpotTraining
  DESCRIPTION "Training from pair sets: the training windows of a PairSet as a PatchProvider, a model configuration that follows the pair set (genes, normalization, grids), and TrainOnPairSet (the work of SuperSpotTrain, also for modules that train on a slide's own spots)"
  DEPENDS SuperSpotCore SuperSpotPairs SuperSpotModel)
