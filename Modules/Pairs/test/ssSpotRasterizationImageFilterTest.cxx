#include "ssSpotRasterizationImageFilter.h"

#include "ssPairsTestUtilities.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkStreamingImageFilter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using sstest::P;
using Filter = ss::SpotRasterizationImageFilter;

namespace
{
/** Jittered hexagonal spots (pitch 100 µm) with two values each: the spot index and a ramp in x. */
struct Spots
{
  std::vector<ss::PointType> centres;
  std::vector<float> values;
};

Spots JitteredHexSpots()
{
  Spots s;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-4, 4);
  for (int r = 0; r < 6; ++r)
  {
    for (int c = r % 2; c < 12; c += 2)
    {
      if ((c * 7 + r * 3) % 11 == 0)
      {
        continue; // holes
      }
      const ss::PointType p = P(20 + c * 50 + jitter(rng), 30 + r * 86.6 + jitter(rng));
      s.values.push_back(static_cast<float>(s.centres.size()));
      s.values.push_back(static_cast<float>(0.01 * p[0] + 0.5));
      s.centres.push_back(p);
    }
  }
  return s;
}

ss::GridGeometry Grid(double spacing, double x0, double y0, unsigned w, unsigned h)
{
  ss::GridGeometry g;
  g.origin = P(x0, y0);
  g.spacing.Fill(spacing);
  g.size[0] = w;
  g.size[1] = h;
  return g;
}

/** Brute force: nearest centre within `radius` of p (ties to the lower index), or -1. */
long BruteNearest(const std::vector<ss::PointType> & centres, const ss::PointType & p, double radius)
{
  long best = -1;
  double bestD = 0;
  for (std::size_t i = 0; i < centres.size(); ++i)
  {
    const double d = p.SquaredEuclideanDistanceTo(centres[i]);
    if (d <= radius * radius && (best < 0 || d < bestD))
    {
      best = static_cast<long>(i);
      bestD = d;
    }
  }
  return best;
}

/** Checks every pixel of the filter's outputs against `expectedSpot(p)`. */
template <typename F>
void ExpectSpots(Filter * filter, const Spots & s, F && expectedSpot)
{
  const auto * out = filter->GetOutput();
  const auto * mask = filter->GetMaskOutput();
  std::size_t covered = 0, empty = 0;
  itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(out, out->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    ss::PointType p;
    out->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    const long e = expectedSpot(p);
    if (e < 0)
    {
      ASSERT_EQ(mask->GetPixel(it.GetIndex()), 0) << it.GetIndex();
      ASSERT_EQ(it.Get()[0], 0.0f);
      ++empty;
    }
    else
    {
      ASSERT_EQ(mask->GetPixel(it.GetIndex()), 1) << it.GetIndex();
      ASSERT_EQ(it.Get()[0], s.values[2 * e]) << it.GetIndex();
      ASSERT_EQ(it.Get()[1], s.values[2 * e + 1]);
      ++covered;
    }
  }
  EXPECT_GT(covered, 100u);
  EXPECT_GT(empty, 10u);
}
} // namespace

TEST(SpotRasterizationImageFilter, NearestMatchesBruteForceWithThreadsAndStreaming)
{
  const Spots s = JitteredHexSpots();
  const auto grid = Grid(5, -40, -30, 150, 120);
  auto filter = Filter::New();
  filter->SetSpotValues(s.centres, s.values, 2);
  filter->SetPitchUm(100);
  filter->SetOutputGrid(grid);
  filter->SetNumberOfWorkUnits(4);
  filter->Update();
  EXPECT_DOUBLE_EQ(filter->GetEffectiveRadiusUm(), 50.0);
  EXPECT_EQ(filter->GetOutput()->GetNumberOfComponentsPerPixel(), 2u);
  EXPECT_TRUE(ss::GridGeometry::FromImage(filter->GetMaskOutput()).SameAs(grid));
  ExpectSpots(filter, s, [&](const ss::PointType & p) { return BruteNearest(s.centres, p, 50); });

  // One work unit, and streamed in 7 pieces: identical.
  auto single = Filter::New();
  single->SetSpotValues(s.centres, s.values, 2);
  single->SetPitchUm(100);
  single->SetOutputGrid(grid);
  single->SetNumberOfWorkUnits(1);
  auto streamer = itk::StreamingImageFilter<ss::ExpressionImageType, ss::ExpressionImageType>::New();
  streamer->SetInput(single->GetOutput());
  streamer->SetNumberOfStreamDivisions(7);
  streamer->Update();
  EXPECT_TRUE(sstest::SamePixels<ss::ExpressionImageType>(streamer->GetOutput(), filter->GetOutput()));
  auto maskStreamer = itk::StreamingImageFilter<ss::MaskImageType, ss::MaskImageType>::New();
  maskStreamer->SetInput(single->GetMaskOutput());
  maskStreamer->SetNumberOfStreamDivisions(5);
  maskStreamer->Update();
  EXPECT_TRUE(sstest::SamePixels<ss::MaskImageType>(maskStreamer->GetOutput(), filter->GetMaskOutput()));
}

TEST(SpotRasterizationImageFilter, RadiusAndDiscModes)
{
  const Spots s = JitteredHexSpots();
  auto filter = Filter::New();
  filter->SetSpotValues(s.centres, s.values, 2);
  filter->SetOutputGrid(Grid(4, 0, 0, 160, 130));
  filter->SetRadiusUm(30);
  filter->Update();
  ExpectSpots(filter, s, [&](const ss::PointType & p) { return BruteNearest(s.centres, p, 30); });

  filter->SetMode(Filter::ModeType::Disc);
  EXPECT_THROW(filter->Update(), itk::ExceptionObject) << "Disc mode without a diameter must fail";
  filter->SetSpotDiameterUm(55);
  filter->Update();
  ExpectSpots(filter, s, [&](const ss::PointType & p) { return BruteNearest(s.centres, p, 27.5); });
}

