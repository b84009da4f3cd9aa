#include "ssModelConfig.h"

#include "ssError.h"
#include "ssVersion.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <tuple>

namespace ss
{

namespace
{

bool IsPowerOfTwo(std::int64_t v)
{
  return v > 0 && (v & (v - 1)) == 0;
}

std::string Join(const std::vector<std::string> & items, std::size_t maxItems)
{
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < maxItems; ++i)
  {
    s += (i ? ", " : "") + items[i];
  }
  if (items.size() > maxItems)
  {
    s += ", … (" + std::to_string(items.size()) + " in all)";
  }
  return s;
}

/** Reads the members of one JSON object and refuses keys nobody asked for, so a
 * misspelt option is an error rather than a silent default. */
class ObjectReader
{
public:
  ObjectReader(const nlohmann::json & object, std::string source, std::string path)
    : m_Object(object)
    , m_Source(std::move(source))
    , m_Path(std::move(path))
  {
    if (!m_Object.is_object())
    {
      SS_INPUT_ERROR(m_Source, Name(""), "is not a JSON object", "check the file was written by SuperSpot");
    }
  }

  template<typename T>
  void Optional(const std::string & key, T & value)
  {
    m_Seen.insert(key);
    const auto it = m_Object.find(key);
    if (it == m_Object.end())
    {
      return;
    }
    try
    {
      value = it->template get<T>();
    }
    catch (const nlohmann::json::exception &)
    {
      SS_INPUT_ERROR(m_Source,
                     Name(key),
                     "has the wrong type (" + std::string(it->type_name()) + ")",
                     "check the file was written by SuperSpot");
    }
  }

  template<typename T>
  void Required(const std::string & key, T & value)
  {
    if (m_Object.find(key) == m_Object.end())
    {
      SS_INPUT_ERROR(m_Source, Name(key), "is missing", "check the file was written by SuperSpot");
    }
    Optional(key, value);
  }

  ObjectReader Child(const std::string & key)
  {
    m_Seen.insert(key);
    const auto it = m_Object.find(key);
    static const nlohmann::json empty = nlohmann::json::object();
    return ObjectReader(it == m_Object.end() ? empty : *it, m_Source, Name(key));
  }

  const nlohmann::json * Find(const std::string & key)
  {
    m_Seen.insert(key);
    const auto it = m_Object.find(key);
    return it == m_Object.end() ? nullptr : &*it;
  }

  void RefuseUnknown() const
  {
    for (const auto & item : m_Object.items())
    {
      if (!m_Seen.count(item.key()))
      {
        SS_INPUT_ERROR(m_Source, Name(item.key()), "is not a model option", "remove it or check its spelling");
      }
    }
  }

  std::string Name(const std::string & key) const
  {
    if (m_Path.empty())
    {
      return key;
    }
    return key.empty() ? m_Path : m_Path + "." + key;
  }

private:
  const nlohmann::json & m_Object;
  std::string m_Source;
  std::string m_Path;
  std::set<std::string> m_Seen;
};

struct Version
{
  int major = 0, minor = 0, patch = 0;
};

Version ParseVersion(const std::string & text, const std::string & source)
{
  Version v;
  char dot1 = 0, dot2 = 0;
  std::istringstream in(text);
  in >> v.major >> dot1 >> v.minor >> dot2 >> v.patch;
  if (!in || dot1 != '.' || dot2 != '.' || v.major < 0 || v.minor < 0 || v.patch < 0)
  {
    SS_INPUT_ERROR(source,
                   "superspotVersion",
                   "'" + text + "' is not a version MAJOR.MINOR.PATCH",
                   "check the file was written by SuperSpot");
  }
  return v;
}

/** The oldest model format this build reads (the format changes with MAJOR.MINOR). */
constexpr int OldestMajor = 0;
constexpr int OldestMinor = 1;

/** Brings a config written by an older SuperSpot to this version's layout. Each
 * format change adds a step here; there is none yet, so anything older than the
 * oldest format is refused instead of being guessed at. */
void MigrateConfig(nlohmann::json & j, const Version & v, const std::string & source)
{
  if (v.major < OldestMajor || (v.major == OldestMajor && v.minor < OldestMinor))
  {
    SS_INPUT_ERROR(source,
                   "superspotVersion",
                   "model format " + std::to_string(v.major) + "." + std::to_string(v.minor) +
                     " predates the oldest this build reads (" + std::to_string(OldestMajor) + "." +
                     std::to_string(OldestMinor) + ")",
                   "retrain the model with this SuperSpot");
  }
  j["superspotVersion"] = SUPERSPOT_VERSION;
}

} // namespace

