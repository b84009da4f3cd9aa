#include "ssError.h"
#include "ssFiles.h"
#include "ssHer2stProtocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace
{

float V(double count, double library)
{
  return static_cast<float>(std::log1p(count / library * 1e4));
}

/** Seven spots with hand-picked counts of genes G0, G1 and OTHER (OTHER is not in the
 * panel but counts in the library). Blocks (x // 2, y // 2):
 *   (1,3) -> (0,1);  (2,2) (3,2) (2,3) (3,3) -> (1,1);  (4,2) -> (2,1);  (5,5) -> (2,2). */
ss::SpotDataset SmallSection()
{
  ss::SpotDataset ds;
  ds.source = "small/counts.tsv.gz";
  ds.platform = "st";
  ds.genes = { "G0", "OTHER", "G1" };
  ds.spotDiameterUm = 100;
  ds.pitchUm = 200;
  ds.lattice = ss::SpotLattice::Square;
  const std::vector<std::pair<int, int>> xy{ { 2, 2 }, { 3, 2 }, { 2, 3 }, { 3, 3 }, { 4, 2 }, { 5, 5 }, { 1, 3 } };
  const std::vector<std::vector<float>> counts{ { 1, 9, 0 }, { 2, 8, 1 },  { 0, 5, 5 }, { 3, 7, 2 },
                                                { 4, 4, 4 }, { 0, 10, 6 }, { 5, 1, 0 } };
  std::vector<float> dense;
  for (std::size_t s = 0; s < xy.size(); ++s)
  {
    ds.spots.id.push_back(std::to_string(xy[s].first) + "x" + std::to_string(xy[s].second));
    ds.spots.arrayCol.push_back(xy[s].first);
    ds.spots.arrayRow.push_back(xy[s].second);
    ss::PointType px;
    px[0] = 100.0 * xy[s].first;
    px[1] = 100.0 * xy[s].second + 1;
    ds.spots.positionPx.push_back(px);
    ds.spots.positionUm.push_back(ds.frame.FullResPxToMicrons(px));
    ds.spots.inTissue.push_back(1);
    dense.insert(dense.end(), counts[s].begin(), counts[s].end());
  }
  ds.counts = ss::SparseCounts::FromDense(3, xy.size(), dense);
  return ds;
}

/** A random section on a 14 x 12 array with holes, Poisson counts whose rates follow a
 * smooth pattern (so interpolation has something to do), and a gene that is always 0. */
ss::SpotDataset RandomSection(unsigned seed)
{
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  ss::SpotDataset ds;
  ds.source = "random/counts.tsv.gz";
  ds.platform = "st";
  ds.genes = { "A", "B", "C", "ZERO", "BACKGROUND" };
  ds.lattice = ss::SpotLattice::Square;
  std::vector<float> dense;
  for (int y = 3; y < 15; ++y)
  {
    for (int x = 1; x < 15; ++x)
    {
      if (u(rng) < 0.15)
      {
        continue; // a hole
      }
      ds.spots.id.push_back(std::to_string(x) + "x" + std::to_string(y));
      ds.spots.arrayCol.push_back(x);
      ds.spots.arrayRow.push_back(y);
      ds.spots.inTissue.push_back(1);
      const double rates[] = { 2 + 10 * std::sin(0.4 * x) * std::sin(0.4 * x), 1 + 0.5 * y, 3.0 + (x + y) % 4, 0, 200 };
      for (double r : rates)
      {
        dense.push_back(static_cast<float>(std::poisson_distribution<int>(r)(rng)));
      }
    }
  }
  ds.counts = ss::SparseCounts::FromDense(5, ds.spots.id.size(), dense);
  return ds;
}

} // namespace