TEST(SpotRasterizationImageFilter, CellModeTilesASquareArray)
{
  // 5 x 4 square array, pitch 200 µm, one spot missing; an aligned grid of 50 µm pixels.
  Spots s;
  for (int r = 0; r < 4; ++r)
  {
    for (int c = 0; c < 5; ++c)
    {
      if (c == 2 && r == 1)
      {
        continue;
      }
      s.values.push_back(static_cast<float>(10 * r + c));
      s.values.push_back(1.0f);
      s.centres.push_back(P(1000 + 200 * c, 500 + 200 * r));
    }
  }
  // Pixel centres at 1000 - 75 + 50 k: four per cell, never on a cell edge.
  const auto grid = Grid(50, 925, 425, 22, 18);
  auto filter = Filter::New();
  filter->SetSpotValues(s.centres, s.values, 2);
  filter->SetMode(Filter::ModeType::Cell);
  filter->SetPitchUm(200);
  filter->SetOutputGrid(grid);
  filter->SetNumberOfWorkUnits(3);
  filter->Update();
  std::size_t covered = 0;
  for (itk::IndexValueType j = 0; j < 18; ++j)
  {
    for (itk::IndexValueType i = 0; i < 22; ++i)
    {
      const ss::IndexType idx = { { i, j } };
      const long c = static_cast<long>(std::floor((925 + 50.0 * i - 900) / 200));
      const long r = static_cast<long>(std::floor((425 + 50.0 * j - 400) / 200));
      const bool exists = c >= 0 && c < 5 && r >= 0 && r < 4 && !(c == 2 && r == 1);
      ASSERT_EQ(filter->GetMaskOutput()->GetPixel(idx), exists ? 1 : 0) << idx;
      if (exists)
      {
        EXPECT_EQ(filter->GetOutput()->GetPixel(idx)[0], static_cast<float>(10 * r + c)) << idx;
        ++covered;
      }
    }
  }
  EXPECT_EQ(covered, 19u * 16u) << "the cells tile the array completely (corners included)";
}

TEST(SpotRasterizationImageFilter, RotatedGridAndReferenceImage)
{
  const Spots s = JitteredHexSpots();
  auto reference = ss::MaskImageType::New();
  ss::RegionType region;
  region.SetIndex({ { 3, -2 } });
  region.SetSize({ { 90, 70 } });
  reference->SetRegions(region);
  const double a = 0.4;
  ss::DirectionType d;
  d(0, 0) = std::cos(a);
  d(0, 1) = -std::sin(a);
  d(1, 0) = std::sin(a);
  d(1, 1) = std::cos(a);
  reference->SetDirection(d);
  itk::Vector<double, 2> spacing;
  spacing[0] = 6;
  spacing[1] = 4;
  reference->SetSpacing(spacing);
  reference->SetOrigin(P(150, -50));

  auto filter = Filter::New();
  filter->SetSpotValues(s.centres, s.values, 2);
  filter->SetPitchUm(100);
  filter->SetOutputGridFromReferenceImage(reference);
  filter->SetNumberOfWorkUnits(2);
  filter->Update();
  EXPECT_EQ(filter->GetOutput()->GetLargestPossibleRegion(), region);
  EXPECT_EQ(filter->GetOutput()->GetDirection(), d);
  ExpectSpots(filter, s, [&](const ss::PointType & p) { return BruteNearest(s.centres, p, 50); });
}

TEST(SpotRasterizationImageFilter, SetSpotsNormalizesAndTakesGeometry)
{
  const auto d = sstest::MakeSquareSpots(sstest::FullGrid(3, 2), 2, [](std::size_t g, int c, int r) {
    return static_cast<double>(g == 0 ? c + 1 : 3 + r);
  });
  auto filter = Filter::New();
  filter->SetSpots(d, { 0 }, ss::ExpressionNormalization::Library());
  EXPECT_EQ(filter->GetPitchUm(), 200.0);
  EXPECT_EQ(filter->GetSpotDiameterUm(), 100.0);
  filter->SetOutputGrid(Grid(200, 1000, 500, 3, 2));
  filter->Update();
  // Spot (2, 1): counts 3 and 4.
  EXPECT_NEAR(filter->GetOutput()->GetPixel({ { 2, 1 } })[0], std::log1p(3.0 / 7.0 * 1e4), 1e-4);
  std::ostringstream os;
  filter->Print(os);
  EXPECT_NE(os.str().find("PitchUm: 200"), std::string::npos);
}

TEST(SpotRasterizationImageFilter, RejectsMissingInputs)
{
  auto filter = Filter::New();
  EXPECT_THROW(filter->Update(), itk::ExceptionObject);
  EXPECT_THROW(filter->SetSpotValues({ P(0, 0) }, { 1.0f, 2.0f, 3.0f }, 2), itk::ExceptionObject);
  filter->SetSpotValues({ P(0, 0) }, { 1.0f }, 1);
  EXPECT_THROW(filter->Update(), itk::ExceptionObject) << "no grid";
  filter->SetOutputGrid(Grid(1, 0, 0, 4, 4));
  EXPECT_THROW(filter->Update(), itk::ExceptionObject) << "no pitch or radius";
}
