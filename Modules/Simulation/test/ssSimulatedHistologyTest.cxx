#include "ssError.h"
#include "ssSimulatedHEImageSource.h"
#include "ssSimulationTestUtilities.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkStreamingImageFilter.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace
{

using sstest::Pearson;
using sstest::Simulate;
using sstest::Square;

std::vector<std::uint8_t> Render(const ss::SimulatedTissue & tissue,
                                 std::int64_t x0,
                                 std::int64_t y0,
                                 std::uint32_t w,
                                 std::uint32_t h,
                                 unsigned int workUnits = 1)
{
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
  tissue.RenderRegion(x0, y0, w, h, rgb.data(), workUnits);
  return rgb;
}

/** 255 minus the mean of R, G, B: how dark (stained) a pixel is. */
double Darkness(const std::uint8_t * p)
{
  return 255.0 - (p[0] + p[1] + p[2]) / 3.0;
}

} // namespace

TEST(SimulatedHistology, TilesAreExactlyPartsOfTheWhole)
{
  const auto tissue = Simulate(Square(400, 4));
  // A region straddling the slide's top-left edge (negative start) and its interior.
  const std::int64_t x0 = -30;
  const std::int64_t y0 = 200;
  const std::uint32_t w = 530;
  const std::uint32_t h = 410;
  const auto whole = Render(*tissue, x0, y0, w, h);
  EXPECT_EQ(Render(*tissue, x0, y0, w, h, 3), whole) << "threads over bands of rows";
  // Uneven tiles, as a pyramidal writer or ITK's streaming would cut them.
  const std::uint32_t cutsX[] = { 0, 1, 217, 333, w };
  const std::uint32_t cutsY[] = { 0, 129, 130, h };
  for (int i = 0; i + 1 < 5; ++i)
  {
    for (int j = 0; j + 1 < 4; ++j)
    {
      const std::uint32_t tw = cutsX[i + 1] - cutsX[i];
      const std::uint32_t th = cutsY[j + 1] - cutsY[j];
      const auto tile = Render(*tissue, x0 + cutsX[i], y0 + cutsY[j], tw, th);
      for (std::uint32_t r = 0; r < th; ++r)
      {
        const auto * expected = &whole[((cutsY[j] + r) * static_cast<std::size_t>(w) + cutsX[i]) * 3];
        ASSERT_TRUE(std::equal(expected, expected + tw * 3, &tile[r * static_cast<std::size_t>(tw) * 3]))
          << "tile " << i << "," << j << " row " << r;
      }
    }
  }
  // Not a constant image: tissue, nuclei and background are all there.
  const auto [lo, hi] = std::minmax_element(whole.begin(), whole.end());
  EXPECT_LT(*lo, 120);
  EXPECT_GT(*hi, 235);
}

TEST(SimulatedHistology, ImageSourceGeometryAndStreaming)
{
  const auto tissue = Simulate(Square(300, 5));
  auto source = ss::SimulatedHEImageSource::New();
  EXPECT_THROW(source->Update(), itk::ExceptionObject) << "no tissue";
  source->SetTissue(tissue);
  source->SetNumberOfWorkUnits(1);
  source->Update();
  ss::RGBImageType::Pointer single = source->GetOutput();
  single->DisconnectPipeline();
  EXPECT_EQ(single->GetLargestPossibleRegion().GetSize(0), 600u);
  EXPECT_EQ(single->GetLargestPossibleRegion().GetSize(1), 600u);
  EXPECT_DOUBLE_EQ(single->GetSpacing()[0], 0.5);
  EXPECT_DOUBLE_EQ(single->GetOrigin()[0], 0);
  EXPECT_DOUBLE_EQ(single->GetOrigin()[1], 0);
  EXPECT_TRUE(single->GetDirection().GetVnlMatrix().is_identity());
  // Pixel (x, y) is centred at (0.5 x, 0.5 y) µm, as the frame says.
  ss::PointType px;
  px[0] = 10;
  px[1] = 20;
  const auto um = tissue->GetFrame().FullResPxToMicrons(px);
  EXPECT_DOUBLE_EQ(um[0], 5);
  EXPECT_DOUBLE_EQ(um[1], 10);

  auto threaded = ss::SimulatedHEImageSource::New();
  threaded->SetTissue(tissue);
  threaded->SetNumberOfWorkUnits(5);
  auto streamer = itk::StreamingImageFilter<ss::RGBImageType, ss::RGBImageType>::New();
  streamer->SetInput(threaded->GetOutput());
  streamer->SetNumberOfStreamDivisions(7);
  streamer->Update();
  const auto * streamed = streamer->GetOutput();
  std::size_t differing = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(single, single->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    differing += it.Get() != streamed->GetPixel(it.GetIndex());
  }
  EXPECT_EQ(differing, 0u);

  // RenderImage(region) is the same pixels, placed in the same physical space.
  ss::RegionType region;
  region.SetIndex(0, 123);
  region.SetIndex(1, 45);
  region.SetSize(0, 77);
  region.SetSize(1, 66);
  const auto part = tissue->RenderImage(region);
  EXPECT_EQ(part->GetBufferedRegion(), region);
  EXPECT_EQ(part->GetOrigin(), single->GetOrigin());
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(part, region); !it.IsAtEnd(); ++it)
  {
    ASSERT_EQ(it.Get(), single->GetPixel(it.GetIndex()));
  }
  std::ostringstream os;
  threaded->Print(os);
  EXPECT_NE(os.str().find("300 x 300 µm"), std::string::npos);
}

