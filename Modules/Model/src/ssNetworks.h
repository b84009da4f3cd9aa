#ifndef ssNetworks_h
#define ssNetworks_h

// LibTorch header, private to Modules/Model (its library, tests and benchmarks).
// Shapes are given with the batch dimension B first; G genes, P = patch size in
// HR pixels, Pq = P·cellPixelsPerBin, S = tissuePixels, Nc = (P/tileBins)² cell
// tokens, Nt = tissueTokenGrid² tissue tokens, D = tokenDim.

#include "SuperSpotModelExport.h"
#include "ssModelConfig.h"

#include <torch/torch.h>

namespace ss
{
namespace net
{

/** GroupNorm groups for `channels`: the largest divisor ≤ 32 leaving ≥ 4 channels per group. */
std::int64_t NormGroups(std::int64_t channels);

/** One batch of patches as the networks take it. */
struct PatchInputs
{
  torch::Tensor lr;     ///< (B, G, P, P) LR map on the HR grid, log1p-normalized, 0 where lrMask = 0
  torch::Tensor base;   ///< (B, G, P, P) bilinear LR map, log1p-normalized
  torch::Tensor lrMask; ///< (B, 1, P, P) 1 where a spot covers the pixel
  torch::Tensor cell;   ///< (B, 3, Pq, Pq) cell-level H&E, RGB in [0, 1] (unused without histology)
  torch::Tensor tissue; ///< (B, 3, S, S) tissue-level H&E, RGB in [0, 1] (unused without histology)
};

/** What the encoders give the denoiser. Token fields are undefined without histology;
 * the cell fields (tokens, weights, scores, keep, ρ) also without cell tokens
 * (useCellTokens off: the tissue tokens alone). */
struct SuperSpotModel_EXPORT Condition
{
  torch::Tensor map;             ///< (B, Cc, P, P) condition map at HR resolution
  torch::Tensor cellTokens;      ///< (B, Nc, D)
  torch::Tensor cellWeights;     ///< (B, Nc) attention weight: keep · σ(gate); 0 = not attended
  torch::Tensor cellScores;      ///< (B, Nc) gate logit + tile entropy (the ranking)
  torch::Tensor cellKeep;        ///< (B, Nc) 1 for the top-k cell tokens
  torch::Tensor keepFraction;    ///< (B) ρ
  torch::Tensor tissueTokens;    ///< (B, Nt, D)
  torch::Tensor disentangleLoss; ///< scalar (0 when disentangling is off)

