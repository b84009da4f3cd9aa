#ifndef ssSuperResolve_h
#define ssSuperResolve_h

#include "SuperSpotWorkflowsExport.h"
#include "ssSlideInputs.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** SuperSpotSuperResolve's settings (its XML says what each means to a user). */
struct SuperSpotWorkflows_EXPORT SuperResolveOptions
{
  // Genes (ignored with a model: the model's genes are used).
  unsigned int genes = 50;              ///< how many to rank and keep
  std::string geneRanking = "variable"; ///< "variable" | "counts"
  std::string geneList;                 ///< file of gene names; overrides the ranking

  // Resolution: spots are super-resolved by an integer factor k of their array grid; molecule
  // data are binned at resolutionUm. Either may be given: 0 = from the other, or the default
  // (k = 2; 10 µm bins), or the model's.
  int factor = 0;
  double resolutionUm = 0;

  // The model: a folder, or none (self-supervised: trained here on the slide itself).
  std::string model;
  std::string preset = "small";
  int trainSteps = 800;
  int batchSize = 8;
  double learningRate = 2e-4;
  bool noHistology = false; ///< self-supervised: an expression-only model

  // Sampling.
  unsigned int samples = 8;
  unsigned int steps = 0;   ///< 0: the model's
  double guidance = 1.0;    ///< classifier-free guidance scale (1 = none)
  unsigned int overlap = 8; ///< HR pixels shared by neighbouring patches
  unsigned int blockPatches = 8;
  unsigned int patchesPerBatch = 2;

  // The run.
  std::uint64_t seed = 0;
  int threads = 0;                      ///< ≤ 0: every core
  std::string device = "cpu";           ///< cpu | cuda | cuda:N
  std::string shard;                    ///< "i/n": only the blocks of shard i (0-based) of n
  std::vector<std::string> mergeShards; ///< shard folders to merge instead of computing
  double memoryLimitGB = 0;             ///< refuse a run estimated above this (0: 80 % of the machine's memory)

  // Outputs.
  std::string output; ///< the output folder
  bool overwrite = false;
  std::vector<std::string> figureGenes; ///< genes to draw (empty: the first four)
  std::string outputMean;               ///< also write the mean here (Slicer's output volume)
  std::string outputStd;                ///< also write the standard deviation here
};

/** What a SuperSpotSuperResolve run did (its return parameters, and for tests). */
struct SuperSpotWorkflows_EXPORT SuperResolveSummary
{
  std::vector<std::string> genes;
  std::string modelDirectory; ///< the model used (inside the output folder when trained here)
  bool selfSupervised = false;
  int factor = 0;
  double resolutionUm = 0;               ///< HR pixel size (first axis), µm
  std::size_t hrPixels = 0;              ///< HR pixels predicted
  std::size_t blocks = 0, blocksRun = 0; ///< of the slide; run here (a shard's)
  double seconds = 0;
  double estimatedMemoryGB = 0;
};

/** The work of SuperSpotSuperResolve on one slide (Documentation/SuperResolve.md):
 *  1. reads the slide (LoadSlide) and checks its data against its H&E;
 *  2. without a model, trains one on the slide itself (self-supervised: spots → its k x k
 *     blocks as LR and its spots as HR; molecules → pseudo-Visium spots as LR and the molecules
 *     binned at resolutionUm as HR), with the model's genes chosen from the slide;
 *  3. makes the prediction inputs (spots: MakeSpotPredictionPair, a virtual array k times finer;
 *     molecules: the pseudo-spots on the HR bins) and runs SuperResolutionImageFilter block by
 *     block over the whole slide, the H&E streamed;
 *  4. writes the output folder atomically: mean.nrrd, std.nrrd, mask.nrrd (placed in the H&E's
 *     own frame, so Slicer overlays them on it), superspot.h5ad (AnnData; scanpy reads it),
 *     figures/<gene>.png, run.json, and model/ when it trained one.
 * With `shard` it computes only that shard's blocks and writes a shard folder; `mergeShards`
 * pastes shard folders into the whole slide (bit for bit what one run gives) and writes the
 * outputs. A non-empty output folder is refused unless `overwrite`, before any work. */
SuperSpotWorkflows_EXPORT SuperResolveSummary RunSuperSpotSuperResolve(const SlideInputs & inputs,
                                                                       const SuperResolveOptions & options);

} // namespace ss

#endif
