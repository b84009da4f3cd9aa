#ifndef ssPointBuckets_h
#define ssPointBuckets_h

#include "SuperSpotPairsExport.h"
#include "ssTypes.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ss
{

/** \class PointBuckets
 * \brief Fixed-radius neighbour queries over points in µm (spot centres): a uniform grid of
 * buckets, each holding the points that fall in it.
 *
 * Chosen over a k-d tree because every query here has a radius known up front (half a
 * pitch, a spot radius), which makes a bucket grid O(1) per query; and because it is
 * immutable once built, const queries from many threads need no locking.
 */
class SuperSpotPairs_EXPORT PointBuckets
{
public:
  PointBuckets() = default;
  /** `bucketSizeUm` > 0, best near the query radius. Grows (fewer, larger buckets) when the
   * points are so spread out that the grid would have far more buckets than points. */
  PointBuckets(const std::vector<PointType> & points, double bucketSizeUm);

  std::size_t Size() const { return m_Points.size(); }
  const PointType & GetPoint(std::size_t i) const { return m_Points[i]; }
  double GetBucketSize() const { return m_BucketSize; }

  /** Calls f(index, squaredDistance) for every point at Euclidean distance <= radius from p,
   * in increasing bucket order, and within a bucket in increasing index. */
  template <typename F>
  void ForEachWithin(const PointType & p, double radius, F && f) const
  {
    if (m_Points.empty() || !(radius >= 0))
    {
      return;
    }
    const double r2 = radius * radius;
    const long bx0 = std::max(0L, BucketOf(p[0] - radius, m_MinX));
    const long bx1 = std::min(m_NumberOfBucketsX - 1, BucketOf(p[0] + radius, m_MinX));
    const long by0 = std::max(0L, BucketOf(p[1] - radius, m_MinY));
    const long by1 = std::min(m_NumberOfBucketsY - 1, BucketOf(p[1] + radius, m_MinY));
    for (long by = by0; by <= by1; ++by)
    {
      for (long bx = bx0; bx <= bx1; ++bx)
      {
        const std::size_t b = static_cast<std::size_t>(by * m_NumberOfBucketsX + bx);
        for (std::size_t k = m_BucketStart[b]; k < m_BucketStart[b + 1]; ++k)
        {
          const std::size_t i = m_Order[k];
          const double dx = m_Points[i][0] - p[0];
          const double dy = m_Points[i][1] - p[1];
          const double d2 = dx * dx + dy * dy;
          if (d2 <= r2)
          {
            f(i, d2);
          }
        }
      }
    }
  }

  /** Index of the point nearest to p within `radius` (ties: lowest index), or -1. */
  long Nearest(const PointType & p, double radius) const;

private:
  long BucketOf(double coordinate, double minimum) const
  {
    const double b = std::floor((coordinate - minimum) / m_BucketSize);
    // Clamp before converting: a far-away query must not overflow the cast.
    return static_cast<long>(std::max(-1.0, std::min(b, 1e15)));
  }

  std::vector<PointType> m_Points;
  double m_BucketSize = 1;
  double m_MinX = 0;
  double m_MinY = 0;
  long m_NumberOfBucketsX = 0;
  long m_NumberOfBucketsY = 0;
  std::vector<std::size_t> m_BucketStart; // CSR over buckets (row-major), size buckets + 1
  std::vector<std::size_t> m_Order;       // point indices grouped by bucket, increasing within a bucket
};

} // namespace ss

#endif
