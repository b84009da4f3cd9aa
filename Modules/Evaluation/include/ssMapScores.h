#ifndef ssMapScores_h
#define ssMapScores_h

#include "SuperSpotEvaluationExport.h"
#include "ssMetrics.h"
#include "ssResultsTable.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ss
{

/** \struct GeneMaps
 * \brief G maps of one width x height HR grid, one per gene: what a method predicts on a
 * slide, or the truth. Row-major like every image of ssMetrics.h: gene g's pixel (column c,
 * row r) is genes[g][r * width + c]. Values on the log1p-normalized scale. */
struct SuperSpotEvaluation_EXPORT GeneMaps
{
  std::size_t width = 0;
  std::size_t height = 0;
  std::vector<std::vector<float>> genes;

  std::size_t NumberOfGenes() const { return genes.size(); }
  std::size_t NumberOfPixels() const { return width * height; }
};

/** Per-gene metrics of one method on one slide's HR grid (BENCHMARK.md protocol 2); every
 * vector has one entry per gene, or is empty when the metric does not apply. */
struct SuperSpotEvaluation_EXPORT MapScores
{
  std::vector<double> pcc;       ///< signed Pearson r over the scored pixels
  std::vector<double> rmse;      ///< on the log1p scale, over the scored pixels
  std::vector<double> ssim;      ///< TissueSSIM with the scored pixels as tissue
  std::vector<double> sharpness; ///< SharpnessRatio of the point prediction (the mean)
  // With K >= 2 samples only:
  std::vector<double> coverage;            ///< IntervalCoverage of the central 90 % interval
  std::vector<double> uncertaintySpearman; ///< UncertaintyErrorSpearman (sample std vs |mean − truth|)
  std::vector<double> sampleSharpness;     ///< mean over the samples of each sample's SharpnessRatio
};

/** Scores `prediction` (the point prediction: a diffusion model's sample mean) against `truth`
 * over the pixels where `scored` is non-zero (required, one entry per pixel): PCC and RMSE over
 * those pixels; SSIM and sharpness on the whole grid image with them as the tissue (non-scored
 * pixels 0 / mean-filled as TissueSSIM and HighFrequencyPower define). With `samples` (K
 * GeneMaps of the same shape, K >= 2) also the 90 % interval coverage, the Spearman rho of the
 * per-pixel sample standard deviation against the absolute error of `prediction`, and the
 * samples' own sharpness (the diffusion model's answer is a sample: the mean of 16 samples is
 * smoother than any one of them, so blur from mode collapse shows in the samples, not the mean).
 * std::invalid_argument when shapes disagree. */
SuperSpotEvaluation_EXPORT MapScores ScoreGeneMaps(const GeneMaps & truth,
                                                   const GeneMaps & prediction,
                                                   const ValidityMask & scored,
                                                   const std::vector<GeneMaps> & samples = {});

/** Metric names and descriptions of MapScores in a ResultsTable. */
constexpr const char * CoverageMetric = "coverage90";
constexpr const char * UncertaintySpearmanMetric = "std_error_spearman";
constexpr const char * SharpnessMetric = "sharpness";
constexpr const char * SampleSharpnessMetric = "sharpness_sample";

/** Adds the metrics of `scores` that are not empty to `results` under (group, method), one
 * value per gene of `genes`, with their descriptions ("pcc", "rmse", "ssim" described as for
 * protocol 2's HR grid, then the metrics named above). */
SuperSpotEvaluation_EXPORT void AddMapScores(ResultsTable & results,
                                             const std::string & group,
                                             const std::string & method,
                                             const std::vector<std::string> & genes,
                                             const MapScores & scores);

/** Sets the description of the calibration metrics (CoverageMetric, UncertaintySpearmanMetric)
 * in `results`; AddMapScores calls it, and protocol 1 when it scores samples at the spots. */
SuperSpotEvaluation_EXPORT void DescribeCalibrationMetrics(ResultsTable & results);

} // namespace ss

#endif