ModelConfig::ModelConfig()
  : superspotVersion(SUPERSPOT_VERSION)
{
}

std::int64_t ModelConfig::ConditionMapChannels() const
{
  if (!useHistology)
  {
    return conditionChannels;
  }
  // Disentangled: shared + both modulated specific parts; plain fusion: both projections.
  return useDisentangling ? 3 * conditionChannels : 2 * conditionChannels;
}

std::vector<float> ModelConfig::ResidualScalesOrOnes() const
{
  return residualScales.empty() ? std::vector<float>(genes.size(), 1.0f) : residualScales;
}

std::vector<float> ModelConfig::AdjacencyOrIdentity() const
{
  if (!geneGraph.adjacency.empty())
  {
    return geneGraph.adjacency;
  }
  const std::size_t g = genes.size();
  std::vector<float> a(g * g, 0.0f);
  for (std::size_t i = 0; i < g; ++i)
  {
    a[i * g + i] = 1.0f;
  }
  return a;
}

void ModelConfig::Validate(const std::string & source) const
{
  const auto fail = [&source](const std::string & field, const std::string & problem, const std::string & fix)
  { SS_INPUT_ERROR(source, field, problem, fix); };
  const auto positive = [&fail](const std::string & field, std::int64_t v)
  {
    if (v <= 0)
    {
      fail(field, "must be positive (is " + std::to_string(v) + ")", "set a positive value");
    }
  };
  if (objective != "diffusion" && objective != "regression")
  {
    fail("objective", "'" + objective + "' is not an objective", "use diffusion or regression");
  }
  if (genes.empty())
  {
    fail("genes", "the model has no genes", "train the model on a gene panel");
  }
  std::set<std::string> seen;
  for (const auto & g : genes)
  {
    if (g.empty())
    {
      fail("genes", "has an empty gene name", "check the gene panel");
    }
    if (!seen.insert(g).second)
    {
      fail("genes", "gene '" + g + "' appears twice", "remove the duplicate from the gene panel");
    }
  }
  positive("patchSize", patchSize);
  positive("cellPixelsPerBin", cellPixelsPerBin);
  positive("tileBins", tileBins);
  positive("tissuePixels", tissuePixels);
  positive("tissueBinsPerPixel", tissueBinsPerPixel);
  positive("tissueTokenGrid", tissueTokenGrid);
  positive("channels", channels);
  positive("resBlocks", resBlocks);
  positive("heads", heads);
  positive("tokenDim", tokenDim);
  positive("histologyChannels", histologyChannels);
  positive("expressionChannels", expressionChannels);
  positive("encoderResBlocks", encoderResBlocks);
  positive("conditionChannels", conditionChannels);
  positive("geneEmbeddingDim", geneEmbeddingDim);
  positive("graphHiddenDim", graphHiddenDim);
  positive("priorFeatures", priorFeatures);
  if (entropyBins < 2)
  {
    fail("entropyBins", "must be at least 2", "use e.g. 16 histogram bins");
  }
  if (channelMults.empty())
  {
    fail("channelMults", "is empty", "give one channel multiplier per U-Net level, e.g. [1, 2, 2]");
  }
  for (auto m : channelMults)
  {
    positive("channelMults", m);
  }
  const std::int64_t levels = NumberOfLevels();
  const std::int64_t reduction = std::int64_t{ 1 } << (levels - 1);
  if (patchSize % reduction != 0)
  {
    fail("patchSize",
         std::to_string(patchSize) + " is not divisible by 2^(levels-1) = " + std::to_string(reduction),
         "use a patch size that halves evenly at every U-Net level");
  }
  if (patchSize % tileBins != 0)
  {
    fail("tileBins",
         std::to_string(tileBins) + " does not divide patchSize " + std::to_string(patchSize),
         "use a divisor of the patch size");
  }
  if (!IsPowerOfTwo(cellPixelsPerBin))
  {
    fail(
      "cellPixelsPerBin", "must be a power of two (is " + std::to_string(cellPixelsPerBin) + ")", "use 1, 2, 4 or 8");
  }
  if (tissuePixels % tissueTokenGrid != 0 || !IsPowerOfTwo(tissuePixels / tissueTokenGrid))
  {
    fail("tissueTokenGrid",
         std::to_string(tissueTokenGrid) + " must divide tissuePixels " + std::to_string(tissuePixels) +
           " by a power of two",
         "use e.g. tissuePixels/4");
  }
  std::set<std::int64_t> levelSet;
  for (auto l : attentionLevels)
  {
    if (l < 0 || l >= levels)
    {
      fail("attentionLevels",
           "level " + std::to_string(l) + " is outside 0.." + std::to_string(levels - 1),
           "use U-Net level indices");
    }
    if (!levelSet.insert(l).second)
    {
      fail("attentionLevels", "level " + std::to_string(l) + " appears twice", "list each level once");
    }
  }
  if (tokenDim % heads != 0)
  {
    fail("tokenDim",
         std::to_string(tokenDim) + " is not divisible by heads " + std::to_string(heads),
         "use a multiple of the head count");
  }
  if (!useHistology && useDisentangling)
  {
    fail("useDisentangling",
         "needs useHistology (there is no second modality to disentangle)",
         "turn useDisentangling off too");
  }
  if (!useHistology && useDynamicAttention)
  {
    fail(
      "useDynamicAttention", "needs useHistology (there are no histology tokens)", "turn useDynamicAttention off too");
  }
  if (useHistology && useDynamicAttention && !useCellTokens)
  {
    fail("useDynamicAttention",
         "needs useCellTokens (the dynamic selection ranks the cell tokens)",
         "turn useDynamicAttention off too");
  }
  if (useHistology && attentionLevels.empty())
  {
    fail("attentionLevels",
         "is empty while useHistology is on (the histology tokens would be unused)",
         "list at least one U-Net level");
  }
  if (!(dynamicMinFraction > 0.0 && dynamicMinFraction <= 1.0))
  {
    fail("dynamicMinFraction", "must lie in (0, 1]", "use e.g. 0.25");
  }
  const DiffusionConfig & d = diffusion;
  if (d.schedule != "linear" && d.schedule != "cosine")
  {
    fail("diffusion.schedule", "'" + d.schedule + "' is not a schedule", "use linear or cosine");
  }
  if (d.timesteps < 2)
  {
    fail("diffusion.timesteps", "must be at least 2", "use 1000");
  }
  if (d.target != "eps" && d.target != "v")
  {
    fail("diffusion.target", "'" + d.target + "' is not a target", "use eps or v");
  }
  if (d.loss != "charbonnier" && d.loss != "mse")
  {
    fail("diffusion.loss", "'" + d.loss + "' is not a loss", "use charbonnier or mse");
  }
  if (!(d.charbonnierEpsilon > 0))
  {
    fail("diffusion.charbonnierEpsilon", "must be positive", "use 1e-3");
  }
  if (d.sampler != "ddim" && d.sampler != "ddpm")
  {
    fail("diffusion.sampler", "'" + d.sampler + "' is not a sampler", "use ddim or ddpm");
  }
  if (d.samplingSteps < 1 || d.samplingSteps > d.timesteps)
  {
    fail("diffusion.samplingSteps", "must lie in 1.." + std::to_string(d.timesteps), "use e.g. 20");
  }
  if (!(d.eta >= 0))
  {
    fail("diffusion.eta", "must be non-negative", "use 0 (deterministic DDIM) to 1");
  }
  if (!(d.cfgDropProbability >= 0 && d.cfgDropProbability < 1))
  {
    fail("diffusion.cfgDropProbability", "must lie in [0, 1)", "use e.g. 0.1");
  }
  if (!(d.guidanceScale >= 0))
  {
    fail("diffusion.guidanceScale", "must be non-negative", "use 1 for no guidance");
  }
  if (!(d.x0Clip >= 0))
  {
    fail("diffusion.x0Clip", "must be non-negative", "use 0 to disable clipping");
  }
  if (!(d.disentangleWeight >= 0))
  {
    fail("diffusion.disentangleWeight", "must be non-negative", "use e.g. 0.01");
  }
  if (!(emaDecay >= 0 && emaDecay < 1))
  {
    fail("emaDecay", "must lie in [0, 1)", "use e.g. 0.999");
  }
  const NormalizationConfig & n = normalization;
  if (n.mode != "library" && n.mode != "density")
  {
    fail("normalization.mode", "'" + n.mode + "' is not a normalization", "use library or density");
  }
  if (!(n.targetSum > 0) || !(n.referenceAreaUm2 > 0) || !(n.resolutionUm >= 0) || !(n.factor >= 0))
  {
    fail("normalization", "has a non-positive parameter", "use the values SuperSpot wrote");
  }
  const auto g = genes.size();
  if (!residualScales.empty())
  {
    if (residualScales.size() != g)
    {
      fail("residualScales",
           "has " + std::to_string(residualScales.size()) + " values for " + std::to_string(g) + " genes",
           "recompute the scales from the training data");
    }
    for (float s : residualScales)
    {
      if (!(std::isfinite(s) && s > 0))
      {
        fail("residualScales", "has a non-positive or non-finite scale", "recompute the scales from the training data");
      }
    }
  }
  if (geneGraph.topK < 1)
  {
    fail("geneGraph.topK", "must be at least 1", "use e.g. 8");
  }
  if (!(geneGraph.minCorrelation >= -1 && geneGraph.minCorrelation <= 1))
  {
    fail("geneGraph.minCorrelation", "must lie in [-1, 1]", "use e.g. 0.1");
  }
  if (!geneGraph.adjacency.empty())
  {
    if (geneGraph.adjacency.size() != g * g)
    {
      fail("geneGraph",
           "adjacency has " + std::to_string(geneGraph.adjacency.size()) + " entries for " + std::to_string(g) +
             " genes",
           "recompute the gene graph");
    }
    for (std::size_t i = 0; i < g; ++i)
    {
      for (std::size_t j = 0; j < g; ++j)
      {
        const float a = geneGraph.adjacency[i * g + j];
        if (!std::isfinite(a) || a < 0 || std::abs(a - geneGraph.adjacency[j * g + i]) > 1e-5f)
        {
          fail("geneGraph", "adjacency is not symmetric, non-negative and finite", "recompute the gene graph");
        }
      }
    }
  }
}

