#include "ssIntensityRange.h"

#include "ssError.h"
#include "ssVisualizationInternal.h"

#include "itkImageRegionConstIterator.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ss
{

double IntensityRange::Normalize(double value) const
{
  if (std::isnan(value))
  {
    return value;
  }
  if (!(high > low))
  {
    return 0.5;
  }
  return std::min(1.0, std::max(0.0, (value - low) / (high - low)));
}

double Percentile(std::vector<float> values, double p)
{
  values.erase(std::remove_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }), values.end());
  if (values.empty())
  {
    SS_INPUT_ERROR(
      "", "values", "there is no finite value to scale the colours to", "check the mask and the data shown");
  }
  p = std::min(100.0, std::max(0.0, p));
  const double position = p / 100.0 * (values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const auto upper = std::min(lower + 1, values.size() - 1);
  std::nth_element(values.begin(), values.begin() + lower, values.end());
  const double a = values[lower];
  // The next order statistic is the smallest value above position `lower`.
  const double b = upper == lower ? a : *std::min_element(values.begin() + lower + 1, values.end());
  return a + (position - lower) * (b - a);
}

IntensityRange RobustRange(const std::vector<float> & values, double lowPercentile, double highPercentile)
{
  return { Percentile(values, lowPercentile), Percentile(values, highPercentile) };
}

IntensityRange SymmetricRange(const std::vector<float> & values, double lowPercentile, double highPercentile)
{
  const IntensityRange r = RobustRange(values, lowPercentile, highPercentile);
  const double m = std::max(std::abs(r.low), std::abs(r.high));
  return { -m, m };
}

void RequireSameGrid(const FloatImageType * map, const MaskImageType * mask)
{
  const auto same = [](const auto & a, const auto & b, double tolerance)
  {
    for (unsigned i = 0; i < Dimension; ++i)
    {
      if (std::abs(a[i] - b[i]) > tolerance)
      {
        return false;
      }
    }
    return true;
  };
  const double tolerance = 1e-6 * std::max(map->GetSpacing()[0], map->GetSpacing()[1]);
  bool ok = map->GetLargestPossibleRegion() == mask->GetLargestPossibleRegion() &&
            same(map->GetSpacing(), mask->GetSpacing(), tolerance) &&
            same(map->GetOrigin(), mask->GetOrigin(), tolerance);
  for (unsigned r = 0; r < Dimension && ok; ++r)
  {
    for (unsigned c = 0; c < Dimension; ++c)
    {
      ok = ok && std::abs(map->GetDirection()[r][c] - mask->GetDirection()[r][c]) < 1e-6;
    }
  }
  if (!ok)
  {
    std::ostringstream os;
    os << "the mask (" << mask->GetLargestPossibleRegion().GetSize() << " px, spacing " << mask->GetSpacing()
       << " µm) is not on the map's grid (" << map->GetLargestPossibleRegion().GetSize() << " px, spacing "
       << map->GetSpacing() << " µm)";
    SS_INPUT_ERROR("", "mask", os.str(), "make the mask on the same HR grid as the map");
  }
}

std::vector<float> ValuesInMask(const FloatImageType * map, const MaskImageType * mask)
{
  detail::RequireWholeImage(map, "map");
  if (mask)
  {
    detail::RequireWholeImage(mask, "mask");
    RequireSameGrid(map, mask);
  }
  std::vector<float> values;
  const auto region = map->GetLargestPossibleRegion();
  values.reserve(region.GetNumberOfPixels());
  itk::ImageRegionConstIterator<FloatImageType> it(map, region);
  for (it.GoToBegin(); !it.IsAtEnd(); ++it)
  {
    if (std::isfinite(it.Get()) && (!mask || mask->GetPixel(it.GetIndex()) != 0))
    {
      values.push_back(it.Get());
    }
  }
  return values;
}

} // namespace ss
