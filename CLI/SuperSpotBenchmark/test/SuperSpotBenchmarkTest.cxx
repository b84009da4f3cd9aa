// The smoke test of SuperSpotBenchmark (the real benchmark is run by hand, see
// Documentation/benchmarks.md): every mode in-process on a tiny configuration — a tiny model,
// 2 training steps, 2 samples, one small fold of two synthetic legacy ST sections, a 0.3 mm
// phantom — so the code cannot rot. It checks the files and that the values are finite and
// plausible, not how good they are.
#include "ssCLITestUtilities.h"

#include "ssFiles.h"
#include "ssLegacyST.h"
#include "ssPNG.h"
#include "ssPredictionsFile.h"
#include "ssResultsTable.h"
#include "ssTextTable.h"
#include "ssTrainerTestData.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

int SuperSpotBenchmarkModuleEntryPoint(int argc, char * argv[]);

namespace
{

ss::test::ModuleRun Benchmark(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotBenchmarkModuleEntryPoint, "SuperSpotBenchmark", arguments);
}

/** A legacy ST section on a 12 x 10 array (an ellipse of spots), 40 px per array step (5 µm/px),
 * Poisson counts of genes with smooth patterns and a background gene, and a textured H&E. */
void WriteSection(const std::string & dir, unsigned seed)
{
  std::mt19937 rng(seed);
  ss::SpotDataset ds;
  ds.source = dir;
  ds.platform = "st";
  ds.genes = { "A", "B", "C", "D", "BACKGROUND" };
  ds.lattice = ss::SpotLattice::Square;
  ds.pitchUm = 200;
  ds.spotDiameterUm = 100;
  std::vector<float> dense;
  for (int y = 0; y < 10; ++y)
  {
    for (int x = 0; x < 12; ++x)
    {
      const double u = (x - 5.5) / 6, v = (y - 4.5) / 5;
      if (u * u + v * v > 1)
      {
        continue;
      }
      ds.spots.id.push_back(std::to_string(x) + "x" + std::to_string(y));
      ds.spots.arrayCol.push_back(x);
      ds.spots.arrayRow.push_back(y);
      ss::PointType px;
      px[0] = 40.0 * x + 20;
      px[1] = 40.0 * y + 20;
      ds.spots.positionPx.push_back(px);
      ds.spots.positionUm.push_back(px);
      ds.spots.inTissue.push_back(1);
      const double rates[] = {
        3 + 8 * std::pow(std::sin(0.5 * x + seed), 2), 2 + 0.6 * y, 4.0 + (x + y) % 3, 1 + 0.3 * x, 300
      };
      for (const double r : rates)
      {
        dense.push_back(static_cast<float>(std::poisson_distribution<int>(r)(rng)));
      }
    }
  }
  ds.counts = ss::SparseCounts::FromDense(5, ds.spots.id.size(), dense);
  ss::WriteLegacyST(dir, ds);
  auto he = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize(0, 480);
  region.SetSize(1, 400);
  he->SetRegions(region);
  he->Allocate();
  ss::IndexType i;
  for (i[1] = 0; i[1] < 400; ++i[1])
  {
    for (i[0] = 0; i[0] < 480; ++i[0])
    {
      ss::RGBPixelType p;
      p[0] = static_cast<unsigned char>(180 + 60 * std::sin(0.05 * i[0]) * std::cos(0.07 * i[1]));
      p[1] = static_cast<unsigned char>(120 + (i[0] * 7 + i[1] * 3) % 60);
      p[2] = static_cast<unsigned char>(200 - (i[1] / 4) % 50);
      he->SetPixel(i, p);
    }
  }
  ss::WritePNG(he, ss::JoinPath(dir, "he.png"));
}

/** The tiny model's architecture (grids follow the data) as a --config file. */
std::string TinyConfig(const std::string & dir)
{
  nlohmann::json c = ss::test::TinyConfig().ToJSON();
  nlohmann::json keep;
  for (const char * key : { "denoiser", "encoders", "diffusion" })
  {
    keep[key] = c[key];
  }
  keep["grids"] = { { "tileBins", 4 }, { "tissuePixels", 16 }, { "tissueTokenGrid", 4 } };
  keep["diffusion"]["samplingSteps"] = 2;
  const std::string path = ss::JoinPath(dir, "tiny.json");
  ss::WriteJSONFileAtomically(path, keep);
  return path;
}