nlohmann::json ModelConfig::ToJSON() const
{
  nlohmann::json j;
  j["superspotVersion"] = superspotVersion;
  j["preset"] = preset;
  j["objective"] = objective;
  j["genes"] = genes;
  j["grids"] = { { "patchSize", patchSize },
                 { "cellPixelsPerBin", cellPixelsPerBin },
                 { "tileBins", tileBins },
                 { "tissuePixels", tissuePixels },
                 { "tissueBinsPerPixel", tissueBinsPerPixel },
                 { "tissueTokenGrid", tissueTokenGrid } };
  j["denoiser"] = { { "channels", channels },   { "channelMults", channelMults },
                    { "resBlocks", resBlocks }, { "attentionLevels", attentionLevels },
                    { "heads", heads },         { "tokenDim", tokenDim } };
  j["encoders"] = { { "histologyChannels", histologyChannels },
                    { "expressionChannels", expressionChannels },
                    { "encoderResBlocks", encoderResBlocks },
                    { "conditionChannels", conditionChannels },
                    { "entropyBins", entropyBins },
                    { "geneEmbeddingDim", geneEmbeddingDim },
                    { "graphHiddenDim", graphHiddenDim },
                    { "priorFeatures", priorFeatures } };
  j["parts"] = { { "useHistology", useHistology },
                 { "useDisentangling", useDisentangling },
                 { "useDynamicAttention", useDynamicAttention },
                 { "useCellTokens", useCellTokens },
                 { "useGeneGraph", useGeneGraph },
                 { "dynamicMinFraction", dynamicMinFraction } };
  const DiffusionConfig & d = diffusion;
  j["diffusion"] = { { "schedule", d.schedule },
                     { "timesteps", d.timesteps },
                     { "target", d.target },
                     { "loss", d.loss },
                     { "charbonnierEpsilon", d.charbonnierEpsilon },
                     { "sampler", d.sampler },
                     { "samplingSteps", d.samplingSteps },
                     { "eta", d.eta },
                     { "cfgDropProbability", d.cfgDropProbability },
                     { "guidanceScale", d.guidanceScale },
                     { "x0Clip", d.x0Clip },
                     { "disentangleWeight", d.disentangleWeight } };
  j["emaDecay"] = emaDecay;
  const NormalizationConfig & n = normalization;
  j["normalization"] = { { "mode", n.mode },
                         { "targetSum", n.targetSum },
                         { "referenceAreaUm2", n.referenceAreaUm2 },
                         { "resolutionUm", n.resolutionUm },
                         { "factor", n.factor } };
  j["residualScales"] = residualScales;
  // Edge list (i, j, weight) of the normalized adjacency: compact and readable.
  nlohmann::json edges = nlohmann::json::array();
  const std::size_t g = genes.size();
  if (geneGraph.adjacency.size() == g * g)
  {
    for (std::size_t a = 0; a < g; ++a)
    {
      for (std::size_t b = 0; b < g; ++b)
      {
        const float w = geneGraph.adjacency[a * g + b];
        if (w != 0.0f)
        {
          edges.push_back({ a, b, w });
        }
      }
    }
  }
  j["geneGraph"] = { { "topK", geneGraph.topK }, { "minCorrelation", geneGraph.minCorrelation }, { "edges", edges } };
  return j;
}

