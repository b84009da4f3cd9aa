#include "ssHistologyTileExtractionFilter.h"

#include "itkImageRegionIteratorWithIndex.h"
#include "itkTotalProgressReporter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace ss
{

namespace
{
using Matrix2 = itk::Matrix<double, 2, 2>;

/** Index -> µm linear part of an image or grid: direction · diag(spacing). */
Matrix2 IndexToPhysicalMatrix(const DirectionType & direction, const itk::Vector<double, 2> & spacing)
{
  Matrix2 m;
  for (unsigned r = 0; r < 2; ++r)
  {
    for (unsigned c = 0; c < 2; ++c)
    {
      m(r, c) = direction(r, c) * spacing[c];
    }
  }
  return m;
}

Matrix2 Inverse(const Matrix2 & m)
{
  const double det = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0);
  Matrix2 inv;
  inv(0, 0) = m(1, 1) / det;
  inv(0, 1) = -m(0, 1) / det;
  inv(1, 0) = -m(1, 0) / det;
  inv(1, 1) = m(0, 0) / det;
  return inv;
}

/** Affine map from the continuous indices of image `from` to those of image `to`. */
struct IndexMap
{
  Matrix2 a;
  double b[2];

  IndexMap(const itk::ImageBase<2> * from, const itk::ImageBase<2> * to)
  {
    const Matrix2 toInverse = Inverse(IndexToPhysicalMatrix(to->GetDirection(), to->GetSpacing()));
    a = toInverse * IndexToPhysicalMatrix(from->GetDirection(), from->GetSpacing());
    const double dx = from->GetOrigin()[0] - to->GetOrigin()[0];
    const double dy = from->GetOrigin()[1] - to->GetOrigin()[1];
    b[0] = toInverse(0, 0) * dx + toInverse(0, 1) * dy;
    b[1] = toInverse(1, 0) * dx + toInverse(1, 1) * dy;
  }
  void Apply(double i, double j, double & u, double & v) const
  {
    u = a(0, 0) * i + a(0, 1) * j + b[0];
    v = a(1, 0) * i + a(1, 1) * j + b[1];
  }
};

/** Continuous-index bounding box, in `to`, of the footprint of `region` of `from`. */
void FootprintBounds(const itk::ImageBase<2> * from,
                     const RegionType & region,
                     const itk::ImageBase<2> * to,
                     double lo[2],
                     double hi[2])
{
  const IndexMap map(from, to);
  const double i0 = static_cast<double>(region.GetIndex(0)) - 0.5;
  const double j0 = static_cast<double>(region.GetIndex(1)) - 0.5;
  const double i1 = i0 + static_cast<double>(region.GetSize(0));
  const double j1 = j0 + static_cast<double>(region.GetSize(1));
  lo[0] = lo[1] = std::numeric_limits<double>::infinity();
  hi[0] = hi[1] = -std::numeric_limits<double>::infinity();
  for (const double i : { i0, i1 })
  {
    for (const double j : { j0, j1 })
    {
      double u, v;
      map.Apply(i, j, u, v);
      lo[0] = std::min(lo[0], u);
      lo[1] = std::min(lo[1], v);
      hi[0] = std::max(hi[0], u);
      hi[1] = std::max(hi[1], v);
    }
  }
}

RegionType RegionFromBounds(double lo0, double lo1, double hi0, double hi1)
{
  RegionType r;
  const auto i0 = static_cast<itk::IndexValueType>(lo0);
  const auto j0 = static_cast<itk::IndexValueType>(lo1);
  const auto i1 = static_cast<itk::IndexValueType>(hi0);
  const auto j1 = static_cast<itk::IndexValueType>(hi1);
  r.SetIndex(0, i0);
  r.SetIndex(1, j0);
  r.SetSize(0, i1 >= i0 ? static_cast<itk::SizeValueType>(i1 - i0 + 1) : 0);
  r.SetSize(1, j1 >= j0 ? static_cast<itk::SizeValueType>(j1 - j0 + 1) : 0);
  return r;
}

/** Clamps for the index arithmetic: far-away footprints must not overflow the casts. */
double ClampIndex(double v)
{
  return std::max(-1e15, std::min(1e15, v));
}
} // namespace

HistologyTileExtractionFilter::HistologyTileExtractionFilter()
{
  this->SetNumberOfRequiredInputs(1);
  this->SetNumberOfRequiredOutputs(2);
  this->SetNthOutput(0, this->MakeOutput(0));
  this->SetNthOutput(1, this->MakeOutput(1));
  this->ThreaderUpdateProgressOff();
}

