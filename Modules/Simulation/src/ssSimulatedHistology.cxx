// The H&E-like renderer of SimulatedTissue.
//
// Colour comes from stain amounts through Beer-Lambert: a pixel holding haematoxylin H and
// eosin E (optical-density units) transmits 255 · exp(-(H·h + E·e + glass)) per channel,
// with h, e the standard stain vectors of Macenko et al. (2009). Cells add stain over
// their bodies (cytoplasm), rings (membranes) and nuclei; the extracellular matrix adds
// eosin with a collagen-fibre texture where no cell covers it.
//
// Tiles never seam: every quantity is a pure function of the global pixel position and of
// the cell, and each pixel adds the cells' contributions in increasing cell index, so a
// pixel's floating-point value does not depend on the rectangle it is rendered in. The
// scanner's blur is modelled analytically (soft edges of width edgeSoftnessUm) rather than
// by convolving, which would need a halo around every tile.

#include "ssSimulatedTissue.h"
#include "ssSimulatedTissueImpl.h"

#include "itkMultiThreaderBase.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace
{

using sim::SmoothStep;
using sim::ValueNoise;

constexpr float HaematoxylinOD[3] = { 0.5626f, 0.7201f, 0.4062f };
constexpr float EosinOD[3] = { 0.2159f, 0.8012f, 0.5581f };
constexpr float GlassOD[3] = { 0.030f, 0.035f, 0.028f };
constexpr float TissueHaematoxylin = 0.03f; // faint background counterstain of the tissue
constexpr float NucleusEosin = 0.1f;        // nucleoplasm takes up some eosin too

// Fibre layers: value noise stretched along FibreLayers fixed directions φ_k = kπ/FibreLayers.
constexpr int FibreLayers = 6;

struct RenderContext
{
  const SimulatedTissue::Impl & s;
  std::uint64_t fibreSalt[FibreLayers + 1];
  double layerCos[FibreLayers], layerSin[FibreLayers], layerCos2[FibreLayers], layerSin2[FibreLayers];
  std::uint64_t densitySalt;
  std::uint64_t chromatinSalt;
  std::uint64_t cellSalt;
  std::uint64_t pixelSalt;

  explicit RenderContext(const SimulatedTissue::Impl & tissue)
    : s(tissue)
  {
    const auto seed = tissue.parameters.seed;
    for (int k = 0; k <= FibreLayers; ++k)
    {
      fibreSalt[k] = sim::StreamSeed(seed, sim::Stream::Texture, k);
    }
    for (int k = 0; k < FibreLayers; ++k)
    {
      const double phi = k * M_PI / FibreLayers;
      layerCos[k] = std::cos(phi);
      layerSin[k] = std::sin(phi);
      layerCos2[k] = std::cos(2 * phi);
      layerSin2[k] = std::sin(2 * phi);
    }
    densitySalt = sim::StreamSeed(seed, sim::Stream::Texture, 100);
    chromatinSalt = sim::StreamSeed(seed, sim::Stream::Texture, 101);
    cellSalt = sim::StreamSeed(seed, sim::Stream::Texture, 102);
    pixelSalt = sim::StreamSeed(seed, sim::Stream::Pixels);
  }

  /** Collagen fibre texture in [0, 1]: layers of value noise stretched along fixed
   * directions φ_k (long along the fibre, thin across, made wavy by a shared warp), blended
   * by how close each layer is to the local fibre direction θ: weight
   * ((cos 2(θ − φ_k) − ½) / ½)² where positive, so at most two layers, 30° apart, mix.
   * Fixed layer directions avoid the artefacts that rotating global coordinates by a
   * varying angle would make far from the origin. */
  float Fibre(double x, double y) const
  {
    double c = s.fibreCos.Sample(x, y);
    double n = s.fibreSin.Sample(x, y);
    const double norm = std::sqrt(c * c + n * n) + 1e-9;
    c /= norm;
    n /= norm;
    const double warp = 1.2 * ValueNoise(x / 15, y / 15, fibreSalt[0]);
    double sum = 0;
    double weights = 0;
    for (int k = 0; k < FibreLayers; ++k)
    {
      double w = 2 * (c * layerCos2[k] + n * layerSin2[k]) - 1;
      if (w <= 0)
      {
        continue;
      }
      w *= w;
      const double along = x * layerCos[k] + y * layerSin[k];
      const double across = -x * layerSin[k] + y * layerCos[k] + warp;
      const float v = ValueNoise(along / 20, across / 1.4, fibreSalt[k + 1]);
      sum += w * SmoothStep(-0.2f, 0.6f, v);
      weights += w;
    }
    return weights > 0 ? static_cast<float>(sum / weights) : 0.5f;
  }

  /** Domain whose field wins at (x, y), ignoring the outline (for pixels on the soft edge). */
  int FieldDomain(double x, double y) const
  {
    int best = 0;
    double bestValue = -1e300;
    for (std::size_t d = 0; d < s.domainFields.size(); ++d)
    {
      const double v = s.domainFields[d].Sample(x, y) + s.domainBias[d];
      if (v > bestValue)
      {
        bestValue = v;
        best = static_cast<int>(d);
      }
    }
    return best;
  }
};

/** Stains of a band of pixels. Cytoplasm and membranes take the maximum over the cells
 * (neighbouring cytoplasm merges into one sheet, as in a section a few µm thick); nuclei
 * add up (overlapping nuclei look darker). */
struct StainBuffers
{
  std::int64_t x0 = 0, y0 = 0;
  std::uint32_t width = 0, height = 0;
  std::vector<float> cover;        ///< how much a cell hides the matrix, [0, 1]
  std::vector<float> cytoplasmE;   ///< max over cells
  std::vector<float> cytoplasmH;   ///< max over cells
  std::vector<float> nucleusH;     ///< sum over cells
  std::vector<float> nucleusCover; ///< max over cells

  /** Clears the buffers for the band [x, x+w) x [y, y+h); reuses their memory. */
  void Reset(std::int64_t x, std::int64_t y, std::uint32_t w, std::uint32_t h)
  {
    x0 = x;
    y0 = y;
    width = w;
    height = h;
    const std::size_t n = static_cast<std::size_t>(w) * h;
    for (auto * v : { &cover, &cytoplasmE, &cytoplasmH, &nucleusH, &nucleusCover })
    {
      v->assign(n, 0.0f);
    }
  }
};

/** Adds cell c's stains to the pixels of the band it reaches. */
void PaintCell(const RenderContext & ctx, std::uint32_t c, StainBuffers & b)
{
  const auto & s = ctx.s;
  const auto & cells = s.cells;
  const auto & t = s.parameters.cellTypes[cells.type[c]];
  const double mpp = s.parameters.micronsPerPixel;
  const double soft = std::max(s.parameters.edgeSoftnessUm, 1e-3);
  const double bodySoft = SimulatedTissue::Impl::CytoplasmEdgeUm + soft;
  const double extent = s.CellExtent(c);
  const double xc = cells.x[c];
  const double yc = cells.y[c];
  const auto px0 = std::max<std::int64_t>(b.x0, static_cast<std::int64_t>(std::ceil((xc - extent) / mpp)));
  const auto px1 =
    std::min<std::int64_t>(b.x0 + b.width - 1, static_cast<std::int64_t>(std::floor((xc + extent) / mpp)));
  const auto py0 = std::max<std::int64_t>(b.y0, static_cast<std::int64_t>(std::ceil((yc - extent) / mpp)));
  const auto py1 =
    std::min<std::int64_t>(b.y0 + b.height - 1, static_cast<std::int64_t>(std::floor((yc + extent) / mpp)));
  if (px0 > px1 || py0 > py1)
  {
    return;
  }

  // Per-cell colour jitter, a pure function of the cell.
  const float jitter = 1.0f + 0.12f * sim::LatticeValue(c, 0, ctx.cellSalt);
  const float cytoE = static_cast<float>(t.cytoplasmEosin) * jitter;
  const float cytoH = static_cast<float>(t.cytoplasmHaematoxylin);
  const float membrane = static_cast<float>(t.membraneEosin);
  const double r = cells.radius[c];
  const double nx = cells.nucleusX[c];
  const double ny = cells.nucleusY[c];
  const double a = cells.nucleusMajor[c];
  const double bm = cells.nucleusMinor[c];
  const double ca = std::cos(cells.nucleusAngle[c]);
  const double sa = std::sin(cells.nucleusAngle[c]);
  const float stain = cells.nucleusStain[c];
  const float chromatin = static_cast<float>(t.chromatinTexture);
  const double textureOffset = 1000.0 * (1 + sim::LatticeValue(c, 1, ctx.cellSalt));
  const double ringReach = 3.5 * SimulatedTissue::Impl::MembraneWidthUm;

  for (auto py = py0; py <= py1; ++py)
  {
    const double y = s.PxToUm(static_cast<double>(py));
    const std::size_t row = static_cast<std::size_t>(py - b.y0) * b.width;
    for (auto px = px0; px <= px1; ++px)
    {
      const double x = s.PxToUm(static_cast<double>(px));
      const std::size_t i = row + static_cast<std::size_t>(px - b.x0);
      const double dx = x - xc;
      const double dy = y - yc;
      const double d = std::sqrt(dx * dx + dy * dy);
      const float body =
        SmoothStep(static_cast<float>(r + bodySoft / 2), static_cast<float>(r - bodySoft / 2), static_cast<float>(d));
      if (body > 0)
      {
        b.cover[i] = std::max(b.cover[i], body);
        b.cytoplasmE[i] = std::max(b.cytoplasmE[i], body * cytoE);
        b.cytoplasmH[i] = std::max(b.cytoplasmH[i], body * cytoH);
      }
      if (membrane > 0 && std::abs(d - r) < ringReach)
      {
        const double z = (d - r) / SimulatedTissue::Impl::MembraneWidthUm;
        const auto ring = static_cast<float>(std::exp(-0.5 * z * z));
        b.cytoplasmE[i] = std::max(b.cytoplasmE[i], membrane * ring);
        b.cover[i] = std::max(b.cover[i], ring);
      }

      const double ex = x - nx;
      const double ey = y - ny;
      const double u = ex * ca + ey * sa;
      const double v = -ex * sa + ey * ca;
      const double q = std::sqrt((u / a) * (u / a) + (v / bm) * (v / bm));
      // Distance to the ellipse along the ray from its centre: |p| (1 - 1/q).
      const double distance = q > 1e-9 ? std::sqrt(u * u + v * v) * (1 - 1 / q) : -bm;
      if (distance >= soft / 2)
      {
        continue;
      }
      const float inside =
        SmoothStep(static_cast<float>(soft / 2), static_cast<float>(-soft / 2), static_cast<float>(distance));
      const float texture =
        0.5f + 0.5f * ValueNoise(x / 0.8 + textureOffset, y / 0.8 + textureOffset, ctx.chromatinSalt);
      const auto rim = static_cast<float>(std::exp(-((q - 0.9) / 0.12) * ((q - 0.9) / 0.12)));
      b.nucleusH[i] += inside * stain * (1 + chromatin * (0.6f * rim - 0.5f * texture));
      b.nucleusCover[i] = std::max(b.nucleusCover[i], inside);
      b.cover[i] = std::max(b.cover[i], inside);
    }
  }
}

/** Renders rows [y0, y0 + height) of the region into `rgb` (row-major, the band's rows only). */
void RenderBand(const RenderContext & ctx,
                std::int64_t x0,
                std::int64_t y0,
                std::uint32_t width,
                std::uint32_t height,
                StainBuffers & b,
                std::uint8_t * rgb)
{
  const auto & s = ctx.s;
  const auto & p = s.parameters;
  b.Reset(x0, y0, width, height);
  const double reach = s.maxExtentUm + p.micronsPerPixel;
  const auto cells = s.index.Query(s.PxToUm(static_cast<double>(x0)) - reach,
                                   s.PxToUm(static_cast<double>(y0)) - reach,
                                   s.PxToUm(static_cast<double>(x0 + width - 1)) + reach,
                                   s.PxToUm(static_cast<double>(y0 + height - 1)) + reach);
  for (const auto c : cells)
  {
    PaintCell(ctx, c, b);
  }

  const float soft = static_cast<float>(std::max(p.edgeSoftnessUm, 1e-3));
  const auto unevenness = static_cast<float>(p.stainUnevenness);
  const auto noise = static_cast<float>(p.pixelNoise);
  for (std::uint32_t row = 0; row < height; ++row)
  {
    const std::int64_t py = y0 + row;
    const double y = s.PxToUm(static_cast<double>(py));
    for (std::uint32_t col = 0; col < width; ++col)
    {
      const std::int64_t px = x0 + col;
      const double x = s.PxToUm(static_cast<double>(px));
      const std::size_t i = static_cast<std::size_t>(row) * width + col;
      const bool onSlide = x >= 0 && y >= 0 && x <= p.widthUm && y <= p.heightUm;
      const float inTissue = onSlide ? SmoothStep(-soft, soft, s.TissueSignal(x, y)) : 0.0f;
      float matrix = 0;
      if (inTissue > 0 && b.cover[i] < 1)
      {
        const float density = 0.85f + 0.15f * ValueNoise(x / 6, y / 6, ctx.densitySalt);
        matrix = static_cast<float>(p.domains[ctx.FieldDomain(x, y)].stromaEosin) * (0.35f + 0.65f * ctx.Fibre(x, y)) *
                 density * inTissue * (1 - b.cover[i]);
      }
      const float factor = onSlide ? 1 + unevenness * s.stain.Sample(x, y) : 1.0f;
      const float H = (b.cytoplasmH[i] + b.nucleusH[i] + TissueHaematoxylin * inTissue) * factor;
      const float E = (b.cytoplasmE[i] + NucleusEosin * b.nucleusCover[i] + matrix) * factor;
      const float grain = noise * sim::PixelNoise(px, py, ctx.pixelSalt);
      for (int ch = 0; ch < 3; ++ch)
      {
        const float od = H * HaematoxylinOD[ch] + E * EosinOD[ch] + GlassOD[ch];
        const float value = 255.0f * std::exp(-od) + grain;
        rgb[3 * i + ch] = static_cast<std::uint8_t>(std::lround(std::clamp(value, 0.0f, 255.0f)));
      }
    }
  }
}

} // namespace

void SimulatedTissue::RenderRegion(std::int64_t x0,
                                   std::int64_t y0,
                                   std::uint32_t width,
                                   std::uint32_t height,
                                   std::uint8_t * rgb,
                                   unsigned int workUnits) const
{
  // Bands of rows bound the stain buffers (5 floats per pixel) whatever the region's size;
  // they are independent, so threads take every n-th band, each with its own buffers.
  constexpr std::uint32_t BandRows = 64;
  const RenderContext ctx(*m_Impl);
  const std::uint32_t bands = (height + BandRows - 1) / BandRows;
  const std::uint32_t chunks = std::max(
    1u, std::min(workUnits == 0 ? itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads() : workUnits, bands));
  sim::ParallelFor(chunks,
                   chunks,
                   [&](std::size_t chunk)
                   {
                     StainBuffers buffers;
                     for (std::uint32_t band = static_cast<std::uint32_t>(chunk); band < bands; band += chunks)
                     {
                       const std::uint32_t row = band * BandRows;
                       const std::uint32_t rows = std::min(BandRows, height - row);
                       RenderBand(
                         ctx, x0, y0 + row, width, rows, buffers, rgb + static_cast<std::size_t>(row) * width * 3);
                     }
                   });
}

} // namespace ss
