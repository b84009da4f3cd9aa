#include "ssPairSetPatchProvider.h"

#include "ssError.h"
#include "ssExpressionNormalization.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ss
{

namespace
{

/** The window stream's own word, so it never coincides with another stream of the seed. */
constexpr std::uint32_t WindowPurpose = 0x77696e64u; // "wind"

/** The generator of slide `slide`'s lattice phase: std::seed_seq's algorithm is the standard's,
 * and the phase is taken modulo the stride (not through a distribution, whose algorithm is the
 * library's), so a seed places the same windows with every compiler. */
std::mt19937_64 WindowGenerator(std::uint64_t seed, std::size_t slide)
{
  std::seed_seq sequence{ static_cast<std::uint32_t>(seed),
                          static_cast<std::uint32_t>(seed >> 32),
                          static_cast<std::uint32_t>(slide),
                          WindowPurpose };
  return std::mt19937_64(sequence);
}

std::string SlideField(std::size_t i, const std::string & key)
{
  return "slides[" + std::to_string(i) + "]" + (key.empty() ? "" : "." + key);
}

bool Close(double a, double b)
{
  return std::abs(a - b) <= 1e-9 * std::max({ 1.0, std::abs(a), std::abs(b) });
}

/** Summed-area table of hrMask over the grid: window counts in O(1). */
class MaskIntegral
{
public:
  explicit MaskIntegral(const MaskImageType * mask)
    : m_Region(mask->GetLargestPossibleRegion())
    , m_Width(static_cast<std::int64_t>(m_Region.GetSize(0)))
    , m_Height(static_cast<std::int64_t>(m_Region.GetSize(1)))
    , m_Sum(static_cast<std::size_t>((m_Width + 1) * (m_Height + 1)), 0)
  {
    for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(mask, m_Region); !it.IsAtEnd(); ++it)
    {
      const std::int64_t x = it.GetIndex()[0] - m_Region.GetIndex(0);
      const std::int64_t y = it.GetIndex()[1] - m_Region.GetIndex(1);
      At(x + 1, y + 1) = (it.Get() ? 1 : 0);
    }
    for (std::int64_t y = 1; y <= m_Height; ++y)
    {
      for (std::int64_t x = 1; x <= m_Width; ++x)
      {
        At(x, y) += At(x - 1, y) + At(x, y - 1) - At(x - 1, y - 1);
      }
    }
  }

  /** Set pixels of the P × P window whose first pixel is `first` (clipped to the grid). */
  std::size_t Count(const IndexType & first, std::int64_t P) const
  {
    const std::int64_t x0 = std::clamp<std::int64_t>(first[0] - m_Region.GetIndex(0), 0, m_Width);
    const std::int64_t y0 = std::clamp<std::int64_t>(first[1] - m_Region.GetIndex(1), 0, m_Height);
    const std::int64_t x1 = std::clamp<std::int64_t>(first[0] - m_Region.GetIndex(0) + P, 0, m_Width);
    const std::int64_t y1 = std::clamp<std::int64_t>(first[1] - m_Region.GetIndex(1) + P, 0, m_Height);
    return static_cast<std::size_t>(At(x1, y1) - At(x0, y1) - At(x1, y0) + At(x0, y0));
  }

private:
  std::int64_t & At(std::int64_t x, std::int64_t y) { return m_Sum[static_cast<std::size_t>(y * (m_Width + 1) + x)]; }
  std::int64_t At(std::int64_t x, std::int64_t y) const
  {
    return m_Sum[static_cast<std::size_t>(y * (m_Width + 1) + x)];
  }

  RegionType m_Region;
  std::int64_t m_Width, m_Height;
  std::vector<std::int64_t> m_Sum;
};

/** First indices along one axis of the lattice start + phase + k·stride whose windows
 * [x, x + P) overlap [start, start + size). */
std::vector<itk::IndexValueType> LatticeAlong(itk::IndexValueType start,
                                              std::int64_t size,
                                              std::int64_t P,
                                              std::int64_t stride,
                                              std::int64_t phase)
{
  itk::IndexValueType x = start + phase;
  while (x - stride + P > start)
  {
    x -= stride;
  }
  std::vector<itk::IndexValueType> firsts;
  for (; x < start + size; x += stride)
  {
    firsts.push_back(x);
  }
  return firsts;
}

} // namespace

