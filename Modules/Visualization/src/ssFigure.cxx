#include "ssFigure.h"

#include "ssBitmapFont.h"
#include "ssError.h"
#include "ssVisualizationInternal.h"

#include "itkImageRegionConstIterator.h"

#include <algorithm>
#include <cstdio>

namespace ss
{

namespace
{
RGBImageType::Pointer Page(unsigned int width, unsigned int height, const RGBPixelType & background)
{
  RGBImageType::RegionType region;
  region.SetSize({ { width, height } });
  auto page = RGBImageType::New();
  page->SetRegions(region);
  page->Allocate();
  page->FillBuffer(background);
  return page;
}

/** `title`, or its longest prefix followed by "..." that fits `width` pixels (on a panel
 * too narrow even for that, the longest prefix that fits). */
std::string FitTitle(const std::string & title, unsigned int width, unsigned int scale)
{
  if (BitmapFont::TextWidth(title, scale) <= width)
  {
    return title;
  }
  std::string ascii;
  for (const char32_t c : BitmapFont::Decode(title))
  {
    // Re-encoded as ASCII (µ as "u"): only used when shortening a title that does not fit.
    ascii.push_back(c < 0x80 ? static_cast<char>(c) : (c == U'\u00b5' ? 'u' : '?'));
  }
  std::string prefix = ascii;
  while (!prefix.empty() && BitmapFont::TextWidth(prefix + "...", scale) > width)
  {
    prefix.pop_back();
  }
  if (!prefix.empty())
  {
    return prefix + "...";
  }
  while (!ascii.empty() && BitmapFont::TextWidth(ascii, scale) > width)
  {
    ascii.pop_back();
  }
  return ascii;
}
} // namespace

namespace
{
unsigned int TitleBand(const std::vector<FigurePanel> & panels, const FigureLayout & layout)
{
  const bool anyTitle =
    std::any_of(panels.begin(), panels.end(), [](const FigurePanel & p) { return !p.title.empty(); });
  return anyTitle ? BitmapFont::TextHeight(layout.titleScale) + layout.titleSpacing : 0;
}
} // namespace

std::vector<IndexType> HorizontalFigurePanelCorners(const std::vector<FigurePanel> & panels,
                                                    const FigureLayout & layout)
{
  const long y = layout.margin + TitleBand(panels, layout);
  long x = layout.margin;
  std::vector<IndexType> corners;
  for (const auto & p : panels)
  {
    detail::RequireWholeImage(p.image.GetPointer(), "panel '" + p.title + "'");
    corners.push_back({ { x, y } });
    x += static_cast<long>(p.image->GetLargestPossibleRegion().GetSize()[0] + layout.gap);
  }
  return corners;
}

RGBImageType::Pointer ComposeHorizontalFigure(const std::vector<FigurePanel> & panels, const FigureLayout & layout)
{
  if (panels.empty())
  {
    SS_INPUT_ERROR("", "figure", "a figure needs at least one panel", "pass the panels to show");
  }
  const std::vector<IndexType> corners = HorizontalFigurePanelCorners(panels, layout);
  unsigned int width = 2 * layout.margin + layout.gap * static_cast<unsigned int>(panels.size() - 1);
  unsigned int tallest = 0;
  for (const auto & p : panels)
  {
    const auto size = p.image->GetLargestPossibleRegion().GetSize();
    width += static_cast<unsigned int>(size[0]);
    tallest = std::max(tallest, static_cast<unsigned int>(size[1]));
  }
  auto page = Page(width, 2 * layout.margin + TitleBand(panels, layout) + tallest, layout.background);

  for (std::size_t k = 0; k < panels.size(); ++k)
  {
    const auto & p = panels[k];
    const auto region = p.image->GetLargestPossibleRegion();
    const auto panelWidth = static_cast<unsigned int>(region.GetSize()[0]);
    const long x = corners[k][0];
    const std::string title = FitTitle(p.title, panelWidth, layout.titleScale);
    if (!title.empty())
    {
      const long titleX = x + (panelWidth - BitmapFont::TextWidth(title, layout.titleScale)) / 2;
      BitmapFont::Draw(
        page, { { titleX, static_cast<long>(layout.margin) } }, title, layout.textColor, layout.titleScale);
    }
    itk::ImageRegionConstIterator<RGBImageType> it(p.image, region);
    for (it.GoToBegin(); !it.IsAtEnd(); ++it)
    {
      IndexType target;
      target[0] = x + (it.GetIndex()[0] - region.GetIndex()[0]);
      target[1] = corners[k][1] + (it.GetIndex()[1] - region.GetIndex()[1]);
      page->SetPixel(target, it.Get());
    }
  }
  return page;
}

std::string FormatTickLabel(double value)
{
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g", value);
  return buffer;
}

RGBImageType::Pointer RenderColorBar(const Colormap & colormap,
                                     const IntensityRange & range,
                                     unsigned int barHeight,
                                     const ColorBarStyle & style)
{
  if (barHeight < 2)
  {
    SS_INPUT_ERROR("", "colour bar", "a colour bar needs at least 2 pixels of height", "give its height in pixels");
  }
  const std::vector<std::pair<double, std::string>> ticks{ { 0.0, FormatTickLabel(range.high) },
                                                           { 0.5, FormatTickLabel(0.5 * (range.low + range.high)) },
                                                           { 1.0, FormatTickLabel(range.low) } };
  unsigned int labelWidth = 0;
  for (const auto & t : ticks)
  {
    labelWidth = std::max(labelWidth, BitmapFont::TextWidth(t.second, style.labelScale));
  }
  const unsigned int textHeight = BitmapFont::TextHeight(style.labelScale);
  // Half a label above and below the strip, so the end labels centre on its ends.
  const unsigned int top = textHeight / 2;
  auto bar = Page(style.barWidth + style.labelSpacing + labelWidth, barHeight + textHeight, style.background);
  for (unsigned int row = 0; row < barHeight; ++row)
  {
    // Row 0 (top) shows the high end; each row the value at its centre.
    const RGBPixelType color = colormap.Map(1.0 - (row + 0.5) / barHeight);
    for (unsigned int column = 0; column < style.barWidth; ++column)
    {
      bar->SetPixel({ { column, top + row } }, color);
    }
  }
  for (const auto & [where, text] : ticks)
  {
    const long y = top + std::lround(where * (barHeight - 1)) - static_cast<long>(textHeight / 2);
    BitmapFont::Draw(
      bar, { { static_cast<long>(style.barWidth + style.labelSpacing), y } }, text, style.textColor, style.labelScale);
  }
  return bar;
}

} // namespace ss
