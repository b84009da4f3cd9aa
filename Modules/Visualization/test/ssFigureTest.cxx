#include "ssBitmapFont.h"
#include "ssColormap.h"
#include "ssError.h"
#include "ssFigure.h"
#include "ssFiles.h"
#include "ssPNG.h"
#include "ssPanels.h"
#include "ssSpotOverlay.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkPNGImageIO.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

namespace
{
/** Isotropic spacing in µm (ITK 5.2 has no itk::MakeFilled). */
itk::Vector<double, 2> Spacing(double micrometres)
{
  itk::Vector<double, 2> s;
  s.Fill(micrometres);
  return s;
}

ss::RGBImageType::Pointer Filled(unsigned w, unsigned h, const ss::RGBPixelType & color)
{
  auto image = ss::RGBImageType::New();
  ss::RGBImageType::RegionType region;
  region.SetSize({ { w, h } });
  image->SetRegions(region);
  image->Allocate();
  image->FillBuffer(color);
  return image;
}

/** Pixels of `color` in columns [x0, x1) and rows [y0, y1) of `image`. */
std::size_t Count(const ss::RGBImageType * image, const ss::RGBPixelType & color, long x0, long x1, long y0, long y1)
{
  std::size_t n = 0;
  for (long y = y0; y < y1; ++y)
  {
    for (long x = x0; x < x1; ++x)
    {
      n += image->GetPixel({ { x, y } }) == color ? 1 : 0;
    }
  }
  return n;
}

const ss::RGBPixelType White = ss::MakeRGB(255, 255, 255);
const ss::RGBPixelType Black = ss::MakeRGB(0, 0, 0);
} // namespace

TEST(BitmapFont, MeasuresAndDecodes)
{
  EXPECT_EQ(ss::BitmapFont::TextWidth("AB"), 11u);
  EXPECT_EQ(ss::BitmapFont::TextWidth("AB", 2), 22u);
  EXPECT_EQ(ss::BitmapFont::TextWidth(""), 0u);
  EXPECT_EQ(ss::BitmapFont::TextHeight(3), 21u);
  EXPECT_EQ(ss::BitmapFont::Decode("5 \xc2\xb5m"), (std::u32string{ U'5', U' ', U'\u00b5', U'm' }));
  EXPECT_EQ(ss::BitmapFont::Decode("caf\xc3\xa9!"), (std::u32string{ U'c', U'a', U'f', U'?', U'!' }));
  // Every printable ASCII character has a glyph, and only the space is blank.
  for (char32_t c = 33; c < 127; ++c)
  {
    bool ink = false;
    for (unsigned r = 0; r < 7; ++r)
    {
      for (unsigned k = 0; k < 5; ++k)
      {
        ink = ink || ss::BitmapFont::Ink(c, k, r);
      }
    }
    EXPECT_TRUE(ink) << static_cast<char>(c);
  }
  EXPECT_FALSE(ss::BitmapFont::Ink(U' ', 2, 3));
}

TEST(BitmapFont, DrawsTheGlyphsPixelsScaledAndClipped)
{
  auto image = Filled(40, 20, White);
  const std::size_t drawn = ss::BitmapFont::Draw(image, { { 2, 3 } }, "L", Black, 2);
  // "L": 7 pixels down the left column and 4 more along the bottom row, each 2x2.
  EXPECT_EQ(drawn, 11u * 4u);
  EXPECT_EQ(Count(image, Black, 0, 40, 0, 20), 44u);
  EXPECT_EQ(image->GetPixel({ { 2, 3 } }), Black);
  EXPECT_EQ(image->GetPixel({ { 3, 16 } }), Black);  // bottom-left, scaled
  EXPECT_EQ(image->GetPixel({ { 11, 16 } }), Black); // bottom-right end of the L
  EXPECT_EQ(image->GetPixel({ { 4, 3 } }), White);   // top of the second column is blank
  // Text running off the image is clipped, not an error.
  auto small = Filled(8, 4, White);
  EXPECT_LT(ss::BitmapFont::Draw(small, { { 4, 0 } }, "HH", Black, 1), 2u * 17u);
}

