#include "ssSpotInterpolation.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssPairsTestUtilities.h"
#include "ssSpotGridCoarsening.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <cmath>

using sstest::P;
using ss::InterpolationMethod;

namespace
{
double Linear(double col, double row)
{
  return 1.0 + 0.5 * col - 0.25 * row;
}

/** Values of `f` at every spot's array position, plus a second, constant component. */
template <typename F>
std::vector<float> ValuesAtNodes(const ss::SpotDataset & d, F && f)
{
  std::vector<float> v;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    v.push_back(static_cast<float>(f(d.spots.arrayCol[s], d.spots.arrayRow[s])));
    v.push_back(2.0f);
  }
  return v;
}

ss::SpotDataset Square(std::vector<std::pair<int, int>> positions = sstest::FullGrid(8, 6))
{
  return sstest::MakeSquareSpots(positions, 1, [](std::size_t, int, int) { return 1.0; });
}
} // namespace

TEST(SpotInterpolation, BilinearIsExactForLinearFieldsOnASquareLattice)
{
  const auto d = Square();
  const ss::SpotInterpolator bilinear(d, ValuesAtNodes(d, Linear), 2, InterpolationMethod::Bilinear);
  float out[2];
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> uc(0, 7), ur(0, 5);
  for (int i = 0; i < 200; ++i)
  {
    const double c = uc(rng), r = ur(rng);
    ASSERT_TRUE(bilinear.EvaluateAtArray(c, r, out));
    EXPECT_NEAR(out[0], Linear(c, r), 1e-5);
    EXPECT_NEAR(out[1], 2.0f, 1e-6);
  }
  // Outside the lattice (no node with positive weight) it is undefined.
  EXPECT_FALSE(bilinear.EvaluateAtArray(-1.5, 2, out));
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_FALSE(bilinear.EvaluateAtArray(3, 9, out));
  // Half a node outside still has weight from the edge nodes (normalized over them).
  ASSERT_TRUE(bilinear.EvaluateAtArray(-0.5, 2, out));
  EXPECT_NEAR(out[0], Linear(0, 2), 1e-5);
}

TEST(SpotInterpolation, BilinearNormalizesOverTheSpotsThatExist)
{
  auto positions = sstest::FullGrid(4, 4);
  positions.erase(std::find(positions.begin(), positions.end(), std::make_pair(2, 2)));
  const auto d = Square(positions);
  const auto f = [](int c, int r) { return 10.0 * c + r * r; };
  const ss::SpotInterpolator bilinear(d, ValuesAtNodes(d, f), 2, InterpolationMethod::Bilinear);
  float out[2];
  // The centre of cell (1..2, 1..2): the missing (2, 2) drops out, the other three share equally.
  ASSERT_TRUE(bilinear.EvaluateAtArray(1.5, 1.5, out));
  EXPECT_NEAR(out[0], (f(1, 1) + f(2, 1) + f(1, 2)) / 3.0, 1e-5);
  // On the missing node itself every weight with a spot is 0: undefined.
  EXPECT_FALSE(bilinear.EvaluateAtArray(2, 2, out));
  // Weighted: (1.25, 1.5) -> weights .375 .125 .375 .125 over (1,1) (2,1) (1,2) (2,2).
  ASSERT_TRUE(bilinear.EvaluateAtArray(1.25, 1.5, out));
  EXPECT_NEAR(out[0], (0.375 * f(1, 1) + 0.125 * f(2, 1) + 0.375 * f(1, 2)) / 0.875, 1e-5);
}

TEST(SpotInterpolation, NearestTakesTheNodeValueAndReproducesBlocks)
{
  const auto d = Square();
  const ss::SpotInterpolator nearest(d, ValuesAtNodes(d, Linear), 2, InterpolationMethod::Nearest);
  float out[2];
  ASSERT_TRUE(nearest.EvaluateAtArray(2.4, 3.6, out));
  EXPECT_EQ(out[0], static_cast<float>(Linear(2, 4)));
  EXPECT_FALSE(nearest.EvaluateAtArray(8.6, 0, out));

  // HR spots mapped onto their blocks' lattice land on their own block: protocol 1's nearest.
  const auto hr = sstest::MakeSquareSpots(sstest::FullGrid(9, 7, -2, 0), 1, [](std::size_t, int c, int r) { return 1.0 + c * c + 7 * r; });
  for (const int k : { 2, 3, 4 })
  {
    const auto coarse = ss::CoarsenSpotGrid(hr, k);
    std::vector<float> blockValues;
    for (std::size_t b = 0; b < coarse.blocks.NumberOfSpots(); ++b)
    {
      blockValues.push_back(static_cast<float>(b) + 0.5f);
    }
    const ss::SpotInterpolator blocks(coarse.blocks, blockValues, 1, InterpolationMethod::Nearest);
    for (std::size_t s = 0; s < hr.NumberOfSpots(); ++s)
    {
      const auto a = ss::BlockLatticeCoordinates(hr.spots.arrayCol[s], hr.spots.arrayRow[s], k, ss::SpotLattice::Square);
      float v = 0;
      ASSERT_TRUE(blocks.EvaluateAtArray(a[0], a[1], &v));
      EXPECT_EQ(v, blockValues[coarse.blockOfSpot[s]]) << "k " << k << " spot " << hr.spots.id[s];
      // The same through µm: the blocks' frame places block nodes at full-block centres.
      float w = 0;
      ASSERT_TRUE(blocks.EvaluateAtMicrons(hr.spots.positionUm[s], &w));
      EXPECT_EQ(w, v) << "k " << k << " spot " << hr.spots.id[s];
    }
  }
}

