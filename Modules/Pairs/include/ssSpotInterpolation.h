#ifndef ssSpotInterpolation_h
#define ssSpotInterpolation_h

#include "SuperSpotPairsExport.h"
#include "ssCoordinateFrame.h"
#include "ssGridGeometry.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <memory>
#include <string>
#include <vector>

namespace ss
{

/** The three interpolation baselines of BENCHMARK.md (and `base`, which is Bilinear). */
enum class InterpolationMethod
{
  Nearest,
  Bilinear,
  BSpline
};
SuperSpotPairs_EXPORT std::string ToString(InterpolationMethod method);
/** "nearest", "bilinear" or "bspline"; throws std::invalid_argument otherwise. */
SuperSpotPairs_EXPORT InterpolationMethod InterpolationMethodFromString(const std::string & name);

/** \class SpotInterpolator
 * \brief LR spot values on their array lattice, evaluated at any position: continuous array
 * coordinates of that lattice, µm (through the frame's array-grid fit), or every pixel of a
 * grid.
 *
 * The lattice is the spots' array grid: Square (legacy ST, or coarsened blocks: node (col,
 * row)) or Hexagonal (Visium: nodes (col, row) with col + row even, physically
 * (col · p/2, row · p·√3/2)). Values are what the caller gives (normally log1p-normalized),
 * spot-major, numberOfComponents per spot. A position is valid (Evaluate* return true) as
 * defined per method; elsewhere the values are 0.
 *
 *  - Nearest: the value of the nearest lattice node, if a spot sits there. On HR array
 *    positions mapped with BlockLatticeCoordinates (ssSpotGridCoarsening.h) this is exactly
 *    "each HR spot takes its block's value" (every spot lies strictly within half a block of
 *    its block's node).
 *  - Bilinear: square lattice — bilinear weights of the 4 surrounding nodes, normalized over
 *    the nodes that hold a spot (BENCHMARK.md: "normalized over blocks that exist"); valid
 *    where those weights sum to > 0. Hexagonal lattice — the same with the barycentric
 *    weights of the lattice's equilateral triangle around the position (the hexagonal
 *    analogue of bilinear: linear on each triangle, exact for linear fields).
 *  - BSpline: ITK's cubic B-spline interpolation (itk::BSplineInterpolateImageFunction,
 *    order 3, mirror boundary) of the LR map laid on its lattice as an image, one gene at a
 *    time. Nodes without a spot, and a 2-node margin around the lattice's bounding box, are
 *    first filled with the value of the nearest spot (Euclidean in lattice units, ties to the
 *    lower spot index), so missing spots neither pull the spline to zero nor ring at the
 *    tissue edge. Hexagonal lattices are laid on the doubled (col, row) grid; its non-lattice
 *    pixels (col + row odd) take the mean of their left and right neighbours (both lattice
 *    nodes). Valid where Bilinear is valid, so the baselines cover the same positions.
 *
 * Immutable after construction: Evaluate* may run from many threads.
 */
class SuperSpotPairs_EXPORT SpotInterpolator
{
public:
  /** InputError when the lattice is Irregular, array positions are missing or shared, or
   * (for µm evaluation) the frame has no array-grid fit and none can be made. */
  SpotInterpolator(const SpotDataset & lr,
                   const std::vector<float> & values,
                   unsigned int numberOfComponents,
                   InterpolationMethod method);
  ~SpotInterpolator();
  SpotInterpolator(const SpotInterpolator &) = delete;
  SpotInterpolator & operator=(const SpotInterpolator &) = delete;

  unsigned int GetNumberOfComponents() const { return m_NumberOfComponents; }
  InterpolationMethod GetMethod() const { return m_Method; }
  /** The LR frame with its array-grid fit (µm <-> LR array coordinates). */
  const CoordinateFrame & GetFrame() const { return m_Frame; }

  /** Values at continuous LR array coordinates (col, row): writes numberOfComponents floats
   * to `out` and returns true, or writes zeros and returns false where undefined. */
  bool EvaluateAtArray(double col, double row, float * out) const;
  /** Values at a µm position (via the frame's array-grid fit). */
  bool EvaluateAtMicrons(const PointType & um, float * out) const;
  /** Values at many LR array positions, point-major; `valid` (optional) gets 1/0 per point. */
  std::vector<float> EvaluateAtArrayPositions(const std::vector<PointType> & arrayPositions,
                                              std::vector<unsigned char> * valid = nullptr) const;
  /** Values at every pixel centre of `grid` (µm): image (numberOfComponents components) and
   * validity mask on the grid. Threaded over the global default number of threads. */
  void EvaluateOnGrid(const GridGeometry & grid, ExpressionImageType::Pointer & image, MaskImageType::Pointer & mask) const;

private:
  long NodeSpot(long col, long row) const;
  bool Nearest(double col, double row, float * out) const;
  /** Normalized linear weights of the existing support nodes; false when they sum to 0. */
  bool LinearWeights(double col, double row, long * spots, double * weights, int & count) const;
  bool Linear(double col, double row, float * out) const;
  bool Spline(double col, double row, float * out) const;
  void BuildSplines();

  struct Splines;

  std::vector<float> m_Values;
  unsigned int m_NumberOfComponents;
  InterpolationMethod m_Method;
  bool m_Hexagonal;
  CoordinateFrame m_Frame;
  bool m_HasFrame = false;
  std::vector<int> m_Col;
  std::vector<int> m_Row;
  long m_Col0 = 0, m_Row0 = 0, m_Width = 0, m_Height = 0;
  std::vector<long> m_NodeSpot; // dense over the lattice's bounding box, -1 = no spot
  std::unique_ptr<Splines> m_Splines;
};

} // namespace ss

#endif
