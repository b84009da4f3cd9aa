#include "ssPanels.h"

#include "ssError.h"
#include "ssVisualizationInternal.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIterator.h"
#include "itkVectorIndexSelectionCastImageFilter.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace
{
/** For one axis, the input pixels each output pixel overlaps and the weights of those
 * overlaps, in edge coordinates (input pixel j covers [j, j + 1)): output pixel i covers
 * [low + i * step, low + (i + 1) * step). The weights of an output pixel sum to 1 where it
 * lies inside the input, and to the fraction of it that does otherwise. */
struct AxisWeights
{
  std::vector<std::size_t> first; ///< per output pixel: its first entry in index/weight
  std::vector<unsigned int> index;
  std::vector<double> weight;
  std::vector<double> inside; ///< per output pixel: the sum of its weights
};

AxisWeights ComputeAxisWeights(unsigned int in, unsigned int out, double low, double step)
{
  AxisWeights w;
  for (unsigned int i = 0; i < out; ++i)
  {
    w.first.push_back(w.index.size());
    const double a = low + i * step;
    const double b = low + (i + 1) * step;
    const double j0 = std::max(0.0, std::floor(a));
    const double j1 = std::min<double>(in, std::ceil(b));
    double inside = 0;
    for (double j = j0; j < j1; ++j)
    {
      const double overlap = std::min(b, j + 1) - std::max(a, j);
      if (overlap > 1e-12)
      {
        w.index.push_back(static_cast<unsigned int>(j));
        w.weight.push_back(overlap / step);
        inside += overlap / step;
      }
    }
    w.inside.push_back(inside);
  }
  w.first.push_back(w.index.size());
  return w;
}

/** Output pixel (x, y) = sum of the weighted input pixels of `region` of `image`, plus
 * `outside` for the part of it the input does not cover. Separable: a horizontal pass over
 * the input rows that are used, into floats, then a vertical one. */
RGBImageType::Pointer AreaAverage(const RGBImageType * image,
                                  const RegionType & inRegion,
                                  const AxisWeights & wx,
                                  const AxisWeights & wy,
                                  const RGBPixelType & outside)
{
  const auto width = static_cast<unsigned int>(wx.inside.size());
  const auto height = static_cast<unsigned int>(wy.inside.size());
  const auto rowsUsed = std::minmax_element(wy.index.begin(), wy.index.end());
  const std::size_t row0 = wy.index.empty() ? 0 : *rowsUsed.first;
  const std::size_t rowCount = wy.index.empty() ? 0 : *rowsUsed.second - row0 + 1;

  std::vector<float> rows(rowCount * width * 3, 0.0f);
  const RGBPixelType * pixels = image->GetBufferPointer();
  const auto bufferStart = image->GetBufferedRegion().GetIndex();
  const auto bufferWidth = static_cast<std::size_t>(image->GetBufferedRegion().GetSize()[0]);
  for (std::size_t r = 0; r < rowCount; ++r)
  {
    const std::size_t y = row0 + r;
    const RGBPixelType * row =
      pixels + (y + inRegion.GetIndex()[1] - bufferStart[1]) * bufferWidth + (inRegion.GetIndex()[0] - bufferStart[0]);
    for (unsigned int x = 0; x < width; ++x)
    {
      float * o = &rows[(r * width + x) * 3];
      for (std::size_t k = wx.first[x]; k < wx.first[x + 1]; ++k)
      {
        const RGBPixelType & p = row[wx.index[k]];
        for (unsigned c = 0; c < 3; ++c)
        {
          o[c] += static_cast<float>(wx.weight[k] * p[c]);
        }
      }
    }
  }

  RGBImageType::RegionType outRegion;
  outRegion.SetSize({ { width, height } });
  auto out = RGBImageType::New();
  out->SetRegions(outRegion);
  out->Allocate();
  RGBPixelType * o = out->GetBufferPointer();
  for (unsigned int y = 0; y < height; ++y)
  {
    for (unsigned int x = 0; x < width; ++x)
    {
      double sum[3] = { 0, 0, 0 };
      for (std::size_t k = wy.first[y]; k < wy.first[y + 1]; ++k)
      {
        const float * r = &rows[((wy.index[k] - row0) * width + x) * 3];
        for (unsigned c = 0; c < 3; ++c)
        {
          sum[c] += wy.weight[k] * r[c];
        }
      }
      // Only where the input does not cover the pixel: inside, the sum stays as it is.
      const double uncovered = 1 - wx.inside[x] * wy.inside[y];
      if (uncovered > 1e-9)
      {
        for (unsigned c = 0; c < 3; ++c)
        {
          sum[c] += uncovered * outside[c];
        }
      }
      RGBPixelType & p = o[static_cast<std::size_t>(y) * width + x];
      for (unsigned c = 0; c < 3; ++c)
      {
        p[c] = static_cast<unsigned char>(std::lround(std::min(255.0, std::max(0.0, sum[c]))));
      }
    }
  }
  return out;
}
} // namespace

