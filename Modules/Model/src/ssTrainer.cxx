#include "ssTrainer.h"

#include "ssDiffusion.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssGeneStatistics.h"
#include "ssModelFiles.h"
#include "ssNetworks.h"
#include "ssProgress.h"
#include "ssVersion.h"

#include <torch/torch.h>

#ifdef SUPERSPOT_HAS_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <sstream>

namespace ss
{

PatchProvider::~PatchProvider() = default;

FunctionPatchProvider::FunctionPatchProvider(std::int64_t size, GetFunction get)
  : m_Size(size)
  , m_Get(std::move(get))
{
}

namespace
{

/** SplitMix64: decorrelates the (seed, rank, step, purpose) streams. */
std::uint64_t Mix(std::uint64_t x)
{
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::uint64_t StreamSeed(std::uint64_t seed, std::uint64_t rank, std::uint64_t step, std::uint64_t purpose)
{
  return Mix(Mix(Mix(Mix(seed) ^ rank) ^ step) ^ purpose);
}

enum Purpose : std::uint64_t
{
  Shuffle = 1,
  Augment = 2,
  Noise = 3
};

int EnvInt(const char * name, int fallback)
{
  const char * v = std::getenv(name);
  if (!v || !*v)
  {
    return fallback;
  }
  char * end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0')
  {
    SS_INPUT_ERROR(
      "environment", name, "'" + std::string(v) + "' is not an integer", "set it as torchrun does, e.g. RANK=0");
  }
  return static_cast<int>(x);
}

std::string EnvString(const char * name, const std::string & fallback)
{
  const char * v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

torch::Tensor ToTorch(const FloatArray & a)
{
  return torch::from_blob(const_cast<float *>(a.data.data()), a.shape, torch::kFloat32).clone();
}

/** FNV-1a over the bytes of the tensors: equal digests ⇔ (practically) bit-identical values. */
std::string Digest(const std::vector<torch::Tensor> & tensors)
{
  std::uint64_t h = 1469598103934665603ull;
  for (const auto & t : tensors)
  {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto * bytes = reinterpret_cast<const unsigned char *>(c.data_ptr<float>());
    for (std::int64_t i = 0; i < c.numel() * 4; ++i)
    {
      h = (h ^ bytes[i]) * 1099511628211ull;
    }
  }
  std::ostringstream o;
  o << std::hex << h;
  return o.str();
}

/** Model parameters in a stable order with their names. */
std::vector<std::pair<std::string, torch::Tensor>> Parameters(torch::nn::Module & m)
{
  std::vector<std::pair<std::string, torch::Tensor>> v;
  for (const auto & p : m.named_parameters(true))
  {
    v.emplace_back(p.key(), p.value());
  }
  return v;
}

} // namespace

// ---------------------------------------------------------------------------
struct Trainer::Impl
{
  ModelConfig config;
  TrainerOptions options;
  int rank = 0, world = 1;
#ifdef SUPERSPOT_HAS_GLOO
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
#endif

  void SetUpDistributed()
  {
    rank = options.rank >= 0 ? options.rank : EnvInt("RANK", 0);
    world = options.worldSize >= 0 ? options.worldSize : EnvInt("WORLD_SIZE", 1);
    if (world < 1 || rank < 0 || rank >= world)
    {
      SS_INPUT_ERROR("training",
                     "rank/world size",
                     "rank " + std::to_string(rank) + " of world size " + std::to_string(world) + " is impossible",
                     "use 0 ≤ RANK < WORLD_SIZE");
    }
    if (world == 1)
    {
      return;
    }
#ifdef SUPERSPOT_HAS_GLOO
    const std::string address =
      !options.masterAddress.empty() ? options.masterAddress : EnvString("MASTER_ADDR", "127.0.0.1");
    const int port = options.masterPort > 0 ? options.masterPort : EnvInt("MASTER_PORT", 29500);
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(port);
    so.isServer = rank == 0;
    so.numWorkers = static_cast<std::size_t>(world);
    so.waitWorkers = true;
    so.timeout = std::chrono::seconds(120);
    store = c10::make_intrusive<c10d::TCPStore>(address, so);
    auto go = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(300));
    const bool loopback = address == "localhost" || address.rfind("127.", 0) == 0;
    const std::string iface = EnvString("GLOO_SOCKET_IFNAME", "");
    go->devices.push_back(!iface.empty() ? c10d::ProcessGroupGloo::createDeviceForInterface(iface)
                          : loopback     ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                         : c10d::ProcessGroupGloo::createDefaultDevice());
    group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world, go);
    LogInfo("training: rank " + std::to_string(rank) + " of " + std::to_string(world) + " (Gloo, " + address + ":" +
            std::to_string(port) + ")");
#else
    SS_INPUT_ERROR("training",
                   "WORLD_SIZE",
                   std::to_string(world) + " processes were asked for but this SuperSpot was built without Gloo",
                   "install Gloo's headers (Debian: libgloo-dev) and rebuild, or train with one process");
#endif
  }