std::vector<std::string> Tiny(const std::string & config)
{
  return { "--config",  config, "--steps",   "2", "--warmupSteps", "1", "--batchSize", "2",
           "--samples", "2",    "--threads", "1", "--seed",        "3" };
}

std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string> & more)
{
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

void ExpectInRange(const ss::ResultsTable & r,
                   const std::string & method,
                   const std::string & metric,
                   double lo,
                   double hi)
{
  const ss::MeanSummary s = r.OverallMean(method, metric);
  ASSERT_GT(s.used, 0u) << method << " " << metric;
  EXPECT_TRUE(std::isfinite(s.mean) && s.mean >= lo && s.mean <= hi) << method << " " << metric << " = " << s.mean;
}

} // namespace

TEST(SuperSpotBenchmark, Her2stModeWritesEveryMethodsResultsAndPredictions)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string data = ss::JoinPath(dir, "her2st");
  WriteSection(ss::JoinPath(data, "S1"), 1);
  WriteSection(ss::JoinPath(data, "S2"), 2);
  const std::string panel = ss::JoinPath(dir, "panel.txt");
  ss::WriteTextFileAtomically(panel, "A\nB\nC\nD\n");
  const std::string out = ss::JoinPath(dir, "out");
  const auto run = Benchmark(With(Tiny(TinyConfig(dir)),
                                  { "her2st",
                                    "--data",
                                    data,
                                    "--train",
                                    "S1",
                                    "--test",
                                    "S2",
                                    "--panel",
                                    panel,
                                    "--out",
                                    out,
                                    "--patchSize",
                                    "8",
                                    "--overlap",
                                    "4",
                                    "--cellPixelsPerBin",
                                    "4" }));
  ASSERT_EQ(run.exitCode, 0) << run.standardError
                             << run.standardOutput.substr(
                                  run.standardOutput.size() > 3000 ? run.standardOutput.size() - 3000 : 0);
  EXPECT_EQ(run.standardError, "");

  const auto results = ss::ResultsTable::FromJSON(ss::ReadJSONFile(ss::JoinPath(out, "results.json")), "results.json");
  EXPECT_EQ(results.GetGroups(), std::vector<std::string>{ "S2" });
  ASSERT_EQ(results.GetMethods().size(), 9u);
  for (const auto & m : results.GetMethods())
  {
    ExpectInRange(results, m, "pcc", -1, 1);
    ExpectInRange(results, m, "rmse", 0, 20);
    ExpectInRange(results, m, "ssim", -1, 1);
    // Anyone can recompute the metrics from the predictions file: header spot + the panel.
    const auto p = ss::ReadPredictions(ss::JoinPath(out, "predictions/S2_" + m + ".csv.gz"));
    EXPECT_EQ(p.genes, (std::vector<std::string>{ "A", "B", "C", "D" }));
    EXPECT_EQ(p.NumberOfSpots(), results.GetGenes("S2", m, "pcc").size() ? p.NumberOfSpots() : 0u);
    EXPECT_GT(p.NumberOfSpots(), 50u);
  }
  // Interpolations follow the blocks: clearly positive on these smooth patterns.
  EXPECT_GT(results.OverallMean("nearest", "pcc").mean, 0.2);
  ExpectInRange(results, "superspot", "coverage90", 0, 1);
  EXPECT_FALSE(results.Has("S2", "regression", "coverage90", "A")) << "one deterministic pass has no interval";
  EXPECT_TRUE(results.Metadata()["training"].contains("S2/no-histology"));
  EXPECT_EQ(results.Metadata()["model"]["steps"], 2);

  const std::string md = ss::ReadWholeFile(ss::JoinPath(out, "results.md"));
  EXPECT_NE(md.find("## pcc"), std::string::npos);
  EXPECT_NE(md.find("## Targets"), std::string::npos);
  EXPECT_NE(md.find("mean PCC of superspot at least 0.08 above nearest"), std::string::npos);
  for (const char * f : { "charts/pcc.png", "charts/rmse.png", "charts/ssim.png", "figures/S2_A.png" })
  {
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, f))) << f;
  }
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, "models/S2/superspot/model.safetensors")));

  // A second run reuses every model it is allowed to.
  const auto again = Benchmark(With(Tiny(TinyConfig(dir)),
                                    { "her2st",
                                      "--data",
                                      data,
                                      "--train",
                                      "S1",
                                      "--test",
                                      "S2",
                                      "--panel",
                                      panel,
                                      "--out",
                                      out,
                                      "--patchSize",
                                      "8",
                                      "--overlap",
                                      "4",
                                      "--cellPixelsPerBin",
                                      "4",
                                      "--methods",
                                      "nearest,superspot",
                                      "--reuseModels" }));
  ASSERT_EQ(again.exitCode, 0) << again.standardError;
  EXPECT_NE(again.standardOutput.find("superspot: reusing the model"), std::string::npos);
  const auto reused = ss::ResultsTable::FromJSON(ss::ReadJSONFile(ss::JoinPath(out, "results.json")), "results.json");
  EXPECT_EQ(reused.GetMethods(), (std::vector<std::string>{ "nearest", "superspot" }));
  EXPECT_DOUBLE_EQ(reused.OverallMean("superspot", "pcc").mean, results.OverallMean("superspot", "pcc").mean)
    << "the same model and seed give the same predictions";
}