FloatImageType::Pointer ExtractComponent(const ExpressionImageType * map, unsigned int component)
{
  if (component >= map->GetNumberOfComponentsPerPixel())
  {
    SS_INPUT_ERROR("",
                   "component",
                   "gene " + std::to_string(component) + " was asked of a map with " +
                     std::to_string(map->GetNumberOfComponentsPerPixel()) + " genes",
                   "choose a gene of the map");
  }
  using Filter = itk::VectorIndexSelectionCastImageFilter<ExpressionImageType, FloatImageType>;
  auto filter = Filter::New();
  filter->SetInput(map);
  filter->SetIndex(component);
  filter->Update();
  FloatImageType::Pointer result = filter->GetOutput();
  result->DisconnectPipeline();
  return result;
}

RGBImageType::Pointer RenderScalarMap(const FloatImageType * map,
                                      const MaskImageType * mask,
                                      const Colormap & colormap,
                                      const IntensityRange & range)
{
  detail::RequireWholeImage(map, "map");
  if (mask)
  {
    detail::RequireWholeImage(mask, "mask");
    RequireSameGrid(map, mask);
  }
  auto rgb = RGBImageType::New();
  rgb->CopyInformation(map);
  rgb->SetRegions(map->GetLargestPossibleRegion());
  rgb->Allocate();
  const auto region = map->GetLargestPossibleRegion();
  itk::ImageRegionConstIterator<FloatImageType> in(map, region);
  itk::ImageRegionIterator<RGBImageType> out(rgb, region);
  for (in.GoToBegin(), out.GoToBegin(); !in.IsAtEnd(); ++in, ++out)
  {
    const float v = in.Get();
    const bool outside = mask && mask->GetPixel(in.GetIndex()) == 0;
    out.Set(outside || !std::isfinite(v) ? BackgroundGrey() : colormap.Map(range.Normalize(v)));
  }
  return rgb;
}

RGBImageType::Pointer ResizeByAreaAveraging(const RGBImageType * image, unsigned int width, unsigned int height)
{
  detail::RequireWholeImage(image, "panel image");
  const auto inRegion = image->GetLargestPossibleRegion();
  const auto inSize = inRegion.GetSize();
  if (width == 0 || height == 0 || inSize[0] == 0 || inSize[1] == 0)
  {
    SS_INPUT_ERROR("", "panel size", "an image cannot be resized to or from zero pixels", "give a positive panel size");
  }
  const AxisWeights wx = ComputeAxisWeights(static_cast<unsigned int>(inSize[0]), width, 0, double(inSize[0]) / width);
  const AxisWeights wy =
    ComputeAxisWeights(static_cast<unsigned int>(inSize[1]), height, 0, double(inSize[1]) / height);
  auto out = AreaAverage(image, inRegion, wx, wy, RGBPixelType());

  out->SetDirection(image->GetDirection());
  RGBImageType::SpacingType spacing;
  spacing[0] = image->GetSpacing()[0] * inSize[0] / width;
  spacing[1] = image->GetSpacing()[1] * inSize[1] / height;
  out->SetSpacing(spacing);
  // The first output pixel's centre, as a continuous index of the input.
  itk::ContinuousIndex<double, Dimension> firstCentre;
  firstCentre[0] = inRegion.GetIndex()[0] - 0.5 + 0.5 * inSize[0] / width;
  firstCentre[1] = inRegion.GetIndex()[1] - 0.5 + 0.5 * inSize[1] / height;
  PointType origin;
  image->TransformContinuousIndexToPhysicalPoint(firstCentre, origin);
  out->SetOrigin(origin);
  return out;
}

