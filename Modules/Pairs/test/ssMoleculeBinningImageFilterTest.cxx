#include "ssMoleculeBinningImageFilter.h"

#include "ssError.h"
#include "ssPairsTestUtilities.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkStreamingImageFilter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using sstest::P;
using Filter = ss::MoleculeBinningImageFilter;

namespace
{
double Sum(const ss::ExpressionImageType * image)
{
  double total = 0;
  itk::ImageRegionConstIterator<ss::ExpressionImageType> it(image, image->GetBufferedRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    for (unsigned c = 0; c < image->GetNumberOfComponentsPerPixel(); ++c)
    {
      total += it.Get()[c];
    }
  }
  return total;
}

/** Brute-force counts per (bin x, bin y, gene) for an axis-aligned grid. */
std::map<std::tuple<long, long, int>, int> BruteCounts(const ss::MoleculeTable & m, const ss::GridGeometry & g)
{
  std::map<std::tuple<long, long, int>, int> counts;
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    const long x = static_cast<long>(std::floor((m.x[i] - g.origin[0]) / g.spacing[0] + 0.5));
    const long y = static_cast<long>(std::floor((m.y[i] - g.origin[1]) / g.spacing[1] + 0.5));
    if (x >= 0 && y >= 0 && x < static_cast<long>(g.size[0]) && y < static_cast<long>(g.size[1]))
    {
      ++counts[{ x, y, m.gene[i] }];
    }
  }
  return counts;
}
} // namespace

TEST(MoleculeBinningImageFilter, CountsAreConservedAndMatchBruteForce)
{
  // Non-uniform: more molecules of gene 0 on the left (a ramp), genes 1, 2 uniform.
  auto m = sstest::RandomMolecules(20000, 3, 13, -7, 413, 293, 5);
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    if (m.gene[i] == 1 && m.x[i] > 200 && (i % 2))
    {
      m.gene[i] = 0;
    }
  }
  auto filter = Filter::New();
  filter->SetMolecules(&m);
  filter->SetBinSizeUm(10);
  filter->SetNumberOfWorkUnits(4);
  filter->Update();
  const auto & g = filter->GetOutputGrid();
  EXPECT_EQ(g.spacing[0], 10.0);
  EXPECT_NEAR(std::fmod(g.origin[0], 10.0), 0.0, 1e-9) << "pixel centres on the global 10 µm lattice";
  EXPECT_EQ(Sum(filter->GetOutput()), 20000.0) << "every molecule lies inside the covering grid";
  const auto brute = BruteCounts(m, g);
  itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(filter->GetOutput(), filter->GetOutput()->GetBufferedRegion());
  for (; !it.IsAtEnd(); ++it)
  {
    for (int gene = 0; gene < 3; ++gene)
    {
      const auto found = brute.find(std::make_tuple(long{ it.GetIndex()[0] }, long{ it.GetIndex()[1] }, gene));
      ASSERT_EQ(it.Get()[gene], found == brute.end() ? 0.0f : static_cast<float>(found->second)) << it.GetIndex();
    }
  }

  // 1 work unit, streamed in 6 pieces, identical counts and mask.
  auto single = Filter::New();
  single->SetMolecules(&m);
  single->SetBinSizeUm(10);
  single->SetNumberOfWorkUnits(1);
  auto streamer = itk::StreamingImageFilter<ss::ExpressionImageType, ss::ExpressionImageType>::New();
  streamer->SetInput(single->GetOutput());
  streamer->SetNumberOfStreamDivisions(6);
  streamer->Update();
  EXPECT_TRUE(sstest::SamePixels<ss::ExpressionImageType>(streamer->GetOutput(), filter->GetOutput()));
  auto maskStreamer = itk::StreamingImageFilter<ss::MaskImageType, ss::MaskImageType>::New();
  maskStreamer->SetInput(single->GetMaskOutput());
  maskStreamer->SetNumberOfStreamDivisions(9);
  maskStreamer->Update();
  EXPECT_TRUE(sstest::SamePixels<ss::MaskImageType>(maskStreamer->GetOutput(), filter->GetMaskOutput()));
}

TEST(MoleculeBinningImageFilter, ExplicitGridCountsOnlyTheMoleculesInsideAndSelectedGenes)
{
  const auto m = sstest::RandomMolecules(5000, 4, 0, 0, 300, 200, 11);
  ss::GridGeometry grid;
  grid.origin = P(52.5, 41);
  grid.spacing[0] = 5;
  grid.spacing[1] = 8;
  grid.size[0] = 20;
  grid.size[1] = 15;
  auto filter = Filter::New();
  filter->SetMolecules(&m);
  filter->SetGenes({ 3, 1 });
  filter->SetOutputGrid(grid);
  filter->Update();
  ASSERT_EQ(filter->GetOutput()->GetNumberOfComponentsPerPixel(), 2u);
  const auto brute = BruteCounts(m, grid);
  double inside = 0;
  for (const auto & kv : brute)
  {
    const int gene = std::get<2>(kv.first);
    if (gene == 3 || gene == 1)
    {
      inside += kv.second;
      const ss::IndexType idx = { { std::get<0>(kv.first), std::get<1>(kv.first) } };
      EXPECT_EQ(filter->GetOutput()->GetPixel(idx)[gene == 3 ? 0 : 1], static_cast<float>(kv.second));
    }
  }
  EXPECT_GT(inside, 100);
  EXPECT_EQ(Sum(filter->GetOutput()), inside);
  filter->SetGenes({ 4 });
  EXPECT_THROW(filter->Update(), itk::ExceptionObject);
}

