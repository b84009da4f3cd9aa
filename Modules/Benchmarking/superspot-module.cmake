superspot_module(SuperSpotBenchmarking
  DESCRIPTION "The benchmark protocols that run models (BENCHMARK.md 1-3): HER2ST-2x leave-one-out folds, the phantom 5x/10x, speed and scale; the method list, fair training of every variant, results, charts and figures"
  DEPENDS SuperSpotCore SuperSpotPairs SuperSpotEvaluation SuperSpotTraining SuperSpotFilters SuperSpotSimulation SuperSpotIO SuperSpotVisualization SuperSpotWorkflows
  PRIVATE_EXTERNAL Torch)