double PairSetPatchProvider::MeasurableFraction(const MaskImageType * hrMask)
{
  if (!hrMask)
  {
    throw std::invalid_argument("PairSetPatchProvider::MeasurableFraction: no mask");
  }
  std::size_t set = 0;
  int parity = -1;
  bool oneParity = true;
  for (itk::ImageRegionConstIteratorWithIndex<MaskImageType> it(hrMask, hrMask->GetLargestPossibleRegion());
       !it.IsAtEnd() && oneParity;
       ++it)
  {
    if (!it.Get())
    {
      continue;
    }
    const int p = static_cast<int>(((it.GetIndex()[0] + it.GetIndex()[1]) % 2 + 2) % 2);
    oneParity = parity < 0 || p == parity;
    parity = p;
    ++set;
  }
  return oneParity && set >= 2 ? 0.5 : 1.0;
}

PairSetPatchProvider::PairSetPatchProvider(const PairSet & pairs,
                                           const ModelConfig & config,
                                           std::uint64_t seed,
                                           const PatchWindowOptions & options,
                                           const std::string & source)
  : m_Slides(pairs.slides)
  , m_Config(config)
  , m_Source(source)
{
  m_Config.Validate();
  CheckGenes(m_Config, pairs.genes, source);
  m_GeneIndices = GeneIndices(m_Config, pairs.genes);
  m_Components = static_cast<unsigned int>(pairs.genes.size());
  m_IdentityGenes = pairs.genes.size() == m_GeneIndices.size();
  for (std::size_t g = 0; g < m_GeneIndices.size() && m_IdentityGenes; ++g)
  {
    m_IdentityGenes = m_GeneIndices[g] == g;
  }
  const ExpressionNormalization & n = pairs.normalization;
  const NormalizationConfig & mn = m_Config.normalization;
  const bool library = n.mode == NormalizationMode::Library;
  if (ToString(n.mode) != mn.mode || (library && !Close(n.libraryTarget, mn.targetSum)) ||
      (!library && !Close(n.referenceAreaUm2, mn.referenceAreaUm2)))
  {
    SS_INPUT_ERROR(source,
                   "normalization",
                   "the pairs are " + n.ToJSON().dump() + ", the model's normalization is " + mn.mode +
                     (mn.mode == "library" ? " (target " + std::to_string(mn.targetSum) + ")"
                                           : " (reference area " + std::to_string(mn.referenceAreaUm2) + " µm²)"),
                   "train on pairs made from the same kind of data as the model's, or let the model follow the pair "
                   "set (ModelConfigForPairSet; SuperSpotTrain without --config)");
  }
  Initialize(seed, options);
}

PairSetPatchProvider::PairSetPatchProvider(const std::vector<SlidePair> & slides,
                                           const ModelConfig & config,
                                           std::uint64_t seed,
                                           const PatchWindowOptions & options,
                                           const std::string & source)
  : m_Slides(slides)
  , m_Config(config)
  , m_Source(source)
{
  m_Config.Validate();
  m_Components = static_cast<unsigned int>(m_Config.genes.size());
  for (std::size_t g = 0; g < m_Config.genes.size(); ++g)
  {
    m_GeneIndices.push_back(g);
  }
  Initialize(seed, options);
}

PairSetPatchProvider::~PairSetPatchProvider() = default;

