#ifndef ssPanels_h
#define ssPanels_h

#include "SuperSpotVisualizationExport.h"
#include "ssColormap.h"
#include "ssGridGeometry.h"
#include "ssIntensityRange.h"
#include "ssTypes.h"

namespace ss
{

/** Component `component` (a gene) of an expression map, as a scalar map with the same
 * geometry (ITK's VectorIndexSelectionCastImageFilter). Throws InputError when the map
 * has fewer components. */
SuperSpotVisualization_EXPORT FloatImageType::Pointer ExtractComponent(const ExpressionImageType * map,
                                                                       unsigned int component);

/** Paints a scalar map: each pixel gets colormap(range.Normalize(value)); NaN pixels and
 * pixels where `mask` is 0 (the mask may be null) get BackgroundGrey(). The result has
 * the map's geometry (µm spacing, origin, direction), so spots can be drawn on it. The
 * mask must be on the map's grid (InputError otherwise). */
SuperSpotVisualization_EXPORT RGBImageType::Pointer RenderScalarMap(const FloatImageType * map,
                                                                    const MaskImageType * mask,
                                                                    const Colormap & colormap,
                                                                    const IntensityRange & range);

/** Resizes an RGB image to width x height pixels by area averaging: each output pixel is
 * the mean of the input area it covers, partial input pixels weighted by their overlap
 * (when enlarging, this repeats pixels and blends only at their edges). The output
 * covers the same physical extent: spacing scales by in/out size per axis and the origin
 * moves to the centre of the first output pixel; direction is kept.
 *
 * Written here because ITK 5.2 has no fractional area-averaging resampler:
 * BinShrinkImageFilter takes integer factors only, and ResampleImageFilter samples
 * points, which aliases H&E texture when shrinking a slide to a panel. */
SuperSpotVisualization_EXPORT RGBImageType::Pointer ResizeByAreaAveraging(const RGBImageType * image,
                                                                          unsigned int width,
                                                                          unsigned int height);

/** Resamples an RGB image onto `grid` (µm) by area averaging: each output pixel is the mean
 * of the image over the pixel's physical footprint, partial image pixels weighted by their
 * overlap, and the part of the footprint the image does not cover counted as `outside`
 * (BackgroundGrey() for "no data"). Only the image rows and columns under the grid are read,
 * so a small region of a large slide level is cheap. The result has the grid's geometry.
 *
 * This is how panels of different images (an H&E level, maps painted on the HR grid) are
 * brought to one physical extent. The image and the grid must share their direction
 * (InputError otherwise). */
SuperSpotVisualization_EXPORT RGBImageType::Pointer ResampleByAreaAveraging(const RGBImageType * image,
                                                                            const GridGeometry & grid,
                                                                            const RGBPixelType & outside);

/** The largest width x height within maxWidth x maxHeight with the image's physical aspect
 * ratio (size x spacing per axis), at least 1 x 1. */
SuperSpotVisualization_EXPORT SizeType FitPanelSize(const RGBImageType * image,
                                                    unsigned int maxWidth,
                                                    unsigned int maxHeight);

/** An RGB image (an H&E region, a painted map) shrunk or enlarged to fit a panel of at
 * most maxWidth x maxHeight pixels, by area averaging, keeping its physical aspect ratio. */
SuperSpotVisualization_EXPORT RGBImageType::Pointer FitToPanel(const RGBImageType * image,
                                                               unsigned int maxWidth,
                                                               unsigned int maxHeight);

} // namespace ss

#endif