TEST(MoleculeBinningImageFilter, RotatedGridConservesCounts)
{
  const auto m = sstest::RandomMolecules(3000, 2, 0, 0, 100, 100, 3);
  ss::GridGeometry grid;
  const double a = 0.6;
  grid.direction(0, 0) = std::cos(a);
  grid.direction(0, 1) = -std::sin(a);
  grid.direction(1, 0) = std::sin(a);
  grid.direction(1, 1) = std::cos(a);
  grid.spacing.Fill(4);
  grid.origin = P(50, -30);
  grid.start[0] = -20;
  grid.start[1] = 0;
  grid.size[0] = 45;
  grid.size[1] = 45;
  auto filter = Filter::New();
  filter->SetMolecules(&m);
  filter->SetOutputGrid(grid);
  filter->SetNumberOfWorkUnits(3);
  filter->Update();
  // Independently: ITK's own physical -> index rounding on the output image.
  std::map<std::pair<long, long>, int> expected;
  double inside = 0;
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    ss::IndexType idx;
    if (filter->GetOutput()->TransformPhysicalPointToIndex(P(m.x[i], m.y[i]), idx))
    {
      ++expected[{ idx[0], idx[1] }];
      ++inside;
    }
  }
  EXPECT_GT(inside, 2000);
  EXPECT_EQ(Sum(filter->GetOutput()), inside);
  for (const auto & kv : expected)
  {
    const ss::IndexType idx = { { kv.first.first, kv.first.second } };
    const auto v = filter->GetOutput()->GetPixel(idx);
    EXPECT_EQ(v[0] + v[1], static_cast<float>(kv.second)) << idx;
  }
}

TEST(MoleculeBinningImageFilter, MaskIsOccupancyClosedWithoutErodingTheEdge)
{
  // A filled 10 x 10 bin square touching the grid's left and top edges, with one-bin holes
  // inside at (4, 5) and on the left edge at (0, 7).
  ss::MoleculeTable m;
  m.source = "square";
  m.genes = { "a" };
  for (int y = 0; y < 10; ++y)
  {
    for (int x = 0; x < 10; ++x)
    {
      if (!(x == 4 && y == 5) && !(x == 0 && y == 7))
      {
        m.Add(static_cast<float>(x * 10 + 3), static_cast<float>(y * 10 + 4), 0);
      }
    }
  }
  m.Add(195, 95, 0); // a lone molecule far to the right
  ss::GridGeometry grid;
  grid.spacing.Fill(10);
  grid.origin = P(0, 0);
  grid.size[0] = 25;
  grid.size[1] = 14;
  for (unsigned radius : { 0u, 1u })
  {
    auto filter = Filter::New();
    filter->SetMolecules(&m);
    filter->SetOutputGrid(grid);
    filter->SetMaskClosingRadius(radius);
    filter->SetNumberOfWorkUnits(3);
    filter->Update();
    const auto * mask = filter->GetMaskOutput();
    EXPECT_EQ(mask->GetPixel({ { 4, 5 } }), radius ? 1 : 0) << "the hole is closed with radius 1 only";
    EXPECT_EQ(mask->GetPixel({ { 0, 7 } }), radius ? 1 : 0) << "beyond the edge counts as tissue: the edge hole closes";
    EXPECT_EQ(mask->GetPixel({ { 0, 0 } }), 1);
    EXPECT_EQ(mask->GetPixel({ { 9, 9 } }), 1);
    EXPECT_EQ(mask->GetPixel({ { 10, 5 } }), 0) << "closing adds no bin outside the tissue's outline";
    EXPECT_EQ(mask->GetPixel({ { 20, 10 } }), 1);
    EXPECT_EQ(mask->GetPixel({ { 21, 10 } }), 0);
    EXPECT_EQ(mask->GetPixel({ { 15, 12 } }), 0);
    EXPECT_EQ(filter->GetOutput()->GetPixel({ { 4, 5 } })[0], 0.0f);

    // Streaming a closed mask reads the halo: identical in 4 pieces.
    auto again = Filter::New();
    again->SetMolecules(&m);
    again->SetOutputGrid(grid);
    again->SetMaskClosingRadius(radius);
    auto streamer = itk::StreamingImageFilter<ss::MaskImageType, ss::MaskImageType>::New();
    streamer->SetInput(again->GetMaskOutput());
    streamer->SetNumberOfStreamDivisions(4);
    streamer->Update();
    EXPECT_TRUE(sstest::SamePixels<ss::MaskImageType>(streamer->GetOutput(), mask));
  }
}

TEST(MoleculeBinningImageFilter, RejectsBadTables)
{
  ss::MoleculeTable m;
  m.source = "bad.csv";
  m.genes = { "a" };
  m.Add(1, 1, 2);
  auto filter = Filter::New();
  filter->SetMolecules(&m);
  EXPECT_THROW(filter->Update(), ss::InputError) << "gene index out of range";
  m.gene[0] = 0;
  m.y.push_back(3);
  auto again = Filter::New();
  again->SetMolecules(&m);
  EXPECT_THROW(again->Update(), ss::InputError) << "x and y differ in length";
  auto empty = Filter::New();
  EXPECT_THROW(empty->Update(), itk::ExceptionObject);
}
