#include "ssBenchmarkCharts.h"

#include "ssBitmapFont.h"
#include "ssColormap.h"
#include "ssError.h"
#include "ssFigure.h"
#include "ssPNG.h"

#include <algorithm>
#include <cmath>

namespace ss
{
namespace
{

struct Page
{
  RGBImageType::Pointer image;
  long width = 0, height = 0;

  void Set(long x, long y, const RGBPixelType & c)
  {
    if (x >= 0 && y >= 0 && x < width && y < height)
    {
      IndexType i;
      i[0] = x;
      i[1] = y;
      image->SetPixel(i, c);
    }
  }
  void Fill(long x0, long y0, long x1, long y1, const RGBPixelType & c) // inclusive corners
  {
    for (long y = std::min(y0, y1); y <= std::max(y0, y1); ++y)
    {
      for (long x = std::min(x0, x1); x <= std::max(x0, x1); ++x)
      {
        Set(x, y, c);
      }
    }
  }
  void Text(long x, long y, const std::string & text, const RGBPixelType & c, unsigned scale)
  {
    IndexType i;
    i[0] = x;
    i[1] = y;
    BitmapFont::Draw(image, i, text, c, scale);
  }
};

/** Ticks at 1, 2 or 5 × 10^k covering [low, high], about `target` of them. */
std::vector<double> NiceTicks(double low, double high, int target)
{
  const double span = std::max(high - low, 1e-12);
  const double raw = span / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : { 1.0, 2.0, 5.0, 10.0 })
  {
    step = m * magnitude;
    if (span / step <= target)
    {
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(low / step - 1e-9) * step; t <= high + 1e-9 * step; t += step)
  {
    ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
  }
  return ticks;
}

RGBPixelType GroupColor(std::size_t i, std::size_t n)
{
  // Magma from dark to orange: distinct on white and on the bars' blues and greys.
  const Colormap map(ColormapName::Magma);
  return map.Map(n <= 1 ? 0.35 : 0.1 + 0.65 * static_cast<double>(i) / static_cast<double>(n - 1));
}

} // namespace

RGBImageType::Pointer RenderMetricBarChart(const ResultsTable & results,
                                           const std::string & metric,
                                           const std::vector<std::string> & methods,
                                           const std::vector<std::string> & learned,
                                           const std::string & title,
                                           const BarChartOptions & o)
{
  struct Row
  {
    std::string method;
    MeanSummary overall;
    std::vector<double> groups; // NaN where the group has no mean
  };
  const auto & groups = results.GetGroups();
  std::vector<Row> rows;
  double low = 0, high = 0;
  bool any = false;
  for (const auto & m : methods)
  {
    const MeanSummary overall = results.OverallMean(m, metric);
    if (overall.used == 0)
    {
      continue;
    }
    Row row{ m, overall, {} };
    for (const auto & g : groups)
    {
      const MeanSummary gm = results.GroupMean(g, m, metric);
      row.groups.push_back(gm.mean);
      if (std::isfinite(gm.mean))
      {
        low = std::min(low, gm.mean);
        high = std::max(high, gm.mean);
        any = true;
      }
    }
    const double sd = std::isfinite(overall.spread) ? overall.spread : 0;
    low = std::min(low, overall.mean - sd);
    high = std::max(high, overall.mean + sd);
    rows.push_back(row);
  }
  if (rows.empty() || !any)
  {
    SS_INPUT_ERROR("results", metric, "no method has a value of this metric", "chart a metric the results hold");
  }
  if (high <= low)
  {
    high = low + 1;
  }
  const std::vector<double> ticks = NiceTicks(low, high, 5);
  low = std::min(low, ticks.front());
  high = std::max(high, ticks.back());

  const unsigned ts = o.textScale, th = BitmapFont::TextHeight(ts);
  unsigned labelWidth = 0, valueWidth = 0;
  std::vector<std::string> valueTexts;
  for (const auto & r : rows)
  {
    labelWidth = std::max(labelWidth, BitmapFont::TextWidth(r.method, ts));
    const std::string v = FormatNumber(r.overall.mean, 3) +
                          (std::isfinite(r.overall.spread) ? " +- " + FormatNumber(r.overall.spread, 3) : "");
    valueTexts.push_back(v);
    valueWidth = std::max(valueWidth, BitmapFont::TextWidth(v, ts));
  }
  const long m = o.margin;
  const long titleHeight = title.empty() ? 0 : BitmapFont::TextHeight(o.titleScale) + 10;
  const long plotLeft = m + labelWidth + 8;
  const long plotTop = m + titleHeight;
  const long plotHeight = static_cast<long>(rows.size() * o.rowHeight);
  const long axisHeight = th + 8;
  long legendWidth = 0;
  for (const auto & g : groups)
  {
    legendWidth += 14 + BitmapFont::TextWidth(g, ts) + 12;
  }
  Page page;
  page.width = std::max<long>(plotLeft + o.plotWidth + 10 + valueWidth + m,
                              std::max<long>(2 * m + legendWidth, 2 * m + BitmapFont::TextWidth(title, o.titleScale)));
  page.height = plotTop + plotHeight + axisHeight + 8 + th + 4 + m;
  page.image = RGBImageType::New();
  RegionType region;
  region.SetSize(0, static_cast<itk::SizeValueType>(page.width));
  region.SetSize(1, static_cast<itk::SizeValueType>(page.height));
  page.image->SetRegions(region);
  page.image->Allocate();
  const RGBPixelType white = MakeRGB(255, 255, 255), black = MakeRGB(0, 0, 0), grid = MakeRGB(225, 225, 225);
  page.image->FillBuffer(white);

  auto X = [&](double v) { return plotLeft + std::lround((v - low) / (high - low) * (o.plotWidth - 1)); };
  if (!title.empty())
  {
    page.Text(m, m, title, black, o.titleScale);
  }
  // Grid lines and tick labels.
  for (const double t : ticks)
  {
    const long x = X(t);
    page.Fill(x, plotTop, x, plotTop + plotHeight - 1, t == 0 ? MakeRGB(120, 120, 120) : grid);
    const std::string label = FormatTickLabel(t);
    page.Text(x - static_cast<long>(BitmapFont::TextWidth(label, ts)) / 2, plotTop + plotHeight + 5, label, black, ts);
  }
  page.Fill(plotLeft, plotTop + plotHeight, plotLeft + o.plotWidth - 1, plotTop + plotHeight, black);

  const RGBPixelType project = MakeRGB(31, 119, 180), otherLearned = MakeRGB(158, 202, 225),
                     interpolation = MakeRGB(170, 170, 170);
  for (std::size_t i = 0; i < rows.size(); ++i)
  {
    const Row & r = rows[i];
    const long top = plotTop + static_cast<long>(i * o.rowHeight);
    const long centre = top + static_cast<long>(o.rowHeight) / 2;
    const bool isLearned = std::find(learned.begin(), learned.end(), r.method) != learned.end();
    const RGBPixelType colour =
      !isLearned ? interpolation : (r.method.rfind("superspot", 0) == 0 ? project : otherLearned);
    page.Text(
      plotLeft - 8 - static_cast<long>(BitmapFont::TextWidth(r.method, ts)), centre - th / 2, r.method, black, ts);
    const long barHalf = static_cast<long>(o.rowHeight) / 2 - 4;
    page.Fill(X(std::max(low, 0.0)), centre - barHalf, X(r.overall.mean), centre + barHalf, colour);
    if (std::isfinite(r.overall.spread))
    {
      const long a = X(r.overall.mean - r.overall.spread), b = X(r.overall.mean + r.overall.spread);
      page.Fill(a, centre, b, centre, black);
      page.Fill(a, centre - 3, a, centre + 3, black);
      page.Fill(b, centre - 3, b, centre + 3, black);
    }
    for (std::size_t g = 0; g < r.groups.size(); ++g)
    {
      if (!std::isfinite(r.groups[g]))
      {
        continue;
      }
      // Dots spread vertically by group so that equal values stay visible.
      const long dy =
        groups.size() <= 1
          ? 0
          : -barHalf + 2 + static_cast<long>(g) * (2 * barHalf - 4) / static_cast<long>(groups.size() - 1);
      const long x = X(r.groups[g]);
      page.Fill(x - 2, centre + dy - 2, x + 2, centre + dy + 2, white);
      page.Fill(x - 1, centre + dy - 1, x + 1, centre + dy + 1, GroupColor(g, groups.size()));
    }
    page.Text(plotLeft + o.plotWidth + 10, centre - th / 2, valueTexts[i], black, ts);
  }
  // Legend of the groups' dots.
  long x = m;
  const long legendY = plotTop + plotHeight + axisHeight + 8;
  for (std::size_t g = 0; g < groups.size(); ++g)
  {
    page.Fill(x, legendY + 1, x + 5, legendY + 6, GroupColor(g, groups.size()));
    page.Text(x + 9, legendY, groups[g], black, ts);
    x += 14 + BitmapFont::TextWidth(groups[g], ts) + 12;
  }
  return page.image;
}

void WriteMetricBarChart(const std::string & path,
                         const ResultsTable & results,
                         const std::string & metric,
                         const std::vector<std::string> & methods,
                         const std::vector<std::string> & learned,
                         const std::string & title,
                         const BarChartOptions & options)
{
  WritePNG(RenderMetricBarChart(results, metric, methods, learned, title, options), path);
}

} // namespace ss
