#ifndef ssPairSet_h
#define ssPairSet_h

#include "SuperSpotPairsExport.h"
#include "ssExpressionNormalization.h"
#include "ssGridGeometry.h"
#include "ssPseudoSpots.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ss
{

/** \struct SlidePair
 * \brief One slide on one HR grid: the truth, the LR input as the model sees it, and the
 * histology (Architecture.md, "Grids" and "The model").
 *
 * Every expression map has one component per gene of the PairSet, on the log1p-normalized
 * scale of its normalization; all maps except cell/tissue share `grid`.
 */
struct SuperSpotPairs_EXPORT SlidePair
{
  std::string name;
  GridGeometry grid;                   ///< the HR grid, µm
  double resolutionUm = 0;             ///< HR pixel size along the first axis, µm
  double factor = 0;                   ///< LR pitch / HR pixel pitch (k for coarsened spots)
  unsigned int cellPixelsPerBin = 4;   ///< q: cell-level pixels per HR pixel, per axis
  unsigned int tissueBinsPerPixel = 4; ///< t: HR pixels per tissue-level pixel, per axis

  ExpressionImageType::Pointer hr;   ///< truth (G components)
  MaskImageType::Pointer hrMask;     ///< 1 where the truth is measured (tissue)
  ExpressionImageType::Pointer lr;   ///< LR value of the covering spot on the HR grid ("nearest"), 0 where none
  MaskImageType::Pointer lrMask;     ///< 1 where an LR spot covers the pixel
  ExpressionImageType::Pointer base; ///< bilinear interpolation of the LR spots, 0 where undefined
  RGBImageType::Pointer cell;        ///< H&E on CellGrid(grid, q); null without H&E
  RGBImageType::Pointer tissue;      ///< H&E on TissueGrid(grid, t); null without H&E
};

/** \struct PairSet
 * \brief Training slides sharing one gene list and one normalization, saved as a folder:
 * `pairs.json` (manifest: format, version, genes, normalization, and per slide its name,
 * factor, resolution, q, t, HR grid and map files) plus one NRRD per map
 * (`slide<i>_{hr,hrMask,lr,lrMask,base,cell,tissue}.nrrd`, compressed, each written
 * atomically; the manifest last, so a folder without one is an unfinished save).
 */
struct SuperSpotPairs_EXPORT PairSet
{
  std::vector<std::string> genes;
  ExpressionNormalization normalization;
  std::vector<SlidePair> slides;

  /** Writes the folder (created; a non-empty one only with `overwrite`, whose old manifest is
   * removed first; map files of slides beyond this set's are left, unreferenced). */
  void Save(const std::string & folder, bool overwrite = false) const;
  /** Reads a folder written by Save; InputError naming the file and field on any mismatch. */
  static PairSet Load(const std::string & folder);
};

/** Parameters of MakeMoleculeSlidePair. */
struct SuperSpotPairs_EXPORT MoleculePairParameters
{
  double resolutionUm = 10.0; ///< HR bin size r, µm
  PseudoSpotParameters spots = PseudoSpotParameters::Visium();
  unsigned int maskClosingRadius = 1; ///< MoleculeBinningImageFilter's, in bins
  double referenceAreaUm2 = 100.0;    ///< density normalization's
  unsigned int cellPixelsPerBin = 4;
  unsigned int tissueBinsPerPixel = 4;
};

/** Builder (a), molecules + H&E (protocol 2): HR grid = GridGeometry::Covering the molecules
 * at r µm; hr = molecule counts of `genes` per bin, density-normalized (bin area r²), hrMask =
 * the binning's tissue mask; LR = pseudo-spots (MakePseudoSpots, in-tissue spots),
 * density-normalized (disc area), painted with SpotRasterizationImageFilter (Nearest, radius
 * 0.5 × pitch) as lr / lrMask; base = SpotInterpolator Bilinear of the pseudo-spots at the HR
 * pixel centres; cell / tissue = HistologyTileExtractionFilter of `he` (null: none). `genes`
 * index the molecule table's genes. factor = pitch / r. Threads: ITK's global default. */
SuperSpotPairs_EXPORT SlidePair MakeMoleculeSlidePair(const std::string & name,
                                                      const MoleculeTable & molecules,
                                                      const std::vector<std::size_t> & genes,
                                                      const RGBImageType * he,
                                                      const MoleculePairParameters & parameters = {});

/** Parameters of MakeSpotSlidePair. */
struct SuperSpotPairs_EXPORT SpotPairParameters
{
  int factor = 2; ///< k: LR blocks are k × k spots
  double libraryTarget = 1e4;
  unsigned int cellPixelsPerBin = 4;
  unsigned int tissueBinsPerPixel = 4;
};

/** Builder (b), spots + H&E (self-supervised; BENCHMARK.md protocol 1 for k = 2): HR grid =
 * the spots' array grid (MakeArrayGrid: one pixel per array position; for Visium the doubled
 * (array_col, array_row) grid of 50 × 86.6 µm pixels with a checkerboard of spots, so every
 * spot keeps its true position); hr = all spots of `spots`, library-normalized by their totals
 * over ALL genes; hrMask = where a spot is. LR = CoarsenSpotGrid(spots, k), normalized by the
 * summed library sizes. At each HR array position's place in the block lattice
 * (BlockLatticeCoordinates): lr = SpotInterpolator Nearest, i.e. its own block's value
 * (protocol 1's `nearest`; on Visium only at lattice positions), lrMask where that block
 * exists; base = SpotInterpolator Bilinear (protocol 1's `bilinear`). cell / tissue from `he`
 * (null: none). `genes` index spots.genes. */
SuperSpotPairs_EXPORT SlidePair MakeSpotSlidePair(const std::string & name,
                                                  const SpotDataset & spots,
                                                  const std::vector<std::size_t> & genes,
                                                  const RGBImageType * he,
                                                  const SpotPairParameters & parameters = {});

/** The prediction inputs of self-supervised super-resolution by k (SpotPairParameters::factor):
 * the measured spots are the LR input and the HR grid is their array grid made k times finer
 * (arrayGrid.grid.Refined(k): a virtual array of pitch / k whose k x k blocks are the measured
 * spots). lr, base and lrMask are made exactly as MakeSpotSlidePair makes them from its k x k
 * blocks — the spots play the blocks, the virtual positions the HR spots — so a model trained
 * on a slide's own coarsened spots (scale consistency) sees at prediction the geometry it was
 * trained on, one scale down. On a hexagonal (Visium) array only the virtual lattice positions
 * (col + row even on the virtual doubled grid) get lr and lrMask, as in training. No truth (hr,
 * hrMask null); cell / tissue from `he` when given (null: none, e.g. when a streaming filter cuts
 * them from the whole slide). Spots normalized by their totals over ALL genes. */
SuperSpotPairs_EXPORT SlidePair MakeSpotPredictionPair(const std::string & name,
                                                       const SpotDataset & spots,
                                                       const std::vector<std::size_t> & genes,
                                                       const RGBImageType * he,
                                                       const SpotPairParameters & parameters = {});

/** Options of ExtractPatch / SamplePatch. */
struct SuperSpotPairs_EXPORT PatchOptions
{
  unsigned int tissuePixels = 32; ///< S: side of the tissue-level context window
  double minValidFraction = 0.5;  ///< SamplePatch: least fraction of hrMask = 1 in the window
  unsigned int maxTries = 100;    ///< SamplePatch: windows drawn before giving up
};

/** \struct PatchSample
 * \brief One training patch as plain float arrays, channel-major, rows then columns:
 * element (c, y, x) of a (C, H, W) array is at [(c · H + y) · W + x]; y follows the grid's
 * second index, x its first. What the LibTorch trainer consumes (Architecture.md's table).
 */
struct SuperSpotPairs_EXPORT PatchSample
{
  unsigned int genes = 0;      ///< G
  unsigned int size = 0;       ///< P
  unsigned int cellSize = 0;   ///< P · q
  unsigned int tissueSize = 0; ///< S
  IndexType hrIndex;           ///< HR index of the patch's first pixel (may be outside the grid)
  IndexType tissueIndex;       ///< tissue-level index of the context window's first pixel
  std::vector<float> hr;       ///< (G, P, P) log1p-normalized truth, 0 outside the grid; empty without truth
  std::vector<float> hrMask;   ///< (1, P, P) 0/1; empty without truth
  std::vector<float> lr;       ///< (G, P, P) 0 where lrMask = 0
  std::vector<float> lrMask;   ///< (1, P, P) 0/1
  std::vector<float> base;     ///< (G, P, P)
  std::vector<float> cell;     ///< (3, P·q, P·q) RGB in [0, 1], white (1) outside the slide; empty without H&E
  std::vector<float> tissue;   ///< (3, S, S) RGB in [0, 1], centred on the patch, white-padded; empty without H&E
};

/** The P × P window of `pair` whose first HR pixel is `hrIndex` (any index: pixels outside
 * the grid read as 0 / masked / white). The tissue window is the S × S block of tissue pixels
 * centred on the patch's centre (rounded to the nearest tissue-pixel edge). A pair without
 * truth (hr and hrMask both null: the inputs of a prediction) leaves hr and hrMask empty.
 * Only the pixels of the window are read, so the maps need only hold (buffer) the window's
 * part of their grid, as a streaming pipeline's requested regions give them. */
SuperSpotPairs_EXPORT PatchSample ExtractPatch(const SlidePair & pair,
                                               unsigned int P,
                                               const IndexType & hrIndex,
                                               const PatchOptions & options = {});

/** A uniformly random P × P window (inside the grid when it is at least P wide, else
 * covering it) with at least options.minValidFraction of hrMask set; std::nullopt when none
 * of options.maxTries draws qualifies. */
SuperSpotPairs_EXPORT std::optional<PatchSample> SamplePatch(const SlidePair & pair,
                                                             unsigned int P,
                                                             std::mt19937_64 & rng,
                                                             const PatchOptions & options = {});

} // namespace ss

#endif