void PairSetPatchProvider::Initialize(std::uint64_t seed, const PatchWindowOptions & options)
{
  const ModelConfig & c = m_Config;
  const std::int64_t P = c.patchSize;
  if (P < 1)
  {
    SS_INPUT_ERROR("model configuration", "patchSize", "must be positive", "use e.g. 32");
  }
  if (!(options.minValidFraction >= 0 && options.minValidFraction <= 1))
  {
    SS_INPUT_ERROR(
      "training windows", "minValidFraction", "must lie in [0, 1]", "use e.g. 0.5 (half the window measured)");
  }
  if (options.stride < 0)
  {
    SS_INPUT_ERROR("training windows", "stride", "must not be negative", "use 0 for P/2");
  }
  m_Stride = options.stride > 0 ? options.stride : std::max<std::int64_t>(1, P / 2);
  if (m_Slides.empty())
  {
    SS_INPUT_ERROR(m_Source, "slides", "there are none", "make the pairs from at least one slide");
  }
  // Every check first, so a bad slide is named before any work.
  for (std::size_t i = 0; i < m_Slides.size(); ++i)
  {
    const SlidePair & s = m_Slides[i];
    const std::string name = "slide '" + s.name + "'";
    if (!s.hr || !s.hrMask || !s.lr || !s.lrMask || !s.base)
    {
      SS_INPUT_ERROR(
        m_Source, SlideField(i, "maps"), name + " lacks one of hr, hrMask, lr, lrMask, base", "make the pairs again");
    }
    for (const ExpressionImageType * map : { s.hr.GetPointer(), s.lr.GetPointer(), s.base.GetPointer() })
    {
      if (map->GetNumberOfComponentsPerPixel() != m_Components)
      {
        SS_INPUT_ERROR(m_Source,
                       SlideField(i, "maps"),
                       name + " has maps of " + std::to_string(map->GetNumberOfComponentsPerPixel()) +
                         " genes, the pair set has " + std::to_string(m_Components),
                       "make the pairs again (the maps and the gene list disagree)");
      }
    }
    if (!c.useHistology)
    {
      continue;
    }
    if (!s.cell || !s.tissue)
    {
      SS_INPUT_ERROR(m_Source,
                     SlideField(i, "maps.cell"),
                     name + " has no H&E maps (cell, tissue), and the model is conditioned on histology",
                     "train a model without histology (SuperSpotTrain --noHistology, useHistology = false), or make "
                     "the pairs again with the slide's H&E");
    }
    if (static_cast<std::int64_t>(s.cellPixelsPerBin) != c.cellPixelsPerBin)
    {
      SS_INPUT_ERROR(
        m_Source,
        SlideField(i, "cell_pixels_per_bin"),
        name + " has q = " + std::to_string(s.cellPixelsPerBin) +
          " cell-level pixels per HR pixel, the model's cellPixelsPerBin is " + std::to_string(c.cellPixelsPerBin),
        "make the pairs again with SuperSpotMakePairs --cellPixelsPerBin " + std::to_string(c.cellPixelsPerBin) +
          ", or train a model with cellPixelsPerBin " + std::to_string(s.cellPixelsPerBin));
    }
    if (static_cast<std::int64_t>(s.tissueBinsPerPixel) != c.tissueBinsPerPixel)
    {
      SS_INPUT_ERROR(m_Source,
                     SlideField(i, "tissue_bins_per_pixel"),
                     name + " has t = " + std::to_string(s.tissueBinsPerPixel) +
                       " HR pixels per tissue-level pixel, the model's tissueBinsPerPixel is " +
                       std::to_string(c.tissueBinsPerPixel),
                     "make the pairs again with SuperSpotMakePairs --tissueBinsPerPixel " +
                       std::to_string(c.tissueBinsPerPixel) + ", or train a model with tissueBinsPerPixel " +
                       std::to_string(s.tissueBinsPerPixel));
    }
  }

  const double area = static_cast<double>(P) * static_cast<double>(P);
  for (std::size_t i = 0; i < m_Slides.size(); ++i)
  {
    const SlidePair & s = m_Slides[i];
    const RegionType grid = s.hrMask->GetLargestPossibleRegion();
    const MaskIntegral integral(s.hrMask);
    const double needed = options.minValidFraction * area * MeasurableFraction(s.hrMask);
    std::mt19937_64 rng = WindowGenerator(seed, i);
    const auto stride = static_cast<std::uint64_t>(m_Stride);
    const auto phaseX = static_cast<std::int64_t>(rng() % stride);
    const auto phaseY = static_cast<std::int64_t>(rng() % stride);
    const auto xs = LatticeAlong(grid.GetIndex(0), static_cast<std::int64_t>(grid.GetSize(0)), P, m_Stride, phaseX);
    const auto ys = LatticeAlong(grid.GetIndex(1), static_cast<std::int64_t>(grid.GetSize(1)), P, m_Stride, phaseY);
    for (const auto y : ys)
    {
      for (const auto x : xs)
      {
        PatchWindow w;
        w.slide = i;
        w.first[0] = x;
        w.first[1] = y;
        w.validPixels = integral.Count(w.first, P);
        // At least one measured pixel: a fraction of 0 still asks for something to learn from.
        if (w.validPixels > 0 && static_cast<double>(w.validPixels) >= needed)
        {
          m_Windows.push_back(w);
        }
      }
    }
  }
  if (m_Windows.empty())
  {
    SS_INPUT_ERROR(m_Source,
                   "hrMask",
                   "no " + std::to_string(P) + " x " + std::to_string(P) + " window of any slide has at least " +
                     std::to_string(options.minValidFraction) + " of its pixels measured",
                   "use a smaller patch size (SuperSpotTrain --patchSize) or a lower --minValidFraction, or make "
                   "the pairs from larger slides");
  }
}

