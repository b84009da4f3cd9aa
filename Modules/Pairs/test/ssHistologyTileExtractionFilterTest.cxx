#include "ssHistologyTileExtractionFilter.h"

#include "ssPairsTestUtilities.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkStreamingImageFilter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

using sstest::P;
using Filter = ss::HistologyTileExtractionFilter;

namespace
{
/** An RGB image of w x h pixels at `spacing` µm/px, colour = f(index). */
ss::RGBImageType::Pointer MakeImage(unsigned w,
                                    unsigned h,
                                    double spacing,
                                    const std::function<ss::RGBPixelType(const ss::IndexType &)> & f,
                                    ss::PointType origin = P(0, 0),
                                    double angle = 0)
{
  auto image = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize({ { w, h } });
  image->SetRegions(region);
  itk::Vector<double, 2> s;
  s.Fill(spacing);
  image->SetSpacing(s);
  image->SetOrigin(origin);
  ss::DirectionType d;
  d(0, 0) = std::cos(angle);
  d(0, 1) = -std::sin(angle);
  d(1, 0) = std::sin(angle);
  d(1, 1) = std::cos(angle);
  image->SetDirection(d);
  image->Allocate();
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, region); !it.IsAtEnd(); ++it)
  {
    it.Set(f(it.GetIndex()));
  }
  return image;
}

ss::RGBPixelType RGB(int r, int g, int b)
{
  ss::RGBPixelType p;
  p[0] = static_cast<unsigned char>(r);
  p[1] = static_cast<unsigned char>(g);
  p[2] = static_cast<unsigned char>(b);
  return p;
}

ss::GridGeometry Grid(double spacing, double x0, double y0, unsigned w, unsigned h)
{
  ss::GridGeometry g;
  g.origin = P(x0, y0);
  g.spacing.Fill(spacing);
  g.size[0] = w;
  g.size[1] = h;
  return g;
}

/** Independent box average: every input pixel goes to the output pixel ITK rounds its
 * physical centre to; means rounded; no input centre -> -1 (not checked here). */
std::map<std::pair<long, long>, ss::RGBPixelType> BruteForce(const ss::RGBImageType * input,
                                                             const ss::RGBImageType * output,
                                                             const ss::RegionType & inputRegion)
{
  std::map<std::pair<long, long>, std::array<double, 4>> sums;
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(input, inputRegion); !it.IsAtEnd(); ++it)
  {
    ss::PointType p;
    input->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    ss::IndexType idx;
    if (output->TransformPhysicalPointToIndex(p, idx))
    {
      auto & s = sums[{ idx[0], idx[1] }];
      for (unsigned c = 0; c < 3; ++c)
      {
        s[c] += it.Get()[c];
      }
      s[3] += 1;
    }
  }
  std::map<std::pair<long, long>, ss::RGBPixelType> means;
  for (const auto & kv : sums)
  {
    means[kv.first] = RGB(static_cast<int>(std::round(kv.second[0] / kv.second[3])),
                          static_cast<int>(std::round(kv.second[1] / kv.second[3])),
                          static_cast<int>(std::round(kv.second[2] / kv.second[3])));
  }
  return means;
}

/** Every buffered output pixel holding input centres equals the brute force over
 * `inputRegion` (default: the whole input); returns how many. */
std::size_t ExpectBruteForce(const ss::RGBImageType * input, const ss::RGBImageType * output, ss::RegionType inputRegion = {})
{
  if (inputRegion.GetNumberOfPixels() == 0)
  {
    inputRegion = input->GetLargestPossibleRegion();
  }
  const auto expected = BruteForce(input, output, inputRegion);
  std::size_t checked = 0;
  for (const auto & kv : expected)
  {
    const ss::IndexType idx = { { kv.first.first, kv.first.second } };
    if (!output->GetBufferedRegion().IsInside(idx))
    {
      continue;
    }
    EXPECT_EQ(output->GetPixel(idx), kv.second) << idx;
    ++checked;
  }
  return checked;
}
} // namespace

TEST(HistologyTileExtractionFilter, ConstantColourStaysConstant)
{
  const auto input = MakeImage(200, 160, 0.5, [](const ss::IndexType &) { return RGB(10, 200, 30); });
  auto filter = Filter::New();
  filter->SetInput(input);
  filter->SetHRGrid(Grid(8, 10, 12, 9, 7)); // 8 µm bins well inside the 100 x 80 µm image
  filter->Update();
  const auto * cell = filter->GetCellOutput();
  const auto * tissue = filter->GetTissueOutput();
  EXPECT_EQ(cell->GetLargestPossibleRegion().GetSize(), (ss::SizeType{ { 36, 28 } }));
  EXPECT_EQ(cell->GetSpacing()[0], 2.0);
  EXPECT_EQ(tissue->GetLargestPossibleRegion().GetSize(), (ss::SizeType{ { 3, 2 } }));
  EXPECT_EQ(tissue->GetSpacing()[0], 32.0);
  // Same corner as the HR grid: (10 - 4, 12 - 4) µm.
  EXPECT_DOUBLE_EQ(cell->GetOrigin()[0], 7.0);
  EXPECT_DOUBLE_EQ(tissue->GetOrigin()[1], 24.0);
  filter->GetTissueOutput()->Update();
  for (const ss::RGBImageType * out : { cell, tissue })
  {
    for (itk::ImageRegionConstIterator<ss::RGBImageType> it(out, out->GetLargestPossibleRegion()); !it.IsAtEnd(); ++it)
    {
      ASSERT_EQ(it.Get(), RGB(10, 200, 30));
    }
  }
}

