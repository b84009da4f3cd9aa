#include "ssPairSet.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssPairsTestUtilities.h"
#include "ssSpotGridCoarsening.h"
#include "ssSpotInterpolation.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using sstest::P;

namespace
{
/** An H&E stand-in: colour ramps in µm, `spacing` µm per pixel from (0, 0). */
ss::RGBImageType::Pointer FakeHE(double widthUm, double heightUm, double spacing)
{
  auto image = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize(
    { { static_cast<itk::SizeValueType>(widthUm / spacing), static_cast<itk::SizeValueType>(heightUm / spacing) } });
  image->SetRegions(region);
  itk::Vector<double, 2> s;
  s.Fill(spacing);
  image->SetSpacing(s);
  image->Allocate();
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, region); !it.IsAtEnd(); ++it)
  {
    const double x = it.GetIndex()[0] * spacing, y = it.GetIndex()[1] * spacing;
    ss::RGBPixelType p;
    p[0] = static_cast<unsigned char>(std::fmod(x, 256.0));
    p[1] = static_cast<unsigned char>(std::fmod(y * 0.5, 256.0));
    p[2] = static_cast<unsigned char>(static_cast<int>(x + y) % 3 * 100);
    it.Set(p);
  }
  return image;
}

/** Molecules of 4 genes in [0, 600) x [0, 500) µm; gene 0 grows towards the right. */
ss::MoleculeTable Molecules()
{
  auto m = sstest::RandomMolecules(30000, 4, 0, 0, 600, 500, 17);
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    if (m.gene[i] == 1 && m.x[i] > 300)
    {
      m.gene[i] = 0;
    }
  }
  return m;
}

double SumOfCounts(const ss::ExpressionImageType * image, const ss::ExpressionNormalization & n, double area)
{
  double total = 0;
  for (itk::ImageRegionConstIterator<ss::ExpressionImageType> it(image, image->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    for (unsigned c = 0; c < image->GetNumberOfComponentsPerPixel(); ++c)
    {
      total += n.ToCount(it.Get()[c], 0, area);
    }
  }
  return total;
}

ss::SpotDataset STSpots()
{
  std::vector<std::pair<int, int>> positions;
  for (const auto & cr : sstest::FullGrid(10, 8))
  {
    // Tissue with holes: block (4, 3) of 2 x 2 is empty; a few single spots missing.
    const bool emptyBlock = cr.first / 2 == 4 && cr.second / 2 == 3;
    if (!emptyBlock && (cr.first * 5 + cr.second * 3) % 13 != 0)
    {
      positions.push_back(cr);
    }
  }
  return sstest::MakeSquareSpots(positions,
                                 3,
                                 [](std::size_t g, int c, int r) -> double {
                                   return g == 0 ? 1 + c * r : g == 1 ? 20 - c : 50 + (c + r) % 4;
                                 });
}

template<typename TImage>
void ExpectIdentical(const TImage * a, const TImage * b, const char * what)
{
  ASSERT_TRUE(a && b) << what;
  EXPECT_TRUE(ss::GridGeometry::FromImage(a).SameAs(ss::GridGeometry::FromImage(b), 0.0)) << what;
  EXPECT_EQ(a->GetNumberOfComponentsPerPixel(), b->GetNumberOfComponentsPerPixel()) << what;
  EXPECT_TRUE(sstest::SamePixels<TImage>(a, b)) << what;
}
} // namespace

