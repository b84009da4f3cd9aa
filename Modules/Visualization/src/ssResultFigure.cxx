#include "ssResultFigure.h"

#include "ssBitmapFont.h"
#include "ssError.h"
#include "ssPNG.h"
#include "ssPanels.h"
#include "ssProgress.h"
#include "ssSpotOverlay.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace
{
std::string PanelName(const ResultPanel & p, std::size_t k)
{
  return "panel " + std::to_string(k + 1) + (p.title.empty() ? "" : " ('" + p.title + "')");
}

void CheckPanel(const ResultPanel & p, std::size_t k)
{
  const std::string name = PanelName(p, k);
  switch (p.kind)
  {
    case ResultPanelKind::Image:
      if (!p.image)
      {
        SS_INPUT_ERROR("", name, "an image panel has no image", "give the panel its RGB image (the H&E)");
      }
      break;
    case ResultPanelKind::ScalarMap:
      if (!p.map)
      {
        SS_INPUT_ERROR("", name, "a map panel has no map", "give the panel its scalar map");
      }
      if (p.mask)
      {
        RequireSameGrid(p.map, p.mask);
      }
      break;
    case ResultPanelKind::Spots:
      if (p.spotValues.size() != p.spotCentresUm.size())
      {
        SS_INPUT_ERROR("",
                       name,
                       std::to_string(p.spotValues.size()) + " values for " + std::to_string(p.spotCentresUm.size()) +
                         " spots",
                       "give one value per spot");
      }
      if (!(p.spotDiameterUm > 0))
      {
        SS_INPUT_ERROR("", name, "the spot diameter must be positive", "give the spots' diameter in µm");
      }
      break;
  }
}

/** True when physical point `p` lies in the footprint of `grid`'s pixels. */
bool InView(const GridGeometry & grid, const PointType & p)
{
  const auto index = grid.PhysicalToIndex(p);
  for (unsigned d = 0; d < Dimension; ++d)
  {
    if (!(index[d] >= grid.start[d] - 0.5 && index[d] < grid.start[d] + static_cast<double>(grid.size[d]) - 0.5))
    {
      return false;
    }
  }
  return true;
}

/** The finite values a panel shows inside the extent (and its mask). */
void CollectValues(const ResultPanel & p, const GridGeometry & extent, std::vector<float> & values)
{
  if (p.kind == ResultPanelKind::ScalarMap)
  {
    const auto region = p.map->GetLargestPossibleRegion();
    itk::ImageRegionConstIteratorWithIndex<FloatImageType> it(p.map, region);
    for (it.GoToBegin(); !it.IsAtEnd(); ++it)
    {
      const float v = it.Get();
      if (!std::isfinite(v) || (p.mask && p.mask->GetPixel(it.GetIndex()) == 0))
      {
        continue;
      }
      PointType point;
      p.map->TransformIndexToPhysicalPoint(it.GetIndex(), point);
      if (InView(extent, point))
      {
        values.push_back(v);
      }
    }
  }
  else if (p.kind == ResultPanelKind::Spots)
  {
    for (std::size_t s = 0; s < p.spotValues.size(); ++s)
    {
      if (std::isfinite(p.spotValues[s]) && InView(extent, p.spotCentresUm[s]))
      {
        values.push_back(p.spotValues[s]);
      }
    }
  }
}

IntensityRange ScaleRange(const std::string & name, const ResultScale & scale, std::vector<float> values)
{
  if (scale.fixed)
  {
    return *scale.fixed;
  }
  if (values.empty())
  {
    LogWarning("result figure: the panels of scale '" + name +
               "' have no finite value in view (all masked or outside the extent); they are painted on [0, 1]");
    return {};
  }
  if (scale.symmetric)
  {
    return SymmetricRange(values, scale.lowPercentile, scale.highPercentile);
  }
  IntensityRange r = RobustRange(values, scale.lowPercentile, scale.highPercentile);
  if (scale.fromZero)
  {
    r.low = 0;
    r.high = std::max(0.0, r.high);
  }
  return r;
}

/** The extent at the panels' size: an integer magnification of square pixels when the
 * grid fits, else the physical extent fitted into panelSize x panelSize. Same footprint
 * and direction as the extent. */
GridGeometry PanelGrid(const GridGeometry & extent, unsigned int panelSize)
{
  const double width = extent.size[0] * extent.spacing[0];
  const double height = extent.size[1] * extent.spacing[1];
  const auto longest = std::max(extent.size[0], extent.size[1]);
  const bool square =
    std::abs(extent.spacing[0] - extent.spacing[1]) <= 1e-9 * std::max(extent.spacing[0], extent.spacing[1]);
  SizeType size;
  if (square && longest <= panelSize)
  {
    const auto k = panelSize / longest;
    size[0] = k * extent.size[0];
    size[1] = k * extent.size[1];
  }
  else
  {
    const double scale = panelSize / std::max(width, height);
    size[0] = std::clamp<itk::SizeValueType>(std::lround(width * scale), 1, panelSize);
    size[1] = std::clamp<itk::SizeValueType>(std::lround(height * scale), 1, panelSize);
  }
  GridGeometry g;
  g.direction = extent.direction;
  g.spacing[0] = width / size[0];
  g.spacing[1] = height / size[1];
  g.size = size;
  g.start.Fill(0);
  const PointType corner = extent.IndexToPhysical(extent.start[0] - 0.5, extent.start[1] - 0.5);
  for (unsigned r = 0; r < Dimension; ++r)
  {
    g.origin[r] = corner[r] + 0.5 * (g.direction(r, 0) * g.spacing[0] + g.direction(r, 1) * g.spacing[1]);
  }
  return g;
}

RGBImageType::Pointer GreyPanel(const GridGeometry & grid)
{
  auto image = RGBImageType::New();
  grid.ApplyTo(image);
  image->Allocate();
  image->FillBuffer(BackgroundGrey());
  return image;
}

RGBImageType::Pointer RenderPanel(const ResultPanel & p, const GridGeometry & grid, const IntensityRange & range)
{
  switch (p.kind)
  {
    case ResultPanelKind::Image:
      return ResampleByAreaAveraging(p.image, grid, BackgroundGrey());
    case ResultPanelKind::ScalarMap:
    {
      const auto painted = RenderScalarMap(p.map, p.mask, p.colormap, range);
      return ResampleByAreaAveraging(painted, grid, BackgroundGrey());
    }
    case ResultPanelKind::Spots:
    {
      auto panel = p.image ? ResampleByAreaAveraging(p.image, grid, BackgroundGrey()) : GreyPanel(grid);
      std::vector<PointType> centres;
      std::vector<RGBPixelType> colors;
      for (std::size_t s = 0; s < p.spotValues.size(); ++s)
      {
        if (std::isfinite(p.spotValues[s]))
        {
          centres.push_back(p.spotCentresUm[s]);
          colors.push_back(p.colormap.Map(range.Normalize(p.spotValues[s])));
        }
      }
      if (!centres.empty())
      {
        DrawSpotDiscs(panel, centres, p.spotDiameterUm, colors);
      }
      return panel;
    }
  }
  return nullptr;
}
} // namespace

