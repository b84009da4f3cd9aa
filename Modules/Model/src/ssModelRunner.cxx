#include "ssModelRunner.h"

#include "ssDiffusion.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssModelFiles.h"
#include "ssNetworks.h"

#include <boost/filesystem.hpp>
#include <torch/version.h>

#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>

namespace ss
{

namespace
{

/** LibTorch errors carry a backtrace after the first line; callers get one line. */
[[noreturn]] void RethrowTorchError(const c10::Error & e)
{
  std::string m = e.what_without_backtrace();
  const auto nl = m.find('\n');
  if (nl != std::string::npos)
  {
    m = m.substr(0, nl);
  }
  throw std::runtime_error("SuperSpot model: " + m);
}

template<typename F>
auto GuardTorch(F && f) -> decltype(f())
{
  try
  {
    return f();
  }
  catch (const c10::Error & e)
  {
    RethrowTorchError(e);
  }
}

using CacheKey = std::tuple<std::string, std::string, std::time_t, std::time_t>;
std::mutex CacheMutex;
std::map<CacheKey, std::weak_ptr<ModelRunner>> & Cache()
{
  static std::map<CacheKey, std::weak_ptr<ModelRunner>> cache;
  return cache;
}

net::Condition ToCondition(const ConditionArrays & a, const torch::Device & device)
{
  net::Condition c;
  c.map = ToTensor(a.map, device);
  if (!a.cellTokens.Empty())
  {
    c.cellTokens = ToTensor(a.cellTokens, device);
    c.cellWeights = ToTensor(a.cellWeights, device);
  }
  if (!a.tissueTokens.Empty())
  {
    c.tissueTokens = ToTensor(a.tissueTokens, device);
  }
  return c;
}

ConditionArrays ToArrays(const net::Condition & c)
{
  ConditionArrays a;
  a.map = ToArray(c.map);
  a.cellTokens = ToArray(c.cellTokens);
  a.cellWeights = ToArray(c.cellWeights);
  a.cellScores = ToArray(c.cellScores);
  a.cellKeep = ToArray(c.cellKeep);
  a.keepFraction = ToArray(c.keepFraction);
  a.tissueTokens = ToArray(c.tissueTokens);
  return a;
}

void RequireCondition(const ConditionArrays & a, const ModelConfig & c, std::int64_t b, const std::string & what)
{
  const std::int64_t p = c.patchSize;
  a.map.RequireShape({ b, c.ConditionMapChannels(), p, p }, what + ".map");
  if (c.useHistology && c.useCellTokens)
  {
    a.cellTokens.RequireShape({ b, c.NumberOfCellTokens(), c.tokenDim }, what + ".cellTokens");
    a.cellWeights.RequireShape({ b, c.NumberOfCellTokens() }, what + ".cellWeights");
  }
  if (c.useHistology)
  {
    a.tissueTokens.RequireShape({ b, c.NumberOfTissueTokens(), c.tokenDim }, what + ".tissueTokens");
  }
}

/** ModelRunner::Sample of a regression model: one deterministic pass, so every
 * "sample" is the prediction and the spread is 0. */
SampleResult SampleRegression(net::SuperSpotNetwork & network,
                              const ModelConfig & c,
                              const torch::Tensor & scales,
                              const torch::Device & dev,
                              const PatchBatch & batch,
                              const EncodedBatch & condition,
                              const FloatArray & prior,
                              const SamplingOptions & options)
{
  const std::int64_t b = batch.batch, k = options.samples, g = c.NumberOfGenes(), p = c.patchSize;
  // Steps, sampler, η and seeds describe a sampler, which this model does not have; a
  // guidance scale would change the prediction, but no unconditional branch was trained.
  if (options.guidance && *options.guidance != 1.0)
  {
    SS_INPUT_ERROR(
      "", "guidance", "a regression model has no unconditional branch to guide with", "leave the guidance unset or 1");
  }
  RequireCondition(condition.conditional, c, b, "condition");
  torch::Tensor priorT;
  if (c.useGeneGraph)
  {
    prior.RequireShape({ b, c.PriorChannels(), p, p }, "prior");
    priorT = ToTensor(prior, dev);
  }
  const torch::Tensor x0 = network->Predict(ToCondition(condition.conditional, dev), priorT);
  const torch::Tensor v = (ToTensor(batch.base, dev) + scales * x0).clamp_min(0);
  SampleResult r;
  r.mean = ToArray(v);
  r.std = ToArray(torch::zeros({ b, g, p, p }));
  if (options.keepSamples)
  {
    r.samples = ToArray(v.unsqueeze(1).expand({ b, k, g, p, p }));
  }
  return r;
}

} // namespace

struct ModelRunner::Impl
{
  std::string dir, deviceName;
  int threads = 0;
  torch::Device device{ torch::kCPU };
  ModelConfig config;
  net::SuperSpotNetwork network{ nullptr };
  std::unique_ptr<Diffusion> diffusion;
  torch::Tensor scales; // (1, G, 1, 1)

