#include "ssMapScores.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace
{

/** Two genes on a 24 x 20 grid: a ramp with a fine checker texture, and a blob. */
ss::GeneMaps Truth()
{
  ss::GeneMaps m;
  m.width = 24;
  m.height = 20;
  m.genes.assign(2, std::vector<float>(m.NumberOfPixels()));
  for (std::size_t r = 0; r < m.height; ++r)
  {
    for (std::size_t c = 0; c < m.width; ++c)
    {
      const double x = static_cast<double>(c), y = static_cast<double>(r);
      m.genes[0][r * m.width + c] = static_cast<float>(1 + 0.05 * x + 0.3 * ((r + c) % 2));
      m.genes[1][r * m.width + c] = static_cast<float>(2 * std::exp(-((x - 12) * (x - 12) + (y - 9) * (y - 9)) / 30) +
                                                       0.2 * std::sin(2.5 * x) * std::cos(2.1 * y));
    }
  }
  return m;
}

ss::ValidityMask Tissue(const ss::GeneMaps & m)
{
  ss::ValidityMask mask(m.NumberOfPixels(), 0);
  for (std::size_t r = 1; r + 1 < m.height; ++r)
  {
    for (std::size_t c = 2; c + 1 < m.width; ++c)
    {
      mask[r * m.width + c] = 1;
    }
  }
  return mask;
}

/** A 3 x 3 box blur (mean of the neighbours inside the grid). */
ss::GeneMaps Blur(const ss::GeneMaps & m)
{
  ss::GeneMaps b = m;
  for (std::size_t g = 0; g < m.NumberOfGenes(); ++g)
  {
    for (long r = 0; r < static_cast<long>(m.height); ++r)
    {
      for (long c = 0; c < static_cast<long>(m.width); ++c)
      {
        double sum = 0;
        int n = 0;
        for (long dr = -1; dr <= 1; ++dr)
        {
          for (long dc = -1; dc <= 1; ++dc)
          {
            const long rr = r + dr, cc = c + dc;
            if (rr >= 0 && cc >= 0 && rr < static_cast<long>(m.height) && cc < static_cast<long>(m.width))
            {
              sum += m.genes[g][static_cast<std::size_t>(rr) * m.width + static_cast<std::size_t>(cc)];
              ++n;
            }
          }
        }
        b.genes[g][static_cast<std::size_t>(r) * m.width + static_cast<std::size_t>(c)] = static_cast<float>(sum / n);
      }
    }
  }
  return b;
}

} // namespace

TEST(MapScores, TruthScoresPerfectlyAndBlurLosesSharpness)
{
  const auto truth = Truth();
  const auto mask = Tissue(truth);
  const auto perfect = ss::ScoreGeneMaps(truth, truth, mask);
  ASSERT_EQ(perfect.pcc.size(), 2u);
  for (std::size_t g = 0; g < 2; ++g)
  {
    EXPECT_NEAR(perfect.pcc[g], 1.0, 1e-9);
    EXPECT_EQ(perfect.rmse[g], 0.0);
    EXPECT_NEAR(perfect.ssim[g], 1.0, 1e-9);
    EXPECT_NEAR(perfect.sharpness[g], 1.0, 1e-9);
  }
  EXPECT_TRUE(perfect.coverage.empty()) << "no samples, no calibration";
  EXPECT_TRUE(perfect.sampleSharpness.empty());

  const auto blurred = ss::ScoreGeneMaps(truth, Blur(truth), mask);
  for (std::size_t g = 0; g < 2; ++g)
  {
    EXPECT_LT(blurred.sharpness[g], 0.5) << g;
    EXPECT_LT(blurred.ssim[g], 1.0);
    EXPECT_GT(blurred.rmse[g], 0.0);
  }
}

