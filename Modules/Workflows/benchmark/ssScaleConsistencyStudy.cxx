// The scale-consistency measurement of Documentation/SuperResolve.md: on simulated slides with
// pseudo-Visium spots, self-supervised super-resolution by 2 (trained on the test slide's own
// spots coarsened by 2) against a model trained on the exact truth at the finer scale (other
// slides), nearest and bilinear, all scored against the truth of the virtual array.
//
//   SuperSpotScaleConsistencyStudy --out DIR [--slideUm 2000] [--genes 20] [--trainSlides 2]
//                                  [--steps 400] [--samples 8] [--threads 2]
//
// The truth of a virtual spot: the molecules inside a disc of half a Visium spot's diameter
// (27.5 µm) at the virtual spot's centre, library-normalized as the spots are. Not a test: it
// trains two models and takes minutes.

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssMetrics.h"
#include "ssModelRunner.h"
#include "ssPairSet.h"
#include "ssPairSetTraining.h"
#include "ssPointBuckets.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSlidePairPrediction.h"
#include "ssTissueSimulator.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkMultiThreaderBase.h"

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>

namespace
{

struct Options
{
  std::string out;
  double slideUm = 2000;
  unsigned int genes = 20;
  unsigned int trainSlides = 2;
  int steps = 400;
  unsigned int samples = 8;
  unsigned int threads = 2;
};

struct Slide
{
  std::shared_ptr<const ss::SimulatedTissue> tissue;
  ss::SimulatedHEImageSource::Pointer he;
  ss::MoleculeTable molecules;
  ss::SpotDataset spots;    ///< pseudo-Visium, in tissue
  ss::SlidePair prediction; ///< the virtual array by 2, with the truth as hr / hrMask
};

std::vector<std::size_t> AllGenes(std::size_t n)
{
  std::vector<std::size_t> g(n);
  for (std::size_t i = 0; i < n; ++i)
  {
    g[i] = i;
  }
  return g;
}

Slide MakeSlide(std::uint64_t seed, const Options & o)
{
  ss::SimulationParameters p;
  p.seed = seed;
  p.widthUm = p.heightUm = o.slideUm;
  p.numberOfGenes = o.genes;
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(p);
  Slide s;
  s.tissue = simulator->Simulate();
  s.he = ss::SimulatedHEImageSource::New();
  s.he->SetTissue(s.tissue);
  s.molecules = s.tissue->MakeMolecules();
  const ss::CoordinateFrame frame = s.tissue->GetFrame();
  s.spots = ss::MakePseudoSpots(s.molecules, ss::PseudoSpotParameters::Visium(), &frame);
  ss::SpotPairParameters pp;
  pp.factor = 2;
  const auto genes = AllGenes(s.molecules.genes.size());
  s.prediction = ss::MakeSpotPredictionPair("seed-" + std::to_string(seed), s.spots, genes, s.he->GetOutput(), pp);

  // The truth at the virtual spots (the lattice pixels of the virtual array).
  const ss::SlidePair & pair = s.prediction;
  std::vector<ss::IndexType> nodes;
  std::vector<ss::PointType> centres;
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(pair.lrMask, pair.grid.GetRegion()); !it.IsAtEnd();
       ++it)
  {
    if (it.Get())
    {
      ss::PointType c;
      pair.lrMask->TransformIndexToPhysicalPoint(it.GetIndex(), c);
      nodes.push_back(it.GetIndex());
      centres.push_back(c);
    }
  }
  const double radius = 55.0 / 4;
  const ss::PointBuckets buckets(centres, 2 * radius);
  const std::size_t G = s.molecules.genes.size();
  std::vector<double> counts(nodes.size() * G, 0.0), totals(nodes.size(), 0.0);
  for (std::size_t m = 0; m < s.molecules.Size(); ++m)
  {
    ss::PointType p;
    p[0] = s.molecules.x[m];
    p[1] = s.molecules.y[m];
    buckets.ForEachWithin(p,
                          radius,
                          [&](std::size_t i, double)
                          {
                            counts[i * G + static_cast<std::size_t>(s.molecules.gene[m])] += 1;
                            totals[i] += 1;
                          });
  }
  s.prediction.hr = ss::ExpressionImageType::New();
  pair.grid.ApplyTo(s.prediction.hr);
  s.prediction.hr->SetNumberOfComponentsPerPixel(static_cast<unsigned int>(G));
  s.prediction.hr->Allocate();
  ss::ExpressionImageType::PixelType zero(static_cast<unsigned int>(G));
  zero.Fill(0.0f);
  s.prediction.hr->FillBuffer(zero);
  s.prediction.hrMask = ss::MaskImageType::New();
  pair.grid.ApplyTo(s.prediction.hrMask);
  s.prediction.hrMask->Allocate();
  s.prediction.hrMask->FillBuffer(0);
  const auto library = ss::ExpressionNormalization::Library();
  for (std::size_t i = 0; i < nodes.size(); ++i)
  {
    if (totals[i] <= 0)
    {
      continue;
    }
    ss::ExpressionImageType::PixelType v(static_cast<unsigned int>(G));
    for (std::size_t g = 0; g < G; ++g)
    {
      v[static_cast<unsigned int>(g)] = static_cast<float>(library.Normalize(counts[i * G + g], totals[i], 0));
    }
    s.prediction.hr->SetPixel(nodes[i], v);
    s.prediction.hrMask->SetPixel(nodes[i], 1);
  }
  return s;
}

