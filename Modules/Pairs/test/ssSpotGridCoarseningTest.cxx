#include "ssSpotGridCoarsening.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssPairsTestUtilities.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using sstest::P;

namespace
{
/** 5 x 4 ST array without block (0, 0)'s four spots and without spot (3, 3). */
ss::SpotDataset Array()
{
  std::vector<std::pair<int, int>> positions;
  for (const auto & cr : sstest::FullGrid(5, 4))
  {
    const bool firstBlock = cr.first < 2 && cr.second < 2;
    if (!firstBlock && !(cr.first == 3 && cr.second == 3))
    {
      positions.push_back(cr);
    }
  }
  return sstest::MakeSquareSpots(positions, 3, [](std::size_t g, int c, int r) -> double {
    return g == 0 ? c + 10 * r : g == 1 ? 1 + (c * r) % 3 : 100;
  });
}

std::size_t SpotAt(const ss::SpotDataset & d, int col, int row)
{
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    if (d.spots.arrayCol[s] == col && d.spots.arrayRow[s] == row)
    {
      return s;
    }
  }
  ADD_FAILURE() << "no spot at " << col << "," << row;
  return 0;
}
} // namespace

TEST(SpotGridCoarsening, SquareBlocksSumCountsAndLibraries)
{
  const auto d = Array();
  ASSERT_EQ(d.NumberOfSpots(), 15u);
  const auto c = ss::CoarsenSpotGrid(d, 2);
  c.blocks.Validate();
  EXPECT_EQ(c.factor, 2);
  EXPECT_EQ(c.blocks.platform, "coarsened");
  EXPECT_EQ(c.blocks.pitchUm, 400.0);
  EXPECT_EQ(c.blocks.lattice, ss::SpotLattice::Square);
  // Blocks that exist, ordered by (block row, block col); block (0, 0) has no spot.
  const std::vector<std::string> ids = { "1x0", "2x0", "0x1", "1x1", "2x1" };
  ASSERT_EQ(c.blocks.spots.id, ids);
  EXPECT_EQ(c.spotsPerBlock, (std::vector<std::size_t>{ 4, 2, 4, 3, 2 }));
  // Block 1x1 holds (2,2), (3,2), (2,3): gene 0 = 22 + 23 + 32, gene 1 = 2 + 1 + 1, library + 300.
  EXPECT_EQ(c.blocks.counts.Get(0, 3), 77.0f);
  EXPECT_EQ(c.blocks.counts.Get(1, 3), 4.0f);
  EXPECT_EQ(c.blocks.counts.Get(2, 3), 300.0f);
  EXPECT_DOUBLE_EQ(c.librarySize[3], 77 + 4 + 300);
  // Every spot maps to its (x // 2, y // 2) block; sums and mean positions agree with it.
  std::map<std::size_t, std::vector<std::size_t>> members;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const std::size_t b = c.blockOfSpot[s];
    EXPECT_EQ(c.blocks.spots.arrayCol[b], d.spots.arrayCol[s] / 2);
    EXPECT_EQ(c.blocks.spots.arrayRow[b], d.spots.arrayRow[s] / 2);
    members[b].push_back(s);
  }
  const auto totals = d.counts.SpotTotals();
  for (const auto & kv : members)
  {
    double g0 = 0, library = 0, px = 0, um = 0;
    for (const auto s : kv.second)
    {
      g0 += d.counts.Get(0, s);
      library += totals[s];
      px += d.spots.positionPx[s][1];
      um += d.spots.positionUm[s][0];
    }
    EXPECT_EQ(c.blocks.counts.Get(0, kv.first), g0);
    EXPECT_DOUBLE_EQ(c.librarySize[kv.first], library);
    EXPECT_NEAR(c.blocks.spots.positionPx[kv.first][1], px / kv.second.size(), 1e-9);
    EXPECT_NEAR(c.blocks.spots.positionUm[kv.first][0], um / kv.second.size(), 1e-9);
  }
  // The block lattice: nominal full-block centres, 2 pitches per block, even where blocks are
  // partial (block 2x0 holds column 4 only: its mean lies half a pitch left of its node).
  ASSERT_TRUE(c.blocks.frame.HasArrayGrid());
  EXPECT_NEAR(c.blocks.frame.GetArrayColumnStepMicrons(), 400.0, 1e-6);
  EXPECT_NEAR(c.blocks.frame.GetArrayRowStepMicrons(), 400.0, 1e-6);
  const auto node = c.blocks.frame.ArrayToMicrons(2, 0);
  EXPECT_NEAR(node[0], 1000 + 4.5 * 200, 1e-6);
  EXPECT_NEAR(node[1], 500 + 0.5 * 200, 1e-6);
  EXPECT_NEAR(c.blocks.spots.positionUm[1][0], 1000 + 4 * 200, 1e-6);
  EXPECT_FALSE(d.frame.GetArrayColumnStepMicrons() > 250) << "the input's frame is untouched";
}

