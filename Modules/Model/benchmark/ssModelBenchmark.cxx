// Kernel-level figures of the model: denoiser forward, one sampler step with K
// samples, the gene-graph layer, a training step, each with the FLOPs it implies
// (counted analytically from the network's layers) and the ratio to the measured
// matrix-multiply peak of this machine (torch::mm of 1024² floats).
//
// Threads: $SUPERSPOT_THREADS (default 2). Genes: 50, the benchmark panel size. Times
// and rates are wall-clock (UseRealTime): LibTorch runs its own threads.
#include "ssDiffusion.h"
#include "ssNetworks.h"
#include "ssResources.h"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

namespace
{

int Threads()
{
  const char * v = std::getenv("SUPERSPOT_THREADS");
  return v ? std::max(1, std::atoi(v)) : 2;
}

ss::ModelConfig Config(const std::string & preset)
{
  std::vector<std::string> genes;
  for (int i = 0; i < 50; ++i)
  {
    genes.push_back("G" + std::to_string(i));
  }
  return ss::ModelConfig::Preset(preset, genes);
}

ss::net::PatchInputs Inputs(const ss::ModelConfig & c, std::int64_t b)
{
  ss::net::PatchInputs in;
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize;
  in.base = torch::rand({ b, g, p, p }) * 3;
  in.lrMask = torch::ones({ b, 1, p, p });
  in.lr = in.base + 0.1 * torch::randn({ b, g, p, p });
  in.cell = torch::rand({ b, 3, c.CellImageSize(), c.CellImageSize() });
  in.tissue = torch::rand({ b, 3, c.tissuePixels, c.tissuePixels });
  return in;
}

std::int64_t LevelOf(const std::string & name, std::size_t at)
{
  return std::stoll(name.substr(at));
}

/** Multiply-adds of one denoiser pass for one patch, from the U-Net's layers: every
 * convolution (its input side follows from the level in its name), the attention
 * blocks (projections + the two attention products), and the gene-graph output layer.
 * Norms and activations are not counted. */
double DenoiserMacs(const ss::net::SuperSpotNetworkImpl & net)
{
  const ss::ModelConfig & c = net.Config();
  const std::int64_t P = c.patchSize, L = c.NumberOfLevels();
  const double tokens =
    c.useHistology ? static_cast<double>((c.useCellTokens ? c.NumberOfCellTokens() : 0) + c.NumberOfTissueTokens())
                   : 0.0;
  double macs = 0;
  for (const auto & item : net.named_modules())
  {
    const std::string & name = item.key();
    if (name.rfind("unet.", 0) != 0)
    {
      continue;
    }
    std::int64_t side = P;
    const auto down = name.find("unet.down"), up = name.find("unet.up");
    if (name.find("downsample") != std::string::npos)
      side = P >> LevelOf(name, name.find("downsample") + 10);
    else if (name.find("upsample") != std::string::npos)
      side = P >> (LevelOf(name, name.find("upsample") + 8) - 1);
    else if (down == 0)
      side = P >> LevelOf(name, 9);
    else if (up == 0)
      side = P >> LevelOf(name, 7);
    else if (name.find("unet.mid") == 0)
      side = P >> (L - 1);
    const double hw = static_cast<double>(side * side);
    if (const auto * conv = item.value()->as<torch::nn::Conv2dImpl>())
    {
      const auto & o = conv->options;
      const double stride = static_cast<double>((*o.stride())[0]);
      macs += static_cast<double>(o.in_channels() * o.out_channels() * (*o.kernel_size())[0] * (*o.kernel_size())[1]) *
              hw / (stride * stride);
    }
    else if (const auto * x = item.value()->as<ss::net::CrossAttentionImpl>())
    {
      (void)x;
      const auto & q = item.value()->named_children();
      const auto * ql = q["q"]->as<torch::nn::LinearImpl>();
      const double C = static_cast<double>(ql->options.in_features()),
                   D = static_cast<double>(ql->options.out_features());
      macs += hw * C * D * 2 + 2 * tokens * D * D + 2 * hw * tokens * D;
    }
    else if (item.value()->as<ss::net::SelfAttentionImpl>())
    {
      // qkv and out are 1×1 convolutions, counted above; the two products here.
      const auto & children = item.value()->named_children();
      const double C = static_cast<double>(children["out"]->as<torch::nn::Conv2dImpl>()->options.out_channels());
      macs += 2 * hw * hw * C;
    }
  }
  if (c.useGeneGraph)
  {
    const double G = static_cast<double>(c.NumberOfGenes()), H = static_cast<double>(c.graphHiddenDim);
    const double pixels = static_cast<double>(P * P);
    macs += pixels * (2 * G * G + 2 * G * H); // Mix: Â·ε, its linear map to H, H → 1, Â·
  }
  return macs;
}

double GeneGraphMixMacs(const ss::ModelConfig & c)
{
  const double G = static_cast<double>(c.NumberOfGenes()), F = static_cast<double>(c.geneEmbeddingDim),
               H = static_cast<double>(c.graphHiddenDim);
  // Per pixel: Â·ε (G²), ε → hidden (G·H), hidden → 1 (G·H), Â· (G²); the embedding
  // term is per gene, not per pixel (ssNetworks.cxx, GeneGraphImpl::FirstLayer).
  (void)F;
  return static_cast<double>(c.patchSize * c.patchSize) * (2 * G * G + 2 * G * H);
}

/** The machine's matrix-multiply rate (FLOP/s), measured once per process. */
double PeakFlops()
{
  static const double peak = []
  {
    at::set_num_threads(Threads());
    c10::InferenceMode guard;
    const torch::Tensor a = torch::randn({ 1024, 1024 }), b = torch::randn({ 1024, 1024 });
    torch::mm(a, b);
    double best = 0;
    for (int r = 0; r < 5; ++r)
    {
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 4; ++i)
        benchmark::DoNotOptimize(torch::mm(a, b));
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 4;
      best = std::max(best, 2.0 * 1024 * 1024 * 1024 / s);
    }
    return best;
  }();
  return peak;
}

