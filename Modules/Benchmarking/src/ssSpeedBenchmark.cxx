#include "ssSpeedBenchmark.h"

#include "ssResources.h"

#include "ssBenchmarkInternal.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssPhantomBenchmark.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSpotInterpolation.h"
#include "ssSimulatedSlideWriter.h"
#include "ssSpotRasterizationImageFilter.h"
#include "ssSuperResolve.h"
#include "ssSuperResolutionImageFilter.h"
#include "ssTextTable.h"
#include "ssTissueSimulator.h"

#include "itkCommand.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace ss
{
namespace
{

const char * const CommandLine = "command line";
using Clock = std::chrono::steady_clock;



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
    void OnEnd() { timer->m_Seconds[stage] += SecondsSince(started); }
  };
  std::vector<std::unique_ptr<Watcher>> m_Watchers;
  std::map<std::string, double> m_Seconds;
};

/** The library path on one area, each model stage timed by its filter's events: where the
 * super-resolution time goes. */
SpeedAreaResult RunStageSplit(const SpeedBenchmarkOptions & o,
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
  r.seconds["simulate"] = SecondsSince(t);

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
  r.seconds["lr_maps"] = SecondsSince(t);

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
  r.seconds["super_resolution"] = SecondsSince(t);
  for (const auto & [stage, seconds] : timer.Seconds())
  {
    r.seconds[stage] = seconds;
  }
  r.seconds["total"] = SecondsSince(start);
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

/** SuperSpotSuperResolve end to end on one area: the phantom written as a Xenium bundle (not
 * timed: that is the instrument's output), then RunSuperSpotSuperResolve with the model — reading
 * the bundle and its H&E, checking them, the prediction inputs, the block-by-block
 * super-resolution with the H&E streamed, and the outputs (NRRD, AnnData, figures, run.json). */
SpeedAreaResult RunEndToEnd(const SpeedBenchmarkOptions & o,
                            double fraction,
                            const std::string & modelFolder,
                            ProgressReporter & progress)
{
  SpeedAreaResult r;
  r.fraction = fraction;
  r.sideUm = o.sizeUm * std::sqrt(fraction);
  const std::string folder = JoinPath(JoinPath(o.output, "areas"), "area-" + FormatNumber(fraction, 2));
  const std::string slideFolder = JoinPath(folder, "slide");
  const std::string outputFolder = JoinPath(folder, "superresolve");
  std::filesystem::remove_all(slideFolder);

  auto t = Clock::now();
  progress.Start("Speed", "area " + FormatNumber(fraction, 2) + ": simulating and writing the slide");
  auto simulator = TissueSimulator::New();
  simulator->SetParameters(PhantomParameters(o.seed, r.sideUm, o.genes));
  const auto tissue = simulator->Simulate();
  SimulatedSlideOptions w;
  w.formats = SimulatedSlideFormat::Xenium;
  const SimulatedSlideFiles files = WriteSimulatedSlide(slideFolder, *tissue, w);
  r.molecules = files.molecules; // (the pseudo-spots are SuperResolve's own, not counted here)
  progress.End();
  r.seconds["setup_simulate_and_write"] = SecondsSince(t);

  SlideInputs in;
  in.xeniumDir = files.xenium;
  in.fullResImage = JoinPath(files.xenium, "he.tif");
  in.alignment = JoinPath(files.xenium, "he_imagealignment.csv");
  SuperResolveOptions so;
  so.model = modelFolder;
  so.samples = std::max(1u, o.model.samples);
  so.steps = o.model.samplingSteps;
  so.overlap = o.model.overlap;
  so.blockPatches = o.blockPatches;
  so.patchesPerBatch = o.model.patchesPerBatch;
  so.seed = o.model.seed;
  so.threads = std::max(1, o.model.threads);
  so.device = "cpu";
  so.output = outputFolder;
  so.overwrite = true;
  r.peakIsPerArea = ResetPeakResidentMemory();
  t = Clock::now();
  const SuperResolveSummary summary = RunSuperSpotSuperResolve(in, so);
  r.seconds["total"] = SecondsSince(t);
  r.peakResidentMiB = PeakResidentMemoryMiB();
  r.hrPixels = summary.hrPixels;
  const nlohmann::json run = ReadJSONFile(JoinPath(outputFolder, "run.json"), "SuperSpotSuperResolve run.json");
  const nlohmann::json timings = run.value("timings", nlohmann::json::object()); // items() of a temporary dangles
  for (const auto & [key, value] : timings.items())
  {
    if (value.is_number() && key != "total_s")
    {
      r.seconds[key.substr(0, key.size() - (key.size() > 2 && key.compare(key.size() - 2, 2, "_s") == 0 ? 2 : 0))] =
        value.get<double>();
    }
  }
  r.superResolveRun = run;
  r.predictedPixels = summary.hrPixels;
  r.patches = summary.blocksRun;
  const ModelConfig & c = ModelRunner::Load(modelFolder, "cpu", o.model.threads)->GetConfig();
  const double steps = o.model.samplingSteps ? o.model.samplingSteps : static_cast<double>(c.diffusion.samplingSteps);
  if (r.seconds.contains("super_resolve") && r.seconds["super_resolve"].get<double>() > 0)
  {
    r.pixelGenesPerSecondPerStep = static_cast<double>(r.predictedPixels) * static_cast<double>(c.NumberOfGenes()) *
                                   (c.IsRegression() ? 1.0 : steps) / r.seconds["super_resolve"].get<double>();
  }
  // The slide (hundreds of MB for a capture area) and the big maps go; run.json and the figures stay.
  std::filesystem::remove_all(slideFolder);
  for (const char * big : { "mean.nrrd", "std.nrrd", "mask.nrrd", "superspot.h5ad" })
  {
    std::filesystem::remove(JoinPath(outputFolder, big));
  }
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
  meta["path"] = "end to end: RunSuperSpotSuperResolve (Modules/Workflows, what SuperSpotSuperResolve runs) on the "
                 "phantom written as a Xenium bundle; stage split: SuperResolutionImageFilter driven block by block by "
                 "RunSuperResolutionBlocks, the H&E a SimulatedHEImageSource rendered on demand";

  // The training throughput, on the preset's model; that model is timed unless one is given.
  std::string folder = o.modelFolder;
  if (o.trainingSteps > 0)
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
    const std::string trainedFolder = JoinPath(o.output, "model");
    const BenchmarkMethod full = SelectBenchmarkMethods({ "superspot" }).front();
    const BenchmarkTraining trained = TrainBenchmarkModel(pairs, full, s, "speed", trainedFolder, nullptr);
    benchmark::RecordTraining(results, "superspot", trained);
    const double stepSeconds = trained.stepSeconds / static_cast<double>(std::max<std::int64_t>(1, trained.steps));
    results.Add("training", "superspot", "seconds_per_step", "", stepSeconds);
    results.Add("training", "superspot", "samples_per_s", "", static_cast<double>(s.batchSize) / stepSeconds);
    results.Add("training", "superspot", "batch", "", static_cast<double>(s.batchSize));
    results.Add("training", "superspot", "windows", "", static_cast<double>(trained.windows));
    progress.End();
    ModelRunner::ClearCache();
    if (folder.empty())
    {
      folder = trainedFolder;
    }
  }
  if (folder.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   "--model",
                   "no model to time and no training (--trainingSteps 0)",
                   "give --model FOLDER, or let the mode train one (--trainingSteps > 0)");
  }
  const auto model = ModelRunner::Load(folder, "cpu", o.model.threads);
  const std::int64_t samplingSteps = o.model.samplingSteps ? static_cast<std::int64_t>(o.model.samplingSteps)
                                                           : model->GetConfig().diffusion.samplingSteps;
  meta["timedModel"] = { { "folder", folder },
                         { "preset", model->GetConfig().preset },
                         { "variant", model->GetConfig().VariantName() },
                         { "patchSize", model->GetConfig().patchSize },
                         { "genes", model->GetConfig().NumberOfGenes() },
                         { "samples", o.model.samples },
                         { "samplingSteps", samplingSteps } };

  auto addArea = [&](const std::string & group, const SpeedAreaResult & a)
  {
    for (const auto & [stage, seconds] : a.seconds.items())
    {
      results.Add(group, "superspot", "seconds_" + stage, "", seconds.get<double>());
    }
    results.Add(group, "superspot", "peak_rss_mib", "", a.peakResidentMiB);
    results.Add(group, "superspot", "hr_pixels", "", static_cast<double>(a.hrPixels));
    results.Add(group, "superspot", "predicted_pixels", "", static_cast<double>(a.predictedPixels));
    results.Add(group, "superspot", "spots", "", static_cast<double>(a.spots));
    results.Add(group, "superspot", "molecules", "", static_cast<double>(a.molecules));
    results.Add(group, "superspot", "patches_or_blocks", "", static_cast<double>(a.patches));
    results.Add(group, "superspot", "side_um", "", a.sideUm);
    results.Add(group, "superspot", "pixel_genes_per_s_per_step", "", a.pixelGenesPerSecondPerStep);
    LogInfo(group + ": " + FormatNumber(a.seconds["total"].get<double>(), 1) + " s, peak " +
            FormatNumber(a.peakResidentMiB, 0) + " MiB");
    // Written after every area: a long run that is stopped keeps what it measured.
    results.WriteJSON(JoinPath(o.output, "results.json"));
  };
  std::vector<double> fractions = o.areaFractions;
  std::sort(fractions.begin(), fractions.end());
  std::vector<SpeedAreaResult> areas;
  nlohmann::json runs = nlohmann::json::object();
  for (const double f : fractions)
  {
    areas.push_back(RunEndToEnd(o, f, folder, progress));
    runs["area-" + FormatNumber(f, 2)] = areas.back().superResolveRun;
    addArea("area-" + FormatNumber(f, 2), areas.back());
  }
  meta["superResolveRuns"] = runs;
  const SpeedAreaResult split = RunStageSplit(o, fractions.front(), model, progress);
  addArea("stages-area-" + FormatNumber(fractions.front(), 2), split);
  if (!kernels.is_null())
  {
    AddKernelBenchmarks(results, kernels, o.kernels);
  }

  // results.md: the areas end to end, the stage split, the training throughput, the kernels.
  std::ostringstream md;
  md << "# Speed, memory and scale (BENCHMARK.md protocol 3)\n\n";
  for (const auto & [key, value] : meta.items())
  {
    if (key != "training" && key != "kernels_context" && key != "superResolveRuns")
    {
      md << "- " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
  auto stageTable = [&md](const std::vector<SpeedAreaResult> & rows, const std::vector<std::string> & stages)
  {
    md << "| area | side (µm) | HR pixels | spots | molecules |";
    for (const auto & s : stages)
    {
      md << " " << s << " |";
    }
    md << " peak RSS (MiB) | pixel·genes/s per step |\n|---|";
    for (std::size_t i = 0; i < stages.size() + 6; ++i)
    {
      md << "---:|";
    }
    md << "\n";
    for (const auto & a : rows)
    {
      md << "| " << FormatNumber(a.fraction, 2) << " | " << FormatNumber(a.sideUm, 0) << " | " << a.hrPixels << " | "
         << (a.spots ? std::to_string(a.spots) : "—") << " | " << a.molecules << " |";
      for (const auto & s : stages)
      {
        md << " " << (a.seconds.contains(s) ? FormatNumber(a.seconds[s].get<double>(), 1) : "—") << " |";
      }
      md << " " << FormatNumber(a.peakResidentMiB, 0) << (a.peakIsPerArea ? "" : " (process)") << " | "
         << FormatNumber(a.pixelGenesPerSecondPerStep, 0) << " |\n";
    }
  };
  md << "\n## SuperSpotSuperResolve end to end, by area (wall seconds by its stages)\n\n"
        "setup_simulate_and_write (the phantom written as a Xenium bundle) is not part of the run; total is the "
        "whole RunSuperSpotSuperResolve call.\n\n";
  stageTable(areas, { "setup_simulate_and_write", "read", "inputs", "super_resolve", "write", "total" });
  if (areas.size() >= 2)
  {
    const auto & a = areas.front();
    const auto & b = areas.back();
    auto perPixel = [](const SpeedAreaResult & r)
    { return 1e3 * r.seconds["total"].get<double>() / static_cast<double>(std::max<std::size_t>(1, r.hrPixels)); };
    md << "\nTime per HR pixel, smallest vs largest area: " << FormatNumber(perPixel(a), 3) << " vs "
       << FormatNumber(perPixel(b), 3) << " ms (equal when time grows linearly with the area); peak RSS "
       << FormatNumber(a.peakResidentMiB, 0) << " vs " << FormatNumber(b.peakResidentMiB, 0) << " MiB.\n";
  }
  md << "\n## Where the super-resolution time goes (area " << FormatNumber(fractions.front(), 2)
     << ", the library path: SuperResolutionImageFilter block by block, each stage filter timed)\n\n";
  stageTable({ split },
             { "simulate",
               "lr_maps",
               "he_render",
               "tile_extraction",
               "encoder",
               "gene_graph_prior",
               "sampler",
               "super_resolution",
               "total" });
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
