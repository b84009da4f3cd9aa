#ifndef ssPatchLattice_h
#define ssPatchLattice_h

#include "SuperSpotFiltersExport.h"
#include "ssGridGeometry.h"
#include "ssTypes.h"

#include <vector>

namespace ss
{

/** \class PatchLattice
 * \brief How the model's P × P patches tile an HR grid: overlapping windows on a fixed lattice,
 * and the smooth weights that blend them into one map.
 *
 * Patch (a, b) covers the HR indices [s·a − o, s·a − o + P) × [s·b − o, s·b − o + P), counted
 * from the grid's first index, with stride s = P − o and overlap o. Patches may reach past the
 * grid (their pixels there read as "no data"). The lattice depends only on the grid, P and o,
 * never on which region is asked for, so a pixel is always made from the same patches: the
 * result of a region does not depend on how a slide is split into blocks, streams or shards.
 *
 * Blend weight of local pixel (i, j) of a patch: w(i)·w(j), with w = 1 in the interior and a
 * sin² ramp over the o pixels at each end: w(i) = sin²(π/2 · (i + ½)/o) for i < o and
 * w(i) = sin²(π/2 · (P − i − ½)/o) for i ≥ P − o. Over an overlap the right ramp of one patch and
 * the left ramp of the next are cos² and sin² of the same angle, so the weights of the patches
 * covering a pixel sum to 1 (a partition of unity, exact up to rounding), and a constant field
 * stays constant across patch borders; every weight is > 0, so pixels covered by one patch only
 * (the grid's last pixels) are still defined after normalizing by the weight sum.
 *
 * The lattice as an image grid (LatticeGrid): one pixel per patch, centred on the patch's centre
 * in µm, spacing s HR pixels along the HR grid's axes: the geometry of the condition image
 * (ConditionEncoderImageFilter's output).
 */
class SuperSpotFilters_EXPORT PatchLattice
{
public:
  PatchLattice() = default;
  /** InputError when P < 2, o > P/2 or the grid is empty. */
  PatchLattice(const GridGeometry & hrGrid, unsigned int patchSize, unsigned int overlap);

  const GridGeometry & GetHRGrid() const { return m_HRGrid; }
  unsigned int GetPatchSize() const { return m_P; }
  unsigned int GetOverlap() const { return m_Overlap; }
  unsigned int GetStride() const { return m_P - m_Overlap; }

  /** Every patch of the grid: lattice indices [0, ceil(size / s)) per axis. */
  RegionType GetLatticeRegion() const;
  /** The lattice as an image grid (see the class comment); its region is GetLatticeRegion(). */
  GridGeometry LatticeGrid() const;
  /** HR indices covered by patch `patch` (not cropped to the grid). */
  RegionType PatchRegion(const IndexType & patch) const;
  /** First HR index of patch `patch`. */
  IndexType PatchStart(const IndexType & patch) const;
  /** The patches whose windows overlap `hrRegion` (cropped to GetLatticeRegion(); empty when
   * the region is empty). */
  RegionType PatchesCovering(const RegionType & hrRegion) const;
  /** Union of the windows of the patches in `patches`, cropped to the HR grid. */
  RegionType HRRegionOf(const RegionType & patches) const;
  /** The 1-D blend weights w(0..P−1). */
  const std::vector<double> & Weights1D() const { return m_Weights; }
  /** Whether two lattices are the same (grid, P and o). */
  bool SameAs(const PatchLattice & other) const;

private:
  GridGeometry m_HRGrid;
  unsigned int m_P = 0;
  unsigned int m_Overlap = 0;
  std::vector<double> m_Weights;
};

} // namespace ss

#endif