TEST(SuperSpotBenchmark, PhantomModeScoresMapsWithCalibrationAndSharpness)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string out = ss::JoinPath(dir, "out");
  const auto run = Benchmark(With(Tiny(TinyConfig(dir)),
                                  { "phantom",
                                    "--out",
                                    out,
                                    "--factor",
                                    "10",
                                    "--sizeUm",
                                    "300",
                                    "--trainSeeds",
                                    "0",
                                    "--testSeeds",
                                    "1000",
                                    "--genes",
                                    "4",
                                    "--patchSize",
                                    "16",
                                    "--overlap",
                                    "4",
                                    "--methods",
                                    "nearest,bilinear,bspline,regression,superspot" }));
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  const auto results = ss::ResultsTable::FromJSON(ss::ReadJSONFile(ss::JoinPath(out, "results.json")), "results.json");
  EXPECT_EQ(results.GetGroups(), std::vector<std::string>{ "seed-1000" });
  for (const auto & m : results.GetMethods())
  {
    ExpectInRange(results, m, "pcc", -1, 1);
    ExpectInRange(results, m, "rmse", 0, 20);
    ExpectInRange(results, m, "sharpness", 0, 1e4);
  }
  EXPECT_GT(results.OverallMean("bilinear", "pcc").mean, 0.0);
  ExpectInRange(results, "superspot", "coverage90", 0, 1);
  ExpectInRange(results, "superspot", "sharpness_sample", 0, 1e4);
  ExpectInRange(results, "superspot", "std_error_spearman", -1, 1);
  EXPECT_EQ(results.Metadata()["phantom"]["resolutionUm"], 10.0);
  for (const char * f : { "results.md", "charts/pcc.png", "charts/sharpness_sample.png", "charts/coverage90.png" })
  {
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, f))) << f;
  }
  EXPECT_FALSE(ss::DirectoryExists(ss::JoinPath(out, "predictions"))) << "protocol 2's truth is a map";
  EXPECT_NE(ss::ReadWholeFile(ss::JoinPath(out, "results.md")).find("90 % interval coverage"), std::string::npos);
}

