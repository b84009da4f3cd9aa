#ifndef ssFigure_h
#define ssFigure_h

#include "SuperSpotVisualizationExport.h"
#include "ssColormap.h"
#include "ssIntensityRange.h"
#include "ssTypes.h"

#include <string>
#include <vector>

namespace ss
{

/** One panel of a figure: an RGB image (already at its size on the page, e.g. from
 * FitToPanel) and the title drawn above it. */
struct SuperSpotVisualization_EXPORT FigurePanel
{
  std::string title;
  RGBImageType::ConstPointer image;
};

/** Sizes in pixels of the figure's page. */
struct SuperSpotVisualization_EXPORT FigureLayout
{
  unsigned int margin = 10;      ///< around the figure
  unsigned int gap = 12;         ///< between panels
  unsigned int titleScale = 2;   ///< font scale of titles (glyphs of 10 x 14 px)
  unsigned int titleSpacing = 6; ///< between a title and its panel
  RGBPixelType background = MakeRGB(255, 255, 255);
  RGBPixelType textColor = MakeRGB(0, 0, 0);
};

/** Lays panels out left to right, top-aligned, each with its title centred above it (a
 * title wider than its panel is cut and ends in "..."). The page is
 *   width  = 2 margin + sum of panel widths + (n - 1) gap,
 *   height = 2 margin + title band + tallest panel,
 * with a title band of TextHeight(titleScale) + titleSpacing when any panel has a title,
 * else 0. The figure is in pixels: spacing 1, origin 0. */
SuperSpotVisualization_EXPORT RGBImageType::Pointer ComposeHorizontalFigure(
  const std::vector<FigurePanel> & panels,
  const FigureLayout & layout = FigureLayout());

/** Where ComposeHorizontalFigure puts each panel: the page index of its top-left pixel. */
SuperSpotVisualization_EXPORT std::vector<IndexType> HorizontalFigurePanelCorners(
  const std::vector<FigurePanel> & panels,
  const FigureLayout & layout = FigureLayout());

struct SuperSpotVisualization_EXPORT ColorBarStyle
{
  unsigned int barWidth = 14;    ///< width of the colour strip
  unsigned int labelScale = 1;   ///< font scale of the tick labels
  unsigned int labelSpacing = 4; ///< between the strip and its labels
  RGBPixelType background = MakeRGB(255, 255, 255);
  RGBPixelType textColor = MakeRGB(0, 0, 0);
};

/** A vertical colour bar: a strip `barHeight` pixels tall, `range.high` at the top and
 * `range.low` at the bottom, with three tick labels (high, middle, low) to its right. The
 * image is tall enough for the labels at both ends; spacing 1, origin 0. Place it with
 * ComposeHorizontalFigure next to the map it explains. */
SuperSpotVisualization_EXPORT RGBImageType::Pointer RenderColorBar(const Colormap & colormap,
                                                                   const IntensityRange & range,
                                                                   unsigned int barHeight,
                                                                   const ColorBarStyle & style = ColorBarStyle());

/** A tick label: three significant digits ("0.125", "12.5", "1.25e+03"). */
SuperSpotVisualization_EXPORT std::string FormatTickLabel(double value);

} // namespace ss

#endif
