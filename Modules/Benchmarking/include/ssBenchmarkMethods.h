#ifndef ssBenchmarkMethods_h
#define ssBenchmarkMethods_h

#include "SuperSpotBenchmarkingExport.h"
#include "ssPairSet.h"
#include "ssSlidePairPrediction.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

class ProgressReporter;

/** How a method of the benchmark makes its prediction. */
enum class BenchmarkMethodKind
{
  Interpolation, ///< nearest, bilinear, bspline: from the LR spots alone, nothing trained
  Regression,    ///< the deterministic network (same backbone, MSE loss): one pass, no samples
  Diffusion      ///< the diffusion model or one of its ablations: K samples
};

/** \struct BenchmarkMethod
 * \brief One row of the benchmark's tables (BENCHMARK.md protocols 1–2).
 *
 * The full model is "superspot" (the predictions files' convention: the full model's name
 * starts with `superspot`); its ablations carry the names of ModelConfig's variants
 * ("no-disentangling", "no-dynamic-attention", "no-gene-graph", "no-histology"), so no other
 * method's name starts with `superspot`. */
struct SuperSpotBenchmarking_EXPORT BenchmarkMethod
{
  std::string name;
  BenchmarkMethodKind kind = BenchmarkMethodKind::Interpolation;
  /** ModelConfig::ApplyVariant name of a learned method ("full", "regression", ...); "" else. */
  std::string variant;
  /** InterpolationMethodFromString name of an interpolation ("nearest", ...); "" else. */
  std::string interpolation;

  bool IsLearned() const { return kind != BenchmarkMethodKind::Interpolation; }
};

/** Every method in table order: nearest, bilinear, bspline, regression, superspot,
 * no-disentangling, no-dynamic-attention, no-gene-graph, no-histology. */
SuperSpotBenchmarking_EXPORT std::vector<BenchmarkMethod> AllBenchmarkMethods();

/** The methods named (in table order, whatever the order given), or all of them for an empty
 * list. InputError naming `field` and listing the names for an unknown or repeated name. */
SuperSpotBenchmarking_EXPORT std::vector<BenchmarkMethod> SelectBenchmarkMethods(
  const std::vector<std::string> & names,
  const std::string & field = "--methods");

/** \struct BenchmarkModelSettings
 * \brief How every learned method of one benchmark run is trained and sampled. One setting for
 * all of them (same preset, configuration, seed, steps, batch, windows and data): the ablations
 * differ from the full model by their part alone. Written into results.json. */
struct SuperSpotBenchmarking_EXPORT BenchmarkModelSettings
{
  std::string preset = "small";
  /** Keys merged over the preset (ModelConfigOverrides::config); null: none. */
  nlohmann::json config;
  std::string configSource = "--config";
  std::int64_t patchSize = 0; ///< P; 0: the preset's (or the configuration's)
  std::int64_t steps = 1000;
  std::int64_t batchSize = 8;
  double learningRate = 2e-4;
  std::int64_t warmupSteps = 100;
  double minValidFraction = 0.5;  ///< PatchWindowOptions::minValidFraction
  std::uint64_t seed = 0;         ///< training (weights, windows, batches) and sampling
  int threads = 2;                ///< LibTorch threads for training and prediction
  unsigned int samples = 16;      ///< K for the diffusion models (the regression always 1)
  unsigned int samplingSteps = 0; ///< 0: the model's
  unsigned int overlap = 8;       ///< HR pixels shared by neighbouring patches in prediction
  unsigned int patchesPerBatch = 2;
  /** Reuse a model folder a run with identical settings, data and method left (its
   * benchmark-training.json says so) instead of training it again. */
  bool reuseModels = false;

  nlohmann::json ToJSON() const;
};

/** What TrainBenchmarkModel did. */
struct SuperSpotBenchmarking_EXPORT BenchmarkTraining
{
  std::string folder;
  bool reused = false;
  double seconds = 0;     ///< TrainOnPairSet's wall time, statistics and saving included
  double stepSeconds = 0; ///< the Trainer's step loop alone (reading the patches included)
  std::int64_t windows = 0;
  std::int64_t steps = 0;
  double finalLoss = 0; ///< mean loss of the last 10 % of the steps
  nlohmann::json ToJSON() const;
};

/** Trains `method` (a learned one) on `training` into `folder` (created; an earlier model
 * there is replaced unless it may be reused, see BenchmarkModelSettings::reuseModels) with
 * TrainOnPairSet, the variant applied over the settings' preset and configuration. `dataKey`
 * names the training data (e.g. the fold's sections) for the reuse check. Writes
 * `folder`/benchmark-training.json with the method, the settings, the data key, the windows,
 * the time and the losses. */
SuperSpotBenchmarking_EXPORT BenchmarkTraining TrainBenchmarkModel(const PairSet & training,
                                                                   const BenchmarkMethod & method,
                                                                   const BenchmarkModelSettings & settings,
                                                                   const std::string & dataKey,
                                                                   const std::string & folder,
                                                                   ProgressReporter * progress = nullptr);

/** Applies the model in `folder` to the prediction inputs of `slide` (PredictSlidePair): K =
 * settings.samples samples with the samples kept for a diffusion model, one pass for the
 * regression; seed, steps, overlap, batching and threads from `settings`. */
SuperSpotBenchmarking_EXPORT SlidePrediction PredictWithBenchmarkModel(const SlidePair & slide,
                                                                       const BenchmarkMethod & method,
                                                                       const BenchmarkModelSettings & settings,
                                                                       const std::string & folder);

/** Facts every figure needs (BENCHMARK.md): host, CPU model and count, load average at the
 * start, LibTorch's version and thread count, the device, SuperSpot's version, the date. */
SuperSpotBenchmarking_EXPORT nlohmann::json MachineDescription(int threads, const std::string & device = "cpu");


} // namespace ss

#endif