TEST(PairSet, MoleculeSlidePair)
{
  const auto m = Molecules();
  const auto he = FakeHE(640, 520, 1.0);
  const std::vector<std::size_t> genes = { 0, 2 };
  const auto pair = ss::MakeMoleculeSlidePair("phantom", m, genes, he);
  EXPECT_EQ(pair.name, "phantom");
  EXPECT_EQ(pair.resolutionUm, 10.0);
  EXPECT_EQ(pair.factor, 10.0);
  EXPECT_EQ(pair.grid.spacing[0], 10.0);
  ASSERT_EQ(pair.hr->GetNumberOfComponentsPerPixel(), 2u);
  // Truth: density-normalized counts of genes 0 and 2, every molecule in a bin.
  std::size_t selected = 0;
  for (const auto g : m.gene)
  {
    selected += (g == 0 || g == 2) ? 1 : 0;
  }
  EXPECT_NEAR(
    SumOfCounts(pair.hr, ss::ExpressionNormalization::Density(), 100), static_cast<double>(selected), 1e-3 * selected);

  // LR: pseudo-Visium spots painted within 50 µm of their centres, density-normalized.
  const auto spots = ss::MakePseudoSpots(m);
  const auto values = ss::NormalizeSpots(spots, genes, ss::ExpressionNormalization::Density());
  std::size_t covered = 0;
  float maxValue = 0;
  for (const auto v : values)
  {
    maxValue = std::max(maxValue, v);
  }
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(pair.lr, pair.lr->GetBufferedRegion());
       !it.IsAtEnd();
       ++it)
  {
    ss::PointType p;
    pair.lr->TransformIndexToPhysicalPoint(it.GetIndex(), p);
    long nearest = -1;
    double best = 50.0 * 50.0;
    for (std::size_t s = 0; s < spots.NumberOfSpots(); ++s)
    {
      const double d = p.SquaredEuclideanDistanceTo(spots.spots.positionUm[s]);
      if (d <= best && (nearest < 0 || d < best))
      {
        nearest = static_cast<long>(s);
        best = d;
      }
    }
    ASSERT_EQ(pair.lrMask->GetPixel(it.GetIndex()), nearest >= 0 ? 1 : 0) << it.GetIndex();
    if (nearest >= 0)
    {
      ASSERT_EQ(it.Get()[1], values[2 * static_cast<std::size_t>(nearest) + 1]);
      ++covered;
    }
    // base is a convex combination of spot values.
    const auto b = pair.base->GetPixel(it.GetIndex());
    ASSERT_GE(b[0], 0.0f);
    ASSERT_LE(b[0], maxValue + 1e-5f);
  }
  EXPECT_GT(covered, pair.grid.GetNumberOfPixels() / 2);
  // Histology on the refined and coarsened grids.
  ASSERT_TRUE(pair.cell && pair.tissue);
  EXPECT_EQ(pair.cell->GetLargestPossibleRegion().GetSize(0), pair.grid.size[0] * 4);
  EXPECT_EQ(pair.cell->GetSpacing()[0], 2.5);
  EXPECT_EQ(pair.tissue->GetLargestPossibleRegion().GetSize(1), (pair.grid.size[1] + 3) / 4);
  EXPECT_EQ(pair.cell->GetBufferedRegion(), pair.cell->GetLargestPossibleRegion());
  EXPECT_EQ(pair.tissue->GetBufferedRegion(), pair.tissue->GetLargestPossibleRegion());
}

