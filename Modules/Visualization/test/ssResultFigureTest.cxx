#include "ssBitmapFont.h"
#include "ssColormap.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssPanels.h"
#include "ssResultFigure.h"
#include "ssSpotOverlay.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkPNGImageIO.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>

namespace
{
// The HR grid of the tests: 40 x 30 pixels of 10 µm whose footprint is x in [100, 500) µm,
// y in [200, 500) µm. With 120 px panels it is magnified 3 times: panel pixels of 10/3 µm.
constexpr unsigned GridWidth = 40;
constexpr unsigned GridHeight = 30;
constexpr double GridUm = 10;
constexpr double LeftUm = 100;
constexpr double TopUm = 200;
constexpr unsigned PanelSize = 120;
constexpr unsigned Magnification = 3;

/** An allocated w x h image of `um` µm pixels whose footprint starts at (x0, y0) µm. */
template<typename TImage>
typename TImage::Pointer Allocated(unsigned w, unsigned h, double um, double x0, double y0)
{
  auto image = TImage::New();
  ss::RegionType region;
  region.SetSize({ { w, h } });
  image->SetRegions(region);
  itk::Vector<double, 2> spacing;
  spacing.Fill(um);
  image->SetSpacing(spacing);
  ss::PointType origin;
  origin[0] = x0 + um / 2;
  origin[1] = y0 + um / 2;
  image->SetOrigin(origin);
  image->Allocate();
  return image;
}

ss::FloatImageType::Pointer MakeMap(const std::function<float(long x, long y)> & value)
{
  auto map = Allocated<ss::FloatImageType>(GridWidth, GridHeight, GridUm, LeftUm, TopUm);
  itk::ImageRegionIteratorWithIndex<ss::FloatImageType> it(map, map->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    it.Set(value(it.GetIndex()[0], it.GetIndex()[1]));
  }
  return map;
}

ss::MaskImageType::Pointer MakeMask(const ss::FloatImageType * map, const std::function<bool(long x, long y)> & inside)
{
  auto mask = ss::MaskImageType::New();
  mask->CopyInformation(map);
  mask->SetRegions(map->GetLargestPossibleRegion());
  mask->Allocate();
  itk::ImageRegionIteratorWithIndex<ss::MaskImageType> it(mask, mask->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    it.Set(inside(it.GetIndex()[0], it.GetIndex()[1]) ? 1 : 0);
  }
  return mask;
}

/** An "H&E" at `um` µm per pixel whose footprint starts at (x0, y0) µm: red left of x = 300
 * µm, blue right of it. */
ss::RGBImageType::Pointer MakeHistology(double um, double x0, double y0, unsigned w, unsigned h)
{
  auto image = Allocated<ss::RGBImageType>(w, h, um, x0, y0);
  itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    ss::PointType p;
    image->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    it.Set(p[0] < 300 ? ss::MakeRGB(200, 30, 40) : ss::MakeRGB(40, 30, 200));
  }
  return image;
}

ss::PointType Point(double x, double y)
{
  ss::PointType p;
  p[0] = x;
  p[1] = y;
  return p;
}

/** A gene over the test grid: the mean ramps along x, the std along y, a truth and an LR
 * map, a tissue mask leaving the 10 left-most columns out, two spots. */
ss::GeneResultMaps MakeGene()
{
  ss::GeneResultMaps g;
  g.gene = "ERBB2";
  g.histology = MakeHistology(2.0, 0, 100, 300, 250);
  g.mean = MakeMap([](long x, long) { return 0.1f * x; });
  g.standardDeviation = MakeMap([](long, long y) { return 0.5f + 0.02f * y; });
  g.truth = MakeMap([](long x, long y) { return 0.12f * x + 0.01f * y; });
  g.lowResolution = MakeMap([](long x, long) { return 0.1f * (x / 10 * 10); });
  g.lowResolutionMask = MakeMask(g.lowResolution, [](long x, long) { return x % 10 < 6; });
  g.mask = MakeMask(g.mean, [](long x, long) { return x >= 10; });
  g.spotCentresUm = { Point(200, 300), Point(400, 400) };
  g.spotValues = { 3.9f, 0.0f };
  g.spotDiameterUm = 55;
  return g;
}

ss::ResultFigureOptions Options(const ss::GeneResultMaps & g)
{
  auto options = ss::DefaultResultFigureOptions(g);
  options.panelSize = PanelSize;
  return options;
}

/** Panel pixel (x, y) of panel k on the page. */
ss::RGBPixelType At(const ss::ResultFigure & f, std::size_t k, long x, long y)
{
  const auto corner = f.panelRegions.at(k).GetIndex();
  return f.image->GetPixel({ { corner[0] + x, corner[1] + y } });
}

