// SuperSpotTrain: trains SuperSpot's model on a pair set (Modules/Training does the work).

#include "SuperSpotTrainCLP.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssPairSet.h"
#include "ssPairSetTraining.h"
#include "ssProgress.h"

#include <cstdint>

int SuperSpotTrainModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotTrainParameters args;
  if (const auto exitCode = ParseSuperSpotTrain(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      if (args.pairs.empty())
      {
        SS_INPUT_ERROR("command line", "--pairs", "no pair set given", "pass --pairs FOLDER (from SuperSpotMakePairs)");
      }
      // The cheap refusals first: the output folder and the configuration file.
      ss::CheckTrainingFolder(args.output, args.resume, args.overwrite);
      ss::PairSetTrainingOptions options;
      options.preset = args.preset;
      if (!args.config.empty())
      {
        ss::RequireFile(args.config, "--config", "give a model config.json (whole, or only the keys to change)");
        options.model.config = ss::ReadJSONFile(args.config, "--config");
        options.model.configSource = args.config;
      }
      options.model.patchSize = args.patchSize;
      options.model.noHistology = args.noHistology;
      options.model.noDisentangling = args.noDisentangling;
      options.model.noDynamicAttention = args.noDynamicAttention;
      options.model.noGeneGraph = args.noGeneGraph;
      options.model.regression = args.regression;
      options.windows.minValidFraction = args.minValidFraction;
      options.overwrite = args.overwrite;
      ss::TrainerOptions & t = options.trainer;
      t.outputDir = args.output;
      t.steps = args.steps;
      t.batchSize = args.batchSize;
      t.learningRate = args.learningRate;
      t.warmupSteps = args.warmupSteps;
      t.checkpointEvery = args.checkpointEvery;
      t.resume = args.resume;
      t.seed = static_cast<std::uint64_t>(args.seed);
      t.threads = args.threads;
      t.device = args.device;
      t.rank = args.rank;
      t.worldSize = args.worldSize;
      t.masterAddress = args.masterAddress;
      t.masterPort = args.masterPort;

      ss::ProgressReporter & progress = ss::ProgressReporter::Global();
      progress.Start("SuperSpotTrain", "reading the pair set");
      const ss::PairSet pairs = ss::PairSet::Load(args.pairs);
      progress.End();
      const ss::PairSetTrainingSummary s = ss::TrainOnPairSet(pairs, options, &progress, args.pairs);
      args.finalLoss = s.training.losses.empty() ? -1.0 : s.training.losses.back();
      args.completedSteps = static_cast<int>(s.training.lastStep);
      args.trainingWindows = static_cast<int>(s.windows);
      args.parameterDigest = s.training.parameterDigest;
      args.WriteReturnParameters();
      return 0;
    });
}