TEST(SimulatedHistology, RenderImageRefusesRegionsOffTheSlideOrTooLarge)
{
  auto p = Square(6500);
  p.domains[0].cellDensityPerMm2 = 10; // only the outline matters here; keep it quick
  p.domains[1].cellDensityPerMm2 = 10;
  p.domains[2].cellDensityPerMm2 = 10;
  p.domains[3].cellDensityPerMm2 = 10;
  const auto big = Simulate(p);
  EXPECT_THROW(big->RenderImage(), ss::InputError) << "13000 x 13000 px";
  const auto tissue = Simulate(Square(200));
  ss::RegionType outside;
  outside.SetIndex(0, 350);
  outside.SetIndex(1, 0);
  outside.SetSize(0, 100);
  outside.SetSize(1, 10);
  EXPECT_THROW(tissue->RenderImage(outside), ss::InputError);
  const auto whole = tissue->RenderImage();
  EXPECT_EQ(whole->GetLargestPossibleRegion().GetSize(0), 400u);
}

TEST(SimulatedHistology, BackgroundIsGlassAndTissueIsStained)
{
  const auto tissue = Simulate(Square(400, 6));
  const auto image = Render(*tissue, 0, 0, 800, 800);
  double background = 0;
  double stained = 0;
  std::size_t nb = 0;
  std::size_t ns = 0;
  for (std::uint32_t y = 0; y < 800; y += 3)
  {
    for (std::uint32_t x = 0; x < 800; x += 3)
    {
      const auto * px = &image[(y * 800 + x) * 3];
      const double ux = x * 0.5;
      const double uy = y * 0.5;
      ss::BoundingBox near; // no cell within 40 µm: glass, not a cell overhanging the edge
      near.Add(ux - 40, uy - 40);
      near.Add(ux + 40, uy + 40);
      if (!tissue->IsInTissue(ux, uy) && tissue->CellsInBox(near).empty())
      {
        background += Darkness(px);
        ++nb;
      }
      else if (tissue->IsInTissue(ux, uy))
      {
        stained += Darkness(px);
        ++ns;
        EXPECT_GE(px[0], px[1]) << "H&E absorbs more green than red";
      }
    }
  }
  ASSERT_GT(nb, 100u);
  ASSERT_GT(ns, 1000u);
  EXPECT_LT(background / nb, 14) << "glass is near white";
  EXPECT_GT(stained / ns, 45) << "tissue is stained";
}