std::size_t CountNot(const ss::ResultFigure & f, std::size_t k, const ss::RGBPixelType & color)
{
  std::size_t n = 0;
  const auto size = f.panelRegions.at(k).GetSize();
  for (long y = 0; y < static_cast<long>(size[1]); ++y)
  {
    for (long x = 0; x < static_cast<long>(size[0]); ++x)
    {
      n += At(f, k, x, y) == color ? 0 : 1;
    }
  }
  return n;
}
} // namespace

TEST(ResultFigure, LaysOutTitledPanelsOfOneSizeWithColourBars)
{
  const auto g = MakeGene();
  const auto options = Options(g);
  const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g), options);
  ASSERT_EQ(f.panelRegions.size(), 4u);
  ASSERT_EQ(f.ranges.size(), 4u);
  EXPECT_EQ(f.panelGrid.size[0], Magnification * GridWidth);
  EXPECT_EQ(f.panelGrid.size[1], Magnification * GridHeight);
  EXPECT_NEAR(f.panelGrid.spacing[0], GridUm / Magnification, 1e-12);
  // The panel grid covers the HR grid's footprint exactly.
  const auto bounds = f.panelGrid.Bounds();
  EXPECT_NEAR(bounds.minX, LeftUm, 1e-9);
  EXPECT_NEAR(bounds.minY, TopUm, 1e-9);
  EXPECT_NEAR(bounds.maxX, LeftUm + GridWidth * GridUm, 1e-9);
  EXPECT_NEAR(bounds.maxY, TopUm + GridHeight * GridUm, 1e-9);

  const auto & layout = options.layout;
  const long titleBand = ss::BitmapFont::TextHeight(layout.titleScale) + layout.titleSpacing;
  long x = layout.margin;
  for (std::size_t k = 0; k < 4; ++k)
  {
    SCOPED_TRACE("panel " + std::to_string(k));
    EXPECT_EQ(f.panelRegions[k].GetSize(), f.panelGrid.size);
    EXPECT_EQ(f.panelRegions[k].GetIndex()[0], x);
    EXPECT_EQ(f.panelRegions[k].GetIndex()[1], static_cast<long>(layout.margin) + titleBand);
    long width = PanelSize;
    if (k > 0) // H&E has no colour bar; the others have one, right of the panel
    {
      const auto bar = ss::RenderColorBar(ss::Colormap(), f.ranges[k], 90 - ss::BitmapFont::TextHeight(1));
      EXPECT_EQ(bar->GetLargestPossibleRegion().GetSize()[1], Magnification * GridHeight);
      width += options.colorBarGap + bar->GetLargestPossibleRegion().GetSize()[0];
      // The bar's top (the high end) sits at the panel's top, after the gap.
      const auto top = f.image->GetPixel(
        { { x + PanelSize + static_cast<long>(options.colorBarGap) + 2, f.panelRegions[k].GetIndex()[1] + 5 } });
      EXPECT_NE(top, layout.background);
    }
    // The title: ink in the band above the panel.
    std::size_t ink = 0;
    for (long ty = layout.margin; ty < static_cast<long>(layout.margin) + titleBand; ++ty)
    {
      for (long tx = x; tx < x + width; ++tx)
      {
        ink += f.image->GetPixel({ { tx, ty } }) == layout.textColor ? 1 : 0;
      }
    }
    EXPECT_GT(ink, 20u);
    x += width + layout.gap;
  }
  const auto size = f.image->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(static_cast<long>(size[0]), x - static_cast<long>(layout.gap) + static_cast<long>(layout.margin));
  EXPECT_EQ(size[1], 2 * layout.margin + titleBand + Magnification * GridHeight);
}

