#include "ssNetworks.h"

#include <cmath>

namespace ss
{
namespace net
{

namespace F = torch::nn::functional;
using torch::indexing::Slice;

std::int64_t NormGroups(std::int64_t channels)
{
  for (std::int64_t g = std::min<std::int64_t>(32, std::max<std::int64_t>(1, channels / 4)); g > 1; --g)
  {
    if (channels % g == 0)
    {
      return g;
    }
  }
  return 1;
}

namespace
{

torch::nn::Conv2d Conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1)
{
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

torch::nn::GroupNorm Norm(std::int64_t channels)
{
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(NormGroups(channels), channels));
}

std::int64_t Log2(std::int64_t v)
{
  std::int64_t n = 0;
  while ((std::int64_t{ 1 } << n) < v)
  {
    ++n;
  }
  return n;
}

/** Per-pixel cosine similarity along the channel axis: (B, C, H, W) × 2 → (B, H, W). */
torch::Tensor Cosine(const torch::Tensor & a, const torch::Tensor & b)
{
  return F::cosine_similarity(a, b, F::CosineSimilarityFuncOptions().dim(1).eps(1e-6));
}

torch::Tensor RepeatOrEmpty(const torch::Tensor & t, std::int64_t k)
{
  return t.defined() ? t.repeat_interleave(k, 0) : t;
}

torch::Tensor CatOrEmpty(const torch::Tensor & a, const torch::Tensor & b)
{
  return a.defined() ? torch::cat({ a, b }, 0) : a;
}

} // namespace

Condition Condition::RepeatInterleave(std::int64_t k) const
{
  Condition c;
  c.map = RepeatOrEmpty(map, k);
  c.cellTokens = RepeatOrEmpty(cellTokens, k);
  c.cellWeights = RepeatOrEmpty(cellWeights, k);
  c.cellScores = RepeatOrEmpty(cellScores, k);
  c.cellKeep = RepeatOrEmpty(cellKeep, k);
  c.keepFraction = RepeatOrEmpty(keepFraction, k);
  c.tissueTokens = RepeatOrEmpty(tissueTokens, k);
  c.disentangleLoss = disentangleLoss;
  return c;
}

Condition Condition::Cat(const Condition & a, const Condition & b)
{
  Condition c;
  c.map = CatOrEmpty(a.map, b.map);
  c.cellTokens = CatOrEmpty(a.cellTokens, b.cellTokens);
  c.cellWeights = CatOrEmpty(a.cellWeights, b.cellWeights);
  c.cellScores = CatOrEmpty(a.cellScores, b.cellScores);
  c.cellKeep = CatOrEmpty(a.cellKeep, b.cellKeep);
  c.keepFraction = CatOrEmpty(a.keepFraction, b.keepFraction);
  c.tissueTokens = CatOrEmpty(a.tissueTokens, b.tissueTokens);
  c.disentangleLoss = a.disentangleLoss;
  return c;
}

// ---------------------------------------------------------------------------
ResBlockImpl::ResBlockImpl(std::int64_t in, std::int64_t out, std::int64_t timeDim)
{
  norm1 = register_module("norm1", Norm(in));
  conv1 = register_module("conv1", Conv(in, out, 3));
  norm2 = register_module("norm2", Norm(out));
  conv2 = register_module("conv2", Conv(out, out, 3));
  if (timeDim > 0)
  {
    time = register_module("time", torch::nn::Linear(timeDim, 2 * out));
  }
  if (in != out)
  {
    skip = register_module("skip", Conv(in, out, 1));
  }
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor & x, const torch::Tensor & temb)
{
  torch::Tensor h = conv1(F::silu(norm1(x)));
  h = norm2(h);
  if (time)
  {
    // Scale-shift norm (guided diffusion): h ← GN(h)·(1 + s) + b, (s, b) from the time embedding.
    const auto scaleShift = time(F::silu(temb)).unsqueeze(-1).unsqueeze(-1).chunk(2, 1);
    h = h * (1 + scaleShift[0]) + scaleShift[1];
  }
  h = conv2(F::silu(h));
  return (skip ? skip(x) : x) + h;
}

// ---------------------------------------------------------------------------
HistologyEncoderImpl::HistologyEncoderImpl(const ModelConfig & c)
  : m_TileBins(c.tileBins)
  , m_Q(c.cellPixelsPerBin)
  , m_Bins(c.entropyBins)
  , m_CellTokens(c.useCellTokens)
{
  const std::int64_t ch = c.histologyChannels;
  const std::int64_t stem = std::max<std::int64_t>(8, ch / 2);
  // Cell level: down from P·q to P pixels (one feature vector per HR pixel).
  cellStem = torch::nn::Sequential(Conv(3, stem, 3), torch::nn::SiLU());
  std::int64_t in = stem;
  for (std::int64_t i = 0; i < Log2(m_Q); ++i)
  {
    cellStem->push_back(Conv(in, ch, 3, 2));
    cellStem->push_back(Norm(ch));
    cellStem->push_back(torch::nn::SiLU());
    in = ch;
  }
  if (in != ch)
  {
    cellStem->push_back(Conv(in, ch, 3));
  }
  register_module("cellStem", cellStem);
  cellBlocks = register_module("cellBlocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.encoderResBlocks; ++i)
  {
    cellBlocks->push_back(ResBlock(ch, ch, 0));
  }
  // Tissue level: down from S to tissueTokenGrid pixels, one token each.
  tissueStem = torch::nn::Sequential(Conv(3, ch, 3), torch::nn::SiLU());
  for (std::int64_t i = 0; i < Log2(c.tissuePixels / c.tissueTokenGrid); ++i)
  {
    tissueStem->push_back(Conv(ch, ch, 3, 2));
    tissueStem->push_back(Norm(ch));
    tissueStem->push_back(torch::nn::SiLU());
  }
  register_module("tissueStem", tissueStem);
  tissueBlocks = register_module("tissueBlocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.encoderResBlocks; ++i)
  {
    tissueBlocks->push_back(ResBlock(ch, ch, 0));
  }
  const std::int64_t d = c.tokenDim;
  if (m_CellTokens)
  {
    cellToken = register_module("cellToken", torch::nn::Linear(ch, d));
    cellTokenNorm = register_module("cellTokenNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ d })));
  }
  tissueToken = register_module("tissueToken", torch::nn::Linear(ch, d));
  tissueTokenNorm = register_module("tissueTokenNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ d })));
  if (m_CellTokens)
  {
    cellPosition = register_parameter("cellPosition", 0.02 * torch::randn({ c.NumberOfCellTokens(), d }));
  }
  tissuePosition = register_parameter("tissuePosition", 0.02 * torch::randn({ c.NumberOfTissueTokens(), d }));
  globalMlp = register_module(
    "globalMlp", torch::nn::Sequential(torch::nn::Linear(d, d), torch::nn::SiLU(), torch::nn::Linear(d, d)));
}

torch::Tensor HistologyEncoderImpl::TileEntropy(const torch::Tensor & cell) const
{
  torch::NoGradGuard noGrad;
  const std::int64_t b = cell.size(0);
  const std::int64_t tile = m_TileBins * m_Q; // cell-image pixels per tile side
  const std::int64_t n = cell.size(2) / tile;
  const torch::Tensor grey = cell.mean(1);
  torch::Tensor bins =
    (grey * static_cast<double>(m_Bins)).floor().clamp(0, static_cast<double>(m_Bins - 1)).to(torch::kLong);
  // (B, n·tile, n·tile) → (B, n, n, tile·tile): the pixels of each tile, tiles row-major.
  bins = bins.view({ b, n, tile, n, tile }).permute({ 0, 1, 3, 2, 4 }).reshape({ b, n * n, tile * tile });
  torch::Tensor counts = torch::zeros({ b, n * n, m_Bins }, cell.options());
  counts.scatter_add_(2, bins, torch::ones_like(bins, cell.options()));
  const torch::Tensor p = counts / static_cast<double>(tile * tile);
  const torch::Tensor h = -(p * torch::log(p.clamp_min(1e-12))).sum(-1);
  return h / std::log(static_cast<double>(m_Bins));
}

HistologyFeatures HistologyEncoderImpl::forward(const torch::Tensor & cell, const torch::Tensor & tissue)
{
  HistologyFeatures f;
  torch::Tensor h = cellStem->forward(cell * 2 - 1);
  for (const auto & block : *cellBlocks)
  {
    h = block->as<ResBlock>()->forward(h);
  }
  f.dense = h;
  if (m_CellTokens)
  {
    // One token per cell tile: the tile's mean feature.
    const torch::Tensor pooled = F::avg_pool2d(h, F::AvgPool2dFuncOptions(m_TileBins)).flatten(2).transpose(1, 2);
    f.cellTokens = cellTokenNorm(cellToken(pooled)) + cellPosition;
    f.cellEntropy = TileEntropy(cell);
  }
  torch::Tensor t = tissueStem->forward(tissue * 2 - 1);
  for (const auto & block : *tissueBlocks)
  {
    t = block->as<ResBlock>()->forward(t);
  }
  const torch::Tensor tokens = tissueTokenNorm(tissueToken(t.flatten(2).transpose(1, 2)));
  f.global = globalMlp->forward(tokens.mean(1));
  f.tissueTokens = tokens + tissuePosition;
  return f;
}

// ---------------------------------------------------------------------------
ExpressionEncoderImpl::ExpressionEncoderImpl(const ModelConfig & c)
{
  const std::int64_t ch = c.expressionChannels;
  stem = register_module("stem", Conv(2 * c.NumberOfGenes() + 1, ch, 3));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < c.encoderResBlocks; ++i)
  {
    blocks->push_back(ResBlock(ch, ch, 0));
  }
}

torch::Tensor ExpressionEncoderImpl::forward(const torch::Tensor & lr,
                                             const torch::Tensor & base,
                                             const torch::Tensor & lrMask)
{
  torch::Tensor h = stem(torch::cat({ lr, base, lrMask }, 1));
  for (const auto & block : *blocks)
  {
    h = block->as<ResBlock>()->forward(h);
  }
  return h;
}

// ---------------------------------------------------------------------------
DisentanglingFusionImpl::DisentanglingFusionImpl(const ModelConfig & c)
{
  const std::int64_t cc = c.conditionChannels;
  histShared = register_module("histShared", Conv(c.histologyChannels, cc, 1));
  histSpecific = register_module("histSpecific", Conv(c.histologyChannels, cc, 1));
  exprShared = register_module("exprShared", Conv(c.expressionChannels, cc, 1));
  exprSpecific = register_module("exprSpecific", Conv(c.expressionChannels, cc, 1));
  filmHist = register_module("filmHist", Conv(cc, 2 * cc, 1));
  filmExpr = register_module("filmExpr", Conv(cc, 2 * cc, 1));
  // Start as the identity modulation (γ = β = 0); the weights still get gradients.
  for (auto * film : { &filmHist, &filmExpr })
  {
    torch::NoGradGuard noGrad;
    (*film)->weight.mul_(0.1);
    (*film)->bias.zero_();
  }
}

std::pair<torch::Tensor, torch::Tensor> DisentanglingFusionImpl::forward(const torch::Tensor & h,
                                                                         const torch::Tensor & e,
                                                                         const torch::Tensor & present)
{
  const torch::Tensor hs = histShared(h), hp = histSpecific(h), es = exprShared(e), ep = exprSpecific(e);
  const auto gh = filmHist(ep).chunk(2, 1); // expression-specific modulates histology-specific
  const auto ge = filmExpr(hp).chunk(2, 1); // and vice versa
  const torch::Tensor hpMod = hp * (1 + gh[0]) + gh[1];
  const torch::Tensor epMod = ep * (1 + ge[0]) + ge[1];
  torch::Tensor map = torch::cat({ 0.5 * (hs + es), hpMod, epMod }, 1);

  const torch::Tensor perPixel =
    (1 - Cosine(hs, es)) + Cosine(hp, hs).pow(2) + Cosine(ep, es).pow(2) + Cosine(hp, ep).pow(2);
  const torch::Tensor w = present.to(perPixel.dtype()).view({ -1, 1, 1 });
  const torch::Tensor loss = (perPixel * w).sum() / (w.sum() * perPixel.size(1) * perPixel.size(2)).clamp_min(1.0);
  return { map, loss };
}

PlainFusionImpl::PlainFusionImpl(const ModelConfig & c)
{
  hist = register_module("hist", Conv(c.histologyChannels, c.conditionChannels, 1));
  expr = register_module("expr", Conv(c.expressionChannels, c.conditionChannels, 1));
}

torch::Tensor PlainFusionImpl::forward(const torch::Tensor & h, const torch::Tensor & e)
{
  return torch::cat({ hist(h), expr(e) }, 1);
}

// ---------------------------------------------------------------------------
DynamicTokenSelectorImpl::DynamicTokenSelectorImpl(const ModelConfig & c)
  : m_MinFraction(c.dynamicMinFraction)
{
  const std::int64_t d = c.tokenDim;
  gate = register_module(
    "gate", torch::nn::Sequential(torch::nn::Linear(d, d / 2), torch::nn::SiLU(), torch::nn::Linear(d / 2, 1)));
  fraction = register_module(
    "fraction", torch::nn::Sequential(torch::nn::Linear(d, d / 2), torch::nn::SiLU(), torch::nn::Linear(d / 2, 1)));
}

void DynamicTokenSelectorImpl::forward(const torch::Tensor & tokens,
                                       const torch::Tensor & entropy,
                                       const torch::Tensor & global,
                                       Condition & out)
{
  const std::int64_t n = tokens.size(1);
  const torch::Tensor g = gate->forward(tokens).squeeze(-1); // (B, Nc)
  const torch::Tensor rho =
    m_MinFraction + (1 - m_MinFraction) * torch::sigmoid(fraction->forward(global).squeeze(-1)); // (B)
  const torch::Tensor scores = g + entropy;
  // rank 0 = highest score.
  const torch::Tensor rank =
    scores.detach().argsort(std::int64_t{ 1 }, true).argsort(std::int64_t{ 1 }, false).to(scores.dtype());
  const torch::Tensor k = (rho.detach() * n).ceil().clamp(1, n).unsqueeze(1);
  const torch::Tensor hard = (rank < k).to(scores.dtype());
  const torch::Tensor soft = torch::sigmoid(rho.unsqueeze(1) * n - rank - 0.5);
  const torch::Tensor keep = hard + (soft - soft.detach());
  out.cellWeights = keep * torch::sigmoid(g);
  out.cellScores = scores;
  out.cellKeep = hard;
  out.keepFraction = rho;
}

// ---------------------------------------------------------------------------
CrossAttentionImpl::CrossAttentionImpl(std::int64_t channels,
                                       std::int64_t tokenDim,
                                       std::int64_t heads,
                                       std::int64_t pixels)
  : m_Heads(heads)
{
  norm = register_module("norm", Norm(channels));
  q = register_module("q", torch::nn::Linear(channels, tokenDim));
  k = register_module("k", torch::nn::Linear(tokenDim, tokenDim));
  v = register_module("v", torch::nn::Linear(tokenDim, tokenDim));
  out = register_module("out", torch::nn::Linear(tokenDim, channels));
  queryPosition = register_parameter("queryPosition", 0.02 * torch::randn({ pixels, tokenDim }));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor & x,
                                          const torch::Tensor & tokens,
                                          const torch::Tensor & weights)
{
  const std::int64_t b = x.size(0), c = x.size(1), hgt = x.size(2), wid = x.size(3);
  const std::int64_t n = tokens.size(1), d = tokens.size(2), dh = d / m_Heads;
  const torch::Tensor query = q(norm(x).flatten(2).transpose(1, 2)) + queryPosition; // (B, HW, D)
  const auto split = [&](const torch::Tensor & t) { return t.view({ b, -1, m_Heads, dh }).transpose(1, 2); };
  const torch::Tensor qh = split(query), kh = split(k(tokens)), vh = split(v(tokens)); // (B, h, ·, dh)
  const torch::Tensor logits =
    torch::matmul(qh, kh.transpose(-1, -2)) / std::sqrt(static_cast<double>(dh)); // (B, h, HW, N)
  // Softmax with multiplicative key weights: a_i ∝ w_i·exp(l_i). The maximum is taken
  // over the attended keys only, and the exponent clamped at 0, so masked keys can
  // neither overflow nor underflow the kept ones.
  const torch::Tensor w = weights.view({ b, 1, 1, n });
  const torch::Tensor attended = (w > 0).detach();
  const torch::Tensor m =
    logits.detach().masked_fill(attended.logical_not(), -std::numeric_limits<float>::infinity()).amax(-1, true);
  const torch::Tensor e = torch::exp((logits - m).clamp_max(0)) * w;
  const torch::Tensor a = e / e.sum(-1, true).clamp_min(1e-20);
  const torch::Tensor o = torch::matmul(a, vh).transpose(1, 2).reshape({ b, hgt * wid, d });
  return x + out(o).transpose(1, 2).reshape({ b, c, hgt, wid });
}

SelfAttentionImpl::SelfAttentionImpl(std::int64_t channels, std::int64_t heads)
  : m_Heads(channels % heads == 0 ? heads : 1)
{
  norm = register_module("norm", Norm(channels));
  qkv = register_module("qkv", Conv(channels, 3 * channels, 1));
  out = register_module("out", Conv(channels, channels, 1));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor & x)
{
  const std::int64_t b = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), dh = c / m_Heads;
  const auto parts = qkv(norm(x)).view({ b, 3, m_Heads, dh, hw }).unbind(1);
  const torch::Tensor logits =
    torch::matmul(parts[0].transpose(-1, -2), parts[1]) / std::sqrt(static_cast<double>(dh)); // (B, h, HW, HW)
  const torch::Tensor o = torch::matmul(parts[2], logits.softmax(-1).transpose(-1, -2));      // (B, h, dh, HW)
  return x + out(o.reshape({ b, c, x.size(2), x.size(3) }));
}

// ---------------------------------------------------------------------------
GeneGraphImpl::GeneGraphImpl(const ModelConfig & c)
{
  const std::int64_t g = c.NumberOfGenes(), f = c.geneEmbeddingDim, hidden = c.graphHiddenDim;
  const std::vector<float> a = c.AdjacencyOrIdentity();
  adjacency =
    register_buffer("adjacency", torch::from_blob(const_cast<float *>(a.data()), { g, g }, torch::kFloat32).clone());
  embedding = register_parameter("embedding", 0.1 * torch::randn({ g, f }));
  prior1 = register_module("prior1", torch::nn::Linear(3 + f, hidden));
  prior2 = register_module("prior2", torch::nn::Linear(hidden, c.priorFeatures));
  mix1 = register_module("mix1", torch::nn::Linear(1 + f, hidden));
  mix2 = register_module("mix2", torch::nn::Linear(hidden, 1));
  // Small, not zero: with α = 0 the mixing layer would get no gradient at all.
  alpha = register_parameter("alpha", torch::full({ 1 }, 0.1));
}

torch::Tensor GeneGraphImpl::Propagate(const torch::Tensor & x) const
{
  const auto s = x.sizes();
  // bmm with the adjacency expanded (no copy): torch::matmul(2-D, 3-D) takes a
  // path ~30× slower here (LibTorch 1.13, CPU).
  return torch::bmm(adjacency.expand({ s[0], s[1], s[1] }), x.reshape({ s[0], s[1], -1 })).view(s);
}

namespace
{
/** A Linear layer on the last axis of x (any rank), as one addmm on the folded matrix. */
torch::Tensor Dense(const torch::nn::Linear & layer, const torch::Tensor & x)
{
  std::vector<std::int64_t> shape = x.sizes().vec();
  const torch::Tensor out = torch::addmm(layer->bias, x.reshape({ -1, shape.back() }), layer->weight.t());
  shape.back() = out.size(1);
  return out.view(shape);
}

} // namespace

torch::Tensor GeneGraphImpl::FirstLayer(const torch::nn::Linear & layer,
                                        const std::vector<torch::Tensor> & inputs) const
{
  // σ(Â·([x_1 … x_k, emb_g] W + b)) computed as σ((Â X) W_x + Â (E W_eᵀ + b)): the graph
  // product runs on the k input features instead of the hidden ones (same function,
  // by linearity), and the embedding term is per gene, not per pixel.
  const std::int64_t k = static_cast<std::int64_t>(inputs.size());
  const torch::Tensor w = layer->weight;            // (hidden, k + F)
  const torch::Tensor x = torch::stack(inputs, -1); // (B, G, HW, k)
  const torch::Tensor geneTerm =
    torch::mm(adjacency, torch::addmm(layer->bias, embedding, w.slice(1, k).t())); // (G, hidden)
  const torch::Tensor ax = Propagate(x);
  std::vector<std::int64_t> shape = ax.sizes().vec();
  shape.back() = w.size(0);
  return torch::mm(ax.reshape({ -1, k }), w.slice(1, 0, k).t()).view(shape) + geneTerm.unsqueeze(1);
}

torch::Tensor GeneGraphImpl::Prior(const torch::Tensor & lr, const torch::Tensor & base, const torch::Tensor & lrMask)
{
  const std::int64_t b = lr.size(0), g = lr.size(1), h = lr.size(2), w = lr.size(3);
  // Node features per pixel [lr_g, base_g, lrMask, emb_g], channels last: (B, G, HW, ·).
  const torch::Tensor h1 = F::silu(FirstLayer(
    prior1,
    { lr.reshape({ b, g, -1 }), base.reshape({ b, g, -1 }), lrMask.reshape({ b, 1, -1 }).expand({ b, g, h * w }) }));
  const torch::Tensor y = Propagate(Dense(prior2, h1)); // (B, G, HW, priorFeatures)
  return y.permute({ 0, 1, 3, 2 }).reshape({ b, -1, h, w });
}

torch::Tensor GeneGraphImpl::Mix(const torch::Tensor & eps)
{
  const std::int64_t b = eps.size(0), g = eps.size(1);
  const torch::Tensor h1 = F::silu(FirstLayer(mix1, { eps.reshape({ b, g, -1 }) }));
  const torch::Tensor y = Propagate(Dense(mix2, h1)).view(eps.sizes());
  return eps + alpha * y;
}

// ---------------------------------------------------------------------------
UNetImpl::UNetImpl(const ModelConfig & c)
  : m_Channels(c.channels)
  , m_Attention(c.useHistology)
{
  const std::int64_t levels = c.NumberOfLevels();
  const std::int64_t timeDim = 4 * c.channels;
  m_AttentionAt.assign(static_cast<std::size_t>(levels), false);
  if (m_Attention)
  {
    for (auto l : c.attentionLevels)
    {
      m_AttentionAt[static_cast<std::size_t>(l)] = true;
    }
  }
  const std::int64_t inChannels = c.NumberOfGenes() + c.ConditionMapChannels() + c.PriorChannels();
  inConv = register_module("inConv", Conv(inChannels, c.channels, 3));
  timeMlp =
    register_module("timeMlp",
                    torch::nn::Sequential(
                      torch::nn::Linear(c.channels, timeDim), torch::nn::SiLU(), torch::nn::Linear(timeDim, timeDim)));

  std::vector<std::int64_t> skips{ c.channels };
  std::int64_t ch = c.channels;
  m_Levels.resize(static_cast<std::size_t>(levels));
  for (std::int64_t l = 0; l < levels; ++l)
  {
    Level & L = m_Levels[static_cast<std::size_t>(l)];
    const std::int64_t out = c.channels * c.channelMults[static_cast<std::size_t>(l)];
    const std::int64_t side = c.patchSize >> l;
    for (std::int64_t r = 0; r < c.resBlocks; ++r)
    {
      const std::string name = "down" + std::to_string(l) + "_" + std::to_string(r);
      L.down.push_back(register_module(name, ResBlock(ch, out, timeDim)));
      ch = out;
      if (m_AttentionAt[static_cast<std::size_t>(l)])
      {
        L.downAttention.push_back(
          register_module(name + "_xattn", CrossAttention(ch, c.tokenDim, c.heads, side * side)));
      }
      skips.push_back(ch);
    }
    if (l + 1 < levels)
    {
      L.downsample = register_module("downsample" + std::to_string(l), Conv(ch, ch, 3, 2));
      skips.push_back(ch);
    }
  }
  const std::int64_t innerSide = c.patchSize >> (levels - 1);
  mid1 = register_module("mid1", ResBlock(ch, ch, timeDim));
  midSelf = register_module("midSelf", SelfAttention(ch, c.heads));
  if (m_Attention)
  {
    midCross = register_module("mid_xattn", CrossAttention(ch, c.tokenDim, c.heads, innerSide * innerSide));
  }
  mid2 = register_module("mid2", ResBlock(ch, ch, timeDim));
  for (std::int64_t l = levels - 1; l >= 0; --l)
  {
    Level & L = m_Levels[static_cast<std::size_t>(l)];
    const std::int64_t out = c.channels * c.channelMults[static_cast<std::size_t>(l)];
    const std::int64_t side = c.patchSize >> l;
    for (std::int64_t r = 0; r <= c.resBlocks; ++r)
    {
      const std::string name = "up" + std::to_string(l) + "_" + std::to_string(r);
      const std::int64_t skip = skips.back();
      skips.pop_back();
      L.up.push_back(register_module(name, ResBlock(ch + skip, out, timeDim)));
      ch = out;
      if (m_AttentionAt[static_cast<std::size_t>(l)])
      {
        L.upAttention.push_back(register_module(name + "_xattn", CrossAttention(ch, c.tokenDim, c.heads, side * side)));
      }
    }
    if (l > 0)
    {
      L.upsample = register_module("upsample" + std::to_string(l), Conv(ch, ch, 3));
    }
  }
  outNorm = register_module("outNorm", Norm(ch));
  outConv = register_module("outConv", Conv(ch, c.NumberOfGenes(), 3));
}

torch::Tensor UNetImpl::TimestepEmbedding(const torch::Tensor & t, std::int64_t dim)
{
  const std::int64_t half = dim / 2;
  const torch::Tensor freqs = torch::exp(-std::log(10000.0) * torch::arange(half, t.options().dtype(torch::kFloat32)) /
                                         static_cast<double>(half));
  const torch::Tensor args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
  torch::Tensor e = torch::cat({ torch::cos(args), torch::sin(args) }, 1);
  if (dim % 2)
  {
    e = F::pad(e, F::PadFuncOptions({ 0, 1 }));
  }
  return e;
}

torch::Tensor UNetImpl::forward(const torch::Tensor & x, const torch::Tensor & t, const Condition & cond)
{
  const torch::Tensor temb = timeMlp->forward(TimestepEmbedding(t, m_Channels));
  torch::Tensor tokens, weights;
  if (m_Attention)
  {
    const torch::Tensor tissueWeights =
      torch::ones({ cond.tissueTokens.size(0), cond.tissueTokens.size(1) }, cond.tissueTokens.options());
    if (cond.HasCellTokens())
    {
      tokens = torch::cat({ cond.cellTokens, cond.tissueTokens }, 1);
      weights = torch::cat({ cond.cellWeights, tissueWeights }, 1);
    }
    else
    {
      tokens = cond.tissueTokens;
      weights = tissueWeights;
    }
  }
  torch::Tensor h = inConv(x);
  std::vector<torch::Tensor> hs{ h };
  for (std::size_t l = 0; l < m_Levels.size(); ++l)
  {
    Level & L = m_Levels[l];
    for (std::size_t r = 0; r < L.down.size(); ++r)
    {
      h = L.down[r]->forward(h, temb);
      if (m_AttentionAt[l])
      {
        h = L.downAttention[r]->forward(h, tokens, weights);
      }
      hs.push_back(h);
    }
    if (L.downsample)
    {
      h = L.downsample(h);
      hs.push_back(h);
    }
  }
  h = mid1->forward(h, temb);
  h = midSelf->forward(h);
  if (m_Attention)
  {
    h = midCross->forward(h, tokens, weights);
  }
  h = mid2->forward(h, temb);
  for (std::size_t i = m_Levels.size(); i-- > 0;)
  {
    Level & L = m_Levels[i];
    for (std::size_t r = 0; r < L.up.size(); ++r)
    {
      h = L.up[r]->forward(torch::cat({ h, hs.back() }, 1), temb);
      hs.pop_back();
      if (m_AttentionAt[i])
      {
        h = L.upAttention[r]->forward(h, tokens, weights);
      }
    }
    if (L.upsample)
    {
      h = L.upsample(F::interpolate(
        h, F::InterpolateFuncOptions().scale_factor(std::vector<double>{ 2.0, 2.0 }).mode(torch::kNearest)));
    }
  }
  return outConv(F::silu(outNorm(h)));
}

// ---------------------------------------------------------------------------
SuperSpotNetworkImpl::SuperSpotNetworkImpl(const ModelConfig & c)
  : m_Config(c)
{
  c.Validate();
  if (c.useHistology)
  {
    histology = register_module("histology", HistologyEncoder(c));
    if (c.useCellTokens)
    {
      nullCell = register_parameter("nullCell", 0.02 * torch::randn({ c.tokenDim }));
    }
    nullTissue = register_parameter("nullTissue", 0.02 * torch::randn({ c.tokenDim }));
    nullGlobal = register_parameter("nullGlobal", 0.02 * torch::randn({ c.tokenDim }));
  }
  expression = register_module("expression", ExpressionEncoder(c));
  if (c.useHistology && c.useDisentangling)
  {
    disentangling = register_module("disentangling", DisentanglingFusion(c));
  }
  else if (c.useHistology)
  {
    fusion = register_module("fusion", PlainFusion(c));
  }
  else
  {
    expressionOnly = register_module("expressionOnly", Conv(c.expressionChannels, c.conditionChannels, 1));
  }
  if (c.useDynamicAttention)
  {
    selector = register_module("selector", DynamicTokenSelector(c));
  }
  if (c.useGeneGraph)
  {
    geneGraph = register_module("geneGraph", GeneGraph(c));
  }
  unet = register_module("unet", UNet(c));
}

Condition SuperSpotNetworkImpl::Encode(const PatchInputs & in, const torch::Tensor & dropHistology)
{
  Condition out;
  const torch::Tensor e = expression->forward(in.lr, in.base, in.lrMask);
  out.disentangleLoss = torch::zeros({}, e.options());
  if (!histology)
  {
    out.map = expressionOnly(e);
    return out;
  }
  HistologyFeatures h = histology->forward(in.cell, in.tissue);
  const std::int64_t b = e.size(0);
  torch::Tensor present = torch::ones({ b }, e.options());
  if (dropHistology.defined())
  {
    // Classifier-free guidance: the dropped patches see a zero map, the null tokens
    // (identical, so attending to them is attending to one token) and no entropy.
    const torch::Tensor drop = dropHistology.to(torch::kBool).to(e.device());
    present = drop.logical_not().to(e.dtype());
    h.dense = h.dense * present.view({ b, 1, 1, 1 });
    if (h.cellTokens.defined())
    {
      h.cellEntropy = h.cellEntropy * present.view({ b, 1 });
      h.cellTokens =
        torch::where(drop.view({ b, 1, 1 }), nullCell.view({ 1, 1, -1 }).expand_as(h.cellTokens), h.cellTokens);
    }
    h.tissueTokens =
      torch::where(drop.view({ b, 1, 1 }), nullTissue.view({ 1, 1, -1 }).expand_as(h.tissueTokens), h.tissueTokens);
    h.global = torch::where(drop.view({ b, 1 }), nullGlobal.view({ 1, -1 }).expand_as(h.global), h.global);
  }
  if (disentangling)
  {
    auto r = disentangling->forward(h.dense, e, present);
    out.map = r.first;
    out.disentangleLoss = r.second;
  }
  else
  {
    out.map = fusion->forward(h.dense, e);
  }
  out.cellTokens = h.cellTokens;
  out.tissueTokens = h.tissueTokens;
  if (selector)
  {
    selector->forward(h.cellTokens, h.cellEntropy, h.global, out);
  }
  else if (h.cellTokens.defined())
  {
    out.cellWeights = torch::ones({ b, h.cellTokens.size(1) }, e.options());
    out.cellKeep = out.cellWeights;
    out.cellScores = h.cellEntropy;
    out.keepFraction = torch::ones({ b }, e.options());
  }
  return out;
}

torch::Tensor SuperSpotNetworkImpl::Prior(const PatchInputs & in)
{
  if (!geneGraph)
  {
    return {};
  }
  return geneGraph->Prior(in.lr, in.base, in.lrMask);
}

torch::Tensor SuperSpotNetworkImpl::Denoise(const torch::Tensor & xt,
                                            const torch::Tensor & t,
                                            const Condition & cond,
                                            const torch::Tensor & prior)
{
  std::vector<torch::Tensor> inputs{ xt, cond.map };
  if (geneGraph)
  {
    inputs.push_back(prior);
  }
  torch::Tensor out = unet->forward(torch::cat(inputs, 1), t, cond);
  if (geneGraph)
  {
    out = geneGraph->Mix(out);
  }
  return out;
}

torch::Tensor SuperSpotNetworkImpl::Predict(const Condition & cond, const torch::Tensor & prior)
{
  // The same U-Net as the diffusion model's, so the baseline differs by its objective
  // alone: the noisy-map channels stay (zeros) and the time MLP sees one constant.
  const std::int64_t b = cond.map.size(0), p = m_Config.patchSize;
  const torch::Tensor zeros = torch::zeros({ b, m_Config.NumberOfGenes(), p, p }, cond.map.options());
  const torch::Tensor t = torch::full(
    { b }, ModelConfig::RegressionTimestep, torch::TensorOptions().dtype(torch::kLong).device(cond.map.device()));
  return Denoise(zeros, t, cond, prior);
}

std::int64_t CountParameters(const torch::nn::Module & module, const std::string & prefix)
{
  std::int64_t n = 0;
  for (const auto & p : module.named_parameters(true))
  {
    if (p.key().rfind(prefix, 0) == 0)
    {
      n += p.value().numel();
    }
  }
  return n;
}

} // namespace net
} // namespace ss
