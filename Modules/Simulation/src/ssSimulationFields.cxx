#include "ssSimulationFields.h"

#include "itkImage.h"
#include "itkImageRegionIterator.h"
#include "itkMultiThreaderBase.h"
#include "itkSmoothingRecursiveGaussianImageFilter.h"

#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>

namespace ss
{
namespace sim
{

FieldGrid MakeGaussianRandomField(const BoundingBox & box, double sigmaUm, std::uint64_t seed, unsigned int workUnits)
{
  const double spacing = sigmaUm / 4;
  const std::size_t pad = 12; // 3 sigma in grid steps
  const auto nx = static_cast<std::size_t>(std::ceil(box.Width() / spacing)) + 1;
  const auto ny = static_cast<std::size_t>(std::ceil(box.Height() / spacing)) + 1;

  using ImageType = itk::Image<float, 2>;
  auto noise = ImageType::New();
  ImageType::SizeType size;
  size[0] = nx + 2 * pad;
  size[1] = ny + 2 * pad;
  noise->SetRegions(ImageType::RegionType(size));
  ImageType::SpacingType sp;
  sp.Fill(spacing);
  noise->SetSpacing(sp);
  noise->Allocate();
  Engine engine(seed);
  boost::random::normal_distribution<float> normal;
  for (itk::ImageRegionIterator<ImageType> it(noise, noise->GetBufferedRegion()); !it.IsAtEnd(); ++it)
  {
    it.Set(normal(engine));
  }

  using SmoothType = itk::SmoothingRecursiveGaussianImageFilter<ImageType, ImageType>;
  auto smooth = SmoothType::New();
  smooth->SetInput(noise);
  smooth->SetSigma(sigmaUm);
  smooth->SetNormalizeAcrossScale(false);
  if (workUnits > 0)
  {
    smooth->SetNumberOfWorkUnits(workUnits);
  }
  smooth->Update();
  const ImageType * smoothed = smooth->GetOutput();

  // Unit-variance white noise convolved with a normalized 2-D Gaussian of s grid steps
  // has variance sum(w²) = 1 / (4 π s²): scaling by its inverse gives a unit-variance
  // field whatever the extent of the slide.
  const double s = sigmaUm / spacing;
  const double scale = 2 * std::sqrt(M_PI) * s;
  FieldGrid field(box.minX, box.minY, spacing, nx, ny);
  for (std::size_t j = 0; j < ny; ++j)
  {
    for (std::size_t i = 0; i < nx; ++i)
    {
      ImageType::IndexType idx;
      idx[0] = static_cast<itk::IndexValueType>(i + pad);
      idx[1] = static_cast<itk::IndexValueType>(j + pad);
      field.At(i, j) = static_cast<float>(smoothed->GetPixel(idx) * scale);
    }
  }
  return field;
}

CellIndex::CellIndex(const std::vector<float> & x,
                     const std::vector<float> & y,
                     const BoundingBox & bounds,
                     double binUm,
                     const std::vector<std::uint32_t> * subset)
  : m_OriginX(bounds.minX)
  , m_OriginY(bounds.minY)
  , m_Bin(binUm)
{
  m_NX = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(bounds.Width() / binUm)));
  m_NY = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(bounds.Height() / binUm)));
  const std::size_t n = subset ? subset->size() : x.size();
  auto cell = [subset](std::size_t k) { return subset ? (*subset)[k] : static_cast<std::uint32_t>(k); };
  // Counting sort by bucket keeps cells in the subset's order within each bucket.
  std::vector<std::uint32_t> bucket(n);
  m_Start.assign(m_NX * m_NY + 1, 0);
  for (std::size_t k = 0; k < n; ++k)
  {
    const auto c = cell(k);
    bucket[k] = static_cast<std::uint32_t>(Bin(y[c], m_OriginY, m_NY) * m_NX + Bin(x[c], m_OriginX, m_NX));
    ++m_Start[bucket[k] + 1];
  }
  for (std::size_t b = 0; b + 1 < m_Start.size(); ++b)
  {
    m_Start[b + 1] += m_Start[b];
  }
  std::vector<std::uint32_t> next(m_Start.begin(), m_Start.end() - 1);
  m_Cells.resize(n);
  m_X.resize(n);
  m_Y.resize(n);
  for (std::size_t k = 0; k < n; ++k)
  {
    const auto e = next[bucket[k]]++;
    const auto c = cell(k);
    m_Cells[e] = c;
    m_X[e] = x[c];
    m_Y[e] = y[c];
  }
}

std::vector<std::uint32_t> CellIndex::Query(double x0, double y0, double x1, double y1) const
{
  std::vector<std::uint32_t> cells;
  ForEachIn(x0, y0, x1, y1, [&cells](std::uint32_t c) { cells.push_back(c); });
  std::sort(cells.begin(), cells.end());
  return cells;
}

void ParallelFor(std::size_t n, unsigned int workUnits, const std::function<void(std::size_t)> & f)
{
  if (n == 0)
  {
    return;
  }
  auto threader = itk::MultiThreaderBase::New();
  if (workUnits > 0)
  {
    threader->SetNumberOfWorkUnits(workUnits);
  }
  if (threader->GetNumberOfWorkUnits() <= 1)
  {
    for (std::size_t i = 0; i < n; ++i)
    {
      f(i);
    }
    return;
  }
  threader->ParallelizeArray(
    0, n, [&f](itk::SizeValueType i) { f(i); }, nullptr);
}

} // namespace sim
} // namespace ss