  bool HasTokens() const { return tissueTokens.defined(); }
  bool HasCellTokens() const { return cellTokens.defined(); }
  /** Each patch's entries repeated k times in a row (patch-major: b·k + j). */
  Condition RepeatInterleave(std::int64_t k) const;
  /** Batch-wise concatenation (a's patches, then b's). */
  static Condition Cat(const Condition & a, const Condition & b);
};

/** Residual block: GroupNorm → SiLU → conv3×3 → GroupNorm with scale-shift from the
 * time embedding (when timeDim > 0) → SiLU → conv3×3, plus a (1×1) skip. */
class ResBlockImpl : public torch::nn::Module
{
public:
  ResBlockImpl(std::int64_t in, std::int64_t out, std::int64_t timeDim);
  /** x: (B, in, H, W); temb: (B, timeDim) or undefined → (B, out, H, W). */
  torch::Tensor forward(const torch::Tensor & x, const torch::Tensor & temb = {});

private:
  torch::nn::GroupNorm norm1{ nullptr }, norm2{ nullptr };
  torch::nn::Conv2d conv1{ nullptr }, conv2{ nullptr }, skip{ nullptr };
  torch::nn::Linear time{ nullptr };
};
TORCH_MODULE(ResBlock);

/** Hierarchical histology encoding (the cell tokens and entropy are undefined
 * without cell tokens). */
struct HistologyFeatures
{
  torch::Tensor dense;        ///< (B, Ch, P, P) cell-level features at HR resolution
  torch::Tensor cellTokens;   ///< (B, Nc, D), one per cell tile, with position embedding
  torch::Tensor cellEntropy;  ///< (B, Nc) Shannon entropy of the tile's grey-level histogram ÷ log(bins), in [0, 1]
  torch::Tensor tissueTokens; ///< (B, Nt, D) with position embedding
  torch::Tensor global;       ///< (B, D) global tissue context
};

/** CNN over the cell-level image (dense map + one token per tile) and a CNN over
 * the tissue context (tokens + a global vector). */
class HistologyEncoderImpl : public torch::nn::Module
{
public:
  explicit HistologyEncoderImpl(const ModelConfig & c);
  /** cell: (B, 3, Pq, Pq), tissue: (B, 3, S, S), RGB in [0, 1]. */
  HistologyFeatures forward(const torch::Tensor & cell, const torch::Tensor & tissue);
  /** Per-tile grey-level entropy of the cell image: (B, Nc) in [0, 1]. No parameters. */
  torch::Tensor TileEntropy(const torch::Tensor & cell) const;

private:
  std::int64_t m_TileBins, m_Q, m_Bins;
  bool m_CellTokens;
  torch::nn::Sequential cellStem{ nullptr }, tissueStem{ nullptr };
  torch::nn::ModuleList cellBlocks{ nullptr }, tissueBlocks{ nullptr };
  torch::nn::Linear cellToken{ nullptr }, tissueToken{ nullptr };
  torch::nn::LayerNorm cellTokenNorm{ nullptr }, tissueTokenNorm{ nullptr };
  torch::Tensor cellPosition, tissuePosition;
  torch::nn::Sequential globalMlp{ nullptr };
};
TORCH_MODULE(HistologyEncoder);

/** CNN over [lr, base, lrMask]: (B, 2G+1, P, P) → (B, Ce, P, P). */
class ExpressionEncoderImpl : public torch::nn::Module
{
public:
  explicit ExpressionEncoderImpl(const ModelConfig & c);
  torch::Tensor forward(const torch::Tensor & lr, const torch::Tensor & base, const torch::Tensor & lrMask);

private:
  torch::nn::Conv2d stem{ nullptr };
  torch::nn::ModuleList blocks{ nullptr };
};
TORCH_MODULE(ExpressionEncoder);

/** Multi-modal disentangling with cross-modal adaptive modulation. Each modality is
 * projected (1×1) into a shared and a specific part; each specific part
 * FiLM-modulates the other (h ← h ⊙ (1 + γ(e)) + β(e), e likewise); the condition
 * map is [ (h_sh + e_sh)/2, h_sp', e_sp' ] (3·Cc channels). */
class DisentanglingFusionImpl : public torch::nn::Module
{
public:
  explicit DisentanglingFusionImpl(const ModelConfig & c);
  /** h: (B, Ch, P, P), e: (B, Ce, P, P), present: (B) 1 where the histology is real
   * (not dropped for guidance). Returns the map (B, 3Cc, P, P) and the loss: mean
   * over present patches and pixels of (1 − cos(h_sh, e_sh)) + cos²(h_sp, h_sh) +
   * cos²(e_sp, e_sh) + cos²(h_sp, e_sp). */
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor & h,
                                                  const torch::Tensor & e,
                                                  const torch::Tensor & present);

private:
  torch::nn::Conv2d histShared{ nullptr }, histSpecific{ nullptr }, exprShared{ nullptr }, exprSpecific{ nullptr };
  torch::nn::Conv2d filmHist{ nullptr }, filmExpr{ nullptr };
};
TORCH_MODULE(DisentanglingFusion);

/** The ablation without disentangling: [proj(h), proj(e)] (2·Cc channels). */
class PlainFusionImpl : public torch::nn::Module
{
public:
  explicit PlainFusionImpl(const ModelConfig & c);
  torch::Tensor forward(const torch::Tensor & h, const torch::Tensor & e);

private:
  torch::nn::Conv2d hist{ nullptr }, expr{ nullptr };
};
TORCH_MODULE(PlainFusion);

/** The dynamic part of the cross-attention: a learned gate per cell token plus its
 * entropy ranks the tokens; a data-dependent fraction ρ = ρ_min + (1 − ρ_min)·σ(MLP(global))
 * of them (the top k = ⌈ρ·Nc⌉) is attended, weighted by σ(gate). The hard top-k
 * mask is used forward; its gradient is that of a soft rank threshold
 * σ(ρ·Nc − rank − ½) (straight-through), so the ρ MLP learns as well as the gates. */
class DynamicTokenSelectorImpl : public torch::nn::Module
{
public:
  explicit DynamicTokenSelectorImpl(const ModelConfig & c);
  /** tokens (B, Nc, D), entropy (B, Nc), global (B, D) → fills weights, scores, keep, ρ of `out`. */
  void forward(const torch::Tensor & tokens,
               const torch::Tensor & entropy,
               const torch::Tensor & global,
               Condition & out);

private:
  double m_MinFraction;
  torch::nn::Sequential gate{ nullptr }, fraction{ nullptr };
};
TORCH_MODULE(DynamicTokenSelector);

/** Cross-attention of U-Net features (queries, one per pixel, with a learned
 * position embedding) to the cell + tissue tokens, each key weighted
 * multiplicatively (cell: its selector weight; tissue: 1; weight 0 = masked). */
class CrossAttentionImpl : public torch::nn::Module
{
public:
  CrossAttentionImpl(std::int64_t channels, std::int64_t tokenDim, std::int64_t heads, std::int64_t pixels);
  /** x: (B, C, H, W); tokens (B, N, D); weights (B, N) → x + attention. */
  torch::Tensor forward(const torch::Tensor & x, const torch::Tensor & tokens, const torch::Tensor & weights);

private:
  std::int64_t m_Heads;
  torch::nn::GroupNorm norm{ nullptr };
  torch::nn::Linear q{ nullptr }, k{ nullptr }, v{ nullptr }, out{ nullptr };
  torch::Tensor queryPosition;
};
TORCH_MODULE(CrossAttention);

/** Multi-head self-attention over the pixels of a feature map (U-Net middle). */
class SelfAttentionImpl : public torch::nn::Module
{
public:
  SelfAttentionImpl(std::int64_t channels, std::int64_t heads);
  torch::Tensor forward(const torch::Tensor & x);

private:
  std::int64_t m_Heads;
  torch::nn::GroupNorm norm{ nullptr };
  torch::nn::Conv2d qkv{ nullptr }, out{ nullptr };
};
TORCH_MODULE(SelfAttention);

/** The co-expression gene graph: genes are nodes, Â = D^-½(A+I)D^-½ (a buffer, from
 * the config); learned gene embeddings (G, F). Graph convolutions run per pixel
 * over the gene axis: H ← Â·H·W. */
class GeneGraphImpl : public torch::nn::Module
{
public:
  explicit GeneGraphImpl(const ModelConfig & c);
  /** The gene-graph prior: two graph convolutions over node features
   * [lr_g, base_g, lrMask, emb_g] → (B, G·priorFeatures, P, P). */
  torch::Tensor Prior(const torch::Tensor & lr, const torch::Tensor & base, const torch::Tensor & lrMask);
  /** Mixes the denoiser's per-gene outputs: ε + α·GCN([ε_g, emb_g]); (B, G, P, P). */
  torch::Tensor Mix(const torch::Tensor & eps);
  /** Â·X over the gene axis of X (B, G, …). */
  torch::Tensor Propagate(const torch::Tensor & x) const;

private:
  /** σ-less first layer Â·([inputs…, emb_g] W + b) → (B, G, HW, hidden); inputs (B, G, HW). */
  torch::Tensor FirstLayer(const torch::nn::Linear & layer, const std::vector<torch::Tensor> & inputs) const;

