#ifndef ssHer2stProtocol_h
#define ssHer2stProtocol_h

#include "SuperSpotEvaluationExport.h"
#include "ssMetrics.h"
#include "ssPredictionsFile.h"
#include "ssResultsTable.h"
#include "ssSpotData.h"

#include <string>
#include <vector>

namespace ss
{

/** Protocol 1 of docs/BENCHMARK.md, "HER2ST-2×": real legacy ST sections whose measured
 * spots are the high-resolution (HR) truth and whose 2 × 2 array blocks are the
 * low-resolution (LR) input.
 *
 * Scales: counts are raw UMI counts; "values" are log1p(count / library × 1e4), the
 * library being the spot's (or block's) total counts over ALL genes. */
constexpr int Her2stBlockSize = 2;
constexpr double Her2stLibraryTarget = 1e4;

/** \struct Her2stSection
 * \brief One section prepared for the protocol: HR truth, LR input, and the HR image grid.
 */
struct SuperSpotEvaluation_EXPORT Her2stSection
{
  std::string name;               ///< "C2", ...: the group in the results
  std::vector<std::string> genes; ///< the panel, in panel order

  // --- HR: the measured spots (those of the counts table), in the dataset's order
  std::vector<std::string> spotIds;     ///< "{x}x{y}"
  std::vector<int> spotX;               ///< array x, from the id
  std::vector<int> spotY;               ///< array y, from the id
  std::vector<double> spotLibrarySize;  ///< counts over all genes
  std::vector<float> truth;             ///< spot-major values: gene g of spot s at [s * genes.size() + g]
  std::vector<std::size_t> blockOfSpot; ///< index into the LR blocks

  // --- LR: one block per (x // 2, y // 2) holding at least one spot, ordered by (block y, block x)
  /** The LR spots the model sees: ss::CoarsenSpotGrid(dataset, 2).blocks (Modules/Pairs):
   * platform "coarsened", id "{bx}x{by}", arrayCol/arrayRow = (bx, by), positionPx / positionUm
   * = mean of its spots', inTissue = any of its spots', counts = raw counts of ALL genes summed
   * over its spots, pitch and diameter x 2, frame's array grid on the nominal block centres. */
  SpotDataset blocks;
  std::vector<double> blockLibrarySize; ///< summed library size of its spots
  std::vector<float> blockValues;       ///< block-major values of the panel genes, with the summed library

  // --- HR array-grid image for SSIM: the bounding box of the spots' array positions
  int gridX0 = 0; ///< array x of image column 0
  int gridY0 = 0; ///< array y of image row 0
  std::size_t gridWidth = 0;
  std::size_t gridHeight = 0;