TEST(SpotGridCoarsening, GivenLibrarySizesAndFactorOne)
{
  const auto d = Array();
  std::vector<double> library(d.NumberOfSpots(), 1000.0);
  const auto c = ss::CoarsenSpotGrid(d, 2, &library);
  EXPECT_DOUBLE_EQ(c.librarySize[0], 4000.0);
  EXPECT_DOUBLE_EQ(c.librarySize[4], 2000.0);
  const auto same = ss::CoarsenSpotGrid(d, 1);
  ASSERT_EQ(same.blocks.NumberOfSpots(), d.NumberOfSpots());
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const std::size_t b = same.blockOfSpot[s];
    EXPECT_EQ(same.blocks.spots.id[b], d.spots.id[s]);
    EXPECT_EQ(same.blocks.counts.Get(1, b), d.counts.Get(1, s));
  }
  EXPECT_THROW(ss::CoarsenSpotGrid(d, 0), std::invalid_argument);
  auto irregular = d;
  irregular.lattice = ss::SpotLattice::Irregular;
  EXPECT_THROW(ss::CoarsenSpotGrid(irregular, 2), ss::InputError);
}

TEST(SpotGridCoarsening, FloorDivisionOfNegativeArrayCoordinates)
{
  EXPECT_EQ(ss::FloorDivide(-1, 2), -1);
  EXPECT_EQ(ss::FloorDivide(-2, 2), -1);
  EXPECT_EQ(ss::FloorDivide(-3, 2), -2);
  EXPECT_EQ(ss::FloorDivide(5, 3), 1);
  EXPECT_EQ(ss::BlockOfArrayPosition(-1, -3, 2, ss::SpotLattice::Square), std::make_pair(-1, -2));
  const auto d = sstest::MakeSquareSpots({ { -1, -1 }, { 0, -1 }, { -2, 0 }, { 1, 1 } }, 1, [](std::size_t, int c, int) {
    return c + 5.0;
  });
  const auto c = ss::CoarsenSpotGrid(d, 2);
  // (-1,-1) and (-2, 0)... : blocks (-1,-1), (0,-1), (-1,0), (0,0).
  EXPECT_EQ(c.blocks.spots.id, (std::vector<std::string>{ "-1x-1", "0x-1", "-1x0", "0x0" }));
}

