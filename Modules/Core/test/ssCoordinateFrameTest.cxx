#include "ssCoordinateFrame.h"
#include "ssGridGeometry.h"

#include <gtest/gtest.h>

#include <cmath>

namespace
{
ss::PointType P(double x, double y)
{
  ss::PointType p;
  p[0] = x;
  p[1] = y;
  return p;
}
} // namespace

TEST(CoordinateFrame, FullResAndMicronsRoundTrip)
{
  const auto f = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  const auto um = f.FullResPxToMicrons(P(100, 40));
  EXPECT_DOUBLE_EQ(um[0], 50.0);
  EXPECT_DOUBLE_EQ(um[1], 20.0);
  const auto px = f.MicronsToFullResPx(um);
  EXPECT_NEAR(px[0], 100.0, 1e-9);
  EXPECT_NEAR(px[1], 40.0, 1e-9);
  EXPECT_DOUBLE_EQ(f.GetMicronsPerPixel(), 0.5);
}

TEST(CoordinateFrame, HiresAndLowresScales)
{
  auto f = ss::CoordinateFrame::FromMicronsPerPixel(0.6);
  f.SetHiresScale(0.15);
  f.SetLowresScale(0.045);
  const auto hi = f.FullResPxToHiresPx(P(9811, 8513));
  EXPECT_NEAR(hi[0], 9811 * 0.15, 1e-9);
  EXPECT_NEAR(f.HiresPxToFullResPx(hi)[1], 8513, 1e-9);
  const auto lo = f.FullResPxToLowresPx(P(1000, 2000));
  EXPECT_NEAR(lo[1], 90.0, 1e-9);
  // A frame for the downsampled image keeps physical positions.
  const auto hiresFrame = f.Downsampled(0.15);
  const auto a = f.FullResPxToMicrons(P(2000, 1000));
  const auto b = hiresFrame.FullResPxToMicrons(f.FullResPxToHiresPx(P(2000, 1000)));
  EXPECT_NEAR(a[0], b[0], 1e-6);
  EXPECT_NEAR(a[1], b[1], 1e-6);
}

TEST(CoordinateFrame, AffineWithRotationMatchesITKImageGeometry)
{
  ss::CoordinateFrame::MatrixType m;
  const double angle = 0.3, s = 0.2125 * 2;
  m(0, 0) = s * std::cos(angle);
  m(0, 1) = -s * std::sin(angle);
  m(1, 0) = s * std::sin(angle);
  m(1, 1) = s * std::cos(angle);
  const auto f = ss::CoordinateFrame::FromAffine(m, P(12, -7));
  auto image = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize({ { 10, 10 } });
  image->SetRegions(region);
  f.ApplyTo(image);
  ss::RGBImageType::PointType viaItk;
  image->TransformContinuousIndexToPhysicalPoint(itk::ContinuousIndex<double, 2>(P(3.5, 7.25).GetDataPointer()), viaItk);
  const auto viaFrame = f.FullResPxToMicrons(P(3.5, 7.25));
  EXPECT_NEAR(viaItk[0], viaFrame[0], 1e-9);
  EXPECT_NEAR(viaItk[1], viaFrame[1], 1e-9);
  const auto back = ss::CoordinateFrame::FromImage(image);
  EXPECT_NEAR(back.GetMicronsPerPixel(), s, 1e-12);
}

TEST(CoordinateFrame, SingularAffineIsRefused)
{
  ss::CoordinateFrame::MatrixType m;
  m.Fill(1.0);
  EXPECT_THROW(ss::CoordinateFrame::FromAffine(m, P(0, 0)), std::invalid_argument);
}

TEST(CoordinateFrame, ArrayGridFitOnHexagonalLattice)
{
  // Visium-like: array_col steps 2 per 100 µm along x, rows 86.6 µm apart, odd rows offset.
  auto f = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  std::vector<double> col, row;
  std::vector<ss::PointType> px;
  for (int r = 0; r < 6; ++r)
  {
    for (int c = r % 2; c < 20; c += 2)
    {
      col.push_back(c);
      row.push_back(r);
      px.push_back(P(300 + c * 100.0, 200 + r * 173.2));
    }
  }
  const double rms = f.FitArrayGrid(col, row, px);
  EXPECT_LT(rms, 1e-6);
  EXPECT_NEAR(f.GetArrayColumnStepMicrons(), 50.0, 1e-6);
  EXPECT_NEAR(f.GetArrayRowStepMicrons(), 86.6, 1e-6);
  const auto a = f.MicronsToArray(f.ArrayToMicrons(7, 3));
  EXPECT_NEAR(a[0], 7, 1e-9);
  EXPECT_NEAR(a[1], 3, 1e-9);
}

TEST(GridGeometry, CoveringIsAnchoredToAGlobalLattice)
{
  ss::BoundingBox box;
  box.Add(13, 27);
  box.Add(101, 64);
  const auto g = ss::GridGeometry::Covering(box, 10.0);
  EXPECT_DOUBLE_EQ(g.origin[0], 10.0);
  EXPECT_DOUBLE_EQ(g.origin[1], 30.0);
  EXPECT_EQ(g.size[0], 10u); // centres 10..100
  EXPECT_EQ(g.size[1], 4u);  // centres 30..60
  ss::BoundingBox box2;
  box2.Add(47, 33);
  box2.Add(90, 90);
  const auto g2 = ss::GridGeometry::Covering(box2, 10.0);
  // Same lattice: origins differ by a whole number of pixels.
  const double shift = (g2.origin[0] - g.origin[0]) / 10.0;
  EXPECT_DOUBLE_EQ(shift, std::round(shift));
  const auto idx = g.PhysicalToIndex(g.IndexToPhysical(3.25, 1.5));
  EXPECT_NEAR(idx[0], 3.25, 1e-12);
  EXPECT_NEAR(idx[1], 1.5, 1e-12);
}

TEST(GridGeometry, RefinedKeepsTheFootprint)
{
  ss::GridGeometry g;
  g.origin[0] = 50;
  g.origin[1] = 50;
  g.spacing.Fill(100);
  g.size.Fill(3);
  const auto f = g.Refined(10);
  EXPECT_EQ(f.size[0], 30u);
  EXPECT_DOUBLE_EQ(f.spacing[0], 10.0);
  EXPECT_DOUBLE_EQ(f.origin[0], 5.0);
  const auto b = g.Bounds(), bf = f.Bounds();
  EXPECT_DOUBLE_EQ(b.minX, bf.minX);
  EXPECT_DOUBLE_EQ(b.maxY, bf.maxY);
}