void HistologyTileExtractionFilter::SetHRGrid(const GridGeometry & grid)
{
  if (m_HasHRGrid && grid.SameAs(m_HRGrid, 0))
  {
    return; // unchanged: a pipeline that sets it again on every update need not run again
  }
  m_HRGrid = grid;
  m_HasHRGrid = true;
  this->Modified();
}

GridGeometry HistologyTileExtractionFilter::CellGrid(const GridGeometry & hr, unsigned int q)
{
  return hr.Refined(static_cast<double>(q));
}

GridGeometry HistologyTileExtractionFilter::TissueGrid(const GridGeometry & hr, unsigned int t)
{
  GridGeometry g = hr;
  g.spacing = hr.spacing * static_cast<double>(t);
  // Same corner as the HR grid; the first tissue pixel's centre is half a tissue pixel in.
  const PointType corner = hr.IndexToPhysical(hr.start[0] - 0.5, hr.start[1] - 0.5);
  for (unsigned r = 0; r < 2; ++r)
  {
    g.origin[r] = corner[r] + hr.direction(r, 0) * g.spacing[0] * 0.5 + hr.direction(r, 1) * g.spacing[1] * 0.5;
  }
  g.start.Fill(0);
  for (unsigned d = 0; d < 2; ++d)
  {
    g.size[d] = (hr.size[d] + t - 1) / t;
  }
  return g;
}

void HistologyTileExtractionFilter::GenerateOutputInformation()
{
  if (!m_HasHRGrid || m_HRGrid.GetNumberOfPixels() == 0)
  {
    itkExceptionMacro(<< "no HR grid: call SetHRGrid() with a non-empty grid");
  }
  const GridGeometry grids[2] = { CellGrid(m_HRGrid, m_CellPixelsPerBin), TissueGrid(m_HRGrid, m_TissueBinsPerPixel) };
  for (unsigned int i = 0; i < 2; ++i)
  {
    RGBImageType * output = this->GetOutput(i);
    output->SetOrigin(grids[i].origin);
    output->SetSpacing(grids[i].spacing);
    output->SetDirection(grids[i].direction);
    output->SetLargestPossibleRegion(grids[i].GetRegion());
  }
}

void HistologyTileExtractionFilter::GenerateOutputRequestedRegion(itk::DataObject * requested)
{
  const auto * from = dynamic_cast<const RGBImageType *>(requested);
  if (!from)
  {
    itkExceptionMacro(<< "GenerateOutputRequestedRegion: not one of this filter's outputs");
  }
  for (unsigned int i = 0; i < 2; ++i)
  {
    RGBImageType * to = this->GetOutput(i);
    if (to == from)
    {
      continue;
    }
    // The pixels of the other grid whose footprints overlap the requested footprint (the
    // 1e-9 keeps a shared edge from pulling in a neighbour through rounding).
    double lo[2], hi[2];
    FootprintBounds(from, from->GetRequestedRegion(), to, lo, hi);
    RegionType region = RegionFromBounds(ClampIndex(std::floor(lo[0] + 0.5 + 1e-9)),
                                         ClampIndex(std::floor(lo[1] + 0.5 + 1e-9)),
                                         ClampIndex(std::ceil(hi[0] - 0.5 - 1e-9)),
                                         ClampIndex(std::ceil(hi[1] - 0.5 - 1e-9)));
    if (!region.Crop(to->GetLargestPossibleRegion()))
    {
      region = RegionType(to->GetLargestPossibleRegion().GetIndex(), SizeType{ { 0, 0 } });
    }
    to->SetRequestedRegion(region);
  }
}

RegionType HistologyTileExtractionFilter::InputRegionFor(const RGBImageType * output, const RegionType & region) const
{
  double lo[2], hi[2];
  FootprintBounds(output, region, this->GetInput(), lo, hi);
  return RegionFromBounds(ClampIndex(std::floor(lo[0]) - 1),
                          ClampIndex(std::floor(lo[1]) - 1),
                          ClampIndex(std::ceil(hi[0]) + 1),
                          ClampIndex(std::ceil(hi[1]) + 1));
}