TEST(SpotInterpolation, HexagonalLatticeIsLinearOnTriangles)
{
  const auto d = sstest::MakeHexSpots(sstest::HexGrid(12, 8), 1, [](std::size_t, int, int) { return 1.0; });
  // A field linear in µm is linear in (col, row): exact inside the lattice.
  const auto f = [](double c, double r) { return 3.0 + 0.2 * c + 0.7 * r; };
  const ss::SpotInterpolator linear(d, ValuesAtNodes(d, f), 2, InterpolationMethod::Bilinear);
  float out[2];
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> uc(1, 10), ur(0, 7);
  for (int i = 0; i < 200; ++i)
  {
    const double c = uc(rng), r = ur(rng);
    ASSERT_TRUE(linear.EvaluateAtArray(c, r, out)) << c << "," << r;
    EXPECT_NEAR(out[0], f(c, r), 1e-5) << c << "," << r;
  }
  // At a node, only that node; in a triangle's centroid, the mean of its three vertices.
  ASSERT_TRUE(linear.EvaluateAtArray(4, 2, out));
  EXPECT_NEAR(out[0], f(4, 2), 1e-6);
  const auto g = [](int c, int r) { return static_cast<double>(c * c + 5 * r); }; // not linear
  const ss::SpotInterpolator curved(d, ValuesAtNodes(d, g), 2, InterpolationMethod::Bilinear);
  ASSERT_TRUE(curved.EvaluateAtArray((4 + 6 + 5) / 3.0, (2 + 2 + 3) / 3.0, out));
  EXPECT_NEAR(out[0], (g(4, 2) + g(6, 2) + g(5, 3)) / 3.0, 1e-4);
  // Nearest in µm terms: (5, 2.4) is nearer (4, 2) or (6, 2) than (5, 3)? |(1, .4·√3)| = 1.31 vs .6·√3 = 1.04.
  const ss::SpotInterpolator nearest(d, ValuesAtNodes(d, g), 2, InterpolationMethod::Nearest);
  ASSERT_TRUE(nearest.EvaluateAtArray(5, 2.4, out));
  EXPECT_EQ(out[0], static_cast<float>(g(5, 3)));
  ASSERT_TRUE(nearest.EvaluateAtArray(4.9, 2.2, out));
  EXPECT_EQ(out[0], static_cast<float>(g(4, 2)));
}

TEST(SpotInterpolation, BSplineInterpolatesNodesAndReproducesLinearFields)
{
  const auto d = Square(sstest::FullGrid(16, 14));
  const ss::SpotInterpolator spline(d, ValuesAtNodes(d, Linear), 2, InterpolationMethod::BSpline);
  float out[2];
  // Exact for a linear field in the interior: the constant (nearest-filled) margin bends it
  // only near the edges, and that decays by ~0.27 per node inwards.
  for (const auto & cr : std::vector<std::pair<double, double>>{ { 7, 7 }, { 7.5, 6.25 }, { 8.1, 7.7 }, { 9, 6.5 } })
  {
    ASSERT_TRUE(spline.EvaluateAtArray(cr.first, cr.second, out));
    EXPECT_NEAR(out[0], Linear(cr.first, cr.second), 2e-3) << cr.first << "," << cr.second;
    EXPECT_NEAR(out[1], 2.0f, 1e-5);
  }
  // A curved field: differs from bilinear between nodes, agrees at nodes.
  const auto g = [](int c, int r) { return std::sin(0.7 * c) + 0.1 * r * r; };
  const ss::SpotInterpolator curved(d, ValuesAtNodes(d, g), 2, InterpolationMethod::BSpline);
  const ss::SpotInterpolator flat(d, ValuesAtNodes(d, g), 2, InterpolationMethod::Bilinear);
  float a[2], b[2];
  ASSERT_TRUE(curved.EvaluateAtArray(6, 7, a));
  EXPECT_NEAR(a[0], g(6, 7), 1e-4) << "an interpolating spline passes through the nodes";
  ASSERT_TRUE(curved.EvaluateAtArray(6.5, 7, a));
  ASSERT_TRUE(flat.EvaluateAtArray(6.5, 7, b));
  const double truth = std::sin(0.7 * 6.5) + 4.9;
  EXPECT_LT(std::abs(a[0] - truth), 0.02);
  EXPECT_GT(std::abs(b[0] - truth), 0.04) << "the straight line between nodes misses the curvature the spline follows";
  EXPECT_FALSE(curved.EvaluateAtArray(17, 4, a)) << "valid where bilinear is";
}

