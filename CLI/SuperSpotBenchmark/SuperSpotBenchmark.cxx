// SuperSpotBenchmark: the benchmark protocols of docs/BENCHMARK.md (Modules/Benchmark does the work).

#include "SuperSpotBenchmarkCLP.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssHer2stBenchmark.h"
#include "ssPhantomBenchmark.h"
#include "ssProgress.h"
#include "ssSpeedBenchmark.h"

#include <cstdint>

namespace
{

ss::BenchmarkModelSettings ModelSettings(const SuperSpotBenchmarkParameters & a, unsigned int defaultSamples)
{
  ss::BenchmarkModelSettings s;
  s.preset = a.preset;
  if (!a.config.empty())
  {
    ss::RequireFile(a.config, "--config", "give a model config.json (whole, or only the keys to change)");
    s.config = ss::ReadJSONFile(a.config, "--config");
    s.configSource = a.config;
  }
  s.patchSize = a.patchSize;
  s.steps = a.steps;
  s.batchSize = a.batchSize;
  s.learningRate = a.learningRate;
  s.warmupSteps = a.warmupSteps;
  s.minValidFraction = a.minValidFraction;
  s.seed = static_cast<std::uint64_t>(a.seed);
  s.threads = a.threads;
  s.samples = a.samples > 0 ? static_cast<unsigned int>(a.samples) : defaultSamples;
  s.samplingSteps = static_cast<unsigned int>(a.samplingSteps);
  s.overlap = static_cast<unsigned int>(a.overlap);
  s.patchesPerBatch = static_cast<unsigned int>(a.patchesPerBatch);
  s.reuseModels = a.reuseModels;
  return s;
}

std::vector<std::uint64_t> Seeds(const std::vector<int> & values, const char * flag)
{
  std::vector<std::uint64_t> seeds;
  for (const int v : values)
  {
    if (v < 0)
    {
      SS_INPUT_ERROR("command line", flag, std::to_string(v) + " is negative", "give seeds >= 0");
    }
    seeds.push_back(static_cast<std::uint64_t>(v));
  }
  return seeds;
}

void PrintHeadline(const ss::ResultsTable & r, const std::string & metric)
{
  for (const auto & m : r.GetMethods())
  {
    const ss::MeanSummary s = r.OverallMean(m, metric);
    if (s.used > 0)
    {
      ss::LogInfo(metric + " " + m + ": " + ss::FormatNumber(s.mean, 3) +
                  (std::isfinite(s.spread) ? " ± " + ss::FormatNumber(s.spread, 3) : ""));
    }
  }
}

} // namespace

int SuperSpotBenchmarkModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotBenchmarkParameters args;
  if (const auto exitCode = ParseSuperSpotBenchmark(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      if (args.out.empty())
      {
        SS_INPUT_ERROR("command line", "--out", "no results folder given", "pass --out FOLDER");
      }
      ss::ProgressReporter & progress = ss::ProgressReporter::Global();
      if (args.mode == "her2st")
      {
        ss::Her2stBenchmarkOptions o;
        o.data = args.data;
        if (o.data.empty())
        {
          SS_INPUT_ERROR(
            "command line", "--data", "no sections folder given", "pass --data DIR (laid out like shared/data/her2st)");
        }
        o.train = args.train;
        o.test = args.test;
        o.panel = args.panel;
        o.output = args.out;
        o.methods = args.methods;
        o.exampleGenes = args.exampleGenes;
        o.model = ModelSettings(args, 16);
        // A section is about 20 x 17 array positions of which ~185 hold a spot: 16 x 16 windows
        // with a quarter measured give every section several training windows.
        o.model.patchSize = args.patchSize > 0 ? args.patchSize : 16;
        o.model.minValidFraction = args.minValidFraction >= 0 ? args.minValidFraction : 0.25;
        o.cellPixelsPerBin = args.cellPixelsPerBin > 0 ? static_cast<unsigned int>(args.cellPixelsPerBin) : 8;
        o.tissueBinsPerPixel = static_cast<unsigned int>(args.tissueBinsPerPixel);
        const ss::ResultsTable r = ss::RunHer2stBenchmark(o, &progress);
        PrintHeadline(r, "pcc");
      }
      else if (args.mode == "phantom")
      {
        ss::PhantomBenchmarkOptions o;
        o.factor = args.factor;
        o.trainSeeds = Seeds(args.trainSeeds, "--trainSeeds");
        o.testSeeds = Seeds(args.testSeeds, "--testSeeds");
        o.sizeUm = args.sizeUm;
        o.genes = static_cast<unsigned int>(args.genes);
        o.output = args.out;
        o.methods = args.methods;
        o.exampleGenes = args.exampleGenes;
        o.model = ModelSettings(args, 16);
        o.model.minValidFraction = args.minValidFraction >= 0 ? args.minValidFraction : 0.5;
        o.cellPixelsPerBin = args.cellPixelsPerBin > 0 ? static_cast<unsigned int>(args.cellPixelsPerBin) : 4;
        o.tissueBinsPerPixel = static_cast<unsigned int>(args.tissueBinsPerPixel);
        const ss::ResultsTable r = ss::RunPhantomBenchmark(o, &progress);
        PrintHeadline(r, "pcc");
      }
      else
      {
        ss::SpeedBenchmarkOptions o;
        o.sizeUm = args.areaSideUm;
        o.areaFractions = args.areaFractions;
        o.factor = args.factor;
        o.genes = static_cast<unsigned int>(args.genes);
        o.modelFolder = args.model;
        o.trainingSteps = args.trainingSteps;
        o.trainingSizeUm = args.sizeUm;
        o.blockPatches = static_cast<unsigned int>(args.blockPatches);
        o.kernels = args.kernels;
        o.output = args.out;
        o.model = ModelSettings(args, 8);
        o.model.minValidFraction = args.minValidFraction >= 0 ? args.minValidFraction : 0.5;
        ss::RunSpeedBenchmark(o, &progress);
      }
      ss::LogInfo("results in " + args.out + " (results.json, results.md)");
      return 0;
    });
}