void HistologyTileExtractionFilter::GenerateInputRequestedRegion()
{
  auto * input = const_cast<RGBImageType *>(this->GetInput());
  if (!input)
  {
    itkExceptionMacro(<< "no input image");
  }
  const RegionType largest = input->GetLargestPossibleRegion();
  if (largest.GetNumberOfPixels() == 0)
  {
    itkExceptionMacro(<< "the input image is empty");
  }
  bool any = false;
  itk::IndexValueType lo[2] = { 0, 0 }, hi[2] = { 0, 0 };
  for (unsigned int i = 0; i < 2; ++i)
  {
    const RGBImageType * output = this->GetOutput(i);
    const RegionType requested = output->GetRequestedRegion();
    if (requested.GetNumberOfPixels() == 0)
    {
      continue;
    }
    const RegionType r = this->InputRegionFor(output, requested);
    for (unsigned d = 0; d < 2; ++d)
    {
      const itk::IndexValueType a = r.GetIndex(d);
      const itk::IndexValueType b = a + static_cast<itk::IndexValueType>(r.GetSize(d)) - 1;
      lo[d] = any ? std::min(lo[d], a) : a;
      hi[d] = any ? std::max(hi[d], b) : b;
    }
    any = true;
  }
  RegionType region = RegionFromBounds(
    static_cast<double>(lo[0]), static_cast<double>(lo[1]), static_cast<double>(hi[0]), static_cast<double>(hi[1]));
  if (!any || !region.Crop(largest))
  {
    // Nothing of the input lies under the request: one pixel keeps the pipeline valid; the
    // outputs are then white.
    IndexType nearest;
    for (unsigned d = 0; d < 2; ++d)
    {
      const itk::IndexValueType first = largest.GetIndex(d);
      const itk::IndexValueType last = first + static_cast<itk::IndexValueType>(largest.GetSize(d)) - 1;
      nearest[d] = std::max(first, std::min(last, any ? lo[d] : first));
    }
    region = RegionType(nearest, SizeType{ { 1, 1 } });
  }
  input->SetRequestedRegion(region);
}

void HistologyTileExtractionFilter::GenerateData()
{
  this->AllocateOutputs();
  itk::SizeValueType total = 0;
  for (unsigned int i = 0; i < 2; ++i)
  {
    total += this->GetOutput(i)->GetRequestedRegion().GetNumberOfPixels();
  }
  this->GetMultiThreader()->SetNumberOfWorkUnits(this->GetNumberOfWorkUnits());
  for (unsigned int i = 0; i < 2; ++i)
  {
    RGBImageType * output = this->GetOutput(i);
    const RegionType requested = output->GetRequestedRegion();
    if (requested.GetNumberOfPixels() == 0)
    {
      continue;
    }
    this->GetMultiThreader()->ParallelizeImageRegion<2>(
      requested,
      [this, output, total](const RegionType & region)
      {
        itk::TotalProgressReporter progress(this, total);
        this->AverageRegion(output, region);
        progress.Completed(region.GetNumberOfPixels());
      },
      nullptr);
  }
}

void HistologyTileExtractionFilter::AverageRegion(RGBImageType * output, const RegionType & whole) const
{
  // Strips of rows bound the accumulators (32 bytes per output pixel) to ~32 MB per thread.
  const itk::SizeValueType width = whole.GetSize(0);
  const itk::SizeValueType rowsPerStrip =
    std::max<itk::SizeValueType>(1, (itk::SizeValueType{ 1 } << 20) / std::max<itk::SizeValueType>(1, width));
  for (itk::SizeValueType done = 0; done < whole.GetSize(1); done += rowsPerStrip)
  {
    RegionType strip = whole;
    strip.SetIndex(1, whole.GetIndex(1) + static_cast<itk::IndexValueType>(done));
    strip.SetSize(1, std::min(rowsPerStrip, whole.GetSize(1) - done));
    this->AverageStrip(output, strip);
  }
}