RGBImageType::Pointer ResampleByAreaAveraging(const RGBImageType * image,
                                              const GridGeometry & grid,
                                              const RGBPixelType & outside)
{
  detail::RequireWholeImage(image, "panel image");
  if (grid.size[0] == 0 || grid.size[1] == 0)
  {
    SS_INPUT_ERROR("", "panel grid", "the grid has no pixels", "give the grid a size");
  }
  for (unsigned r = 0; r < Dimension; ++r)
  {
    for (unsigned c = 0; c < Dimension; ++c)
    {
      if (std::abs(image->GetDirection()[r][c] - grid.direction[r][c]) > 1e-6)
      {
        SS_INPUT_ERROR("",
                       "panel image",
                       "its direction differs from the panel grid's (a rotated image)",
                       "resample it onto the grid's axes first (itk::ResampleImageFilter)");
      }
    }
  }
  // With a common direction, each axis maps affinely: input continuous index
  // = a + b * output index, b = output spacing / input spacing.
  const RegionType inRegion = image->GetLargestPossibleRegion();
  itk::ContinuousIndex<double, Dimension> a;
  image->TransformPhysicalPointToContinuousIndex(grid.IndexToPhysical(0, 0), a);
  AxisWeights w[Dimension];
  for (unsigned d = 0; d < Dimension; ++d)
  {
    const double b = grid.spacing[d] / image->GetSpacing()[d];
    // Output pixel k covers output indices start + k +- 0.5; in the input's edge
    // coordinates (pixel j covers [j, j + 1)), that starts at:
    const double low = a[d] + b * (grid.start[d] - 0.5) - inRegion.GetIndex()[d] + 0.5;
    w[d] = ComputeAxisWeights(
      static_cast<unsigned int>(inRegion.GetSize()[d]), static_cast<unsigned int>(grid.size[d]), low, b);
  }
  auto out = AreaAverage(image, inRegion, w[0], w[1], outside);
  const RGBImageType::PixelContainerPointer pixels = out->GetPixelContainer();
  grid.ApplyTo(out);
  out->SetPixelContainer(pixels);
  return out;
}

SizeType FitPanelSize(const RGBImageType * image, unsigned int maxWidth, unsigned int maxHeight)
{
  detail::RequireWholeImage(image, "panel image");
  if (maxWidth == 0 || maxHeight == 0)
  {
    SS_INPUT_ERROR("", "panel size", "a panel of 0 pixels holds nothing", "give a positive panel size");
  }
  const auto size = image->GetLargestPossibleRegion().GetSize();
  const double physicalWidth = size[0] * image->GetSpacing()[0];
  const double physicalHeight = size[1] * image->GetSpacing()[1];
  const double scale = std::min(maxWidth / physicalWidth, maxHeight / physicalHeight);
  SizeType fitted;
  fitted[0] = std::max<long>(1, std::min<long>(maxWidth, std::lround(physicalWidth * scale)));
  fitted[1] = std::max<long>(1, std::min<long>(maxHeight, std::lround(physicalHeight * scale)));
  return fitted;
}

RGBImageType::Pointer FitToPanel(const RGBImageType * image, unsigned int maxWidth, unsigned int maxHeight)
{
  const SizeType size = FitPanelSize(image, maxWidth, maxHeight);
  return ResizeByAreaAveraging(image, static_cast<unsigned int>(size[0]), static_cast<unsigned int>(size[1]));
}

} // namespace ss