TEST(Figure, PanelsAreLaidOutLeftToRightUnderTheirTitles)
{
  const auto red = ss::MakeRGB(200, 0, 0);
  const auto green = ss::MakeRGB(0, 200, 0);
  const auto a = Filled(30, 20, red);
  const auto b = Filled(40, 25, green);
  ss::FigureLayout layout; // margin 10, gap 12, titles at scale 2 (14 px) + 6
  const auto figure = ss::ComposeHorizontalFigure({ { "HE", a.GetPointer() }, { "Map", b.GetPointer() } }, layout);
  const auto size = figure->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 10u + 30 + 12 + 40 + 10);
  EXPECT_EQ(size[1], 10u + 14 + 6 + 25 + 10);
  // Panels at their places, top-aligned below the title band.
  EXPECT_EQ(Count(figure, red, 10, 40, 30, 50), 30u * 20u);
  EXPECT_EQ(Count(figure, green, 52, 92, 30, 55), 40u * 25u);
  EXPECT_EQ(figure->GetPixel({ { 10, 50 } }), White); // below the shorter panel
  // Titles: exactly the glyphs' pixels, centred over each panel, nothing in the gap.
  const unsigned heWidth = ss::BitmapFont::TextWidth("HE", 2);
  const long heLeft = 10 + (30 - heWidth) / 2;
  auto reference = Filled(100, 20, White);
  const std::size_t heInk = ss::BitmapFont::Draw(reference, { { 0, 0 } }, "HE", Black, 2);
  EXPECT_EQ(Count(figure, Black, heLeft, heLeft + heWidth, 10, 24), heInk);
  EXPECT_EQ(Count(figure, Black, 10, 40, 10, 24), heInk);
  const std::size_t mapInk = ss::BitmapFont::Draw(reference, { { 0, 0 } }, "Map", Black, 2);
  EXPECT_EQ(Count(figure, Black, 52, 92, 10, 24), mapInk);
  EXPECT_EQ(Count(figure, Black, 40, 52, 0, static_cast<long>(size[1])), 0u);
  EXPECT_EQ(Count(figure, Black, 0, static_cast<long>(size[0]), 24, static_cast<long>(size[1])), 0u);
  EXPECT_EQ(figure->GetSpacing()[0], 1.0);
}

TEST(Figure, UntitledFiguresHaveNoTitleBandAndLongTitlesAreCut)
{
  const auto a = Filled(30, 20, Black);
  const auto plain = ss::ComposeHorizontalFigure({ { "", a.GetPointer() } });
  EXPECT_EQ(plain->GetLargestPossibleRegion().GetSize()[1], 10u + 20 + 10);
  const auto cut = ss::ComposeHorizontalFigure({ { "A title far too long for thirty pixels", a.GetPointer() } });
  // The title stays within its panel's columns.
  EXPECT_GT(Count(cut, Black, 10, 40, 10, 24), 0u);
  EXPECT_EQ(Count(cut, Black, 0, 10, 0, 30), 0u);
  EXPECT_EQ(Count(cut, Black, 40, 50, 0, 30), 0u);
  EXPECT_THROW(ss::ComposeHorizontalFigure({}), ss::InputError);
  EXPECT_THROW(ss::ComposeHorizontalFigure({ { "no image", nullptr } }), ss::InputError);
}

TEST(Figure, ColourBarRunsFromHighAtTheTopToLowAtTheBottom)
{
  const ss::Colormap viridis;
  ss::ColorBarStyle style;
  const auto bar = ss::RenderColorBar(viridis, { 0, 2.5 }, 100, style);
  const auto size = bar->GetLargestPossibleRegion().GetSize();
  const unsigned labelWidth =
    std::max({ ss::BitmapFont::TextWidth("2.5"), ss::BitmapFont::TextWidth("1.25"), ss::BitmapFont::TextWidth("0") });
  EXPECT_EQ(size[0], style.barWidth + style.labelSpacing + labelWidth);
  EXPECT_EQ(size[1], 100u + 7);
  const long top = 3; // half a label's height above the strip
  EXPECT_EQ(bar->GetPixel({ { 0, top } }), viridis.Map(1 - 0.5 / 100));
  EXPECT_EQ(bar->GetPixel({ { 13, top + 99 } }), viridis.Map(1 - 99.5 / 100));
  EXPECT_EQ(bar->GetPixel({ { 5, top + 50 } }), viridis.Map(1 - 50.5 / 100));
  // Labels to the right of the strip, nowhere on it.
  EXPECT_GT(Count(bar, Black, style.barWidth + style.labelSpacing, static_cast<long>(size[0]), 0, 10), 0u);
  EXPECT_GT(Count(bar, Black, style.barWidth + style.labelSpacing, static_cast<long>(size[0]), 97, 107), 0u);
  EXPECT_EQ(Count(bar, Black, 0, style.barWidth, 0, static_cast<long>(size[1])), 0u);
  EXPECT_EQ(ss::FormatTickLabel(0.125), "0.125");
  EXPECT_EQ(ss::FormatTickLabel(12.5), "12.5");
  EXPECT_EQ(ss::FormatTickLabel(1234.5), "1.23e+03");
}

