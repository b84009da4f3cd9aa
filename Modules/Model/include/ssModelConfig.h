#ifndef ssModelConfig_h
#define ssModelConfig_h

#include "SuperSpotModelExport.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** How counts became log1p-normalized values (Documentation/Architecture.md,
 * "Expression scales"). The model only ever sees normalized values; these
 * parameters travel with it so that inputs at prediction time are normalized
 * the way the training data were. */
struct SuperSpotModel_EXPORT NormalizationConfig
{
  /** "library": v = log1p(count / spot total over all genes × targetSum);
   *  "density": v = log1p(count × referenceAreaUm2 / area in µm²). */
  std::string mode = "library";
  double targetSum = 1e4;
  double referenceAreaUm2 = 100.0;
  /** HR pixel spacing the model was trained at, µm (0 = not recorded). */
  double resolutionUm = 0.0;
  /** LR spot pitch ÷ HR spacing the model was trained at (0 = not recorded). */
  double factor = 0.0;
};

/** The diffusion process and how it is sampled. */
struct SuperSpotModel_EXPORT DiffusionConfig
{
  std::string schedule = "linear";  ///< linear | cosine β schedule
  std::int64_t timesteps = 1000;    ///< T
  std::string target = "eps";       ///< eps | v: what the denoiser predicts
  std::string loss = "charbonnier"; ///< charbonnier | mse, on the valid HR pixels
  double charbonnierEpsilon = 1e-3;
  std::string sampler = "ddim"; ///< ddim | ddpm (ancestral, respaced)
  std::int64_t samplingSteps = 20;
  double eta = 0.0; ///< DDIM stochasticity (0 = deterministic given x_T)
  /** Training: probability of dropping the histology condition (classifier-free guidance). */
  double cfgDropProbability = 0.1;
  /** Sampling: ε = ε_u + w (ε_c − ε_u); w = 1 is the plain conditional model. */
  double guidanceScale = 1.0;
  /** Predicted x0 is clamped to [−x0Clip, x0Clip] in model space (residual ÷ s_g) at
   * each sampling step; 8 standard deviations keep real outliers and stop runaway
   * early steps. 0 disables clipping. */
  double x0Clip = 8.0;
  /** λ of the disentangling loss added to the denoising loss. */
  double disentangleWeight = 0.01;
};

/** The co-expression gene graph: D^-½(A+I)D^-½ over the G genes, from the
 * Pearson correlation of the training HR maps (see ComputeCoexpressionGraph). */
struct SuperSpotModel_EXPORT GeneGraphConfig
{
  /** Positive edges kept per gene (the k most correlated). */
  std::int64_t topK = 8;
  /** Minimum correlation of an edge. */
  double minCorrelation = 0.1;
  /** Normalized adjacency, G×G row-major (empty until computed from data; the
   * identity is used then). Stored in config.json as an edge list. */
  std::vector<float> adjacency;
};

/** \class ModelConfig
 * \brief Everything that defines a SuperSpot model: genes, grids, architecture,
 * ablation switches, diffusion, normalization, per-gene residual scales, gene graph.
 *
 * Saved as config.json beside model.safetensors. Sizes are in HR pixels unless
 * stated; the input shapes a patch has follow from them:
 *  - maps (lr, base, x_t): (G, P, P), P = patchSize;
 *  - cell-level H&E: (3, P·q, P·q), q = cellPixelsPerBin; a cell tile is
 *    tileBins × tileBins HR pixels, (P/tileBins)² cell tokens;
 *  - tissue-level H&E: (3, S, S), S = tissuePixels, one pixel = tissueBinsPerPixel
 *    HR pixels; (tissueTokenGrid)² tissue tokens.
 */
struct SuperSpotModel_EXPORT ModelConfig
{
  std::string superspotVersion; ///< version that wrote the model (set by the constructor)
  std::string preset = "small";
  /** What the network learns (same encoders, conditioning, gene graph and U-Net either way):
   *  - "diffusion": the conditional diffusion model (denoiser of x_t at timestep t);
   *  - "regression": the deterministic baseline. The U-Net's noisy-map input is zeros and
   *    its timestep is fixed at RegressionTimestep; it predicts x0 (model space) directly,
   *    trained with a masked MSE (+ the disentangling term), no noise, no guidance drops.
   *    Of `diffusion` only disentangleWeight applies; sampling is one deterministic pass.
   * Absent from config.json (files written before it existed): "diffusion". */
  std::string objective = "diffusion";
  std::vector<std::string> genes;

  // Grids.
  std::int64_t patchSize = 32;
  std::int64_t cellPixelsPerBin = 4;
  std::int64_t tileBins = 4;
  std::int64_t tissuePixels = 32;
  std::int64_t tissueBinsPerPixel = 4;
  std::int64_t tissueTokenGrid = 8;

  // Denoiser U-Net.
  std::int64_t channels = 32;
  std::vector<std::int64_t> channelMults{ 1, 2, 2 };
  std::int64_t resBlocks = 1;
  /** U-Net levels (0 = full resolution) with cross-attention to the histology tokens. */
  std::vector<std::int64_t> attentionLevels{ 1, 2 };
  std::int64_t heads = 4;
  std::int64_t tokenDim = 64;