TEST(HistologyTileExtractionFilter, RampGivesTheBoxAverages)
{
  // 1 µm pixels, R = x, G = y (mod 256), B = (x + y) mod 7 · 30.
  const auto input = MakeImage(240, 200, 1.0, [](const ss::IndexType & i) {
    return RGB(static_cast<int>(i[0] % 256), static_cast<int>(i[1] % 256), static_cast<int>((i[0] + i[1]) % 7) * 30);
  });
  auto filter = Filter::New();
  filter->SetInput(input);
  // Cell pixels of 3 x 3 input pixels, edges at half-integers (no input centre on an edge).
  filter->SetHRGrid(Grid(6, 19.5, 29.5, 30, 25));
  filter->SetCellPixelsPerBin(2);
  filter->SetTissueBinsPerPixel(3);
  filter->SetNumberOfWorkUnits(3);
  filter->Update();
  filter->GetTissueOutput()->Update();
  const auto * cell = filter->GetCellOutput();
  // Cell pixel (i, j) covers x in [17 + 3i, 19 + 3i]: mean R = 18 + 3i exactly.
  EXPECT_EQ(cell->GetPixel({ { 5, 7 } })[0], 18 + 15);
  EXPECT_EQ(cell->GetPixel({ { 5, 7 } })[1], 27 + 1 + 21);
  EXPECT_EQ(ExpectBruteForce(input, cell), 60u * 50u);
  EXPECT_GT(ExpectBruteForce(input, filter->GetTissueOutput()), 80u);
  // Tissue pixel 0 covers x in [16.5, 34.5), input columns 17..34: mean R = 25.5 -> 26.
  EXPECT_EQ(filter->GetTissueOutput()->GetPixel({ { 0, 0 } })[0], 26);
}

TEST(HistologyTileExtractionFilter, StreamingAndWorkUnitsDoNotChangeTheOutputs)
{
  const auto input = MakeImage(300, 260, 0.7, [](const ss::IndexType & i) {
    return RGB(static_cast<int>((i[0] * 3) % 256), static_cast<int>((i[1] * 5 + i[0]) % 256), static_cast<int>((i[0] * i[1]) % 251));
  });
  const auto grid = Grid(5, 12, 9, 37, 33);
  auto whole = Filter::New();
  whole->SetInput(input);
  whole->SetHRGrid(grid);
  whole->SetNumberOfWorkUnits(4);
  whole->Update();
  whole->GetTissueOutput()->Update();
  for (unsigned output = 0; output < 2; ++output)
  {
    auto pieces = Filter::New();
    pieces->SetInput(input);
    pieces->SetHRGrid(grid);
    pieces->SetNumberOfWorkUnits(1);
    auto streamer = itk::StreamingImageFilter<ss::RGBImageType, ss::RGBImageType>::New();
    streamer->SetInput(pieces->GetOutput(output));
    streamer->SetNumberOfStreamDivisions(output ? 3 : 8);
    streamer->Update();
    EXPECT_TRUE(sstest::SamePixels<ss::RGBImageType>(streamer->GetOutput(), whole->GetOutput(output))) << "output " << output;
  }
}

TEST(HistologyTileExtractionFilter, SmallRequestsReadSmallInputRegions)
{
  // A "whole slide" of 4000 x 3000 pixels at 0.5 µm; ask for 10 x 10 cell pixels (2 µm).
  const auto input = MakeImage(4000, 3000, 0.5, [](const ss::IndexType & i) { return RGB(static_cast<int>(i[0] % 200), 0, 0); });
  auto filter = Filter::New();
  filter->SetInput(input);
  filter->SetHRGrid(Grid(8, 4.25, 4.25, 240, 180));
  filter->UpdateOutputInformation();
  ss::RegionType request;
  request.SetIndex({ { 400, 300 } });
  request.SetSize({ { 10, 10 } });
  filter->GetCellOutput()->SetRequestedRegion(request);
  filter->GetCellOutput()->Update();
  const auto inputRegion = input->GetRequestedRegion();
  // 10 cell pixels = 20 µm = 40 input pixels, plus the tissue pixels (32 µm) over the same
  // footprint (one column, two rows here) and a 1-pixel margin.
  EXPECT_EQ(inputRegion.GetSize(0), 68u);
  EXPECT_LE(inputRegion.GetSize(1), 132u);
  EXPECT_GE(inputRegion.GetSize(1), 42u);
  // The request's footprint starts at 0.25 + 400 * 2 = 800.25 µm, input pixel 1600.5.
  EXPECT_EQ(inputRegion.GetIndex(0), 1599);
  const auto tissueRequest = filter->GetTissueOutput()->GetRequestedRegion();
  EXPECT_EQ(tissueRequest.GetIndex(0), 25) << "tissue pixel 25 covers 800.25..832.25 µm";
  EXPECT_EQ(tissueRequest.GetSize(0), 1u);
  EXPECT_EQ(tissueRequest.GetSize(1), 2u);
  // And the values there are right (the brute force reads a wider window, to be sure).
  ss::RegionType around = inputRegion;
  around.PadByRadius(20);
  around.Crop(input->GetLargestPossibleRegion());
  EXPECT_EQ(ExpectBruteForce(input, filter->GetCellOutput(), around), 100u);
}