TEST(SuperSpotBenchmark, SpeedModeTimesStagesAndFoldsInTheKernels)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string out = ss::JoinPath(dir, "out");
  const std::string kernels = ss::JoinPath(dir, "kernels.json");
  ss::WriteJSONFileAtomically(kernels, nlohmann::json::parse(R"({"context": {"num_cpus": 2}, "benchmarks": [
      {"name": "BM_MatMulPeak/real_time", "run_type": "iteration", "real_time": 15.7, "time_unit": "ms",
       "FLOP": 2.147e9, "FLOP/s": 1.37e11, "threads": 2},
      {"name": "BM_DenoiserForward/8/real_time", "run_type": "iteration", "real_time": 535, "time_unit": "ms",
       "FLOP": 5.67e9, "FLOP/s": 1.06e10, "peak_ratio": 0.067, "threads": 2}]})"));
  const auto run = Benchmark(With(Tiny(TinyConfig(dir)),
                                  { "speed",
                                    "--out",
                                    out,
                                    "--areaSideUm",
                                    "300",
                                    "--areaFractions",
                                    "1,0.5",
                                    "--sizeUm",
                                    "300",
                                    "--trainingSteps",
                                    "2",
                                    "--genes",
                                    "4",
                                    "--patchSize",
                                    "16",
                                    "--kernels",
                                    kernels }));
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  const auto results = ss::ResultsTable::FromJSON(ss::ReadJSONFile(ss::JoinPath(out, "results.json")), "results.json");
  ASSERT_TRUE(results.Has("area-0.50", "superspot", "seconds_total", "")) << "areas run smallest first";
  for (const char * group : { "area-0.50", "area-1.00" })
  {
    // End to end through SuperSpotSuperResolve, split by its own stages.
    const double total = results.Get(group, "superspot", "seconds_total", "");
    EXPECT_GT(total, 0);
    EXPECT_LE(results.Get(group, "superspot", "seconds_super_resolve", ""), total);
    EXPECT_GE(results.Get(group, "superspot", "seconds_read", ""), 0);
    EXPECT_GT(results.Get(group, "superspot", "peak_rss_mib", ""), 10);
    EXPECT_GT(results.Get(group, "superspot", "hr_pixels", ""), 100);
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, std::string("areas/") + group + "/superresolve/run.json")));
    EXPECT_FALSE(ss::FileExists(ss::JoinPath(out, std::string("areas/") + group + "/superresolve/mean.nrrd")))
      << "the big maps are not kept";
  }
  EXPECT_GT(results.Get("area-1.00", "superspot", "hr_pixels", ""),
            results.Get("area-0.50", "superspot", "hr_pixels", ""));
  // The model stages, on the smallest area through the library path.
  const double stages = results.Get("stages-area-0.50", "superspot", "seconds_total", "");
  EXPECT_LE(results.Get("stages-area-0.50", "superspot", "seconds_sampler", ""), stages);
  EXPECT_GE(results.Get("stages-area-0.50", "superspot", "seconds_encoder", ""), 0);
  EXPECT_GT(results.Get("training", "superspot", "samples_per_s", ""), 0);
  EXPECT_NEAR(results.Get("kernels", "BM_DenoiserForward/8/real_time", "peak_ratio", ""), 0.067, 1e-12);
  const std::string md = ss::ReadWholeFile(ss::JoinPath(out, "results.md"));
  EXPECT_NE(md.find("SuperSpotSuperResolve end to end"), std::string::npos);
  EXPECT_NE(md.find("Where the super-resolution time goes"), std::string::npos);
  EXPECT_NE(md.find("BM_DenoiserForward"), std::string::npos);
}

TEST(SuperSpotBenchmark, BadArgumentsAreOneLineErrors)
{
  const std::string dir = ss::test::TestDirectory();
  ss::test::ExpectOneLineError(Benchmark({ "her2st", "--out", dir }), "--data");
  ss::test::ExpectOneLineError(Benchmark({ "phantom", "--out", ss::JoinPath(dir, "p"), "--methods", "tesla" }),
                               "'tesla' is not a method of the benchmark");
  ss::test::ExpectOneLineError(
    Benchmark({ "phantom", "--out", ss::JoinPath(dir, "q"), "--trainSeeds", "1", "--testSeeds", "1" }),
    "also a training seed");
  ss::test::ExpectOneLineError(Benchmark({ "speed", "--out", ss::JoinPath(dir, "s"), "--areaFractions", "2" }),
                               "--areaFractions");
}
