#ifndef ssSpotGridCoarsening_h
#define ssSpotGridCoarsening_h

#include "SuperSpotPairsExport.h"
#include "ssSpotData.h"

#include <cstddef>
#include <vector>

namespace ss
{

/** \struct SpotGridCoarsening
 * \brief Spots summed over k × k blocks of their array grid: the LR input of BENCHMARK.md's
 * protocol 1 (k = 2), with the mapping back to the original spots.
 */
struct SuperSpotPairs_EXPORT SpotGridCoarsening
{
  /** One spot per block that has at least one spot. Platform "coarsened"; id "{bcol}x{brow}";
   * array col/row = block indices (bcol, brow); lattice Square (the block lattice; for a
   * hexagonal input with odd k its rows alternate by a quarter block); pitch and diameter ×
   * k (a full block's footprint: a partial block's density is underestimated); positionPx and
   * positionUm = the mean of its spots'; in_tissue = any of its spots in tissue; counts = raw
   * counts summed over its spots, ALL genes; frame = the input's pixel frame with the block
   * lattice as its array grid: block (bcol, brow) -> px of BlockCentreArrayPosition through the
   * input's array-grid fit (nominal full-block centres, so partial blocks at the tissue edge
   * do not distort the lattice; none when the input has no array-grid fit). */
  SpotDataset blocks;
  /** For each input spot, its block (index into blocks' spots). */
  std::vector<std::size_t> blockOfSpot;
  /** For each block, the summed library size of its spots (the input's total counts over all
   * genes, or the library sizes given): what library normalization of the blocks divides by. */
  std::vector<double> librarySize;
  /** For each block, how many input spots it holds (1 .. k²). */
  std::vector<std::size_t> spotsPerBlock;
  int factor = 1;
};

/** Coarsens `spots` by `k` (>= 1): block = BlockOfArrayPosition(col, row, k, lattice), i.e.
 * (x // k, y // k) on legacy ST array coordinates, and (array_col // 2 // k, array_row // k)
 * for Visium (see OffsetCoordinates). Blocks are ordered by (block row, block col).
 * `librarySizes` (one per spot) replaces the spots' totals over all genes, e.g. when `spots`
 * holds only a gene panel. InputError for an irregular lattice or missing array positions. */
SuperSpotPairs_EXPORT SpotGridCoarsening CoarsenSpotGrid(const SpotDataset & spots,
                                                         int k,
                                                         const std::vector<double> * librarySizes = nullptr);

/** Input array position (continuous) of the centre of full block (bcol, brow): (k · b +
 * (k − 1) / 2) per offset axis; for Visium the offset column u maps back to array_col
 * 2u + 1/2 (the mean row parity of a block; exact for even k, off by a quarter spot for odd k). */
SuperSpotPairs_EXPORT PointType BlockCentreArrayPosition(int bcol, int brow, int k, SpotLattice lattice);

/** The inverse: where input array position (col, row) lies in the lattice of its k × k blocks
 * (continuous block coordinates; block nodes at their full block's centre). Rounding it gives
 * the position's own block, BlockOfArrayPosition. Evaluating the blocks' SpotInterpolator
 * there is BENCHMARK.md protocol 1's `nearest` and `bilinear` ("between block centres"): on
 * HER2ST this reproduces the protocol check's figures (see the Pairs tests' notes). */
SuperSpotPairs_EXPORT PointType BlockLatticeCoordinates(double col, double row, int k, SpotLattice lattice);

/** Per-spot values taken from their block (protocol 1's `nearest` baseline on the HR spots):
 * row s of the result = row blockOfSpot[s] of `blockValues` (spot-major, numberOfComponents
 * per block). */
SuperSpotPairs_EXPORT std::vector<float> SpotValuesFromBlocks(const SpotGridCoarsening & coarsening,
                                                              const std::vector<float> & blockValues,
                                                              unsigned int numberOfComponents);

} // namespace ss

#endif