  torch::Tensor adjacency, embedding, alpha;
  torch::nn::Linear prior1{ nullptr }, prior2{ nullptr }, mix1{ nullptr }, mix2{ nullptr };
};
TORCH_MODULE(GeneGraph);

/** The denoiser: U-Net with a sinusoidal timestep embedding → MLP, residual blocks
 * with scale-shift GroupNorm, strided-conv down / nearest+conv up sampling, skip
 * connections, self-attention in the middle and cross-attention to the histology
 * tokens at config.attentionLevels. Input (B, G + Cc + Cg, P, P) → (B, G, P, P). */
class UNetImpl : public torch::nn::Module
{
public:
  explicit UNetImpl(const ModelConfig & c);
  torch::Tensor forward(const torch::Tensor & x, const torch::Tensor & t, const Condition & cond);
  /** Sinusoidal embedding of timesteps t (B) → (B, dim). */
  static torch::Tensor TimestepEmbedding(const torch::Tensor & t, std::int64_t dim);

private:
  struct Level
  {
    std::vector<ResBlock> down, up;
    std::vector<CrossAttention> downAttention, upAttention;
    torch::nn::Conv2d downsample{ nullptr }, upsample{ nullptr };
  };
  std::int64_t m_Channels;
  bool m_Attention;
  std::vector<bool> m_AttentionAt;
  torch::nn::Conv2d inConv{ nullptr }, outConv{ nullptr };
  torch::nn::Sequential timeMlp{ nullptr };
  std::vector<Level> m_Levels;
  ResBlock mid1{ nullptr }, mid2{ nullptr };
  SelfAttention midSelf{ nullptr };
  CrossAttention midCross{ nullptr };
  torch::nn::GroupNorm outNorm{ nullptr };
};
TORCH_MODULE(UNet);

/** The whole model: encoders, conditioning, gene graph and denoiser. Parts switched
 * off in the config are not constructed (no parameters). Top-level names:
 * histology, expression, disentangling | fusion, selector, nullCell / nullTissue /
 * nullGlobal (guidance), geneGraph, unet. */
class SuperSpotNetworkImpl : public torch::nn::Module
{
public:
  explicit SuperSpotNetworkImpl(const ModelConfig & c);