TEST(MapScores, PixelsOutsideTheMaskAreIgnored)
{
  const auto truth = Truth();
  const auto mask = Tissue(truth);
  auto spoiled = truth;
  for (std::size_t i = 0; i < truth.NumberOfPixels(); ++i)
  {
    if (!mask[i])
    {
      spoiled.genes[0][i] = 100.f;
      spoiled.genes[1][i] = -7.f;
    }
  }
  const auto scores = ss::ScoreGeneMaps(truth, spoiled, mask);
  for (std::size_t g = 0; g < 2; ++g)
  {
    EXPECT_NEAR(scores.pcc[g], 1.0, 1e-9);
    EXPECT_EQ(scores.rmse[g], 0.0);
    EXPECT_NEAR(scores.ssim[g], 1.0, 1e-9);
    EXPECT_NEAR(scores.sharpness[g], 1.0, 1e-9);
  }
}

TEST(MapScores, CalibratedSamplesCoverNinetyPercent)
{
  // Samples drawn around the truth with the same noise as the truth's own deviation from the
  // mean: the truth is then a draw of the same distribution, so 90 % intervals cover ~90 %.
  const auto truth = Truth();
  const auto mask = Tissue(truth);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.2);
  auto centre = truth;
  for (auto & g : centre.genes)
  {
    for (auto & v : g)
    {
      v = static_cast<float>(v + noise(rng));
    }
  }
  std::vector<ss::GeneMaps> samples(40, centre);
  for (auto & s : samples)
  {
    for (auto & g : s.genes)
    {
      for (auto & v : g)
      {
        v = static_cast<float>(v + noise(rng));
      }
    }
  }
  const auto scores = ss::ScoreGeneMaps(truth, centre, mask, samples);
  ASSERT_EQ(scores.coverage.size(), 2u);
  ASSERT_EQ(scores.sampleSharpness.size(), 2u);
  ASSERT_EQ(scores.uncertaintySpearman.size(), 2u);
  for (std::size_t g = 0; g < 2; ++g)
  {
    // truth - centre ~ N(0, 0.2²) and the samples' interval is centre ± 1.645 · 0.2 · (wider than
    // the 90 % of the truth's deviation only by the samples' quantile noise).
    EXPECT_NEAR(scores.coverage[g], 0.9, 0.06) << g;
    EXPECT_GT(scores.sampleSharpness[g], 1.0) << "noise adds high frequencies";
    EXPECT_TRUE(std::isfinite(scores.uncertaintySpearman[g]));
  }

  // Samples that all equal the mean cover only the pixels where the mean is exact: none here.
  const std::vector<ss::GeneMaps> collapsed(16, centre);
  const auto none = ss::ScoreGeneMaps(truth, centre, mask, collapsed);
  EXPECT_LT(none.coverage[0], 0.05);
}

TEST(MapScores, ResultsTableGetsTheMetricsThatApply)
{
  const auto truth = Truth();
  const auto mask = Tissue(truth);
  ss::ResultsTable results;
  ss::AddMapScores(results, "slide", "plain", { "A", "B" }, ss::ScoreGeneMaps(truth, Blur(truth), mask));
  ss::AddMapScores(
    results, "slide", "sampled", { "A", "B" }, ss::ScoreGeneMaps(truth, truth, mask, { truth, Blur(truth) }));
  EXPECT_TRUE(results.Has("slide", "plain", "sharpness", "A"));
  EXPECT_FALSE(results.Has("slide", "plain", ss::CoverageMetric, "A"));
  EXPECT_TRUE(results.Has("slide", "sampled", ss::CoverageMetric, "B"));
  EXPECT_TRUE(results.Has("slide", "sampled", ss::SampleSharpnessMetric, "B"));
  EXPECT_FALSE(results.GetMetricDescription(ss::UncertaintySpearmanMetric).empty());
  EXPECT_NEAR(results.Get("slide", "sampled", "pcc", "A"), 1.0, 1e-9);
}

TEST(MapScores, ShapeMismatchesThrow)
{
  const auto truth = Truth();
  auto small = truth;
  small.width = 10;
  EXPECT_THROW(ss::ScoreGeneMaps(truth, small, Tissue(truth)), std::invalid_argument);
  EXPECT_THROW(ss::ScoreGeneMaps(truth, truth, ss::ValidityMask(3, 1)), std::invalid_argument);
  auto oneGene = truth;
  oneGene.genes.pop_back();
  EXPECT_THROW(ss::ScoreGeneMaps(truth, truth, Tissue(truth), { truth, oneGene }), std::invalid_argument);
}
