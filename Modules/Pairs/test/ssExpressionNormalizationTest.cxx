#include "ssExpressionNormalization.h"

#include "ssError.h"
#include "ssPairsTestUtilities.h"

#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <map>

using sstest::P;

namespace
{
/** 3 genes x 4 spots with different library sizes. */
ss::SpotDataset SmallDataset()
{
  const float counts[4][3] = { { 5, 0, 15 }, { 1, 2, 1 }, { 0, 0, 7 }, { 10, 30, 60 } };
  return sstest::MakeSquareSpots(sstest::FullGrid(2, 2), 3, [&](std::size_t g, int c, int r) { return counts[r * 2 + c][g]; });
}
} // namespace

TEST(ExpressionNormalization, LibraryModeDividesByTheTotalOverAllGenes)
{
  const auto d = SmallDataset();
  // Only gene 0 selected: the library is still the total over the 3 genes.
  const auto v = ss::NormalizeSpots(d, { 0 }, ss::ExpressionNormalization::Library());
  ASSERT_EQ(v.size(), 4u);
  EXPECT_NEAR(v[0], std::log1p(5.0 / 20.0 * 1e4), 1e-5);
  EXPECT_NEAR(v[1], std::log1p(1.0 / 4.0 * 1e4), 1e-5);
  EXPECT_EQ(v[2], 0.0f);
  EXPECT_NEAR(v[3], std::log1p(10.0 / 100.0 * 1e4), 1e-5);
  // Spot-major with several genes, in the requested order.
  const auto w = ss::NormalizeSpots(d, { 2, 0 }, ss::ExpressionNormalization::Library(100));
  ASSERT_EQ(w.size(), 8u);
  EXPECT_NEAR(w[3 * 2 + 0], std::log1p(60.0 / 100.0 * 100), 1e-5);
  EXPECT_NEAR(w[3 * 2 + 1], std::log1p(10.0 / 100.0 * 100), 1e-5);
}

TEST(ExpressionNormalization, GivenLibrarySizesReplaceTheTotals)
{
  const auto d = SmallDataset();
  const std::vector<double> library = { 50, 50, 50, 1000 };
  const auto v = ss::NormalizeSpots(d, { 1 }, ss::ExpressionNormalization::Library(), &library);
  EXPECT_NEAR(v[1], std::log1p(2.0 / 50.0 * 1e4), 1e-5);
  EXPECT_NEAR(v[3], std::log1p(30.0 / 1000.0 * 1e4), 1e-5);
  const std::vector<double> wrongLength = { 1, 2 };
  EXPECT_THROW(ss::NormalizeSpots(d, { 1 }, ss::ExpressionNormalization::Library(), &wrongLength), std::invalid_argument);
}

TEST(ExpressionNormalization, DensityModeUsesTheSpotArea)
{
  auto d = SmallDataset();
  d.spotDiameterUm = 55;
  const double area = 3.14159265358979323846 * 27.5 * 27.5;
  EXPECT_NEAR(ss::SpotAreaUm2(d), area, 1e-9);
  const auto v = ss::NormalizeSpots(d, { 2 }, ss::ExpressionNormalization::Density());
  EXPECT_NEAR(v[0], std::log1p(15.0 * 100 / area), 1e-5);
  EXPECT_NEAR(v[3], std::log1p(60.0 * 100 / area), 1e-5);
  d.spotDiameterUm = 0;
  EXPECT_THROW(ss::NormalizeSpots(d, { 2 }, ss::ExpressionNormalization::Density()), ss::InputError);
}

TEST(ExpressionNormalization, ToCountInvertsNormalize)
{
  const auto lib = ss::ExpressionNormalization::Library();
  const auto den = ss::ExpressionNormalization::Density(100);
  for (const double c : { 0.0, 1.0, 7.0, 250.0 })
  {
    EXPECT_NEAR(lib.ToCount(lib.Normalize(c, 3000, 0), 3000, 0), c, 1e-9 * (1 + c));
    EXPECT_NEAR(den.ToCount(den.Normalize(c, 0, 400), 0, 400), c, 1e-9 * (1 + c));
  }
  EXPECT_EQ(lib.Normalize(0, 0, 0), 0.0);
  // One 10 µm bin (100 µm²) holding 3 molecules is log1p(3) in density mode.
  EXPECT_NEAR(den.Normalize(3, 0, 100), std::log1p(3.0), 1e-12);
}