void Report(benchmark::State & state, double flopsPerIteration)
{
  state.counters["FLOP"] = flopsPerIteration;
  state.counters["FLOP/s"] = benchmark::Counter(flopsPerIteration, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = at::get_num_threads();
}

void FinishRatio(benchmark::State & state, double flopsPerIteration, double seconds)
{
  state.counters["peak_ratio"] = flopsPerIteration * static_cast<double>(state.iterations()) / seconds / PeakFlops();
}

} // namespace

static void BM_MatMulPeak(benchmark::State & state)
{
  at::set_num_threads(Threads());
  c10::InferenceMode guard;
  const torch::Tensor a = torch::randn({ 1024, 1024 }), b = torch::randn({ 1024, 1024 });
  for (auto _ : state)
    benchmark::DoNotOptimize(torch::mm(a, b));
  Report(state, 2.0 * 1024 * 1024 * 1024);
}
BENCHMARK(BM_MatMulPeak)->Unit(benchmark::kMillisecond)->UseRealTime();

/** Denoiser forward (U-Net + graph output layer) for a batch of state.range(0) patches. */
static void BM_DenoiserForward(benchmark::State & state)
{
  at::set_num_threads(Threads());
  c10::InferenceMode guard;
  const ss::ModelConfig c = Config("small");
  ss::net::SuperSpotNetwork net(c);
  net->eval();
  const std::int64_t b = state.range(0);
  const auto in = Inputs(c, b);
  const auto cond = net->Encode(in);
  const auto prior = net->Prior(in);
  const torch::Tensor xt = torch::randn({ b, c.NumberOfGenes(), c.patchSize, c.patchSize });
  const torch::Tensor t = torch::full({ b }, 500, torch::kLong);
  const double flops = 2 * DenoiserMacs(*net) * static_cast<double>(b);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state)
    benchmark::DoNotOptimize(net->Denoise(xt, t, cond, prior));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Report(state, flops);
  FinishRatio(state, flops, s);
}
BENCHMARK(BM_DenoiserForward)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

/** One DDIM step for B = 2 patches × K = state.range(0) samples, guidance off (range(1) = 0)
 * or on (both branches in one batch). Reports HR pixels × genes per second per step. */
