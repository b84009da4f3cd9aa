// The demo on a tiny configuration: every file is written and the scores are finite.
#include "ssCLITestUtilities.h"

#include "ssFiles.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>

int SuperSpotDemoModuleEntryPoint(int argc, char * argv[]);

TEST(SuperSpotDemo, TinyStudyWritesMapsFiguresAndScores)
{
  const std::string dir =
    (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-demo-%%%%-%%%%")).string();
  const std::string out = dir + "/demo";
  const auto run = ss::test::RunModuleInProcess(&SuperSpotDemoModuleEntryPoint,
                                                "SuperSpotDemo",
                                                { "--out",
                                                  out,
                                                  "--trainSlides",
                                                  "1",
                                                  "--slideUm",
                                                  "500",
                                                  "--genes",
                                                  "3",
                                                  "--trainSteps",
                                                  "2",
                                                  "--samples",
                                                  "2",
                                                  "--steps",
                                                  "2",
                                                  "--threads",
                                                  "1" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  for (const char * f :
       { "mean.nrrd", "std.nrrd", "truth.nrrd", "lr.nrrd", "mask.nrrd", "he.nrrd", "demo.json", "model/config.json" })
  {
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, f))) << f;
  }
  const nlohmann::json info = ss::ReadJSONFile(ss::JoinPath(out, "demo.json"));
  ASSERT_EQ(info["held_out"]["per_gene"].size(), 3u);
  for (const auto & g : info["held_out"]["per_gene"])
  {
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, "figures/" + g["gene"].get<std::string>() + ".png")));
  }
  const double bilinear = info["held_out"]["pcc_bilinear"].get<double>();
  EXPECT_TRUE(std::isfinite(info["held_out"]["pcc_superspot"].get<double>()));
  EXPECT_GT(bilinear, 0.2) << "the pseudo-spots carry the truth's large-scale pattern";
  EXPECT_NE(run.standardOutput.find("outputs: " + out), std::string::npos);
  // A second run into the same folder is refused.
  const auto again = ss::test::RunModuleInProcess(&SuperSpotDemoModuleEntryPoint, "SuperSpotDemo", { "--out", out });
  ss::test::ExpectOneLineError(again, "not empty");
  boost::filesystem::remove_all(dir);
}
