#include "ssArrayGrid.h"

#include "ssError.h"
#include "ssPairsTestUtilities.h"
#include "ssPointBuckets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using sstest::P;

TEST(PointBuckets, FindsExactlyThePointsWithinTheRadius)
{
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-200, 300);
  std::vector<ss::PointType> points;
  for (int i = 0; i < 500; ++i)
  {
    points.push_back(P(u(rng), u(rng)));
  }
  points.push_back(points[17]); // a duplicate: ties go to the lower index
  const ss::PointBuckets buckets(points, 25);
  for (int q = 0; q < 200; ++q)
  {
    const auto p = P(u(rng), u(rng));
    const double radius = q % 2 ? 25 : 60;
    std::set<std::size_t> found, expected;
    buckets.ForEachWithin(p,
                          radius,
                          [&](std::size_t i, double d2)
                          {
                            found.insert(i);
                            EXPECT_NEAR(d2, p.SquaredEuclideanDistanceTo(points[i]), 1e-9);
                          });
    long nearest = -1;
    for (std::size_t i = 0; i < points.size(); ++i)
    {
      const double d = p.SquaredEuclideanDistanceTo(points[i]);
      if (d <= radius * radius)
      {
        expected.insert(i);
        if (nearest < 0 || d < p.SquaredEuclideanDistanceTo(points[static_cast<std::size_t>(nearest)]))
        {
          nearest = static_cast<long>(i);
        }
      }
    }
    ASSERT_EQ(found, expected);
    ASSERT_EQ(buckets.Nearest(p, radius), nearest);
  }
  EXPECT_EQ(buckets.Nearest(points[17], 1), 17);
  EXPECT_EQ(buckets.Nearest(P(1e9, 0), 10), -1);
  // Two far-apart clusters of tiny buckets: the grid coarsens instead of allocating 10^12 buckets.
  const ss::PointBuckets sparse({ P(0, 0), P(1e6, 1e6) }, 1e-3);
  EXPECT_GT(sparse.GetBucketSize(), 1e3);
  EXPECT_EQ(sparse.Nearest(P(1e6, 1e6 + 0.5), 1), 1);
  EXPECT_THROW(ss::PointBuckets(points, 0), std::invalid_argument);
}

TEST(ArrayGrid, OnePixelPerArrayPositionAlongTheArrayAxes)
{
  // A legacy ST array rotated by 0.1 rad in the image, 0.5 µm per pixel.
  const double a = 0.1;
  ss::SpotDataset d =
    sstest::MakeSquareSpots(sstest::FullGrid(6, 4, 3, 2), 1, [](std::size_t, int c, int r) { return 1.0 + c + r; });
  std::vector<double> cols, rows;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const double x = 200 * d.spots.arrayCol[s], y = 200 * d.spots.arrayRow[s];
    d.spots.positionUm[s] = P(500 + std::cos(a) * x - std::sin(a) * y, 300 + std::sin(a) * x + std::cos(a) * y);
    d.spots.positionPx[s] = d.frame.MicronsToFullResPx(d.spots.positionUm[s]);
  }
  d.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5); // no array-grid fit: fitted on demand
  EXPECT_FALSE(d.frame.HasArrayGrid());
  EXPECT_TRUE(ss::FrameWithArrayGrid(d).HasArrayGrid());
  const auto g = ss::MakeArrayGrid(d);
  EXPECT_EQ(g.col0, 3);
  EXPECT_EQ(g.row0, 2);
  EXPECT_EQ(g.grid.size[0], 6u);
  EXPECT_EQ(g.grid.size[1], 4u);
  EXPECT_NEAR(g.grid.spacing[0], 200, 1e-6);
  EXPECT_NEAR(g.grid.spacing[1], 200, 1e-6);
  EXPECT_NEAR(g.grid.direction(1, 0), std::sin(a), 1e-9);
  EXPECT_EQ(g.IndexOf(5, 3), (ss::IndexType{ { 2, 1 } }));

  ss::ExpressionImageType::Pointer image;
  ss::MaskImageType::Pointer mask;
  std::vector<float> values;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    values.push_back(static_cast<float>(s));
  }
  ss::PlaceSpotsOnArrayGrid(d, values, 1, g, image, mask);
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const auto idx = g.IndexOf(d.spots.arrayCol[s], d.spots.arrayRow[s]);
    EXPECT_EQ(image->GetPixel(idx)[0], static_cast<float>(s));
    EXPECT_EQ(mask->GetPixel(idx), 1);
    ss::PointType p;
    image->TransformIndexToPhysicalPoint(idx, p);
    EXPECT_LT(p.EuclideanDistanceTo(d.spots.positionUm[s]), 1e-6) << "pixel centre = spot centre";
  }
  // Two spots on one array position, and a spot off the grid.
  auto twice = d;
  twice.spots.arrayCol[1] = twice.spots.arrayCol[0];
  EXPECT_THROW(ss::PlaceSpotsOnArrayGrid(twice, values, 1, g, image, mask), ss::InputError);
  auto outside = d;
  outside.spots.arrayRow[0] = 40;
  EXPECT_THROW(ss::PlaceSpotsOnArrayGrid(outside, values, 1, g, image, mask), ss::InputError);
  auto noPositions = d;
  noPositions.spots.positionPx.clear();
  EXPECT_THROW(ss::MakeArrayGrid(noPositions), ss::InputError);
}