std::size_t PairSetPatchProvider::GetNumberOfWindows(std::size_t slide) const
{
  return static_cast<std::size_t>(
    std::count_if(m_Windows.begin(), m_Windows.end(), [slide](const PatchWindow & w) { return w.slide == slide; }));
}

void PairSetPatchProvider::Get(std::int64_t index, TrainingPatch & patch) const
{
  if (index < 0 || index >= Size())
  {
    throw std::out_of_range("PairSetPatchProvider::Get: window " + std::to_string(index) + " of " +
                            std::to_string(Size()));
  }
  const PatchWindow & w = m_Windows[static_cast<std::size_t>(index)];
  const ModelConfig & c = m_Config;
  const std::int64_t G = c.NumberOfGenes(), P = c.patchSize, S = c.tissuePixels;
  PatchOptions options;
  options.tissuePixels = static_cast<unsigned int>(S);
  const SlidePair & slide = m_Slides[w.slide];
  // Without histology the images are not read at all.
  SlidePair maps;
  const SlidePair * from = &slide;
  if (!c.useHistology && slide.cell)
  {
    maps = slide;
    maps.cell = nullptr;
    maps.tissue = nullptr;
    from = &maps;
  }
  PatchSample sample = ExtractPatch(*from, static_cast<unsigned int>(P), w.first, options);
  const std::size_t plane = static_cast<std::size_t>(P * P);
  const auto genes = [&](std::vector<float> & all, FloatArray & out)
  {
    out.shape = { G, P, P };
    if (m_IdentityGenes)
    {
      out.data = std::move(all);
      return;
    }
    out.data.resize(static_cast<std::size_t>(G) * plane);
    for (std::size_t g = 0; g < static_cast<std::size_t>(G); ++g)
    {
      std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(m_GeneIndices[g] * plane),
                  plane,
                  out.data.begin() + static_cast<std::ptrdiff_t>(g * plane));
    }
  };
  genes(sample.hr, patch.hr);
  genes(sample.lr, patch.lr);
  genes(sample.base, patch.base);
  patch.hrMask.shape = { 1, P, P };
  patch.hrMask.data = std::move(sample.hrMask);
  patch.lrMask.shape = { 1, P, P };
  patch.lrMask.data = std::move(sample.lrMask);
  if (c.useHistology)
  {
    patch.cell.shape = { 3, c.CellImageSize(), c.CellImageSize() };
    patch.cell.data = std::move(sample.cell);
    patch.tissue.shape = { 3, S, S };
    patch.tissue.data = std::move(sample.tissue);
  }
  else
  {
    patch.cell = FloatArray();
    patch.tissue = FloatArray();
  }
}

} // namespace ss
