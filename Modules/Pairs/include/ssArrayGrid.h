#ifndef ssArrayGrid_h
#define ssArrayGrid_h

#include "SuperSpotPairsExport.h"
#include "ssGridGeometry.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <utility>
#include <vector>

namespace ss
{

/** Floor division (Python's //), also for negative numerators; k > 0. */
inline int FloorDivide(int a, int k)
{
  return a >= 0 ? a / k : -((-a + k - 1) / k);
}

/** Offset-grid coordinates (u, v) of an array position. Square lattice: (col, row).
 * Hexagonal (Visium: row r holds the columns of r's parity, 2 apart): (col // 2, row), i.e.
 * the spot's rank along its row and the row — a rectangular grid in which odd rows are
 * physically shifted by half a pitch. */
SuperSpotPairs_EXPORT std::pair<int, int> OffsetCoordinates(int col, int row, SpotLattice lattice);

/** The k × k block of an array position: (u // k, v // k) on the offset grid. For legacy ST
 * this is BENCHMARK.md's (x // k, y // k). */
SuperSpotPairs_EXPORT std::pair<int, int> BlockOfArrayPosition(int col, int row, int k, SpotLattice lattice);

/** \struct ArrayGrid
 * \brief The spots' own array grid as an image grid: pixel (i, j) is array position
 * (col0 + i, row0 + j), so each spot is one pixel.
 *
 * Geometry from the frame's array-grid fit (array -> µm), orthogonalized: the first axis
 * follows the array's column axis, the second is perpendicular to it, on the side of the
 * row axis; spacing = µm per array column and the row step's perpendicular part. The
 * residual shear of a real array is far below a pixel. For a hexagonal (Visium) array this
 * is the "doubled" grid: 50 µm × 86.6 µm pixels of which only those with col + row even hold
 * a spot (a checkerboard mask), so every pixel sits exactly at its lattice position.
 */
struct SuperSpotPairs_EXPORT ArrayGrid
{
  GridGeometry grid;
  int col0 = 0;
  int row0 = 0;
  SpotLattice lattice = SpotLattice::Square;

  IndexType IndexOf(int col, int row) const
  {
    IndexType idx;
    idx[0] = col - col0;
    idx[1] = row - row0;
    return idx;
  }
};

/** The array grid spanning the spots' array positions. Uses the frame's array-grid fit, or
 * fits one from positionPx when the frame has none; InputError when neither works. */
SuperSpotPairs_EXPORT ArrayGrid MakeArrayGrid(const SpotDataset & spots);

/** Per-spot values (spot-major, numberOfComponents per spot) placed on `arrayGrid`, each spot
 * at its array position; mask 1 there, 0 (and values 0) elsewhere. InputError when two spots
 * share an array position or a spot lies outside the grid. */
SuperSpotPairs_EXPORT void PlaceSpotsOnArrayGrid(const SpotDataset & spots,
                                                 const std::vector<float> & values,
                                                 unsigned int numberOfComponents,
                                                 const ArrayGrid & arrayGrid,
                                                 ExpressionImageType::Pointer & image,
                                                 MaskImageType::Pointer & mask);

/** A copy of `spots.frame` with an array-grid fit: the frame's own, or one fitted from the
 * spots' positionPx and array positions (InputError when that is impossible). */
SuperSpotPairs_EXPORT CoordinateFrame FrameWithArrayGrid(const SpotDataset & spots);

} // namespace ss

#endif