TEST(HistologyTileExtractionFilter, RotatedInputIsMappedThroughItsDirection)
{
  // A colour field linear in µm, sampled by an input rotated by 30 degrees.
  const double angle = 3.14159265358979323846 / 6;
  const ss::PointType origin = P(40, -20);
  auto field = [](const ss::PointType & p) { return RGB(static_cast<int>(std::lround(60 + 0.8 * p[0])), static_cast<int>(std::lround(50 + 0.6 * p[1])), 128); };
  auto input = MakeImage(300, 300, 0.5, [](const ss::IndexType &) { return RGB(0, 0, 0); }, origin, angle);
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(input, input->GetLargestPossibleRegion()); !it.IsAtEnd(); ++it)
  {
    ss::PointType p;
    input->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    it.Set(field(p));
  }
  // The rotated image covers a square of 150 µm side from (40, -20), turned by 30 degrees;
  // this HR grid lies inside it.
  auto filter = Filter::New();
  filter->SetInput(input);
  filter->SetHRGrid(Grid(4, 20, 40, 10, 10));
  filter->SetCellPixelsPerBin(2);
  filter->SetTissueBinsPerPixel(2);
  filter->SetNumberOfWorkUnits(2);
  filter->Update();
  const auto * cell = filter->GetCellOutput();
  EXPECT_GT(ExpectBruteForce(input, cell), 350u);
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(cell, cell->GetLargestPossibleRegion()); !it.IsAtEnd(); ++it)
  {
    ss::PointType p;
    cell->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    // The mean of a linear field over the pixel is its value at the centroid of the input
    // centres inside it, within a pixel of the centre.
    ASSERT_NEAR(it.Get()[0], field(p)[0], 2) << it.GetIndex();
    ASSERT_NEAR(it.Get()[1], field(p)[1], 2) << it.GetIndex();
  }
}

TEST(HistologyTileExtractionFilter, OutsideIsWhiteAndFinerPixelsInterpolate)
{
  // 2 µm input pixels; R = 10 x (a ramp). Cell pixels of 0.5 µm are finer than the input.
  const auto input = MakeImage(50, 40, 2.0, [](const ss::IndexType & i) { return RGB(static_cast<int>(10 + 4 * i[0]), 100, 100); });
  auto filter = Filter::New();
  filter->SetInput(input);
  // x from 79.6 to 119.6 µm: the input ends at 99 µm. Cell edges never meet input centres.
  filter->SetHRGrid(Grid(1, 80.1, 10.1, 40, 10));
  filter->SetCellPixelsPerBin(2);
  filter->SetTissueBinsPerPixel(4);
  filter->Update();
  filter->GetTissueOutput()->Update();
  const auto * cell = filter->GetCellOutput();
  // Far right: outside the input.
  EXPECT_EQ(cell->GetPixel({ { 70, 3 } }), RGB(255, 255, 255));
  EXPECT_EQ(filter->GetTissueOutput()->GetPixel({ { 9, 1 } }), RGB(255, 255, 255));
  // One cell pixel in four holds an input centre (its value); the others interpolate: on a
  // ramp both are the ramp at the pixel centre, within half a step.
  std::size_t interpolated = 0;
  for (itk::IndexValueType i = 0; i < 30; ++i)
  {
    const ss::IndexType idx = { { i, 4 } };
    ss::PointType p;
    cell->TransformIndexToPhysicalPoint(idx, p);
    const double u = p[0] / 2.0;
    if (u < 49)
    {
      EXPECT_NEAR(cell->GetPixel(idx)[0], 10 + 4 * u, 1.01) << idx;
      ++interpolated;
    }
  }
  EXPECT_GT(interpolated, 20u);
}

TEST(HistologyTileExtractionFilter, RequiresAGrid)
{
  auto filter = Filter::New();
  filter->SetInput(MakeImage(4, 4, 1, [](const ss::IndexType &) { return RGB(1, 2, 3); }));
  EXPECT_THROW(filter->Update(), itk::ExceptionObject);
  filter->SetCellPixelsPerBin(0);
  EXPECT_EQ(filter->GetCellPixelsPerBin(), 1u) << "clamped";
  const auto tissue = Filter::TissueGrid(Grid(2, 1, 1, 9, 8), 4);
  EXPECT_EQ(tissue.size[0], 3u);
  EXPECT_EQ(tissue.size[1], 2u);
  EXPECT_DOUBLE_EQ(tissue.origin[0], 4.0);
}