TEST(SimulatedHistology, NucleiLookDifferentByType)
{
  const auto tissue = Simulate(Square(800, 7));
  const auto & cells = tissue->GetCells();
  const auto & p = tissue->GetParameters();
  const std::uint32_t side = 1600;
  const auto image = Render(*tissue, 0, 0, side, side);
  // Mean rendered darkness inside each nucleus (a disc of 0.7 × its minor axis), and the
  // dark area around each cell centre: what a pathologist (or a CNN) can see.
  std::vector<double> darkness(p.cellTypes.size(), 0);
  std::vector<double> darkArea(p.cellTypes.size(), 0);
  std::vector<double> n(p.cellTypes.size(), 0);
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    const double r = 0.7 * cells.nucleusMinor[c];
    double sum = 0;
    std::size_t count = 0;
    for (int dy = -8; dy <= 8; ++dy)
    {
      for (int dx = -8; dx <= 8; ++dx)
      {
        const auto px = static_cast<int>(std::lround(cells.nucleusX[c] / 0.5)) + dx;
        const auto py = static_cast<int>(std::lround(cells.nucleusY[c] / 0.5)) + dy;
        if (px < 0 || py < 0 || px >= static_cast<int>(side) || py >= static_cast<int>(side))
        {
          continue;
        }
        const double ux = px * 0.5 - cells.nucleusX[c];
        const double uy = py * 0.5 - cells.nucleusY[c];
        const double d = Darkness(&image[(static_cast<std::size_t>(py) * side + px) * 3]);
        if (ux * ux + uy * uy <= r * r)
        {
          sum += d;
          ++count;
        }
        darkArea[cells.type[c]] += (d > 110) * 0.25; // µm² of dark pixels within ±4 µm
      }
    }
    if (count > 0)
    {
      darkness[cells.type[c]] += sum / count;
      n[cells.type[c]] += 1;
    }
  }
  for (std::size_t t = 0; t < p.cellTypes.size(); ++t)
  {
    ASSERT_GT(n[t], 10) << p.cellTypes[t].name;
    darkness[t] /= n[t];
    darkArea[t] /= n[t];
    std::cout << p.cellTypes[t].name << ": nuclear darkness " << darkness[t] << ", dark area near centre "
              << darkArea[t] << " µm² (" << n[t] << " cells)" << std::endl;
  }
  EXPECT_GT(darkness[2], darkness[0] + 20) << "lymphocytes are darker than tumour nuclei";
  EXPECT_GT(darkness[2], darkness[3] + 20) << "lymphocytes are darker than macrophages";
  EXPECT_GT(darkness[1], darkness[3] + 10) << "fibroblasts are darker than macrophages";
  EXPECT_GT(darkArea[0], 1.5 * darkArea[1]) << "tumour nuclei look larger than fibroblast nuclei";
}

TEST(SimulatedHistology, HistologyCarriesImperfectInformationAboutExpression)
{
  const double size = 800;
  const auto tissue = Simulate(Square(size, 12));
  const std::uint32_t side = static_cast<std::uint32_t>(size / 0.5);
  const auto image = Render(*tissue, 0, 0, side, side);
  const auto molecules = tissue->MakeMolecules();
  const std::size_t G = tissue->GetGeneNames().size();
  const std::size_t bins = static_cast<std::size_t>(size / 20); // 20 µm bins = 40 px

  std::vector<double> darkness(bins * bins, 0);
  for (std::uint32_t y = 0; y < side; ++y)
  {
    for (std::uint32_t x = 0; x < side; ++x)
    {
      darkness[(y / 40) * bins + x / 40] += Darkness(&image[(static_cast<std::size_t>(y) * side + x) * 3]) / 1600.0;
    }
  }
  std::vector<std::vector<double>> expression(G, std::vector<double>(bins * bins, 0));
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const auto i = std::min(bins - 1, static_cast<std::size_t>(molecules.x[m] / 20));
    const auto j = std::min(bins - 1, static_cast<std::size_t>(molecules.y[m] / 20));
    expression[molecules.gene[m]][j * bins + i] += 1;
  }
  // Tissue bins only: background against tissue would correlate with anything.
  std::vector<std::size_t> inside;
  for (std::size_t j = 0; j < bins; ++j)
  {
    for (std::size_t i = 0; i < bins; ++i)
    {
      if (tissue->IsInTissue(i * 20 + 10, j * 20 + 10))
      {
        inside.push_back(j * bins + i);
      }
    }
  }
  std::vector<double> dark;
  for (const auto b : inside)
  {
    dark.push_back(darkness[b]);
  }
  double best = -1;
  double worst = 1;
  std::string bestGene;
  std::size_t informative = 0;
  for (std::size_t g = 0; g < G; ++g)
  {
    std::vector<double> v;
    for (const auto b : inside)
    {
      v.push_back(std::log1p(expression[g][b]));
    }
    const double r = Pearson(dark, v);
    informative += std::abs(r) > 0.2;
    if (r > best)
    {
      best = r;
      bestGene = tissue->GetGeneNames()[g];
    }
    worst = std::min(worst, r);
  }
  std::cout << "per-bin (20 µm) histology darkness vs log1p counts over " << inside.size() << " tissue bins: max r "
            << best << " (" << bestGene << "), min r " << worst << ", " << informative << " of " << G
            << " genes with |r| > 0.2" << std::endl;
  EXPECT_GT(best, 0.4);
  EXPECT_LT(best, 0.95) << "histology should not determine expression";
  EXPECT_GE(informative, 5u);
}

TEST(SimulatedHistology, RendererOutlivesTheTissueHandle)
{
  auto tissue = Simulate(Square(200, 3));
  const auto expected = Render(*tissue, 100, 100, 50, 40);
  const ss::RGBRegionRenderer renderer = tissue->GetRenderer(2);
  tissue.reset();
  std::vector<std::uint8_t> rgb(50 * 40 * 3);
  renderer(100, 100, 50, 40, rgb.data());
  EXPECT_EQ(rgb, expected);
}
