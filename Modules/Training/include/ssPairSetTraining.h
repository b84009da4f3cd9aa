#ifndef ssPairSetTraining_h
#define ssPairSetTraining_h

#include "SuperSpotTrainingExport.h"
#include "ssModelConfig.h"
#include "ssPairSet.h"
#include "ssPairSetPatchProvider.h"
#include "ssTrainer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace ss
{

class ProgressReporter;

/** What changes a preset before it follows a pair set (ModelConfigForPairSet). */
struct SuperSpotTraining_EXPORT ModelConfigOverrides
{
  /** A config.json to start from, whole or only some keys (e.g. {"grids": {"patchSize": 16}}),
   * merged over the preset (RFC 7386 merge patch); null: none. Unknown keys are errors that
   * name `configSource`. A whole config.json of another model works too: its genes,
   * normalization and grids q / t are replaced by the pair set's. */
  nlohmann::json config;
  std::string configSource = "--config";
  std::int64_t patchSize = 0; ///< P, when > 0 (over the preset and the config)
  /** Ablations: each turns one part of the model off. Without histology there is nothing to
   * disentangle and no tokens to select, so noHistology turns those two off as well. */
  bool noHistology = false;
  bool noDisentangling = false;
  bool noDynamicAttention = false;
  bool noGeneGraph = false;
  /** objective = "regression" (ModelConfig::ApplyVariant("regression")): the deterministic baseline. */
  bool regression = false;
};

/** The model configuration for training on `pairs`: the preset ("small", "medium",
 * "paper"), then overrides.config merged over it, then overrides.patchSize and the
 * ablations; then what the pair set decides: its genes (in its order), its normalization
 * (mode, targetSum, referenceAreaUm2, and resolutionUm / factor when all slides agree, else
 * 0 = not recorded, with a warning), and with histology the grids q = cellPixelsPerBin and
 * t = tissueBinsPerPixel of its slides (which must agree). Residual scales and the gene graph
 * of a given config are kept only when its genes are the pair set's (the Trainer computes
 * them from the data by default). InputError, naming `source` and the pair-set field, for
 * slides without H&E maps unless useHistology ends up false, for slides with different q or t,
 * or a q that is not a power of two; errors in the merged config name overrides.configSource. */
SuperSpotTraining_EXPORT ModelConfig ModelConfigForPairSet(const std::string & preset,
                                                           const PairSet & pairs,
                                                           const ModelConfigOverrides & overrides = {},
                                                           const std::string & source = "pair set");

/** The largest patch size, from the preset's (or overrides.patchSize) down by halves to the
 * smallest the configuration allows, with at least `minWindows` training windows in `pairs`
 * (or, failing that, the one with the most): what a small slide (a legacy ST section is some
 * 20 x 20 array positions) needs instead of the preset's P, and what SuperSpotSuperResolve's
 * self-supervised training uses. The candidates must validate (divisible by 2^(levels−1) and by
 * the cell tile). */
SuperSpotTraining_EXPORT std::int64_t ChoosePatchSize(const std::string & preset,
                                                      const PairSet & pairs,
                                                      const ModelConfigOverrides & overrides = {},
                                                      const PatchWindowOptions & windows = {},
                                                      std::int64_t minWindows = 8);

/** TrainOnPairSet's settings. */
struct SuperSpotTraining_EXPORT PairSetTrainingOptions
{
  std::string preset = "small";
  ModelConfigOverrides model;
  /** A complete configuration to train as is (preset and model are then ignored), e.g. a
   * trained model's config.json to train again on new data; it must fit the pair set. */
  std::optional<ModelConfig> config;
  PatchWindowOptions windows;
  /** outputDir, steps, batch size, learning rate, checkpoints, resume, seed (which also
   * places the windows), threads, device, data parallel. trainer.progress is replaced by
   * TrainOnPairSet's `progress` when that is given. */
  TrainerOptions trainer;
  /** Replace the model and checkpoint of an earlier run in trainer.outputDir. */
  bool overwrite = false;
};

/** What TrainOnPairSet did. */
struct SuperSpotTraining_EXPORT PairSetTrainingSummary
{
  TrainingSummary training; ///< the Trainer's (config with scales and graph, losses, steps, digest)
  std::int64_t windows = 0; ///< training windows of the pair set
  bool resumed = false;     ///< continued from trainer.outputDir/checkpoint
};

/** Refuses, before any work, an output folder that is not this run's: a file; a non-empty
 * folder unless `resume` (continue its checkpoint) or `overwrite` (replace its model); and
 * with either, a non-empty folder that is not a SuperSpot model folder (config.json,
 * model.safetensors or checkpoint/). InputErrors name `field` (the flag) and the fix. */
SuperSpotTraining_EXPORT void CheckTrainingFolder(const std::string & folder,
                                                  bool resume,
                                                  bool overwrite,
                                                  const std::string & field = "--output");

/** Trains a model on a pair set in memory: checks the output folder (CheckTrainingFolder;
 * on rank 0 only, which alone writes; with overwrite and no checkpoint to resume, the earlier
 * run's config.json, model.safetensors and checkpoint/ are removed first), makes the
 * configuration (options.config, or ModelConfigForPairSet; when resuming, the checkpoint's,
 * so the windows have the shapes the checkpoint was trained on), the windows
 * (PairSetPatchProvider, seeded with trainer.seed, so every rank of a data-parallel run and a
 * resumed run have the same list) and runs the Trainer, which writes config.json +
 * model.safetensors (EMA weights) to trainer.outputDir. Progress goes to `progress` (nullptr:
 * trainer.progress, else ProgressReporter::Global()). `source` names the pairs in errors. */
SuperSpotTraining_EXPORT PairSetTrainingSummary TrainOnPairSet(const PairSet & pairs,
                                                               const PairSetTrainingOptions & options,
                                                               ProgressReporter * progress = nullptr,
                                                               const std::string & source = "pair set");

} // namespace ss

#endif