TEST(PairSet, SpotSlidePairIsProtocolOne)
{
  const auto spots = STSpots();
  const auto he = FakeHE(3200, 2200, 4.0);
  const std::vector<std::size_t> genes = { 0, 1 };
  const auto pair = ss::MakeSpotSlidePair("C9", spots, genes, he);
  EXPECT_EQ(pair.factor, 2.0);
  EXPECT_NEAR(pair.resolutionUm, 200.0, 1e-6);
  EXPECT_EQ(pair.grid.size[0], 10u);
  EXPECT_EQ(pair.grid.size[1], 8u);
  const auto hrValues = ss::NormalizeSpots(spots, genes, ss::ExpressionNormalization::Library());
  const auto coarse = ss::CoarsenSpotGrid(spots, 2);
  const auto blockValues =
    ss::NormalizeSpots(coarse.blocks, genes, ss::ExpressionNormalization::Library(), &coarse.librarySize);
  const auto nearest = ss::SpotValuesFromBlocks(coarse, blockValues, 2);
  std::size_t holes = 0;
  for (std::size_t s = 0; s < spots.NumberOfSpots(); ++s)
  {
    const ss::IndexType idx = { { spots.spots.arrayCol[s], spots.spots.arrayRow[s] } };
    ASSERT_EQ(pair.hrMask->GetPixel(idx), 1);
    EXPECT_EQ(pair.hr->GetPixel(idx)[0], hrValues[2 * s]);
    ASSERT_EQ(pair.lrMask->GetPixel(idx), 1);
    EXPECT_EQ(pair.lr->GetPixel(idx)[1], nearest[2 * s + 1]) << "each HR spot takes its block's value";
    // The HR pixel sits on its spot.
    ss::PointType p;
    pair.hr->TransformIndexToPhysicalPoint(idx, p);
    EXPECT_LT(p.EuclideanDistanceTo(spots.spots.positionUm[s]), 1e-6);
  }
  for (itk::IndexValueType j = 0; j < 8; ++j)
  {
    for (itk::IndexValueType i = 0; i < 10; ++i)
    {
      const ss::IndexType idx = { { i, j } };
      const bool blockExists = !(i / 2 == 4 && j / 2 == 3);
      EXPECT_EQ(pair.lrMask->GetPixel(idx), blockExists ? 1 : 0) << idx;
      holes += pair.hrMask->GetPixel(idx) ? 0 : 1;
    }
  }
  EXPECT_GT(holes, 4u);
  // base: bilinear between block centres; HR spot (3, 4) lies at block coordinates (1.25, 1.75).
  float corners[4];
  const ss::SpotInterpolator nodes(coarse.blocks, blockValues, 2, ss::InterpolationMethod::Nearest);
  ASSERT_TRUE(nodes.EvaluateAtArray(1, 1, corners) && nodes.EvaluateAtArray(2, 1, corners + 2));
  float lower[4];
  ASSERT_TRUE(nodes.EvaluateAtArray(1, 2, lower) && nodes.EvaluateAtArray(2, 2, lower + 2));
  const double expected =
    0.75 * 0.25 * corners[0] + 0.25 * 0.25 * corners[2] + 0.75 * 0.75 * lower[0] + 0.25 * 0.75 * lower[2];
  EXPECT_NEAR(pair.base->GetPixel({ { 3, 4 } })[0], expected, 1e-5);
  EXPECT_NEAR(pair.cell->GetSpacing()[0], 50.0, 1e-9);
  EXPECT_EQ(pair.tissue->GetLargestPossibleRegion().GetSize(0), 3u);
}

TEST(PairSet, VisiumSpotSlidePairUsesTheDoubledGrid)
{
  const auto spots =
    sstest::MakeHexSpots(sstest::HexGrid(12, 8), 2, [](std::size_t g, int c, int r) { return 1.0 + g + c + r; });
  const auto pair = ss::MakeSpotSlidePair("visium", spots, { 1 }, nullptr);
  EXPECT_NEAR(pair.grid.spacing[0], 50.0, 1e-6);
  EXPECT_NEAR(pair.grid.spacing[1], 50.0 * std::sqrt(3.0), 1e-6);
  EXPECT_FALSE(pair.cell);
  std::size_t spotsSeen = 0;
  for (itk::IndexValueType j = 0; j < 8; ++j)
  {
    for (itk::IndexValueType i = 0; i < 12; ++i)
    {
      const ss::IndexType idx = { { i, j } };
      const bool lattice = (i + j) % 2 == 0;
      EXPECT_EQ(pair.hrMask->GetPixel(idx), lattice ? 1 : 0) << idx;
      EXPECT_EQ(pair.lrMask->GetPixel(idx), lattice ? 1 : 0) << idx;
      spotsSeen += lattice;
    }
  }
  EXPECT_EQ(spotsSeen, spots.NumberOfSpots());
}

