#include "ssSpotOverlay.h"

#include "ssError.h"
#include "ssImageIO.h"

#include "itkContinuousIndex.h"

#include <algorithm>
#include <cmath>

namespace ss
{

RGBImageType::Pointer DrawSpotOverlay(const SpotDataset & dataset,
                                      const RGBImageType * he,
                                      const SpotOverlayOptions & options)
{
  if (!he || he->GetBufferedRegion().GetNumberOfPixels() == 0)
  {
    throw std::invalid_argument("DrawSpotOverlay: the H&E has no pixels (Update it first)");
  }
  if (!(options.opacity >= 0 && options.opacity <= 1))
  {
    throw std::invalid_argument("DrawSpotOverlay: opacity must be in [0, 1]");
  }
  const std::size_t n = dataset.NumberOfSpots();
  if (dataset.spots.positionUm.size() != n)
  {
    SS_INPUT_ERROR(
      dataset.source, "spot positions", "no spot positions in µm to draw", "read the spots with a SuperSpot reader");
  }
  if (!(dataset.spotDiameterUm > 0))
  {
    SS_INPUT_ERROR(dataset.source,
                   "spot diameter",
                   "unknown, so spots cannot be drawn at their true size",
                   "set the dataset's spotDiameterUm");
  }
  if (!options.spotColours.empty() && options.spotColours.size() != n)
  {
    throw std::invalid_argument("DrawSpotOverlay: spotColours needs one colour per spot");
  }
  const double scale = ScaleToFit(he->GetLargestPossibleRegion().GetSize(), options.maxSize);
  RGBImageType::Pointer out = DownsampleRGB(he, scale);
  const RegionType region = out->GetLargestPossibleRegion();
  const auto spacing = out->GetSpacing();
  const double radiusUm = 0.5 * dataset.spotDiameterUm;
  const double rimUm = std::max(spacing[0], spacing[1]);
  const auto reach = static_cast<itk::IndexValueType>(std::ceil(radiusUm / std::min(spacing[0], spacing[1]))) + 1;

  for (std::size_t s = 0; s < n; ++s)
  {
    const PointType & centre = dataset.spots.positionUm[s];
    const RGBPixelType colour = options.spotColours.empty() ? options.colour : options.spotColours[s];
    itk::ContinuousIndex<double, 2> ci;
    out->TransformPhysicalPointToContinuousIndex(centre, ci);
    RegionType box;
    for (unsigned d = 0; d < 2; ++d)
    {
      box.SetIndex(d, static_cast<itk::IndexValueType>(std::lround(ci[d])) - reach);
      box.SetSize(d, static_cast<itk::SizeValueType>(2 * reach + 1));
    }
    if (!box.Crop(region))
    {
      continue;
    }
    IndexType i;
    for (i[1] = box.GetIndex(1); i[1] < box.GetIndex(1) + static_cast<itk::IndexValueType>(box.GetSize(1)); ++i[1])
    {
      for (i[0] = box.GetIndex(0); i[0] < box.GetIndex(0) + static_cast<itk::IndexValueType>(box.GetSize(0)); ++i[0])
      {
        PointType p;
        out->TransformIndexToPhysicalPoint(i, p);
        const double distance = p.EuclideanDistanceTo(centre);
        if (distance > radiusUm)
        {
          continue;
        }
        const double a = options.outline && distance > radiusUm - rimUm ? 1.0 : options.opacity;
        RGBPixelType v = out->GetPixel(i);
        for (unsigned c = 0; c < 3; ++c)
        {
          v[c] = static_cast<unsigned char>(std::lround((1 - a) * v[c] + a * colour[c]));
        }
        out->SetPixel(i, v);
      }
    }
  }
  return out;
}

void WriteSpotOverlay(const std::string & pngPath,
                      const SpotDataset & dataset,
                      const RGBImageType * he,
                      const SpotOverlayOptions & options)
{
  const RGBImageType::Pointer picture = DrawSpotOverlay(dataset, he, options);
  WriteImageAtomically(picture.GetPointer(), pngPath);
}

} // namespace ss
