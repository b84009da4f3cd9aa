#include "ssColormap.h"
#include "ssColormapFunction.h"
#include "ssError.h"
#include "ssIntensityRange.h"

#include "itkImageRegionIteratorWithIndex.h"
#include "itkScalarToRGBColormapImageFilter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace
{
void ExpectRGB(const ss::RGBPixelType & p, int r, int g, int b)
{
  EXPECT_EQ(p[0], r);
  EXPECT_EQ(p[1], g);
  EXPECT_EQ(p[2], b);
}

double Luminance(const ss::RGBPixelType & p)
{
  return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

const double NaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

TEST(Colormap, EndpointsAndCentreAreTheAnchors)
{
  const ss::Colormap viridis(ss::ColormapName::Viridis);
  ExpectRGB(viridis.Map(0), 0x44, 0x01, 0x54);
  ExpectRGB(viridis.Map(0.5), 0x21, 0x91, 0x8c);
  ExpectRGB(viridis.Map(1), 0xfd, 0xe7, 0x25);
  const ss::Colormap magma(ss::ColormapName::Magma);
  ExpectRGB(magma.Map(0), 0x00, 0x00, 0x04);
  ExpectRGB(magma.Map(1), 0xfc, 0xfd, 0xbf);
  const ss::Colormap diverging(ss::ColormapName::Diverging);
  ExpectRGB(diverging.Map(0), 0x05, 0x30, 0x61);
  ExpectRGB(diverging.Map(0.5), 0xf7, 0xf7, 0xf7);
  ExpectRGB(diverging.Map(1), 0x67, 0x00, 0x1f);
}

TEST(Colormap, InterpolatesBetweenAnchorsAndClamps)
{
  const ss::Colormap viridis;
  // Half way between 0x440154 and 0x482475, rounded.
  ExpectRGB(viridis.Map(0.05), 0x46, 0x13, 0x65);
  ExpectRGB(viridis.Map(-3), 0x44, 0x01, 0x54);
  ExpectRGB(viridis.Map(7), 0xfd, 0xe7, 0x25);
  const auto grey = ss::BackgroundGrey();
  EXPECT_EQ(viridis.Map(NaN), grey);
  // No colour of a map is the background grey, so "no data" is never mistaken for a value.
  for (const auto name : { ss::ColormapName::Viridis, ss::ColormapName::Magma, ss::ColormapName::Diverging })
  {
    for (int i = 0; i <= 1000; ++i)
    {
      ASSERT_NE(ss::Colormap(name).Map(i / 1000.0), grey) << ss::ToString(name) << " at " << i / 1000.0;
    }
  }
}

TEST(Colormap, SequentialMapsGetBrighterAndTheDivergingOneIsBlueToRed)
{
  for (const auto name : { ss::ColormapName::Viridis, ss::ColormapName::Magma })
  {
    const ss::Colormap map(name);
    for (int i = 1; i <= 20; ++i)
    {
      EXPECT_GT(Luminance(map.Map(i / 20.0)), Luminance(map.Map((i - 1) / 20.0)))
        << ss::ToString(name) << " step " << i;
    }
  }
  const ss::Colormap diverging(ss::ColormapName::Diverging);
  EXPECT_TRUE(diverging.IsDiverging());
  EXPECT_GT(diverging.Map(0.1)[2], diverging.Map(0.1)[0]);
  EXPECT_GT(diverging.Map(0.9)[0], diverging.Map(0.9)[2]);
  // Lightest at the centre.
  EXPECT_GT(Luminance(diverging.Map(0.5)), Luminance(diverging.Map(0.3)));
  EXPECT_GT(Luminance(diverging.Map(0.5)), Luminance(diverging.Map(0.7)));
}

TEST(Colormap, NamesRoundTrip)
{
  for (const auto name : { ss::ColormapName::Viridis, ss::ColormapName::Magma, ss::ColormapName::Diverging })
  {
    EXPECT_EQ(ss::Colormap::FromString(ss::ToString(name)).GetName(), name);
  }
  EXPECT_THROW(ss::Colormap::FromString("jet"), ss::InputError);
}

TEST(Colormap, WorksInsideITKsColormapFilter)
{
  using MapImage = itk::Image<float, 2>;
  auto ramp = MapImage::New();
  MapImage::RegionType region;
  region.SetSize({ { 11, 3 } });
  ramp->SetRegions(region);
  ramp->Allocate();
  itk::ImageRegionIteratorWithIndex<MapImage> it(ramp, region);
  for (; !it.IsAtEnd(); ++it)
  {
    it.Set(static_cast<float>(10 * it.GetIndex()[0]));
  }
  ramp->SetPixel({ { 5, 2 } }, std::numeric_limits<float>::quiet_NaN());

  auto colormap = ss::ColormapFunction<float>::New();
  colormap->SetColormap(ss::Colormap(ss::ColormapName::Magma));
  using Filter = itk::ScalarToRGBColormapImageFilter<MapImage, ss::RGBImageType>;
  auto filter = Filter::New();
  filter->SetInput(ramp);
  filter->SetColormap(colormap);
  filter->UseInputImageExtremaForScalingOff();
  colormap->SetMinimumInputValue(0);
  colormap->SetMaximumInputValue(100);
  filter->Update();
  const ss::Colormap magma(ss::ColormapName::Magma);
  for (long x = 0; x <= 10; ++x)
  {
    EXPECT_EQ(filter->GetOutput()->GetPixel({ { x, 0 } }), magma.Map(x / 10.0)) << x;
  }
  EXPECT_EQ(filter->GetOutput()->GetPixel({ { 5, 2 } }), ss::BackgroundGrey());
  std::ostringstream os;
  colormap->Print(os);
  EXPECT_NE(os.str().find("Colormap: magma"), std::string::npos) << os.str();
  EXPECT_STREQ(colormap->GetNameOfClass(), "ColormapFunction");
}

TEST(IntensityRange, PercentilesInterpolateLikeNumpy)
{
  std::vector<float> v;
  for (int i = 0; i <= 100; ++i)
  {
    v.push_back(static_cast<float>(100 - i)); // any order
  }
  EXPECT_DOUBLE_EQ(ss::Percentile(v, 1), 1);
  EXPECT_DOUBLE_EQ(ss::Percentile(v, 50), 50);
  EXPECT_DOUBLE_EQ(ss::Percentile(v, 99), 99);
  EXPECT_DOUBLE_EQ(ss::Percentile({ 0, 10, 20, 30, 40 }, 12.5), 5);
  EXPECT_DOUBLE_EQ(ss::Percentile({ 3, NAN, 1, 2 }, 50), 2);
  EXPECT_DOUBLE_EQ(ss::Percentile({ 7 }, 80), 7);
  EXPECT_THROW(ss::Percentile({ NAN, INFINITY }, 50), ss::InputError);
}

TEST(IntensityRange, RobustRangeIgnoresOutliers)
{
  std::vector<float> v;
  for (int i = 0; i < 1000; ++i)
  {
    v.push_back(static_cast<float>(i));
  }
  v.push_back(1e9f);
  const auto r = ss::RobustRange(v);
  EXPECT_NEAR(r.low, 10.0, 1e-6);
  EXPECT_NEAR(r.high, 990.0, 1e-6);
  std::vector<float> signedValues{ -2, -1, 0, 1, 2, 3, 4, 5 };
  const auto s = ss::SymmetricRange(signedValues, 0, 100);
  EXPECT_DOUBLE_EQ(s.low, -5);
  EXPECT_DOUBLE_EQ(s.high, 5);
}

TEST(IntensityRange, NormalizeClampsAndKeepsNaN)
{
  const ss::IntensityRange r{ 2, 6 };
  EXPECT_DOUBLE_EQ(r.Normalize(3), 0.25);
  EXPECT_DOUBLE_EQ(r.Normalize(-10), 0);
  EXPECT_DOUBLE_EQ(r.Normalize(10), 1);
  EXPECT_TRUE(std::isnan(r.Normalize(NaN)));
  EXPECT_DOUBLE_EQ((ss::IntensityRange{ 4, 4 }).Normalize(4), 0.5);
}
