#include "ssColormap.h"
#include "ssError.h"
#include "ssIntensityRange.h"
#include "ssPanels.h"
#include "ssSpotOverlay.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace
{
/** Isotropic spacing in µm (ITK 5.2 has no itk::MakeFilled). */
itk::Vector<double, 2> Spacing(double micrometres)
{
  itk::Vector<double, 2> s;
  s.Fill(micrometres);
  return s;
}

ss::RGBImageType::Pointer MakeRGBImage(unsigned w, unsigned h, double spacing = 1.0, double ox = 0, double oy = 0)
{
  auto image = ss::RGBImageType::New();
  ss::RGBImageType::RegionType region;
  region.SetSize({ { w, h } });
  image->SetRegions(region);
  image->SetSpacing(Spacing(spacing));
  ss::PointType origin;
  origin[0] = ox;
  origin[1] = oy;
  image->SetOrigin(origin);
  image->Allocate();
  image->FillBuffer(ss::MakeRGB(0, 0, 0));
  return image;
}

ss::FloatImageType::Pointer MakeRamp(unsigned w, unsigned h)
{
  auto map = ss::FloatImageType::New();
  ss::FloatImageType::RegionType region;
  region.SetSize({ { w, h } });
  map->SetRegions(region);
  map->SetSpacing(Spacing(8.0));
  map->Allocate();
  itk::ImageRegionIteratorWithIndex<ss::FloatImageType> it(map, region);
  for (; !it.IsAtEnd(); ++it)
  {
    it.Set(static_cast<float>(it.GetIndex()[0] + 10 * it.GetIndex()[1]));
  }
  return map;
}

ss::MaskImageType::Pointer MaskLike(const ss::FloatImageType * map, unsigned char value)
{
  auto mask = ss::MaskImageType::New();
  mask->CopyInformation(map);
  mask->SetRegions(map->GetLargestPossibleRegion());
  mask->Allocate();
  mask->FillBuffer(value);
  return mask;
}

double MeanChannel(const ss::RGBImageType * image, unsigned c)
{
  double sum = 0;
  itk::ImageRegionConstIterator<ss::RGBImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    sum += it.Get()[c];
  }
  return sum / image->GetLargestPossibleRegion().GetNumberOfPixels();
}
} // namespace

TEST(Panels, ExtractComponentKeepsValuesAndGeometry)
{
  auto map = ss::ExpressionImageType::New();
  ss::ExpressionImageType::RegionType region;
  region.SetSize({ { 4, 3 } });
  map->SetRegions(region);
  map->SetNumberOfComponentsPerPixel(3);
  map->SetSpacing(Spacing(8.0));
  map->Allocate();
  itk::ImageRegionIteratorWithIndex<ss::ExpressionImageType> it(map, region);
  for (; !it.IsAtEnd(); ++it)
  {
    itk::VariableLengthVector<float> v(3);
    for (unsigned c = 0; c < 3; ++c)
    {
      v[c] = static_cast<float>(100 * c + it.GetIndex()[0] + 10 * it.GetIndex()[1]);
    }
    it.Set(v);
  }
  const auto gene = ss::ExtractComponent(map, 2);
  EXPECT_FLOAT_EQ(gene->GetPixel({ { 3, 2 } }), 223.f);
  EXPECT_FLOAT_EQ(gene->GetPixel({ { 0, 0 } }), 200.f);
  EXPECT_EQ(gene->GetSpacing()[0], 8.0);
  EXPECT_THROW(ss::ExtractComponent(map, 3), ss::InputError);
}

TEST(Panels, ScalarMapPaintsValuesAndGreysNaNAndMaskedPixels)
{
  auto map = MakeRamp(5, 4);
  map->SetPixel({ { 1, 1 } }, std::numeric_limits<float>::quiet_NaN());
  auto mask = MaskLike(map, 1);
  mask->SetPixel({ { 4, 3 } }, 0);
  const ss::Colormap viridis;
  const ss::IntensityRange range{ 0, 34 };
  const auto rgb = ss::RenderScalarMap(map, mask, viridis, range);
  EXPECT_EQ(rgb->GetPixel({ { 1, 1 } }), ss::BackgroundGrey());
  EXPECT_EQ(rgb->GetPixel({ { 4, 3 } }), ss::BackgroundGrey());
  EXPECT_EQ(rgb->GetPixel({ { 0, 0 } }), viridis.Map(0));
  EXPECT_EQ(rgb->GetPixel({ { 4, 2 } }), viridis.Map(24 / 34.0));
  EXPECT_EQ(rgb->GetPixel({ { 3, 3 } }), viridis.Map(33 / 34.0));
  EXPECT_EQ(rgb->GetSpacing(), map->GetSpacing());
  // Without a mask only NaN is grey.
  const auto unmasked = ss::RenderScalarMap(map, nullptr, viridis, range);
  EXPECT_EQ(unmasked->GetPixel({ { 4, 3 } }), viridis.Map(1));
  // The values the robust range sees skip NaN and masked pixels.
  const auto values = ss::ValuesInMask(map, mask);
  EXPECT_EQ(values.size(), 18u);
  EXPECT_EQ(*std::max_element(values.begin(), values.end()), 33.f);
}

