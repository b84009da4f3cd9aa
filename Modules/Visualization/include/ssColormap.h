#ifndef ssColormap_h
#define ssColormap_h

#include "SuperSpotVisualizationExport.h"
#include "ssTypes.h"

#include <string>

namespace ss
{

enum class ColormapName
{
  Viridis,  ///< dark blue -> green -> yellow, perceptually uniform (sequential data)
  Magma,    ///< black -> purple -> orange -> pale yellow, perceptually uniform
  Diverging ///< blue -> white -> red, for signed data centred on 0 (errors, residuals)
};

SuperSpotVisualization_EXPORT std::string ToString(ColormapName name);

/** The colour of pixels without data (NaN, outside the mask): a neutral grey that none of
 * the colour maps produces. */
SuperSpotVisualization_EXPORT RGBPixelType BackgroundGrey();

/** An RGB pixel from its three components. */
SuperSpotVisualization_EXPORT RGBPixelType MakeRGB(unsigned char red, unsigned char green, unsigned char blue);

/** \class Colormap
 * \brief Maps t in [0, 1] to a colour, interpolating linearly in sRGB between 11 evenly
 * spaced anchors (t = 0, 0.1, ..., 1): matplotlib's viridis and magma at those points (the
 * colour values of those CC0 maps), and ColorBrewer's 11-class RdBu, reversed so that low
 * values are blue, for the diverging map.
 *
 * t outside [0, 1] is clamped; NaN maps to BackgroundGrey().
 */
class SuperSpotVisualization_EXPORT Colormap
{
public:
  explicit Colormap(ColormapName name = ColormapName::Viridis);
  /** "viridis", "magma" or "diverging"; anything else throws InputError. */
  static Colormap FromString(const std::string & name);

  ColormapName GetName() const { return m_Name; }
  bool IsDiverging() const { return m_Name == ColormapName::Diverging; }
  RGBPixelType Map(double t) const;

private:
  ColormapName m_Name;
};

} // namespace ss

#endif
