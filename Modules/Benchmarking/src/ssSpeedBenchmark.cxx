#include "ssSpeedBenchmark.h"

#include "ssBenchmarkInternal.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssPhantomBenchmark.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSpotInterpolation.h"
#include "ssSpotRasterizationImageFilter.h"
#include "ssSuperResolutionImageFilter.h"
#include "ssTextTable.h"
#include "ssTissueSimulator.h"

#include "itkCommand.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace ss
{
namespace
{

const char * const CommandLine = "command line";
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t)
{
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/** Resets this process's peak resident set size to its current size (Linux >= 4.0:
 * /proc/self/clear_refs, "5"), so the next VmHWM is the peak of what runs after. */
bool ResetPeakResidentMemory()
{
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/** Wall time between the StartEvent and EndEvent of pipeline stages, summed per stage. The
 * stages of a pull pipeline update their inputs before their own StartEvent, so the intervals
 * of different stages never overlap. */
class StageTimer
{
public:
  void Watch(itk::ProcessObject * filter, const std::string & stage)
  {
    auto start = itk::SimpleMemberCommand<Watcher>::New();
    auto end = itk::SimpleMemberCommand<Watcher>::New();
    m_Watchers.push_back(std::make_unique<Watcher>(Watcher{ this, stage, {} }));
    start->SetCallbackFunction(m_Watchers.back().get(), &Watcher::OnStart);
    end->SetCallbackFunction(m_Watchers.back().get(), &Watcher::OnEnd);
    filter->AddObserver(itk::StartEvent(), start);
    filter->AddObserver(itk::EndEvent(), end);
    m_Seconds[stage] += 0;
  }
  const std::map<std::string, double> & Seconds() const { return m_Seconds; }

private:
  struct Watcher
  {
    StageTimer * timer;
    std::string stage;
    Clock::time_point started;
    void OnStart() { started = Clock::now(); }
    void OnEnd() { timer->m_Seconds[stage] += Since(started); }
  };
  std::vector<std::unique_ptr<Watcher>> m_Watchers;
  std::map<std::string, double> m_Seconds;
};

SpeedAreaResult RunArea(const SpeedBenchmarkOptions & o,
                        double fraction,
                        const std::shared_ptr<ModelRunner> & model,
                        ProgressReporter & progress)
{
  SpeedAreaResult r;
  r.fraction = fraction;
  r.sideUm = o.sizeUm * std::sqrt(fraction);
  r.peakIsPerArea = ResetPeakResidentMemory();
  const auto start = Clock::now();
  const ModelConfig & c = model->GetConfig();
  const unsigned int G = static_cast<unsigned int>(c.NumberOfGenes());

  // The slide: tissue, then its molecules.
  auto t = Clock::now();
  const SimulationParameters p = PhantomParameters(o.seed, r.sideUm, o.genes);
  auto simulator = TissueSimulator::New();
  simulator->SetParameters(p);
  simulator->SetNumberOfWorkUnits(static_cast<unsigned int>(std::max(1, o.model.threads)));
  const auto tissue = simulator->Simulate();
  const MoleculeTable molecules =
    tissue->MakeMolecules(nullptr, static_cast<unsigned int>(std::max(1, o.model.threads)));
  r.molecules = molecules.Size();
  r.seconds["simulate"] = Since(t);

  // The LR input on the HR grid: pseudo-Visium spots, their nearest-spot map and bilinear base.
  t = Clock::now();
  const double resolution = 100.0 / o.factor;
  const GridGeometry grid = GridGeometry::Covering(tissue->GetBoundsUm(), resolution);
  const PseudoSpotParameters visium = PseudoSpotParameters::Visium();
  const CoordinateFrame frame = tissue->GetFrame();
  const SpotDataset spots = MakePseudoSpots(molecules, visium, &frame);
  r.spots = spots.NumberOfSpots();
  std::vector<std::size_t> genes;
  for (const auto & g : c.genes)
  {
    const long i = molecules.GeneIndex(g);
    if (i < 0)
    {
      SS_INPUT_ERROR(o.modelFolder.empty() ? "speed model" : o.modelFolder,
                     "genes",
                     "model gene '" + g + "' is not a gene of the phantom",
                     "time a model trained on the phantom's genes (or leave --model empty)");
    }
    genes.push_back(static_cast<std::size_t>(i));
  }
  const std::vector<float> values = NormalizeSpots(spots, genes, ExpressionNormalization::Density());
  auto raster = SpotRasterizationImageFilter::New();
  raster->SetSpotValues(spots.spots.positionUm, values, G);
  raster->SetMode(SpotRasterizationImageFilter::ModeType::Nearest);
  raster->SetPitchUm(spots.pitchUm);
  raster->SetOutputGrid(grid);
  raster->SetNumberOfWorkUnits(static_cast<unsigned int>(std::max(1, o.model.threads)));
  raster->Update();
  ExpressionImageType::Pointer lr = raster->GetOutput();
  MaskImageType::Pointer lrMask = raster->GetMaskOutput();
  lr->DisconnectPipeline();
  lrMask->DisconnectPipeline();
  ExpressionImageType::Pointer base;
  MaskImageType::Pointer baseMask;
  SpotInterpolator(spots, values, G, InterpolationMethod::Bilinear).EvaluateOnGrid(grid, base, baseMask);
  r.hrPixels = grid.GetNumberOfPixels();
  const MaskImageType::PixelType * m = lrMask->GetBufferPointer();
  r.predictedPixels = static_cast<std::size_t>(std::count_if(m, m + r.hrPixels, [](auto v) { return v != 0; }));
  r.seconds["lr_maps"] = Since(t);

  // Super-resolution, block by block, the H&E rendered on demand like a whole-slide reader.
  auto he = SimulatedHEImageSource::New();
  he->SetTissue(tissue);
  he->SetNumberOfWorkUnits(static_cast<unsigned int>(std::max(1, o.model.threads)));
  auto filter = SuperResolutionImageFilter::New();
  filter->SetModel(model);
  filter->SetLRInput(lr);
  filter->SetBaseInput(base);
  filter->SetLRMaskInput(lrMask);
  if (c.useHistology)
  {
    filter->SetHistologyInput(he->GetOutput());
  }
  filter->SetNumberOfSamples(std::max(1u, o.model.samples));
  filter->SetNumberOfSteps(o.model.samplingSteps);
  filter->SetSeed(o.model.seed);
  filter->SetPatchOverlap(o.model.overlap);
  filter->SetPatchesPerBatch(o.model.patchesPerBatch);
  filter->SetNumberOfWorkUnits(static_cast<unsigned int>(std::max(1, o.model.threads)));
  StageTimer timer;
  timer.Watch(he, "he_render");
  timer.Watch(filter->GetTileExtractionFilter(), "tile_extraction");
  timer.Watch(filter->GetConditionEncoder(), "encoder");
  timer.Watch(filter->GetGeneGraphPriorFilter(), "gene_graph_prior");
  timer.Watch(filter->GetDiffusionSampler(), "sampler");
  filter->UpdateOutputInformation();
  const auto blocks = SuperResolutionBlocks(filter->GetLattice(), o.blockPatches);
  r.patches = filter->GetLattice().GetLatticeRegion().GetNumberOfPixels();
  t = Clock::now();
  progress.Start("Speed", "area " + FormatNumber(fraction, 2) + ": " + std::to_string(blocks.size()) + " blocks");
  const auto result = RunSuperResolutionBlocks(filter, blocks, &progress);
  progress.End();
  r.seconds["super_resolution"] = Since(t);
  for (const auto & [stage, seconds] : timer.Seconds())
  {
    r.seconds[stage] = seconds;
  }
  r.seconds["total"] = Since(start);
  r.peakResidentMiB = PeakResidentMemoryMiB();
  const double steps = o.model.samplingSteps ? o.model.samplingSteps : static_cast<double>(c.diffusion.samplingSteps);
  const double samplerSeconds = r.seconds["sampler"].get<double>();
  if (samplerSeconds > 0)
  {
    r.pixelGenesPerSecondPerStep =
      static_cast<double>(r.predictedPixels) * G * (c.IsRegression() ? 1.0 : steps) / samplerSeconds;
  }
  (void)result;
  return r;
}

double TimeUnitToMs(const std::string & unit)
{
  if (unit == "ns")
    return 1e-6;
  if (unit == "us")
    return 1e-3;
  if (unit == "ms")
    return 1;
  if (unit == "s")
    return 1e3;
  return std::numeric_limits<double>::quiet_NaN();
}

} // namespace

void AddKernelBenchmarks(ResultsTable & results, const nlohmann::json & document, const std::string & source)
{
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array())
  {
    SS_INPUT_ERROR(source,
                   "benchmarks",
                   "is not a Google Benchmark JSON document",
                   "write it with SuperSpotModelBenchmark --benchmark_out=FILE --benchmark_out_format=json");
  }
  if (document.contains("context"))
  {
    results.Metadata()["kernels_context"] = document["context"];
  }
  for (const auto & b : document["benchmarks"])
  {
    if (!b.is_object() || !b.contains("name") || !b.contains("real_time") || !b.contains("time_unit"))
    {
      SS_INPUT_ERROR(
        source, "benchmarks[]", "an entry has no name, real_time or time_unit", "give the file as written");
    }
    if (b.value("run_type", std::string("iteration")) != "iteration")
    {
      continue; // aggregates of repetitions: the iterations are there too
    }
    const std::string name = b["name"].get<std::string>();
    const double ms = b["real_time"].get<double>() * TimeUnitToMs(b["time_unit"].get<std::string>());
    results.Add("kernels", name, "ms", "", ms);
    const std::pair<const char *, const char *> counters[] = { { "FLOP", "gflop" },
                                                               { "FLOP/s", "gflop_per_s" },
                                                               { "peak_ratio", "peak_ratio" },
                                                               { "pixel_genes/s", "pixel_genes_per_s" },
                                                               { "samples/s", "samples_per_s" },
                                                               { "threads", "threads" },
                                                               { "peak_RSS_MiB", "peak_rss_mib" } };
    for (const auto & [key, metric] : counters)
    {
      if (b.contains(key) && b[key].is_number())
      {
        double v = b[key].get<double>();
        if (std::string(key) == "FLOP" || std::string(key) == "FLOP/s")
        {
          v /= 1e9;
        }
        results.Add("kernels", name, metric, "", v);
      }
    }
  }
}

ResultsTable RunSpeedBenchmark(const SpeedBenchmarkOptions & o, ProgressReporter * progressIn)
{
  ProgressReporter & progress = progressIn ? *progressIn : ProgressReporter::Global();
  if (o.output.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--out", "no output folder given", "pass --out FOLDER");
  }
  if (o.areaFractions.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--areaFractions", "is empty", "give fractions of the area, e.g. 0.25,0.5,1");
  }
  for (const double f : o.areaFractions)
  {
    if (!(f > 0 && f <= 1))
    {
      SS_INPUT_ERROR(
        CommandLine, "--areaFractions", FormatNumber(f, 3) + " is not in (0, 1]", "give fractions of the area");
    }
  }
  if (!(o.sizeUm > 0 && o.sizeUm <= 6500))
  {
    SS_INPUT_ERROR(CommandLine, "--sizeUm", "must be in (0, 6500] µm", "give the side of the full area");
  }
  nlohmann::json kernels;
  if (!o.kernels.empty())
  {
    RequireFile(o.kernels, "--kernels", "give the JSON file SuperSpotModelBenchmark wrote with --benchmark_out");
    kernels = ReadJSONFile(o.kernels, "--kernels");
  }
  CreateDirectories(o.output);
  ResultsTable results;
  auto & meta = results.Metadata();
  meta["protocol"] = "BENCHMARK.md protocol 3 (speed, memory and scale) on this machine's CPU";
  meta["machine"] = MachineDescription(o.model.threads);
  meta["model"] = o.model.ToJSON();
  meta["speed"] = { { "sizeUm", o.sizeUm },
                    { "areaFractions", o.areaFractions },
                    { "factor", o.factor },
                    { "genes", o.genes },
                    { "seed", o.seed },
                    { "blockPatches", o.blockPatches },
                    { "trainingSteps", o.trainingSteps },
                    { "trainingSizeUm", o.trainingSizeUm } };
  meta["path"] = "SuperResolutionImageFilter (Modules/Filters) driven block by block by RunSuperResolutionBlocks, "
                 "the H&E a SimulatedHEImageSource rendered on demand; SuperSpotSuperResolve (the CLI) was not on "
                 "main when this mode was written";

  // The model: given, or the default one trained briefly (the training throughput).
  std::string folder = o.modelFolder;
  if (folder.empty())
  {
    progress.Start("Speed", "training throughput: " + std::to_string(o.trainingSteps) + " steps");
    const PhantomSlide slide = MakePhantomSlide(o.seed + 1, o.trainingSizeUm, o.genes, o.factor, 4, 4);
    PairSet pairs;
    pairs.genes = slide.genes;
    pairs.normalization = ExpressionNormalization::Density();
    pairs.slides.push_back(slide.pair);
    BenchmarkModelSettings s = o.model;
    s.steps = o.trainingSteps;
    s.warmupSteps = std::min<std::int64_t>(s.warmupSteps, o.trainingSteps / 2);
    s.reuseModels = false;
    folder = JoinPath(o.output, "model");
    const BenchmarkMethod full = SelectBenchmarkMethods({ "superspot" }).front();
    const BenchmarkTraining trained = TrainBenchmarkModel(pairs, full, s, "speed", folder, nullptr);
    benchmark::RecordTraining(results, "superspot", trained);
    const double stepSeconds = trained.stepSeconds / static_cast<double>(std::max<std::int64_t>(1, trained.steps));
    results.Add("training", "superspot", "seconds_per_step", "", stepSeconds);
    results.Add("training", "superspot", "samples_per_s", "", static_cast<double>(s.batchSize) / stepSeconds);
    results.Add("training", "superspot", "batch", "", static_cast<double>(s.batchSize));
    progress.End();
    ModelRunner::ClearCache();
  }
  const auto model = ModelRunner::Load(folder, "cpu", o.model.threads);
  meta["timedModel"] = {
    { "folder", folder },
    { "preset", model->GetConfig().preset },
    { "variant", model->GetConfig().VariantName() },
    { "patchSize", model->GetConfig().patchSize },
    { "samplingSteps", o.model.samplingSteps ? o.model.samplingSteps : model->GetConfig().diffusion.samplingSteps }
  };

  std::vector<double> fractions = o.areaFractions;
  std::sort(fractions.begin(), fractions.end());
  std::vector<SpeedAreaResult> areas;
  for (const double f : fractions)
  {
    areas.push_back(RunArea(o, f, model, progress));
    const SpeedAreaResult & a = areas.back();
    const std::string group = "area-" + FormatNumber(f, 2);
    for (const auto & [stage, seconds] : a.seconds.items())
    {
      results.Add(group, "superspot", "seconds_" + stage, "", seconds.get<double>());
    }
    results.Add(group, "superspot", "peak_rss_mib", "", a.peakResidentMiB);
    results.Add(group, "superspot", "hr_pixels", "", static_cast<double>(a.hrPixels));
    results.Add(group, "superspot", "predicted_pixels", "", static_cast<double>(a.predictedPixels));
    results.Add(group, "superspot", "spots", "", static_cast<double>(a.spots));
    results.Add(group, "superspot", "molecules", "", static_cast<double>(a.molecules));
    results.Add(group, "superspot", "patches", "", static_cast<double>(a.patches));
    results.Add(group, "superspot", "side_um", "", a.sideUm);
    results.Add(group, "superspot", "pixel_genes_per_s_per_step", "", a.pixelGenesPerSecondPerStep);
    LogInfo(group + ": " + FormatNumber(a.seconds["total"].get<double>(), 1) + " s, peak " +
            FormatNumber(a.peakResidentMiB, 0) + " MiB");
    // Written after every area: a long run that is stopped keeps what it measured.
    results.WriteJSON(JoinPath(o.output, "results.json"));
  }
  if (!kernels.is_null())
  {
    AddKernelBenchmarks(results, kernels, o.kernels);
  }

  // results.md: the areas by stage, the training throughput, the kernels.
  std::ostringstream md;
  md << "# Speed, memory and scale (BENCHMARK.md protocol 3)\n\n";
  for (const auto & [key, value] : meta.items())
  {
    if (key != "training" && key != "kernels_context")
    {
      md << "- " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
  const std::vector<std::string> stages{ "simulate",        "lr_maps",          "he_render",
                                         "tile_extraction", "encoder",          "gene_graph_prior",
                                         "sampler",         "super_resolution", "total" };
  md << "\n## Super-resolution by area (wall seconds by stage)\n\n| area | side (µm) | HR pixels | predicted | spots "
        "| patches |";
  for (const auto & s : stages)
  {
    md << " " << s << " |";
  }
  md << " peak RSS (MiB) | pixel·genes/s per step |\n|---|";
  for (std::size_t i = 0; i < stages.size() + 7; ++i)
  {
    md << "---:|";
  }
  md << "\n";
  for (const auto & a : areas)
  {
    md << "| " << FormatNumber(a.fraction, 2) << " | " << FormatNumber(a.sideUm, 0) << " | " << a.hrPixels << " | "
       << a.predictedPixels << " | " << a.spots << " | " << a.patches << " |";
    for (const auto & s : stages)
    {
      md << " " << (a.seconds.contains(s) ? FormatNumber(a.seconds[s].get<double>(), 1) : "—") << " |";
    }
    md << " " << FormatNumber(a.peakResidentMiB, 0) << (a.peakIsPerArea ? "" : " (process)") << " | "
       << FormatNumber(a.pixelGenesPerSecondPerStep, 0) << " |\n";
  }
  if (areas.size() >= 2)
  {
    const auto & a = areas.front();
    const auto & b = areas.back();
    md << "\nTime per predicted pixel, smallest vs largest area: "
       << FormatNumber(1e3 * a.seconds["total"].get<double>() / std::max<std::size_t>(1, a.predictedPixels), 3)
       << " vs "
       << FormatNumber(1e3 * b.seconds["total"].get<double>() / std::max<std::size_t>(1, b.predictedPixels), 3)
       << " ms (equal when time grows linearly); peak RSS " << FormatNumber(a.peakResidentMiB, 0) << " vs "
       << FormatNumber(b.peakResidentMiB, 0) << " MiB.\n";
  }
  if (results.Has("training", "superspot", "samples_per_s", ""))
  {
    md << "\n## Training throughput\n\n"
       << FormatNumber(results.Get("training", "superspot", "samples_per_s", ""), 2) << " samples/s ("
       << FormatNumber(results.Get("training", "superspot", "seconds_per_step", ""), 3) << " s per step of "
       << FormatNumber(results.Get("training", "superspot", "batch", ""), 0) << " patches, " << o.trainingSteps
       << " steps, the Trainer's step loop including reading the patches).\n";
  }
  if (!kernels.is_null())
  {
    md << "\n## Kernels (Google Benchmark, " << o.kernels << ")\n\n| benchmark | ms | GFLOP | GFLOP/s | ÷ mm peak |"
       << " threads |\n|---|---:|---:|---:|---:|---:|\n";
    for (const auto & name : results.GetMethods())
    {
      if (!results.Has("kernels", name, "ms", ""))
      {
        continue;
      }
      auto cell = [&](const char * metric, int decimals)
      {
        return results.Has("kernels", name, metric, "")
                 ? FormatNumber(results.Get("kernels", name, metric, ""), decimals)
                 : "—";
      };
      md << "| " << name << " | " << cell("ms", 2) << " | " << cell("gflop", 3) << " | " << cell("gflop_per_s", 1)
         << " | " << cell("peak_ratio", 3) << " | " << cell("threads", 0) << " |\n";
    }
    if (kernels.contains("context"))
    {
      md << "\nContext of that run: " << kernels["context"].dump() << "\n";
    }
  }
  results.WriteJSON(JoinPath(o.output, "results.json"));
  WriteTextFileAtomically(JoinPath(o.output, "results.md"), md.str());
  return results;
}

} // namespace ss
