#ifndef ssSlidePairPrediction_h
#define ssSlidePairPrediction_h

#include "SuperSpotFiltersExport.h"
#include "ssModelRunner.h"
#include "ssPairSet.h"
#include "ssTypes.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ss
{

/** Settings of PredictSlidePair (the stage filters' parameters of the same names). */
struct SuperSpotFilters_EXPORT SlidePredictionOptions
{
  unsigned int samples = 8; ///< K
  unsigned int steps = 0;   ///< 0: the model's
  std::string sampler;      ///< "": the model's
  double eta = -1;          ///< < 0: the model's
  double guidance = -1;     ///< < 0: the model's
  std::uint64_t seed = 0;
  unsigned int overlap = 8;         ///< HR pixels shared by neighbouring patches
  unsigned int patchesPerBatch = 2; ///< patches per network batch
  unsigned int threads = 0;         ///< 0: ITK's default number of work units
  bool keepSamples = false;         ///< also return the K blended samples
};

/** What PredictSlidePair gives, on the pair's HR grid (log1p-normalized, model gene order). */
struct SuperSpotFilters_EXPORT SlidePrediction
{
  ExpressionImageType::Pointer mean;
  ExpressionImageType::Pointer std;
  ExpressionImageType::Pointer samples; ///< K·G components (k·G + g), or null without keepSamples
  double seconds = 0;
};

/** Runs a model over the prediction inputs of one slide that are already on its HR grid — a
 * SlidePair's lr, base, lrMask and its cell- and tissue-level H&E (the pair builders make them;
 * hr and hrMask are not read) — through the stage filters: ConditionEncoderImageFilter,
 * GeneGraphPriorImageFilter (when the model has it) and DiffusionSamplerImageFilter, predicting
 * the pixels of lrMask. The pair's genes must be the model's, in its order, and its q and t the
 * model's (InputError otherwise). For a whole slide from its full-resolution H&E, use
 * SuperResolutionImageFilter instead, which cuts the tiles itself. */
SuperSpotFilters_EXPORT SlidePrediction PredictSlidePair(const SlidePair & pair,
                                                         std::shared_ptr<ModelRunner> model,
                                                         const SlidePredictionOptions & options = {});

} // namespace ss

#endif