TEST(ResultFigure, TheMeanPanelsColoursFollowTheMap)
{
  auto g = MakeGene();
  g.mask = nullptr;
  const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g), Options(g));
  const ss::Colormap viridis(ss::ColormapName::Viridis);
  const auto & range = f.ranges[2];
  // The expression range spans the mean's and the spots' values in view (1st-99th percentile).
  EXPECT_GT(range.low, -0.01);
  EXPECT_LT(range.low, 0.2);
  EXPECT_GT(range.high, 3.5);
  EXPECT_LT(range.high, 3.91);
  EXPECT_EQ(f.ranges[1].low, range.low); // the spots share it
  EXPECT_EQ(f.ranges[1].high, range.high);
  // Every panel pixel is the colour of the HR pixel it magnifies.
  for (long y = 0; y < static_cast<long>(Magnification * GridHeight); y += 7)
  {
    for (long x = 0; x < static_cast<long>(Magnification * GridWidth); ++x)
    {
      const float v = 0.1f * (x / Magnification);
      ASSERT_EQ(At(f, 2, x, y), viridis.Map(range.Normalize(v))) << x << ", " << y;
    }
  }
  // So along the ramp the colour runs monotonically (viridis' green rises with the value).
  for (long x = 1; x < static_cast<long>(Magnification * GridWidth); ++x)
  {
    EXPECT_GE(At(f, 2, x, 10)[1], At(f, 2, x - 1, 10)[1]) << x;
  }
  EXPECT_GT(At(f, 2, 119, 10)[1], At(f, 2, 0, 10)[1] + 100);
  // The std has its own scale and map, from 0: it ramps along y.
  EXPECT_EQ(f.ranges[3].low, 0);
  EXPECT_NEAR(f.ranges[3].high, 0.5 + 0.02 * 29, 0.02);
  const ss::Colormap magma(ss::ColormapName::Magma);
  EXPECT_EQ(At(f, 3, 50, 89), magma.Map(f.ranges[3].Normalize(0.5f + 0.02f * 29)));
  EXPECT_NE(At(f, 3, 50, 0), At(f, 3, 50, 89));
}

TEST(ResultFigure, MaskedPixelsAreGrey)
{
  const auto g = MakeGene();
  const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g), Options(g));
  const auto grey = ss::BackgroundGrey();
  for (std::size_t k : { 2u, 3u })
  {
    for (long y = 0; y < 90; y += 11)
    {
      for (long x = 0; x < 120; ++x)
      {
        // HR columns 0-9 (panel columns 0-29) are outside the tissue mask.
        EXPECT_EQ(At(f, k, x, y) == grey, x < 30) << "panel " << k << " at " << x << ", " << y;
      }
    }
  }
  // Values under the mask do not count in the range: the mean's masked columns are the lowest.
  EXPECT_GT(f.ranges[2].low, 0.9);
}

TEST(ResultFigure, SpotsAreDrawnWhereTheyAre)
{
  auto g = MakeGene();
  auto options = Options(g);
  ss::ResultScale fixed;
  fixed.fixed = ss::IntensityRange{ 0, 3.9 };
  options.scales[ss::ExpressionScale] = fixed;
  const ss::Colormap viridis(ss::ColormapName::Viridis);
  const auto grey = ss::BackgroundGrey();
  // Panel pixel of a point in µm: (x - 100) / (10/3) - 0.5.
  const auto pixel = [](double um, double origin) { return std::lround((um - origin) * Magnification / GridUm - 0.5); };
  {
    const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g, false), options);
    EXPECT_EQ(At(f, 1, pixel(200, LeftUm), pixel(300, TopUm)), viridis.Map(1.0));
    EXPECT_EQ(At(f, 1, pixel(400, LeftUm), pixel(400, TopUm)), viridis.Map(0.0));
    EXPECT_EQ(At(f, 1, pixel(200 + 40, LeftUm), pixel(300, TopUm)), grey); // beyond the 27.5 µm radius
    EXPECT_EQ(At(f, 1, pixel(200, LeftUm), pixel(300 + 30, TopUm)), grey);
    EXPECT_NE(At(f, 1, pixel(200 + 25, LeftUm), pixel(300, TopUm)), grey); // inside it
    // Two discs of 27.5 µm radius, in pixels of 10/3 µm (8.25 px), each touching the pixels
    // within half a pixel more: 2 pi (8.75)^2 = 481 pixels.
    const double expected = 2 * M_PI * std::pow(27.5 * Magnification / GridUm + 0.5, 2);
    EXPECT_NEAR(static_cast<double>(CountNot(f, 1, grey)), expected, 0.05 * expected);
    EXPECT_EQ(f.ranges[1].high, 3.9);
  }
  {
    // On the H&E: the discs cover it, the H&E shows around them.
    const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g, true), options);
    EXPECT_EQ(At(f, 1, pixel(200, LeftUm), pixel(300, TopUm)), viridis.Map(1.0));
    EXPECT_EQ(At(f, 1, pixel(200 + 40, LeftUm), pixel(300, TopUm)), ss::MakeRGB(200, 30, 40));
    EXPECT_EQ(At(f, 1, pixel(400 + 40, LeftUm), pixel(400, TopUm)), ss::MakeRGB(40, 30, 200));
  }
}