TEST(ExpressionNormalization, JSONRoundTripAndErrors)
{
  for (const auto & n : { ss::ExpressionNormalization::Library(5000), ss::ExpressionNormalization::Density(25) })
  {
    const auto back = ss::ExpressionNormalization::FromJSON(nlohmann::json::parse(n.ToJSON().dump()), "config.json");
    EXPECT_EQ(back, n);
    EXPECT_NE(back, n.mode == ss::NormalizationMode::Library ? ss::ExpressionNormalization::Library(1e4)
                                                              : ss::ExpressionNormalization::Density(100));
  }
  EXPECT_EQ(ss::ExpressionNormalization::Library().ToJSON()["mode"], "library");
  EXPECT_EQ(ss::ExpressionNormalization::Density().ToJSON()["reference_area_um2"], 100.0);
  try
  {
    ss::ExpressionNormalization::FromJSON(nlohmann::json{ { "mode", "cpm" } }, "config.json");
    FAIL() << "an unknown mode was accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), "config.json");
    EXPECT_EQ(e.GetField(), "normalization.mode");
  }
  EXPECT_THROW(ss::ExpressionNormalization::FromJSON(nlohmann::json{ { "mode", "density" } }, "c.json"), ss::InputError);
  EXPECT_THROW(ss::ExpressionNormalization::FromJSON(nlohmann::json{ { "mode", "library" }, { "target", -1 } }, "c.json"),
               ss::InputError);
}

TEST(ExpressionNormalization, BinCountsInBothModes)
{
  auto counts = ss::ExpressionImageType::New();
  ss::RegionType region;
  region.SetSize({ { 3, 2 } });
  counts->SetRegions(region);
  counts->SetNumberOfComponentsPerPixel(3);
  itk::Vector<double, 2> spacing;
  spacing[0] = 2;
  spacing[1] = 5;
  counts->SetSpacing(spacing);
  counts->Allocate();
  for (itk::IndexValueType y = 0; y < 2; ++y)
  {
    for (itk::IndexValueType x = 0; x < 3; ++x)
    {
      ss::ExpressionImageType::PixelType v(3);
      v[0] = static_cast<float>(x + 3 * y);
      v[1] = static_cast<float>(2 * x);
      v[2] = 1;
      counts->SetPixel({ { x, y } }, v);
    }
  }
  const auto density = ss::NormalizeBinCounts(counts, ss::ExpressionNormalization::Density(100), { 1 });
  ASSERT_EQ(density->GetNumberOfComponentsPerPixel(), 1u);
  EXPECT_NEAR(density->GetPixel({ { 2, 1 } })[0], std::log1p(4.0 * 100 / 10), 1e-5); // pixel area 2 x 5 µm
  EXPECT_EQ(density->GetSpacing(), counts->GetSpacing());

  const auto library = ss::NormalizeBinCounts(counts, ss::ExpressionNormalization::Library(), { 2, 0 });
  ASSERT_EQ(library->GetNumberOfComponentsPerPixel(), 2u);
  // Pixel (2, 1): counts 5, 4, 1 -> library 10.
  EXPECT_NEAR(library->GetPixel({ { 2, 1 } })[0], std::log1p(1.0 / 10 * 1e4), 1e-4);
  EXPECT_NEAR(library->GetPixel({ { 2, 1 } })[1], std::log1p(5.0 / 10 * 1e4), 1e-4);
  const auto all = ss::NormalizeBinCounts(counts, ss::ExpressionNormalization::Library());
  EXPECT_EQ(all->GetNumberOfComponentsPerPixel(), 3u);
  EXPECT_THROW(ss::NormalizeBinCounts(counts, ss::ExpressionNormalization::Library(), { 3 }), std::out_of_range);
}

namespace
{
/** Independent variance of the library-normalized log1p values over all spots, and detection. */
std::pair<double, double> VarianceAndDetection(const ss::SpotDataset & d, std::size_t gene)
{
  const auto totals = d.counts.SpotTotals();
  double sum = 0, sum2 = 0, detected = 0;
  const double n = static_cast<double>(d.NumberOfSpots());
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const double c = d.counts.Get(gene, s);
    const double v = std::log1p(c / totals[s] * 1e4);
    sum += v;
    sum2 += v * v;
    detected += c > 0 ? 1 : 0;
  }
  const double mean = sum / n;
  return { sum2 / n - mean * mean, detected / n };
}

/** 40 spots, 6 genes: gene 1 is very variable but detected in 3 spots only (< 10 %). */
ss::SpotDataset VariableDataset(int seed)
{
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::poisson_distribution<int> low(2.0), high(40.0);
  return sstest::MakeSquareSpots(sstest::FullGrid(8, 5), 6, [&](std::size_t g, int c, int r) -> double {
    switch (g)
    {
      case 0:
        return (c < 4) ? high(rng) : low(rng); // bimodal: high variance
      case 1:
        return (c == 0 && r < 3) ? 500 : 0; // rare
      case 2:
        return 20; // constant count (varies only through the library)
      case 3:
        return low(rng) + c; // gradient
      case 4:
        return 100 + low(rng); // housekeeping-like, fills the library
      default:
        return r % 2 ? 5 : 3; // two levels
    }
  });
}
} // namespace