  /** Sum over ranks, in place (no-op for one process). */
  void AllReduceSum(torch::Tensor & t)
  {
#ifdef SUPERSPOT_HAS_GLOO
    if (group)
    {
      std::vector<torch::Tensor> v{ t };
      group->allreduce(v)->wait();
    }
#else
    (void)t;
#endif
  }

  void Broadcast(torch::Tensor & t)
  {
#ifdef SUPERSPOT_HAS_GLOO
    if (group)
    {
      std::vector<torch::Tensor> v{ t };
      group->broadcast(v)->wait();
    }
#else
    (void)t;
#endif
  }

  /** Flattens, runs f on the flat buffer, copies back. */
  template<typename F>
  void OnFlat(const std::vector<torch::Tensor> & tensors, F && f)
  {
    std::vector<torch::Tensor> flat;
    for (const auto & t : tensors)
    {
      flat.push_back(t.reshape({ -1 }));
    }
    torch::Tensor buffer = torch::cat(flat);
    f(buffer);
    std::int64_t offset = 0;
    for (const auto & t : tensors)
    {
      t.copy_(buffer.slice(0, offset, offset + t.numel()).view_as(t));
      offset += t.numel();
    }
  }
};

Trainer::Trainer(ModelConfig config, TrainerOptions options)
  : m_Impl(std::make_unique<Impl>())
{
  m_Impl->config = std::move(config);
  m_Impl->options = std::move(options);
  const TrainerOptions & o = m_Impl->options;
  const auto bad = [](const std::string & field, const std::string & problem, const std::string & fix)
  { SS_INPUT_ERROR("training options", field, problem, fix); };
  if (o.outputDir.empty())
    bad("outputDir", "is empty", "give the folder to write the model to");
  if (o.steps < 1)
    bad("steps", "must be at least 1", "train for some steps");
  if (o.batchSize < 1)
    bad("batchSize", "must be at least 1", "use e.g. 8");
  if (!(o.learningRate > 0))
    bad("learningRate", "must be positive", "use e.g. 2e-4");
  if (!(o.weightDecay >= 0) || !(o.gradientClip >= 0) || o.warmupSteps < 0 || o.checkpointEvery < 0 || o.stopAfter < 0)
    bad("options",
        "a weight decay, clip, warm-up, checkpoint interval or stopAfter is negative",
        "use non-negative values");
  if (!(o.minLearningRateFraction >= 0 && o.minLearningRateFraction <= 1))
    bad("minLearningRateFraction", "must lie in [0, 1]", "use e.g. 0.1");
  if (o.statisticsPatches < 1)
    bad("statisticsPatches", "must be at least 1", "use e.g. 1024");
}

Trainer::~Trainer() = default;

double Trainer::LearningRate(const TrainerOptions & o, std::int64_t step)
{
  if (step < o.warmupSteps)
  {
    return o.learningRate * static_cast<double>(step + 1) / static_cast<double>(o.warmupSteps);
  }
  const double span = static_cast<double>(std::max<std::int64_t>(1, o.steps - o.warmupSteps));
  const double progress = std::min(1.0, static_cast<double>(step - o.warmupSteps) / span);
  const double cosine = 0.5 * (1 + std::cos(M_PI * progress));
  return o.learningRate * (o.minLearningRateFraction + (1 - o.minLearningRateFraction) * cosine);
}

void Trainer::ComputeStatistics(ModelConfig & config, const PatchProvider & data, std::int64_t maxPatches)
{
  const std::int64_t n = data.Size();
  if (n < 1)
  {
    SS_INPUT_ERROR("training data", "patches", "there are none", "give the trainer at least one training patch");
  }
  const std::int64_t count = std::min(n, maxPatches);
  const std::int64_t g = config.NumberOfGenes(), pixels = config.patchSize * config.patchSize;
  GeneStatistics stats(g);
  TrainingPatch patch;
  for (std::int64_t i = 0; i < count; ++i)
  {
    const std::int64_t index = count == n
                                 ? i
                                 : static_cast<std::int64_t>((static_cast<double>(i) + 0.5) * static_cast<double>(n) /
                                                             static_cast<double>(count));
    data.Get(index, patch);
    patch.Validate(config, "training patch " + std::to_string(index));
    stats.Add(patch.hr.data.data(), patch.base.data.data(), patch.hrMask.data.data(), pixels);
  }
  if (stats.GetCount() < 2)
  {
    SS_INPUT_ERROR("training data",
                   "hrMask",
                   "fewer than 2 valid HR pixels in the patches",
                   "check the HR masks of the training patches");
  }
  config.residualScales = stats.ResidualScales();
  config.geneGraph.adjacency =
    CoexpressionAdjacency(stats.Correlation(), g, config.geneGraph.topK, config.geneGraph.minCorrelation);
  LogInfo("training: residual scales and gene graph from " + std::to_string(stats.GetCount()) + " valid HR pixels of " +
          std::to_string(count) + " patches");
}

TrainingSummary Trainer::Train(const PatchProvider & data)
{
  Impl & m = *m_Impl;
  TrainerOptions & o = m.options;
  try
  {
    if (o.threads > 0)
    {
      at::set_num_threads(o.threads);
    }
    m.SetUpDistributed();
    TrainingSummary summary;
    summary.rank = m.rank;
    summary.worldSize = m.world;
    const std::string checkpointDir = JoinPath(o.outputDir, "checkpoint");
    const std::string checkpointConfig = JoinPath(checkpointDir, "config.json");
    const std::string checkpointState = JoinPath(checkpointDir, "state.safetensors");
    const bool resuming = o.resume && FileExists(checkpointState);
    if (o.resume && !resuming)
    {
      LogWarning("training: no checkpoint in " + checkpointDir + ": starting from step 0");
    }
    ModelConfig & config = m.config;
    if (resuming)
    {
      config = ModelConfig::FromJSON(ReadJSONFile(checkpointConfig, "checkpoint configuration"), checkpointConfig);
    }
    else
    {
      config.Validate("model configuration");
      if (o.computeStatistics)
      {
        ComputeStatistics(config, data, o.statisticsPatches);
      }
      if (m.world > 1)
      {
        // Ranks may hold different data: everyone uses rank 0's statistics.
        const std::int64_t g = config.NumberOfGenes();
        torch::Tensor s = torch::tensor(config.ResidualScalesOrOnes());
        torch::Tensor a = torch::tensor(config.AdjacencyOrIdentity());
        m.Broadcast(s);
        m.Broadcast(a);
        config.residualScales.assign(s.data_ptr<float>(), s.data_ptr<float>() + g);
        config.geneGraph.adjacency.assign(a.data_ptr<float>(), a.data_ptr<float>() + g * g);
      }
    }
    const std::int64_t G = config.NumberOfGenes(), P = config.patchSize, B = o.batchSize;
    std::string deviceName = o.device;
    if (deviceName == "cuda" && m.world > 1)
    {
      deviceName = "cuda:" + std::to_string(EnvInt("LOCAL_RANK", 0));
    }
    const torch::Device device = ResolveDevice(deviceName);

    torch::manual_seed(o.seed);
    net::SuperSpotNetwork network(config);
    // The regression baseline is trained with the MSE on x0 whatever diffusion.loss says
    // (BENCHMARK.md: "a deterministic regression network ... and an MSE loss").
    const bool regression = config.IsRegression();
    DiffusionConfig lossConfig = config.diffusion;
    if (regression)
    {
      lossConfig.loss = "mse";
    }
    Diffusion diffusion(lossConfig);
    auto params = Parameters(*network);
    std::vector<torch::Tensor> paramTensors;
    for (auto & p : params)
    {
      paramTensors.push_back(p.second);
    }
    torch::optim::AdamW optimizer(paramTensors, torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));
    ExponentialMovingAverage ema(*network, config.emaDecay);
    std::int64_t step = 0;

    if (resuming)
    {
      const SafeTensorsContent state = ReadSafeTensors(checkpointState);
      LoadModuleTensors(*network, state, "model.", checkpointState);
      for (auto & s : ema.Shadow())
      {
        const SafeTensor * t = state.Find("ema." + s.first);
        if (!t || t->shape != s.second.sizes().vec())
        {
          SS_INPUT_ERROR(checkpointState,
                         "ema." + s.first,
                         "is missing or has the wrong shape",
                         "delete the checkpoint folder and train again");
        }
        s.second.copy_(torch::from_blob(const_cast<std::uint8_t *>(t->data.data()), t->shape, torch::kFloat32));
      }
      const SafeTensor * steps = state.Find("optim.steps");
      if (!steps || steps->dtype != SafeTensorDType::I64 ||
          steps->NumberOfElements() != static_cast<std::int64_t>(params.size()))
      {
        SS_INPUT_ERROR(checkpointState,
                       "optim.steps",
                       "is missing or does not match the model",
                       "delete the checkpoint folder and train again");
      }
      const auto * adamSteps = reinterpret_cast<const std::int64_t *>(steps->data.data());
      for (std::size_t i = 0; i < params.size(); ++i)
      {
        auto st = std::make_unique<torch::optim::AdamWParamState>();
        st->step(adamSteps[i]);
        for (const char * which : { "exp_avg", "exp_avg_sq" })
        {
          const std::string name = "optim." + params[i].first + "." + which;
          const SafeTensor * t = state.Find(name);
          if (!t || t->shape != params[i].second.sizes().vec())
          {
            SS_INPUT_ERROR(checkpointState,
                           name,
                           "is missing or has the wrong shape",
                           "delete the checkpoint folder and train again");
          }
          torch::Tensor v =
            torch::from_blob(const_cast<std::uint8_t *>(t->data.data()), t->shape, torch::kFloat32).clone();
          std::string(which) == "exp_avg" ? st->exp_avg(v) : st->exp_avg_sq(v);
        }
        optimizer.state()[c10::guts::to_string(params[i].second.unsafeGetTensorImpl())] = std::move(st);
      }
      step = std::stoll(state.metadata.at("step"));
      ema.SetUpdates(std::stoll(state.metadata.at("emaUpdates")));
      if (state.metadata.count("worldSize") && std::stoi(state.metadata.at("worldSize")) != m.world)
      {
        LogWarning("training: the checkpoint was written by " + state.metadata.at("worldSize") +
                   " processes, this run has " + std::to_string(m.world) +
                   ": the data order differs from an uninterrupted run");
      }
      LogInfo("training: resumed from " + checkpointState + " at step " + std::to_string(step));
    }
    if (!device.is_cpu())
    {
      // Parameters keep their identity (AdamW's state is keyed by them): moved in place.
      network->to(device);
      for (auto & s : ema.Shadow())
      {
        s.second = s.second.to(device);
      }
      for (auto & item : optimizer.state())
      {
        auto & st = static_cast<torch::optim::AdamWParamState &>(*item.second);
        st.exp_avg(st.exp_avg().to(device));
        st.exp_avg_sq(st.exp_avg_sq().to(device));
      }
    }
    network->train();
    if (m.world > 1)
    {
      // One starting point for every replica: rank 0's parameters.
      torch::NoGradGuard noGrad;
      m.OnFlat(paramTensors, [&](torch::Tensor & flat) { m.Broadcast(flat); });
      if (!resuming)
      {
        ema = ExponentialMovingAverage(*network, config.emaDecay);
      }
    }
    summary.firstStep = step;

    // This rank's shard: every world-th patch.
    const std::int64_t n = data.Size();
    std::vector<std::int64_t> shard;
    for (std::int64_t i = m.rank; i < n; i += m.world)
    {
      shard.push_back(i);
    }
    if (shard.empty())
    {
      SS_INPUT_ERROR("training data",
                     "patches",
                     std::to_string(n) + " patches cannot be shared by " + std::to_string(m.world) + " processes",
                     "use more patches or fewer processes");
    }
    const std::int64_t M = static_cast<std::int64_t>(shard.size());
    std::int64_t cachedEpoch = -1;
    std::vector<std::int64_t> order;
    const auto sampleIndex = [&](std::int64_t counter)
    {
      const std::int64_t epoch = counter / M;
      if (epoch != cachedEpoch)
      {
        order = shard;
        std::mt19937_64 rng(
          StreamSeed(o.seed, static_cast<std::uint64_t>(m.rank), static_cast<std::uint64_t>(epoch), Shuffle));
        std::shuffle(order.begin(), order.end(), rng);
        cachedEpoch = epoch;
      }
      return order[static_cast<std::size_t>(counter % M)];
    };

    const std::vector<float> scaleValues = config.ResidualScalesOrOnes();
    const torch::Tensor scales = torch::tensor(scaleValues).view({ 1, G, 1, 1 }).to(device);

    if (!resuming && m.rank == 0 && FileExists(checkpointState))
    {
      // A fresh run must not leave another run's state to be resumed from by mistake.
      LogWarning("training: starting afresh; removing the earlier checkpoint " + checkpointState);
      std::remove(checkpointState.c_str());
    }
    bool configWritten = false;
    const auto writeCheckpoint = [&](std::int64_t completed)
    {
      if (m.rank != 0)
      {
        return;
      }
      CreateDirectories(checkpointDir);
      if (!configWritten)
      {
        WriteJSONFileAtomically(checkpointConfig, config.ToJSON());
        configWritten = true;
      }
      SafeTensorsContent c;
      c.metadata["format"] = "superspot-checkpoint";
      c.metadata["superspotVersion"] = SUPERSPOT_VERSION;
      c.metadata["step"] = std::to_string(completed);
      c.metadata["emaUpdates"] = std::to_string(ema.Updates());
      c.metadata["seed"] = std::to_string(o.seed);
      c.metadata["worldSize"] = std::to_string(m.world);
      AppendModuleTensors(*network, "model.", c);
      for (const auto & s : ema.Shadow())
      {
        const torch::Tensor t = s.second.to(torch::kCPU).contiguous();
        c.tensors.push_back(SafeTensor::FromFloats("ema." + s.first, t.sizes().vec(), t.data_ptr<float>()));
      }
      SafeTensor steps;
      steps.name = "optim.steps";
      steps.dtype = SafeTensorDType::I64;
      steps.shape = { static_cast<std::int64_t>(params.size()) };
      steps.data.resize(params.size() * sizeof(std::int64_t));
      auto * stepValues = reinterpret_cast<std::int64_t *>(steps.data.data());
      for (std::size_t i = 0; i < params.size(); ++i)
      {
        const auto key = c10::guts::to_string(params[i].second.unsafeGetTensorImpl());
        auto it = optimizer.state().find(key);
        torch::Tensor expAvg = torch::zeros_like(params[i].second), expAvgSq = torch::zeros_like(params[i].second);
        const auto toCPU = [](const torch::Tensor & x) { return x.detach().to(torch::kCPU).contiguous(); };
        stepValues[i] = 0;
        if (it != optimizer.state().end())
        {
          auto & st = static_cast<torch::optim::AdamWParamState &>(*it->second);
          stepValues[i] = st.step();
          expAvg = st.exp_avg();
          expAvgSq = st.exp_avg_sq();
        }
        expAvg = toCPU(expAvg);
        expAvgSq = toCPU(expAvgSq);
        c.tensors.push_back(SafeTensor::FromFloats(
          "optim." + params[i].first + ".exp_avg", expAvg.sizes().vec(), expAvg.data_ptr<float>()));
        c.tensors.push_back(SafeTensor::FromFloats(
          "optim." + params[i].first + ".exp_avg_sq", expAvgSq.sizes().vec(), expAvgSq.data_ptr<float>()));
      }
      c.tensors.push_back(std::move(steps));
      // One file, renamed into place: a crash leaves the previous checkpoint intact.
      WriteSafeTensors(checkpointState, c);
    };

    ProgressReporter & progress = o.progress ? *o.progress : ProgressReporter::Global();
    if (m.rank == 0)
    {
      progress.Start("Training", std::to_string(o.steps) + " steps");
    }
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t endStep = o.stopAfter > 0 ? std::min(o.steps, step + o.stopAfter) : o.steps;
    TrainingPatch patch;
    for (; step < endStep; ++step)
    {
      std::mt19937_64 rng(
        StreamSeed(o.seed, static_cast<std::uint64_t>(m.rank), static_cast<std::uint64_t>(step), Augment));
      std::uniform_int_distribution<int> symmetry(0, 7);
      // No guidance drops for the regression baseline: it has no unconditional branch.
      std::bernoulli_distribution drop(regression ? 0.0 : config.diffusion.cfgDropProbability);
      std::vector<torch::Tensor> hr, hrMask, lr, lrMask, base, cell, tissue;
      torch::Tensor dropMask = torch::zeros({ B }, torch::kBool);
      for (std::int64_t b = 0; b < B; ++b)
      {
        const std::int64_t index = sampleIndex(step * B + b);
        data.Get(index, patch);
        patch.Validate(config, "training patch " + std::to_string(index));
        const int op = o.augment ? symmetry(rng) : 0;
        const TrainingPatch view = op ? patch.Transformed(op) : patch;
        hr.push_back(ToTorch(view.hr));
        hrMask.push_back(ToTorch(view.hrMask));
        lr.push_back(ToTorch(view.lr));
        lrMask.push_back(ToTorch(view.lrMask));
        base.push_back(ToTorch(view.base));
        if (config.useHistology)
        {
          cell.push_back(ToTorch(view.cell));
          tissue.push_back(ToTorch(view.tissue));
        }
        dropMask[b] = drop(rng);
      }
      net::PatchInputs in;
      in.lr = torch::stack(lr).to(device);
      in.lrMask = torch::stack(lrMask).to(device);
      in.base = torch::stack(base).to(device);
      if (config.useHistology)
      {
        in.cell = torch::stack(cell).to(device);
        in.tissue = torch::stack(tissue).to(device);
      }
      const torch::Tensor mask = torch::stack(hrMask).to(device);
      // Model space; masked-out truth pixels are zeroed (the loss ignores them anyway).
      const torch::Tensor x0 = ((torch::stack(hr).to(device) - in.base) / scales) * mask;
      const net::Condition cond = network->Encode(in, dropMask);
      torch::Tensor loss;
      if (regression)
      {
        // x0 from one pass: no timesteps, no noise.
        loss = diffusion.Loss(network->Predict(cond, network->Prior(in)), x0, mask);
      }
      else
      {
        at::Generator gen = MakeGenerator(
          StreamSeed(o.seed, static_cast<std::uint64_t>(m.rank), static_cast<std::uint64_t>(step), Noise));
        const torch::Tensor t = torch::randint(0, config.diffusion.timesteps, { B }, gen, torch::kLong).to(device);
        const torch::Tensor noise = torch::randn({ B, G, P, P }, gen, torch::kFloat32).to(device);
        const torch::Tensor out = network->Denoise(diffusion.QSample(x0, t, noise), t, cond, network->Prior(in));
        loss = diffusion.Loss(out, diffusion.Target(x0, noise, t), mask);
      }
      loss = loss + config.diffusion.disentangleWeight * cond.disentangleLoss;
      optimizer.zero_grad();
      loss.backward();
      {
        torch::NoGradGuard noGrad;
        // Parameters a step did not reach (e.g. the null tokens when nothing was
        // dropped) get a zero gradient, so every replica updates the same set.
        std::vector<torch::Tensor> grads;
        for (auto & p : paramTensors)
        {
          if (!p.grad().defined())
          {
            p.mutable_grad() = torch::zeros_like(p);
          }
          grads.push_back(p.grad());
        }
        if (m.world > 1)
        {
          m.OnFlat(grads,
                   [&](torch::Tensor & flat)
                   {
                     m.AllReduceSum(flat);
                     flat.div_(static_cast<double>(m.world));
                   });
        }
      }
      if (o.gradientClip > 0)
      {
        torch::nn::utils::clip_grad_norm_(paramTensors, o.gradientClip);
      }
      const double rate = LearningRate(o, step);
      for (auto & group : optimizer.param_groups())
      {
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(rate);
      }
      optimizer.step();
      ema.Update(*network);

      torch::Tensor lossValue = loss.detach().to(torch::kCPU).clone();
      m.AllReduceSum(lossValue);
      summary.losses.push_back(lossValue.item<double>() / m.world);
      const std::int64_t completed = step + 1;
      if (m.rank == 0)
      {
        std::ostringstream detail;
        detail << "step " << completed << "/" << o.steps << ", loss " << summary.losses.back() << ", lr " << rate;
        progress.Progress(static_cast<double>(completed) / static_cast<double>(o.steps), detail.str());
        if (o.logEvery > 0 && completed % o.logEvery == 0)
        {
          LogInfo("training: " + detail.str());
        }
      }
      if ((o.checkpointEvery > 0 && completed % o.checkpointEvery == 0) || completed == o.steps)
      {
        writeCheckpoint(completed);
      }
    }
    summary.lastStep = step;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (step == o.steps && m.rank == 0)
    {
      // The final model carries the EMA weights.
      net::SuperSpotNetwork final(config);
      final->to(device);
      ema.CopyTo(*final);
      SaveModel(o.outputDir, config, *final);
      LogInfo("training: model written to " + o.outputDir);
    }
    if (m.rank == 0)
    {
      progress.End();
    }
#ifdef SUPERSPOT_HAS_GLOO
    if (m.group)
    {
      m.group->barrier()->wait();
    }
#endif
    summary.config = config;
    summary.parameterDigest = Digest(paramTensors);
    return summary;
  }
  catch (const c10::Error & e)
  {
    std::string msg = e.what_without_backtrace();
    const auto nl = msg.find('\n');
    throw std::runtime_error("SuperSpot training: " + (nl == std::string::npos ? msg : msg.substr(0, nl)));
  }
}

} // namespace ss