TEST(ResultFigure, ImagesArePlacedByTheirMicronGeometry)
{
  auto g = MakeGene();
  // 2 µm pixels whose footprint starts at y = 250 µm: the top 50 µm of the extent has none.
  g.histology = MakeHistology(2.0, 0, 250, 300, 200);
  const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g), Options(g));
  const auto grey = ss::BackgroundGrey();
  for (long y = 0; y < 90; ++y)
  {
    for (long x = 0; x < 120; ++x)
    {
      // x = 300 µm is panel column 60; y = 250 µm is panel row 15.
      const auto expected = y < 15 ? grey : (x < 60 ? ss::MakeRGB(200, 30, 40) : ss::MakeRGB(40, 30, 200));
      ASSERT_EQ(At(f, 0, x, y), expected) << x << ", " << y;
    }
  }
}

TEST(ResultFigure, TheBenchmarkFigureSharesOneExpressionRange)
{
  const auto g = MakeGene();
  const auto f = ss::RenderResultFigure(ss::BenchmarkPanels(g), Options(g));
  ASSERT_EQ(f.panelRegions.size(), 5u);
  // LR, mean and truth on one range, which the truth's higher values extend.
  for (std::size_t k : { 1u, 3u })
  {
    EXPECT_EQ(f.ranges[k].low, f.ranges[0].low);
    EXPECT_EQ(f.ranges[k].high, f.ranges[0].high);
  }
  EXPECT_GT(f.ranges[0].high, 0.1 * 39);
  EXPECT_EQ(f.ranges[2].low, 0);
  EXPECT_LT(f.ranges[2].high, 1.2);
  // The LR map is grey where no spot covers it (columns 6-9 of every 10, in its own mask).
  const auto grey = ss::BackgroundGrey();
  EXPECT_EQ(At(f, 0, 3 * 7, 40), grey);
  EXPECT_NE(At(f, 0, 3 * 2, 40), grey);
  // The last panel is the H&E, red then blue.
  EXPECT_EQ(At(f, 4, 10, 40), ss::MakeRGB(200, 30, 40));
  EXPECT_EQ(At(f, 4, 110, 40), ss::MakeRGB(40, 30, 200));
}

TEST(ResultFigure, RangesUseOnlyTheValuesInView)
{
  auto g = MakeGene();
  auto options = Options(g);
  // Show the right half only: the mean's values there are 2.0 .. 3.9.
  options.extent.start[0] = 20;
  options.extent.size[0] = 20;
  const auto f = ss::RenderResultFigure(ss::BenchmarkPanels(g), options);
  EXPECT_GT(f.ranges[1].low, 1.9);
  EXPECT_EQ(f.panelGrid.size[0], 4u * 20); // 20 x 30 pixels fit 120 px magnified 4 times
  EXPECT_EQ(f.panelGrid.size[1], 4u * 30);
  const auto bounds = f.panelGrid.Bounds();
  EXPECT_NEAR(bounds.minX, 300, 1e-9);
}

TEST(ResultFigure, ALargeGridIsAveragedDownToThePanel)
{
  auto g = MakeGene();
  auto options = Options(g);
  options.panelSize = 30; // 40 x 30 HR pixels into 30 x 22.5 -> 30 x 23 px
  const auto f = ss::RenderResultFigure(ss::SuperResolutionPanels(g), options);
  EXPECT_EQ(f.panelGrid.size[0], 30u);
  EXPECT_EQ(f.panelGrid.size[1], 23u);
  EXPECT_NEAR(f.panelGrid.Bounds().maxX, 500, 1e-9);
  EXPECT_NEAR(f.panelGrid.Bounds().maxY, 500, 1e-9);
  for (long x = 11; x < 30; ++x) // right of the masked columns (and their blended edge)
  {
    EXPECT_GE(At(f, 2, x, 10)[1], At(f, 2, x - 1, 10)[1]) << x;
  }
}

TEST(ResultFigure, RefusesIncompletePanels)
{
  const auto g = MakeGene();
  EXPECT_THROW(ss::RenderResultFigure({}), ss::InputError);
  auto panels = ss::SuperResolutionPanels(g);
  panels[1].spotValues.pop_back();
  EXPECT_THROW(ss::RenderResultFigure(panels, Options(g)), ss::InputError);
  panels = ss::SuperResolutionPanels(g);
  panels[0].image = nullptr;
  EXPECT_THROW(ss::RenderResultFigure(panels, Options(g)), ss::InputError);
  panels = ss::SuperResolutionPanels(g);
  panels[1].spotDiameterUm = 0;
  EXPECT_THROW(ss::RenderResultFigure(panels, Options(g)), ss::InputError);
  // No extent and no map to take it from.
  EXPECT_THROW(ss::RenderResultFigure({ ss::SuperResolutionPanels(g)[0] }), ss::InputError);
  // Without an explicit extent the first map's grid is used.
  const auto f = ss::RenderResultFigure(ss::BenchmarkPanels(g));
  EXPECT_NEAR(f.panelGrid.Bounds().minX, LeftUm, 1e-9);
}

