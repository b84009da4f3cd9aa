#include "ssPatchLattice.h"

#include "ssError.h"

#include <cmath>
#include <string>

namespace ss
{

PatchLattice::PatchLattice(const GridGeometry & hrGrid, unsigned int patchSize, unsigned int overlap)
  : m_HRGrid(hrGrid)
  , m_P(patchSize)
  , m_Overlap(overlap)
{
  if (patchSize < 2)
  {
    SS_INPUT_ERROR("", "patch size", "is " + std::to_string(patchSize), "use a model whose patch size is at least 2");
  }
  if (2 * overlap > patchSize)
  {
    SS_INPUT_ERROR("",
                   "overlap",
                   std::to_string(overlap) + " HR pixels is more than half the patch size " + std::to_string(patchSize),
                   "use an overlap of at most " + std::to_string(patchSize / 2));
  }
  if (hrGrid.GetNumberOfPixels() == 0)
  {
    SS_INPUT_ERROR("", "HR grid", "has no pixels", "give a grid that covers the spots");
  }
  const double pi = 3.14159265358979323846;
  m_Weights.assign(patchSize, 1.0);
  for (unsigned int i = 0; i < overlap; ++i)
  {
    const double s = std::sin(pi / 2 * (i + 0.5) / overlap);
    m_Weights[i] = s * s;
    m_Weights[patchSize - 1 - i] = s * s;
  }
}

RegionType PatchLattice::GetLatticeRegion() const
{
  RegionType r;
  const unsigned int s = GetStride();
  for (unsigned d = 0; d < 2; ++d)
  {
    r.SetIndex(d, 0);
    r.SetSize(d, s ? (m_HRGrid.size[d] + s - 1) / s : 0);
  }
  return r;
}

GridGeometry PatchLattice::LatticeGrid() const
{
  GridGeometry g;
  const double s = GetStride();
  g.direction = m_HRGrid.direction;
  g.spacing[0] = m_HRGrid.spacing[0] * s;
  g.spacing[1] = m_HRGrid.spacing[1] * s;
  const IndexType first = PatchStart(IndexType{ { 0, 0 } });
  const double centre = (m_P - 1) / 2.0;
  g.origin = m_HRGrid.IndexToPhysical(static_cast<double>(first[0]) + centre, static_cast<double>(first[1]) + centre);
  const RegionType r = GetLatticeRegion();
  g.start = r.GetIndex();
  g.size = r.GetSize();
  return g;
}

IndexType PatchLattice::PatchStart(const IndexType & patch) const
{
  IndexType first;
  const auto s = static_cast<itk::IndexValueType>(GetStride());
  for (unsigned d = 0; d < 2; ++d)
  {
    first[d] = m_HRGrid.start[d] + s * patch[d] - static_cast<itk::IndexValueType>(m_Overlap);
  }
  return first;
}

RegionType PatchLattice::PatchRegion(const IndexType & patch) const
{
  RegionType r;
  r.SetIndex(PatchStart(patch));
  r.SetSize(SizeType{ { m_P, m_P } });
  return r;
}

RegionType PatchLattice::PatchesCovering(const RegionType & hrRegion) const
{
  RegionType out;
  const RegionType lattice = GetLatticeRegion();
  if (hrRegion.GetNumberOfPixels() == 0 || lattice.GetNumberOfPixels() == 0)
  {
    out.SetIndex(lattice.GetIndex());
    out.SetSize(SizeType{ { 0, 0 } });
    return out;
  }
  const auto s = static_cast<itk::IndexValueType>(GetStride());
  const auto o = static_cast<itk::IndexValueType>(m_Overlap);
  const auto P = static_cast<itk::IndexValueType>(m_P);
  auto floorDiv = [](itk::IndexValueType a, itk::IndexValueType b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  for (unsigned d = 0; d < 2; ++d)
  {
    // Patch a covers [s·a − o, s·a − o + P) relative to the grid start.
    const itk::IndexValueType lo = hrRegion.GetIndex(d) - m_HRGrid.start[d];
    const itk::IndexValueType hi = lo + static_cast<itk::IndexValueType>(hrRegion.GetSize(d)) - 1;
    // First a with s·a − o + P − 1 ≥ lo, last a with s·a − o ≤ hi.
    const itk::IndexValueType a0 = floorDiv(lo + o - P + 1 + s - 1, s);
    const itk::IndexValueType a1 = floorDiv(hi + o, s);
    out.SetIndex(d, a0);
    out.SetSize(d, a1 >= a0 ? static_cast<itk::SizeValueType>(a1 - a0 + 1) : 0);
  }
  if (!out.Crop(lattice))
  {
    out.SetIndex(lattice.GetIndex());
    out.SetSize(SizeType{ { 0, 0 } });
  }
  return out;
}

RegionType PatchLattice::HRRegionOf(const RegionType & patches) const
{
  const RegionType grid = m_HRGrid.GetRegion();
  RegionType r;
  if (patches.GetNumberOfPixels() == 0)
  {
    r.SetIndex(grid.GetIndex());
    r.SetSize(SizeType{ { 0, 0 } });
    return r;
  }
  const IndexType first = PatchStart(patches.GetIndex());
  r.SetIndex(first);
  const auto s = GetStride();
  for (unsigned d = 0; d < 2; ++d)
  {
    r.SetSize(d, (patches.GetSize(d) - 1) * s + m_P);
  }
  if (!r.Crop(grid))
  {
    r.SetIndex(grid.GetIndex());
    r.SetSize(SizeType{ { 0, 0 } });
  }
  return r;
}

bool PatchLattice::SameAs(const PatchLattice & other) const
{
  return m_P == other.m_P && m_Overlap == other.m_Overlap && m_HRGrid.SameAs(other.m_HRGrid);
}

} // namespace ss