TEST(Panels, AMaskOnAnotherGridIsRefused)
{
  auto map = MakeRamp(5, 4);
  auto mask = MaskLike(map, 1);
  mask->SetSpacing(Spacing(4.0));
  EXPECT_THROW(ss::RenderScalarMap(map, mask, ss::Colormap(), { 0, 1 }), ss::InputError);
  EXPECT_THROW(ss::ValuesInMask(map, mask), ss::InputError);
}

TEST(Panels, AreaAveragingOfWholeBlocksIsTheBlockMean)
{
  auto image = MakeRGBImage(4, 4, 2.0, 10, 20);
  itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, image->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    const auto i = it.GetIndex();
    it.Set(ss::MakeRGB(static_cast<unsigned char>(10 * i[0]), static_cast<unsigned char>(20 * i[1]), 7));
  }
  const auto small = ss::ResizeByAreaAveraging(image, 2, 2);
  ASSERT_EQ(small->GetLargestPossibleRegion().GetSize()[0], 2u);
  // Block (x 2..3, y 0..1): red (20 + 30) / 2 = 25, green (0 + 20) / 2 = 10.
  EXPECT_EQ(small->GetPixel({ { 1, 0 } }), ss::MakeRGB(25, 10, 7));
  EXPECT_EQ(small->GetPixel({ { 0, 1 } }), ss::MakeRGB(5, 50, 7));
  // Same physical extent: 2x coarser pixels, the first centred on the first block.
  EXPECT_DOUBLE_EQ(small->GetSpacing()[0], 4.0);
  EXPECT_DOUBLE_EQ(small->GetOrigin()[0], 11.0);
  EXPECT_DOUBLE_EQ(small->GetOrigin()[1], 21.0);
}

TEST(Panels, AreaAveragingWeighsPartialPixels)
{
  auto row = MakeRGBImage(3, 1);
  row->SetPixel({ { 0, 0 } }, ss::MakeRGB(0, 0, 0));
  row->SetPixel({ { 1, 0 } }, ss::MakeRGB(90, 90, 90));
  row->SetPixel({ { 2, 0 } }, ss::MakeRGB(180, 180, 180));
  const auto two = ss::ResizeByAreaAveraging(row, 2, 1);
  // Output pixel 0 covers input [0, 1.5): (0 + 0.5 * 90) / 1.5 = 30.
  EXPECT_EQ(two->GetPixel({ { 0, 0 } })[0], 30);
  EXPECT_EQ(two->GetPixel({ { 1, 0 } })[0], 150);
  // Enlarging repeats pixels.
  const auto four = ss::ResizeByAreaAveraging(ss::ResizeByAreaAveraging(row, 3, 1), 6, 2);
  EXPECT_EQ(four->GetPixel({ { 2, 1 } })[0], 90);
  EXPECT_EQ(four->GetPixel({ { 3, 0 } })[0], 90);
  EXPECT_EQ(four->GetPixel({ { 5, 1 } })[0], 180);

  // Any factor keeps the mean (up to rounding to 8 bits).
  auto texture = MakeRGBImage(37, 23);
  itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(texture, texture->GetLargestPossibleRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    const auto i = it.GetIndex();
    it.Set(
      ss::MakeRGB(static_cast<unsigned char>((i[0] * 37 + i[1] * 11) % 256), static_cast<unsigned char>(i[1] * 9), 0));
  }
  const auto shrunk = ss::ResizeByAreaAveraging(texture, 10, 7);
  EXPECT_NEAR(MeanChannel(shrunk, 0), MeanChannel(texture, 0), 0.5);
  EXPECT_NEAR(MeanChannel(shrunk, 1), MeanChannel(texture, 1), 0.5);
  EXPECT_THROW(ss::ResizeByAreaAveraging(texture, 0, 7), ss::InputError);
}