TEST(ResultFigure, WritesThePNG)
{
  const auto g = MakeGene();
  const std::string dir = ss::JoinPath(::testing::TempDir(), "ss-result-figure");
  boost::filesystem::remove_all(dir);
  ss::CreateDirectories(dir);
  const std::string path = ss::JoinPath(dir, "ERBB2.png");
  const auto f = ss::WriteResultFigure(path, ss::SuperResolutionPanels(g), Options(g));
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetImageIO(itk::PNGImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetLargestPossibleRegion().GetSize(), f.image->GetLargestPossibleRegion().GetSize());
  const auto corner = f.panelRegions[2].GetIndex();
  EXPECT_EQ(reader->GetOutput()->GetPixel(corner + itk::Offset<2>{ { 60, 40 } }), At(f, 2, 60, 40));
}

TEST(ResampleByAreaAveraging, KeepsTheGeometryAndFillsWhatTheImageDoesNotCover)
{
  const auto he = MakeHistology(2.0, 0, 250, 300, 200); // x in [0, 600), y in [250, 650) µm
  const auto outside = ss::MakeRGB(2, 4, 6);
  // Onto its own grid: unchanged.
  const auto same = ss::ResampleByAreaAveraging(he, ss::GridGeometry::FromImage(he), outside);
  EXPECT_EQ(same->GetPixel({ { 149, 10 } }), he->GetPixel({ { 149, 10 } }));
  EXPECT_EQ(same->GetPixel({ { 150, 10 } }), he->GetPixel({ { 150, 10 } }));
  // Onto 10 µm pixels from x = 580, y = 245 µm: pixel (0, 0) is half-covered in y, so half
  // blue and half `outside`; pixel (2, 1) lies beyond x = 600 µm.
  ss::GridGeometry grid;
  grid.spacing.Fill(10);
  grid.origin = Point(585, 250);
  grid.size = { { 3, 3 } };
  const auto out = ss::ResampleByAreaAveraging(he, grid, outside);
  EXPECT_EQ(out->GetSpacing()[0], 10);
  EXPECT_EQ(out->GetOrigin(), Point(585, 250));
  EXPECT_EQ(out->GetPixel({ { 0, 0 } }), ss::MakeRGB(21, 17, 103)); // (blue + outside) / 2
  EXPECT_EQ(out->GetPixel({ { 0, 1 } }), ss::MakeRGB(40, 30, 200));
  EXPECT_EQ(out->GetPixel({ { 2, 1 } }), outside);
  // A rotated image is refused rather than placed wrongly.
  ss::GridGeometry rotated = grid;
  rotated.direction(0, 0) = 0;
  rotated.direction(0, 1) = -1;
  rotated.direction(1, 0) = 1;
  rotated.direction(1, 1) = 0;
  EXPECT_THROW(ss::ResampleByAreaAveraging(he, rotated, outside), ss::InputError);
}

TEST(DrawSpotDiscs, FillsTheDiscOfTheSpotsDiameter)
{
  auto image = MakeHistology(1.0, 0, 0, 100, 100);
  image->FillBuffer(ss::MakeRGB(0, 0, 0));
  const auto white = ss::MakeRGB(255, 255, 255);
  ss::DrawSpotDiscs(image, { Point(50, 50) }, 40, { white });
  std::size_t full = 0, partial = 0;
  itk::ImageRegionConstIterator<ss::RGBImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    full += it.Get() == white ? 1 : 0;
    partial += it.Get()[0] > 0 && it.Get()[0] < 255 ? 1 : 0;
  }
  // Area pi r^2 = 1257 px: full pixels inside r - 0.5, an anti-aliased ring around them.
  EXPECT_NEAR(full + 0.5 * partial, M_PI * 20 * 20, 20);
  EXPECT_EQ(image->GetPixel({ { 50, 50 } }), white);
  EXPECT_EQ(image->GetPixel({ { 50, 71 } }), ss::MakeRGB(0, 0, 0));
  EXPECT_THROW(ss::DrawSpotDiscs(image, { Point(1, 1), Point(2, 2) }, 10, { white, white, white }), ss::InputError);
}
