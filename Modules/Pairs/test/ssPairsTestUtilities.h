#ifndef ssPairsTestUtilities_h
#define ssPairsTestUtilities_h

// Synthetic inputs shared by the Pairs tests.

#include "ssSpotData.h"
#include "ssTypes.h"

#include "itkImageRegionConstIterator.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace sstest
{

inline ss::PointType P(double x, double y)
{
  ss::PointType p;
  p[0] = x;
  p[1] = y;
  return p;
}

/** A legacy-ST-like dataset: spots at array (col, row) for every listed position, pitch
 * 200 µm, 0.5 µm per pixel (so px = 2 · µm), positions = lattice + `originUm`; counts of
 * `genes` genes given by count(gene, col, row). */
template <typename F>
ss::SpotDataset MakeSquareSpots(const std::vector<std::pair<int, int>> & positions, std::size_t genes, F && count,
                                double pitchUm = 200.0, ss::PointType originUm = P(1000, 500))
{
  ss::SpotDataset d;
  d.source = "synthetic-st";
  d.platform = "st";
  d.lattice = ss::SpotLattice::Square;
  d.pitchUm = pitchUm;
  d.spotDiameterUm = pitchUm / 2;
  d.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  for (std::size_t g = 0; g < genes; ++g)
  {
    d.genes.push_back("G" + std::to_string(g));
  }
  d.counts.Reset(genes);
  std::vector<double> cols, rows;
  for (const auto & cr : positions)
  {
    const ss::PointType um = P(originUm[0] + cr.first * pitchUm, originUm[1] + cr.second * pitchUm);
    d.spots.id.push_back(std::to_string(cr.first) + "x" + std::to_string(cr.second));
    d.spots.positionUm.push_back(um);
    d.spots.positionPx.push_back(d.frame.MicronsToFullResPx(um));
    d.spots.arrayCol.push_back(cr.first);
    d.spots.arrayRow.push_back(cr.second);
    d.spots.inTissue.push_back(1);
    std::vector<std::pair<std::int32_t, float>> entries;
    for (std::size_t g = 0; g < genes; ++g)
    {
      entries.emplace_back(static_cast<std::int32_t>(g), static_cast<float>(count(g, cr.first, cr.second)));
    }
    d.counts.AppendSpot(entries);
    cols.push_back(cr.first);
    rows.push_back(cr.second);
  }
  d.frame.FitArrayGrid(cols, rows, d.spots.positionPx);
  return d;
}

/** Every (col, row) of a w × h grid. */
inline std::vector<std::pair<int, int>> FullGrid(int w, int h, int col0 = 0, int row0 = 0)
{
  std::vector<std::pair<int, int>> v;
  for (int r = row0; r < row0 + h; ++r)
  {
    for (int c = col0; c < col0 + w; ++c)
    {
      v.emplace_back(c, r);
    }
  }
  return v;
}

/** A Visium-like dataset: (col, row) with col + row even, centre = origin + (col · 50, row ·
 * 86.6) µm, 55 µm spots, 100 µm pitch, 0.25 µm per pixel. */
template <typename F>
ss::SpotDataset MakeHexSpots(const std::vector<std::pair<int, int>> & positions, std::size_t genes, F && count)
{
  ss::SpotDataset d;
  d.source = "synthetic-visium";
  d.platform = "visium";
  d.lattice = ss::SpotLattice::Hexagonal;
  d.pitchUm = 100;
  d.spotDiameterUm = 55;
  d.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.25);
  for (std::size_t g = 0; g < genes; ++g)
  {
    d.genes.push_back("G" + std::to_string(g));
  }
  d.counts.Reset(genes);
  std::vector<double> cols, rows;
  for (const auto & cr : positions)
  {
    const ss::PointType um = P(300 + cr.first * 50.0, 200 + cr.second * 50.0 * std::sqrt(3.0));
    d.spots.id.push_back("B" + std::to_string(cr.first) + "_" + std::to_string(cr.second));
    d.spots.positionUm.push_back(um);
    d.spots.positionPx.push_back(d.frame.MicronsToFullResPx(um));
    d.spots.arrayCol.push_back(cr.first);
    d.spots.arrayRow.push_back(cr.second);
    d.spots.inTissue.push_back(1);
    std::vector<std::pair<std::int32_t, float>> entries;
    for (std::size_t g = 0; g < genes; ++g)
    {
      entries.emplace_back(static_cast<std::int32_t>(g), static_cast<float>(count(g, cr.first, cr.second)));
    }
    d.counts.AppendSpot(entries);
    cols.push_back(cr.first);
    rows.push_back(cr.second);
  }
  d.frame.FitArrayGrid(cols, rows, d.spots.positionPx);
  return d;
}

/** Hexagonal positions (col + row even) of rows [0, rows) and cols [0, cols). */
inline std::vector<std::pair<int, int>> HexGrid(int cols, int rows)
{
  std::vector<std::pair<int, int>> v;
  for (int r = 0; r < rows; ++r)
  {
    for (int c = r % 2; c < cols; c += 2)
    {
      v.emplace_back(c, r);
    }
  }
  return v;
}

/** Uniform random molecules of `genes` genes in [x0, x1) × [y0, y1), seeded. */
inline ss::MoleculeTable RandomMolecules(std::size_t n, std::size_t genes, double x0, double y0, double x1, double y1, unsigned seed)
{
  ss::MoleculeTable m;
  m.source = "synthetic-molecules";
  m.platform = "simulated";
  for (std::size_t g = 0; g < genes; ++g)
  {
    m.genes.push_back("M" + std::to_string(g));
  }
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> ux(x0, x1), uy(y0, y1);
  std::uniform_int_distribution<int> ug(0, static_cast<int>(genes) - 1);
  for (std::size_t i = 0; i < n; ++i)
  {
    m.Add(static_cast<float>(ux(rng)), static_cast<float>(uy(rng)), ug(rng));
  }
  return m;
}

/** True when two images have the same buffered region and identical pixels (bitwise for float). */
template <typename TImage>
bool SamePixels(const TImage * a, const TImage * b)
{
  if (a->GetBufferedRegion() != b->GetBufferedRegion())
  {
    return false;
  }
  itk::ImageRegionConstIterator<TImage> ia(a, a->GetBufferedRegion());
  itk::ImageRegionConstIterator<TImage> ib(b, b->GetBufferedRegion());
  for (; !ia.IsAtEnd(); ++ia, ++ib)
  {
    if (ia.Get() != ib.Get())
    {
      return false;
    }
  }
  return true;
}

} // namespace sstest

#endif