TEST(Her2stProtocol, TruthAndBlocksByHand)
{
  const auto section = ss::MakeHer2stSection("S", SmallSection(), { "G1", "G0" });
  ASSERT_EQ(section.NumberOfSpots(), 7u);
  ASSERT_EQ(section.NumberOfGenes(), 2u);
  // Truth in panel order, normalized by the library over ALL genes (OTHER included).
  EXPECT_FLOAT_EQ(section.truth[1 * 2 + 0], V(1, 11)); // spot 3x2, G1
  EXPECT_FLOAT_EQ(section.truth[1 * 2 + 1], V(2, 11)); // spot 3x2, G0
  EXPECT_EQ(section.spotX[5], 5);
  EXPECT_EQ(section.spotY[5], 5);

  // Blocks ordered by (block y, block x).
  ASSERT_EQ(section.NumberOfBlocks(), 4u);
  EXPECT_EQ(section.blocks.spots.id, (std::vector<std::string>{ "0x1", "1x1", "2x1", "2x2" }));
  EXPECT_EQ(section.blockOfSpot, (std::vector<std::size_t>{ 1, 1, 1, 1, 2, 3, 0 }));
  // Block 1x1 sums 4 spots: G0 6, G1 8, library 10 + 11 + 10 + 12 = 43.
  EXPECT_DOUBLE_EQ(section.blockLibrarySize[1], 43.0);
  EXPECT_FLOAT_EQ(section.blockValues[1 * 2 + 0], V(8, 43));
  EXPECT_FLOAT_EQ(section.blockValues[1 * 2 + 1], V(6, 43));
  // The LR dataset keeps raw counts of all genes and the mean pixel position.
  EXPECT_EQ(section.blocks.counts.Get(1, 1), 29.f); // OTHER in block 1x1
  EXPECT_EQ(section.blocks.genes.size(), 3u);
  EXPECT_EQ(section.blocks.platform, "coarsened");
  EXPECT_DOUBLE_EQ(section.blocks.spots.positionPx[1][0], 250.0);
  EXPECT_DOUBLE_EQ(section.blocks.spots.positionPx[1][1], 251.0);
  EXPECT_DOUBLE_EQ(section.blocks.spots.positionPx[2][0], 400.0);
  EXPECT_EQ(section.blocks.spots.arrayCol[3], 2);
  EXPECT_EQ(section.blocks.spots.arrayRow[3], 2);
  EXPECT_DOUBLE_EQ(section.blocks.pitchUm, 400.0);
  // The LR frame maps block indices near the blocks' mean positions.
  ASSERT_TRUE(section.blocks.frame.HasArrayGrid());
  EXPECT_NEAR(section.blocks.frame.ArrayToFullResPx(1, 1)[0], 250.0, 60.0);

  // Grid: bounding box of the array positions, x 1..5, y 2..5.
  EXPECT_EQ(section.gridX0, 1);
  EXPECT_EQ(section.gridY0, 2);
  EXPECT_EQ(section.gridWidth, 5u);
  EXPECT_EQ(section.gridHeight, 4u);
  const auto mask = section.GridTissueMask();
  EXPECT_EQ(std::count(mask.begin(), mask.end(), 1), 7);
  EXPECT_EQ(mask[(5 - 2) * 5 + (5 - 1)], 1);
  EXPECT_EQ(mask[(5 - 2) * 5 + (4 - 1)], 0);
  const auto image = section.GridImage(section.truth, 1);
  EXPECT_FLOAT_EQ(image[(3 - 2) * 5 + (1 - 1)], V(5, 6)); // spot 1x3, G0
}

TEST(Her2stProtocol, NearestAndBilinearByHand)
{
  const auto section = ss::MakeHer2stSection("S", SmallSection(), { "G0", "G1" });
  const auto nearest = ss::PredictNearest(section);
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    for (std::size_t g = 0; g < 2; ++g)
    {
      EXPECT_EQ(nearest[s * 2 + g], section.blockValues[section.blockOfSpot[s] * 2 + g]);
    }
  }
  const auto bilinear = ss::PredictBilinear(section);
  auto block = [&](std::size_t b, std::size_t g) { return section.blockValues[b * 2 + g]; };
  for (std::size_t g = 0; g < 2; ++g)
  {
    // 4x2 sits at block coordinates (1.75, 0.75): of its four neighbours only blocks 1x1
    // (weight 0.25 * 0.75) and 2x1 (0.75 * 0.75) exist, renormalized to 1/4 and 3/4.
    EXPECT_NEAR(bilinear[4 * 2 + g], 0.25 * block(1, g) + 0.75 * block(2, g), 1e-6);
    // 5x5 at (2.25, 2.25): only its own block exists.
    EXPECT_NEAR(bilinear[5 * 2 + g], block(3, g), 1e-6);
    // 2x2 at (0.75, 0.75): blocks (0,0), (1,0) are absent; 0x1 weighs 0.25 * 0.75, 1x1 0.75 * 0.75.
    EXPECT_NEAR(bilinear[0 * 2 + g], 0.25 * block(0, g) + 0.75 * block(1, g), 1e-6);
    // 3x3 at (1.25, 1.25): 1x1 (0.75 * 0.75), 2x1 (0.25 * 0.75), 2x2 (0.25 * 0.25); 1x2 is absent.
    EXPECT_NEAR(
      bilinear[3 * 2 + g], (0.5625 * block(1, g) + 0.1875 * block(2, g) + 0.0625 * block(3, g)) / 0.8125, 1e-6);
  }
}

