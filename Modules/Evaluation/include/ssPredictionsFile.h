#ifndef ssPredictionsFile_h
#define ssPredictionsFile_h

#include "SuperSpotEvaluationExport.h"

#include <string>
#include <vector>

namespace ss
{

/** \struct SpotPredictions
 * \brief One method's per-spot predictions on one section: what a predictions file holds.
 *
 * The file (BENCHMARK.md, protocol 1) is `OUT/predictions/{section}_{method}.csv.gz`: gzipped
 * CSV, header `spot,<genes>`, then one row per HR spot: its id (`{x}x{y}` for legacy ST) and
 * the genes' values on the log1p-normalized scale, log1p(count / library * 1e4). Anyone can
 * recompute every metric from it; peers written in Python write the same format.
 */
struct SuperSpotEvaluation_EXPORT SpotPredictions
{
  std::vector<std::string> spotIds;
  std::vector<std::string> genes;
  std::vector<float> values; ///< spot-major: gene g of spot s at [s * genes.size() + g], log1p scale

  std::size_t NumberOfSpots() const { return spotIds.size(); }
  std::size_t NumberOfGenes() const { return genes.size(); }
};

/** `outputDirectory`/predictions/{section}_{method}.csv.gz. InputError when the section or
 * method name is empty or holds a path separator (the file name must stay inside predictions/). */
SuperSpotEvaluation_EXPORT std::string PredictionsPath(const std::string & outputDirectory,
                                                       const std::string & section,
                                                       const std::string & method);

/** Writes `predictions` atomically as gzipped CSV, creating the parent folder. Values are
 * written in the shortest form that reads back as the same float, so metrics recomputed from
 * the file are identical. std::invalid_argument when the sizes disagree, a name repeats or a
 * value is not finite (a broken prediction must not reach the benchmark's files). */
SuperSpotEvaluation_EXPORT void WritePredictions(const std::string & path, const SpotPredictions & predictions);

/** Reads a predictions file (gzipped or plain; comma or tab separated; quoted fields allowed).
 * InputError naming the file, the line and the problem when the first column is not `spot`,
 * a gene or spot repeats, a row is short, or a value is not a finite number. */
SuperSpotEvaluation_EXPORT SpotPredictions ReadPredictions(const std::string & path);

/** Values for `spotIds` x `genes`, in that order, spot-major: the file may order its rows and
 * columns differently and hold more genes. InputError naming `whereFrom` when a spot or gene is
 * missing; spots in the file that are not asked for are ignored with a warning. */
SuperSpotEvaluation_EXPORT std::vector<float> AlignPredictions(const SpotPredictions & predictions,
                                                               const std::vector<std::string> & spotIds,
                                                               const std::vector<std::string> & genes,
                                                               const std::string & whereFrom);

} // namespace ss

#endif