struct Scores
{
  double pcc = 0, rmse = 0;
};

/** Mean over genes of Pearson r and RMSE at the pixels with truth. */
Scores Score(const ss::SlidePair & pair, const ss::ExpressionImageType * prediction)
{
  const unsigned int G = pair.hr->GetNumberOfComponentsPerPixel();
  std::vector<double> pcc, rmse;
  for (unsigned int g = 0; g < G; ++g)
  {
    std::vector<float> t, p;
    for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(pair.hrMask, pair.grid.GetRegion());
         !it.IsAtEnd();
         ++it)
    {
      if (it.Get())
      {
        t.push_back(pair.hr->GetPixel(it.GetIndex())[g]);
        p.push_back(prediction->GetPixel(it.GetIndex())[g]);
      }
    }
    pcc.push_back(ss::PearsonCorrelation(t, p));
    rmse.push_back(ss::RootMeanSquaredError(t, p));
  }
  return { ss::MeanIgnoringNaN(pcc).mean, ss::MeanIgnoringNaN(rmse).mean };
}

std::string Train(const ss::PairSet & pairs, const std::string & dir, const Options & o, const std::string & what)
{
  ss::PairSetTrainingOptions t;
  t.model.patchSize = ss::ChoosePatchSize("small", pairs, t.model, t.windows);
  t.trainer.outputDir = dir;
  t.trainer.steps = o.steps;
  t.trainer.batchSize = 8;
  t.trainer.learningRate = 1e-3;
  t.trainer.warmupSteps = o.steps / 10;
  t.trainer.checkpointEvery = 0;
  t.trainer.threads = static_cast<int>(o.threads);
  t.trainer.rank = 0;
  t.trainer.worldSize = 1;
  const auto summary = ss::TrainOnPairSet(pairs, t, nullptr, what);
  std::cout << what << ": " << summary.windows << " windows of " << t.model.patchSize << " px, " << o.steps
            << " steps, final loss " << (summary.training.losses.empty() ? 0 : summary.training.losses.back())
            << std::endl;
  return dir;
}

} // namespace

