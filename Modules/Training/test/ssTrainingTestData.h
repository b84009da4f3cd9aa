#ifndef ssTrainingTestData_h
#define ssTrainingTestData_h

// Synthetic slides for the Training tests and SuperSpotTrain's: every map non-constant, the
// HR truth with detail the LR map lacks, the images textured, and a tissue mask chosen by
// the test.

#include "ssGridGeometry.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssPairSet.h"

#include "itkImageRegionIteratorWithIndex.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace ss
{
namespace test
{

/** Where a synthetic slide's truth is measured, by HR index relative to the grid's first. */
using MaskFunction = std::function<bool(long x, long y)>;

/** An ellipse filling most of a w × h grid. */
inline MaskFunction Ellipse(long w, long h)
{
  return [w, h](long x, long y)
  {
    const double u = (x + 0.5) / w - 0.5, v = (y + 0.5) / h - 0.5;
    return u * u + v * v < 0.2;
  };
}

struct SyntheticSlideParameters
{
  std::string name = "synthetic";
  long width = 40, height = 36; ///< HR pixels
  unsigned int genes = 4;
  unsigned int cellPixelsPerBin = 2;
  unsigned int tissueBinsPerPixel = 4;
  bool histology = true;
  double resolutionUm = 10;
  double factor = 10;
  double phase = 0;  ///< moves the patterns, so two slides differ
  MaskFunction mask; ///< empty: Ellipse(width, height)
};

/** A slide on a 10 µm grid at (1000, 500) µm: hr_g = smooth + detail, lr = 4 × 4 block means
 * of the smooth part, base = the smooth part, masks from `mask`, H&E maps on the grids
 * HistologyTileExtractionFilter would use. */
inline SlidePair SyntheticSlide(const SyntheticSlideParameters & p)
{
  SlidePair s;
  s.name = p.name;
  s.resolutionUm = p.resolutionUm;
  s.factor = p.factor;
  s.cellPixelsPerBin = p.cellPixelsPerBin;
  s.tissueBinsPerPixel = p.tissueBinsPerPixel;
  s.grid.origin[0] = 1000;
  s.grid.origin[1] = 500;
  s.grid.spacing.Fill(p.resolutionUm);
  s.grid.size[0] = static_cast<itk::SizeValueType>(p.width);
  s.grid.size[1] = static_cast<itk::SizeValueType>(p.height);
  const MaskFunction mask = p.mask ? p.mask : Ellipse(p.width, p.height);
  const auto newMap = [&]()
  {
    auto image = ExpressionImageType::New();
    s.grid.ApplyTo(image);
    image->SetNumberOfComponentsPerPixel(p.genes);
    image->Allocate();
    return image;
  };
  const auto newMask = [&]()
  {
    auto image = MaskImageType::New();
    s.grid.ApplyTo(image);
    image->Allocate();
    return image;
  };
  s.hr = newMap();
  s.lr = newMap();
  s.base = newMap();
  s.hrMask = newMask();
  s.lrMask = newMask();
  const auto smooth = [&](unsigned g, double x, double y)
  { return 1.5 + 0.6 * std::sin(p.phase + 0.15 * x + 0.4 * g) + 0.4 * std::cos(0.11 * y - 0.3 * g); };
  ExpressionImageType::PixelType hr(p.genes), lr(p.genes), base(p.genes);
  for (itk::ImageRegionIteratorWithIndex<MaskImageType> it(s.hrMask, s.grid.GetRegion()); !it.IsAtEnd(); ++it)
  {
    const IndexType i = it.GetIndex();
    const long x = i[0], y = i[1];
    const bool in = mask(x, y);
    for (unsigned g = 0; g < p.genes; ++g)
    {
      const double detail = 0.5 * std::sin(p.phase + 1.3 * x + (g % 2 ? 0.9 : 0.2) * y);
      base[g] = static_cast<float>(smooth(g, x, y));
      lr[g] = in ? static_cast<float>(smooth(g, x - x % 4 + 1.5, y - y % 4 + 1.5)) : 0.0f;
      hr[g] = in ? static_cast<float>(std::max(0.0, smooth(g, x, y) + detail)) : 0.0f;
    }
    s.hr->SetPixel(i, hr);
    s.lr->SetPixel(i, lr);
    s.base->SetPixel(i, base);
    it.Set(in ? 1 : 0);
    s.lrMask->SetPixel(i, in ? 1 : 0);
  }
  if (!p.histology)
  {
    return s;
  }
  const auto newRGB = [&](const GridGeometry & grid, double scale)
  {
    auto image = RGBImageType::New();
    grid.ApplyTo(image);
    image->Allocate();
    for (itk::ImageRegionIteratorWithIndex<RGBImageType> it(image, grid.GetRegion()); !it.IsAtEnd(); ++it)
    {
      const double x = it.GetIndex()[0] * scale, y = it.GetIndex()[1] * scale;
      RGBPixelType v;
      v[0] = static_cast<unsigned char>(150 + 90 * std::sin(p.phase + 0.7 * x));
      v[1] = static_cast<unsigned char>(110 + 80 * std::cos(0.5 * y));
      v[2] = static_cast<unsigned char>(170 + 60 * std::sin(0.3 * (x + y)));
      it.Set(v);
    }
    return image;
  };
  s.cell = newRGB(HistologyTileExtractionFilter::CellGrid(s.grid, p.cellPixelsPerBin), 1.0 / p.cellPixelsPerBin);
  s.tissue =
    newRGB(HistologyTileExtractionFilter::TissueGrid(s.grid, p.tissueBinsPerPixel), 1.0 * p.tissueBinsPerPixel);
  return s;
}

/** A pair set of `slides` synthetic slides (density normalization, like molecule data), genes
 * "EPCAM", "KRT19", "PTPRC", "CD3E" (or G1, G2, … beyond four). */
inline PairSet SyntheticPairSet(std::size_t slides = 2, SyntheticSlideParameters p = {})
{
  PairSet set;
  const char * names[] = { "EPCAM", "KRT19", "PTPRC", "CD3E" };
  for (unsigned g = 0; g < p.genes; ++g)
  {
    set.genes.push_back(g < 4 ? names[g] : "G" + std::to_string(g));
  }
  set.normalization = ExpressionNormalization::Density();
  for (std::size_t i = 0; i < slides; ++i)
  {
    SyntheticSlideParameters q = p;
    q.name = p.name + std::to_string(i);
    q.phase = p.phase + 0.9 * static_cast<double>(i);
    set.slides.push_back(SyntheticSlide(q));
  }
  return set;
}

} // namespace test
} // namespace ss

#endif
