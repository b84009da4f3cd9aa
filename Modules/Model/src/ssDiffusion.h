#ifndef ssDiffusion_h
#define ssDiffusion_h

// LibTorch header, private to Modules/Model. Everything here works in model space
// x = (v − base) / s_g (Documentation/Architecture.md, "Expression scales").

#include "SuperSpotModelExport.h"
#include "ssModelConfig.h"

#include <torch/torch.h>

#include <functional>

namespace ss
{

/** \class Diffusion
 * \brief The Gaussian diffusion process: β schedule (registered once, in double),
 * forward noising, training targets, the loss, and the reverse steps of the DDIM and
 * (respaced, ancestral) DDPM samplers.
 */
class SuperSpotModel_EXPORT Diffusion
{
public:
  explicit Diffusion(const DiffusionConfig & config);

  const DiffusionConfig & Config() const { return m_Config; }
  std::int64_t Timesteps() const { return m_Config.timesteps; }
  /** β_t (T), double. */
  const torch::Tensor & Betas() const { return m_Betas; }
  /** ᾱ_t = Π_{s ≤ t} (1 − β_s) (T), double. */
  const torch::Tensor & AlphasCumprod() const { return m_AlphasCumprod; }

  /** x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε. x0, noise (B, …); t (B) int64. */
  torch::Tensor QSample(const torch::Tensor & x0, const torch::Tensor & t, const torch::Tensor & noise) const;
  /** What the denoiser learns to predict: ε, or v = √ᾱ ε − √(1−ᾱ) x0. */
  torch::Tensor Target(const torch::Tensor & x0, const torch::Tensor & noise, const torch::Tensor & t) const;
  /** x0 and ε implied by the denoiser's output at x_t. */
  torch::Tensor PredictX0(const torch::Tensor & xt, const torch::Tensor & t, const torch::Tensor & out) const;
  torch::Tensor PredictEps(const torch::Tensor & xt, const torch::Tensor & t, const torch::Tensor & out) const;
  /** Charbonnier √(d² + ε²) or squared error between output and target, averaged
   * over genes and the pixels where mask (B, 1, P, P) is non-zero. */
  torch::Tensor Loss(const torch::Tensor & out, const torch::Tensor & target, const torch::Tensor & mask) const;

  /** The `steps` timesteps a sampler visits, descending from T−1 to 0, evenly spaced. */
  std::vector<std::int64_t> SamplingTimesteps(std::int64_t steps) const;

  /** One reverse step from timestep t to tPrev (−1 after the last) for all samples.
   * sampler "ddim": x_prev = √ᾱ' x0 + √(1 − ᾱ' − σ²) ε + σ z, σ = η √((1−ᾱ')/(1−ᾱ)) √(1 − ᾱ/ᾱ');
   * "ddpm": the posterior q(x_prev | x_t, x0) of the respaced chain, β' = 1 − ᾱ/ᾱ'.
   * x0 is clamped to ±clip (0 = off) and ε recomputed from it. noise: (like xt). */
  torch::Tensor Step(const torch::Tensor & xt,
                     std::int64_t t,
                     std::int64_t tPrev,
                     const torch::Tensor & out,
                     const torch::Tensor & noise,
                     const std::string & sampler,
                     double eta,
                     double clip) const;

private:
  /** coeff[t] as (B, 1, 1, 1) in x's dtype and device. */
  torch::Tensor Gather(const torch::Tensor & coeff, const torch::Tensor & t, const torch::Tensor & like) const;
  double AlphaBar(std::int64_t t) const; ///< ᾱ_t, 1 for t < 0

  DiffusionConfig m_Config;
  torch::Tensor m_Betas, m_AlphasCumprod, m_SqrtAlphasCumprod, m_SqrtOneMinusAlphasCumprod;
  std::vector<double> m_AlphaBar;
};

/** Reverse sampling options resolved against the config. */
struct SamplerSettings
{
  std::string sampler = "ddim";
  std::int64_t steps = 20;
  double eta = 0.0;
  double clip = 8.0;
};

/** Runs the reverse chain for B patches × K samples (patch-major: b·K + k).
 * Every random number of patch b — x_T (unless `initial` gives it) and each step's
 * noise — comes from its own generator gens[b] (CPU), drawn K samples at a time, so a
 * patch's samples do not depend on which other patches share the batch. model(x_t, t)
 * gives the denoiser's output for the (B·K) batch at timestep t. initial: x_T
 * (B·K, G, P, P), or undefined. Returns x0 (B·K, G, P, P). */
SuperSpotModel_EXPORT torch::Tensor SampleLoop(
  const Diffusion & diffusion,
  const std::function<torch::Tensor(const torch::Tensor & xt, const torch::Tensor & t)> & model,
  std::vector<at::Generator> & gens,
  std::int64_t samplesPerPatch,
  const std::vector<std::int64_t> & sampleShape,
  const SamplerSettings & settings,
  const torch::TensorOptions & options,
  const torch::Tensor & initial = {});

/** A CPU generator seeded with `seed` (its Philox/MT state is a pure function of it). */
SuperSpotModel_EXPORT at::Generator MakeGenerator(std::uint64_t seed);

/** \class ExponentialMovingAverage
 * \brief EMA of a module's parameters: θ̄ ← d θ̄ + (1 − d) θ with the warm-up
 * d = min(decay, (1 + n) / (10 + n)) after n updates, so a short training run is
 * not dominated by the random initialisation. */
class SuperSpotModel_EXPORT ExponentialMovingAverage
{
public:
  ExponentialMovingAverage(torch::nn::Module & module, double decay);
  void Update(torch::nn::Module & module);
  /** Copies the averaged parameters into `module` (same architecture). */
  void CopyTo(torch::nn::Module & module) const;
  std::int64_t Updates() const { return m_Updates; }
  void SetUpdates(std::int64_t n) { m_Updates = n; }
  /** name → averaged tensor, in the module's parameter order. */
  const std::vector<std::pair<std::string, torch::Tensor>> & Shadow() const { return m_Shadow; }
  std::vector<std::pair<std::string, torch::Tensor>> & Shadow() { return m_Shadow; }

private:
  double m_Decay;
  std::int64_t m_Updates = 0;
  std::vector<std::pair<std::string, torch::Tensor>> m_Shadow;
};

} // namespace ss

#endif
