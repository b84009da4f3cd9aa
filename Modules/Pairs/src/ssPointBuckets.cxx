#include "ssPointBuckets.h"

#include <stdexcept>

namespace ss
{

PointBuckets::PointBuckets(const std::vector<PointType> & points, double bucketSizeUm)
  : m_Points(points)
  , m_BucketSize(bucketSizeUm)
{
  if (!(bucketSizeUm > 0) || !std::isfinite(bucketSizeUm))
  {
    throw std::invalid_argument("PointBuckets: bucket size must be positive and finite");
  }
  if (m_Points.empty())
  {
    m_BucketStart.assign(1, 0);
    return;
  }
  BoundingBox box;
  for (const auto & p : m_Points)
  {
    if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
    {
      throw std::invalid_argument("PointBuckets: a point is not finite");
    }
    box.Add(p);
  }
  m_MinX = box.minX;
  m_MinY = box.minY;
  // At most ~4 buckets per point (plus a floor for tiny sets): sparse points spread over a
  // large area would otherwise allocate a huge, mostly empty grid.
  const double maxBuckets = 4.0 * static_cast<double>(m_Points.size()) + 1024.0;
  while ((std::floor(box.Width() / m_BucketSize) + 1) * (std::floor(box.Height() / m_BucketSize) + 1) > maxBuckets)
  {
    m_BucketSize *= 2;
  }
  m_NumberOfBucketsX = static_cast<long>(std::floor(box.Width() / m_BucketSize)) + 1;
  m_NumberOfBucketsY = static_cast<long>(std::floor(box.Height() / m_BucketSize)) + 1;
  const std::size_t numberOfBuckets = static_cast<std::size_t>(m_NumberOfBucketsX * m_NumberOfBucketsY);

  std::vector<std::size_t> bucketOfPoint(m_Points.size());
  m_BucketStart.assign(numberOfBuckets + 1, 0);
  for (std::size_t i = 0; i < m_Points.size(); ++i)
  {
    const long bx = std::min(m_NumberOfBucketsX - 1, BucketOf(m_Points[i][0], m_MinX));
    const long by = std::min(m_NumberOfBucketsY - 1, BucketOf(m_Points[i][1], m_MinY));
    bucketOfPoint[i] = static_cast<std::size_t>(by * m_NumberOfBucketsX + bx);
    ++m_BucketStart[bucketOfPoint[i] + 1];
  }
  for (std::size_t b = 0; b < numberOfBuckets; ++b)
  {
    m_BucketStart[b + 1] += m_BucketStart[b];
  }
  // Counting sort, stable, so indices increase within each bucket.
  m_Order.resize(m_Points.size());
  std::vector<std::size_t> next(m_BucketStart.begin(), m_BucketStart.end() - 1);
  for (std::size_t i = 0; i < m_Points.size(); ++i)
  {
    m_Order[next[bucketOfPoint[i]]++] = i;
  }
}

long PointBuckets::Nearest(const PointType & p, double radius) const
{
  long best = -1;
  double bestDistance = 0;
  ForEachWithin(p, radius, [&](std::size_t i, double d2) {
    if (best < 0 || d2 < bestDistance || (d2 == bestDistance && static_cast<long>(i) < best))
    {
      best = static_cast<long>(i);
      bestDistance = d2;
    }
  });
  return best;
}

} // namespace ss