  void UseThreads() const
  {
    if (threads > 0 && at::get_num_threads() != threads)
    {
      at::set_num_threads(threads);
    }
  }

  /** expressionOnly: the gene-graph prior reads lr, base and lrMask only. */
  net::PatchInputs Inputs(const PatchBatch & b, bool expressionOnly = false) const
  {
    if (expressionOnly)
    {
      const std::int64_t g = config.NumberOfGenes(), p = config.patchSize;
      b.lr.RequireShape({ b.batch, g, p, p }, "lr");
      b.base.RequireShape({ b.batch, g, p, p }, "base");
      b.lrMask.RequireShape({ b.batch, 1, p, p }, "lrMask");
    }
    else
    {
      b.Validate(config);
    }
    net::PatchInputs in;
    in.lr = ToTensor(b.lr, device);
    in.base = ToTensor(b.base, device);
    in.lrMask = ToTensor(b.lrMask, device);
    if (config.useHistology && !expressionOnly)
    {
      in.cell = ToTensor(b.cell, device);
      in.tissue = ToTensor(b.tissue, device);
    }
    return in;
  }
};

ModelRunner::ModelRunner(std::unique_ptr<Impl> impl)
  : m_Impl(std::move(impl))
{
}

ModelRunner::~ModelRunner() = default;

std::shared_ptr<ModelRunner> ModelRunner::Load(const std::string & dir, const std::string & device, int threads)
{
  return GuardTorch(
    [&]()
    {
      const torch::Device d = ResolveDevice(device);
      RequireDirectory(
        dir, "model folder", "give the folder SuperSpot wrote the model to (config.json + model.safetensors)");
      boost::system::error_code ec;
      const std::string canonical = boost::filesystem::canonical(dir, ec).string();
      const std::string config = JoinPath(dir, "config.json"), weights = JoinPath(dir, "model.safetensors");
      RequireFile(config, "model configuration", "the model folder must hold the config.json SuperSpot wrote");
      RequireFile(weights, "model weights", "the model folder must hold the model.safetensors SuperSpot wrote");
      const CacheKey key{ ec ? dir : canonical,
                          d.str(),
                          boost::filesystem::last_write_time(config, ec),
                          boost::filesystem::last_write_time(weights, ec) };
      std::lock_guard<std::mutex> lock(CacheMutex);
      if (auto cached = Cache()[key].lock())
      {
        if (threads > 0)
        {
          cached->SetThreads(threads);
        }
        return cached;
      }
      auto impl = std::make_unique<Impl>();
      impl->dir = dir;
      impl->deviceName = d.str();
      impl->device = d;
      impl->threads = threads;
      impl->UseThreads();
      LoadedModel m = LoadModel(dir);
      impl->config = m.config;
      impl->network = m.network;
      impl->network->to(d);
      impl->network->eval();
      impl->diffusion = std::make_unique<Diffusion>(impl->config.diffusion);
      const std::vector<float> s = impl->config.ResidualScalesOrOnes();
      impl->scales = torch::tensor(s, torch::kFloat32).view({ 1, -1, 1, 1 }).to(d);
      std::shared_ptr<ModelRunner> runner(new ModelRunner(std::move(impl)));
      Cache()[key] = runner;
      return runner;
    });
}

void ModelRunner::ClearCache()
{
  std::lock_guard<std::mutex> lock(CacheMutex);
  Cache().clear();
}

const ModelConfig & ModelRunner::GetConfig() const
{
  return m_Impl->config;
}

const std::string & ModelRunner::GetDirectory() const
{
  return m_Impl->dir;
}

const std::string & ModelRunner::GetDevice() const
{
  return m_Impl->deviceName;
}

int ModelRunner::GetThreads() const
{
  return m_Impl->threads;
}

void ModelRunner::SetThreads(int threads)
{
  m_Impl->threads = threads;
}

EncodedBatch ModelRunner::Encode(const PatchBatch & batch, bool withUnconditional) const
{
  return GuardTorch(
    [&]()
    {
      c10::InferenceMode guard;
      m_Impl->UseThreads();
      const net::PatchInputs in = m_Impl->Inputs(batch);
      EncodedBatch out;
      out.batch = batch.batch;
      out.conditional = ToArrays(m_Impl->network->Encode(in));
      // Without histology the unconditional model is the conditional one.
      if (withUnconditional && m_Impl->config.useHistology)
      {
        const torch::Tensor drop = torch::ones({ batch.batch }, torch::kBool);
        out.unconditional = ToArrays(m_Impl->network->Encode(in, drop));
      }
      return out;
    });
}

FloatArray ModelRunner::GeneGraphPrior(const PatchBatch & batch) const
{
  return GuardTorch(
    [&]()
    {
      c10::InferenceMode guard;
      m_Impl->UseThreads();
      if (!m_Impl->config.useGeneGraph)
      {
        return FloatArray();
      }
      return ToArray(m_Impl->network->Prior(m_Impl->Inputs(batch, /*expressionOnly=*/true)));
    });
}

SampleResult ModelRunner::Sample(const PatchBatch & batch,
                                 const EncodedBatch & condition,
                                 const FloatArray & prior,
                                 const SamplingOptions & options) const
{
  return GuardTorch(
    [&]()
    {
      c10::InferenceMode guard;
      m_Impl->UseThreads();
      const ModelConfig & c = m_Impl->config;
      const torch::Device & dev = m_Impl->device;
      const std::int64_t b = batch.batch, k = options.samples, g = c.NumberOfGenes(), p = c.patchSize;
      batch.base.RequireShape({ b, g, p, p }, "base");
      if (k < 1)
      {
        SS_INPUT_ERROR("", "samples", "must be at least 1", "ask for one or more samples per patch");
      }
      if (condition.batch != b)
      {
        SS_INPUT_ERROR("",
                       "condition",
                       "encodes " + std::to_string(condition.batch) + " patches, the batch has " + std::to_string(b),
                       "encode the same batch");
      }
      if (c.IsRegression())
      {
        return SampleRegression(m_Impl->network, c, m_Impl->scales, dev, batch, condition, prior, options);
      }
      SamplerSettings settings;
      settings.sampler = options.sampler.value_or(c.diffusion.sampler);
      settings.steps = options.steps.value_or(c.diffusion.samplingSteps);
      settings.eta = options.eta.value_or(c.diffusion.eta);
      settings.clip = c.diffusion.x0Clip;
      const double w = options.guidance.value_or(c.diffusion.guidanceScale);
      if (settings.sampler != "ddim" && settings.sampler != "ddpm")
      {
        SS_INPUT_ERROR("", "sampler", "'" + settings.sampler + "' is not a sampler", "use ddim or ddpm");
      }
      if (settings.steps < 1 || settings.steps > c.diffusion.timesteps)
      {
        SS_INPUT_ERROR("", "steps", "must lie in 1.." + std::to_string(c.diffusion.timesteps), "use e.g. 20");
      }
      if (!(settings.eta >= 0) || !(w >= 0))
      {
        SS_INPUT_ERROR("", "eta/guidance", "must be non-negative", "use eta in [0, 1] and guidance ≥ 0");
      }
      const bool guided = w != 1.0 && c.useHistology;
      if (guided && !condition.HasUnconditional())
      {
        SS_INPUT_ERROR("",
                       "condition",
                       "guidance scale " + std::to_string(w) + " needs the unconditional encoding",
                       "call Encode with withUnconditional = true");
      }
      if (!options.seeds.empty() && static_cast<std::int64_t>(options.seeds.size()) != b)
      {
        SS_INPUT_ERROR("",
                       "seeds",
                       "has " + std::to_string(options.seeds.size()) + " seeds for " + std::to_string(b) + " patches",
                       "give one seed per patch, or none");
      }
      torch::Tensor initial;
      if (!options.initialNoise.Empty())
      {
        options.initialNoise.RequireShape({ b, k, g, p, p }, "initialNoise");
        initial = ToTensor(options.initialNoise, dev).view({ b * k, g, p, p });
      }
      RequireCondition(condition.conditional, c, b, "condition");
      if (guided)
      {
        RequireCondition(condition.unconditional, c, b, "unconditional condition");
      }
      torch::Tensor priorT;
      if (c.useGeneGraph)
      {
        prior.RequireShape({ b, c.PriorChannels(), p, p }, "prior");
        priorT = ToTensor(prior, dev).repeat_interleave(k, 0);
      }
      net::Condition cond = ToCondition(condition.conditional, dev).RepeatInterleave(k);
      if (guided)
      {
        cond = net::Condition::Cat(cond, ToCondition(condition.unconditional, dev).RepeatInterleave(k));
        if (priorT.defined())
        {
          priorT = torch::cat({ priorT, priorT }, 0);
        }
      }
      std::vector<at::Generator> gens;
      for (std::int64_t i = 0; i < b; ++i)
      {
        gens.push_back(MakeGenerator(options.seeds.empty() ? options.seed + static_cast<std::uint64_t>(i)
                                                           : options.seeds[static_cast<std::size_t>(i)]));
      }
      net::SuperSpotNetwork & network = m_Impl->network;
      const auto model = [&](const torch::Tensor & xt, const torch::Tensor & t)
      {
        if (!guided)
        {
          return network->Denoise(xt, t, cond, priorT);
        }
        // Both branches in one batched pass: [conditional; unconditional].
        const auto out = network->Denoise(torch::cat({ xt, xt }, 0), torch::cat({ t, t }, 0), cond, priorT).chunk(2, 0);
        return out[1] + w * (out[0] - out[1]);
      };
      const torch::Tensor x0 = SampleLoop(*m_Impl->diffusion,
                                          model,
                                          gens,
                                          k,
                                          { g, p, p },
                                          settings,
                                          torch::TensorOptions().dtype(torch::kFloat32).device(dev),
                                          initial);
      const torch::Tensor base = ToTensor(batch.base, dev).repeat_interleave(k, 0);
      const torch::Tensor v = (base + m_Impl->scales * x0).clamp_min(0).view({ b, k, g, p, p });
      SampleResult r;
      r.mean = ToArray(v.mean(1));
      r.std = ToArray(k > 1 ? v.std(at::IntArrayRef{ 1 }, /*unbiased=*/true, /*keepdim=*/false)
                            : torch::zeros({ b, g, p, p }));
      if (options.keepSamples)
      {
        r.samples = ToArray(v);
      }
      return r;
    });
}

std::string LibTorchVersion()
{
  return TORCH_VERSION;
}

} // namespace ss
