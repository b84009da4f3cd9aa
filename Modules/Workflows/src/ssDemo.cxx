#include "ssDemo.h"

#include "ssResources.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssMetrics.h"
#include "ssModelRunner.h"
#include "ssPairSet.h"
#include "ssPairSetTraining.h"
#include "ssPanels.h"
#include "ssProgress.h"
#include "ssResultFigure.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSlidePairPrediction.h"
#include "ssTissueSimulator.h"
#include "ssVersion.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkMultiThreaderBase.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace ss
{

namespace
{

using Clock = std::chrono::steady_clock;


struct SimulatedSlide
{
  std::shared_ptr<const SimulatedTissue> tissue;
  SimulatedHEImageSource::Pointer he;
  SlidePair pair;
};

SimulatedSlide Simulate(std::uint64_t seed, const DemoOptions & o, unsigned int threads)
{
  SimulationParameters p;
  p.seed = seed;
  p.widthUm = o.slideUm;
  p.heightUm = o.slideUm;
  p.numberOfGenes = o.genes;
  p.numberOfModules = std::min(p.numberOfModules, std::max(1u, o.genes / 2));
  auto simulator = TissueSimulator::New();
  simulator->SetParameters(p);
  simulator->SetNumberOfWorkUnits(threads);
  SimulatedSlide s;
  s.tissue = simulator->Simulate();
  s.he = SimulatedHEImageSource::New();
  s.he->SetTissue(s.tissue);
  s.he->SetNumberOfWorkUnits(threads);
  const MoleculeTable molecules = s.tissue->MakeMolecules(nullptr, threads);
  std::vector<std::size_t> genes(molecules.genes.size());
  for (std::size_t g = 0; g < genes.size(); ++g)
  {
    genes[g] = g;
  }
  MoleculePairParameters pp;
  pp.resolutionUm = o.resolutionUm;
  s.pair = MakeMoleculeSlidePair("seed-" + std::to_string(seed), molecules, genes, s.he->GetOutput(), pp);
  return s;
}

} // namespace

DemoSummary RunSuperSpotDemo(const DemoOptions & o)
{
  const auto start = Clock::now();
  if (o.output.empty())
  {
    SS_INPUT_ERROR("command line", "--out", "no output folder given", "pass --out FOLDER");
  }
  if (DirectoryExists(o.output) && !IsDirectoryEmpty(o.output) && !o.overwrite)
  {
    SS_INPUT_ERROR(o.output, "--out", "the folder is not empty", "give a new folder, or pass --overwrite");
  }
  const auto threads =
    static_cast<unsigned int>(o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency()));
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
  ProgressReporter & progress = ProgressReporter::Global();
  DemoSummary summary;
  nlohmann::json timings;

  WriteDirectoryAtomically(
    o.output,
    o.overwrite,
    [&](const std::string & folder)
    {
      // Training slides and the held-out one, simulated with an H&E that shows the cell types.
      progress.Start("Simulating slides", std::to_string(o.trainSlides) + " for training, 1 held out");
      auto t = Clock::now();
      PairSet pairs;
      for (unsigned int i = 0; i < o.trainSlides; ++i)
      {
        SimulatedSlide s = Simulate(i, o, threads);
        if (i == 0)
        {
          pairs.genes = s.tissue->GetGeneNames();
          pairs.normalization = ExpressionNormalization::Density();
        }
        pairs.slides.push_back(s.pair);
        progress.Progress(static_cast<double>(i + 1) / (o.trainSlides + 1));
      }
      SimulatedSlide test = Simulate(1000, o, threads);
      summary.genes = pairs.genes;
      timings["simulate_s"] = SecondsSince(t);
      progress.End();

      // A small model, trained on the training slides.
      t = Clock::now();
      PairSetTrainingOptions train;
      train.preset = "small";
      train.trainer.outputDir = JoinPath(folder, "model");
      train.trainer.steps = o.trainSteps;
      train.trainer.batchSize = 8;
      train.trainer.learningRate = o.learningRate;
      train.trainer.warmupSteps = std::max(1, o.trainSteps / 10);
      train.trainer.checkpointEvery = 0;
      train.trainer.seed = o.seed;
      train.trainer.threads = static_cast<int>(threads);
      train.trainer.rank = 0;
      train.trainer.worldSize = 1;
      const PairSetTrainingSummary trained = TrainOnPairSet(pairs, train, &progress, "demo slides");
      timings["train_s"] = SecondsSince(t);

      // The held-out slide, super-resolved from its pseudo-spots and its H&E.
      progress.Start("Super-resolving the held-out slide");
      t = Clock::now();
      const auto runner = ModelRunner::Load(train.trainer.outputDir, "cpu", static_cast<int>(threads));
      SlidePredictionOptions po;
      po.samples = o.samples;
      po.steps = o.steps;
      po.seed = o.seed;
      po.threads = threads;
      const SlidePrediction prediction = PredictSlidePair(test.pair, runner, po);
      timings["super_resolve_s"] = SecondsSince(t);
      progress.End();

      // Against the exact truth, with the bilinear interpolation of the spots for comparison.
      const SlidePair & pair = test.pair;
      const auto G = static_cast<unsigned int>(pairs.genes.size());
      std::vector<double> pccModel, pccBilinear, rmseModel, rmseBilinear, perGeneModel, perGeneBilinear;
      double stdSum = 0;
      std::size_t stdCount = 0;
      for (unsigned int g = 0; g < G; ++g)
      {
        std::vector<float> truth, model, bilinear;
        for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(pair.lrMask, pair.grid.GetRegion());
             !it.IsAtEnd();
             ++it)
        {
          if (it.Get() && pair.hrMask->GetPixel(it.GetIndex()))
          {
            truth.push_back(pair.hr->GetPixel(it.GetIndex())[g]);
            model.push_back(prediction.mean->GetPixel(it.GetIndex())[g]);
            bilinear.push_back(pair.base->GetPixel(it.GetIndex())[g]);
            stdSum += prediction.std->GetPixel(it.GetIndex())[g];
            ++stdCount;
          }
        }
        pccModel.push_back(PearsonCorrelation(truth, model));
        pccBilinear.push_back(PearsonCorrelation(truth, bilinear));
        rmseModel.push_back(RootMeanSquaredError(truth, model));
        rmseBilinear.push_back(RootMeanSquaredError(truth, bilinear));
      }
      summary.pccSuperSpot = MeanIgnoringNaN(pccModel).mean;
      summary.pccBilinear = MeanIgnoringNaN(pccBilinear).mean;
      summary.rmseSuperSpot = MeanIgnoringNaN(rmseModel).mean;
      summary.rmseBilinear = MeanIgnoringNaN(rmseBilinear).mean;
      summary.meanStd = stdCount ? stdSum / static_cast<double>(stdCount) : 0;

      // The files: one physical frame (µm) for every map and the H&E.
      progress.Start("Writing the outputs");
      t = Clock::now();
      test.he->UpdateLargestPossibleRegion();
      const RGBImageType::Pointer he = DownsampleRGB(test.he->GetOutput(), 0.25);
      WriteImageAtomically(prediction.mean.GetPointer(), JoinPath(folder, "mean.nrrd"));
      WriteImageAtomically(prediction.std.GetPointer(), JoinPath(folder, "std.nrrd"));
      WriteImageAtomically(pair.hr.GetPointer(), JoinPath(folder, "truth.nrrd"));
      WriteImageAtomically(pair.lr.GetPointer(), JoinPath(folder, "lr.nrrd"));
      WriteImageAtomically(pair.lrMask.GetPointer(), JoinPath(folder, "mask.nrrd"));
      WriteImageAtomically(he.GetPointer(), JoinPath(folder, "he.nrrd"));
      CreateDirectories(JoinPath(folder, "figures"));
      for (unsigned int g = 0; g < G; ++g)
      {
        GeneResultMaps maps;
        maps.gene = pairs.genes[g];
        maps.histology = he.GetPointer();
        maps.lowResolution = ExtractComponent(pair.lr, g);
        maps.lowResolutionMask = pair.lrMask.GetPointer();
        maps.mean = ExtractComponent(prediction.mean, g);
        maps.standardDeviation = ExtractComponent(prediction.std, g);
        maps.mask = pair.lrMask.GetPointer();
        maps.truth = ExtractComponent(pair.hr, g);
        WriteResultFigure(
          JoinPath(folder, "figures/" + maps.gene + ".png"), BenchmarkPanels(maps), DefaultResultFigureOptions(maps));
      }
      timings["write_s"] = SecondsSince(t);
      timings["total_s"] = SecondsSince(start);
      progress.End();

      nlohmann::json genes = nlohmann::json::array();
      for (unsigned int g = 0; g < G; ++g)
      {
        genes.push_back({ { "gene", pairs.genes[g] },
                          { "pcc_superspot", pccModel[g] },
                          { "pcc_bilinear", pccBilinear[g] },
                          { "rmse_superspot", rmseModel[g] },
                          { "rmse_bilinear", rmseBilinear[g] } });
      }
      WriteJSONFileAtomically(
        JoinPath(folder, "demo.json"),
        { { "superspot_version", SUPERSPOT_VERSION },
          { "libtorch_version", LibTorchVersion() },
          { "settings",
            { { "train_slides", o.trainSlides },
              { "slide_um", o.slideUm },
              { "genes", o.genes },
              { "resolution_um", o.resolutionUm },
              { "train_steps", o.trainSteps },
              { "learning_rate", o.learningRate },
              { "samples", o.samples },
              { "sampling_steps", o.steps },
              { "seed", o.seed },
              { "threads", threads } } },
          { "training",
            { { "windows", trained.windows },
              { "final_loss", trained.training.losses.empty() ? 0.0 : trained.training.losses.back() } } },
          { "held_out",
            { { "what",
                "slide seed 1000, pseudo-Visium spots (55 µm, 100 µm pitch) to " + std::to_string(o.resolutionUm) +
                  " µm bins; scores against the exact truth, over pixels covered by a spot" },
              { "pcc_superspot", summary.pccSuperSpot },
              { "pcc_bilinear", summary.pccBilinear },
              { "rmse_superspot", summary.rmseSuperSpot },
              { "rmse_bilinear", summary.rmseBilinear },
              { "mean_std", summary.meanStd },
              { "per_gene", genes } } },
          { "timings", timings } });
    });
  summary.seconds = SecondsSince(start);
  return summary;
}

} // namespace ss