static void BM_SamplerStep(benchmark::State & state)
{
  at::set_num_threads(Threads());
  c10::InferenceMode guard;
  const ss::ModelConfig c = Config("small");
  ss::net::SuperSpotNetwork net(c);
  net->eval();
  ss::Diffusion diffusion(c.diffusion);
  const std::int64_t b = 2, k = state.range(0);
  const bool guided = state.range(1) != 0;
  const auto in = Inputs(c, b);
  ss::net::Condition cond = net->Encode(in).RepeatInterleave(k);
  torch::Tensor prior = net->Prior(in).repeat_interleave(k, 0);
  if (guided)
  {
    cond = ss::net::Condition::Cat(cond, net->Encode(in, torch::ones({ b }, torch::kBool)).RepeatInterleave(k));
    prior = torch::cat({ prior, prior });
  }
  torch::Tensor x = torch::randn({ b * k, c.NumberOfGenes(), c.patchSize, c.patchSize });
  const torch::Tensor noise = torch::zeros_like(x);
  const std::int64_t n = guided ? 2 * b * k : b * k;
  const torch::Tensor t = torch::full({ n }, 500, torch::kLong);
  const double flops = 2 * DenoiserMacs(*net) * static_cast<double>(n);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state)
  {
    torch::Tensor out = net->Denoise(guided ? torch::cat({ x, x }) : x, t, cond, prior);
    if (guided)
    {
      const auto parts = out.chunk(2, 0);
      out = parts[1] + 2.0 * (parts[0] - parts[1]);
    }
    benchmark::DoNotOptimize(diffusion.Step(x, 500, 450, out, noise, "ddim", 0.0, 8.0));
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Report(state, flops);
  FinishRatio(state, flops, s);
  // Each step advances K samples of every HR pixel and gene of the B patches.
  state.counters["pixel_genes/s"] =
    benchmark::Counter(static_cast<double>(b * c.patchSize * c.patchSize * c.NumberOfGenes()),
                       benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SamplerStep)->Args({ 4, 0 })->Args({ 4, 1 })->Unit(benchmark::kMillisecond)->UseRealTime();

/** The gene-graph output layer ε + α·GCN(ε) on 8 patches. */
static void BM_GeneGraphLayer(benchmark::State & state)
{
  at::set_num_threads(Threads());
  c10::InferenceMode guard;
  ss::ModelConfig c = Config("small");
  ss::net::GeneGraph graph(c);
  const torch::Tensor eps = torch::randn({ 8, c.NumberOfGenes(), c.patchSize, c.patchSize });
  const double flops = 2 * GeneGraphMixMacs(c) * 8;
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state)
    benchmark::DoNotOptimize(graph->Mix(eps));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Report(state, flops);
  FinishRatio(state, flops, s);
}
BENCHMARK(BM_GeneGraphLayer)->Unit(benchmark::kMillisecond)->UseRealTime();

/** One training step of the small preset: encoders + denoiser forward and backward +
 * AdamW, batch state.range(0). Reports samples/s and the process's peak memory. */
static void BM_TrainingStep(benchmark::State & state)
{
  at::set_num_threads(Threads());
  const ss::ModelConfig c = Config("small");
  ss::net::SuperSpotNetwork net(c);
  ss::Diffusion diffusion(c.diffusion);
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(1e-4));
  const std::int64_t b = state.range(0);
  const auto in = Inputs(c, b);
  const torch::Tensor x0 = torch::randn({ b, c.NumberOfGenes(), c.patchSize, c.patchSize });
  const torch::Tensor mask = torch::ones({ b, 1, c.patchSize, c.patchSize });
  // Forward ≈ 1, backward ≈ 2 denoiser passes (encoders not counted).
  const double flops = 3 * 2 * DenoiserMacs(*net) * static_cast<double>(b);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : state)
  {
    const torch::Tensor t = torch::randint(0, 1000, { b }, torch::kLong);
    const torch::Tensor noise = torch::randn_like(x0);
    const auto cond = net->Encode(in, torch::rand({ b }) < 0.1);
    const torch::Tensor out = net->Denoise(diffusion.QSample(x0, t, noise), t, cond, net->Prior(in));
    const torch::Tensor loss = diffusion.Loss(out, noise, mask) + 0.01 * cond.disentangleLoss;
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Report(state, flops);
  FinishRatio(state, flops, s);
  state.counters["samples/s"] =
    benchmark::Counter(static_cast<double>(b), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_RSS_MiB"] = ss::PeakResidentMemoryMiB();
  state.counters["parameters"] = static_cast<double>(ss::net::CountParameters(*net));
}
BENCHMARK(BM_TrainingStep)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