TEST(Panels, PanelsKeepThePhysicalAspectRatio)
{
  const auto wide = MakeRGBImage(200, 100);
  EXPECT_EQ(ss::FitPanelSize(wide, 100, 100), (ss::SizeType{ { 100, 50 } }));
  auto anisotropic = MakeRGBImage(100, 100);
  ss::RGBImageType::SpacingType spacing;
  spacing[0] = 2.0;
  spacing[1] = 1.0;
  anisotropic->SetSpacing(spacing);
  EXPECT_EQ(ss::FitPanelSize(anisotropic, 100, 100), (ss::SizeType{ { 100, 50 } }));
  EXPECT_EQ(ss::FitPanelSize(MakeRGBImage(10, 40), 300, 60), (ss::SizeType{ { 15, 60 } }));
  const auto panel = ss::FitToPanel(wide, 64, 64);
  EXPECT_EQ(panel->GetLargestPossibleRegion().GetSize(), (ss::SizeType{ { 64, 32 } }));
}

TEST(Panels, ImagesNotWhollyInMemoryAreRefused)
{
  // A streamed output updated on part of its region only.
  auto partial = ss::RGBImageType::New();
  ss::RGBImageType::RegionType whole, part;
  whole.SetSize({ { 10, 10 } });
  part.SetSize({ { 10, 5 } });
  partial->SetLargestPossibleRegion(whole);
  partial->SetBufferedRegion(part);
  partial->Allocate();
  EXPECT_THROW(ss::FitToPanel(partial, 5, 5), ss::InputError);
  EXPECT_THROW(ss::FitToPanel(MakeRGBImage(4, 4), 0, 5), ss::InputError);
}

TEST(SpotOverlay, CirclesAreDrawnAtTheirRadiusInMicrometres)
{
  // 0.5 µm pixels: a 10 µm spot at (10, 10) µm is a ring of radius 10 px around pixel (20, 20).
  auto image = MakeRGBImage(41, 41, 0.5);
  const auto red = ss::MakeRGB(255, 0, 0);
  ss::PointType centre;
  centre[0] = 10;
  centre[1] = 10;
  const std::size_t touched = ss::DrawSpotCircles(image, { centre }, 10.0, { red }, 1.0);
  EXPECT_GT(touched, 60u); // about 2 pi 10 pixels
  EXPECT_EQ(image->GetPixel({ { 30, 20 } }), red);
  EXPECT_EQ(image->GetPixel({ { 20, 10 } }), red);
  EXPECT_EQ(image->GetPixel({ { 20, 20 } }), ss::MakeRGB(0, 0, 0));
  EXPECT_EQ(image->GetPixel({ { 33, 20 } }), ss::MakeRGB(0, 0, 0));
  EXPECT_EQ(image->GetPixel({ { 27, 20 } }), ss::MakeRGB(0, 0, 0));
  // Between 0 and 1 pixel off the ring the colour is blended.
  const auto partial = image->GetPixel({ { 27, 27 } }); // 9.9 px from the centre
  EXPECT_GT(partial[0], 0);
  EXPECT_LT(partial[0], 255);
}

TEST(SpotOverlay, EachSpotGetsItsColourAndSpotsOutsideAreSkipped)
{
  auto image = MakeRGBImage(60, 30, 1.0);
  ss::PointType a, b, outside;
  a[0] = 15;
  a[1] = 15;
  b[0] = 45;
  b[1] = 15;
  outside[0] = 500;
  outside[1] = 500;
  const auto green = ss::MakeRGB(0, 255, 0);
  const auto blue = ss::MakeRGB(0, 0, 255);
  ss::DrawSpotCircles(image, { a, b }, 20.0, { green, blue }, 2.0);
  EXPECT_EQ(image->GetPixel({ { 25, 15 } }), green);
  EXPECT_EQ(image->GetPixel({ { 55, 15 } }), blue);
  EXPECT_EQ(ss::DrawSpotCircles(image, { outside }, 20.0, { green }), 0u);
  EXPECT_THROW(ss::DrawSpotCircles(image, { a, b }, 20.0, { green, blue, green }), ss::InputError);
  EXPECT_THROW(ss::DrawSpotCircles(image, { a }, 0.0, { green }), ss::InputError);
}
