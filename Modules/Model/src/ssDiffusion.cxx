#include "ssDiffusion.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <stdexcept>

namespace ss
{

Diffusion::Diffusion(const DiffusionConfig & config)
  : m_Config(config)
{
  const std::int64_t T = config.timesteps;
  if (T < 2)
  {
    throw std::invalid_argument("Diffusion: timesteps must be at least 2");
  }
  auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  if (config.schedule == "linear")
  {
    // Ho et al.'s 1e-4 … 0.02 for T = 1000, rescaled so other T give the same process.
    const double scale = 1000.0 / static_cast<double>(T);
    m_Betas = torch::linspace(scale * 1e-4, scale * 0.02, T, opts);
  }
  else if (config.schedule == "cosine")
  {
    // Nichol & Dhariwal: ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s)·π/2), β ≤ 0.999.
    const double s = 0.008;
    const auto f = [&](double t)
    { return std::pow(std::cos((t / static_cast<double>(T) + s) / (1 + s) * M_PI / 2), 2); };
    std::vector<double> betas(static_cast<std::size_t>(T));
    for (std::int64_t i = 0; i < T; ++i)
    {
      betas[static_cast<std::size_t>(i)] =
        std::min(1 - f(static_cast<double>(i + 1)) / f(static_cast<double>(i)), 0.999);
    }
    m_Betas = torch::tensor(betas, opts);
  }
  else
  {
    throw std::invalid_argument("Diffusion: unknown schedule '" + config.schedule + "' (linear or cosine)");
  }
  if (config.target != "eps" && config.target != "v")
  {
    throw std::invalid_argument("Diffusion: unknown target '" + config.target + "' (eps or v)");
  }
  if (config.loss != "charbonnier" && config.loss != "mse")
  {
    throw std::invalid_argument("Diffusion: unknown loss '" + config.loss + "' (charbonnier or mse)");
  }
  m_AlphasCumprod = torch::cumprod(1 - m_Betas, 0);
  m_SqrtAlphasCumprod = m_AlphasCumprod.sqrt();
  m_SqrtOneMinusAlphasCumprod = (1 - m_AlphasCumprod).sqrt();
  m_AlphaBar.assign(m_AlphasCumprod.data_ptr<double>(), m_AlphasCumprod.data_ptr<double>() + T);
}

torch::Tensor Diffusion::Gather(const torch::Tensor & coeff, const torch::Tensor & t, const torch::Tensor & like) const
{
  return coeff.index_select(0, t.to(torch::kCPU, torch::kLong)).to(like.options()).view({ -1, 1, 1, 1 });
}

double Diffusion::AlphaBar(std::int64_t t) const
{
  return t < 0 ? 1.0 : m_AlphaBar[static_cast<std::size_t>(t)];
}

torch::Tensor Diffusion::QSample(const torch::Tensor & x0, const torch::Tensor & t, const torch::Tensor & noise) const
{
  return Gather(m_SqrtAlphasCumprod, t, x0) * x0 + Gather(m_SqrtOneMinusAlphasCumprod, t, x0) * noise;
}

torch::Tensor Diffusion::Target(const torch::Tensor & x0, const torch::Tensor & noise, const torch::Tensor & t) const
{
  if (m_Config.target == "eps")
  {
    return noise;
  }
  return Gather(m_SqrtAlphasCumprod, t, x0) * noise - Gather(m_SqrtOneMinusAlphasCumprod, t, x0) * x0;
}

torch::Tensor Diffusion::PredictX0(const torch::Tensor & xt, const torch::Tensor & t, const torch::Tensor & out) const
{
  const torch::Tensor a = Gather(m_SqrtAlphasCumprod, t, xt), s = Gather(m_SqrtOneMinusAlphasCumprod, t, xt);
  if (m_Config.target == "eps")
  {
    return (xt - s * out) / a;
  }
  return a * xt - s * out;
}

torch::Tensor Diffusion::PredictEps(const torch::Tensor & xt, const torch::Tensor & t, const torch::Tensor & out) const
{
  if (m_Config.target == "eps")
  {
    return out;
  }
  const torch::Tensor a = Gather(m_SqrtAlphasCumprod, t, xt), s = Gather(m_SqrtOneMinusAlphasCumprod, t, xt);
  return s * xt + a * out;
}

torch::Tensor Diffusion::Loss(const torch::Tensor & out, const torch::Tensor & target, const torch::Tensor & mask) const
{
  const torch::Tensor d = out - target;
  const double e = m_Config.charbonnierEpsilon;
  const torch::Tensor perPixel = m_Config.loss == "charbonnier" ? torch::sqrt(d * d + e * e) : d * d;
  const torch::Tensor m = mask.to(perPixel.dtype());
  const torch::Tensor count = m.sum() * static_cast<double>(out.size(1));
  return (perPixel * m).sum() / count.clamp_min(1.0);
}

std::vector<std::int64_t> Diffusion::SamplingTimesteps(std::int64_t steps) const
{
  const std::int64_t T = m_Config.timesteps;
  steps = std::max<std::int64_t>(1, std::min(steps, T));
  std::vector<std::int64_t> ts;
  for (std::int64_t i = steps - 1; i >= 0; --i)
  {
    ts.push_back(steps == 1 ? T - 1
                            : static_cast<std::int64_t>(std::llround(
                                static_cast<double>(i) * static_cast<double>(T - 1) / static_cast<double>(steps - 1))));
  }
  return ts;
}

torch::Tensor Diffusion::Step(const torch::Tensor & xt,
                              std::int64_t t,
                              std::int64_t tPrev,
                              const torch::Tensor & out,
                              const torch::Tensor & noise,
                              const std::string & sampler,
                              double eta,
                              double clip) const
{
  const double ab = AlphaBar(t), abPrev = AlphaBar(tPrev);
  const torch::Tensor tt = torch::full({ xt.size(0) }, t, torch::kLong);
  torch::Tensor x0 = PredictX0(xt, tt, out);
  torch::Tensor eps = PredictEps(xt, tt, out);
  if (clip > 0)
  {
    x0 = x0.clamp(-clip, clip);
    eps = (xt - std::sqrt(ab) * x0) / std::sqrt(1 - ab);
  }
  if (tPrev < 0)
  {
    return x0;
  }
  if (sampler == "ddim")
  {
    const double sigma = eta * std::sqrt((1 - abPrev) / (1 - ab)) * std::sqrt(std::max(0.0, 1 - ab / abPrev));
    torch::Tensor x = std::sqrt(abPrev) * x0 + std::sqrt(std::max(0.0, 1 - abPrev - sigma * sigma)) * eps;
    if (sigma > 0)
    {
      x = x + sigma * noise;
    }
    return x;
  }
  if (sampler == "ddpm")
  {
    const double beta = 1 - ab / abPrev;
    const double c0 = std::sqrt(abPrev) * beta / (1 - ab);
    const double ct = std::sqrt(1 - beta) * (1 - abPrev) / (1 - ab);
    const double var = beta * (1 - abPrev) / (1 - ab);
    return c0 * x0 + ct * xt + std::sqrt(var) * noise;
  }
  throw std::invalid_argument("Diffusion: unknown sampler '" + sampler + "' (ddim or ddpm)");
}

at::Generator MakeGenerator(std::uint64_t seed)
{
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

torch::Tensor SampleLoop(const Diffusion & diffusion,
                         const std::function<torch::Tensor(const torch::Tensor &, const torch::Tensor &)> & model,
                         std::vector<at::Generator> & gens,
                         std::int64_t samplesPerPatch,
                         const std::vector<std::int64_t> & sampleShape,
                         const SamplerSettings & settings,
                         const torch::TensorOptions & options,
                         const torch::Tensor & initial)
{
  std::vector<std::int64_t> shape{ samplesPerPatch };
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  // Noise for all patches, each from its own generator, on the CPU (so a seed
  // gives the same numbers on every device), then moved.
  const auto noise = [&]()
  {
    std::vector<torch::Tensor> parts;
    parts.reserve(gens.size());
    for (auto & g : gens)
    {
      parts.push_back(torch::randn(shape, g, torch::TensorOptions().dtype(torch::kFloat32)));
    }
    return torch::cat(parts, 0).to(options);
  };
  const std::vector<std::int64_t> ts = diffusion.SamplingTimesteps(settings.steps);
  torch::Tensor x = initial.defined() ? initial.to(options) : noise();
  const std::int64_t n = x.size(0);
  const bool stochastic = settings.sampler == "ddpm" || settings.eta > 0;
  for (std::size_t i = 0; i < ts.size(); ++i)
  {
    const std::int64_t t = ts[i];
    const std::int64_t tPrev = i + 1 < ts.size() ? ts[i + 1] : -1;
    const torch::Tensor out =
      model(x, torch::full({ n }, t, torch::TensorOptions().dtype(torch::kLong).device(options.device())));
    const torch::Tensor z = stochastic && tPrev >= 0 ? noise() : torch::Tensor();
    x = diffusion.Step(
      x, t, tPrev, out, z.defined() ? z : torch::zeros_like(x), settings.sampler, settings.eta, settings.clip);
  }
  return x;
}

// ---------------------------------------------------------------------------
ExponentialMovingAverage::ExponentialMovingAverage(torch::nn::Module & module, double decay)
  : m_Decay(decay)
{
  torch::NoGradGuard noGrad;
  for (const auto & p : module.named_parameters(true))
  {
    m_Shadow.emplace_back(p.key(), p.value().detach().clone());
  }
}

void ExponentialMovingAverage::Update(torch::nn::Module & module)
{
  torch::NoGradGuard noGrad;
  const double d = std::min(m_Decay, (1.0 + static_cast<double>(m_Updates)) / (10.0 + static_cast<double>(m_Updates)));
  const auto params = module.parameters(true);
  if (params.size() != m_Shadow.size())
  {
    throw std::logic_error("ExponentialMovingAverage: the module's parameters changed");
  }
  for (std::size_t i = 0; i < params.size(); ++i)
  {
    m_Shadow[i].second.mul_(d).add_(params[i].detach(), 1.0 - d);
  }
  ++m_Updates;
}

void ExponentialMovingAverage::CopyTo(torch::nn::Module & module) const
{
  torch::NoGradGuard noGrad;
  const auto params = module.parameters(true);
  if (params.size() != m_Shadow.size())
  {
    throw std::logic_error("ExponentialMovingAverage: the module's parameters changed");
  }
  for (std::size_t i = 0; i < params.size(); ++i)
  {
    params[i].copy_(m_Shadow[i].second);
  }
}

} // namespace ss
