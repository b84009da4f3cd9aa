#include "ssSuperResolve.h"

#include "ssResources.h"

#include "ssAnnData.h"
#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssMakePairs.h"
#include "ssMetrics.h"
#include "ssModelRunner.h"
#include "ssPairSetTraining.h"
#include "ssPanels.h"
#include "ssProgress.h"
#include "ssResultFigure.h"
#include "ssSuperResolutionImageFilter.h"
#include "ssVersion.h"

#include "itkImageAlgorithm.h"
#include "itkImageFileReader.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkMultiThreaderBase.h"
#include "itkResampleImageFilter.h"
#include "itkVersion.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace ss
{

namespace
{

const char * const CommandLine = "command line";

using Clock = std::chrono::steady_clock;



double PhysicalMemoryGB()
{
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<double>(pages) * static_cast<double>(size) / 1e9 : 0;
}

/** "i/n" → (i, n); InputError otherwise. */
std::pair<unsigned int, unsigned int> ParseShard(const std::string & text)
{
  const auto slash = text.find('/');
  try
  {
    if (slash != std::string::npos)
    {
      std::size_t a = 0, b = 0;
      const unsigned long i = std::stoul(text.substr(0, slash), &a);
      const unsigned long n = std::stoul(text.substr(slash + 1), &b);
      if (a == slash && b == text.size() - slash - 1 && n >= 1 && i < n)
      {
        return { static_cast<unsigned int>(i), static_cast<unsigned int>(n) };
      }
    }
  }
  catch (const std::exception &)
  {
  }
  SS_INPUT_ERROR(CommandLine, "--shard", "'" + text + "' is not a shard i/n with 0 <= i < n", "give e.g. --shard 0/4");
}

/** The output folder may be written (absent, empty, or with overwrite): checked before any work. */
void CheckOutputFolder(const std::string & folder, bool overwrite)
{
  if (folder.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--output", "no output folder given", "pass --output FOLDER");
  }
  if (FileExists(folder) && !DirectoryExists(folder))
  {
    SS_INPUT_ERROR(folder, "--output", "is a file", "give a folder");
  }
  if (DirectoryExists(folder) && !IsDirectoryEmpty(folder) && !overwrite)
  {
    SS_INPUT_ERROR(folder,
                   "--output",
                   "the folder is not empty",
                   "give a new or empty folder, or pass --overwrite to replace its contents");
  }
}

ExpressionImageType::Pointer NewMap(const GridGeometry & grid, unsigned int components)
{
  auto image = ExpressionImageType::New();
  grid.ApplyTo(image);
  image->SetNumberOfComponentsPerPixel(components);
  image->Allocate();
  ExpressionImageType::PixelType zero(components);
  zero.Fill(0.0f);
  image->FillBuffer(zero);
  return image;
}

/** Fills the pixels between the lattice positions of a virtual hexagonal array (mask 0, both
 * left and right neighbours predicted) with the mean of those two, for images and figures: on
 * the doubled grid only every second pixel is a virtual spot. `predicted` stays the lattice
 * positions; the returned mask adds the filled pixels. */
MaskImageType::Pointer FillHexagonalGaps(ExpressionImageType * mean,
                                         ExpressionImageType * sd,
                                         const MaskImageType * predicted)
{
  auto mask = MaskImageType::New();
  mask->CopyInformation(predicted);
  mask->SetRegions(predicted->GetLargestPossibleRegion());
  mask->Allocate();
  itk::ImageAlgorithm::Copy(
    predicted, mask.GetPointer(), predicted->GetLargestPossibleRegion(), predicted->GetLargestPossibleRegion());
  const RegionType region = predicted->GetLargestPossibleRegion();
  const unsigned int G = mean->GetNumberOfComponentsPerPixel();
  ExpressionImageType::PixelType m(G), s(G);
  for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(predicted, region); !it.IsAtEnd(); ++it)
  {
    if (it.Get())
    {
      continue;
    }
    IndexType left = it.GetIndex(), right = it.GetIndex();
    --left[0];
    ++right[0];
    if (!region.IsInside(left) || !region.IsInside(right) || !predicted->GetPixel(left) || !predicted->GetPixel(right))
    {
      continue;
    }
    const auto ml = mean->GetPixel(left), mr = mean->GetPixel(right);
    const auto sl = sd->GetPixel(left), sr = sd->GetPixel(right);
    for (unsigned int g = 0; g < G; ++g)
    {
      m[g] = 0.5f * (ml[g] + mr[g]);
      s[g] = 0.5f * (sl[g] + sr[g]);
    }
    mean->SetPixel(it.GetIndex(), m);
    sd->SetPixel(it.GetIndex(), s);
    mask->SetPixel(it.GetIndex(), 1);
  }
  return mask;
}

/** A copy of `image`'s geometry taken from µm (the slide's frame) into the H&E file's own frame
 * (where ITK and 3D Slicer place the H&E): origin and axes mapped through file ∘ frame⁻¹. */
template<typename TImage>
void PlaceInFileFrame(TImage * image, const CoordinateFrame & frame, const CoordinateFrame & file)
{
  const auto toFile = [&](const PointType & um) { return file.FullResPxToMicrons(frame.MicronsToFullResPx(um)); };
  const PointType origin = image->GetOrigin();
  const PointType o = toFile(origin);
  itk::Vector<double, 2> spacing;
  DirectionType direction;
  for (unsigned int c = 0; c < 2; ++c)
  {
    PointType step = origin;
    for (unsigned int r = 0; r < 2; ++r)
    {
      step[r] += image->GetDirection()(r, c) * image->GetSpacing()[c];
    }
    const PointType p = toFile(step);
    const double length = std::hypot(p[0] - o[0], p[1] - o[1]);
    spacing[c] = length;
    for (unsigned int r = 0; r < 2; ++r)
    {
      direction(r, c) = (p[r] - o[r]) / length;
    }
  }
  image->SetOrigin(o);
  image->SetSpacing(spacing);
  image->SetDirection(direction);
}

/** Rough peak memory of the run, bytes: the maps of the whole slide (inputs, outputs, their
 * copies for writing) plus one block's working set (accumulator of K samples, condition image,
 * cell-level H&E and the full-resolution pixels under it) plus LibTorch and the model. */
double EstimateMemoryBytes(const GridGeometry & grid,
                           unsigned int genes,
                           const ModelConfig & c,
                           const SuperResolveOptions & o,
                           double heMicronsPerPixel)
{
  const double pixels = static_cast<double>(grid.GetNumberOfPixels());
  const double maps = pixels * genes * 4.0;
  const double slide = 7 * maps + 3 * pixels; // lr, base, mean, std (+ copies in the writers), masks
  const double stride = static_cast<double>(c.patchSize) - o.overlap;
  const double side = o.blockPatches * stride + 2.0 * static_cast<double>(c.patchSize);
  const double blockPixels = side * side;
  const double accumulator = blockPixels * genes * o.samples * 4.0;
  const double patches = std::pow(o.blockPatches + 2.0, 2);
  const double condition = patches *
                           (3.0 * static_cast<double>(c.conditionChannels) * c.patchSize * c.patchSize +
                            2.0 * (c.NumberOfCellTokens() + c.NumberOfTissueTokens()) * c.tokenDim) *
                           4.0 * 2;
  double histology = 0;
  if (c.useHistology)
  {
    const double contextSide = side + static_cast<double>(c.tissuePixels * c.tissueBinsPerPixel);
    histology = std::pow(contextSide * c.cellPixelsPerBin, 2) * 3.0;
    if (heMicronsPerPixel > 0)
    {
      histology += std::pow(contextSide * grid.spacing[0] / heMicronsPerPixel, 2) * 3.0;
    }
  }
  const double network = 1.5e9; // LibTorch, the model, activations of a batch (measured ~0.7-1 GB)
  return slide + accumulator + condition + histology + network;
}

/** The H&E overview on the HR grid's axes and footprint at about its own resolution (the figures
 * draw every panel on one grid; an array grid follows the array's slight rotation). */
RGBImageType::Pointer AlignedOverview(const RGBImageType * overview, const GridGeometry & hr)
{
  const double step = std::min(overview->GetSpacing()[0], overview->GetSpacing()[1]);
  const double refine = std::max(1.0, std::floor(std::min(hr.spacing[0], hr.spacing[1]) / step));
  const GridGeometry g = hr.Refined(refine);
  auto resample = itk::ResampleImageFilter<RGBImageType, RGBImageType>::New();
  resample->SetInput(overview);
  resample->SetOutputOrigin(g.origin);
  resample->SetOutputSpacing(g.spacing);
  resample->SetOutputDirection(g.direction);
  resample->SetOutputStartIndex(g.start);
  resample->SetSize(g.size);
  RGBPixelType white;
  white.Fill(255);
  resample->SetDefaultPixelValue(white);
  resample->Update();
  return resample->GetOutput();
}

nlohmann::json GridJSON(const GridGeometry & g)
{
  return { { "origin_um", { g.origin[0], g.origin[1] } },
           { "spacing_um", { g.spacing[0], g.spacing[1] } },
           { "direction", { g.direction(0, 0), g.direction(0, 1), g.direction(1, 0), g.direction(1, 1) } },
           { "start", { g.start[0], g.start[1] } },
           { "size", { g.size[0], g.size[1] } } };
}

/** The measured spots the figures draw, with one gene's normalized values. */
struct FigureSpots
{
  std::vector<PointType> centres;
  std::vector<float> values; ///< spot-major, all genes
  double diameterUm = 0;
};

} // namespace