TEST(ExpressionNormalization, HighlyVariableGenesFollowThePanelRule)
{
  const auto d = VariableDataset(1);
  const auto hvg = ss::SelectHighlyVariableGenes(d, 10, 0.1);
  ASSERT_EQ(hvg.size(), 5u) << "gene 1, detected in 3 of 40 spots, must be excluded";
  for (const auto g : hvg)
  {
    EXPECT_NE(g, 1u);
  }
  for (std::size_t i = 0; i + 1 < hvg.size(); ++i)
  {
    EXPECT_GE(VarianceAndDetection(d, hvg[i]).first, VarianceAndDetection(d, hvg[i + 1]).first);
  }
  EXPECT_GT(VarianceAndDetection(d, 1).first, VarianceAndDetection(d, hvg[0]).first)
    << "the excluded rare gene has the highest variance: the detection rule is what removes it";
  EXPECT_EQ(hvg.front(), 0u);
  // Without the detection rule it would come first.
  EXPECT_EQ(ss::SelectHighlyVariableGenes(d, 1, 0.0).front(), 1u);
  EXPECT_EQ(ss::SelectHighlyVariableGenes(d, 2, 0.1).size(), 2u);
}

TEST(ExpressionNormalization, HighlyVariableGenesPooledOverSections)
{
  const auto a = VariableDataset(2);
  // Section b lists its genes in another order and lacks G5 (its library is its own total).
  const auto b = VariableDataset(3).SelectGenes({ 3, 1, 4, 0, 2 });
  ASSERT_EQ(b.genes[0], "G3");
  const auto names = ss::SelectHighlyVariableGenes({ &a, &b }, 10, 0.1);

  // Independently: pool every spot's value per common gene, each section normalized by its own totals.
  std::vector<std::pair<double, std::string>> expected;
  for (const std::string gene : { "G0", "G1", "G2", "G3", "G4" })
  {
    double sum = 0, sum2 = 0, detected = 0, n = 0;
    for (const auto * d : { &a, &b })
    {
      const auto totals = d->counts.SpotTotals();
      const auto g = static_cast<std::size_t>(d->GeneIndex(gene));
      for (std::size_t s = 0; s < d->NumberOfSpots(); ++s)
      {
        const double v = std::log1p(d->counts.Get(g, s) / totals[s] * 1e4);
        sum += v;
        sum2 += v * v;
        detected += d->counts.Get(g, s) > 0;
        n += 1;
      }
    }
    if (detected >= 0.1 * n)
    {
      expected.emplace_back(-(sum2 / n - (sum / n) * (sum / n)), gene);
    }
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(names.size(), expected.size());
  for (std::size_t i = 0; i < names.size(); ++i)
  {
    EXPECT_EQ(names[i], expected[i].second);
    EXPECT_NE(names[i], "G5") << "a gene absent from one section must not be selected";
  }
  EXPECT_EQ(std::count(names.begin(), names.end(), "G1"), 0) << "G1 is detected in 6 of 80 pooled spots";
}

TEST(ExpressionNormalization, TopGenesByCounts)
{
  const auto d = SmallDataset(); // gene totals: 16, 32, 83
  EXPECT_EQ(ss::SelectTopGenesByCounts(d, 2), (std::vector<std::size_t>{ 2, 1 }));
  EXPECT_EQ(ss::SelectTopGenesByCounts(d, 10).size(), 3u);
  ss::MoleculeTable m;
  m.genes = { "a", "b", "c" };
  for (int i = 0; i < 5; ++i)
  {
    m.Add(0, 0, 1);
  }
  m.Add(0, 0, 0);
  m.Add(0, 0, 2);
  m.Add(0, 0, 2);
  EXPECT_EQ(ss::SelectTopGenesByCounts(m, 3), (std::vector<std::size_t>{ 1, 2, 0 }));
}

TEST(ExpressionNormalization, ModeNames)
{
  EXPECT_EQ(ss::NormalizationModeFromString("Density"), ss::NormalizationMode::Density);
  EXPECT_EQ(ss::ToString(ss::NormalizationMode::Library), "library");
  EXPECT_THROW(ss::NormalizationModeFromString("tpm"), std::invalid_argument);
  EXPECT_THROW(ss::ExpressionNormalization::Library(0), std::invalid_argument);
}
