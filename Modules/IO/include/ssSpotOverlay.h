#ifndef ssSpotOverlay_h
#define ssSpotOverlay_h

#include "SuperSpotIOExport.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <string>
#include <vector>

namespace ss
{

/** An RGB pixel from its three components. */
inline RGBPixelType MakeRGB(unsigned char r, unsigned char g, unsigned char b)
{
  RGBPixelType p;
  p[0] = r;
  p[1] = g;
  p[2] = b;
  return p;
}

struct SuperSpotIO_EXPORT SpotOverlayOptions
{
  /** Longest side of the picture, px: the H&E is area-averaged down to it (never up). */
  unsigned int maxSize = 2000;
  /** Fill colour of every spot, unless spotColours has one per spot. */
  RGBPixelType colour = MakeRGB(0, 200, 0);
  std::vector<RGBPixelType> spotColours;
  /** Fill opacity in [0, 1]: pixel = (1 - opacity) * H&E + opacity * colour, rounded. */
  double opacity = 0.5;
  /** Draw the rim (the outermost pixel ring inside the spot) at full opacity. */
  bool outline = true;
};

/** The H&E downsampled to options.maxSize with every spot drawn as a disc of its true
 * diameter (dataset.spotDiameterUm) at its µm position: a pixel is in a spot when its centre
 * is within the spot's radius. `he` is any level with geometry in µm (HistologySource); the
 * result keeps the µm geometry (spacing grows by the downsampling). Pixels outside every
 * spot are exactly the downsampled H&E. */
SuperSpotIO_EXPORT RGBImageType::Pointer DrawSpotOverlay(const SpotDataset & dataset,
                                                         const RGBImageType * he,
                                                         const SpotOverlayOptions & options = {});

/** DrawSpotOverlay written to `pngPath` atomically. */
SuperSpotIO_EXPORT void WriteSpotOverlay(const std::string & pngPath,
                                         const SpotDataset & dataset,
                                         const RGBImageType * he,
                                         const SpotOverlayOptions & options = {});

} // namespace ss

#endif