ResultFigure RenderResultFigure(const std::vector<ResultPanel> & panels, const ResultFigureOptions & options)
{
  if (panels.empty())
  {
    SS_INPUT_ERROR("", "result figure", "a figure needs at least one panel", "pass the panels to show");
  }
  if (options.panelSize < 2)
  {
    SS_INPUT_ERROR("", "panel size", "panels must be at least 2 px", "give the panel size in pixels");
  }
  for (std::size_t k = 0; k < panels.size(); ++k)
  {
    CheckPanel(panels[k], k);
  }
  GridGeometry extent = options.extent;
  if (extent.GetNumberOfPixels() == 0)
  {
    const auto first = std::find_if(
      panels.begin(), panels.end(), [](const ResultPanel & p) { return p.kind == ResultPanelKind::ScalarMap; });
    if (first == panels.end())
    {
      SS_INPUT_ERROR("",
                     "result figure",
                     "no extent was given and no panel is a map to take it from",
                     "set ResultFigureOptions::extent to the region to show (µm)");
    }
    extent = GridGeometry::FromImage(first->map);
  }

  ResultFigure result;
  result.panelGrid = PanelGrid(extent, options.panelSize);

  // One range per named scale from all its panels' values in view; unnamed panels alone.
  std::map<std::string, std::vector<float>> scaleValues;
  for (const auto & p : panels)
  {
    if (p.kind != ResultPanelKind::Image && !p.scale.empty())
    {
      CollectValues(p, extent, scaleValues[p.scale]);
    }
  }
  std::map<std::string, IntensityRange> scaleRanges;
  for (auto & [name, values] : scaleValues)
  {
    const auto s = options.scales.find(name);
    scaleRanges[name] = ScaleRange(name, s == options.scales.end() ? ResultScale() : s->second, std::move(values));
  }

  FigureLayout besideBar = options.layout;
  besideBar.margin = 0;
  besideBar.gap = options.colorBarGap;
  const unsigned int labelHeight = BitmapFont::TextHeight(options.colorBarStyle.labelScale);
  std::vector<FigurePanel> blocks;
  for (std::size_t k = 0; k < panels.size(); ++k)
  {
    const auto & p = panels[k];
    IntensityRange range;
    if (p.kind != ResultPanelKind::Image)
    {
      if (p.scale.empty())
      {
        std::vector<float> values;
        CollectValues(p, extent, values);
        const auto s = options.scales.find("");
        range = ScaleRange(PanelName(p, k), s == options.scales.end() ? ResultScale() : s->second, std::move(values));
      }
      else
      {
        range = scaleRanges[p.scale];
      }
    }
    result.ranges.push_back(range);
    const auto panel = RenderPanel(p, result.panelGrid, range);
    const auto height = static_cast<unsigned int>(result.panelGrid.size[1]);
    if (p.kind != ResultPanelKind::Image && p.colorBar && height >= labelHeight + 2)
    {
      // The bar with its end labels is exactly as tall as the panel.
      const auto bar = RenderColorBar(p.colormap, range, height - labelHeight, options.colorBarStyle);
      blocks.push_back(
        { p.title, ComposeHorizontalFigure({ { "", panel.GetPointer() }, { "", bar.GetPointer() } }, besideBar) });
    }
    else
    {
      blocks.push_back({ p.title, panel.GetPointer() });
    }
  }
  result.image = ComposeHorizontalFigure(blocks, options.layout);
  for (const auto & corner : HorizontalFigurePanelCorners(blocks, options.layout))
  {
    result.panelRegions.emplace_back(corner, result.panelGrid.size);
  }
  return result;
}