TEST(SpotGridCoarsening, VisiumBlocksUseTheOffsetGrid)
{
  // Row r holds columns of r's parity; offset u = col // 2, so k x k blocks hold k
  // consecutive spots in each of k consecutive rows.
  EXPECT_EQ(ss::OffsetCoordinates(5, 1, ss::SpotLattice::Hexagonal), std::make_pair(2, 1));
  EXPECT_EQ(ss::OffsetCoordinates(4, 0, ss::SpotLattice::Hexagonal), std::make_pair(2, 0));
  EXPECT_EQ(ss::BlockOfArrayPosition(7, 3, 2, ss::SpotLattice::Hexagonal), std::make_pair(1, 1));
  const auto d = sstest::MakeHexSpots(sstest::HexGrid(8, 4), 1, [](std::size_t, int c, int r) { return 1.0 + c + 3 * r; });
  ASSERT_EQ(d.NumberOfSpots(), 16u);
  const auto c = ss::CoarsenSpotGrid(d, 2);
  ASSERT_EQ(c.blocks.NumberOfSpots(), 4u);
  EXPECT_EQ(c.spotsPerBlock, (std::vector<std::size_t>{ 4, 4, 4, 4 }));
  // Block 0x0 = (0,0), (2,0), (1,1), (3,1).
  const double expected = (1 + 0) + (1 + 2) + (1 + 1 + 3) + (1 + 3 + 3);
  EXPECT_EQ(c.blocks.counts.Get(0, 0), static_cast<float>(expected));
  EXPECT_EQ(c.blockOfSpot[SpotAt(d, 3, 1)], 0u);
  EXPECT_EQ(c.blockOfSpot[SpotAt(d, 4, 0)], 1u);
  EXPECT_NEAR(c.blocks.spots.positionUm[0][0], 300 + 50 * 1.5, 1e-9);
  EXPECT_NEAR(c.blocks.spots.positionUm[0][1], 200 + 50 * std::sqrt(3.0) / 2, 1e-9);
  EXPECT_EQ(c.blocks.spotDiameterUm, 110.0);
  // Block lattice: 2 spots (200 µm) per block along a row, 2 rows (173.2 µm) per block row.
  const auto node = c.blocks.frame.ArrayToMicrons(1, 1);
  EXPECT_NEAR(node[0], 300 + 50 * 5.5, 1e-6);
  EXPECT_NEAR(node[1], 200 + 50 * std::sqrt(3.0) * 2.5, 1e-6);
  EXPECT_NEAR(c.blocks.frame.GetArrayColumnStepMicrons(), 200.0, 1e-6);
  EXPECT_NEAR(c.blocks.frame.GetArrayRowStepMicrons(), 100 * std::sqrt(3.0), 1e-6);
  EXPECT_EQ(ss::BlockCentreArrayPosition(1, 1, 2, ss::SpotLattice::Hexagonal), P(5.5, 2.5));
  EXPECT_EQ(ss::BlockLatticeCoordinates(5.5, 2.5, 2, ss::SpotLattice::Hexagonal), P(1, 1));
  // Every spot lies within half a block of its own block's node, for any k.
  const auto big = sstest::MakeHexSpots(sstest::HexGrid(21, 13), 1, [](std::size_t, int, int) { return 1.0; });
  for (const int k : { 2, 3, 4 })
  {
    const auto ck = ss::CoarsenSpotGrid(big, k);
    for (std::size_t s = 0; s < big.NumberOfSpots(); ++s)
    {
      const auto b = ss::BlockLatticeCoordinates(big.spots.arrayCol[s], big.spots.arrayRow[s], k, ss::SpotLattice::Hexagonal);
      const std::size_t own = ck.blockOfSpot[s];
      EXPECT_LT(std::abs(b[0] - ck.blocks.spots.arrayCol[own]), 0.5) << k << " " << big.spots.id[s];
      EXPECT_LT(std::abs(b[1] - ck.blocks.spots.arrayRow[own]), 0.5) << k << " " << big.spots.id[s];
    }
  }
}

TEST(SpotGridCoarsening, SpotValuesFromBlocksIsTheNearestBaseline)
{
  const auto d = Array();
  const auto c = ss::CoarsenSpotGrid(d, 2);
  const auto blockValues = ss::NormalizeSpots(c.blocks, { 0, 1 }, ss::ExpressionNormalization::Library(), &c.librarySize);
  const auto perSpot = ss::SpotValuesFromBlocks(c, blockValues, 2);
  ASSERT_EQ(perSpot.size(), 2 * d.NumberOfSpots());
  const std::size_t s = SpotAt(d, 3, 2); // block 1x1: gene 0 = 77 of library 381
  EXPECT_NEAR(perSpot[2 * s], std::log1p(77.0 / 381.0 * 1e4), 1e-4);
  EXPECT_THROW(ss::SpotValuesFromBlocks(c, blockValues, 3), std::invalid_argument);
}
