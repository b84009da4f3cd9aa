// The patch lattice and the noise field: the geometry every model filter shares.
#include "ssError.h"
#include "ssNoiseField.h"
#include "ssPatchLattice.h"

#include <gtest/gtest.h>

#include <cmath>

namespace
{

ss::GridGeometry Grid(unsigned int nx, unsigned int ny)
{
  ss::GridGeometry g;
  g.spacing[0] = 10;
  g.spacing[1] = 12;
  g.origin[0] = 105;
  g.origin[1] = -36;
  g.start[0] = 3;
  g.start[1] = -2;
  g.size[0] = nx;
  g.size[1] = ny;
  return g;
}

} // namespace

TEST(PatchLattice, WeightsAreAPartitionOfUnityOverTheGrid)
{
  for (unsigned int overlap : { 0u, 1u, 4u, 8u })
  {
    const ss::PatchLattice lattice(Grid(45, 38), 16, overlap);
    const ss::RegionType grid = lattice.GetHRGrid().GetRegion();
    std::vector<double> sum(grid.GetNumberOfPixels(), 0.0);
    std::vector<int> covers(grid.GetNumberOfPixels(), 0);
    const ss::RegionType all = lattice.GetLatticeRegion();
    const auto & w = lattice.Weights1D();
    for (long b = 0; b < static_cast<long>(all.GetSize(1)); ++b)
    {
      for (long a = 0; a < static_cast<long>(all.GetSize(0)); ++a)
      {
        const ss::IndexType first = lattice.PatchStart({ { a, b } });
        for (long y = 0; y < 16; ++y)
        {
          for (long x = 0; x < 16; ++x)
          {
            const ss::IndexType idx = { { first[0] + x, first[1] + y } };
            if (grid.IsInside(idx))
            {
              const auto at = static_cast<std::size_t>((idx[1] - grid.GetIndex(1)) * 45 + idx[0] - grid.GetIndex(0));
              sum[at] += w[x] * w[y];
              ++covers[at];
            }
          }
        }
      }
    }
    for (std::size_t i = 0; i < sum.size(); ++i)
    {
      ASSERT_GE(covers[i], 1) << "every pixel is in a patch";
      const long x = static_cast<long>(i % 45), y = static_cast<long>(i / 45);
      // Pixels past the last full stride may be covered by a right ramp alone.
      const long s = 16 - static_cast<long>(overlap);
      const bool interior =
        x < (45 / s) * s - static_cast<long>(overlap) && y < (38 / s) * s - static_cast<long>(overlap);
      if (interior)
      {
        ASSERT_NEAR(sum[i], 1.0, 1e-12) << "overlap " << overlap << " pixel " << x << "," << y;
      }
      ASSERT_GT(sum[i], 0.0);
    }
  }
}

TEST(PatchLattice, PatchesCoveringIsExactlyTheOverlappingPatches)
{
  const ss::PatchLattice lattice(Grid(45, 38), 16, 4);
  const ss::RegionType grid = lattice.GetHRGrid().GetRegion();
  const ss::RegionType all = lattice.GetLatticeRegion();
  EXPECT_EQ(all.GetSize(0), 4u); // ceil(45 / 12)
  EXPECT_EQ(all.GetSize(1), 4u); // ceil(38 / 12)
  for (const ss::RegionType & request : { ss::RegionType({ { 3, -2 } }, { { 1, 1 } }),
                                          ss::RegionType({ { 10, 5 } }, { { 7, 20 } }),
                                          ss::RegionType({ { 15, 9 } }, { { 1, 1 } }),
                                          ss::RegionType({ { 40, 30 } }, { { 8, 6 } }),
                                          grid })
  {
    const ss::RegionType got = lattice.PatchesCovering(request);
    for (long b = 0; b < static_cast<long>(all.GetSize(1)); ++b)
    {
      for (long a = 0; a < static_cast<long>(all.GetSize(0)); ++a)
      {
        ss::RegionType window = lattice.PatchRegion({ { a, b } });
        const bool overlaps = window.Crop(request);
        EXPECT_EQ(overlaps, got.IsInside(ss::IndexType{ { a, b } })) << request << " patch " << a << "," << b;
      }
    }
    ss::RegionType cropped = request;
    ASSERT_TRUE(cropped.Crop(grid));
    EXPECT_TRUE(lattice.HRRegionOf(got).IsInside(cropped));
  }
}

TEST(PatchLattice, LatticeGridSitsOnThePatchCentres)
{
  ss::GridGeometry hr = Grid(45, 38);
  hr.direction(0, 0) = 0;
  hr.direction(0, 1) = -1;
  hr.direction(1, 0) = 1;
  hr.direction(1, 1) = 0;
  const ss::PatchLattice lattice(hr, 16, 4);
  const ss::GridGeometry g = lattice.LatticeGrid();
  EXPECT_DOUBLE_EQ(g.spacing[0], 120);
  EXPECT_DOUBLE_EQ(g.spacing[1], 144);
  for (long a : { 0L, 2L })
  {
    const ss::IndexType first = lattice.PatchStart({ { a, 1 } });
    const ss::PointType centre = hr.IndexToPhysical(first[0] + 7.5, first[1] + 7.5);
    const ss::PointType p = g.IndexToPhysical(static_cast<double>(a), 1.0);
    EXPECT_NEAR(p[0], centre[0], 1e-9);
    EXPECT_NEAR(p[1], centre[1], 1e-9);
  }
}

TEST(PatchLattice, BadSettingsAreRefused)
{
  EXPECT_THROW(ss::PatchLattice(Grid(4, 4), 16, 9), ss::InputError);
  EXPECT_THROW(ss::PatchLattice(Grid(4, 4), 1, 0), ss::InputError);
  EXPECT_THROW(ss::PatchLattice(Grid(0, 4), 16, 4), ss::InputError);
}

TEST(NoiseField, IsAFunctionOfPositionWithUnitVariance)
{
  const ss::NoiseField field(42);
  std::vector<float> a(2 * 3 * 8 * 8), b(2 * 3 * 8 * 8);
  field.FillPatch({ { 10, 20 } }, 8, 2, 3, a.data());
  field.FillPatch({ { 14, 22 } }, 8, 2, 3, b.data());
  // The overlap of two windows holds the same numbers.
  for (unsigned k = 0; k < 2; ++k)
  {
    for (unsigned g = 0; g < 3; ++g)
    {
      for (unsigned y = 2; y < 8; ++y)
      {
        for (unsigned x = 4; x < 8; ++x)
        {
          EXPECT_EQ(a[((k * 3 + g) * 8 + y) * 8 + x], b[((k * 3 + g) * 8 + y - 2) * 8 + x - 4]);
        }
      }
    }
  }
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i)
  {
    const double v = field.Value(static_cast<std::uint32_t>(i % 7), static_cast<std::uint32_t>(i % 5), i / 35, -i);
    sum += v;
    sum2 += v * v;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
  EXPECT_NE(ss::NoiseField(43).Value(0, 0, 0, 0), field.Value(0, 0, 0, 0));
  EXPECT_NE(field.Value(1, 0, 0, 0), field.Value(0, 0, 0, 0));
  EXPECT_NE(field.Value(0, 1, 0, 0), field.Value(0, 0, 0, 0));
  EXPECT_NE(field.PatchSeed({ { 1, 0 } }), field.PatchSeed({ { 0, 1 } }));
}