TEST(PairSet, PredictionPairOfCoarsenedSpotsIsTheTrainingPairsLRInput)
{
  // Scale consistency made exact: the prediction inputs for factor k made from a slide's k x k
  // blocks are the LR input its training pair was made with, pixel for pixel and at the same place.
  // (A square array: a hexagonal array's blocks form a square lattice of offset coordinates.)
  const auto spots = STSpots();
  const std::vector<std::size_t> genes = { 0, 1 };
  const auto training = ss::MakeSpotSlidePair("train", spots, genes, nullptr);
  const auto coarse = ss::CoarsenSpotGrid(spots, 2);
  const auto prediction = ss::MakeSpotPredictionPair("predict", coarse.blocks, genes, nullptr);
  EXPECT_FALSE(prediction.hr);
  EXPECT_EQ(prediction.factor, 2.0);
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(training.lr, training.grid.GetRegion());
       !it.IsAtEnd();
       ++it)
  {
    const ss::IndexType idx = it.GetIndex();
    ASSERT_TRUE(prediction.grid.GetRegion().IsInside(idx)) << idx;
    ASSERT_EQ(prediction.lrMask->GetPixel(idx), training.lrMask->GetPixel(idx)) << idx;
    ASSERT_EQ(prediction.lr->GetPixel(idx), it.Get()) << idx;
    ASSERT_EQ(prediction.base->GetPixel(idx), training.base->GetPixel(idx)) << idx;
    ss::PointType a, b;
    training.lr->TransformIndexToPhysicalPoint(idx, a);
    prediction.lr->TransformIndexToPhysicalPoint(idx, b);
    ASSERT_LT(a.EuclideanDistanceTo(b), 1e-6 * spots.pitchUm) << idx;
  }
}

TEST(PairSet, VisiumPredictionPairIsAVirtualArrayKTimesFiner)
{
  const auto spots =
    sstest::MakeHexSpots(sstest::HexGrid(12, 8), 1, [](std::size_t, int c, int r) { return 1.0 + c + 13 * r; });
  const auto values = ss::NormalizeSpots(spots, { 0 }, ss::ExpressionNormalization::Library());
  ss::SpotPairParameters p;
  p.factor = 2;
  const auto pair = ss::MakeSpotPredictionPair("visium", spots, { 0 }, nullptr, p);
  EXPECT_NEAR(pair.grid.spacing[0], 25.0, 1e-6);
  EXPECT_NEAR(pair.grid.spacing[1], 25.0 * std::sqrt(3.0), 1e-6);
  EXPECT_EQ(pair.grid.size[0], 24u);
  EXPECT_EQ(pair.grid.size[1], 16u);
  std::size_t covered = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(pair.lr, pair.grid.GetRegion());
       !it.IsAtEnd();
       ++it)
  {
    const ss::IndexType idx = it.GetIndex();
    const bool lattice = (idx[0] + idx[1]) % 2 == 0;
    if (!lattice)
    {
      ASSERT_EQ(pair.lrMask->GetPixel(idx), 0) << idx;
      continue;
    }
    ASSERT_EQ(pair.lrMask->GetPixel(idx), 1) << idx;
    ++covered;
    // A virtual position takes the value of a measured spot less than a pitch away.
    ss::PointType at;
    pair.lr->TransformIndexToPhysicalPoint(idx, at);
    bool found = false;
    for (std::size_t s = 0; s < spots.NumberOfSpots() && !found; ++s)
    {
      found = values[s] == it.Get()[0] && at.EuclideanDistanceTo(spots.spots.positionUm[s]) < spots.pitchUm;
    }
    ASSERT_TRUE(found) << idx;
  }
  EXPECT_EQ(covered, 4 * spots.NumberOfSpots());
}