ModelConfig ModelConfig::FromJSON(const nlohmann::json & input, const std::string & source)
{
  nlohmann::json j = input;
  ModelConfig c;
  {
    if (!j.is_object())
    {
      SS_INPUT_ERROR(source, "", "is not a JSON object", "check the file was written by SuperSpot");
    }
    if (!j.contains("superspotVersion") || !j["superspotVersion"].is_string())
    {
      SS_INPUT_ERROR(source, "superspotVersion", "is missing", "check the file is a SuperSpot model configuration");
    }
    const std::string written = j["superspotVersion"].get<std::string>();
    const Version v = ParseVersion(written, source);
    if (v.major > SUPERSPOT_VERSION_MAJOR || (v.major == SUPERSPOT_VERSION_MAJOR && v.minor > SUPERSPOT_VERSION_MINOR))
    {
      SS_INPUT_ERROR(source,
                     "superspotVersion",
                     "the model was written by SuperSpot " + written + ", newer than this SuperSpot " SUPERSPOT_VERSION,
                     "use SuperSpot " + std::to_string(v.major) + "." + std::to_string(v.minor) + " or newer");
    }
    if (v.major != SUPERSPOT_VERSION_MAJOR || v.minor != SUPERSPOT_VERSION_MINOR)
    {
      MigrateConfig(j, v, source);
    }
  }
  ObjectReader r(j, source, "");
  r.Required("superspotVersion", c.superspotVersion);
  r.Optional("preset", c.preset);
  // "objective" and "parts.useCellTokens" came within format 0.1 as additions whose
  // absence means what files without them always meant (diffusion; cell and tissue
  // tokens), so the format version did not change and older files need no migration
  // step. A build that predates them refuses them as unknown keys instead of
  // misreading a regression model (its weights have the diffusion model's shapes).
  r.Optional("objective", c.objective);
  r.Required("genes", c.genes);
  {
    auto s = r.Child("grids");
    s.Optional("patchSize", c.patchSize);
    s.Optional("cellPixelsPerBin", c.cellPixelsPerBin);
    s.Optional("tileBins", c.tileBins);
    s.Optional("tissuePixels", c.tissuePixels);
    s.Optional("tissueBinsPerPixel", c.tissueBinsPerPixel);
    s.Optional("tissueTokenGrid", c.tissueTokenGrid);
    s.RefuseUnknown();
  }
  {
    auto s = r.Child("denoiser");
    s.Optional("channels", c.channels);
    s.Optional("channelMults", c.channelMults);
    s.Optional("resBlocks", c.resBlocks);
    s.Optional("attentionLevels", c.attentionLevels);
    s.Optional("heads", c.heads);
    s.Optional("tokenDim", c.tokenDim);
    s.RefuseUnknown();
  }
  {
    auto s = r.Child("encoders");
    s.Optional("histologyChannels", c.histologyChannels);
    s.Optional("expressionChannels", c.expressionChannels);
    s.Optional("encoderResBlocks", c.encoderResBlocks);
    s.Optional("conditionChannels", c.conditionChannels);
    s.Optional("entropyBins", c.entropyBins);
    s.Optional("geneEmbeddingDim", c.geneEmbeddingDim);
    s.Optional("graphHiddenDim", c.graphHiddenDim);
    s.Optional("priorFeatures", c.priorFeatures);
    s.RefuseUnknown();
  }
  {
    auto s = r.Child("parts");
    s.Optional("useHistology", c.useHistology);
    s.Optional("useDisentangling", c.useDisentangling);
    s.Optional("useDynamicAttention", c.useDynamicAttention);
    s.Optional("useCellTokens", c.useCellTokens);
    s.Optional("useGeneGraph", c.useGeneGraph);
    s.Optional("dynamicMinFraction", c.dynamicMinFraction);
    s.RefuseUnknown();
  }
  {
    auto s = r.Child("diffusion");
    DiffusionConfig & d = c.diffusion;
    s.Optional("schedule", d.schedule);
    s.Optional("timesteps", d.timesteps);
    s.Optional("target", d.target);
    s.Optional("loss", d.loss);
    s.Optional("charbonnierEpsilon", d.charbonnierEpsilon);
    s.Optional("sampler", d.sampler);
    s.Optional("samplingSteps", d.samplingSteps);
    s.Optional("eta", d.eta);
    s.Optional("cfgDropProbability", d.cfgDropProbability);
    s.Optional("guidanceScale", d.guidanceScale);
    s.Optional("x0Clip", d.x0Clip);
    s.Optional("disentangleWeight", d.disentangleWeight);
    s.RefuseUnknown();
  }
  r.Optional("emaDecay", c.emaDecay);
  {
    auto s = r.Child("normalization");
    NormalizationConfig & n = c.normalization;
    s.Optional("mode", n.mode);
    s.Optional("targetSum", n.targetSum);
    s.Optional("referenceAreaUm2", n.referenceAreaUm2);
    s.Optional("resolutionUm", n.resolutionUm);
    s.Optional("factor", n.factor);
    s.RefuseUnknown();
  }
  r.Optional("residualScales", c.residualScales);
  {
    auto s = r.Child("geneGraph");
    s.Optional("topK", c.geneGraph.topK);
    s.Optional("minCorrelation", c.geneGraph.minCorrelation);
    std::vector<std::vector<double>> edges;
    s.Optional("edges", edges);
    s.RefuseUnknown();
    if (!edges.empty())
    {
      const std::size_t g = c.genes.size();
      c.geneGraph.adjacency.assign(g * g, 0.0f);
      for (const auto & e : edges)
      {
        if (e.size() != 3 || e[0] < 0 || e[1] < 0 || e[0] >= static_cast<double>(g) || e[1] >= static_cast<double>(g) ||
            e[0] != std::floor(e[0]) || e[1] != std::floor(e[1]))
        {
          SS_INPUT_ERROR(source,
                         "geneGraph.edges",
                         "an edge is not [gene index, gene index, weight] within the " + std::to_string(g) + " genes",
                         "recompute the gene graph");
        }
        c.geneGraph.adjacency[static_cast<std::size_t>(e[0]) * g + static_cast<std::size_t>(e[1])] =
          static_cast<float>(e[2]);
      }
    }
  }
  r.RefuseUnknown();
  c.Validate(source);
  return c;
}

