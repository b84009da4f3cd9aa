#ifndef ssModelRunner_h
#define ssModelRunner_h

#include "SuperSpotModelExport.h"
#include "ssModelConfig.h"
#include "ssPatchBatch.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ss
{

/** The conditioning of B patches, as the encoder stage gives it to the sampler
 * (Nc cell tokens, Nt tissue tokens, D = tokenDim, Cc condition channels). The
 * token arrays are empty for a model without histology, the cell arrays (tokens,
 * weights, scores, keep, ρ) for a model without cell tokens (useCellTokens off). */
struct SuperSpotModel_EXPORT ConditionArrays
{
  FloatArray map;          ///< (B, Cc, P, P) condition map (disentangled shared + modulated specific parts)
  FloatArray cellTokens;   ///< (B, Nc, D)
  FloatArray cellWeights;  ///< (B, Nc) attention weight of each cell token: 0 = not selected, else σ(gate)
  FloatArray cellScores;   ///< (B, Nc) selection score: gate logit + tile entropy
  FloatArray cellKeep;     ///< (B, Nc) 1 for the selected (top-k) tokens
  FloatArray keepFraction; ///< (B) ρ, the data-dependent fraction of cell tokens kept
  FloatArray tissueTokens; ///< (B, Nt, D)
};

/** Output of ModelRunner::Encode: the conditional encoding and, when classifier-free
 * guidance is used, the unconditional one (histology replaced by the null tokens). */
struct SuperSpotModel_EXPORT EncodedBatch
{
  std::int64_t batch = 0;
  ConditionArrays conditional;
  ConditionArrays unconditional; ///< empty unless requested
  bool HasUnconditional() const { return !unconditional.map.Empty(); }
};

/** Sampling settings; unset fields take the model config's diffusion values. */
struct SuperSpotModel_EXPORT SamplingOptions
{
  std::int64_t samples = 4;           ///< K samples per patch (one batched pass per step)
  std::optional<std::int64_t> steps;  ///< sampling steps
  std::optional<std::string> sampler; ///< ddim | ddpm
  std::optional<double> eta;          ///< DDIM η
  std::optional<double> guidance;     ///< guidance scale w (1 = none)
  /** One seed per patch (all of a patch's random numbers come from it, so results
   * do not depend on batching); empty = seed + patch index. */
  std::vector<std::uint64_t> seeds;
  std::uint64_t seed = 0;
  /** x_T of every sample, (B, K, G, P, P) in model space; empty = drawn from the patches'
   * generators. With it a caller can make x_T a function of position on the slide (a noise
   * field), so that overlapping patches start from the same noise where they overlap. With
   * DDIM and η = 0 (the default) a sample is then a deterministic function of x_T and the
   * condition; the noise of stochastic steps (DDPM, η > 0) still comes from the generators. */
  FloatArray initialNoise;
  bool keepSamples = false; ///< also return every sample
};

/** Output of ModelRunner::Sample, in log1p-normalized units (v = max(0, base + s·x)). */
struct SuperSpotModel_EXPORT SampleResult
{
  FloatArray mean;    ///< (B, G, P, P) mean over the K samples
  FloatArray std;     ///< (B, G, P, P) standard deviation over the K samples (K − 1 denominator; 0 for K = 1)
  FloatArray samples; ///< (B, K, G, P, P) when keepSamples, else empty
};

/** \class ModelRunner
 * \brief Inference with a trained model, on plain float arrays: the API the ITK
 * filters wrap (no LibTorch in this header).
 *
 * Three stages, each usable on its own:
 *  1. Encode: histology + expression encoders, disentangling and modulation,
 *     dynamic token selection → condition map and tokens;
 *  2. GeneGraphPrior: the co-expression graph network's prior map;
 *  3. Sample: the reverse diffusion (DDIM or DDPM, K samples batched, guidance),
 *     or the regression baseline's one pass, mapped back from model space.
 * Everything runs under c10::InferenceMode with the thread count given to Load;
 * LibTorch errors become std::runtime_error with a one-line message, input
 * errors ss::InputError. A runner may be used from several threads.
 */
class SuperSpotModel_EXPORT ModelRunner
{
public:
  /** Loads `dir` (config.json + model.safetensors) onto `device` ("cpu", "cuda",
   * "cuda:N"), cached per (folder, device, file time). A device this build or
   * machine cannot use is an error, never a silent fallback to the CPU.
   * threads: LibTorch intra-op threads (≤ 0: leave LibTorch's setting). */
  static std::shared_ptr<ModelRunner> Load(const std::string & dir,
                                           const std::string & device = "cpu",
                                           int threads = 0);
  /** Forgets cached models (they are freed once no caller holds them). */
  static void ClearCache();

  ~ModelRunner();
  ModelRunner(const ModelRunner &) = delete;
  ModelRunner & operator=(const ModelRunner &) = delete;

  const ModelConfig & GetConfig() const;
  const std::string & GetDirectory() const;
  const std::string & GetDevice() const;
  int GetThreads() const;
  void SetThreads(int threads);

  /** Stage 1. withUnconditional: also encode with the histology dropped (needed by
   * Sample when the guidance scale is not 1). */
  EncodedBatch Encode(const PatchBatch & batch, bool withUnconditional) const;
  /** Stage 2: (B, G·priorFeatures, P, P); empty when the model has no gene graph. Reads
   * lr, base and lrMask only (the prior is per pixel: any P × P tiling gives the same map). */
  FloatArray GeneGraphPrior(const PatchBatch & batch) const;
  /** Stage 3: K samples per patch. Only `batch.base` is read (the inverse transform), so the
   * other arrays of `batch` may stay empty.
   * A regression model (ModelConfig::objective) runs one deterministic pass instead:
   * mean = its prediction, std = 0, samples = K identical copies when kept (K = 1 is
   * all a caller needs); steps, sampler, η, seeds and initialNoise do not apply and a
   * guidance scale other than 1 is refused (no unconditional branch was trained). */
  SampleResult Sample(const PatchBatch & batch,
                      const EncodedBatch & condition,
                      const FloatArray & prior,
                      const SamplingOptions & options) const;

private:
  struct Impl;
  explicit ModelRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_Impl;
};

/** The LibTorch version this build runs on (e.g. "1.13.1"), for run reports. */
SuperSpotModel_EXPORT std::string LibTorchVersion();

} // namespace ss

#endif