  // Encoders and conditioning.
  std::int64_t histologyChannels = 32;
  std::int64_t expressionChannels = 32;
  std::int64_t encoderResBlocks = 1;
  std::int64_t conditionChannels = 32;
  std::int64_t entropyBins = 16;
  std::int64_t geneEmbeddingDim = 8;
  std::int64_t graphHiddenDim = 16;
  /** Gene-graph prior features per gene: the prior map has G·priorFeatures channels. */
  std::int64_t priorFeatures = 1;

  // Ablation switches: a part that is off has no parameters at all.
  bool useHistology = true;        ///< histology encoder + cross-attention (off: expression only)
  bool useDisentangling = true;    ///< shared/specific split + cross-modal FiLM (off: plain fusion)
  bool useDynamicAttention = true; ///< gated data-dependent top-k of cell tokens (off: all tokens)
  /** Cell-level tokens in the cross-attention (off: the tissue tokens alone, one fixed
   * histology scale; the cell-level features still enter the condition map). Ignored
   * without histology; useDynamicAttention needs it (the selector ranks cell tokens). */
  bool useCellTokens = true;
  bool useGeneGraph = true; ///< gene-graph prior + graph output layer
  /** ρ_min: the fraction of cell tokens kept is ρ_min + (1 − ρ_min)·σ(MLP(global)). */
  double dynamicMinFraction = 0.25;

  DiffusionConfig diffusion;
  double emaDecay = 0.999;
  NormalizationConfig normalization;
  /** s_g: standard deviation of the residual HR − base per gene over the training
   * pixels (empty = not computed yet: 1 is used). Model space x = (v − base) / s. */
  std::vector<float> residualScales;
  GeneGraphConfig geneGraph;

  /** The timestep a regression model's U-Net always sees. 0 rather than T − 1: its
   * embedding does not depend on diffusion.timesteps, which a regression model does not
   * use (any constant works: the time MLP then learns one fixed scale-shift per block). */
  static constexpr std::int64_t RegressionTimestep = 0;

  ModelConfig();

  bool IsRegression() const { return objective == "regression"; }

  std::int64_t NumberOfGenes() const { return static_cast<std::int64_t>(genes.size()); }
  std::int64_t CellImageSize() const { return patchSize * cellPixelsPerBin; }
  std::int64_t NumberOfCellTokens() const { return (patchSize / tileBins) * (patchSize / tileBins); }
  std::int64_t NumberOfTissueTokens() const { return tissueTokenGrid * tissueTokenGrid; }
  std::int64_t NumberOfLevels() const { return static_cast<std::int64_t>(channelMults.size()); }
  /** Channels of the condition map the encoders give the denoiser (Cc). */
  std::int64_t ConditionMapChannels() const;
  /** Channels of the gene-graph prior map (Cg; 0 when the gene graph is off). */
  std::int64_t PriorChannels() const { return useGeneGraph ? NumberOfGenes() * priorFeatures : 0; }
  /** s_g, or 1 for every gene when the scales are not computed yet. */
  std::vector<float> ResidualScalesOrOnes() const;
  /** Â, or the identity when the graph is not computed yet. */
  std::vector<float> AdjacencyOrIdentity() const;

  /** Throws InputError naming `source` (a file, or "model configuration") and the
   * field at the first inconsistency. */
  void Validate(const std::string & source = "model configuration") const;

  nlohmann::json ToJSON() const;
  /** Parses and validates; unknown keys are errors (a typo must not silently
   * fall back to a default). */
  static ModelConfig FromJSON(const nlohmann::json & j, const std::string & source = "config.json");

  /** "small" (default; trains on 2 CPU cores in minutes), "medium", "paper" (the
   * reference implementation's sizes, for a GPU). */
  static ModelConfig Preset(const std::string & name, const std::vector<std::string> & genes);
  static std::vector<std::string> PresetNames();

  /** Turns this configuration into a named variant of the benchmark's comparison
   * (BENCHMARK.md protocols 1-2), changing only the fields of the part it names, so
   * variants compose ("regression" then "no-gene-graph": a regression model without
   * the gene graph) and everything else (sizes, diffusion, statistics) is kept:
   *  - "full": the diffusion objective with every part on;
   *  - "regression": objective "regression" (the deterministic baseline, same backbone);
   *  - "no-disentangling": useDisentangling off (plain fusion of the two modalities);
   *  - "no-dynamic-attention": useDynamicAttention and useCellTokens off, i.e. the
   *    cross-attention sees one fixed histology scale, the tissue tokens;
   *  - "no-gene-graph": useGeneGraph off;
   *  - "no-histology": useHistology off (and the parts that need it: disentangling,
   *    dynamic attention).
   * Unknown names are an InputError listing VariantNames(). */
  void ApplyVariant(const std::string & name);
  static std::vector<std::string> VariantNames();
  /** The variant ApplyVariant makes of a "full" configuration with the same objective
   * and part switches as this one, or "custom" for any other combination. */
  std::string VariantName() const;
};

/** Throws InputError listing every model gene missing from `genesOfSlide` (the
 * model needs all of them, in any order). `source` names the slide. */
SuperSpotModel_EXPORT void CheckGenes(const ModelConfig & config,
                                      const std::vector<std::string> & genesOfSlide,
                                      const std::string & source = "input");

/** Index in `genesOfSlide` of each model gene (after CheckGenes). */
SuperSpotModel_EXPORT std::vector<std::size_t> GeneIndices(const ModelConfig & config,
                                                           const std::vector<std::string> & genesOfSlide);

} // namespace ss

#endif