TEST(SpotInterpolation, BSplineFillsMissingNodesWithTheNearestSpot)
{
  auto positions = sstest::FullGrid(7, 7);
  positions.erase(std::find(positions.begin(), positions.end(), std::make_pair(3, 3)));
  const auto d = Square(positions);
  // Constant field except one spot: the missing node must not drag values to 0.
  const ss::SpotInterpolator spline(d, ValuesAtNodes(d, [](int, int) { return 5.0; }), 2, InterpolationMethod::BSpline);
  float out[2];
  ASSERT_TRUE(spline.EvaluateAtArray(3.2, 2.9, out));
  EXPECT_NEAR(out[0], 5.0f, 1e-4);
  ASSERT_TRUE(spline.EvaluateAtArray(0.1, 6.0, out));
  EXPECT_NEAR(out[0], 5.0f, 1e-4) << "the margin is filled too";
}

TEST(SpotInterpolation, EvaluateOnAGridInMicrons)
{
  const auto d = Square(); // pitch 200 µm from (1000, 500)
  const ss::SpotInterpolator bilinear(d, ValuesAtNodes(d, Linear), 2, InterpolationMethod::Bilinear);
  ss::GridGeometry grid;
  grid.origin = P(951, 451); // no pixel centre exactly on the lattice's outer edge
  grid.spacing.Fill(25);
  grid.size[0] = 70;
  grid.size[1] = 50;
  ss::ExpressionImageType::Pointer image;
  ss::MaskImageType::Pointer mask;
  bilinear.EvaluateOnGrid(grid, image, mask);
  EXPECT_TRUE(ss::GridGeometry::FromImage(image).SameAs(grid));
  std::size_t valid = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(image, image->GetBufferedRegion()); !it.IsAtEnd(); ++it)
  {
    const auto p = grid.IndexToPhysical(static_cast<double>(it.GetIndex()[0]), static_cast<double>(it.GetIndex()[1]));
    const double c = (p[0] - 1000) / 200, r = (p[1] - 500) / 200;
    const bool inside = c > -1 && r > -1 && c < 8 && r < 6;
    ASSERT_EQ(mask->GetPixel(it.GetIndex()), inside ? 1 : 0) << it.GetIndex();
    if (inside)
    {
      ASSERT_NEAR(it.Get()[0], Linear(std::max(0.0, std::min(7.0, c)), std::max(0.0, std::min(5.0, r))), 1e-4);
      ++valid;
    }
  }
  EXPECT_GT(valid, 1000u);
  float out[2];
  ASSERT_TRUE(bilinear.EvaluateAtMicrons(P(1300, 700), out));
  EXPECT_NEAR(out[0], Linear(1.5, 1), 1e-5);
}

TEST(SpotInterpolation, RejectsWhatHasNoLattice)
{
  auto d = Square();
  d.lattice = ss::SpotLattice::Irregular;
  EXPECT_THROW(ss::SpotInterpolator(d, ValuesAtNodes(d, Linear), 2, InterpolationMethod::Bilinear), ss::InputError);
  auto hex = sstest::MakeHexSpots({ { 0, 0 }, { 2, 0 }, { 1, 1 }, { 2, 1 } }, 1, [](std::size_t, int, int) { return 1.0; });
  EXPECT_THROW(ss::SpotInterpolator(hex, ValuesAtNodes(hex, Linear), 2, InterpolationMethod::Nearest), ss::InputError)
    << "(2, 1) is no Visium position";
  auto twice = Square({ { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 0 } });
  EXPECT_THROW(ss::SpotInterpolator(twice, ValuesAtNodes(twice, Linear), 2, InterpolationMethod::Nearest), ss::InputError);
  const auto square = Square();
  EXPECT_THROW(ss::SpotInterpolator(square, { 1.0f }, 2, InterpolationMethod::Nearest), std::invalid_argument);
  EXPECT_EQ(ss::InterpolationMethodFromString("BSpline"), InterpolationMethod::BSpline);
  EXPECT_EQ(ss::ToString(InterpolationMethod::Bilinear), "bilinear");
  EXPECT_THROW(ss::InterpolationMethodFromString("cubic"), std::invalid_argument);
}
