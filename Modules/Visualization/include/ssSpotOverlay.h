#ifndef ssSpotOverlay_h
#define ssSpotOverlay_h

#include "SuperSpotVisualizationExport.h"
#include "ssTypes.h"

#include <vector>

namespace ss
{

/** Draws the outline of each spot, a circle of `diameterUm` centred at the spot's
 * position (µm in the image's physical frame, e.g. SpotTable::positionUm), onto an RGB
 * panel whose geometry is in µm (an H&E region, or a panel made by FitToPanel). The ring
 * is `lineWidthPixels` wide and anti-aliased by coverage; `colors` holds one colour per
 * spot, or a single colour for all. Spots outside the image are skipped. Returns the
 * number of pixels touched. */
SuperSpotVisualization_EXPORT std::size_t DrawSpotCircles(RGBImageType * image,
                                                          const std::vector<PointType> & centresUm,
                                                          double diameterUm,
                                                          const std::vector<RGBPixelType> & colors,
                                                          double lineWidthPixels = 1.5);

/** Draws each spot as a filled disc of `diameterUm` centred at its position (µm in the
 * image's physical frame), as DrawSpotCircles places its rings: a pixel whose centre is
 * within the radius less half a pixel gets the colour, the edge is anti-aliased by coverage.
 * `colors` holds one colour per spot (e.g. the spot's value through a colour map), or one for
 * all; spots outside the image are skipped. Returns the number of pixels touched. */
SuperSpotVisualization_EXPORT std::size_t DrawSpotDiscs(RGBImageType * image,
                                                        const std::vector<PointType> & centresUm,
                                                        double diameterUm,
                                                        const std::vector<RGBPixelType> & colors);

} // namespace ss

#endif
