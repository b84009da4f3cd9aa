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
/** For one axis, the input pixels each output pixel overlaps and the weights (summing to
 * 1) of those overlaps: output pixel i covers input [i * f, (i + 1) * f), f = in / out. */
struct AxisWeights
{
  std::vector<std::size_t> first; ///< per output pixel: its first entry in index/weight
  std::vector<unsigned int> index;
  std::vector<double> weight;
};

AxisWeights ComputeAxisWeights(unsigned int in, unsigned int out)
{
  AxisWeights w;
  const double f = static_cast<double>(in) / out;
  for (unsigned int i = 0; i < out; ++i)
  {
    w.first.push_back(w.index.size());
    const double a = i * f;
    const double b = (i + 1) * f;
    const auto j0 = static_cast<unsigned int>(std::floor(a));
    const auto j1 = std::min(in, static_cast<unsigned int>(std::ceil(b)));
    for (unsigned int j = j0; j < j1; ++j)
    {
      const double overlap = std::min<double>(b, j + 1) - std::max<double>(a, j);
      if (overlap > 1e-12)
      {
        w.index.push_back(j);
        w.weight.push_back(overlap / f);
      }
    }
  }
  w.first.push_back(w.index.size());
  return w;
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
  const AxisWeights wx = ComputeAxisWeights(static_cast<unsigned int>(inSize[0]), width);
  const AxisWeights wy = ComputeAxisWeights(static_cast<unsigned int>(inSize[1]), height);

  // Horizontal pass into a float buffer (height_in x width x 3), then vertical.
  std::vector<float> rows(inSize[1] * width * 3, 0.0f);
  const RGBPixelType * pixels = image->GetBufferPointer();
  const auto bufferStart = image->GetBufferedRegion().GetIndex();
  const auto bufferWidth = static_cast<std::size_t>(image->GetBufferedRegion().GetSize()[0]);
  for (std::size_t y = 0; y < inSize[1]; ++y)
  {
    const RGBPixelType * row =
      pixels + (y + inRegion.GetIndex()[1] - bufferStart[1]) * bufferWidth + (inRegion.GetIndex()[0] - bufferStart[0]);
    for (unsigned int x = 0; x < width; ++x)
    {
      float * o = &rows[(y * width + x) * 3];
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
  out->Allocate();

  RGBPixelType * o = out->GetBufferPointer();
  for (unsigned int y = 0; y < height; ++y)
  {
    for (unsigned int x = 0; x < width; ++x)
    {
      double sum[3] = { 0, 0, 0 };
      for (std::size_t k = wy.first[y]; k < wy.first[y + 1]; ++k)
      {
        const float * r = &rows[(wy.index[k] * width + x) * 3];
        for (unsigned c = 0; c < 3; ++c)
        {
          sum[c] += wy.weight[k] * r[c];
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