TEST(Her2stProtocol, BilinearIsExactOnALinearField)
{
  // With every neighbour present, block values linear in the block centre give that linear
  // function at every spot: a check of the centre convention (2 b + 0.5).
  auto section = ss::MakeHer2stSection("R", RandomSection(5), { "A" });
  for (std::size_t b = 0; b < section.NumberOfBlocks(); ++b)
  {
    const double cx = 2 * section.blocks.spots.arrayCol[b] + 0.5;
    const double cy = 2 * section.blocks.spots.arrayRow[b] + 0.5;
    section.blockValues[b] = static_cast<float>(0.3 * cx - 0.2 * cy + 1);
  }
  const auto bilinear = ss::PredictBilinear(section);
  std::set<std::pair<int, int>> blocks;
  for (std::size_t b = 0; b < section.NumberOfBlocks(); ++b)
  {
    blocks.insert({ section.blocks.spots.arrayCol[b], section.blocks.spots.arrayRow[b] });
  }
  std::size_t checked = 0;
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    const int x = section.spotX[s], y = section.spotY[s];
    const int u0 = static_cast<int>(std::floor((x - 0.5) / 2)), v0 = static_cast<int>(std::floor((y - 0.5) / 2));
    if (blocks.count({ u0, v0 }) && blocks.count({ u0 + 1, v0 }) && blocks.count({ u0, v0 + 1 }) &&
        blocks.count({ u0 + 1, v0 + 1 }))
    {
      EXPECT_NEAR(bilinear[s], 0.3 * x - 0.2 * y + 1, 1e-5) << section.spotIds[s];
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(Her2stProtocol, BSplineIsExactOnALinearFieldInsideAndNeverNegative)
{
  // A cubic B-spline through linear node values reproduces them away from the filled margin and
  // holes (whose nearest-value fill is not linear; its pull decays by ~0.27 per node through the
  // spline prefilter, hence the tolerance, far below the field's 0.3 per array step, so a wrong
  // block-centre convention would fail). Spots whose 4 x 4 support of blocks all exist are checked.
  auto section = ss::MakeHer2stSection("R", RandomSection(5), { "A" });
  std::set<std::pair<int, int>> blocks;
  for (std::size_t b = 0; b < section.NumberOfBlocks(); ++b)
  {
    const int bx = section.blocks.spots.arrayCol[b], by = section.blocks.spots.arrayRow[b];
    section.blockValues[b] = static_cast<float>(0.3 * (2 * bx + 0.5) - 0.2 * (2 * by + 0.5) + 4);
    blocks.insert({ bx, by });
  }
  const auto bspline = ss::PredictBSpline(section);
  ASSERT_EQ(bspline.size(), section.NumberOfSpots());
  std::size_t checked = 0;
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    const int x = section.spotX[s], y = section.spotY[s];
    const int u0 = static_cast<int>(std::floor((x - 0.5) / 2)), v0 = static_cast<int>(std::floor((y - 0.5) / 2));
    bool inside = true;
    for (int du = -1; du <= 2 && inside; ++du)
    {
      for (int dv = -1; dv <= 2 && inside; ++dv)
      {
        inside = blocks.count({ u0 + du, v0 + dv }) > 0;
      }
    }
    if (inside)
    {
      EXPECT_NEAR(bspline[s], 0.3 * x - 0.2 * y + 4, 0.05) << section.spotIds[s];
      ++checked;
    }
  }
  EXPECT_GT(checked, 5u);

  // Real counts: values stay >= 0 (the cubic's overshoot below 0 is clipped) and follow the
  // blocks (correlated with nearest).
  const auto real = ss::MakeHer2stSection("R", RandomSection(2), { "A", "B" });
  const auto b = ss::PredictBSpline(real);
  EXPECT_TRUE(std::all_of(b.begin(), b.end(), [](float v) { return v >= 0 && std::isfinite(v); }));
  const auto n = ss::PredictNearest(real);
  EXPECT_GT(ss::PearsonCorrelation(real.GeneColumn(n, 0), real.GeneColumn(b, 0)), 0.5);
}

TEST(Her2stProtocol, ScoresOfTheTruthAndOfAConstantGene)
{
  const auto section = ss::MakeHer2stSection("R", RandomSection(1), { "A", "B", "ZERO", "C" });
  ASSERT_GE(section.gridWidth, 7u);
  ASSERT_GE(section.gridHeight, 7u);
  const auto perfect = ss::ScoreHer2stSection(section, section.truth);
  for (std::size_t g : { 0, 1, 3 })
  {
    EXPECT_NEAR(perfect.pcc[g], 1.0, 1e-12);
    EXPECT_EQ(perfect.rmse[g], 0.0);
    EXPECT_NEAR(perfect.ssim[g], 1.0, 1e-12);
  }
  // ZERO is 0 everywhere: PCC and SSIM are undefined, RMSE is not.
  EXPECT_TRUE(std::isnan(perfect.pcc[2]));
  EXPECT_TRUE(std::isnan(perfect.ssim[2]));
  EXPECT_EQ(perfect.rmse[2], 0.0);

  // Baselines are worse than the truth but correlated with it.
  const auto nearest = ss::ScoreHer2stSection(section, ss::PredictNearest(section));
  EXPECT_GT(nearest.pcc[0], 0.3);
  EXPECT_LT(nearest.pcc[0], 1.0);
  EXPECT_GT(nearest.rmse[0], 0.0);
  EXPECT_LT(nearest.ssim[0], 1.0);
  // Scores are those of the metrics on the gene's column and grid image.
  const auto prediction = ss::PredictBilinear(section);
  const auto bilinear = ss::ScoreHer2stSection(section, prediction);
  EXPECT_EQ(bilinear.pcc[1],
            ss::PearsonCorrelation(section.GeneColumn(section.truth, 1), section.GeneColumn(prediction, 1)));
  EXPECT_EQ(bilinear.ssim[3],
            ss::TissueSSIM(section.GridImage(section.truth, 3),
                           section.GridImage(prediction, 3),
                           section.GridTissueMask(),
                           section.gridWidth,
                           section.gridHeight));
  EXPECT_THROW(ss::ScoreHer2stSection(section, std::vector<float>(3)), std::invalid_argument);
}

TEST(Her2stProtocol, MetricsRecomputedFromThePredictionsFileAreTheSame)
{
  const auto section = ss::MakeHer2stSection("C9", RandomSection(2), { "A", "B", "C" });
  const std::string out = std::string(::testing::TempDir()) + "/her2st-run";
  ss::ResultsTable results;
  const auto prediction = ss::PredictBilinear(section);
  const auto scores = ss::EvaluateHer2stMethod(results, section, "bilinear", prediction, out);
  EXPECT_DOUBLE_EQ(results.Get("C9", "bilinear", "pcc", "B"), scores.pcc[1]);
  EXPECT_DOUBLE_EQ(results.Get("C9", "bilinear", "ssim", "C"), scores.ssim[2]);
  EXPECT_EQ(results.GetMetrics(), (std::vector<std::string>{ "pcc", "rmse", "ssim" }));

  // Anyone can recompute the metrics from the file: same numbers, bit for bit.
  const std::string path = out + "/predictions/C9_bilinear.csv.gz";
  const auto file = ss::ReadPredictions(path);
  EXPECT_EQ(file.spotIds, section.spotIds);
  const auto again = ss::ScoreHer2stSection(section, ss::AlignPredictions(file, section.spotIds, section.genes, path));
  EXPECT_EQ(again.pcc, scores.pcc);
  EXPECT_EQ(again.rmse, scores.rmse);
  EXPECT_EQ(again.ssim, scores.ssim);
}

TEST(Her2stProtocol, BadSectionsAreInputErrors)
{
  auto badId = SmallSection();
  badId.spots.id[2] = "AAACAAGTATCTCCCA-1";
  EXPECT_THROW(ss::MakeHer2stSection("S", badId, { "G0" }), ss::InputError);
  auto samePlace = SmallSection();
  samePlace.spots.id[1] = "2x02";
  EXPECT_THROW(ss::MakeHer2stSection("S", samePlace, { "G0" }), ss::InputError);
  auto moved = SmallSection();
  moved.spots.arrayCol[4] = 7; // id 4x2, but array column 7: the coarsening would misplace it
  EXPECT_THROW(ss::MakeHer2stSection("S", moved, { "G0" }), ss::InputError);
  EXPECT_THROW(ss::MakeHer2stSection("S", SmallSection(), { "G0", "NOPE" }), ss::InputError);
  auto empty = SmallSection();
  std::vector<float> dense(7 * 3, 1.f);
  std::fill(dense.begin() + 3, dense.begin() + 6, 0.f); // spot 3x2 has no counts
  empty.counts = ss::SparseCounts::FromDense(3, 7, dense);
  try
  {
    ss::MakeHer2stSection("S", empty, { "G0" });
    FAIL() << "a spot without counts was accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), "small/counts.tsv.gz");
    EXPECT_NE(std::string(e.what()).find("3x2"), std::string::npos);
  }
}

TEST(Her2stProtocol, PanelFile)
{
  const std::string dir = std::string(::testing::TempDir()) + "/her2st-panel";
  ss::CreateDirectories(dir);
  ss::WriteTextFileAtomically(dir + "/panel.txt", "# panel\nERBB2\n\nCD74\n");
  EXPECT_EQ(ss::ReadHer2stPanel(dir + "/panel.txt"), (std::vector<std::string>{ "ERBB2", "CD74" }));
  ss::WriteTextFileAtomically(dir + "/twice.txt", "ERBB2\nCD74\nERBB2\n");
  EXPECT_THROW(ss::ReadHer2stPanel(dir + "/twice.txt"), ss::InputError);
  EXPECT_THROW(ss::ReadHer2stPanel(dir + "/missing.txt"), ss::InputError);
}
