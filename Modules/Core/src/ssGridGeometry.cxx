#include "ssGridGeometry.h"

#include <cmath>
#include <stdexcept>

namespace ss
{

GridGeometry::GridGeometry()
{
  origin.Fill(0.0);
  spacing.Fill(1.0);
  direction.SetIdentity();
  start.Fill(0);
  size.Fill(0);
}

GridGeometry GridGeometry::Covering(const BoundingBox & box, double spacingUm, double anchorX, double anchorY)
{
  if (!(spacingUm > 0) || !std::isfinite(spacingUm))
  {
    throw std::invalid_argument("grid spacing must be positive and finite");
  }
  if (box.IsEmpty())
  {
    throw std::invalid_argument("cannot make a grid covering an empty box");
  }
  GridGeometry g;
  g.spacing.Fill(spacingUm);
  // Pixel centres at anchor + k * spacing; a pixel's footprint is centre +- spacing/2.
  const double k0x = std::floor((box.minX - anchorX) / spacingUm + 0.5);
  const double k0y = std::floor((box.minY - anchorY) / spacingUm + 0.5);
  const double k1x = std::floor((box.maxX - anchorX) / spacingUm + 0.5);
  const double k1y = std::floor((box.maxY - anchorY) / spacingUm + 0.5);
  g.origin[0] = anchorX + k0x * spacingUm;
  g.origin[1] = anchorY + k0y * spacingUm;
  g.size[0] = static_cast<itk::SizeValueType>(k1x - k0x + 1);
  g.size[1] = static_cast<itk::SizeValueType>(k1y - k0y + 1);
  return g;
}

GridGeometry GridGeometry::FromImage(const itk::ImageBase<2> * image)
{
  GridGeometry g;
  const RegionType r = image->GetLargestPossibleRegion();
  g.start = r.GetIndex();
  g.size = r.GetSize();
  g.origin = image->GetOrigin();
  g.spacing = image->GetSpacing();
  g.direction = image->GetDirection();
  return g;
}

RegionType GridGeometry::GetRegion() const
{
  return RegionType(start, size);
}

void GridGeometry::ApplyTo(itk::ImageBase<2> * image) const
{
  image->SetOrigin(origin);
  image->SetSpacing(spacing);
  image->SetDirection(direction);
  image->SetRegions(GetRegion());
}

void GridGeometry::ApplyInformationTo(itk::ImageBase<2> * image) const
{
  image->SetOrigin(origin);
  image->SetSpacing(spacing);
  image->SetDirection(direction);
  image->SetLargestPossibleRegion(GetRegion());
}

PointType GridGeometry::IndexToPhysical(double i, double j) const
{
  PointType p;
  for (unsigned r = 0; r < 2; ++r)
  {
    p[r] = origin[r] + direction(r, 0) * spacing[0] * i + direction(r, 1) * spacing[1] * j;
  }
  return p;
}

itk::ContinuousIndex<double, 2> GridGeometry::PhysicalToIndex(const PointType & p) const
{
  // Inverse of M = D * diag(spacing).
  const double m00 = direction(0, 0) * spacing[0], m01 = direction(0, 1) * spacing[1];
  const double m10 = direction(1, 0) * spacing[0], m11 = direction(1, 1) * spacing[1];
  const double det = m00 * m11 - m01 * m10;
  const double dx = p[0] - origin[0], dy = p[1] - origin[1];
  itk::ContinuousIndex<double, 2> idx;
  idx[0] = (m11 * dx - m01 * dy) / det;
  idx[1] = (-m10 * dx + m00 * dy) / det;
  return idx;
}

GridGeometry GridGeometry::Refined(double factor) const
{
  if (!(factor > 0))
  {
    throw std::invalid_argument("refinement factor must be positive");
  }
  GridGeometry g = *this;
  g.spacing = spacing / factor;
  // Keep the footprint: the first fine pixel's centre sits half a fine pixel inside
  // the first coarse pixel's corner.
  const PointType corner = IndexToPhysical(start[0] - 0.5, start[1] - 0.5);
  for (unsigned r = 0; r < 2; ++r)
  {
    g.origin[r] = corner[r] + direction(r, 0) * g.spacing[0] * 0.5 + direction(r, 1) * g.spacing[1] * 0.5;
  }
  g.start.Fill(0);
  g.size[0] = static_cast<itk::SizeValueType>(std::llround(size[0] * factor));
  g.size[1] = static_cast<itk::SizeValueType>(std::llround(size[1] * factor));
  return g;
}

BoundingBox GridGeometry::Bounds() const
{
  BoundingBox b;
  const double i0 = start[0] - 0.5, j0 = start[1] - 0.5;
  const double i1 = start[0] + size[0] - 0.5, j1 = start[1] + size[1] - 0.5;
  b.Add(IndexToPhysical(i0, j0));
  b.Add(IndexToPhysical(i1, j0));
  b.Add(IndexToPhysical(i0, j1));
  b.Add(IndexToPhysical(i1, j1));
  return b;
}

bool GridGeometry::SameAs(const GridGeometry & o, double tol) const
{
  if (start != o.start || size != o.size)
  {
    return false;
  }
  for (unsigned r = 0; r < 2; ++r)
  {
    if (std::abs(origin[r] - o.origin[r]) > tol || std::abs(spacing[r] - o.spacing[r]) > tol)
    {
      return false;
    }
    for (unsigned c = 0; c < 2; ++c)
    {
      if (std::abs(direction(r, c) - o.direction(r, c)) > tol)
      {
        return false;
      }
    }
  }
  return true;
}

} // namespace ss
