#ifndef ssResultFigure_h
#define ssResultFigure_h

#include "SuperSpotVisualizationExport.h"
#include "ssColormap.h"
#include "ssFigure.h"
#include "ssGridGeometry.h"
#include "ssIntensityRange.h"
#include "ssTypes.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ss
{

/** What a panel of a result figure shows. */
enum class ResultPanelKind
{
  Image,     ///< an RGB image as it is (the H&E); no colour bar
  ScalarMap, ///< a scalar map painted with a colour map; grey where the mask is 0 or NaN
  Spots      ///< measured spots: discs of their true diameter coloured by their value,
             ///< drawn on an RGB image (the H&E) or on grey
};

/** \struct ResultPanel
 * \brief One titled panel of a result figure. Everything is placed by its physical (µm)
 * geometry, so images and maps on different grids line up; which members are read depends
 * on `kind`. */
struct SuperSpotVisualization_EXPORT ResultPanel
{
  ResultPanelKind kind = ResultPanelKind::ScalarMap;
  std::string title;
  /** Image: the picture. Spots: the background (null: grey). Geometry in µm (any level of
   * the slide, as HistologySource gives it). */
  RGBImageType::ConstPointer image;
  /** ScalarMap: the values (e.g. one gene of a map: ExtractComponent), geometry in µm. */
  FloatImageType::ConstPointer map;
  /** ScalarMap: where the map has data (non-zero); null for everywhere. On the map's grid. */
  MaskImageType::ConstPointer mask;
  /** Spots: centres in µm, in the physical frame of the images (SpotTable::positionUm). */
  std::vector<PointType> spotCentresUm;
  /** Spots: one value per spot, in the units of the maps that share its scale (e.g. the
   * log1p-normalized LR value of the gene); NaN spots are not drawn. */
  std::vector<float> spotValues;
  /** Spots: diameter in µm (55 for Visium). */
  double spotDiameterUm = 0;
  /** ScalarMap, Spots. */
  Colormap colormap{ ColormapName::Viridis };
  /** ScalarMap, Spots: the name of the intensity range the panel uses. Panels with the same
   * name share one range, computed from all their values in view (so the mean and the LR
   * map of a gene are comparable); an empty name gives the panel a range of its own. */
  std::string scale;
  /** ScalarMap, Spots: draw the range's colour bar to the right of the panel. */
  bool colorBar = true;
};

/** How the values of one named scale map to colours: a robust range over the values of
 * its panels that are in view (inside the figure's extent and their mask, finite). */
struct SuperSpotVisualization_EXPORT ResultScale
{
  double lowPercentile = 1;   ///< [0, 100]
  double highPercentile = 99; ///< [0, 100]
  /** Start the range at 0 (standard deviations, counts): the darkest colour means none. */
  bool fromZero = false;
  /** [-m, m] around 0, for the diverging map (errors, residuals). */
  bool symmetric = false;
  /** This range and no percentiles (to give several figures one scale). */
  std::optional<IntensityRange> fixed;
};

/** The names of the scales the standard figures use. */
constexpr const char * ExpressionScale = "expression";
constexpr const char * UncertaintyScale = "uncertainty";

struct SuperSpotVisualization_EXPORT ResultFigureOptions
{
  /** The physical region every panel shows (µm), as a grid: normally the HR grid of the
   * maps (GridGeometry::FromImage(mean)). With no pixels (the default), the grid of the
   * first ScalarMap panel. */
  GridGeometry extent;
  /** Longest side of each panel, px. A grid that fits is magnified by the largest integer
   * that fits (pixels stay crisp squares); a larger one is area-averaged down to it. */
  unsigned int panelSize = 320;
  /** Scales by name; a name not listed gets ResultScale{} (1st to 99th percentile). */
  std::map<std::string, ResultScale> scales;
  FigureLayout layout;
  ColorBarStyle colorBarStyle;
  unsigned int colorBarGap = 6; ///< px between a panel and its colour bar
};

/** What RenderResultFigure made: the page and where things are on it. */
struct SuperSpotVisualization_EXPORT ResultFigure
{
  /** The page, in px (spacing 1, origin 0). */
  RGBImageType::Pointer image;
  /** The µm grid every panel was resampled onto (the extent at the panels' size). */
  GridGeometry panelGrid;
  /** Per panel, the page pixels showing it (its colour bar and title excluded). */
  std::vector<RegionType> panelRegions;
  /** Per panel, the intensity range it was painted with (Image panels: {0, 1}, unused). */
  std::vector<IntensityRange> ranges;
};

/** Renders titled panels of one physical region side by side, each resampled by area
 * averaging onto a common µm grid covering options.extent (ResampleByAreaAveraging), each
 * scalar map or spot panel with the colour bar of its range. Throws InputError on a panel
 * without what its kind needs, on spot values that do not match the spots, and when no
 * extent can be found. A scale whose panels have no finite value in view falls back to
 * [0, 1] with a warning. */
SuperSpotVisualization_EXPORT ResultFigure RenderResultFigure(const std::vector<ResultPanel> & panels,
                                                              const ResultFigureOptions & options = {});

/** RenderResultFigure written as PNG, atomically (WritePNG). */
SuperSpotVisualization_EXPORT ResultFigure WriteResultFigure(const std::string & pngPath,
                                                             const std::vector<ResultPanel> & panels,
                                                             const ResultFigureOptions & options = {});

/** \struct GeneResultMaps
 * \brief The maps of one gene that the standard figures show. Maps are scalar images in
 * µm (one component of the mean / std maps: ExtractComponent), in the units of the
 * expression scale (log1p-normalized for SuperSpot's outputs); images may be null where a
 * figure does not need them. */
struct SuperSpotVisualization_EXPORT GeneResultMaps
{
  std::string gene;
  /** The H&E (any level, µm geometry; a level near the panels' resolution is fastest:
   * only the part in view is read, but at its own resolution). */
  RGBImageType::ConstPointer histology;
  /** Measured spots: centres (µm), the gene's value per spot, diameter (µm). */
  std::vector<PointType> spotCentresUm;
  std::vector<float> spotValues;
  double spotDiameterUm = 0;
  /** The LR map on the HR grid and where spots cover it (the "nearest" baseline). */
  FloatImageType::ConstPointer lowResolution;
  MaskImageType::ConstPointer lowResolutionMask;
  /** The super-resolved mean and the standard deviation of the samples, on the HR grid. */
  FloatImageType::ConstPointer mean;
  FloatImageType::ConstPointer standardDeviation;
  /** Where the HR maps have data (tissue); null for everywhere. */
  MaskImageType::ConstPointer mask;
  /** The HR truth (demo / benchmark). */
  FloatImageType::ConstPointer truth;
};

/** The figure a user looks at first: H&E | measured spots | super-resolved mean |
 * uncertainty. Spots and mean share the ExpressionScale (viridis); the std has the
 * UncertaintyScale (magma; best with fromZero, as DefaultResultFigureOptions sets it).
 * The spots are drawn on the H&E when `spotsOnHistology`, else on grey. */
SuperSpotVisualization_EXPORT std::vector<ResultPanel> SuperResolutionPanels(const GeneResultMaps & maps,
                                                                             bool spotsOnHistology = true);

/** The demo / benchmark figure: LR | mean | uncertainty | truth | H&E, with LR, mean and
 * truth on the ExpressionScale and the std on the UncertaintyScale. */
SuperSpotVisualization_EXPORT std::vector<ResultPanel> BenchmarkPanels(const GeneResultMaps & maps);

/** Options for the standard figures: the extent of the mean map's grid, expression from the
 * 1st to the 99th percentile, uncertainty from 0 to its 99th percentile. */
SuperSpotVisualization_EXPORT ResultFigureOptions DefaultResultFigureOptions(const GeneResultMaps & maps);

} // namespace ss

#endif
