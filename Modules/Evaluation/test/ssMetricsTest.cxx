#include "ssMetrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

namespace
{
constexpr float NaNf = std::numeric_limits<float>::quiet_NaN();

std::vector<float> RandomImage(std::size_t n, unsigned seed)
{
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> v(n);
  for (auto & x : v)
  {
    x = u(rng);
  }
  return v;
}

/** 3 x 3 mean with edge replication: a blur for the sharpness tests. */
std::vector<float> Blur3(const std::vector<float> & image, std::size_t width, std::size_t height)
{
  std::vector<float> out(image.size());
  for (std::size_t r = 0; r < height; ++r)
  {
    for (std::size_t c = 0; c < width; ++c)
    {
      double sum = 0;
      for (int dr = -1; dr <= 1; ++dr)
      {
        for (int dc = -1; dc <= 1; ++dc)
        {
          const auto rr = std::clamp<long>(static_cast<long>(r) + dr, 0, static_cast<long>(height) - 1);
          const auto cc = std::clamp<long>(static_cast<long>(c) + dc, 0, static_cast<long>(width) - 1);
          sum += image[rr * width + cc];
        }
      }
      out[r * width + c] = static_cast<float>(sum / 9);
    }
  }
  return out;
}
} // namespace

TEST(Pearson, SignedKnownValues)
{
  // Deviations (-2,-1,0,1,2) and (-1,-2,1,0,2): sum of products 8, sums of squares 10 and 10.
  EXPECT_NEAR(ss::PearsonCorrelation({ 1, 2, 3, 4, 5 }, { 2, 1, 4, 3, 5 }), 0.8, 1e-12);
  EXPECT_NEAR(ss::PearsonCorrelation({ 1, 2, 3, 4 }, { 2, 4, 6, 8 }), 1.0, 1e-12);
  // Anti-correlation stays negative: the benchmark never reports |r|.
  EXPECT_NEAR(ss::PearsonCorrelation({ 1, 2, 3, 4 }, { 8, 6, 4, 2 }), -1.0, 1e-12);
  // Invariant to offset and positive scale of either side, even with a large offset.
  EXPECT_NEAR(ss::PearsonCorrelation({ 1001, 1002, 1003, 1004, 1005 }, { 20, 10, 40, 30, 50 }), 0.8, 1e-9);
}

TEST(Pearson, MaskExcludesEntries)
{
  // The masked-out outlier would otherwise dominate r.
  const std::vector<float> t{ 1, 2, 3, 4, 5, 100 };
  const std::vector<float> p{ 2, 1, 4, 3, 5, -100 };
  const ss::ValidityMask m{ 1, 1, 1, 1, 1, 0 };
  EXPECT_NEAR(ss::PearsonCorrelation(t, p, m), 0.8, 1e-12);
  EXPECT_LT(ss::PearsonCorrelation(t, p), 0);
  // A NaN outside the mask is ignored; inside it is an error, never a silent NaN metric.
  EXPECT_NEAR(ss::PearsonCorrelation({ 1, 2, 3, 4, 5, NaNf }, { 2, 1, 4, 3, 5, 1 }, m), 0.8, 1e-12);
  EXPECT_THROW(ss::PearsonCorrelation({ 1, 2, NaNf }, { 1, 2, 3 }), std::invalid_argument);
  EXPECT_THROW(ss::PearsonCorrelation({ 1, 2, 3 }, { 1, 2 }), std::invalid_argument);
  EXPECT_THROW(ss::PearsonCorrelation({ 1, 2, 3 }, { 1, 2, 3 }, { 1, 1 }), std::invalid_argument);
}

