#include "ssSpotOverlay.h"

#include "ssError.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace
{
void CheckSpots(const std::vector<PointType> & centresUm,
                double diameterUm,
                const std::vector<RGBPixelType> & colors,
                double lineWidthPixels)
{
  if (colors.size() != 1 && colors.size() != centresUm.size())
  {
    SS_INPUT_ERROR("",
                   "spot colours",
                   std::to_string(colors.size()) + " colours for " + std::to_string(centresUm.size()) + " spots",
                   "give one colour, or one per spot");
  }
  if (!(diameterUm > 0) || !(lineWidthPixels > 0))
  {
    SS_INPUT_ERROR(
      "", "spot diameter", "the diameter and the line width must be positive", "pass the spot diameter in µm");
  }
}

/** Blends each spot's colour into the pixels around its centre with the weight
 * coverage(distance from the centre in pixels) in [0, 1]; `reachPixels` bounds where
 * coverage is non-zero. Returns the number of pixels touched. */
template<typename TCoverage>
std::size_t PaintSpots(RGBImageType * image,
                       const std::vector<PointType> & centresUm,
                       const std::vector<RGBPixelType> & colors,
                       double reachPixels,
                       TCoverage coverage)
{
  const auto region = image->GetBufferedRegion();
  const auto & spacing = image->GetSpacing();
  // One pixel's size in µm (the geometric mean for anisotropic pixels) turns distances
  // into pixels, where the line width and the anti-aliasing are defined.
  const double pixelUm = std::sqrt(spacing[0] * spacing[1]);
  // |index offset| <= physical distance / smallest spacing, whatever the direction.
  const double reach = reachPixels * pixelUm / std::min(spacing[0], spacing[1]) + 1;
  std::size_t touched = 0;
  for (std::size_t s = 0; s < centresUm.size(); ++s)
  {
    const RGBPixelType & color = colors.size() == 1 ? colors[0] : colors[s];
    itk::ContinuousIndex<double, Dimension> centre;
    image->TransformPhysicalPointToContinuousIndex(centresUm[s], centre);
    IndexType lo, hi;
    for (unsigned d = 0; d < Dimension; ++d)
    {
      lo[d] = std::max<IndexType::IndexValueType>(region.GetIndex()[d], std::floor(centre[d] - reach));
      hi[d] = std::min<IndexType::IndexValueType>(region.GetUpperIndex()[d], std::ceil(centre[d] + reach));
    }
    IndexType index;
    for (index[1] = lo[1]; index[1] <= hi[1]; ++index[1])
    {
      for (index[0] = lo[0]; index[0] <= hi[0]; ++index[0])
      {
        PointType p;
        image->TransformIndexToPhysicalPoint(index, p);
        const double weight = std::min(1.0, std::max(0.0, coverage(p.EuclideanDistanceTo(centresUm[s]) / pixelUm)));
        if (weight <= 0)
        {
          continue;
        }
        RGBPixelType v = image->GetPixel(index);
        for (unsigned c = 0; c < 3; ++c)
        {
          v[c] = static_cast<unsigned char>(std::lround((1 - weight) * v[c] + weight * color[c]));
        }
        image->SetPixel(index, v);
        ++touched;
      }
    }
  }
  return touched;
}

double PixelUm(const RGBImageType * image)
{
  return std::sqrt(image->GetSpacing()[0] * image->GetSpacing()[1]);
}
} // namespace

std::size_t DrawSpotCircles(RGBImageType * image,
                            const std::vector<PointType> & centresUm,
                            double diameterUm,
                            const std::vector<RGBPixelType> & colors,
                            double lineWidthPixels)
{
  CheckSpots(centresUm, diameterUm, colors, lineWidthPixels);
  const double radius = diameterUm / 2 / PixelUm(image);
  const double halfWidth = lineWidthPixels / 2;
  return PaintSpots(image,
                    centresUm,
                    colors,
                    radius + halfWidth + 1,
                    [=](double distance) { return halfWidth + 0.5 - std::abs(distance - radius); });
}

std::size_t DrawSpotDiscs(RGBImageType * image,
                          const std::vector<PointType> & centresUm,
                          double diameterUm,
                          const std::vector<RGBPixelType> & colors)
{
  CheckSpots(centresUm, diameterUm, colors, 1.0);
  const double radius = diameterUm / 2 / PixelUm(image);
  return PaintSpots(image, centresUm, colors, radius + 1, [=](double distance) { return radius + 0.5 - distance; });
}

} // namespace ss