ModelConfig ModelConfig::Preset(const std::string & name, const std::vector<std::string> & genes)
{
  ModelConfig c;
  c.genes = genes;
  c.preset = name;
  if (name == "small")
  {
    // The defaults above: P = 32, 32 base channels, 3 levels, 1 res block per level;
    // the per-pixel gene graph is the costliest part on a CPU, hence its small width.
    c.graphHiddenDim = 8;
    c.diffusion.target = "v";
  }
  else if (name == "medium")
  {
    c.patchSize = 64;
    c.tissuePixels = 64;
    c.tissueTokenGrid = 8;
    c.channels = 64;
    c.channelMults = { 1, 2, 2, 4 };
    c.resBlocks = 2;
    c.attentionLevels = { 2, 3 };
    c.tokenDim = 128;
    c.histologyChannels = 64;
    c.expressionChannels = 64;
    c.conditionChannels = 64;
    c.emaDecay = 0.9995;
  }
  else if (name == "paper")
  {
    // The reference implementation's sizes: 128 base channels, 2 res blocks,
    // attention at the inner levels, 16 × 16 = 256 cell tiles of 16 × 16 px
    // (q = 2, tiles of 8 HR bins), a 256 × 256 tissue context, EMA 0.9999.
    c.patchSize = 128;
    c.cellPixelsPerBin = 2;
    c.tileBins = 8;
    c.tissuePixels = 256;
    c.tissueBinsPerPixel = 2;
    c.tissueTokenGrid = 16;
    c.channels = 128;
    c.channelMults = { 1, 1, 2, 3, 4 };
    c.resBlocks = 2;
    c.attentionLevels = { 2, 3, 4 };
    c.heads = 4;
    c.tokenDim = 256;
    c.histologyChannels = 128;
    c.expressionChannels = 128;
    c.encoderResBlocks = 2;
    c.conditionChannels = 128;
    c.geneEmbeddingDim = 16;
    c.graphHiddenDim = 32;
    c.emaDecay = 0.9999;
  }
  else
  {
    SS_INPUT_ERROR("", "preset", "'" + name + "' is not a model preset", "use one of small, medium, paper");
  }
  return c;
}

