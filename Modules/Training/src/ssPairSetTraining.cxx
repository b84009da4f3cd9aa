#include "ssPairSetTraining.h"

#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssProgress.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace ss
{

namespace
{

const char * const CheckpointFolder = "checkpoint";

std::string SlideField(std::size_t i, const std::string & key)
{
  return "slides[" + std::to_string(i) + "]." + key;
}

bool IsPowerOfTwo(unsigned int v)
{
  return v > 0 && (v & (v - 1)) == 0;
}

/** The value every slide has (relative tolerance 1e-6), or 0 with a warning. */
double Common(const PairSet & pairs, double SlidePair::*member, const std::string & what)
{
  const double first = pairs.slides.front().*member;
  for (const auto & s : pairs.slides)
  {
    if (std::abs(s.*member - first) > 1e-6 * std::max(1.0, std::abs(first)))
    {
      LogWarning("the slides of the pair set differ in " + what + " (" + std::to_string(first) + " and " +
                 std::to_string(s.*member) + "): the model records none");
      return 0.0;
    }
  }
  return first;
}

/** This process's data-parallel rank as the Trainer will see it (it checks the value). */
int Rank(const TrainerOptions & t)
{
  if (t.rank >= 0)
  {
    return t.rank;
  }
  const char * v = std::getenv("RANK");
  return v && *v ? std::atoi(v) : 0;
}

std::string StateFile(const std::string & folder)
{
  return JoinPath(JoinPath(folder, CheckpointFolder), "state.safetensors");
}

bool IsModelFolder(const std::string & folder)
{
  return FileExists(JoinPath(folder, "config.json")) || FileExists(JoinPath(folder, "model.safetensors")) ||
         DirectoryExists(JoinPath(folder, CheckpointFolder));
}

/** Forwards the Trainer's progress, with the fraction of the steps left at the start of this
 * call: a resumed run's ETA then comes from its own pace (the Trainer reports completed / steps,
 * so from step k on the reporter would count the k checkpointed steps as done in no time). */
class RemainingStepsProgress : public ProgressReporter
{
public:
  RemainingStepsProgress(ProgressReporter & inner, std::int64_t steps)
    : m_Inner(inner)
    , m_Step(1.0 / static_cast<double>(std::max<std::int64_t>(1, steps)))
  {
  }
  void Start(const std::string & name, const std::string & comment) override { m_Inner.Start(name, comment); }
  void Progress(double fraction, const std::string & detail) override
  {
    if (m_Done < 0)
    {
      m_Done = std::max(0.0, fraction - m_Step); // the first report is one step after the start
    }
    m_Inner.Progress(m_Done < 1 ? (fraction - m_Done) / (1 - m_Done) : 1.0, detail);
  }
  void End() override { m_Inner.End(); }

private:
  ProgressReporter & m_Inner;
  double m_Step;
  double m_Done = -1;
};

} // namespace

ModelConfig ModelConfigForPairSet(const std::string & preset,
                                  const PairSet & pairs,
                                  const ModelConfigOverrides & overrides,
                                  const std::string & source)
{
  if (pairs.slides.empty())
  {
    SS_INPUT_ERROR(source, "slides", "there are none", "make the pairs from at least one slide");
  }
  if (pairs.genes.empty())
  {
    SS_INPUT_ERROR(source, "genes", "the pair set has no genes", "make the pairs again");
  }
  if (overrides.patchSize < 0)
  {
    SS_INPUT_ERROR("model options", "patchSize", "must not be negative", "use 0 for the preset's");
  }
  nlohmann::json j = ModelConfig::Preset(preset, pairs.genes).ToJSON();
  const bool fromConfig = !overrides.config.is_null();
  const std::string configSource = fromConfig ? overrides.configSource : "model configuration";
  bool keepStatistics = false;
  if (fromConfig)
  {
    if (!overrides.config.is_object())
    {
      SS_INPUT_ERROR(
        overrides.configSource, "", "is not a JSON object", "give a config.json (whole, or only the keys to change)");
    }
    const auto genes = overrides.config.find("genes");
    if (genes != overrides.config.end())
    {
      keepStatistics = *genes == nlohmann::json(pairs.genes);
      if (!keepStatistics)
      {
        LogInfo(overrides.configSource + ": its genes are replaced by the pair set's " +
                std::to_string(pairs.genes.size()) + " (residual scales and gene graph come from the pairs)");
      }
    }
    j.merge_patch(overrides.config);
  }
  j["genes"] = pairs.genes;
  if (!keepStatistics)
  {
    j["residualScales"] = nlohmann::json::array();
    j["geneGraph"]["edges"] = nlohmann::json::array();
  }
  const ExpressionNormalization & n = pairs.normalization;
  j["normalization"] = { { "mode", ToString(n.mode) },
                         { "targetSum", n.libraryTarget },
                         { "referenceAreaUm2", n.referenceAreaUm2 },
                         { "resolutionUm", Common(pairs, &SlidePair::resolutionUm, "HR resolution (µm)") },
                         { "factor", Common(pairs, &SlidePair::factor, "factor (LR pitch / HR pixel)") } };
  if (overrides.patchSize > 0)
  {
    j["grids"]["patchSize"] = overrides.patchSize;
  }
  nlohmann::json & parts = j["parts"];
  if (overrides.noHistology)
  {
    parts["useHistology"] = false;
  }
  if (overrides.noDisentangling)
  {
    parts["useDisentangling"] = false;
  }
  if (overrides.noDynamicAttention)
  {
    // As ModelConfig::ApplyVariant("no-dynamic-attention"): one fixed histology scale, so the
    // cell-level tokens go with the selection (see the comment there).
    parts["useDynamicAttention"] = false;
    parts["useCellTokens"] = false;
  }
  if (overrides.regression)
  {
    j["objective"] = "regression";
  }
  if (overrides.noGeneGraph)
  {
    parts["useGeneGraph"] = false;
  }
  const auto isTrue = [&parts](const char * key) { return parts.contains(key) && parts[key] == true; };
  const bool histology = !parts.contains("useHistology") || parts["useHistology"] != false;
  if (!histology && (isTrue("useDisentangling") || isTrue("useDynamicAttention")))
  {
    LogInfo("without histology the model has no disentangling and no dynamic attention either (both need the "
            "histology features)");
    parts["useDisentangling"] = false;
    parts["useDynamicAttention"] = false;
  }
  if (histology)
  {
    // The cell and tissue maps were made at the pair set's q and t: the model takes them.
    const SlidePair & first = pairs.slides.front();
    for (std::size_t i = 0; i < pairs.slides.size(); ++i)
    {
      const SlidePair & s = pairs.slides[i];
      if (!s.cell || !s.tissue)
      {
        SS_INPUT_ERROR(source,
                       SlideField(i, "maps.cell"),
                       "slide '" + s.name +
                         "' has no H&E maps (cell, tissue), and the model is conditioned on "
                         "histology",
                       "pass --noHistology (a model without histology), or make the pairs again with the slide's H&E");
      }
      if (s.cellPixelsPerBin != first.cellPixelsPerBin || s.tissueBinsPerPixel != first.tissueBinsPerPixel)
      {
        SS_INPUT_ERROR(
          source,
          SlideField(i, s.cellPixelsPerBin != first.cellPixelsPerBin ? "cell_pixels_per_bin" : "tissue_bins_per_pixel"),
          "slide '" + s.name + "' has q = " + std::to_string(s.cellPixelsPerBin) +
            ", t = " + std::to_string(s.tissueBinsPerPixel) + ", slide '" + first.name +
            "' q = " + std::to_string(first.cellPixelsPerBin) + ", t = " + std::to_string(first.tissueBinsPerPixel),
          "make the pairs of all slides in one SuperSpotMakePairs run (one --cellPixelsPerBin and "
          "--tissueBinsPerPixel)");
      }
    }
    if (!IsPowerOfTwo(first.cellPixelsPerBin))
    {
      SS_INPUT_ERROR(source,
                     SlideField(0, "cell_pixels_per_bin"),
                     "q = " + std::to_string(first.cellPixelsPerBin) +
                       " is not a power of two, which the histology encoder needs",
                     "make the pairs again with SuperSpotMakePairs --cellPixelsPerBin 2 or 4");
    }
    j["grids"]["cellPixelsPerBin"] = first.cellPixelsPerBin;
    j["grids"]["tissueBinsPerPixel"] = first.tissueBinsPerPixel;
  }
  return ModelConfig::FromJSON(j, configSource);
}

std::int64_t ChoosePatchSize(const std::string & preset,
                             const PairSet & pairs,
                             const ModelConfigOverrides & overrides,
                             const PatchWindowOptions & windows,
                             std::int64_t minWindows)
{
  ModelConfigOverrides o = overrides;
  std::int64_t best = 0, bestWindows = -1;
  for (std::int64_t P = ModelConfigForPairSet(preset, pairs, overrides).patchSize; P >= 4; P /= 2)
  {
    o.patchSize = P;
    ModelConfig c;
    try
    {
      c = ModelConfigForPairSet(preset, pairs, o);
    }
    catch (const InputError &)
    {
      break; // the smaller sizes do not fit the U-Net or the cell tile either
    }
    std::int64_t n = 0;
    try
    {
      n = PairSetPatchProvider(pairs, c, 0, windows).Size();
    }
    catch (const InputError &)
    {
      n = 0; // no window at this size
    }
    if (n > bestWindows)
    {
      best = P;
      bestWindows = n;
    }
    if (n >= minWindows)
    {
      return P;
    }
  }
  if (bestWindows <= 0)
  {
    SS_INPUT_ERROR("pair set",
                   "hrMask",
                   "no patch of any size the model allows holds enough measured pixels",
                   "give a larger slide (more spots), or lower the minimum valid fraction");
  }
  return best;
}

void CheckTrainingFolder(const std::string & folder, bool resume, bool overwrite, const std::string & field)
{
  if (folder.empty())
  {
    SS_INPUT_ERROR("command line", field, "no model folder given", "pass " + field + " FOLDER");
  }
  if (FileExists(folder))
  {
    SS_INPUT_ERROR(folder, field, "is an existing file", "choose a folder name");
  }
  if (!DirectoryExists(folder) || IsDirectoryEmpty(folder))
  {
    return;
  }
  if (!resume && !overwrite)
  {
    SS_INPUT_ERROR(folder,
                   field,
                   "exists and is not empty",
                   "choose a new folder, pass --resume to continue the training whose checkpoint is in it, or "
                   "--overwrite to replace the model in it");
  }
  if (!IsModelFolder(folder))
  {
    SS_INPUT_ERROR(folder,
                   field,
                   "is not a SuperSpot model folder (no config.json, model.safetensors or checkpoint/), and "
                   "--resume and --overwrite apply only to those",
                   "choose another folder, or empty this one yourself");
  }
  if (resume && !overwrite && !FileExists(StateFile(folder)))
  {
    SS_INPUT_ERROR(folder,
                   field,
                   "holds a model but no checkpoint (checkpoint/state.safetensors) to resume",
                   "pass --overwrite to train a new model in its place, or choose a new folder");
  }
}

PairSetTrainingSummary TrainOnPairSet(const PairSet & pairs,
                                      const PairSetTrainingOptions & options,
                                      ProgressReporter * progress,
                                      const std::string & source)
{
  TrainerOptions trainer = options.trainer;
  RemainingStepsProgress remaining(progress           ? *progress
                                   : trainer.progress ? *trainer.progress
                                                      : ProgressReporter::Global(),
                                   trainer.steps);
  trainer.progress = &remaining;
  if (trainer.warmupSteps >= trainer.steps)
  {
    LogWarning("the learning rate warms up over " + std::to_string(trainer.warmupSteps) + " steps and training has " +
               std::to_string(trainer.steps) + ": it never reaches its peak (fewer warm-up steps, e.g. a tenth)");
  }
  const std::string & folder = trainer.outputDir;
  const bool resuming = trainer.resume && FileExists(StateFile(folder));
  const bool writer = Rank(trainer) == 0;
  if (writer)
  {
    // Rank 0 alone writes, so it alone decides about the folder.
    CheckTrainingFolder(folder, trainer.resume, options.overwrite);
  }
  ModelConfig config;
  if (resuming)
  {
    const std::string path = JoinPath(JoinPath(folder, CheckpointFolder), "config.json");
    config = ModelConfig::FromJSON(ReadJSONFile(path, "checkpoint configuration"), path);
    LogInfo("resuming: the model configuration is the checkpoint's (" + path +
            "); preset, config and ablation options do not apply");
  }
  else if (options.config)
  {
    config = *options.config;
  }
  else
  {
    config = ModelConfigForPairSet(options.preset, pairs, options.model, source);
  }
  const PairSetPatchProvider windows(pairs, config, trainer.seed, options.windows, source);
  std::ostringstream what;
  what << "training windows: " << windows.Size() << " of " << config.patchSize << " x " << config.patchSize
       << " HR pixels on " << windows.GetNumberOfSlides() << " slide(s), stride " << windows.GetStride()
       << ", at least " << options.windows.minValidFraction << " measured";
  LogInfo(what.str());
  Trainer training(config, trainer); // checks the options
  if (writer && options.overwrite && !resuming && DirectoryExists(folder) && !IsDirectoryEmpty(folder))
  {
    // Only now that the pairs, the configuration and the options are known to fit; and a fresh
    // run must not leave the earlier run's model beside its own checkpoint.
    LogInfo("replacing the earlier model in " + folder);
    std::error_code ignored;
    std::filesystem::remove(JoinPath(folder, "config.json"), ignored);
    std::filesystem::remove(JoinPath(folder, "model.safetensors"), ignored);
    std::filesystem::remove_all(JoinPath(folder, CheckpointFolder), ignored);
  }
  PairSetTrainingSummary summary;
  summary.windows = windows.Size();
  summary.resumed = resuming;
  summary.training = training.Train(windows);
  return summary;
}

} // namespace ss