TEST(Figure, PNGReadsBackWithITK)
{
  const std::string dir = std::string(::testing::TempDir()) + "/superspot-png";
  boost::filesystem::remove_all(dir);
  ss::CreateDirectories(dir);
  auto image = Filled(7, 5, White);
  image->SetSpacing(Spacing(0.5));
  itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    const auto i = it.GetIndex();
    it.Set(ss::MakeRGB(static_cast<unsigned char>(30 * i[0]), static_cast<unsigned char>(50 * i[1]), 99));
  }
  const std::string path = dir + "/figure.png";
  ss::WritePNG(image, path);
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetImageIO(itk::PNGImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  const auto back = reader->GetOutput();
  ASSERT_EQ(back->GetLargestPossibleRegion().GetSize(), image->GetLargestPossibleRegion().GetSize());
  for (it.GoToBegin(); !it.IsAtEnd(); ++it)
  {
    ASSERT_EQ(back->GetPixel(it.GetIndex()), it.Get()) << it.GetIndex();
  }
  EXPECT_DOUBLE_EQ(back->GetSpacing()[0], 1.0);
  // Only the PNG is left in the folder: the temporary was renamed over it.
  std::size_t files = 0;
  for (const auto & e : boost::filesystem::directory_iterator(dir))
  {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  EXPECT_THROW(ss::WritePNG(image, dir + "/missing-folder/figure.png"), ss::InputError);
}

TEST(Figure, AnHAndEPanelWithSpotsAMapAndAColourBarMakeOnePNG)
{
  // A 400 x 200 px "H&E" at 0.5 µm per pixel (200 x 100 µm), a 25 x 12 map at 8 µm.
  auto he = Filled(400, 200, White);
  he->SetSpacing(Spacing(0.5));
  itk::ImageRegionIteratorWithIndex<ss::RGBImageType> hi(he, he->GetLargestPossibleRegion());
  for (; !hi.IsAtEnd(); ++hi)
  {
    hi.Set(ss::MakeRGB(static_cast<unsigned char>(200 + hi.GetIndex()[0] % 50),
                       120,
                       static_cast<unsigned char>(160 + hi.GetIndex()[1] % 90)));
  }
  auto hePanel = ss::FitToPanel(he, 160, 160);
  ASSERT_EQ(hePanel->GetLargestPossibleRegion().GetSize(), (ss::SizeType{ { 160, 80 } }));
  ss::PointType spot;
  spot[0] = 100;
  spot[1] = 50;
  EXPECT_GT(ss::DrawSpotCircles(hePanel, { spot }, 55.0, { Black }), 0u);
  // The ring passes 27.5 µm right of the spot's centre (the panel's pixels are 1.25 µm);
  // the centre keeps the H&E colour (no channel below 120).
  ss::PointType onRing = spot;
  onRing[0] += 27.5;
  const auto ring = hePanel->GetPixel(hePanel->TransformPhysicalPointToIndex(onRing));
  EXPECT_LT(std::max({ ring[0], ring[1], ring[2] }), 30) << ring;
  const auto centre = hePanel->GetPixel(hePanel->TransformPhysicalPointToIndex(spot));
  EXPECT_GE(std::min({ centre[0], centre[1], centre[2] }), 120) << centre;

  auto map = ss::FloatImageType::New();
  ss::FloatImageType::RegionType region;
  region.SetSize({ { 25, 12 } });
  map->SetRegions(region);
  map->SetSpacing(Spacing(8.0));
  map->Allocate();
  itk::ImageRegionIteratorWithIndex<ss::FloatImageType> mi(map, region);
  for (; !mi.IsAtEnd(); ++mi)
  {
    mi.Set(static_cast<float>(mi.GetIndex()[0]) / 5);
  }
  const ss::Colormap magma(ss::ColormapName::Magma);
  const auto range = ss::RobustRange(ss::ValuesInMask(map, nullptr));
  const auto mapPanel = ss::FitToPanel(ss::RenderScalarMap(map, nullptr, magma, range), 160, 160);
  const auto bar = ss::RenderColorBar(magma, range, 80);
  const auto figure = ss::ComposeHorizontalFigure(
    { { "H&E 5 \xc2\xb5m", hePanel.GetPointer() }, { "ERBB2", mapPanel.GetPointer() }, { "", bar.GetPointer() } });
  const std::string path = std::string(::testing::TempDir()) + "/superspot-figure.png";
  ss::WritePNG(figure, path);
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetImageIO(itk::PNGImageIO::New());
  reader->SetFileName(path);
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetLargestPossibleRegion().GetSize(), figure->GetLargestPossibleRegion().GetSize());
}