ResultFigure WriteResultFigure(const std::string & pngPath,
                               const std::vector<ResultPanel> & panels,
                               const ResultFigureOptions & options)
{
  ResultFigure figure = RenderResultFigure(panels, options);
  WritePNG(figure.image, pngPath);
  return figure;
}

namespace
{
ResultPanel MapPanel(const std::string & title,
                     const FloatImageType * map,
                     const MaskImageType * mask,
                     ColormapName colormap,
                     const char * scale)
{
  ResultPanel p;
  p.kind = ResultPanelKind::ScalarMap;
  p.title = title;
  p.map = map;
  p.mask = mask;
  p.colormap = Colormap(colormap);
  p.scale = scale;
  return p;
}

ResultPanel HistologyPanel(const GeneResultMaps & maps)
{
  ResultPanel p;
  p.kind = ResultPanelKind::Image;
  p.title = "H&E";
  p.image = maps.histology;
  return p;
}

std::string Titled(const GeneResultMaps & maps, const std::string & what)
{
  return maps.gene.empty() ? what : maps.gene + " " + what;
}
} // namespace

std::vector<ResultPanel> SuperResolutionPanels(const GeneResultMaps & maps, bool spotsOnHistology)
{
  ResultPanel spots;
  spots.kind = ResultPanelKind::Spots;
  spots.title = Titled(maps, "spots");
  spots.image = spotsOnHistology ? maps.histology : nullptr;
  spots.spotCentresUm = maps.spotCentresUm;
  spots.spotValues = maps.spotValues;
  spots.spotDiameterUm = maps.spotDiameterUm;
  spots.colormap = Colormap(ColormapName::Viridis);
  spots.scale = ExpressionScale;
  return { HistologyPanel(maps),
           spots,
           MapPanel(Titled(maps, "mean"), maps.mean, maps.mask, ColormapName::Viridis, ExpressionScale),
           MapPanel(Titled(maps, "std"), maps.standardDeviation, maps.mask, ColormapName::Magma, UncertaintyScale) };
}

std::vector<ResultPanel> BenchmarkPanels(const GeneResultMaps & maps)
{
  return { MapPanel(
             Titled(maps, "LR"), maps.lowResolution, maps.lowResolutionMask, ColormapName::Viridis, ExpressionScale),
           MapPanel(Titled(maps, "mean"), maps.mean, maps.mask, ColormapName::Viridis, ExpressionScale),
           MapPanel(Titled(maps, "std"), maps.standardDeviation, maps.mask, ColormapName::Magma, UncertaintyScale),
           MapPanel(Titled(maps, "truth"), maps.truth, maps.mask, ColormapName::Viridis, ExpressionScale),
           HistologyPanel(maps) };
}

ResultFigureOptions DefaultResultFigureOptions(const GeneResultMaps & maps)
{
  ResultFigureOptions options;
  if (maps.mean)
  {
    options.extent = GridGeometry::FromImage(maps.mean);
  }
  options.scales[ExpressionScale] = ResultScale();
  ResultScale uncertainty;
  uncertainty.fromZero = true;
  options.scales[UncertaintyScale] = uncertainty;
  return options;
}

} // namespace ss
