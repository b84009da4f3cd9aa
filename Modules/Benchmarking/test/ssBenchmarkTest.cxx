// The pieces of the benchmark protocols that need no real data: the method list, the folds, the
// charts, the kernel results, the phantom slides and the report helpers. The protocols end to end
// run in SuperSpotBenchmark's smoke test (CLI/SuperSpotBenchmark/test).
#include "ssBenchmarkCharts.h"
#include "ssBenchmarkInternal.h"
#include "ssBenchmarkMethods.h"
#include "ssError.h"
#include "ssHer2stBenchmark.h"
#include "ssPhantomBenchmark.h"
#include "ssSpeedBenchmark.h"

#include "itkImageRegionConstIterator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

TEST(BenchmarkMethods, TableOrderAndOnlyTheFullModelIsNamedSuperspot)
{
  const auto all = ss::AllBenchmarkMethods();
  ASSERT_EQ(all.size(), 9u);
  std::set<std::string> variants;
  for (const auto & m : all)
  {
    EXPECT_EQ(m.name.rfind("superspot", 0) == 0, m.variant == "full") << m.name;
    EXPECT_EQ(m.IsLearned(), !m.variant.empty()) << m.name;
    EXPECT_EQ(m.interpolation.empty(), m.IsLearned()) << m.name;
    if (m.IsLearned())
    {
      variants.insert(m.variant);
    }
  }
  // Every variant of the model except "full" and "regression" is an ablation here.
  EXPECT_EQ(variants.size(), 6u);
  EXPECT_EQ(all[3].kind, ss::BenchmarkMethodKind::Regression);

  const auto some = ss::SelectBenchmarkMethods({ "superspot", "nearest" });
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].name, "nearest") << "table order, whatever the order given";
  EXPECT_EQ(ss::SelectBenchmarkMethods({}).size(), all.size());
  EXPECT_THROW(ss::SelectBenchmarkMethods({ "tesla" }), ss::InputError);
  EXPECT_THROW(ss::SelectBenchmarkMethods({ "nearest", "nearest" }), ss::InputError);
}

TEST(Her2stFolds, LeaveOneOutSingleFoldAndRefusals)
{
  const std::vector<std::string> sections{ "C2", "C3", "C4", "C5" };
  const auto loo = ss::MakeHer2stFolds(sections, {}, {});
  ASSERT_EQ(loo.size(), 4u);
  EXPECT_EQ(loo[1].test, std::vector<std::string>{ "C3" });
  EXPECT_EQ(loo[1].train, (std::vector<std::string>{ "C2", "C4", "C5" }));
  EXPECT_EQ(loo[1].Name(), "C3");

  const auto one = ss::MakeHer2stFolds(sections, { "C2", "C3", "C4" }, { "C5" });
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].train.size(), 3u);
  const auto rest = ss::MakeHer2stFolds(sections, {}, { "C4", "C5" });
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].train, (std::vector<std::string>{ "C2", "C3" }));
  EXPECT_EQ(rest[0].Name(), "train-C2-C3");

  EXPECT_THROW(ss::MakeHer2stFolds(sections, { "C2" }, {}), ss::InputError) << "nothing to test";
  EXPECT_THROW(ss::MakeHer2stFolds(sections, { "C2" }, { "C2" }), ss::InputError) << "trained and tested";
  EXPECT_THROW(ss::MakeHer2stFolds(sections, {}, { "C9" }), ss::InputError) << "no such section";
  EXPECT_THROW(ss::MakeHer2stFolds({ "C2" }, {}, {}), ss::InputError) << "one section cannot be left out";
}

TEST(BenchmarkCharts, BarsWhiskersAndDotsArePainted)
{
  ss::ResultsTable r;
  const std::vector<std::string> genes{ "A", "B" };
  r.AddGenes("C2", "nearest", "pcc", genes, { 0.6, 0.7 });
  r.AddGenes("C3", "nearest", "pcc", genes, { 0.5, 0.6 });
  r.AddGenes("C2", "superspot", "pcc", genes, { 0.8, 0.9 });
  r.AddGenes("C3", "superspot", "pcc", genes, { 0.7, std::nan("") });
  const auto page = ss::RenderMetricBarChart(r, "pcc", { "nearest", "superspot", "absent" }, { "superspot" }, "pcc");
  const auto size = page->GetLargestPossibleRegion().GetSize();
  EXPECT_GT(size[0], 420u);
  EXPECT_GT(size[1], 2 * 22u);
  std::size_t project = 0, grey = 0;
  itk::ImageRegionConstIterator<ss::RGBImageType> it(page, page->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    const auto p = it.Get();
    project += p[0] == 31 && p[1] == 119 && p[2] == 180;
    grey += p[0] == 170 && p[1] == 170 && p[2] == 170;
  }
  // superspot's bar (0.75 of a 0..1 axis) is longer than nearest's (0.6).
  EXPECT_GT(project, grey);
  EXPECT_GT(grey, 100u);
  EXPECT_THROW(ss::RenderMetricBarChart(r, "rmse", { "nearest" }, {}, "rmse"), ss::InputError);
}