int main(int argc, char * argv[])
{
  Options o;
  for (int i = 1; i + 1 < argc; i += 2)
  {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--out")
      o.out = value;
    else if (flag == "--slideUm")
      o.slideUm = std::stod(value);
    else if (flag == "--genes")
      o.genes = static_cast<unsigned int>(std::stoul(value));
    else if (flag == "--trainSlides")
      o.trainSlides = static_cast<unsigned int>(std::stoul(value));
    else if (flag == "--steps")
      o.steps = std::stoi(value);
    else if (flag == "--samples")
      o.samples = static_cast<unsigned int>(std::stoul(value));
    else if (flag == "--threads")
      o.threads = static_cast<unsigned int>(std::stoul(value));
    else
    {
      std::cerr << "unknown flag " << flag << std::endl;
      return 2;
    }
  }
  if (o.out.empty())
  {
    std::cerr << "usage: SuperSpotScaleConsistencyStudy --out DIR [--slideUm 2000] [--genes 20] [--trainSlides 2] "
                 "[--steps 400] [--samples 8] [--threads 2]"
              << std::endl;
    return 2;
  }
  try
  {
    const auto start = std::chrono::steady_clock::now();
    itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(o.threads);
    ss::CreateDirectories(o.out);
    const Slide test = MakeSlide(1000, o);
    const auto genes = test.molecules.genes;

    // Self-supervised: the test slide's own spots, coarsened by 2 (no truth used).
    ss::PairSet self;
    self.genes = genes;
    self.normalization = ss::ExpressionNormalization::Library();
    ss::SpotPairParameters sp;
    sp.factor = 2;
    self.slides.push_back(ss::MakeSpotSlidePair("self", test.spots, AllGenes(genes.size()), test.he->GetOutput(), sp));
    const std::string selfModel = Train(self, ss::JoinPath(o.out, "self-supervised"), o, "self-supervised");

    // Trained on the truth: other slides, HR = their virtual-spot truth, LR = their spots.
    ss::PairSet truth;
    truth.genes = genes;
    truth.normalization = ss::ExpressionNormalization::Library();
    for (unsigned int s = 0; s < o.trainSlides; ++s)
    {
      truth.slides.push_back(MakeSlide(s, o).prediction);
    }
    const std::string truthModel = Train(truth, ss::JoinPath(o.out, "truth-trained"), o, "truth-trained");

    ss::SlidePredictionOptions po;
    po.samples = o.samples;
    po.threads = o.threads;
    std::map<std::string, Scores> scores;
    scores["nearest"] = Score(test.prediction, test.prediction.lr);
    scores["bilinear"] = Score(test.prediction, test.prediction.base);
    scores["superspot self-supervised"] =
      Score(test.prediction, ss::PredictSlidePair(test.prediction, ss::ModelRunner::Load(selfModel), po).mean);
    scores["superspot trained on truth"] =
      Score(test.prediction, ss::PredictSlidePair(test.prediction, ss::ModelRunner::Load(truthModel), po).mean);

    nlohmann::json j;
    std::ostringstream md;
    md << "| method | PCC | RMSE |\n| --- | --- | --- |\n";
    for (const auto & [name, s] : scores)
    {
      j["methods"][name] = { { "pcc", s.pcc }, { "rmse", s.rmse } };
      md << "| " << name << " | " << s.pcc << " | " << s.rmse << " |\n";
    }
    j["settings"] = { { "slide_um", o.slideUm },
                      { "genes", o.genes },
                      { "train_slides", o.trainSlides },
                      { "steps", o.steps },
                      { "samples", o.samples },
                      { "threads", o.threads },
                      { "test_slide_seed", 1000 },
                      { "virtual_spot_diameter_um", 27.5 },
                      { "libtorch_version", ss::LibTorchVersion() } };
    j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ss::WriteJSONFileAtomically(ss::JoinPath(o.out, "results.json"), j);
    ss::WriteTextFileAtomically(ss::JoinPath(o.out, "results.md"), md.str());
    std::cout << md.str();
  }
  catch (const std::exception & e)
  {
    std::cerr << ss::OneLineMessage(e) << std::endl;
    return 1;
  }
  return 0;
}
