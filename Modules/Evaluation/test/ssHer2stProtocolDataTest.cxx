// The protocol check of docs/BENCHMARK.md on the real HER2ST sections: an independent
// implementation of protocol 1 gives these mean PCCs for `nearest` and `bilinear`, and ours
// must reproduce them to +-0.005. Skips without the data or the panel.
#include "ssFiles.h"
#include "ssHer2stProtocol.h"
#include "ssLegacyST.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

namespace
{
struct Expected
{
  const char * section;
  double nearest;
  double bilinear;
};
constexpr Expected ProtocolCheck[] = { { "C2", 0.639, 0.637 },
                                       { "C3", 0.639, 0.638 },
                                       { "C4", 0.667, 0.659 },
                                       { "C5", 0.615, 0.614 } };
constexpr double Tolerance = 0.005;

std::string PanelPath()
{
  return std::string(SUPERSPOT_SHARED_DIR) + "/docs/her2st_panel50.txt";
}
} // namespace

TEST(Her2stProtocolData, ReproducesTheProtocolCheck)
{
  const char * dataDir = std::getenv("SUPERSPOT_DATA_DIR");
  if (dataDir == nullptr || !ss::DirectoryExists(std::string(dataDir) + "/her2st"))
  {
    GTEST_SKIP()
      << "SUPERSPOT_DATA_DIR/her2st is absent (the shared ExternalData store was not found at configure time)";
  }
  if (!ss::FileExists(PanelPath()))
  {
    GTEST_SKIP() << PanelPath() << " is absent";
  }
  const auto panel = ss::ReadHer2stPanel(PanelPath());
  ASSERT_EQ(panel.size(), 50u);
  ss::ResultsTable results;
  for (const auto & expected : ProtocolCheck)
  {
    const std::string dir = std::string(dataDir) + "/her2st/" + expected.section;
    const auto dataset = ss::ReadLegacyST(dir + "/counts.tsv.gz", dir + "/spots.tsv");
    const auto section = ss::MakeHer2stSection(expected.section, dataset, panel);
    ss::EvaluateHer2stMethod(results, section, "nearest", ss::PredictNearest(section));
    ss::EvaluateHer2stMethod(results, section, "bilinear", ss::PredictBilinear(section));
    const auto nearest = results.GroupMean(expected.section, "nearest", "pcc");
    const auto bilinear = results.GroupMean(expected.section, "bilinear", "pcc");
    EXPECT_EQ(nearest.used, 50u) << "every panel gene varies in every section";
    EXPECT_NEAR(nearest.mean, expected.nearest, Tolerance) << expected.section << " nearest";
    EXPECT_NEAR(bilinear.mean, expected.bilinear, Tolerance) << expected.section << " bilinear";
    // SSIM and RMSE have no reference figures; they must at least be defined for every gene.
    EXPECT_EQ(results.GroupMean(expected.section, "nearest", "ssim").used, 50u);
    EXPECT_EQ(results.GroupMean(expected.section, "bilinear", "rmse").used, 50u);
  }
  std::cout << results.ToMarkdown("HER2ST-2x baselines (protocol check)", 4);
}
