#ifndef ssTrainer_h
#define ssTrainer_h

#include "SuperSpotModelExport.h"
#include "ssModelConfig.h"
#include "ssPatchBatch.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ss
{

class ProgressReporter;

/** \class PatchProvider
 * \brief Where the Trainer gets training patches (plain arrays, see TrainingPatch).
 *
 * Indexable, so the Trainer can compute statistics over the data and give each
 * data-parallel rank its own shard. Get is called from one thread at a time. */
class SuperSpotModel_EXPORT PatchProvider
{
public:
  virtual ~PatchProvider();
  virtual std::int64_t Size() const = 0;
  /** Fills `patch` with patch `index`, 0 ≤ index < Size(). */
  virtual void Get(std::int64_t index, TrainingPatch & patch) const = 0;
};

/** A PatchProvider from two functions (e.g. around ss::PairSet::SamplePatch). */
class SuperSpotModel_EXPORT FunctionPatchProvider : public PatchProvider
{
public:
  using GetFunction = std::function<void(std::int64_t index, TrainingPatch & patch)>;
  FunctionPatchProvider(std::int64_t size, GetFunction get);
  std::int64_t Size() const override { return m_Size; }
  void Get(std::int64_t index, TrainingPatch & patch) const override { m_Get(index, patch); }

private:
  std::int64_t m_Size;
  GetFunction m_Get;
};

/** Training settings. Every random number of step s on rank r (batch order,
 * augmentation, guidance drops, timesteps, noise) is a pure function of (seed, r, s),
 * so a resumed run continues exactly where the checkpoint left off. */
struct SuperSpotModel_EXPORT TrainerOptions
{
  /** Folder of the final model (config.json + model.safetensors, EMA weights) and of
   * checkpoint/ (model + optimizer + EMA + step). */
  std::string outputDir;
  std::int64_t steps = 2000;
  std::int64_t batchSize = 8; ///< per rank
  double learningRate = 2e-4;
  double weightDecay = 0.01;
  std::int64_t warmupSteps = 100;
  /** Cosine decay from the learning rate to this fraction of it at the last step. */
  double minLearningRateFraction = 0.1;
  double gradientClip = 1.0;          ///< global L2 norm (0 = off)
  bool augment = true;                ///< flips and rot90, the same for every map, mask and image of a patch
  std::int64_t checkpointEvery = 500; ///< steps between checkpoints (0 = none)
  bool resume = false;                ///< continue from outputDir/checkpoint
  std::uint64_t seed = 0;
  int threads = 0; ///< LibTorch intra-op threads (≤ 0: leave as is)
  /** "cpu", "cuda" or "cuda:N"; "cuda" in a data-parallel run means cuda:$LOCAL_RANK.
   * Random numbers are drawn on the CPU, so a seed means the same on every device. */
  std::string device = "cpu";
  /** At most this many patches (evenly spaced over the data) give s_g and the gene graph. */
  std::int64_t statisticsPatches = 1024;
  /** false: keep the config's residual scales and gene graph as given (e.g. when
   * fine-tuning, or to compare runs on different data with the same statistics). */
  bool computeStatistics = true;
  std::int64_t logEvery = 50;
  /** Data parallel. rank / worldSize < 0: from the environment as torchrun sets it
   * (RANK, WORLD_SIZE; MASTER_ADDR, MASTER_PORT), else 0 / 1. */
  int rank = -1;
  int worldSize = -1;
  std::string masterAddress; ///< empty: $MASTER_ADDR, else 127.0.0.1
  int masterPort = 0;        ///< 0: $MASTER_PORT, else 29500
  /** Stop after this many steps of this call (0 = run to `steps`); lets tests
   * interrupt a run and resume it. The final model is written only at `steps`. */
  std::int64_t stopAfter = 0;
  ProgressReporter * progress = nullptr; ///< nullptr: ProgressReporter::Global()
};

/** What a training run did. */
struct SuperSpotModel_EXPORT TrainingSummary
{
  ModelConfig config;         ///< with residual scales and gene graph
  std::int64_t firstStep = 0; ///< 0, or the checkpoint's step when resumed
  std::int64_t lastStep = 0;  ///< steps completed
  std::vector<double> losses; ///< per step of this call (averaged over ranks)
  double seconds = 0;
  int rank = 0, worldSize = 1;
  /** FNV-1a digest of this rank's trained (not averaged) parameters: replicas of a
   * data-parallel run must agree bit for bit. */
  std::string parameterDigest;
};

/** \class Trainer
 * \brief Trains a SuperSpot model from a PatchProvider: computes the per-gene residual
 * scales and the co-expression graph from the data (stored in the config), then
 * AdamW with warm-up + cosine learning rate, gradient clipping, EMA, flips/rot90
 * augmentation, classifier-free guidance drops; atomic checkpoints; exact resume;
 * a regression model (ModelConfig::objective) learns x0 from one pass with the masked
 * MSE instead (no timesteps, noise or guidance drops), everything else the same;
 * data parallel over c10d (Gloo on the CPU): parameters broadcast from rank 0,
 * gradients averaged each step, each rank its own shard, rank 0 writes. */
class SuperSpotModel_EXPORT Trainer
{
public:
  Trainer(ModelConfig config, TrainerOptions options);
  ~Trainer();
  Trainer(const Trainer &) = delete;
  Trainer & operator=(const Trainer &) = delete;

  TrainingSummary Train(const PatchProvider & data);

  /** Fills config.residualScales and config.geneGraph.adjacency from up to
   * maxPatches patches of `data` (evenly spaced). */
  static void ComputeStatistics(ModelConfig & config, const PatchProvider & data, std::int64_t maxPatches);

  /** Learning rate at `step` (warm-up, then cosine decay). */
  static double LearningRate(const TrainerOptions & options, std::int64_t step);

private:
  struct Impl;
  std::unique_ptr<Impl> m_Impl;
};

} // namespace ss

#endif