SuperResolveSummary RunSuperSpotSuperResolve(const SlideInputs & inputs, const SuperResolveOptions & o)
{
  const auto start = Clock::now();
  ProgressReporter & progress = ProgressReporter::Global();
  nlohmann::json timings = nlohmann::json::object();
  SuperResolveSummary summary;

  // --- the options, before any work --------------------------------------------------------
  const bool merging = !o.mergeShards.empty();
  std::pair<unsigned int, unsigned int> shard{ 0, 1 };
  if (!o.shard.empty())
  {
    shard = ParseShard(o.shard);
    if (merging)
    {
      SS_INPUT_ERROR(
        CommandLine, "--shard/--mergeShards", "are given together", "run the shards first, then merge them");
    }
  }
  if ((shard.second > 1 || merging) && o.model.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   o.shard.empty() ? "--mergeShards" : "--shard",
                   "the shards of a run must share one model, and none was given",
                   "train once (SuperSpotSuperResolve without --shard keeps its model in OUTPUT/model, or "
                   "SuperSpotTrain) and pass it with --model");
  }
  if (o.samples < 1 || o.blockPatches < 1)
  {
    SS_INPUT_ERROR(CommandLine, "--samples/--blockPatches", "must be at least 1", "use e.g. --samples 8");
  }
  CheckOutputFolder(o.output, o.overwrite);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);

  // --- the slide -----------------------------------------------------------------------------
  progress.Start("Reading the slide");
  auto t = Clock::now();
  LoadedSlide slide = LoadSlide(inputs);
  for (const auto & note : slide.notes)
  {
    LogInfo(note);
  }
  const bool spots = static_cast<bool>(slide.spots);
  if (slide.HasImage())
  {
    const SlideImageCheck check = CheckSlideImage(slide);
    for (const auto & note : check.notes)
    {
      LogInfo(note);
    }
    RequireSlideOnImage(check, slide);
  }
  timings["read_s"] = SecondsSince(t);
  progress.End();

  // Resolution.
  if (spots && o.resolutionUm > 0 && o.factor > 0)
  {
    SS_INPUT_ERROR(CommandLine, "--factor/--resolutionUm", "are both given", "give one of them");
  }
  std::shared_ptr<ModelRunner> runner;
  ModelConfig config;
  if (!o.model.empty())
  {
    runner = ModelRunner::Load(o.model, o.device, threads);
    config = runner->GetConfig();
    const std::string mode = spots ? "library" : "density";
    if (config.normalization.mode != mode)
    {
      SS_INPUT_ERROR(o.model,
                     "normalization",
                     "the model was trained on " + std::string(spots ? "molecule" : "spot") + " data (" +
                       config.normalization.mode + " normalization) and this slide has " +
                       (spots ? "spots" : "molecules"),
                     spots ? "train a model on spot data (SuperSpotSuperResolve without --model does it on the slide)"
                           : "train a model on molecule data");
    }
  }

  // Spots: the in-tissue spots, the factor.
  SpotDataset tissueSpots;
  int k = 0;
  if (spots)
  {
    std::vector<std::size_t> keep;
    for (std::size_t s = 0; s < slide.spots->NumberOfSpots(); ++s)
    {
      if (slide.spots->spots.inTissue[s])
      {
        keep.push_back(s);
      }
    }
    if (keep.empty())
    {
      SS_INPUT_ERROR(slide.spots->source, "in_tissue", "no spot is on the tissue", "check the tissue positions file");
    }
    tissueSpots = slide.spots->SelectSpots(keep);
    const ArrayGrid arrayGrid = MakeArrayGrid(tissueSpots);
    k = o.factor;
    if (o.resolutionUm > 0)
    {
      const double exact = arrayGrid.grid.spacing[0] / o.resolutionUm;
      k = static_cast<int>(std::lround(exact));
      if (k < 2 || std::abs(exact - k) > 0.05 * k)
      {
        SS_INPUT_ERROR(CommandLine,
                       "--resolutionUm",
                       "spots are super-resolved by a whole factor of their array grid (" +
                         std::to_string(arrayGrid.grid.spacing[0]) + " µm), and " + std::to_string(o.resolutionUm) +
                         " µm is not one",
                       "use --factor K, or a resolution of " + std::to_string(arrayGrid.grid.spacing[0] / 2) +
                         " µm (K = 2) or " + std::to_string(arrayGrid.grid.spacing[0] / 4) + " µm (K = 4)");
      }
    }
    if (runner)
    {
      const int trained = static_cast<int>(std::lround(config.normalization.factor));
      if (k == 0)
      {
        k = trained;
      }
      else if (trained > 0 && trained != k)
      {
        SS_INPUT_ERROR(o.model,
                       "factor",
                       "the model was trained to super-resolve by " + std::to_string(trained) + " and " +
                         std::to_string(k) + " was asked for",
                       "drop --factor/--resolutionUm, or train a model for factor " + std::to_string(k));
      }
    }
    if (k == 0)
    {
      k = 2;
    }
    if (k < 2)
    {
      SS_INPUT_ERROR(CommandLine, "--factor", "must be at least 2", "use --factor 2 or more");
    }
  }
  else if (o.factor > 0)
  {
    SS_INPUT_ERROR(CommandLine,
                   "--factor",
                   "applies to spot data, and this slide holds molecules",
                   "use --resolutionUm to set the HR bin size of molecule data");
  }
  const double binUm =
    !spots ? (o.resolutionUm > 0
                ? o.resolutionUm
                : (runner && config.normalization.resolutionUm > 0 ? config.normalization.resolutionUm : 10.0))
           : 0;
  if (!spots && runner && config.normalization.resolutionUm > 0 &&
      std::abs(config.normalization.resolutionUm - binUm) > 1e-6 * binUm)
  {
    SS_INPUT_ERROR(o.model,
                   "resolutionUm",
                   "the model was trained on " + std::to_string(config.normalization.resolutionUm) + " µm bins and " +
                     std::to_string(binUm) + " µm was asked for",
                   "drop --resolutionUm, or train a model at that resolution");
  }

  // Genes.
  std::vector<std::string> genes;
  if (runner)
  {
    const std::vector<std::string> & have = spots ? slide.spots->genes : slide.molecules->genes;
    CheckGenes(config, have, slide.name);
    genes = config.genes;
  }
  else
  {
    MakePairsOptions choose;
    choose.genes = o.genes;
    choose.geneRanking = o.geneRanking;
    choose.geneList = o.geneList;
    genes = ChoosePairGenes({ slide }, choose);
  }
  summary.genes = genes;
  const auto G = static_cast<unsigned int>(genes.size());

  // Fields of the whole run, set as they become known.
  nlohmann::json run;
  run["superspot_version"] = SUPERSPOT_VERSION;
  run["itk_version"] = itk::Version::GetITKVersion();
  run["libtorch_version"] = LibTorchVersion();
  run["inputs"] = { { "kind", inputs.Kind() },
                    { "visium", inputs.visiumOuts },
                    { "st_counts", inputs.stCounts },
                    { "st_spots", inputs.stSpots },
                    { "xenium", inputs.xeniumDir },
                    { "merscope", inputs.merscopeTranscripts },
                    { "spots", inputs.spotTable },
                    { "image", inputs.fullResImage },
                    { "input_volume", inputs.inputVolume },
                    { "image_level", inputs.imageLevel },
                    { "alignment", inputs.alignment },
                    { "microns_per_pixel", inputs.micronsPerPixel },
                    { "min_qv", inputs.minQV } };
  run["slide"] = { { "name", slide.name }, { "platform", slide.platform }, { "notes", slide.notes } };
  run["parameters"] = { { "genes", o.genes },
                        { "gene_ranking", o.geneRanking },
                        { "gene_list", o.geneList },
                        { "factor", k },
                        { "resolution_um", spots ? 0.0 : binUm },
                        { "model", o.model },
                        { "preset", o.preset },
                        { "train_steps", o.trainSteps },
                        { "batch_size", o.batchSize },
                        { "learning_rate", o.learningRate },
                        { "no_histology", o.noHistology },
                        { "samples", o.samples },
                        { "steps", o.steps },
                        { "guidance", o.guidance },
                        { "overlap", o.overlap },
                        { "block_patches", o.blockPatches },
                        { "patches_per_batch", o.patchesPerBatch },
                        { "seed", o.seed },
                        { "threads", threads },
                        { "device", o.device },
                        { "shard", o.shard },
                        { "merge_shards", o.mergeShards },
                        { "figure_genes", o.figureGenes } };
  run["genes"] = genes;

  // Self-supervised training learns from the slide's own spots coarsened by k: a handful of
  // spots leaves k x k blocks of nothing, and the model would be noise around the interpolation.
  constexpr std::size_t minimumSpotsToTrainOn = 30;
  if (!runner && spots && slide.spots->NumberOfSpots() < minimumSpotsToTrainOn)
  {
    SS_INPUT_ERROR(slide.name,
                   "spots",
                   "only " + std::to_string(slide.spots->NumberOfSpots()) +
                     " spots are under the tissue; self-supervised training (on the slide's own spots coarsened by " +
                     std::to_string(k) + ") needs at least " + std::to_string(minimumSpotsToTrainOn),
                   "give --model with a model trained on larger slides of the same gene panel");
  }

  WriteDirectoryAtomically(
    o.output,
    o.overwrite,
    [&](const std::string & folder)
    {
      // --- the model ---------------------------------------------------------------------------
      std::optional<PairSet> pairs;
      if (!runner)
      {
        MakePairsOptions p;
        p.factor = spots ? k : 2;
        p.resolutionUm = spots ? 10 : binUm;
        p.noHistology = o.noHistology || !slide.HasImage();
        if (!slide.HasImage() && !o.noHistology)
        {
          SS_INPUT_ERROR(slide.name,
                         "H&E",
                         "the slide has no image, and the model is conditioned on histology",
                         "give its H&E with --image (or --inputVolume), or pass --noHistology for an expression-only "
                         "model");
        }
        progress.Start("Training on the slide itself", spots ? "its spots, coarsened by k" : "its molecules");
        t = Clock::now();
        pairs = MakePairSetFromSlides({ slide }, genes, p);
        PairSetTrainingOptions train;
        train.preset = o.preset;
        train.model.noHistology = p.noHistology;
        // A small slide (a legacy ST section) needs a smaller patch than the preset's.
        train.model.patchSize = ChoosePatchSize(o.preset, *pairs, train.model, train.windows);
        train.trainer.outputDir = JoinPath(folder, "model");
        train.trainer.steps = o.trainSteps;
        train.trainer.batchSize = o.batchSize;
        train.trainer.learningRate = o.learningRate;
        train.trainer.warmupSteps = std::min<std::int64_t>(100, o.trainSteps / 10);
        train.trainer.checkpointEvery = 0;
        train.trainer.seed = o.seed;
        train.trainer.threads = threads;
        train.trainer.device = o.device;
        train.trainer.rank = 0;
        train.trainer.worldSize = 1;
        const PairSetTrainingSummary trained = TrainOnPairSet(*pairs, train, &progress, slide.name);
        runner = ModelRunner::Load(train.trainer.outputDir, o.device, threads);
        config = runner->GetConfig();
        summary.selfSupervised = true;
        timings["train_s"] = SecondsSince(t);
        run["training"] = { { "windows", trained.windows },
                            { "steps", trained.training.lastStep },
                            { "final_loss", trained.training.losses.empty() ? 0.0 : trained.training.losses.back() },
                            { "seconds", trained.training.seconds } };
        progress.End();
      }
      summary.modelDirectory = runner->GetDirectory();
      run["model"] = { { "directory", summary.selfSupervised ? std::string("model") : runner->GetDirectory() },
                       { "preset", config.preset },
                       { "variant", config.VariantName() },
                       { "objective", config.objective },
                       { "self_supervised", summary.selfSupervised },
                       { "patch_size", config.patchSize } };

      // --- the prediction inputs ---------------------------------------------------------------
      t = Clock::now();
      SlidePair inputsPair;
      FigureSpots figureSpots;
      const ExpressionNormalization library = ExpressionNormalization::Library(config.normalization.targetSum);
      if (spots)
      {
        SpotPairParameters p;
        p.factor = k;
        p.libraryTarget = config.normalization.targetSum;
        p.cellPixelsPerBin = static_cast<unsigned int>(config.cellPixelsPerBin);
        p.tissueBinsPerPixel = static_cast<unsigned int>(config.tissueBinsPerPixel);
        const std::vector<std::size_t> geneIndex = tissueSpots.GeneIndices(genes, slide.spots->source);
        inputsPair = MakeSpotPredictionPair(slide.name, tissueSpots, geneIndex, nullptr, p);
        figureSpots.centres = tissueSpots.spots.positionUm;
        figureSpots.values = NormalizeSpots(tissueSpots, geneIndex, library);
        figureSpots.diameterUm = tissueSpots.spotDiameterUm;
      }
      else
      {
        if (pairs)
        {
          inputsPair = pairs->slides.front();
        }
        else
        {
          MoleculePairParameters p;
          p.resolutionUm = binUm;
          p.cellPixelsPerBin = static_cast<unsigned int>(config.cellPixelsPerBin);
          p.tissueBinsPerPixel = static_cast<unsigned int>(config.tissueBinsPerPixel);
          inputsPair = MakeMoleculeSlidePair(
            slide.name, *slide.molecules, MoleculeGeneIndices(*slide.molecules, genes), nullptr, p);
        }
      }
      summary.factor = spots ? k : static_cast<int>(std::lround(inputsPair.factor));
      summary.resolutionUm = inputsPair.grid.spacing[0];
      timings["inputs_s"] = SecondsSince(t);

      const double limitGB = o.memoryLimitGB > 0 ? o.memoryLimitGB : 0.8 * PhysicalMemoryGB();
      summary.estimatedMemoryGB =
        EstimateMemoryBytes(
          inputsPair.grid, G, config, o, slide.HasImage() ? slide.image->GetFrame().GetMicronsPerPixel() : 0) /
        1e9;
      LogInfo("super-resolving " + std::to_string(inputsPair.grid.size[0]) + " x " +
              std::to_string(inputsPair.grid.size[1]) + " HR pixels of " + std::to_string(summary.resolutionUm) +
              " µm, " + std::to_string(G) + " genes; estimated peak memory " +
              std::to_string(summary.estimatedMemoryGB) + " GB");
      if (limitGB > 0 && summary.estimatedMemoryGB > limitGB)
      {
        SS_INPUT_ERROR(slide.name,
                       "memory",
                       "the run needs about " + std::to_string(summary.estimatedMemoryGB) + " GB and " +
                         std::to_string(limitGB) + " GB are available",
                       "lower --blockPatches (now " + std::to_string(o.blockPatches) +
                         ") or --samples, use fewer "
                         "--genes, a coarser --resolutionUm / smaller --factor, or raise --memoryLimitGB");
      }

      // --- the model over the slide, block by block --------------------------------------------
      auto filter = SuperResolutionImageFilter::New();
      filter->SetModel(runner);
      filter->SetNumberOfWorkUnits(static_cast<unsigned int>(threads));
      filter->SetLRInput(inputsPair.lr);
      filter->SetBaseInput(inputsPair.base);
      filter->SetLRMaskInput(inputsPair.lrMask);
      if (config.useHistology)
      {
        if (!slide.HasImage())
        {
          SS_INPUT_ERROR(runner->GetDirectory(),
                         "useHistology",
                         "the model reads the H&E and the slide has none",
                         "give the slide's H&E with --image or --inputVolume");
        }
        filter->SetHistologyInput(slide.image->GetOutput());
      }
      filter->SetNumberOfSamples(o.samples);
      filter->SetNumberOfSteps(o.steps);
      filter->SetGuidanceScale(o.guidance);
      filter->SetSeed(o.seed);
      unsigned int overlap = o.overlap;
      if (2 * overlap > static_cast<unsigned int>(config.patchSize))
      {
        overlap = static_cast<unsigned int>(config.patchSize / 4);
        LogInfo("the model's patches are " + std::to_string(config.patchSize) + " HR pixels: overlap " +
                std::to_string(o.overlap) + " lowered to " + std::to_string(overlap));
      }
      run["parameters"]["overlap"] = overlap;
      filter->SetPatchOverlap(overlap);
      filter->SetPatchesPerBatch(o.patchesPerBatch);
      filter->UpdateOutputInformation();
      const std::vector<RegionType> blocks = SuperResolutionBlocks(filter->GetLattice(), o.blockPatches);
      const std::vector<RegionType> mine = ShardBlocks(blocks, shard.first, shard.second);
      summary.blocks = blocks.size();
      summary.blocksRun = merging ? 0 : mine.size();
      run["grid"] = GridJSON(inputsPair.grid);
      run["blocks"] = { { "total", blocks.size() }, { "run", summary.blocksRun }, { "block_patches", o.blockPatches } };

      ExpressionImageType::Pointer mean, sd;
      t = Clock::now();
      if (merging)
      {
        // Paste each shard's blocks (the same rule decides which blocks a shard ran).
        mean = NewMap(inputsPair.grid, G);
        sd = NewMap(inputsPair.grid, G);
        for (const std::string & dir : o.mergeShards)
        {
          const nlohmann::json info = ReadJSONFile(JoinPath(dir, "shard.json"), "shard description");
          const auto i = info.at("shard").get<unsigned int>(), n = info.at("shards").get<unsigned int>();
          if (info.at("genes") != nlohmann::json(genes) || info.at("grid") != GridJSON(inputsPair.grid) ||
              info.at("block_patches").get<unsigned int>() != o.blockPatches)
          {
            SS_INPUT_ERROR(dir,
                           "shard.json",
                           "was made from other inputs, genes or blocks than this merge",
                           "merge the shards of one run with the same slide, --model and --blockPatches");
          }
          auto read = [&](const char * name)
          {
            auto reader = itk::ImageFileReader<ExpressionImageType>::New();
            reader->SetFileName(JoinPath(dir, name));
            reader->Update();
            return ExpressionImageType::Pointer(reader->GetOutput());
          };
          const auto shardMean = read("mean_um.nrrd"), shardStd = read("std_um.nrrd");
          for (const RegionType & block : ShardBlocks(blocks, i, n))
          {
            itk::ImageAlgorithm::Copy(shardMean.GetPointer(), mean.GetPointer(), block, block);
            itk::ImageAlgorithm::Copy(shardStd.GetPointer(), sd.GetPointer(), block, block);
          }
        }
      }
      else
      {
        progress.Start("Super-resolving", std::to_string(mine.size()) + " blocks");
        const SuperResolutionBlocksResult r = RunSuperResolutionBlocks(filter, mine, &progress);
        progress.End();
        mean = r.mean;
        sd = r.std;
      }
      timings["super_resolve_s"] = SecondsSince(t);

      t = Clock::now();
      if (shard.second > 1)
      {
        // A shard folder: its maps in µm (for the merge) and what it is.
        WriteImageAtomically(mean.GetPointer(), JoinPath(folder, "mean_um.nrrd"));
        WriteImageAtomically(sd.GetPointer(), JoinPath(folder, "std_um.nrrd"));
        WriteJSONFileAtomically(JoinPath(folder, "shard.json"),
                                { { "shard", shard.first },
                                  { "shards", shard.second },
                                  { "genes", genes },
                                  { "grid", GridJSON(inputsPair.grid) },
                                  { "block_patches", o.blockPatches },
                                  { "blocks", mine.size() } });
      }
      else
      {
        // --- the outputs -------------------------------------------------------------------------
        progress.Start("Writing the outputs");
        const MaskImageType * predicted = inputsPair.lrMask;
        MaskImageType::Pointer shown = inputsPair.lrMask;
        if (spots && tissueSpots.lattice == SpotLattice::Hexagonal)
        {
          shown = FillHexagonalGaps(mean, sd, predicted);
        }
        if (inputsPair.hr && inputsPair.hrMask)
        {
          // Molecule data carry their own truth (the binned molecules): how the maps compare with it
          // and with the bilinear interpolation of the LR spots, per gene (signed Pearson r, RMSE).
          std::vector<double> pccModel, pccBilinear, rmseModel, rmseBilinear;
          for (unsigned int g = 0; g < G; ++g)
          {
            std::vector<float> truth, model, bilinear;
            for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(predicted,
                                                                          predicted->GetLargestPossibleRegion());
                 !it.IsAtEnd();
                 ++it)
            {
              if (it.Get() && inputsPair.hrMask->GetPixel(it.GetIndex()))
              {
                truth.push_back(inputsPair.hr->GetPixel(it.GetIndex())[g]);
                model.push_back(mean->GetPixel(it.GetIndex())[g]);
                bilinear.push_back(inputsPair.base->GetPixel(it.GetIndex())[g]);
              }
            }
            pccModel.push_back(PearsonCorrelation(truth, model));
            pccBilinear.push_back(PearsonCorrelation(truth, bilinear));
            rmseModel.push_back(RootMeanSquaredError(truth, model));
            rmseBilinear.push_back(RootMeanSquaredError(truth, bilinear));
          }
          run["evaluation"] = { { "what",
                                  "against the slide's own binned molecules (the training truth: an in-sample check, "
                                  "not a benchmark)" },
                                { "pcc_superspot", MeanIgnoringNaN(pccModel).mean },
                                { "pcc_bilinear", MeanIgnoringNaN(pccBilinear).mean },
                                { "rmse_superspot", MeanIgnoringNaN(rmseModel).mean },
                                { "rmse_bilinear", MeanIgnoringNaN(rmseBilinear).mean } };
        }
        summary.hrPixels = 0;
        for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(predicted, predicted->GetLargestPossibleRegion());
             !it.IsAtEnd();
             ++it)
        {
          summary.hrPixels += it.Get() ? 1 : 0;
        }

        // AnnData: one observation per predicted HR pixel (virtual spot), in full-res px.
        const CoordinateFrame frame =
          slide.HasImage() ? slide.image->GetFrame() : CoordinateFrame::FromMicronsPerPixel(1.0);
        AnnDataContent ad;
        ad.varNames = genes;
        std::vector<double> col, row, xUm, yUm, spatial;
        std::vector<float> stdLayer;
        for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(predicted, predicted->GetLargestPossibleRegion());
             !it.IsAtEnd();
             ++it)
        {
          if (!it.Get())
          {
            continue;
          }
          const IndexType idx = it.GetIndex();
          PointType um;
          mean->TransformIndexToPhysicalPoint(idx, um);
          const PointType px = frame.MicronsToFullResPx(um);
          ad.obsNames.push_back("x" + std::to_string(idx[0]) + "_y" + std::to_string(idx[1]));
          col.push_back(static_cast<double>(idx[0]));
          row.push_back(static_cast<double>(idx[1]));
          xUm.push_back(um[0]);
          yUm.push_back(um[1]);
          spatial.push_back(px[0]);
          spatial.push_back(px[1]);
          const auto m = mean->GetPixel(idx), sdv = sd->GetPixel(idx);
          for (unsigned int g = 0; g < G; ++g)
          {
            ad.X.push_back(m[g]);
            stdLayer.push_back(sdv[g]);
          }
        }
        ad.obsColumns = { { "hr_col", col }, { "hr_row", row }, { "x_um", xUm }, { "y_um", yUm } };
        ad.layers = { { "std", stdLayer } };
        ad.obsm = { { "spatial", spatial, 2 } };
        RGBImageType::Pointer overview;
        if (slide.HasImage())
        {
          overview = ReadImageOverview(*slide.image, 2000);
          ad.libraryId = slide.name;
          const double hires =
            overview->GetSpacing()[0] > 0 ? frame.GetMicronsPerPixel() / overview->GetSpacing()[0] : 1;
          ad.images.push_back({ "hires", overview.GetPointer(), hires });
          const double lowresScale = ScaleToFit(overview->GetLargestPossibleRegion().GetSize(), 600);
          RGBImageType::Pointer lowres = DownsampleRGB(overview, lowresScale);
          ad.images.push_back({ "lowres", lowres.GetPointer(), hires * lowresScale });
          ad.spotDiameterFullres = summary.resolutionUm / frame.GetMicronsPerPixel();
          ad.spatialMetadata = { { "source_image_path", slide.imagePath } };
        }
        ad.uns = { { "superspot",
                     { { "version", SUPERSPOT_VERSION },
                       { "scale", "log1p-normalized (" + config.normalization.mode + ")" },
                       { "hr_resolution_um", summary.resolutionUm },
                       { "factor", summary.factor },
                       { "samples", static_cast<int>(o.samples) },
                       { "seed", static_cast<std::uint64_t>(o.seed) } } } };
        WriteAnnData(JoinPath(folder, "superspot.h5ad"), ad);

        // Figures (µm geometry, before the maps move to the file frame).
        if (!o.figureGenes.empty() || G > 0)
        {
          std::vector<std::string> drawn = o.figureGenes;
          if (drawn.empty())
          {
            drawn.assign(genes.begin(), genes.begin() + std::min<std::size_t>(4, genes.size()));
          }
          CreateDirectories(JoinPath(folder, "figures"));
          RGBImageType::Pointer figureHE;
          if (overview)
          {
            figureHE = AlignedOverview(overview, inputsPair.grid);
          }
          for (const std::string & gene : drawn)
          {
            const auto at = std::find(genes.begin(), genes.end(), gene);
            if (at == genes.end())
            {
              SS_INPUT_ERROR(CommandLine,
                             "--figureGenes",
                             "'" + gene + "' is not one of the genes of the run",
                             "choose genes of the run (run.json lists them)");
            }
            const auto g = static_cast<unsigned int>(at - genes.begin());
            GeneResultMaps maps;
            maps.gene = gene;
            maps.histology = figureHE.GetPointer();
            maps.mean = ExtractComponent(mean, g);
            maps.standardDeviation = ExtractComponent(sd, g);
            maps.mask = shown.GetPointer();
            maps.lowResolution = ExtractComponent(inputsPair.lr, g);
            maps.lowResolutionMask = inputsPair.lrMask.GetPointer();
            if (spots)
            {
              maps.spotCentresUm = figureSpots.centres;
              maps.spotDiameterUm = figureSpots.diameterUm;
              for (std::size_t s = 0; s < figureSpots.centres.size(); ++s)
              {
                maps.spotValues.push_back(figureSpots.values[s * G + g]);
              }
            }
            if (inputsPair.hr)
            {
              maps.truth = ExtractComponent(inputsPair.hr, g);
            }
            // Spots: H&E | measured spots | super-resolved | uncertainty. Molecules have their own
            // truth (the binned molecules): LR | super-resolved | uncertainty | truth | H&E.
            WriteResultFigure(JoinPath(folder, "figures/" + gene + ".png"),
                              spots ? SuperResolutionPanels(maps, static_cast<bool>(overview)) : BenchmarkPanels(maps),
                              DefaultResultFigureOptions(maps));
          }
        }

        // The maps, in the H&E file's own frame (Slicer overlays them on the H&E as it loaded it).
        auto mask = MaskImageType::New();
        mask->Graft(shown);
        if (slide.HasImage())
        {
          PlaceInFileFrame(mean.GetPointer(), frame, slide.image->GetFileFrame());
          PlaceInFileFrame(sd.GetPointer(), frame, slide.image->GetFileFrame());
          PlaceInFileFrame(mask.GetPointer(), frame, slide.image->GetFileFrame());
        }
        else
        {
          const auto toMillimetres = [](itk::ImageBase<2> * image)
          {
            image->SetSpacing(image->GetSpacing() / 1000.0);
            PointType o = image->GetOrigin();
            o[0] /= 1000;
            o[1] /= 1000;
            image->SetOrigin(o);
          };
          toMillimetres(mean);
          toMillimetres(sd);
          toMillimetres(mask);
        }
        WriteImageAtomically(mean.GetPointer(), JoinPath(folder, "mean.nrrd"));
        WriteImageAtomically(sd.GetPointer(), JoinPath(folder, "std.nrrd"));
        WriteImageAtomically(mask.GetPointer(), JoinPath(folder, "mask.nrrd"));
        if (!o.outputMean.empty())
        {
          WriteImageAtomically(mean.GetPointer(), o.outputMean);
        }
        if (!o.outputStd.empty())
        {
          WriteImageAtomically(sd.GetPointer(), o.outputStd);
        }
        progress.End();
      }
      timings["write_s"] = SecondsSince(t);
      timings["total_s"] = SecondsSince(start);
      run["timings"] = timings;
      run["peak_memory_gb"] = PeakResidentMemoryMiB() / 1024.0;
      run["estimated_memory_gb"] = summary.estimatedMemoryGB;
      run["hr_pixels"] = summary.hrPixels;
      run["hr_resolution_um"] = summary.resolutionUm;
      run["factor"] = summary.factor;
      run["files"] =
        shard.second > 1
          ? nlohmann::json::array({ "mean_um.nrrd", "std_um.nrrd", "shard.json" })
          : nlohmann::json::array({ "mean.nrrd", "std.nrrd", "mask.nrrd", "superspot.h5ad", "figures/", "run.json" });
      WriteJSONFileAtomically(JoinPath(folder, "run.json"), run);
    });
  summary.seconds = SecondsSince(start);
  if (summary.selfSupervised)
  {
    summary.modelDirectory = JoinPath(o.output, "model");
  }
  LogInfo("outputs in " + o.output);
  return summary;
}

} // namespace ss
