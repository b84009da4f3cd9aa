// Training: statistics, schedule, augmentation, checkpoints, exact resume, and
// data parallel over two processes.
#include "ssError.h"
#include "ssFiles.h"
#include "ssGeneStatistics.h"
#include "ssModelRunner.h"
#include "ssModelTestUtilities.h"
#include "ssSafeTensors.h"
#include "ssSubprocessTestUtilities.h"
#include "ssTrainer.h"
#include "ssTrainerTestData.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>


#include <cmath>
#include <fstream>

namespace
{

class TempDir
{
public:
  TempDir()
  {
    m_Path = (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-train-%%%%-%%%%")).string();
    boost::filesystem::create_directories(m_Path);
  }
  ~TempDir() { boost::filesystem::remove_all(m_Path); }
  const std::string & Path() const { return m_Path; }
  std::string File(const std::string & name) const { return m_Path + "/" + name; }

private:
  std::string m_Path;
};

ss::TrainerOptions Quick(const std::string & dir)
{
  ss::TrainerOptions o;
  o.outputDir = dir;
  o.steps = 6;
  o.batchSize = 2;
  o.learningRate = 1e-3;
  o.warmupSteps = 2;
  o.checkpointEvery = 3;
  o.threads = 1;
  o.seed = 17;
  o.logEvery = 0;
  o.rank = 0;
  o.worldSize = 1;
  return o;
}

} // namespace

TEST(Trainer, LearningRateWarmsUpThenDecaysToTheFloor)
{
  ss::TrainerOptions o;
  o.steps = 110;
  o.warmupSteps = 10;
  o.learningRate = 1.0;
  o.minLearningRateFraction = 0.1;
  EXPECT_NEAR(ss::Trainer::LearningRate(o, 0), 0.1, 1e-12);
  EXPECT_NEAR(ss::Trainer::LearningRate(o, 9), 1.0, 1e-12);
  EXPECT_NEAR(ss::Trainer::LearningRate(o, 10), 1.0, 1e-12);
  EXPECT_NEAR(ss::Trainer::LearningRate(o, 60), 0.55, 1e-12);
  EXPECT_NEAR(ss::Trainer::LearningRate(o, 110), 0.1, 1e-12);
}

TEST(Trainer, StatisticsComeFromTheTrainingData)
{
  ss::ModelConfig c = ss::test::TinyConfig();
  const auto data = ss::test::SyntheticProvider(c, 5);
  ss::Trainer::ComputeStatistics(c, data, 100);
  ss::GeneStatistics expected(4);
  ss::TrainingPatch p;
  for (int i = 0; i < 5; ++i)
  {
    data.Get(i, p);
    expected.Add(p.hr.data.data(), p.base.data.data(), p.hrMask.data.data(), 256);
  }
  EXPECT_EQ(c.residualScales, expected.ResidualScales());
  EXPECT_EQ(c.geneGraph.adjacency,
            ss::CoexpressionAdjacency(expected.Correlation(), 4, c.geneGraph.topK, c.geneGraph.minCorrelation));
  // The two modules (even / odd genes) co-vary: an edge inside a module.
  EXPECT_GT(c.geneGraph.adjacency[0 * 4 + 2], 0.0f);
}

TEST(Trainer, AugmentationTransformsEveryArrayTheSameWay)
{
  const ss::ModelConfig c = ss::test::TinyConfig();
  const ss::TrainingPatch p = ss::test::SyntheticPatch(c, 3);
  const ss::TrainingPatch t = p.Transformed(4); // transpose
  EXPECT_EQ(t.hr.data[(1 * 16 + 2) * 16 + 5], p.hr.data[(1 * 16 + 5) * 16 + 2]);
  EXPECT_EQ(t.cell.data[(2 * 32 + 30) * 32 + 1], p.cell.data[(2 * 32 + 1) * 32 + 30]);
  EXPECT_EQ(t.hrMask.data[0], p.hrMask.data[0]);
  const ss::TrainingPatch r = p.Transformed(1 | 2); // both flips = rot180
  EXPECT_EQ(r.hrMask.data[255], 0.0f);
  EXPECT_EQ(r.tissue.data[(0 * 16 + 0) * 16 + 0], p.tissue.data[(0 * 16 + 15) * 16 + 15]);
  EXPECT_EQ(r.lr.data[(3 * 16 + 0) * 16 + 1], p.lr.data[(3 * 16 + 15) * 16 + 14]);
  // The 8 operations are distinct and op 0 is the identity.
  EXPECT_EQ(p.Transformed(0).hr.data, p.hr.data);
  for (int a = 0; a < 8; ++a)
    for (int b = a + 1; b < 8; ++b)
      EXPECT_NE(p.Transformed(a).cell.data, p.Transformed(b).cell.data) << a << " " << b;
}

TEST(Trainer, TrainsWritesAModelAndResumesExactly)
{
  const ss::ModelConfig c = ss::test::TinyConfig();
  const auto data = ss::test::SyntheticProvider(c, 7);
  TempDir straight, interrupted;
  const ss::TrainingSummary a = ss::Trainer(c, Quick(straight.Path())).Train(data);
  EXPECT_EQ(a.firstStep, 0);
  EXPECT_EQ(a.lastStep, 6);
  ASSERT_EQ(a.losses.size(), 6u);
  for (double l : a.losses)
  {
    EXPECT_TRUE(std::isfinite(l) && l > 0);
  }
  EXPECT_EQ(a.config.residualScales.size(), 4u);
  EXPECT_TRUE(ss::FileExists(straight.File("config.json")));
  EXPECT_TRUE(ss::FileExists(straight.File("model.safetensors")));
  EXPECT_TRUE(ss::FileExists(straight.File("checkpoint/state.safetensors")));
  // The model folder loads and predicts.
  const auto runner = ss::ModelRunner::Load(straight.Path(), "cpu", 1);
  EXPECT_EQ(runner->GetConfig().residualScales, a.config.residualScales);

  // Interrupt after 3 steps, resume to 6: the same parameters bit for bit.
  ss::TrainerOptions o = Quick(interrupted.Path());
  o.stopAfter = 3;
  const ss::TrainingSummary first = ss::Trainer(c, o).Train(data);
  EXPECT_EQ(first.lastStep, 3);
  EXPECT_FALSE(ss::FileExists(interrupted.File("model.safetensors")));
  o.stopAfter = 0;
  o.resume = true;
  const ss::TrainingSummary second = ss::Trainer(c, o).Train(data);
  EXPECT_EQ(second.firstStep, 3);
  EXPECT_EQ(second.lastStep, 6);
  ASSERT_EQ(second.losses.size(), 3u);
  for (int i = 0; i < 3; ++i)
  {
    EXPECT_EQ(second.losses[static_cast<std::size_t>(i)], a.losses[static_cast<std::size_t>(3 + i)]) << i;
  }
  EXPECT_EQ(second.parameterDigest, a.parameterDigest);
  const auto ma = ss::ReadSafeTensors(straight.File("model.safetensors"));
  const auto mb = ss::ReadSafeTensors(interrupted.File("model.safetensors"));
  ASSERT_EQ(ma.tensors.size(), mb.tensors.size());
  for (std::size_t i = 0; i < ma.tensors.size(); ++i)
  {
    EXPECT_EQ(ma.tensors[i].data, mb.tensors[i].data) << ma.tensors[i].name;
  }
  // A fresh (not resumed) run in the same folder starts from step 0 again.
  o.resume = false;
  o.steps = 2;
  const ss::TrainingSummary fresh = ss::Trainer(c, o).Train(data);
  EXPECT_EQ(fresh.firstStep, 0);
  EXPECT_EQ(fresh.lastStep, 2);
  // Its checkpoint replaced the earlier run's (which was at step 6).
  EXPECT_EQ(ss::ReadSafeTensors(interrupted.File("checkpoint/state.safetensors")).metadata.at("step"), "2");
}

TEST(Trainer, RegressionTrainsWritesARegressionModelAndResumesExactly)
{
  ss::ModelConfig c = ss::test::TinyConfig();
  c.ApplyVariant("regression");
  const auto data = ss::test::SyntheticProvider(c, 7);
  TempDir straight, interrupted;
  ss::TrainerOptions o = Quick(straight.Path());
  o.steps = 4;
  o.checkpointEvery = 2;
  const ss::TrainingSummary a = ss::Trainer(c, o).Train(data);
  ASSERT_EQ(a.losses.size(), 4u);
  for (double l : a.losses)
  {
    EXPECT_TRUE(std::isfinite(l) && l > 0);
  }
  EXPECT_TRUE(a.config.IsRegression());
  const auto runner = ss::ModelRunner::Load(straight.Path(), "cpu", 1);
  EXPECT_TRUE(runner->GetConfig().IsRegression());
  EXPECT_TRUE(ss::ModelConfig::FromJSON(ss::ReadJSONFile(straight.File("checkpoint/config.json"))).IsRegression());

  ss::TrainerOptions r = o;
  r.outputDir = interrupted.Path();
  r.stopAfter = 2;
  ss::Trainer(c, r).Train(data);
  r.stopAfter = 0;
  r.resume = true;
  const ss::TrainingSummary b = ss::Trainer(c, r).Train(data);
  EXPECT_EQ(b.firstStep, 2);
  ASSERT_EQ(b.losses.size(), 2u);
  EXPECT_EQ(b.losses[0], a.losses[2]);
  EXPECT_EQ(b.losses[1], a.losses[3]);
  EXPECT_EQ(b.parameterDigest, a.parameterDigest);

  // The same data and seed trained as a diffusion model learn something else.
  TempDir diffusion;
  o.outputDir = diffusion.Path();
  EXPECT_NE(ss::Trainer(ss::test::TinyConfig(), o).Train(data).parameterDigest, a.parameterDigest);
}

TEST(Trainer, BadOptionsAndDataAreRefused)
{
  const ss::ModelConfig c = ss::test::TinyConfig();
  ss::TrainerOptions o = Quick("");
  EXPECT_THROW(ss::Trainer(c, o), ss::InputError);
  TempDir dir;
  o = Quick(dir.Path());
  const ss::FunctionPatchProvider wrong(3,
                                        [](std::int64_t, ss::TrainingPatch & p)
                                        {
                                          p = ss::test::SyntheticPatch(ss::test::TinyConfig(), 0);
                                          p.base = ss::FloatArray({ 4, 8, 8 });
                                        });
  try
  {
    ss::Trainer(c, o).Train(wrong);
    FAIL() << "expected an InputError";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_NE(std::string(e.what()).find("training patch 0: base"), std::string::npos) << e.what();
  }
}

namespace
{

std::string ReadLine(const std::string & path)
{
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

} // namespace

TEST(Trainer, DataParallelReplicasAgreeAndReallyAverageGradients)
{
#ifndef SUPERSPOT_HAS_GLOO
  GTEST_SKIP() << "built without Gloo's headers (Debian: libgloo-dev): no data-parallel training";
#endif
  TempDir dir;
  const std::string driver = SUPERSPOT_TRAINER_DRIVER;
  const std::string port = std::to_string(ss::test::FreePort());
  const std::vector<std::string> common{ "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port, "WORLD_SIZE=2" };
  std::vector<std::string> env0 = common, env1 = common;
  env0.push_back("RANK=0");
  env1.push_back("RANK=1");
  const pid_t p0 = ss::test::Spawn({ driver, dir.File("ddp"), dir.File("rank0.txt"), "full" }, env0, dir.File("rank0.log"));
  const pid_t p1 = ss::test::Spawn({ driver, dir.File("ddp"), dir.File("rank1.txt"), "full" }, env1, dir.File("rank1.log"));
  ASSERT_GT(p0, 0);
  ASSERT_GT(p1, 0);
  EXPECT_EQ(ss::test::Wait(p0), 0);
  EXPECT_EQ(ss::test::Wait(p1), 0);
  const std::string d0 = ReadLine(dir.File("rank0.txt")), d1 = ReadLine(dir.File("rank1.txt"));
  ASSERT_FALSE(d0.empty());
  EXPECT_EQ(d0, d1) << "the replicas' parameters differ after the all-reduced steps";
  // One process on rank 0's shard alone, the same batches and noise: different
  // parameters, so the other rank's gradients did enter the update.
  const pid_t single =
    ss::test::Spawn({ driver, dir.File("single"), dir.File("single.txt"), "shard0of2" }, { "RANK=0", "WORLD_SIZE=1" }, dir.File("single.log"));
  ASSERT_GT(single, 0);
  EXPECT_EQ(ss::test::Wait(single), 0);
  const std::string s = ReadLine(dir.File("single.txt"));
  ASSERT_FALSE(s.empty());
  EXPECT_NE(s, d0);
  // Only rank 0 wrote the model.
  EXPECT_TRUE(ss::FileExists(dir.File("ddp/model.safetensors")));
}
