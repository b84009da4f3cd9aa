// The SuperSpotTrain executable as child processes (label "process": about 15 s on 2 loaded
// cores, most of this module's test time): SIGKILLed after its first checkpoint and resumed
// to the model of an uninterrupted run; two ranks of one data-parallel run over Gloo.
#include "ssSubprocessTestUtilities.h"
#include "ssTrainTestSupport.h"

#include "ssFiles.h"
#include "ssModelRunner.h"
#include "ssPairSet.h"
#include "ssSafeTensors.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using ss::test::With;

TEST(SuperSpotTrainProcess, KilledAfterItsFirstCheckpointAndResumedGivesTheUninterruptedModel)
{
  const ss::test::TrainWorkspace w = ss::test::MakeTrainWorkspace();
  const std::string exe = SUPERSPOT_TRAIN_EXECUTABLE;
  const int steps = 12;
  const auto arguments = [&](const std::string & output, std::vector<std::string> more)
  {
    std::vector<std::string> a{ exe };
    a = With(a, ss::test::QuickTraining(w, ss::JoinPath(w.dir, output), steps));
    return With(
      a, With({ "--checkpointEvery", "2", "--returnparameterfile", ss::JoinPath(w.dir, output + ".txt") }, more));
  };
  const std::vector<std::string> quiet{ "SUPERSPOT_PROGRESS=none" };
  const pid_t straight = ss::test::Spawn(arguments("straight", {}), quiet, ss::JoinPath(w.dir, "straight.log"));
  ASSERT_GT(straight, 0);
  ASSERT_EQ(ss::test::Wait(straight), 0) << ss::ReadWholeFile(ss::JoinPath(w.dir, "straight.log"));

  const std::string state = ss::JoinPath(w.dir, "interrupted/checkpoint/state.safetensors");
  const pid_t victim = ss::test::Spawn(arguments("interrupted", {}), quiet, ss::JoinPath(w.dir, "interrupted.log"));
  ASSERT_GT(victim, 0);
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!ss::FileExists(state) && !(exited = ss::test::HasExited(victim, status)) &&
         std::chrono::steady_clock::now() < deadline)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "the run ended (" << status << ") before its first checkpoint";
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  EXPECT_EQ(ss::test::Wait(victim), 128 + SIGKILL);
  const std::int64_t killedAt = std::stoll(ss::ReadSafeTensors(state).metadata.at("step"));
  ASSERT_LT(killedAt, steps) << "killed too late to test anything";
  EXPECT_FALSE(ss::FileExists(ss::JoinPath(w.dir, "interrupted/model.safetensors")));

  const pid_t resumed =
    ss::test::Spawn(arguments("interrupted", { "--resume" }), quiet, ss::JoinPath(w.dir, "resumed.log"));
  ASSERT_GT(resumed, 0);
  ASSERT_EQ(ss::test::Wait(resumed), 0) << ss::ReadWholeFile(ss::JoinPath(w.dir, "resumed.log"));
  EXPECT_NE(ss::ReadWholeFile(ss::JoinPath(w.dir, "resumed.log")).find("resumed from"), std::string::npos);
  EXPECT_EQ(ss::test::ReturnValue(ss::JoinPath(w.dir, "interrupted.txt"), "completedSteps"), std::to_string(steps));
  EXPECT_EQ(ss::test::ReturnValue(ss::JoinPath(w.dir, "interrupted.txt"), "parameterDigest"),
            ss::test::ReturnValue(ss::JoinPath(w.dir, "straight.txt"), "parameterDigest"));
  ss::test::ExpectSameTensors(ss::JoinPath(w.dir, "straight/model.safetensors"),
                              ss::JoinPath(w.dir, "interrupted/model.safetensors"));
  RecordProperty("killedAtStep", static_cast<int>(killedAt));
}

TEST(SuperSpotTrainProcess, TwoRanksTrainOneModelAndRankZeroWritesIt)
{
#ifndef SUPERSPOT_HAS_GLOO
  GTEST_SKIP() << "built without Gloo's headers (Debian: libgloo-dev): no data-parallel training";
#endif
  const ss::test::TrainWorkspace w = ss::test::MakeTrainWorkspace();
  const std::string exe = SUPERSPOT_TRAIN_EXECUTABLE;
  const std::string port = std::to_string(ss::test::FreePort());
  std::vector<pid_t> ranks;
  for (int r = 0; r < 2; ++r)
  {
    const std::string name = "rank" + std::to_string(r);
    std::vector<std::string> a{ exe };
    // Each rank its own --output: rank 1's must stay empty.
    a = With(a, ss::test::QuickTraining(w, ss::JoinPath(w.dir, name), 3));
    a = With(a,
             { "--rank",
               std::to_string(r),
               "--worldSize",
               "2",
               "--masterAddress",
               "127.0.0.1",
               "--masterPort",
               port,
               "--returnparameterfile",
               ss::JoinPath(w.dir, name + ".txt") });
    ranks.push_back(ss::test::Spawn(a, { "SUPERSPOT_PROGRESS=none" }, ss::JoinPath(w.dir, name + ".log")));
    ASSERT_GT(ranks.back(), 0);
  }
  for (int r = 0; r < 2; ++r)
  {
    EXPECT_EQ(ss::test::Wait(ranks[static_cast<std::size_t>(r)]), 0)
      << ss::ReadWholeFile(ss::JoinPath(w.dir, "rank" + std::to_string(r) + ".log"));
  }
  const std::string d0 = ss::test::ReturnValue(ss::JoinPath(w.dir, "rank0.txt"), "parameterDigest");
  const std::string d1 = ss::test::ReturnValue(ss::JoinPath(w.dir, "rank1.txt"), "parameterDigest");
  ASSERT_FALSE(d0.empty());
  EXPECT_EQ(d0, d1) << "the replicas' parameters differ after the all-reduced steps";
  EXPECT_EQ(ss::test::ReturnValue(ss::JoinPath(w.dir, "rank1.txt"), "completedSteps"), "3");
  EXPECT_EQ(ss::test::ReturnValue(ss::JoinPath(w.dir, "rank0.txt"), "trainingWindows"),
            ss::test::ReturnValue(ss::JoinPath(w.dir, "rank1.txt"), "trainingWindows"));
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(w.dir, "rank0/model.safetensors")));
  EXPECT_TRUE(ss::IsDirectoryEmpty(ss::JoinPath(w.dir, "rank1"))) << "rank 1 wrote";
  // And the model rank 0 wrote is the replicas' (EMA aside, the same training): it loads.
  EXPECT_EQ(ss::ModelRunner::Load(ss::JoinPath(w.dir, "rank0"), "cpu", 1)->GetConfig().genes,
            ss::PairSet::Load(w.pairs).genes);
}