TEST(KernelBenchmarks, GoogleBenchmarkJSONBecomesRows)
{
  const nlohmann::json doc = nlohmann::json::parse(R"({
    "context": {"host_name": "h", "num_cpus": 2},
    "benchmarks": [
      {"name": "BM_MatMulPeak/real_time", "run_type": "iteration", "real_time": 15.7, "time_unit": "ms",
       "FLOP": 2.147e9, "FLOP/s": 1.37e11, "threads": 2},
      {"name": "BM_SamplerStep/4/0/real_time", "run_type": "iteration", "real_time": 329000, "time_unit": "us",
       "FLOP": 5.67e9, "peak_ratio": 0.11, "pixel_genes/s": 311000},
      {"name": "BM_SamplerStep/4/0/real_time_mean", "run_type": "aggregate", "real_time": 1, "time_unit": "ms"}
    ]})");
  ss::ResultsTable r;
  ss::AddKernelBenchmarks(r, doc, "kernels.json");
  EXPECT_NEAR(r.Get("kernels", "BM_MatMulPeak/real_time", "ms", ""), 15.7, 1e-12);
  EXPECT_NEAR(r.Get("kernels", "BM_MatMulPeak/real_time", "gflop_per_s", ""), 137, 1e-9);
  EXPECT_NEAR(r.Get("kernels", "BM_SamplerStep/4/0/real_time", "ms", ""), 329, 1e-9);
  EXPECT_NEAR(r.Get("kernels", "BM_SamplerStep/4/0/real_time", "peak_ratio", ""), 0.11, 1e-12);
  EXPECT_FALSE(r.Has("kernels", "BM_SamplerStep/4/0/real_time_mean", "ms", "")) << "aggregates are left out";
  EXPECT_EQ(r.Metadata()["kernels_context"]["num_cpus"], 2);
  EXPECT_THROW(ss::AddKernelBenchmarks(r, nlohmann::json::object(), "x.json"), ss::InputError);
}

TEST(PhantomSlide, PairAndPseudoSpotsAgree)
{
  const ss::PhantomSlide s = ss::MakePhantomSlide(1000, 400, 6, 5, 4, 4);
  ASSERT_EQ(s.genes.size(), 6u);
  EXPECT_EQ(s.pair.resolutionUm, 20.0);
  EXPECT_EQ(s.pair.factor, 5.0);
  ASSERT_TRUE(s.pair.cell && s.pair.tissue) << "the H&E maps are made";
  ASSERT_GT(s.spots.NumberOfSpots(), 5u);
  EXPECT_EQ(s.spotValues.size(), s.spots.NumberOfSpots() * 6);
  // The pair's nearest-spot map takes the value of the spot under each covered pixel: at a
  // spot centre, exactly that spot's normalized value.
  std::size_t checked = 0;
  for (std::size_t k = 0; k < s.spots.NumberOfSpots(); ++k)
  {
    const auto c = s.pair.grid.PhysicalToIndex(s.spots.spots.positionUm[k]);
    ss::IndexType i;
    i[0] = std::lround(c[0]);
    i[1] = std::lround(c[1]);
    if (!s.pair.grid.GetRegion().IsInside(i) || !s.pair.lrMask->GetPixel(i))
    {
      continue;
    }
    const auto pixelCentre = s.pair.grid.IndexToPhysical(static_cast<double>(i[0]), static_cast<double>(i[1]));
    if (pixelCentre.EuclideanDistanceTo(s.spots.spots.positionUm[k]) > 10)
    {
      continue;
    }
    EXPECT_FLOAT_EQ(s.pair.lr->GetPixel(i)[2], s.spotValues[k * 6 + 2]) << k;
    ++checked;
  }
  EXPECT_GT(checked, 5u);
  // The same seed gives the same slide.
  const ss::PhantomSlide again = ss::MakePhantomSlide(1000, 400, 6, 5, 4, 4);
  EXPECT_EQ(again.spotValues, s.spotValues);
}

TEST(BenchmarkInternal, MapsMasksAndExampleGenes)
{
  ss::GridGeometry grid;
  grid.size[0] = 5;
  grid.size[1] = 3;
  grid.spacing.Fill(10);
  auto image = ss::ExpressionImageType::New();
  grid.ApplyTo(image);
  image->SetNumberOfComponentsPerPixel(4);
  image->Allocate();
  for (long j = 0; j < 3; ++j)
  {
    for (long i = 0; i < 5; ++i)
    {
      ss::ExpressionImageType::PixelType v(4);
      for (unsigned c = 0; c < 4; ++c)
      {
        v[c] = static_cast<float>(100 * c + 10 * j + i);
      }
      ss::IndexType idx;
      idx[0] = i;
      idx[1] = j;
      image->SetPixel(idx, v);
    }
  }
  const ss::GeneMaps maps = ss::benchmark::ToGeneMaps(image);
  ASSERT_EQ(maps.width, 5u);
  ASSERT_EQ(maps.height, 3u);
  EXPECT_EQ(maps.genes[3][2 * 5 + 4], 324.f) << "row-major, pixel (4, 2) of gene 3";
  const auto samples = ss::benchmark::SampleMaps(image, 2);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].genes[0][1], 201.f) << "sample 1, gene 0 is component 2";
  EXPECT_THROW(ss::benchmark::SampleMaps(image, 3), std::invalid_argument);
  const auto back = ss::benchmark::GeneImage(maps, 1, grid);
  ss::IndexType idx;
  idx[0] = 3;
  idx[1] = 1;
  EXPECT_EQ(back->GetPixel(idx), 113.f);

  ss::ValidityMask a(15, 1), b(15, 1);
  a[0] = 0;
  b[14] = 0;
  const auto both = ss::benchmark::AndMasks(ss::benchmark::MaskImage(a, grid), ss::benchmark::MaskImage(b, grid));
  EXPECT_EQ(both[0], 0);
  EXPECT_EQ(both[14], 0);
  EXPECT_EQ(std::count(both.begin(), both.end(), 1), 13);

  EXPECT_EQ(ss::benchmark::ExampleGeneIndices({ "X", "Y" }, {}), std::vector<std::size_t>{ 0 });
  EXPECT_EQ(ss::benchmark::ExampleGeneIndices({ "X", "Y" }, { "Y" }), std::vector<std::size_t>{ 1 });
  EXPECT_THROW(ss::benchmark::ExampleGeneIndices({ "X" }, { "Z" }), ss::InputError);
}
