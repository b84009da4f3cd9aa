#include "ssHer2stBenchmark.h"

#include "ssArrayGrid.h"
#include "ssBenchmarkInternal.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssHer2stProtocol.h"
#include "ssMapScores.h"
#include "ssPanels.h"
#include "ssPairSet.h"
#include "ssProgress.h"
#include "ssSlideInputs.h"
#include "ssSpotInterpolation.h"
#include "ssTextTable.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace ss
{
namespace
{

const char * const CommandLine = "command line";

/** BENCHMARK.md's protocol check: an independent implementation's `nearest` mean PCC. */
const std::map<std::string, double> & ProtocolCheckNearest()
{
  static const std::map<std::string, double> check{
    { "C2", 0.639 }, { "C3", 0.639 }, { "C4", 0.667 }, { "C5", 0.615 }
  };
  return check;
}

std::string FirstExisting(const std::string & folder, const std::vector<std::string> & names)
{
  for (const auto & n : names)
  {
    const std::string p = JoinPath(folder, n);
    if (FileExists(p))
    {
      return p;
    }
  }
  return "";
}

std::string CountsFile(const std::string & folder)
{
  return FirstExisting(folder, { "counts.tsv.gz", "counts.tsv" });
}

/** The section folders of `data`: sub-folders holding a counts table, sorted by name. */
std::vector<std::string> SectionsOf(const std::string & data)
{
  std::vector<std::string> sections;
  for (const auto & entry : std::filesystem::directory_iterator(data))
  {
    if (entry.is_directory() && !CountsFile(entry.path().string()).empty())
    {
      sections.push_back(entry.path().filename().string());
    }
  }
  std::sort(sections.begin(), sections.end());
  return sections;
}

/** One section, read and made ready: the protocol's truth and blocks, and the pair the
 * model is trained on or applied to. */
struct Section
{
  Her2stSection protocol;
  SlidePair pair;
  ArrayGrid arrayGrid;
  std::vector<IndexType> spotIndex; ///< HR pixel of each protocol spot
};

void CheckSectionName(const std::vector<std::string> & sections, const std::string & name, const char * flag)
{
  if (std::find(sections.begin(), sections.end(), name) == sections.end())
  {
    SS_INPUT_ERROR(CommandLine,
                   flag,
                   "section '" + name + "' is not a folder of the data with a counts table",
                   "use one of " + Join(sections, ", "));
  }
}

/** The panel and where it came from (its file, or "" for the rule). */
std::pair<std::vector<std::string>, std::string> ResolvePanel(const Her2stBenchmarkOptions & o,
                                                              const std::vector<LoadedSlide> & slides)
{
  std::string path = o.panel;
  if (path.empty())
  {
    path = FirstExisting(o.data, { "her2st_panel50.txt" });
  }
  if (path.empty())
  {
    const std::string shared = JoinPath(JoinPath(ParentPath(ParentPath(o.data)), "docs"), "her2st_panel50.txt");
    if (FileExists(shared))
    {
      path = shared;
    }
  }
  if (!path.empty())
  {
    LogInfo("gene panel: " + path);
    return { ReadHer2stPanel(path), path };
  }
  std::vector<const SpotDataset *> datasets;
  for (const auto & s : slides)
  {
    datasets.push_back(&*s.spots);
  }
  auto panel = SelectHighlyVariableGenes(datasets, o.panelSize);
  LogInfo("no panel file next to the data: the panel rule of BENCHMARK.md (detected in >= 10 % of spots, highest "
          "variance of log-normalized expression) over the run's sections gives " +
          std::to_string(panel.size()) + " genes");
  return { panel, "" };
}

Section MakeSection(const LoadedSlide & slide,
                    const std::string & name,
                    const std::vector<std::string> & panel,
                    const Her2stBenchmarkOptions & o)
{
  Section s;
  s.protocol = MakeHer2stSection(name, *slide.spots, panel);
  SpotPairParameters p;
  p.factor = Her2stBlockSize;
  p.libraryTarget = Her2stLibraryTarget;
  p.cellPixelsPerBin = o.cellPixelsPerBin;
  p.tissueBinsPerPixel = o.tissueBinsPerPixel;
  s.pair = MakeSpotSlidePair(name,
                             *slide.spots,
                             slide.spots->GeneIndices(panel, slide.spots->source),
                             slide.image ? slide.image->GetOutput() : nullptr,
                             p);
  s.arrayGrid = MakeArrayGrid(*slide.spots);
  const RegionType region = s.pair.grid.GetRegion();
  for (std::size_t k = 0; k < s.protocol.NumberOfSpots(); ++k)
  {
    const IndexType i = s.arrayGrid.IndexOf(s.protocol.spotX[k], s.protocol.spotY[k]);
    if (!region.IsInside(i))
    {
      throw std::logic_error("HER2ST: spot " + s.protocol.spotIds[k] + " lies outside its pair's grid");
    }
    s.spotIndex.push_back(i);
  }
  return s;
}

/** Spot-major values of an HR map at the protocol's spots. */
std::vector<float> AtSpots(const Section & s, const ExpressionImageType * map, unsigned int components)
{
  std::vector<float> values;
  values.reserve(s.spotIndex.size() * components);
  for (const auto & i : s.spotIndex)
  {
    const auto v = map->GetPixel(i);
    for (unsigned int c = 0; c < components; ++c)
    {
      values.push_back(v[c]);
    }
  }
  return values;
}

/** Spot-major per-spot values as a float image of gene g on the pair's grid (0 elsewhere). */
FloatImageType::Pointer SpotMap(const Section & s, const std::vector<float> & values, std::size_t g)
{
  auto image = FloatImageType::New();
  s.pair.grid.ApplyTo(image);
  image->Allocate();
  image->FillBuffer(0.f);
  const std::size_t G = s.protocol.NumberOfGenes();
  for (std::size_t k = 0; k < s.spotIndex.size(); ++k)
  {
    image->SetPixel(s.spotIndex[k], values[k * G + g]);
  }
  return image;
}

/** What the example figures of a test section show, per method. */
struct SectionFigures
{
  std::map<std::string, std::vector<float>> spotPredictions; // method -> spot-major
  std::vector<float> sample;                                 // one superspot sample, spot-major
  ExpressionImageType::Pointer std;                          // superspot's std on the grid
};

} // namespace

std::string Her2stFold::Name() const
{
  if (test.size() == 1)
  {
    return test.front();
  }
  return "train-" + Join(train, "-");
}

std::vector<Her2stFold> MakeHer2stFolds(const std::vector<std::string> & sections,
                                        const std::vector<std::string> & train,
                                        const std::vector<std::string> & test)
{
  for (const auto & s : train)
  {
    CheckSectionName(sections, s, "--train");
  }
  for (const auto & s : test)
  {
    CheckSectionName(sections, s, "--test");
    if (std::find(train.begin(), train.end(), s) != train.end())
    {
      SS_INPUT_ERROR(CommandLine,
                     "--test",
                     "section '" + s + "' is also a training section",
                     "test on sections the models are not trained on");
    }
  }
  if (!train.empty() && test.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--test", "training sections are given but none to test", "give --test SECTIONS");
  }
  std::vector<Her2stFold> folds;
  if (!test.empty())
  {
    Her2stFold f;
    f.test = test;
    if (!train.empty())
    {
      f.train = train;
    }
    else
    {
      for (const auto & s : sections)
      {
        if (std::find(test.begin(), test.end(), s) == test.end())
        {
          f.train.push_back(s);
        }
      }
    }
    folds.push_back(f);
  }
  else
  {
    for (const auto & held : sections)
    {
      Her2stFold f;
      f.test = { held };
      for (const auto & s : sections)
      {
        if (s != held)
        {
          f.train.push_back(s);
        }
      }
      folds.push_back(f);
    }
  }
  for (const auto & f : folds)
  {
    if (f.train.empty())
    {
      SS_INPUT_ERROR(CommandLine,
                     "--train",
                     "no section is left to train on",
                     "give the data at least two sections (one to train on, one to test)");
    }
  }
  return folds;
}

ResultsTable RunHer2stBenchmark(const Her2stBenchmarkOptions & o, ProgressReporter * progressIn)
{
  ProgressReporter & progress = progressIn ? *progressIn : ProgressReporter::Global();
  if (o.output.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--out", "no output folder given", "pass --out FOLDER");
  }
  RequireDirectory(o.data, "--data", "give a folder laid out like ../shared/data/her2st (one folder per section)");
  const std::vector<std::string> sections = SectionsOf(o.data);
  const std::vector<Her2stFold> folds = MakeHer2stFolds(sections, o.train, o.test);
  const std::vector<BenchmarkMethod> methods = SelectBenchmarkMethods(o.methods);
  std::vector<std::string> used;
  for (const auto & s : sections)
  {
    for (const auto & f : folds)
    {
      const bool inFold = std::find(f.train.begin(), f.train.end(), s) != f.train.end() ||
                          std::find(f.test.begin(), f.test.end(), s) != f.test.end();
      if (inFold && std::find(used.begin(), used.end(), s) == used.end())
      {
        used.push_back(s);
      }
    }
  }

  // --- read the sections and build their pairs
  progress.Start("HER2ST", "reading " + std::to_string(used.size()) + " sections");
  std::vector<LoadedSlide> slides;
  for (const auto & name : used)
  {
    const std::string folder = JoinPath(o.data, name);
    SlideInputs in;
    in.stCounts = CountsFile(folder);
    in.stSpots = JoinPath(folder, "spots.tsv");
    in.fullResImage = FirstExisting(folder, { "he.jpg", "he.jpeg", "he.tif", "he.tiff", "he.png" });
    RequireFile(in.stSpots, "spots.tsv", "each section folder needs counts.tsv.gz, spots.tsv and its H&E (he.jpg)");
    if (in.fullResImage.empty())
    {
      SS_INPUT_ERROR(folder,
                     "H&E",
                     "no he.jpg (or he.tif / he.png) in the section's folder",
                     "put the section's H&E next to its counts");
    }
    slides.push_back(LoadSlide(in));
    for (const auto & note : slides.back().notes)
    {
      LogInfo(name + ": " + note);
    }
  }
  const auto [panel, panelSource] = ResolvePanel(o, slides);
  std::map<std::string, Section> byName;
  for (std::size_t k = 0; k < used.size(); ++k)
  {
    progress.Progress(static_cast<double>(k) / static_cast<double>(used.size()), "pairs of " + used[k]);
    byName.emplace(used[k], MakeSection(slides[k], used[k], panel, o));
    slides[k].image.reset(); // the full-resolution H&E is not needed any more
  }
  slides.clear();
  progress.End();

  ResultsTable results;
  auto & meta = results.Metadata();
  meta["protocol"] = "BENCHMARK.md protocol 1, HER2ST-2x: HR = measured spots on the array grid, LR = 2 x 2 "
                     "blocks; leave-one-section-out folds";
  meta["machine"] = MachineDescription(o.model.threads);
  meta["data"] = o.data;
  meta["panel"] = panel;
  meta["panelSource"] = panelSource.empty() ? "BENCHMARK.md's panel rule over the run's sections" : panelSource;
  meta["model"] = o.model.ToJSON();
  meta["pairs"] = { { "cellPixelsPerBin", o.cellPixelsPerBin }, { "tissueBinsPerPixel", o.tissueBinsPerPixel } };
  nlohmann::json foldsJson = nlohmann::json::array();
  for (const auto & f : folds)
  {
    foldsJson.push_back({ { "name", f.Name() }, { "train", f.train }, { "test", f.test } });
  }
  meta["folds"] = foldsJson;
  meta["methods"] = benchmark::MethodNames(methods);
  std::map<std::string, SectionFigures> figures;
  nlohmann::json predictionSeconds = nlohmann::json::object();
  const std::string predictionsDir = o.output;
  const std::size_t G = panel.size();

  const std::size_t totalWork = folds.size() * methods.size();
  std::size_t done = 0;
  progress.Start("HER2ST", "training and predicting");
  for (const auto & fold : folds)
  {
    PairSet training;
    training.genes = panel;
    training.normalization = ExpressionNormalization::Library(Her2stLibraryTarget);
    for (const auto & s : fold.train)
    {
      training.slides.push_back(byName.at(s).pair);
    }
    std::ostringstream dataKey;
    dataKey << "her2st|" << std::filesystem::absolute(o.data).lexically_normal().string()
            << "|train=" << Join(fold.train, ",") << "|q=" << o.cellPixelsPerBin << "|t=" << o.tissueBinsPerPixel;
    for (const auto & method : methods)
    {
      progress.Progress(static_cast<double>(done) / static_cast<double>(totalWork), fold.Name() + ": " + method.name);
      ++done;
      if (!method.IsLearned())
      {
        for (const auto & t : fold.test)
        {
          const Section & s = byName.at(t);
          const InterpolationMethod im = InterpolationMethodFromString(method.interpolation);
          const std::vector<float> p = im == InterpolationMethod::Nearest    ? PredictNearest(s.protocol)
                                       : im == InterpolationMethod::Bilinear ? PredictBilinear(s.protocol)
                                                                             : PredictBSpline(s.protocol);
          EvaluateHer2stMethod(results, s.protocol, method.name, p, predictionsDir);
          figures[t].spotPredictions[method.name] = p;
        }
        continue;
      }
      const std::string folder = JoinPath(JoinPath(JoinPath(o.output, "models"), fold.Name()), method.name);
      const BenchmarkTraining trained = TrainBenchmarkModel(training, method, o.model, dataKey.str(), folder, nullptr);
      benchmark::RecordTraining(results, fold.Name() + "/" + method.name, trained);
      for (const auto & t : fold.test)
      {
        const Section & s = byName.at(t);
        const SlidePrediction prediction = PredictWithBenchmarkModel(s.pair, method, o.model, folder);
        predictionSeconds[t + "/" + method.name] = prediction.seconds;
        const std::vector<float> p = AtSpots(s, prediction.mean, static_cast<unsigned int>(G));
        EvaluateHer2stMethod(results, s.protocol, method.name, p, predictionsDir);
        figures[t].spotPredictions[method.name] = p;
        if (prediction.samples)
        {
          // Calibration at the HR spots: samples (K x spots) per gene.
          const std::vector<float> all =
            AtSpots(s, prediction.samples, prediction.samples->GetNumberOfComponentsPerPixel());
          const std::size_t K = prediction.samples->GetNumberOfComponentsPerPixel() / G, n = s.spotIndex.size();
          std::vector<double> coverage, spearman;
          for (std::size_t g = 0; g < G; ++g)
          {
            std::vector<std::vector<float>> samples(K, std::vector<float>(n));
            for (std::size_t k = 0; k < K; ++k)
            {
              for (std::size_t i = 0; i < n; ++i)
              {
                samples[k][i] = all[i * K * G + k * G + g];
              }
            }
            const auto truth = s.protocol.GeneColumn(s.protocol.truth, g);
            coverage.push_back(IntervalCoverage(truth, samples, 0.9));
            spearman.push_back(UncertaintyErrorSpearman(truth, s.protocol.GeneColumn(p, g), samples));
          }
          DescribeCalibrationMetrics(results);
          results.AddGenes(t, method.name, CoverageMetric, panel, coverage);
          results.AddGenes(t, method.name, UncertaintySpearmanMetric, panel, spearman);
          if (method.name == "superspot")
          {
            std::vector<float> first(n * G);
            for (std::size_t i = 0; i < n; ++i)
            {
              for (std::size_t g = 0; g < G; ++g)
              {
                first[i * G + g] = all[i * K * G + g];
              }
            }
            figures[t].sample = first;
            figures[t].std = prediction.std;
          }
        }
      }
      // Models of a fold are not needed once they have predicted (they are kept on disk).
      ModelRunner::ClearCache();
    }
  }
  meta["predictionSeconds"] = predictionSeconds;
  progress.End();

  // --- example figures: LR | truth | every method | a superspot sample | its std | H&E
  const auto examples = benchmark::ExampleGeneIndices(panel, o.exampleGenes);
  for (const auto & [name, f] : figures)
  {
    const Section & s = byName.at(name);
    for (const std::size_t g : examples)
    {
      std::vector<benchmark::NamedMap> maps;
      maps.push_back({ "LR (2x2 blocks)", ExtractComponent(s.pair.lr, static_cast<unsigned int>(g)), s.pair.lrMask });
      maps.push_back({ "truth", ExtractComponent(s.pair.hr, static_cast<unsigned int>(g)), s.pair.hrMask });
      for (const auto & m : methods)
      {
        const auto it = f.spotPredictions.find(m.name);
        if (it != f.spotPredictions.end() && m.name != "nearest")
        {
          maps.push_back({ m.name, SpotMap(s, it->second, g), s.pair.hrMask });
        }
      }
      if (!f.sample.empty())
      {
        maps.push_back({ "superspot sample", SpotMap(s, f.sample, g), s.pair.hrMask });
      }
      if (f.std)
      {
        maps.push_back({ "superspot std", ExtractComponent(f.std, static_cast<unsigned int>(g)), s.pair.hrMask, true });
      }
      benchmark::WriteMapFigure(
        JoinPath(JoinPath(o.output, "figures"), name + "_" + panel[g] + ".png"), maps, s.pair.cell, s.pair.grid, 200);
    }
  }

  // --- targets
  std::vector<benchmark::TargetCheck> checks;
  const auto names = benchmark::MethodNames(methods);
  const bool hasFull = std::find(names.begin(), names.end(), "superspot") != names.end();
  const bool hasNearest = std::find(names.begin(), names.end(), "nearest") != names.end();
  if (hasFull && hasNearest)
  {
    const double gain = results.OverallMean("superspot", "pcc").mean - results.OverallMean("nearest", "pcc").mean;
    checks.push_back({ "mean PCC of superspot at least 0.08 above nearest",
                       (gain >= 0 ? "+" : "") + FormatNumber(gain, 3),
                       gain >= 0.08 });
  }
  if (hasFull)
  {
    const double rmse = results.OverallMean("superspot", "rmse").mean;
    for (const auto & n : names)
    {
      if (n == "superspot")
      {
        continue;
      }
      const double other = results.OverallMean(n, "rmse").mean;
      checks.push_back(
        { "RMSE of superspot below " + n, FormatNumber(rmse, 3) + " vs " + FormatNumber(other, 3), rmse < other });
    }
  }
  if (hasNearest)
  {
    for (const auto & f : folds)
    {
      for (const auto & t : f.test)
      {
        const auto it = ProtocolCheckNearest().find(t);
        // The check's figures are for BENCHMARK.md's 50-gene panel.
        if (it != ProtocolCheckNearest().end() && FileName(panelSource) == "her2st_panel50.txt")
        {
          const double m = results.GroupMean(t, "nearest", "pcc").mean;
          checks.push_back(
            { "protocol check: nearest mean PCC of " + t + " = " + FormatNumber(it->second, 3) + " ± 0.005",
              FormatNumber(m, 4),
              std::abs(m - it->second) <= 0.005 });
        }
      }
    }
  }
  benchmark::WriteReport(results,
                         o.output,
                         "HER2ST-2x (BENCHMARK.md protocol 1)",
                         methods,
                         { "pcc", "rmse", "ssim", CoverageMetric },
                         benchmark::TargetsMarkdown(checks));
  return results;
}

} // namespace ss