TEST(Pearson, DegenerateCasesAreNaN)
{
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({ 2, 2, 2, 2 }, { 1, 2, 3, 4 })));        // constant truth
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({ 1, 2, 3, 4 }, { 0, 0, 0, 0 })));        // constant prediction
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({ 1 }, { 1 })));                          // one entry
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({}, {})));                                // none
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({ 1, 2, 3 }, { 1, 2, 3 }, { 0, 1, 0 }))); // one valid
  // Constancy is exact equality: the mean of three 0.1f is not exactly 0.1f, so a
  // variance test could see noise here; exact equality reports it as undefined.
  EXPECT_TRUE(std::isnan(ss::PearsonCorrelation({ 0.1f, 0.1f, 0.1f }, { 1, 2, 3 })));
  // A nearly constant map is not constant: it gets its r.
  EXPECT_NEAR(ss::PearsonCorrelation({ 0.1f, 0.1f, std::nextafter(0.1f, 1.f) }, { 1, 1, 2 }), 1.0, 1e-9);
}

TEST(RMSE, KnownValues)
{
  EXPECT_DOUBLE_EQ(ss::RootMeanSquaredError({ 0, 0, 0, 0 }, { 1, -1, 1, -1 }), 1.0);
  EXPECT_DOUBLE_EQ(ss::RootMeanSquaredError({ 0, 0 }, { 3, 4 }), std::sqrt(12.5));
  EXPECT_DOUBLE_EQ(ss::RootMeanSquaredError({ 0, 0, 7 }, { 3, 4, -7 }, { 1, 1, 0 }), std::sqrt(12.5));
  EXPECT_TRUE(std::isnan(ss::RootMeanSquaredError({ 1, 2 }, { 1, 2 }, { 0, 0 })));
}

TEST(Ranks, TiesGetTheAverageRank)
{
  EXPECT_EQ(ss::AverageRanks({ 10, 20, 20, 5 }), (std::vector<double>{ 2, 3.5, 3.5, 1 }));
  EXPECT_EQ(ss::AverageRanks({ 3, 3, 3 }), (std::vector<double>{ 2, 2, 2 }));
  EXPECT_TRUE(ss::AverageRanks({}).empty());
}

TEST(Spearman, KnownValues)
{
  // Any increasing map has rho = 1 whatever its shape.
  EXPECT_NEAR(ss::SpearmanCorrelation({ 1, 2, 3, 4, 5 }, { 1, 8, 27, 64, 125 }), 1.0, 1e-12);
  EXPECT_NEAR(ss::SpearmanCorrelation({ 1, 2, 3, 4, 5 }, { 5, 1, 0, -3, -40 }), -1.0, 1e-12);
  // Ranks (1, 2.5, 2.5, 4) vs (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5).
  EXPECT_NEAR(ss::SpearmanCorrelation({ 1, 2, 2, 3 }, { 1, 2, 3, 4 }), 4.5 / std::sqrt(22.5), 1e-12);
  EXPECT_TRUE(std::isnan(ss::SpearmanCorrelation({ 1, 1, 1 }, { 1, 2, 3 })));
}

