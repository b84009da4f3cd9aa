#include "ssBenchmarkMethods.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssModelRunner.h"
#include "ssPairSetTraining.h"
#include "ssProgress.h"
#include "ssTextTable.h"
#include "ssVersion.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <thread>

namespace ss
{
namespace
{

const char * const TrainingRecord = "benchmark-training.json";

/** What decides a trained model: everything that changes the weights. Threads do not (the
 * Trainer's results do not depend on them beyond float rounding of reductions), nor anything
 * of sampling. */
nlohmann::json TrainingKey(const BenchmarkMethod & method,
                           const BenchmarkModelSettings & s,
                           const std::string & dataKey,
                           const std::vector<std::string> & genes)
{
  return { { "method", method.name },
           { "variant", method.variant },
           { "preset", s.preset },
           { "config", s.config },
           { "patchSize", s.patchSize },
           { "steps", s.steps },
           { "batchSize", s.batchSize },
           { "learningRate", s.learningRate },
           { "warmupSteps", s.warmupSteps },
           { "minValidFraction", s.minValidFraction },
           { "seed", s.seed },
           { "data", dataKey },
           { "genes", genes },
           { "superspotVersion", SUPERSPOT_VERSION } };
}

std::string FirstLine(const std::string & path)
{
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

} // namespace

std::vector<BenchmarkMethod> AllBenchmarkMethods()
{
  using K = BenchmarkMethodKind;
  return {
    { "nearest", K::Interpolation, "", "nearest" },
    { "bilinear", K::Interpolation, "", "bilinear" },
    { "bspline", K::Interpolation, "", "bspline" },
    { "regression", K::Regression, "regression", "" },
    { "superspot", K::Diffusion, "full", "" },
    { "no-disentangling", K::Diffusion, "no-disentangling", "" },
    { "no-dynamic-attention", K::Diffusion, "no-dynamic-attention", "" },
    { "no-gene-graph", K::Diffusion, "no-gene-graph", "" },
    { "no-histology", K::Diffusion, "no-histology", "" },
  };
}

std::vector<BenchmarkMethod> SelectBenchmarkMethods(const std::vector<std::string> & names, const std::string & field)
{
  const auto all = AllBenchmarkMethods();
  if (names.empty())
  {
    return all;
  }
  std::vector<std::string> known;
  for (const auto & m : all)
  {
    known.push_back(m.name);
  }
  std::set<std::string> asked;
  for (const auto & n : names)
  {
    if (std::find(known.begin(), known.end(), n) == known.end())
    {
      SS_INPUT_ERROR("command line", field, "'" + n + "' is not a method of the benchmark", "use " + Join(known, ", "));
    }
    if (!asked.insert(n).second)
    {
      SS_INPUT_ERROR("command line", field, "'" + n + "' is given twice", "name each method once");
    }
  }
  std::vector<BenchmarkMethod> selected;
  for (const auto & m : all)
  {
    if (asked.count(m.name))
    {
      selected.push_back(m);
    }
  }
  return selected;
}

nlohmann::json BenchmarkModelSettings::ToJSON() const
{
  return { { "preset", preset },
           { "config", config },
           { "patchSize", patchSize },
           { "steps", steps },
           { "batchSize", batchSize },
           { "learningRate", learningRate },
           { "warmupSteps", warmupSteps },
           { "minValidFraction", minValidFraction },
           { "seed", seed },
           { "threads", threads },
           { "samples", samples },
           { "samplingSteps", samplingSteps },
           { "overlap", overlap },
           { "patchesPerBatch", patchesPerBatch },
           { "reuseModels", reuseModels } };
}

nlohmann::json BenchmarkTraining::ToJSON() const
{
  return { { "folder", folder },   { "reused", reused }, { "seconds", seconds },    { "stepSeconds", stepSeconds },
           { "windows", windows }, { "steps", steps },   { "finalLoss", finalLoss } };
}

BenchmarkTraining TrainBenchmarkModel(const PairSet & training,
                                      const BenchmarkMethod & method,
                                      const BenchmarkModelSettings & settings,
                                      const std::string & dataKey,
                                      const std::string & folder,
                                      ProgressReporter * progress)
{
  if (!method.IsLearned())
  {
    throw std::invalid_argument("TrainBenchmarkModel: " + method.name + " is not a learned method");
  }
  const nlohmann::json key = TrainingKey(method, settings, dataKey, training.genes);
  const std::string record = JoinPath(folder, TrainingRecord);
  BenchmarkTraining result;
  result.folder = folder;
  if (settings.reuseModels && FileExists(record) && FileExists(JoinPath(folder, "model.safetensors")) &&
      FileExists(JoinPath(folder, "config.json")))
  {
    const nlohmann::json earlier = ReadJSONFile(record, "benchmark training record");
    if (earlier.value("key", nlohmann::json()) == key)
    {
      result.reused = true;
      result.windows = earlier.value("windows", std::int64_t{ 0 });
      result.steps = earlier.value("steps", std::int64_t{ 0 });
      result.finalLoss = earlier.value("finalLoss", 0.0);
      result.seconds = earlier.value("seconds", 0.0);
      result.stepSeconds = earlier.value("stepSeconds", 0.0);
      LogInfo(method.name + ": reusing the model in " + folder + " (trained with the same settings and data)");
      return result;
    }
    LogInfo(method.name + ": the model in " + folder + " was trained differently; training it again");
  }
  if (FileExists(record))
  {
    std::filesystem::remove(record); // the folder is a model folder again, which --overwrite replaces
  }
  PairSetTrainingOptions o;
  o.preset = settings.preset;
  o.model.config = settings.config;
  o.model.configSource = settings.configSource;
  o.model.patchSize = settings.patchSize;
  o.model.regression = method.variant == "regression";
  o.model.noDisentangling = method.variant == "no-disentangling";
  o.model.noDynamicAttention = method.variant == "no-dynamic-attention";
  o.model.noGeneGraph = method.variant == "no-gene-graph";
  o.model.noHistology = method.variant == "no-histology";
  o.windows.minValidFraction = settings.minValidFraction;
  o.overwrite = true;
  TrainerOptions & t = o.trainer;
  t.outputDir = folder;
  t.steps = settings.steps;
  t.batchSize = settings.batchSize;
  t.learningRate = settings.learningRate;
  t.warmupSteps = std::min(settings.warmupSteps, std::max<std::int64_t>(0, settings.steps / 2));
  t.checkpointEvery = 0;
  t.seed = settings.seed;
  t.threads = settings.threads;
  t.device = "cpu";
  t.rank = 0;
  t.worldSize = 1;
  CreateDirectories(folder);
  const auto start = std::chrono::steady_clock::now();
  const PairSetTrainingSummary s = TrainOnPairSet(training, o, progress, "training pairs of " + dataKey);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.stepSeconds = s.training.seconds;
  result.windows = s.windows;
  result.steps = s.training.lastStep;
  const auto & losses = s.training.losses;
  if (!losses.empty())
  {
    const std::size_t tail = std::max<std::size_t>(1, losses.size() / 10);
    result.finalLoss =
      std::accumulate(losses.end() - static_cast<std::ptrdiff_t>(tail), losses.end(), 0.0) / static_cast<double>(tail);
  }
  // The checkpoint (weights, EMA, optimizer moments) is only for resuming, which a benchmark
  // never does: the model folder keeps config.json + model.safetensors.
  std::filesystem::remove_all(JoinPath(folder, "checkpoint"));
  nlohmann::json r = result.ToJSON();
  r["key"] = key;
  r["losses"] = losses;
  r["variant"] = s.training.config.VariantName();
  WriteJSONFileAtomically(record, r);
  LogInfo(method.name + ": trained " + std::to_string(result.steps) + " steps on " + std::to_string(result.windows) +
          " windows in " + std::to_string(static_cast<int>(result.seconds)) + " s, final loss " +
          std::to_string(result.finalLoss));
  return result;
}

SlidePrediction PredictWithBenchmarkModel(const SlidePair & slide,
                                          const BenchmarkMethod & method,
                                          const BenchmarkModelSettings & settings,
                                          const std::string & folder)
{
  if (!method.IsLearned())
  {
    throw std::invalid_argument("PredictWithBenchmarkModel: " + method.name + " is not a learned method");
  }
  const bool diffusion = method.kind == BenchmarkMethodKind::Diffusion;
  SlidePredictionOptions o;
  o.samples = diffusion ? settings.samples : 1;
  o.steps = settings.samplingSteps;
  o.seed = settings.seed;
  o.overlap = settings.overlap;
  o.patchesPerBatch = settings.patchesPerBatch;
  o.threads = static_cast<unsigned int>(std::max(1, settings.threads));
  o.keepSamples = diffusion && settings.samples >= 2;
  return PredictSlidePair(slide, ModelRunner::Load(folder, "cpu", settings.threads), o);
}

nlohmann::json MachineDescription(int threads, const std::string & device)
{
  nlohmann::json m;
  char host[256] = { 0 };
  if (gethostname(host, sizeof(host) - 1) == 0)
  {
    m["host"] = host;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
  {
    if (line.rfind("model name", 0) == 0)
    {
      m["cpu"] = Trim(line.substr(line.find(':') + 1));
      break;
    }
  }
  m["logicalCpus"] = std::thread::hardware_concurrency();
  const std::string load = FirstLine("/proc/loadavg");
  if (!load.empty())
  {
    m["loadAverageAtStart"] = load.substr(0, load.find(' ', load.find(' ', load.find(' ') + 1) + 1));
  }
  m["device"] = device;
  if (threads > 0)
  {
    at::set_num_threads(threads);
  }
  m["libtorchThreads"] = at::get_num_threads();
  m["libtorchVersion"] = TORCH_VERSION;
  m["superspotVersion"] = SUPERSPOT_VERSION;
  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  m["date"] = date;
  return m;
}

} // namespace ss