std::vector<std::string> ModelConfig::PresetNames()
{
  return { "small", "medium", "paper" };
}

void ModelConfig::ApplyVariant(const std::string & name)
{
  if (name == "full")
  {
    objective = "diffusion";
    useHistology = useDisentangling = useDynamicAttention = useCellTokens = useGeneGraph = true;
  }
  else if (name == "regression")
  {
    objective = "regression";
  }
  else if (name == "no-disentangling")
  {
    useDisentangling = false;
  }
  else if (name == "no-dynamic-attention")
  {
    // The ablation is "no dynamic cross-attention: one fixed histology scale".
    // useDynamicAttention alone only stops the selection: the attention would still see
    // every cell token and the tissue tokens, i.e. both scales of the hierarchy. So the
    // cell tokens go too and the tissue scale, a fixed grid attended with weight 1, is
    // left; the cell-level features still reach the condition map (that is the
    // disentangling part, which this variant must not change).
    useDynamicAttention = false;
    useCellTokens = false;
  }
  else if (name == "no-gene-graph")
  {
    useGeneGraph = false;
  }
  else if (name == "no-histology")
  {
    // Disentangling and the dynamic attention have nothing to work on without histology.
    useHistology = useDisentangling = useDynamicAttention = false;
  }
  else
  {
    SS_INPUT_ERROR("", "variant", "'" + name + "' is not a model variant", "use one of " + Join(VariantNames(), 20));
  }
}