TEST(Quantile, NumpyLinearDefinition)
{
  // numpy.quantile([1, 2, 3, 4], 0.9) = 3.7; ([5, 1, 3], 0.05) = 1.2.
  EXPECT_NEAR(ss::Quantile({ 1, 2, 3, 4 }, 0.9), 3.7, 1e-12);
  EXPECT_NEAR(ss::Quantile({ 5, 1, 3 }, 0.05), 1.2, 1e-12);
  EXPECT_DOUBLE_EQ(ss::Quantile({ 5, 1, 3 }, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(ss::Quantile({ 5, 1, 3 }, 1.0), 5.0);
  EXPECT_DOUBLE_EQ(ss::Quantile({ 5, 1, 3 }, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(ss::Quantile({ 7 }, 0.3), 7.0);
  EXPECT_THROW(ss::Quantile({}, 0.5), std::invalid_argument);
  EXPECT_THROW(ss::Quantile({ 1 }, 1.5), std::invalid_argument);
}

TEST(Calibration, CoverageOfTheCentralInterval)
{
  // 11 samples 0..10 per entry: the 5 % and 95 % quantiles are 0.5 and 9.5
  // (nearest-rank quantiles would give 0 and 10 or 1 and 9 instead).
  std::vector<std::vector<float>> samples(11, std::vector<float>(6));
  for (std::size_t k = 0; k < 11; ++k)
  {
    for (auto & v : samples[k])
    {
      v = static_cast<float>(k);
    }
  }
  const std::vector<float> truth{ 0.4f, 0.5f, 5.f, 9.5f, 9.6f, 100.f };
  // In: 0.5 and 9.5 (ends included) and 5.
  EXPECT_DOUBLE_EQ(ss::IntervalCoverage(truth, samples, 0.9), 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(ss::IntervalCoverage(truth, samples, 0.9, { 1, 1, 1, 1, 1, 0 }), 3.0 / 5.0);
  // The 98 % interval [0.1, 9.9] also takes 0.4 and 9.6.
  EXPECT_DOUBLE_EQ(ss::IntervalCoverage(truth, samples, 0.98), 5.0 / 6.0);
  EXPECT_TRUE(std::isnan(ss::IntervalCoverage(truth, samples, 0.9, ss::ValidityMask(6, 0))));
  EXPECT_THROW(ss::IntervalCoverage(truth, { samples[0] }, 0.9), std::invalid_argument);
  EXPECT_THROW(ss::IntervalCoverage(truth, samples, 1.0), std::invalid_argument);
}

TEST(Calibration, SampleStandardDeviationUsesKMinusOne)
{
  const auto sd = ss::SampleStandardDeviation({ { 1, 0, 5 }, { 3, 0, 5 } });
  EXPECT_FLOAT_EQ(sd[0], std::sqrt(2.f));
  EXPECT_FLOAT_EQ(sd[1], 0.f);
  EXPECT_FLOAT_EQ(sd[2], 0.f);
  EXPECT_THROW(ss::SampleStandardDeviation({ { 1, 2 } }), std::invalid_argument);
}

TEST(Calibration, SpreadVersusErrorSpearman)
{
  // Entry i: samples truth +- i (sd grows with i), prediction off by e_i.
  const std::vector<float> truth{ 0, 0, 0, 0, 0 };
  std::vector<std::vector<float>> samples{ { 0, 1, 2, 3, 4 }, { 0, -1, -2, -3, -4 } };
  EXPECT_NEAR(ss::UncertaintyErrorSpearman(truth, { 0.1f, -0.2f, 0.3f, 0.4f, -0.5f }, samples), 1.0, 1e-12);
  EXPECT_NEAR(ss::UncertaintyErrorSpearman(truth, { 0.5f, 0.4f, -0.3f, 0.2f, 0.1f }, samples), -1.0, 1e-12);
  // Errors (0.1, 0.3, 0.2, 0.4, 0.5) against sds ranked 1..5: rho = 1 - 6 * 2 / (5 * 24) = 0.9.
  EXPECT_NEAR(ss::UncertaintyErrorSpearman(truth, { 0.1f, 0.3f, 0.2f, 0.4f, 0.5f }, samples), 0.9, 1e-12);
}

TEST(SSIM, IdenticalImagesGiveOne)
{
  const std::size_t w = 11, h = 9;
  const auto a = RandomImage(w * h, 1);
  const std::vector<double> ad(a.begin(), a.end());
  const auto r = ss::StructuralSimilarity(ad, ad, w, h);
  for (double s : r.map)
  {
    EXPECT_DOUBLE_EQ(s, 1.0);
  }
  EXPECT_DOUBLE_EQ(r.mean, 1.0);
}

TEST(SSIM, ConstantImagesHaveTheLuminanceTermOnly)
{
  // No variance anywhere: S = (2ab + C1) / (a^2 + b^2 + C1) at every pixel, border included.
  const std::size_t w = 8, h = 7;
  const auto r = ss::StructuralSimilarity(std::vector<double>(w * h, 0.2), std::vector<double>(w * h, 0.6), w, h);
  const double c1 = 1e-4;
  for (double s : r.map)
  {
    EXPECT_NEAR(s, (0.24 + c1) / (0.4 + c1), 1e-12);
  }
  // Population covariance or a different K changes nothing here; data range does.
  ss::SSIMParameters p;
  p.dataRange = 2;
  EXPECT_NEAR(ss::StructuralSimilarity(std::vector<double>(w * h, 0.2), std::vector<double>(w * h, 0.6), w, h, p).mean,
              (0.24 + 4 * c1) / (0.4 + 4 * c1),
              1e-12);
}

TEST(SSIM, BorderUsesScipyReflectAndTheMeanIsCropped)
{
  // Image 1 is a ramp 0.1 * column on 7 x 7, image 2 is 0. At column 0 scipy's
  // 'reflect' window holds columns (2 1 0 | 0 1 2 3): mean 0.9/7, mean square 0.19/7.
  // (Edge replication would give 0.6/7 and 0.14/7.) With image 2 = 0, S = C1 C2 / ((ux^2 + C1)(vx + C2)).
  const std::size_t w = 7, h = 7;
  std::vector<double> ramp(w * h), zero(w * h, 0.0);
  for (std::size_t r = 0; r < h; ++r)
  {
    for (std::size_t c = 0; c < w; ++c)
    {
      ramp[r * w + c] = 0.1 * static_cast<double>(c);
    }
  }
  const auto res = ss::StructuralSimilarity(ramp, zero, w, h);
  const double c1 = 1e-4, c2 = 9e-4, covNorm = 49.0 / 48.0;
  auto expected = [&](double ux, double uxx) { return c1 * c2 / ((ux * ux + c1) * (covNorm * (uxx - ux * ux) + c2)); };
  const double atColumn0 = expected(0.9 / 7, 0.19 / 7);
  const double atColumn3 = expected(2.1 / 7, 0.91 / 7); // window 0..6, no mirroring
  for (std::size_t r = 0; r < h; ++r)
  {
    EXPECT_NEAR(res.map[r * w + 0], atColumn0, 1e-12);
    EXPECT_NEAR(res.map[r * w + 3], atColumn3, 1e-12);
  }
  // On a 7 x 7 image only the centre pixel survives skimage's crop.
  EXPECT_NEAR(res.mean, atColumn3, 1e-12);
  const std::vector<double> narrow(6 * 8, 0.0);
  EXPECT_THROW(ss::StructuralSimilarity(narrow, narrow, 6, 8), std::invalid_argument);
  ss::SSIMParameters even;
  even.windowSize = 6;
  EXPECT_THROW(ss::StructuralSimilarity(ramp, zero, w, h, even), std::invalid_argument);
}

TEST(SSIM, TissueSSIMScalesByTheTruthAndIgnoresNonTissue)
{
  const std::size_t w = 10, h = 9;
  auto truth = RandomImage(w * h, 2);
  ss::ValidityMask tissue(w * h, 1);
  for (std::size_t c = 0; c < w; ++c)
  {
    tissue[c] = 0; // first row is not tissue
  }
  EXPECT_DOUBLE_EQ(ss::TissueSSIM(truth, truth, tissue, w, h), 1.0);
  // An affine copy of the truth with the same min-max scaling is the truth again.
  std::vector<float> scaled(truth.size());
  std::vector<float> shifted(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i)
  {
    scaled[i] = 3 * truth[i] + 2;
    shifted[i] = truth[i] + 0.25f;
  }
  EXPECT_NEAR(ss::TissueSSIM(scaled, scaled, tissue, w, h), 1.0, 1e-12);
  // Values at non-tissue pixels do not matter, in either image.
  auto truth2 = truth;
  auto shifted2 = shifted;
  for (std::size_t c = 0; c < w; ++c)
  {
    truth2[c] = 50;
    shifted2[c] = -50;
  }
  const double s = ss::TissueSSIM(truth, shifted, tissue, w, h);
  EXPECT_DOUBLE_EQ(ss::TissueSSIM(truth2, shifted2, tissue, w, h), s);
  EXPECT_LT(s, 1.0);
  // Clipping: a prediction far above the truth's range scales to 1 everywhere,
  // the same as one exactly at the truth's maximum.
  float hi = 0;
  for (std::size_t i = 0; i < truth.size(); ++i)
  {
    hi = tissue[i] ? std::max(hi, truth[i]) : hi;
  }
  EXPECT_DOUBLE_EQ(ss::TissueSSIM(truth, std::vector<float>(w * h, 1000.f), tissue, w, h),
                   ss::TissueSSIM(truth, std::vector<float>(w * h, hi), tissue, w, h));
  // Undefined: constant truth over tissue, no tissue, image below the window.
  EXPECT_TRUE(std::isnan(ss::TissueSSIM(std::vector<float>(w * h, 1.f), truth, tissue, w, h)));
  EXPECT_TRUE(std::isnan(ss::TissueSSIM(truth, truth, ss::ValidityMask(w * h, 0), w, h)));
  EXPECT_TRUE(std::isnan(ss::TissueSSIM(std::vector<float>(truth.begin(), truth.begin() + 60),
                                        std::vector<float>(60, 0.f),
                                        ss::ValidityMask(60, 1),
                                        10,
                                        6)));
}

TEST(Sharpness, KnownSpectra)
{
  const std::size_t w = 32, h = 24;
  const ss::ValidityMask all(w * h, 1);
  std::vector<float> checker(w * h), slow(w * h);
  for (std::size_t r = 0; r < h; ++r)
  {
    for (std::size_t c = 0; c < w; ++c)
    {
      checker[r * w + c] = ((r + c) % 2) ? 1.f : -1.f;
      // A period of 8 px: frequency 1/8 < 1/4.
      slow[r * w + c] = static_cast<float>(std::cos(2 * M_PI * static_cast<double>(c) / 8));
    }
  }
  // All of the checkerboard's power is at (1/2, 1/2); its mean square is 1.
  EXPECT_NEAR(ss::HighFrequencyPower(checker, all, w, h), 1.0, 1e-9);
  EXPECT_NEAR(ss::HighFrequencyPower(slow, all, w, h), 0.0, 1e-12);
}

TEST(Sharpness, FFTSizes)
{
  EXPECT_EQ(ss::NextFFTSize(0), 1u);
  EXPECT_EQ(ss::NextFFTSize(7), 8u);
  EXPECT_EQ(ss::NextFFTSize(31), 32u);
  EXPECT_EQ(ss::NextFFTSize(37), 40u);
  EXPECT_EQ(ss::NextFFTSize(45), 45u);
  EXPECT_EQ(ss::NextFFTSize(121), 125u);
}

TEST(Sharpness, MatchesTheDefinitionWithANaiveDFT)
{
  // An irregular tissue whose bounding box (columns 2..8, rows 1..11: 7 x 11) needs
  // padding to 8 x 12; the definition is evaluated here with a direct DFT.
  const std::size_t w = 12, h = 14;
  const auto image = RandomImage(w * h, 7);
  ss::ValidityMask tissue(w * h, 0);
  for (std::size_t r = 1; r <= 11; ++r)
  {
    for (std::size_t c = 2 + r % 3; c <= 8; ++c)
    {
      tissue[r * w + c] = 1;
    }
  }
  double mean = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < w * h; ++i)
  {
    if (tissue[i])
    {
      mean += image[i];
      ++n;
    }
  }
  mean /= static_cast<double>(n);
  const std::size_t bw = 7, bh = 11, pw = 8, ph = 12;
  std::vector<double> box(pw * ph, 0.0);
  for (std::size_t r = 0; r < bh; ++r)
  {
    for (std::size_t c = 0; c < bw; ++c)
    {
      const std::size_t i = (r + 1) * w + (c + 2);
      box[r * pw + c] = tissue[i] ? image[i] - mean : 0.0;
    }
  }
  double high = 0;
  for (std::size_t ky = 0; ky < ph; ++ky)
  {
    for (std::size_t kx = 0; kx < pw; ++kx)
    {
      const double fy = (2 * ky < ph ? double(ky) : double(ky) - ph) / ph;
      const double fx = (2 * kx < pw ? double(kx) : double(kx) - pw) / pw;
      if (std::hypot(fx, fy) <= 0.25)
      {
        continue;
      }
      std::complex<double> f(0, 0);
      for (std::size_t r = 0; r < ph; ++r)
      {
        for (std::size_t c = 0; c < pw; ++c)
        {
          f += box[r * pw + c] * std::polar(1.0, -2 * M_PI * (double(kx * c) / pw + double(ky * r) / ph));
        }
      }
      high += std::norm(f);
    }
  }
  const double expected = high / double(pw * ph) / double(bw * bh);
  EXPECT_GT(expected, 0.01);
  EXPECT_NEAR(ss::HighFrequencyPower(image, tissue, w, h), expected, 1e-12);
}

TEST(Sharpness, TissueEdgeAddsNoPowerAndOnlyTheBoxCounts)
{
  // A constant map on an irregular tissue inside a larger canvas: no power at all,
  // wherever the tissue edge lies and whatever sits outside the tissue.
  const std::size_t w = 20, h = 16;
  std::vector<float> image(w * h, 123.f);
  ss::ValidityMask tissue(w * h, 0);
  for (std::size_t r = 3; r < 12; ++r)
  {
    for (std::size_t c = 5; c < 5 + r; ++c)
    {
      tissue[r * w + c] = 1;
      image[r * w + c] = 2.5f;
    }
  }
  EXPECT_NEAR(ss::HighFrequencyPower(image, tissue, w, h), 0.0, 1e-20);
  EXPECT_TRUE(std::isnan(ss::HighFrequencyPower(image, ss::ValidityMask(w * h, 0), w, h)));
}

TEST(Sharpness, TruthIsExactlyOneAndBlurIsBelow)
{
  const std::size_t w = 27, h = 23;
  const auto truth = RandomImage(w * h, 3);
  ss::ValidityMask tissue(w * h, 1);
  for (std::size_t i = 0; i < w * h; i += 7)
  {
    tissue[i] = 0;
  }
  EXPECT_EQ(ss::SharpnessRatio(truth, truth, tissue, w, h), 1.0);
  const auto blurred = Blur3(truth, w, h);
  const double once = ss::SharpnessRatio(truth, blurred, tissue, w, h);
  const double twice = ss::SharpnessRatio(truth, Blur3(blurred, w, h), tissue, w, h);
  EXPECT_GT(once, 0.0);
  EXPECT_LT(once, 0.5);
  EXPECT_LT(twice, once);
  // Scaling the prediction scales its power quadratically.
  std::vector<float> doubled(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i)
  {
    doubled[i] = 2 * truth[i];
  }
  EXPECT_NEAR(ss::SharpnessRatio(truth, doubled, tissue, w, h), 4.0, 1e-5);
  EXPECT_TRUE(std::isnan(ss::SharpnessRatio(std::vector<float>(w * h, 1.f), truth, tissue, w, h)));
}

TEST(Aggregation, NaNsAreExcludedAndCounted)
{
  const double nan = ss::NotANumber;
  const auto s = ss::MeanIgnoringNaN({ 1.0, nan, 3.0 });
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.spread, std::sqrt(2.0));
  EXPECT_EQ(s.used, 2u);
  EXPECT_EQ(s.excluded, 1u);
  const auto none = ss::MeanIgnoringNaN({ nan, nan });
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_EQ(none.used, 0u);
  EXPECT_EQ(none.excluded, 2u);
  const auto one = ss::MeanIgnoringNaN({ 0.5 });
  EXPECT_DOUBLE_EQ(one.mean, 0.5);
  EXPECT_TRUE(std::isnan(one.spread));
  EXPECT_THROW(ss::MeanIgnoringNaN({ 1.0, std::numeric_limits<double>::infinity() }), std::invalid_argument);
}