TEST(PairSet, SaveAndLoadGiveTheSameSet)
{
  ss::PairSet set;
  set.genes = { "M0", "M2" };
  set.normalization = ss::ExpressionNormalization::Density();
  const auto m = Molecules();
  set.slides.push_back(ss::MakeMoleculeSlidePair("with-he", m, { 0, 2 }, FakeHE(640, 520, 1.0)));
  ss::MoleculePairParameters p;
  p.resolutionUm = 20;
  set.slides.push_back(ss::MakeMoleculeSlidePair("without-he", m, { 0, 2 }, nullptr, p));

  const std::string folder = ss::JoinPath(::testing::TempDir(), "superspot-pairset-test");
  std::filesystem::remove_all(folder);
  set.Save(folder);
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(folder, "pairs.json")));
  EXPECT_TRUE(ss::FileExists(ss::JoinPath(folder, "slide0_cell.nrrd")));
  EXPECT_FALSE(ss::FileExists(ss::JoinPath(folder, "slide1_cell.nrrd")));
  EXPECT_THROW(set.Save(folder), ss::InputError) << "a non-empty folder needs overwrite";
  set.Save(folder, true);

  const auto back = ss::PairSet::Load(folder);
  EXPECT_EQ(back.genes, set.genes);
  EXPECT_EQ(back.normalization, set.normalization);
  ASSERT_EQ(back.slides.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i)
  {
    const auto & a = set.slides[i];
    const auto & b = back.slides[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.resolutionUm, b.resolutionUm);
    EXPECT_EQ(a.factor, b.factor);
    EXPECT_EQ(a.cellPixelsPerBin, b.cellPixelsPerBin);
    EXPECT_EQ(a.tissueBinsPerPixel, b.tissueBinsPerPixel);
    EXPECT_TRUE(a.grid.SameAs(b.grid, 0.0));
    ExpectIdentical<ss::ExpressionImageType>(a.hr, b.hr, "hr");
    ExpectIdentical<ss::MaskImageType>(a.hrMask, b.hrMask, "hrMask");
    ExpectIdentical<ss::ExpressionImageType>(a.lr, b.lr, "lr");
    ExpectIdentical<ss::MaskImageType>(a.lrMask, b.lrMask, "lrMask");
    ExpectIdentical<ss::ExpressionImageType>(a.base, b.base, "base");
    EXPECT_EQ(static_cast<bool>(a.cell), static_cast<bool>(b.cell));
    if (a.cell)
    {
      ExpectIdentical<ss::RGBImageType>(a.cell, b.cell, "cell");
      ExpectIdentical<ss::RGBImageType>(a.tissue, b.tissue, "tissue");
    }
  }

  // A manifest that disagrees with its maps, and a folder without one.
  auto manifest = ss::ReadJSONFile(ss::JoinPath(folder, "pairs.json"));
  manifest["genes"] = { "M0", "M2", "M3" };
  ss::WriteJSONFileAtomically(ss::JoinPath(folder, "pairs.json"), manifest);
  try
  {
    ss::PairSet::Load(folder);
    FAIL() << "3 genes for 2-component maps was accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "hr");
    EXPECT_NE(e.GetInputFile().find("slide0_hr.nrrd"), std::string::npos);
  }
  std::filesystem::remove(ss::JoinPath(folder, "pairs.json"));
  EXPECT_THROW(ss::PairSet::Load(folder), ss::InputError);
  std::filesystem::remove_all(folder);

  ss::PairSet wrong = set;
  wrong.genes = { "only-one" };
  EXPECT_THROW(wrong.Save(folder), std::invalid_argument);
}

