#include "ssPhantomBenchmark.h"

#include "ssBenchmarkInternal.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssMapScores.h"
#include "ssPanels.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssSpotInterpolation.h"
#include "ssTextTable.h"
#include "ssTissueSimulator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace ss
{
namespace
{

const char * const CommandLine = "command line";

std::string SlideName(std::uint64_t seed)
{
  return "seed-" + std::to_string(seed);
}

std::string SeedList(const std::vector<std::uint64_t> & seeds)
{
  std::vector<std::string> s;
  for (const auto v : seeds)
  {
    s.push_back(std::to_string(v));
  }
  return Join(s, ",");
}

/** The maps an example figure shows for one test slide. */
struct SlideFigures
{
  std::map<std::string, GeneMaps> predictions;
  GeneMaps sample;
  GeneMaps std;
};

} // namespace

SimulationParameters PhantomParameters(std::uint64_t seed, double sizeUm, unsigned int genes)
{
  SimulationParameters p;
  p.seed = seed;
  p.widthUm = sizeUm;
  p.heightUm = sizeUm;
  p.numberOfGenes = genes;
  // As SuperSpotSimulate: each module needs a gene of its own, so a small panel gets fewer.
  const auto moduleGenes = genes - static_cast<unsigned int>(std::lround(p.housekeepingFraction * genes));
  p.numberOfModules = std::max(1u, std::min(p.numberOfModules, moduleGenes));
  return p;
}

PhantomSlide MakePhantomSlide(std::uint64_t seed,
                              double sizeUm,
                              unsigned int genes,
                              int factor,
                              unsigned int cellPixelsPerBin,
                              unsigned int tissueBinsPerPixel)
{
  const SimulationParameters p = PhantomParameters(seed, sizeUm, genes);
  auto simulator = TissueSimulator::New();
  simulator->SetParameters(p);
  const auto tissue = simulator->Simulate();
  const MoleculeTable molecules = tissue->MakeMolecules();
  const RGBImageType::Pointer he = tissue->RenderImage();

  PhantomSlide slide;
  slide.genes = tissue->GetGeneNames();
  std::vector<std::size_t> all(slide.genes.size());
  for (std::size_t g = 0; g < all.size(); ++g)
  {
    all[g] = g;
  }
  MoleculePairParameters mp;
  mp.spots = PseudoSpotParameters::Visium();
  mp.resolutionUm = mp.spots.pitchUm / factor;
  mp.cellPixelsPerBin = cellPixelsPerBin;
  mp.tissueBinsPerPixel = tissueBinsPerPixel;
  slide.pair = MakeMoleculeSlidePair(SlideName(seed), molecules, all, he, mp);
  // The same pseudo-spots MakeMoleculeSlidePair made its LR maps from (same molecules,
  // parameters and frame), for the bspline baseline.
  const CoordinateFrame frame = CoordinateFrame::FromImage(he);
  slide.spots = MakePseudoSpots(molecules, mp.spots, &frame);
  slide.spotValues = NormalizeSpots(slide.spots, all, ExpressionNormalization::Density(mp.referenceAreaUm2));
  return slide;
}

ResultsTable RunPhantomBenchmark(const PhantomBenchmarkOptions & o, ProgressReporter * progressIn)
{
  ProgressReporter & progress = progressIn ? *progressIn : ProgressReporter::Global();
  if (o.output.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--out", "no output folder given", "pass --out FOLDER");
  }
  if (o.factor != 5 && o.factor != 10)
  {
    SS_INPUT_ERROR(CommandLine,
                   "--factor",
                   std::to_string(o.factor) + " is not 5 or 10",
                   "use 5 (20 µm bins) or 10 (10 µm bins), BENCHMARK.md's phantom scales");
  }
  if (o.trainSeeds.empty() || o.testSeeds.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   o.trainSeeds.empty() ? "--trainSeeds" : "--testSeeds",
                   "is empty",
                   "give at least one slide seed to train on and one to test");
  }
  for (const auto s : o.testSeeds)
  {
    if (std::find(o.trainSeeds.begin(), o.trainSeeds.end(), s) != o.trainSeeds.end())
    {
      SS_INPUT_ERROR(CommandLine,
                     "--testSeeds",
                     "seed " + std::to_string(s) + " is also a training seed",
                     "test on slides the models are not trained on");
    }
  }
  const std::vector<BenchmarkMethod> methods = SelectBenchmarkMethods(o.methods);

  progress.Start("Phantom", "simulating " + std::to_string(o.trainSeeds.size() + o.testSeeds.size()) + " slides");
  PairSet training;
  std::vector<PhantomSlide> tests;
  const std::size_t slides = o.trainSeeds.size() + o.testSeeds.size();
  std::size_t made = 0;
  for (const auto seed : o.trainSeeds)
  {
    progress.Progress(static_cast<double>(made++) / static_cast<double>(slides), SlideName(seed));
    PhantomSlide s = MakePhantomSlide(seed, o.sizeUm, o.genes, o.factor, o.cellPixelsPerBin, o.tissueBinsPerPixel);
    training.genes = s.genes;
    training.slides.push_back(s.pair);
  }
  training.normalization = ExpressionNormalization::Density();
  for (const auto seed : o.testSeeds)
  {
    progress.Progress(static_cast<double>(made++) / static_cast<double>(slides), SlideName(seed));
    tests.push_back(MakePhantomSlide(seed, o.sizeUm, o.genes, o.factor, o.cellPixelsPerBin, o.tissueBinsPerPixel));
  }
  progress.End();
  const std::vector<std::string> & genes = training.genes;
  const std::size_t G = genes.size();

  ResultsTable results;
  auto & meta = results.Metadata();
  meta["protocol"] = "BENCHMARK.md protocol 2, phantom-" + std::to_string(o.factor) + "x: HR = molecules binned at " +
                     FormatNumber(100.0 / o.factor, 0) +
                     " um, LR = pseudo-Visium spots (55 um, 100 um hexagonal pitch); scored pixels = tissue (hrMask) "
                     "covered by an LR spot's nearest-spot area (lrMask)";
  meta["machine"] = MachineDescription(o.model.threads);
  meta["model"] = o.model.ToJSON();
  meta["phantom"] = { { "factor", o.factor },
                      { "resolutionUm", 100.0 / o.factor },
                      { "sizeUm", o.sizeUm },
                      { "genes", G },
                      { "trainSeeds", o.trainSeeds },
                      { "testSeeds", o.testSeeds },
                      { "cellPixelsPerBin", o.cellPixelsPerBin },
                      { "tissueBinsPerPixel", o.tissueBinsPerPixel },
                      { "hrGrid", { tests.front().pair.grid.size[0], tests.front().pair.grid.size[1] } } };
  meta["methods"] = benchmark::MethodNames(methods);

  // Truth, scored pixels and the interpolations of every test slide.
  std::vector<GeneMaps> truths;
  std::vector<ValidityMask> scored;
  for (const auto & t : tests)
  {
    truths.push_back(benchmark::ToGeneMaps(t.pair.hr));
    scored.push_back(benchmark::AndMasks(t.pair.hrMask, t.pair.lrMask));
  }
  std::map<std::string, SlideFigures> figures;
  nlohmann::json predictionSeconds = nlohmann::json::object();
  std::ostringstream dataKey;
  dataKey << "phantom|factor=" << o.factor << "|size=" << o.sizeUm << "|genes=" << o.genes
          << "|seeds=" << SeedList(o.trainSeeds) << "|q=" << o.cellPixelsPerBin << "|t=" << o.tissueBinsPerPixel;

  progress.Start("Phantom", "training and predicting");
  for (std::size_t mi = 0; mi < methods.size(); ++mi)
  {
    const BenchmarkMethod & method = methods[mi];
    progress.Progress(static_cast<double>(mi) / static_cast<double>(methods.size()), method.name);
    std::string folder;
    if (method.IsLearned())
    {
      folder = JoinPath(JoinPath(o.output, "models"), method.name);
      benchmark::RecordTraining(
        results, method.name, TrainBenchmarkModel(training, method, o.model, dataKey.str(), folder, nullptr));
    }
    for (std::size_t k = 0; k < tests.size(); ++k)
    {
      const PhantomSlide & t = tests[k];
      const std::string group = t.pair.name;
      GeneMaps prediction;
      std::vector<GeneMaps> samples;
      if (!method.IsLearned())
      {
        const InterpolationMethod im = InterpolationMethodFromString(method.interpolation);
        if (im == InterpolationMethod::Nearest)
        {
          prediction = benchmark::ToGeneMaps(t.pair.lr);
        }
        else if (im == InterpolationMethod::Bilinear)
        {
          prediction = benchmark::ToGeneMaps(t.pair.base);
        }
        else
        {
          const SpotInterpolator spline(
            t.spots, t.spotValues, static_cast<unsigned int>(G), InterpolationMethod::BSpline);
          ExpressionImageType::Pointer image;
          MaskImageType::Pointer mask;
          spline.EvaluateOnGrid(t.pair.grid, image, mask);
          prediction = benchmark::ToGeneMaps(image);
          for (auto & g : prediction.genes)
          {
            for (auto & v : g)
            {
              v = std::max(v, 0.0f); // the cubic's overshoot below 0 (a log1p value cannot be negative)
            }
          }
        }
      }
      else
      {
        const SlidePrediction p = PredictWithBenchmarkModel(t.pair, method, o.model, folder);
        predictionSeconds[group + "/" + method.name] = p.seconds;
        prediction = benchmark::ToGeneMaps(p.mean);
        if (p.samples)
        {
          samples = benchmark::SampleMaps(p.samples, G);
          if (method.name == "superspot")
          {
            figures[group].sample = samples.front();
            figures[group].std = benchmark::ToGeneMaps(p.std);
          }
        }
      }
      AddMapScores(results, group, method.name, genes, ScoreGeneMaps(truths[k], prediction, scored[k], samples));
      figures[group].predictions[method.name] = std::move(prediction);
    }
    if (method.IsLearned())
    {
      ModelRunner::ClearCache();
    }
  }
  meta["predictionSeconds"] = predictionSeconds;
  progress.End();

  // Example figures: LR | truth | every method but nearest (the LR panel is nearest) | a sample | std | H&E.
  const auto examples = benchmark::ExampleGeneIndices(genes, o.exampleGenes);
  for (std::size_t k = 0; k < tests.size(); ++k)
  {
    const PhantomSlide & t = tests[k];
    const SlideFigures & f = figures[t.pair.name];
    const auto scoredImage = benchmark::MaskImage(scored[k], t.pair.grid);
    for (const std::size_t g : examples)
    {
      const auto ug = static_cast<unsigned int>(g);
      std::vector<benchmark::NamedMap> maps;
      maps.push_back({ "LR (Visium spots)", ExtractComponent(t.pair.lr, ug), t.pair.lrMask });
      maps.push_back({ "truth", ExtractComponent(t.pair.hr, ug), t.pair.hrMask });
      for (const auto & m : methods)
      {
        const auto it = f.predictions.find(m.name);
        if (it != f.predictions.end() && m.name != "nearest")
        {
          maps.push_back({ m.name, benchmark::GeneImage(it->second, g, t.pair.grid), scoredImage });
        }
      }
      if (!f.sample.genes.empty())
      {
        maps.push_back({ "superspot sample", benchmark::GeneImage(f.sample, g, t.pair.grid), scoredImage });
        maps.push_back({ "superspot std", benchmark::GeneImage(f.std, g, t.pair.grid), scoredImage, true });
      }
      benchmark::WriteMapFigure(JoinPath(JoinPath(o.output, "figures"), t.pair.name + "_" + genes[g] + ".png"),
                                maps,
                                t.pair.cell,
                                t.pair.grid,
                                220);
    }
  }

  // Targets (BENCHMARK.md / the issue): protocol 2 at 10x.
  std::vector<benchmark::TargetCheck> checks;
  const auto names = benchmark::MethodNames(methods);
  if (std::find(names.begin(), names.end(), "superspot") != names.end())
  {
    for (const char * metric : { "pcc", "ssim" })
    {
      const double full = results.OverallMean("superspot", metric).mean;
      for (const auto & n : names)
      {
        if (n != "superspot")
        {
          const double other = results.OverallMean(n, metric).mean;
          checks.push_back({ std::string(metric) + " of superspot above " + n,
                             FormatNumber(full, 3) + " vs " + FormatNumber(other, 3),
                             full > other });
        }
      }
    }
    const double coverage = results.OverallMean("superspot", CoverageMetric).mean;
    checks.push_back({ "90 % interval coverage of superspot in 0.85-0.95",
                       FormatNumber(coverage, 3),
                       coverage >= 0.85 && coverage <= 0.95 });
    const double sharp = results.OverallMean("superspot", SampleSharpnessMetric).mean;
    checks.push_back({ "sharpness ratio of superspot's samples >= 0.8", FormatNumber(sharp, 3), sharp >= 0.8 });
    const double sharpMean = results.OverallMean("superspot", SharpnessMetric).mean;
    checks.push_back({ "sharpness ratio of superspot's mean >= 0.8 (the point prediction; reported too)",
                       FormatNumber(sharpMean, 3),
                       sharpMean >= 0.8 });
    if (std::find(names.begin(), names.end(), "regression") != names.end())
    {
      const double reg = results.OverallMean("regression", SharpnessMetric).mean;
      checks.push_back({ "regression's sharpness ratio below superspot's samples'",
                         FormatNumber(reg, 3) + " vs " + FormatNumber(sharp, 3),
                         reg < sharp });
    }
  }
  benchmark::WriteReport(results,
                         o.output,
                         "Phantom-" + std::to_string(o.factor) + "x (BENCHMARK.md protocol 2)",
                         methods,
                         { "pcc", "rmse", "ssim", SharpnessMetric, SampleSharpnessMetric, CoverageMetric },
                         benchmark::TargetsMarkdown(checks));
  return results;
}

} // namespace ss
