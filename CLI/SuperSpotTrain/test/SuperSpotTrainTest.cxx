// SuperSpotTrain run in-process: a tiny model on a synthetic pair set (the model follows the
// pairs and loads), an earlier model replaced, and the refusals.
#include "ssCLITestUtilities.h"
#include "ssTrainTestSupport.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssModelRunner.h"
#include "ssPairSetPatchProvider.h"

#include <gtest/gtest.h>

#include <cmath>

int SuperSpotTrainModuleEntryPoint(int argc, char * argv[]);

using ss::test::ExpectOneLineError;
using ss::test::With;

namespace
{
ss::test::ModuleRun Train(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotTrainModuleEntryPoint, "SuperSpotTrain", arguments);
}
} // namespace

TEST(SuperSpotTrain, TrainsOnAPairSetAndTheModelFollowsIt)
{
  const ss::test::TrainWorkspace w = ss::test::MakeTrainWorkspace();
  const std::string model = ss::JoinPath(w.dir, "model"), returned = ss::JoinPath(w.dir, "return.txt");
  const auto run =
    Train(With(ss::test::QuickTraining(w, model, 3), { "--checkpointEvery", "0", "--returnparameterfile", returned }));
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  EXPECT_NE(run.standardOutput.find("<filter-progress>"), std::string::npos);
  EXPECT_NE(run.standardOutput.find("<filter-name>Training</filter-name>"), std::string::npos);
  EXPECT_EQ(ss::test::ReturnValue(returned, "completedSteps"), "3");
  const double loss = std::stod(ss::test::ReturnValue(returned, "finalLoss"));
  EXPECT_TRUE(std::isfinite(loss) && loss > 0) << loss;
  EXPECT_FALSE(ss::test::ReturnValue(returned, "parameterDigest").empty());

  // Copied: ModelRunner::Load keeps a runner per folder and file times (whole seconds), so
  // the retrained model below must not be read through it while this one lives.
  const ss::ModelConfig c = ss::ModelRunner::Load(model, "cpu", 1)->GetConfig();
  const ss::PairSet pairs = ss::PairSet::Load(w.pairs);
  EXPECT_EQ(c.genes, pairs.genes) << "the config file's genes A-D were not replaced";
  EXPECT_EQ(c.normalization.mode, "density");
  EXPECT_EQ(c.normalization.referenceAreaUm2, 100.0);
  EXPECT_EQ(c.normalization.resolutionUm, 10.0);
  EXPECT_EQ(c.normalization.factor, 10.0);
  EXPECT_EQ(c.cellPixelsPerBin, 2);
  EXPECT_EQ(c.tissueBinsPerPixel, 4);
  EXPECT_EQ(c.channels, ss::test::TinyConfig().channels) << "the --config architecture";
  EXPECT_EQ(c.residualScales.size(), 4u);
  EXPECT_EQ(std::stoll(ss::test::ReturnValue(returned, "trainingWindows")),
            ss::PairSetPatchProvider(pairs, c, 11).Size());

  // The finished folder is this run's only with --resume or --overwrite.
  ExpectOneLineError(Train(ss::test::QuickTraining(w, model, 3)), "--output: exists and is not empty");
  const auto again = Train(With(ss::test::QuickTraining(w, model, 2), { "--overwrite", "--noGeneGraph" }));
  ASSERT_EQ(again.exitCode, 0) << again.standardError;
  const std::string config = ss::JoinPath(model, "config.json");
  EXPECT_FALSE(ss::ModelConfig::FromJSON(ss::ReadJSONFile(config), config).useGeneGraph);
}

TEST(SuperSpotTrain, RefusalsAreOneLineAndComeBeforeTheWork)
{
  const ss::test::TrainWorkspace w = ss::test::MakeTrainWorkspace(false);
  const std::string model = ss::JoinPath(w.dir, "model");
  ExpectOneLineError(Train({ "--output", model }), "--pairs: no pair set given");
  ExpectOneLineError(Train({ "--pairs", w.pairs }), "--output: no model folder given");
  // Pairs without H&E train only a model without histology.
  auto run = Train(ss::test::QuickTraining(w, model, 2));
  ExpectOneLineError(run, "slides[0].maps.cell: slide 'synthetic0' has no H&E maps");
  EXPECT_NE(run.standardError.find("--noHistology"), std::string::npos);
  EXPECT_FALSE(ss::DirectoryExists(model));
  ExpectOneLineError(Train(With(ss::test::QuickTraining(w, model, 2), { "--noHistology", "--device", "tpu" })), "tpu");

  const std::string typo = ss::JoinPath(w.dir, "typo.json");
  ss::WriteJSONFileAtomically(typo, { { "denoiser", { { "chanels", 8 } } } });
  ExpectOneLineError(Train({ "--pairs", w.pairs, "--output", model, "--config", typo, "--noHistology" }),
                     "typo.json: denoiser.chanels: is not a model option");
  ExpectOneLineError(Train({ "--pairs", w.pairs, "--output", model, "--config", ss::JoinPath(w.dir, "none.json") }),
                     "none.json: --config: file not found");

  const std::string notMine = ss::JoinPath(w.dir, "notes");
  ss::CreateDirectories(notMine);
  ss::WriteTextFileAtomically(ss::JoinPath(notMine, "notes.txt"), "mine\n");
  ExpectOneLineError(Train(With(ss::test::QuickTraining(w, notMine, 2), { "--noHistology", "--overwrite" })),
                     "is not a SuperSpot model folder");
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(notMine, "notes.txt")));

  run = Train(With(ss::test::QuickTraining(w, model, 2), { "--noHistology" }));
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const ss::ModelConfig c = ss::ModelRunner::Load(model, "cpu", 1)->GetConfig();
  EXPECT_FALSE(c.useHistology || c.useDisentangling || c.useDynamicAttention);
  EXPECT_TRUE(c.useGeneGraph);
  // --overwrite replaces a model only with one that can be trained.
  ExpectOneLineError(Train(With(ss::test::QuickTraining(w, model, 2), { "--overwrite" })), "no H&E maps");
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(model, "model.safetensors")));
}