std::vector<std::string> ModelConfig::VariantNames()
{
  return { "full", "regression", "no-disentangling", "no-dynamic-attention", "no-gene-graph", "no-histology" };
}

std::string ModelConfig::VariantName() const
{
  const auto parts = [](const ModelConfig & c)
  {
    // useCellTokens means nothing without histology.
    return std::make_tuple(c.objective,
                           c.useHistology,
                           c.useDisentangling,
                           c.useDynamicAttention,
                           c.useHistology && c.useCellTokens,
                           c.useGeneGraph);
  };
  for (const auto & name : VariantNames())
  {
    ModelConfig v;
    v.ApplyVariant("full");
    v.ApplyVariant(name);
    if (parts(v) == parts(*this))
    {
      return name;
    }
  }
  return "custom";
}

void CheckGenes(const ModelConfig & config, const std::vector<std::string> & genesOfSlide, const std::string & source)
{
  const std::set<std::string> have(genesOfSlide.begin(), genesOfSlide.end());
  std::vector<std::string> missing;
  for (const auto & g : config.genes)
  {
    if (!have.count(g))
    {
      missing.push_back(g);
    }
  }
  if (!missing.empty())
  {
    SS_INPUT_ERROR(source,
                   "genes",
                   std::to_string(missing.size()) + " of the model's " + std::to_string(config.genes.size()) +
                     " genes are missing: " + Join(missing, 20),
                   "use data that measured the model's gene panel, or a model trained on this data's genes");
  }
}

std::vector<std::size_t> GeneIndices(const ModelConfig & config, const std::vector<std::string> & genesOfSlide)
{
  CheckGenes(config, genesOfSlide);
  std::vector<std::size_t> idx;
  idx.reserve(config.genes.size());
  for (const auto & g : config.genes)
  {
    idx.push_back(
      static_cast<std::size_t>(std::find(genesOfSlide.begin(), genesOfSlide.end(), g) - genesOfSlide.begin()));
  }
  return idx;
}

} // namespace ss
