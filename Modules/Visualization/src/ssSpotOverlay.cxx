#include "ssSpotOverlay.h"

#include "ssError.h"

#include <algorithm>
#include <cmath>

namespace ss
{

std::size_t DrawSpotCircles(RGBImageType * image,
                            const std::vector<PointType> & centresUm,
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
  const auto region = image->GetBufferedRegion();
  const auto & spacing = image->GetSpacing();
  // One pixel's size in µm (the geometric mean for anisotropic pixels) turns distances
  // into pixels, where the line width and the anti-aliasing are defined.
  const double pixelUm = std::sqrt(spacing[0] * spacing[1]);
  const double radiusUm = diameterUm / 2;
  const double halfWidth = lineWidthPixels / 2;
  // |index offset| <= physical distance / smallest spacing, whatever the direction.
  const double reach = (radiusUm + (halfWidth + 1) * pixelUm) / std::min(spacing[0], spacing[1]) + 1;
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
        const double offPixels = std::abs(p.EuclideanDistanceTo(centresUm[s]) - radiusUm) / pixelUm;
        const double coverage = std::min(1.0, std::max(0.0, halfWidth + 0.5 - offPixels));
        if (coverage <= 0)
        {
          continue;
        }
        RGBPixelType v = image->GetPixel(index);
        for (unsigned c = 0; c < 3; ++c)
        {
          v[c] = static_cast<unsigned char>(std::lround((1 - coverage) * v[c] + coverage * color[c]));
        }
        image->SetPixel(index, v);
        ++touched;
      }
    }
  }
  return touched;
}

} // namespace ss