  /** Encodes a batch. dropHistology: (B) bool, true where the histology is replaced
   * by the learned null tokens and a zero map (classifier-free guidance); undefined
   * = keep all. */
  Condition Encode(const PatchInputs & in, const torch::Tensor & dropHistology = {});
  /** The gene-graph prior (B, Cg, P, P); undefined when the gene graph is off. */
  torch::Tensor Prior(const PatchInputs & in);
  /** x_t (B, G, P, P), t (B) int64 → ε or v (B, G, P, P). */
  torch::Tensor Denoise(const torch::Tensor & xt,
                        const torch::Tensor & t,
                        const Condition & cond,
                        const torch::Tensor & prior);
  /** The regression objective's prediction of x0 (B, G, P, P), model space: Denoise of
   * a zero noisy map at ModelConfig::RegressionTimestep (one deterministic pass). */
  torch::Tensor Predict(const Condition & cond, const torch::Tensor & prior);

  const ModelConfig & Config() const { return m_Config; }

private:
  ModelConfig m_Config;
  HistologyEncoder histology{ nullptr };
  ExpressionEncoder expression{ nullptr };
  DisentanglingFusion disentangling{ nullptr };
  PlainFusion fusion{ nullptr };
  torch::nn::Conv2d expressionOnly{ nullptr };
  DynamicTokenSelector selector{ nullptr };
  torch::Tensor nullCell, nullTissue, nullGlobal;
  GeneGraph geneGraph{ nullptr };
  UNet unet{ nullptr };
};
TORCH_MODULE(SuperSpotNetwork);

/** Number of parameter elements whose name starts with `prefix` ("" = all). */
SuperSpotModel_EXPORT std::int64_t CountParameters(const torch::nn::Module & module, const std::string & prefix = "");

} // namespace net
} // namespace ss

#endif