  std::size_t NumberOfSpots() const { return spotIds.size(); }
  std::size_t NumberOfBlocks() const { return blockLibrarySize.size(); }
  std::size_t NumberOfGenes() const { return genes.size(); }
  /** 1 at the pixels of measured spots, row-major gridWidth x gridHeight. */
  ValidityMask GridTissueMask() const;
  /** Gene `gene` of spot-major per-spot values placed on the grid image (0 off tissue). */
  std::vector<float> GridImage(const std::vector<float> & spotValues, std::size_t gene) const;
  /** Values of gene `gene` over the HR spots, from spot-major per-spot values. */
  std::vector<float> GeneColumn(const std::vector<float> & spotValues, std::size_t gene) const;
};

/** Reads the gene panel (one name per line, e.g. docs/her2st_panel50.txt); InputError when
 * it is missing, empty or repeats a name. */
SuperSpotEvaluation_EXPORT std::vector<std::string> ReadHer2stPanel(const std::string & path);

/** Prepares `dataset` (a section as ss::ReadLegacyST gives it: spot ids "{x}x{y}", all genes,
 * raw counts, arrayCol/arrayRow = the ids' x, y) for the protocol. InputError naming the dataset
 * when a spot id is not "{x}x{y}" or disagrees with the spot's array position, two spots share
 * a position, a spot has no counts, or a panel gene is missing. */
SuperSpotEvaluation_EXPORT Her2stSection MakeHer2stSection(const std::string & name,
                                                           const SpotDataset & dataset,
                                                           const std::vector<std::string> & panel);

/** Baseline `nearest`: each HR spot takes its block's value. Spot-major, like `truth`.
 * (Pairs' SpotInterpolator, Nearest, at BlockLatticeCoordinates(x, y, 2) of each spot.) */
SuperSpotEvaluation_EXPORT std::vector<float> PredictNearest(const Her2stSection & section);

/** Baseline `bilinear`: bilinear interpolation between block centres, normalized over the
 * blocks that exist. Block (bx, by) covers array x in {2bx, 2bx+1}, so its centre is at array
 * (2bx + 0.5, 2by + 0.5) on the regular block lattice; spot (x, y) sits at block coordinates
 * u = (x - 0.5) / 2, v = (y - 0.5) / 2 and takes sum_b w_b value_b / sum_b w_b over the four
 * surrounding blocks that exist, w_b = (1 - |u - bx|)(1 - |v - by|). Its own block always has
 * weight 9/16, so the sum is never empty. Interpolates the log1p values. Spot-major.
 * (Pairs' SpotInterpolator, Bilinear, at BlockLatticeCoordinates(x, y, 2) of each spot.) */
SuperSpotEvaluation_EXPORT std::vector<float> PredictBilinear(const Her2stSection & section);

/** Baseline `bspline`: ITK's cubic B-spline interpolation of the LR block map (Pairs'
 * SpotInterpolator, BSpline: missing blocks and a 2-block margin filled with the nearest
 * block's value first), evaluated at each spot's place in the block lattice
 * (BlockLatticeCoordinates(x, y, 2)), as `nearest` and `bilinear` are. Interpolates the log1p
 * values; the cubic may overshoot, so negative values are clipped to 0 (a log1p value cannot
 * be negative). Spot-major. */
SuperSpotEvaluation_EXPORT std::vector<float> PredictBSpline(const Her2stSection & section);

/** Per-gene metrics of one method on one section (one entry per panel gene). */
struct SuperSpotEvaluation_EXPORT Her2stScores
{
  std::vector<double> pcc;  ///< signed Pearson r across the HR spots; NaN for a constant map
  std::vector<double> rmse; ///< on the log1p scale
  std::vector<double> ssim; ///< TissueSSIM on the HR array-grid image; NaN for a constant truth
};

/** Scores spot-major per-HR-spot `predictions` (log1p scale) against the section's truth.
 * std::invalid_argument when the size is not spots × genes or a value is not finite. */
SuperSpotEvaluation_EXPORT Her2stScores ScoreHer2stSection(const Her2stSection & section,
                                                           const std::vector<float> & predictions);

/** Adds `scores` to `results` as group = section.name, metrics "pcc", "rmse", "ssim" (with
 * their descriptions), and counts the NaNs in a warning so none goes unnoticed. */
SuperSpotEvaluation_EXPORT void AddHer2stScores(ResultsTable & results,
                                                const Her2stSection & section,
                                                const std::string & method,
                                                const Her2stScores & scores);

/** The predictions of one method as a predictions file holds them (HR spot ids, panel genes). */
SuperSpotEvaluation_EXPORT SpotPredictions MakeSpotPredictions(const Her2stSection & section,
                                                               const std::vector<float> & predictions);

/** One method on one section, end to end: writes PredictionsPath(outputDirectory, section,
 * method) (skipped when outputDirectory is empty), scores, adds to `results`; returns the scores. */
SuperSpotEvaluation_EXPORT Her2stScores EvaluateHer2stMethod(ResultsTable & results,
                                                             const Her2stSection & section,
                                                             const std::string & method,
                                                             const std::vector<float> & predictions,
                                                             const std::string & outputDirectory = "");

} // namespace ss

#endif
