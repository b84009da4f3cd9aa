#ifndef ssTrainTestSupport_h
#define ssTrainTestSupport_h

// What SuperSpotTrain's in-process and child-process tests share: a folder with a synthetic
// pair set and the tiny model's config, the quick flags, return parameters, weight files.

#include "ssFiles.h"
#include "ssIOTestUtilities.h"
#include "ssSafeTensors.h"
#include "ssTextTable.h"
#include "ssTrainerTestData.h"
#include "ssTrainingTestData.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace ss
{
namespace test
{

/** A test's folder with a saved synthetic pair set (`pairs/`, two 40 x 36 slides) and the tiny
 * model's config (`tiny.json`: P = 16, q = 2, S = 16, t = 4, genes A-D that the pairs replace). */
struct TrainWorkspace
{
  std::string dir, pairs, config;
};

inline TrainWorkspace MakeTrainWorkspace(bool histology = true)
{
  TrainWorkspace w;
  w.dir = TestDirectory();
  w.pairs = JoinPath(w.dir, "pairs");
  w.config = JoinPath(w.dir, "tiny.json");
  SyntheticSlideParameters p;
  p.histology = histology;
  SyntheticPairSet(2, p).Save(w.pairs);
  WriteJSONFileAtomically(w.config, TinyConfig().ToJSON());
  return w;
}

/** The settings of every run here: the tiny model, batches of 2, one thread, seed 11, 2 warm-up steps. */
inline std::vector<std::string> QuickTraining(const TrainWorkspace & w, const std::string & output, int steps)
{
  return { "--pairs",       w.pairs, "--output",  output, "--config",       w.config, "--steps", std::to_string(steps),
           "--batchSize",   "2",     "--threads", "1",    "--learningRate", "0.001",  "--seed",  "11",
           "--warmupSteps", "2" };
}

inline std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string> & more)
{
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

/** The value of return parameter `name` in a return parameter file, or "" when absent. */
inline std::string ReturnValue(const std::string & file, const std::string & name)
{
  std::istringstream in(ReadWholeFile(file));
  for (std::string line; std::getline(in, line);)
  {
    if (line.rfind(name + " = ", 0) == 0)
    {
      return line.substr(name.size() + 3);
    }
  }
  return "";
}

/** Expects two safetensors files to hold the same tensors, byte for byte. */
inline void ExpectSameTensors(const std::string & a, const std::string & b)
{
  const SafeTensorsContent ta = ReadSafeTensors(a), tb = ReadSafeTensors(b);
  ASSERT_EQ(ta.tensors.size(), tb.tensors.size());
  ASSERT_FALSE(ta.tensors.empty());
  for (std::size_t i = 0; i < ta.tensors.size(); ++i)
  {
    EXPECT_EQ(ta.tensors[i].name, tb.tensors[i].name);
    EXPECT_EQ(ta.tensors[i].data, tb.tensors[i].data) << ta.tensors[i].name;
  }
}

} // namespace test
} // namespace ss

#endif
