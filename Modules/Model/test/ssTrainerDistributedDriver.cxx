// Two of these, started with RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT as
// torchrun sets them, train the tiny model data-parallel for a few steps; each
// writes the digest of its parameters. Used by Trainer.DataParallel… in
// ssTrainerTest.cxx. Usage: driver OUTPUT_DIR DIGEST_FILE full|shard0of2
#include "ssError.h"
#include "ssProgress.h"
#include "ssTrainer.h"
#include "ssTrainerTestData.h"

#include <fstream>
#include <iostream>

int main(int argc, char ** argv)
{
  if (argc != 4)
  {
    std::cerr << "usage: " << argv[0] << " OUTPUT_DIR DIGEST_FILE full|shard0of2\n";
    return 2;
  }
  try
  {
    ss::SetLogVerbosity(0);
    ss::ModelConfig c = ss::test::TinyConfig();
    // Fixed statistics, so a run on part of the data differs only by what it trains on.
    c.residualScales.assign(4, 1.0f);
    ss::TrainerOptions o;
    o.outputDir = argv[1];
    o.steps = 3;
    o.batchSize = 2;
    o.learningRate = 1e-3;
    o.warmupSteps = 1;
    o.checkpointEvery = 0;
    o.threads = 1;
    o.seed = 5;
    o.logEvery = 0;
    o.computeStatistics = false;
    const std::string mode = argv[3];
    const ss::FunctionPatchProvider full = ss::test::SyntheticProvider(c, 8);
    // Rank 0's shard of the full data (every second patch), as its own data set.
    const ss::FunctionPatchProvider shard(
      4, [c](std::int64_t i, ss::TrainingPatch & p) { p = ss::test::SyntheticPatch(c, 2 * i); });
    const ss::TrainingSummary s =
      ss::Trainer(c, o).Train(mode == "full" ? static_cast<const ss::PatchProvider &>(full) : shard);
    std::ofstream(argv[2]) << s.parameterDigest << "\n";
    return 0;
  }
  catch (const std::exception & e)
  {
    std::cerr << ss::OneLineMessage(e) << "\n";
    return 1;
  }
}
