#ifndef ssIntensityRange_h
#define ssIntensityRange_h

#include "SuperSpotVisualizationExport.h"
#include "ssTypes.h"

#include <vector>

namespace ss
{

/** \struct IntensityRange
 * \brief The values mapped to the two ends of a colour map, in the map's own units
 * (log1p-normalized expression, counts, µm, ...: whatever the panel shows). */
struct SuperSpotVisualization_EXPORT IntensityRange
{
  double low = 0;
  double high = 1;

  /** (value - low) / (high - low), clamped to [0, 1]; 0.5 for a flat range (high == low);
   * NaN stays NaN. */
  double Normalize(double value) const;
};

/** The p-th percentile (p in [0, 100]) of `values`, interpolating linearly between the
 * order statistics (numpy's default). NaN values are ignored; throws InputError when no
 * value is finite. */
SuperSpotVisualization_EXPORT double Percentile(std::vector<float> values, double p);

/** Robust scaling: [lowPercentile, highPercentile] percentiles of the finite values, so a
 * few outliers do not wash the map out. */
SuperSpotVisualization_EXPORT IntensityRange RobustRange(const std::vector<float> & values,
                                                         double lowPercentile = 1,
                                                         double highPercentile = 99);

/** For a diverging map: [-m, m] with m = the larger magnitude of the two percentiles, so
 * that 0 sits at the map's centre. */
SuperSpotVisualization_EXPORT IntensityRange SymmetricRange(const std::vector<float> & values,
                                                            double lowPercentile = 1,
                                                            double highPercentile = 99);

/** The finite pixel values of `map` where `mask` is non-zero (everywhere without a mask).
 * The mask must cover the same pixels in the same physical space (InputError otherwise). */
SuperSpotVisualization_EXPORT std::vector<float> ValuesInMask(const FloatImageType * map, const MaskImageType * mask);

/** Throws InputError unless `mask` has the same grid (region, spacing, origin, direction)
 * as `map`. */
SuperSpotVisualization_EXPORT void RequireSameGrid(const FloatImageType * map, const MaskImageType * mask);

} // namespace ss

#endif