TEST(PairSet, PatchesAreWindowsOfTheMaps)
{
  const auto m = Molecules();
  const auto pair = ss::MakeMoleculeSlidePair("phantom", m, { 0, 2, 3 }, FakeHE(640, 520, 1.0));
  std::mt19937_64 rng(42);
  ss::PatchOptions options;
  options.tissuePixels = 8;
  const auto patch = ss::SamplePatch(pair, 16, rng, options);
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(patch->genes, 3u);
  EXPECT_EQ(patch->size, 16u);
  EXPECT_EQ(patch->cellSize, 64u);
  EXPECT_EQ(patch->tissueSize, 8u);
  EXPECT_EQ(patch->hr.size(), 3u * 16 * 16);
  EXPECT_EQ(patch->hrMask.size(), 16u * 16);
  EXPECT_EQ(patch->cell.size(), 3u * 64 * 64);
  EXPECT_EQ(patch->tissue.size(), 3u * 8 * 8);
  double valid = 0;
  for (const auto v : patch->hrMask)
  {
    valid += v;
  }
  EXPECT_GE(valid, 0.5 * 256);
  const auto first = patch->hrIndex;
  // (c, y, x) layout against the maps.
  for (const auto & yx : std::vector<std::pair<unsigned, unsigned>>{ { 0, 0 }, { 3, 11 }, { 15, 15 }, { 9, 2 } })
  {
    const ss::IndexType idx = { { first[0] + yx.second, first[1] + yx.first } };
    const std::size_t at = yx.first * 16 + yx.second;
    EXPECT_EQ(patch->hr[2 * 256 + at], pair.hr->GetPixel(idx)[2]);
    EXPECT_EQ(patch->lr[1 * 256 + at], pair.lr->GetPixel(idx)[1]);
    EXPECT_EQ(patch->base[0 * 256 + at], pair.base->GetPixel(idx)[0]);
    EXPECT_EQ(patch->lrMask[at], static_cast<float>(pair.lrMask->GetPixel(idx)));
    // Cell pixels (4 per HR pixel per axis) and RGB in [0, 1].
    const ss::IndexType cellIdx = { { idx[0] * 4 + 1, idx[1] * 4 + 3 } };
    const std::size_t cellAt = (yx.first * 4 + 3) * 64 + yx.second * 4 + 1;
    EXPECT_FLOAT_EQ(patch->cell[2 * 64 * 64 + cellAt], pair.cell->GetPixel(cellIdx)[2] / 255.0f);
  }
  // The tissue window is centred on the patch: its centre (in tissue pixels) = patch centre / 4.
  const double centre = (first[0] + 8) / 4.0;
  EXPECT_NEAR(patch->tissueIndex[0] + 4.0, centre, 0.5);
  for (unsigned y = 0; y < 8; ++y)
  {
    for (unsigned x = 0; x < 8; ++x)
    {
      const ss::IndexType t = { { patch->tissueIndex[0] + x, patch->tissueIndex[1] + y } };
      const float expected =
        pair.tissue->GetLargestPossibleRegion().IsInside(t) ? pair.tissue->GetPixel(t)[0] / 255.0f : 1.0f;
      ASSERT_FLOAT_EQ(patch->tissue[y * 8 + x], expected);
    }
  }
  // Reproducible for a seed.
  std::mt19937_64 again(42);
  EXPECT_EQ(ss::SamplePatch(pair, 16, again, options)->hrIndex, first);

  // Windows reaching outside the grid read as empty and white.
  const auto outside = ss::ExtractPatch(pair, 8, { { -4, -2 } }, options);
  EXPECT_EQ(outside.hr[0], 0.0f);
  EXPECT_EQ(outside.hrMask[0], 0.0f);
  EXPECT_EQ(outside.cell[0], 1.0f);
  EXPECT_EQ(outside.hr[3 * 8 + 5], pair.hr->GetPixel({ { 1, 1 } })[0]);

  // No window qualifies on a slide without tissue.
  ss::SlidePair empty = pair;
  empty.hrMask = ss::MaskImageType::New();
  empty.hrMask->CopyInformation(pair.hrMask);
  empty.hrMask->SetRegions(pair.hrMask->GetLargestPossibleRegion());
  empty.hrMask->Allocate(true);
  EXPECT_FALSE(ss::SamplePatch(empty, 16, rng, options).has_value());
}