void HistologyTileExtractionFilter::AverageStrip(RGBImageType * output, const RegionType & region) const
{
  const RGBImageType * input = this->GetInput();
  const RegionType buffered = input->GetBufferedRegion();
  const RegionType largest = input->GetLargestPossibleRegion();
  const std::size_t width = region.GetSize(0);
  std::vector<double> sums(region.GetNumberOfPixels() * 4, 0.0); // r, g, b, count

  // Every input pixel centre lands in exactly one output pixel: add it there.
  RegionType inputRegion = this->InputRegionFor(output, region);
  if (inputRegion.Crop(buffered))
  {
    const IndexMap map(input, output);
    itk::ImageRegionConstIteratorWithIndex<RGBImageType> it(input, inputRegion);
    for (; !it.IsAtEnd(); ++it)
    {
      const IndexType idx = it.GetIndex();
      double u, v;
      map.Apply(static_cast<double>(idx[0]), static_cast<double>(idx[1]), u, v);
      const double k0 = std::floor(u + 0.5) - static_cast<double>(region.GetIndex(0));
      const double k1 = std::floor(v + 0.5) - static_cast<double>(region.GetIndex(1));
      if (k0 < 0 || k1 < 0 || k0 >= static_cast<double>(width) || k1 >= static_cast<double>(region.GetSize(1)))
      {
        continue;
      }
      double * s = sums.data() + 4 * (static_cast<std::size_t>(k1) * width + static_cast<std::size_t>(k0));
      const RGBPixelType p = it.Get();
      s[0] += p[0];
      s[1] += p[1];
      s[2] += p[2];
      s[3] += 1;
    }
  }

  const IndexMap back(output, input);
  auto inputAt = [&](itk::IndexValueType i, itk::IndexValueType j)
  {
    // Clamped to what is buffered: the request includes a 1-pixel margin, so this only
    // replicates the edge of the whole image.
    IndexType idx;
    idx[0] = std::max(buffered.GetIndex(0),
                      std::min(i, buffered.GetIndex(0) + static_cast<itk::IndexValueType>(buffered.GetSize(0)) - 1));
    idx[1] = std::max(buffered.GetIndex(1),
                      std::min(j, buffered.GetIndex(1) + static_cast<itk::IndexValueType>(buffered.GetSize(1)) - 1));
    return input->GetPixel(idx);
  };
  itk::ImageRegionIteratorWithIndex<RGBImageType> out(output, region);
  for (std::size_t k = 0; !out.IsAtEnd(); ++out, ++k)
  {
    const double * s = sums.data() + 4 * k;
    RGBPixelType value;
    if (s[3] > 0)
    {
      for (unsigned c = 0; c < 3; ++c)
      {
        value[c] = static_cast<unsigned char>(std::min(255.0, std::max(0.0, std::round(s[c] / s[3]))));
      }
      out.Set(value);
      continue;
    }
    const IndexType idx = out.GetIndex();
    double u, v;
    back.Apply(static_cast<double>(idx[0]), static_cast<double>(idx[1]), u, v);
    const double lo0 = static_cast<double>(largest.GetIndex(0)) - 0.5;
    const double lo1 = static_cast<double>(largest.GetIndex(1)) - 0.5;
    if (u < lo0 || v < lo1 || u >= lo0 + static_cast<double>(largest.GetSize(0)) ||
        v >= lo1 + static_cast<double>(largest.GetSize(1)) || buffered.GetNumberOfPixels() == 0)
    {
      value.Fill(255);
      out.Set(value);
      continue;
    }
    // Finer than the input: bilinear at the pixel centre.
    const double fu = std::floor(u), fv = std::floor(v);
    const double wu = u - fu, wv = v - fv;
    const auto i0 = static_cast<itk::IndexValueType>(fu), j0 = static_cast<itk::IndexValueType>(fv);
    const RGBPixelType p00 = inputAt(i0, j0), p10 = inputAt(i0 + 1, j0), p01 = inputAt(i0, j0 + 1),
                       p11 = inputAt(i0 + 1, j0 + 1);
    for (unsigned c = 0; c < 3; ++c)
    {
      const double x =
        (1 - wu) * (1 - wv) * p00[c] + wu * (1 - wv) * p10[c] + (1 - wu) * wv * p01[c] + wu * wv * p11[c];
      value[c] = static_cast<unsigned char>(std::min(255.0, std::max(0.0, std::round(x))));
    }
    out.Set(value);
  }
}

void HistologyTileExtractionFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "HRGrid: " << (m_HasHRGrid ? "" : "(not set) ") << "origin " << m_HRGrid.origin << " spacing "
     << m_HRGrid.spacing << " start " << m_HRGrid.start << " size " << m_HRGrid.size << std::endl;
  os << indent << "HRGridDirection: " << m_HRGrid.direction;
  os << indent << "CellPixelsPerBin: " << m_CellPixelsPerBin << std::endl;
  os << indent << "TissueBinsPerPixel: " << m_TissueBinsPerPixel << std::endl;
}

} // namespace ss
