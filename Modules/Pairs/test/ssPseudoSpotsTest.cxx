#include "ssPseudoSpots.h"

#include "ssPairsTestUtilities.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

using sstest::P;

namespace
{
/** Molecules denser on the left, in [0, 900) x [0, 700) µm, 5 genes. */
ss::MoleculeTable Molecules()
{
  auto m = sstest::RandomMolecules(40000, 5, 0, 0, 900, 700, 21);
  for (std::size_t i = 0; i < m.Size(); i += 3)
  {
    m.x[i] *= 0.5f;
  }
  return m;
}

/** Brute force over every lattice centre that can matter: molecules within `radius`. */
std::map<std::pair<long, long>, std::vector<int>> BruteForce(const ss::MoleculeTable & m,
                                                             bool hexagonal,
                                                             double pitch,
                                                             double radius,
                                                             std::size_t & inside)
{
  const double sx = hexagonal ? pitch / 2 : pitch;
  const double sy = hexagonal ? pitch * std::sqrt(3.0) / 2 : pitch;
  std::map<std::pair<long, long>, std::vector<int>> counts; // (col, row) in global lattice indices
  inside = 0;
  for (std::size_t i = 0; i < m.Size(); ++i)
  {
    int hits = 0;
    for (long r = -2; r <= static_cast<long>(800 / sy) + 2; ++r)
    {
      for (long c = -2; c <= static_cast<long>(1000 / sx) + 2; ++c)
      {
        if (hexagonal && ((c + r) % 2 + 2) % 2)
        {
          continue;
        }
        const double dx = m.x[i] - c * sx, dy = m.y[i] - r * sy;
        if (dx * dx + dy * dy <= radius * radius)
        {
          auto & v = counts[{ c, r }];
          v.resize(m.genes.size(), 0);
          ++v[static_cast<std::size_t>(m.gene[i])];
          ++hits;
        }
      }
    }
    EXPECT_LE(hits, 1) << "discs must not overlap";
    inside += static_cast<std::size_t>(hits);
  }
  return counts;
}

/** Checks `d`'s counts against the brute force, matching spots by µm position. */
void ExpectBruteForceCounts(const ss::SpotDataset & d, const ss::MoleculeTable & m, bool hexagonal, double pitch, double radius)
{
  std::size_t inside = 0;
  const auto brute = BruteForce(m, hexagonal, pitch, radius, inside);
  const double sx = hexagonal ? pitch / 2 : pitch;
  const double sy = hexagonal ? pitch * std::sqrt(3.0) / 2 : pitch;
  double total = 0;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    const long c = std::lround(d.spots.positionUm[s][0] / sx);
    const long r = std::lround(d.spots.positionUm[s][1] / sy);
    const auto it = brute.find({ c, r });
    ASSERT_NE(it, brute.end()) << "spot " << d.spots.id[s] << " holds no molecule by brute force";
    for (std::size_t g = 0; g < m.genes.size(); ++g)
    {
      ASSERT_EQ(d.counts.Get(g, s), static_cast<float>(it->second[g])) << d.spots.id[s] << " gene " << g;
      total += d.counts.Get(g, s);
    }
  }
  EXPECT_EQ(d.NumberOfSpots(), brute.size()) << "every disc holding a molecule is a spot";
  EXPECT_EQ(total, static_cast<double>(inside)) << "counts conserved: sum = molecules inside discs";
  EXPECT_GT(inside, m.Size() / 10);
  EXPECT_LT(inside, m.Size());
}
} // namespace

TEST(PseudoSpots, VisiumCountsAreConservedAgainstBruteForce)
{
  const auto m = Molecules();
  const auto d = ss::MakePseudoSpots(m, ss::PseudoSpotParameters::Visium());
  d.Validate();
  EXPECT_EQ(d.platform, "pseudo-visium");
  EXPECT_EQ(d.lattice, ss::SpotLattice::Hexagonal);
  EXPECT_EQ(d.genes, m.genes);
  ExpectBruteForceCounts(d, m, true, 100, 27.5);
}

TEST(PseudoSpots, VisiumGeometry)
{
  const auto m = Molecules();
  const auto d = ss::MakePseudoSpots(m);
  ASSERT_GT(d.NumberOfSpots(), 50u);
  std::map<std::pair<int, int>, std::size_t> at;
  for (std::size_t s = 0; s < d.NumberOfSpots(); ++s)
  {
    EXPECT_EQ((d.spots.arrayCol[s] + d.spots.arrayRow[s]) % 2, 0) << "Visium parity: odd rows hold odd columns";
    EXPECT_EQ(d.spots.id[s], std::to_string(d.spots.arrayCol[s]) + "x" + std::to_string(d.spots.arrayRow[s]));
    EXPECT_EQ(d.spots.inTissue[s], 1);
    at[{ d.spots.arrayCol[s], d.spots.arrayRow[s] }] = s;
  }
  int neighbours = 0;
  for (const auto & kv : at)
  {
    const auto & a = d.spots.positionUm[kv.second];
    // Same row, 2 columns on: 100 µm to the right. Next row, 1 column on: 100 µm away, 60°.
    const auto right = at.find({ kv.first.first + 2, kv.first.second });
    if (right != at.end())
    {
      EXPECT_NEAR(d.spots.positionUm[right->second][0] - a[0], 100.0, 1e-9);
      EXPECT_NEAR(d.spots.positionUm[right->second][1] - a[1], 0.0, 1e-9);
      ++neighbours;
    }
    const auto below = at.find({ kv.first.first + 1, kv.first.second + 1 });
    if (below != at.end())
    {
      EXPECT_NEAR(a.EuclideanDistanceTo(d.spots.positionUm[below->second]), 100.0, 1e-9);
      EXPECT_NEAR(d.spots.positionUm[below->second][0] - a[0], 50.0, 1e-9);
    }
  }
  EXPECT_GT(neighbours, 30);
  ASSERT_TRUE(d.frame.HasArrayGrid());
  EXPECT_NEAR(d.frame.GetArrayColumnStepMicrons(), 50.0, 1e-6);
  EXPECT_NEAR(d.frame.GetArrayRowStepMicrons(), 50.0 * std::sqrt(3.0), 1e-6);
  EXPECT_EQ(d.frame.GetMicronsPerPixel(), 1.0) << "no frame given: pixels are µm";
  // With the H&E's frame, positionPx are that image's pixels.
  const auto frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  const auto e = ss::MakePseudoSpots(m, ss::PseudoSpotParameters::Visium(), &frame);
  EXPECT_NEAR(e.spots.positionPx[3][0], 2 * e.spots.positionUm[3][0], 1e-9);
  const auto u = e.frame.ArrayToMicrons(e.spots.arrayCol[3], e.spots.arrayRow[3]);
  EXPECT_NEAR(u[0], e.spots.positionUm[3][0], 1e-6);
}

TEST(PseudoSpots, LegacySTSquareLattice)
{
  const auto m = Molecules();
  const auto d = ss::MakePseudoSpots(m, ss::PseudoSpotParameters::LegacyST());
  EXPECT_EQ(d.platform, "pseudo-st");
  EXPECT_EQ(d.pitchUm, 200.0);
  EXPECT_EQ(d.spotDiameterUm, 100.0);
  ExpectBruteForceCounts(d, m, false, 200, 50);
  ASSERT_TRUE(d.frame.HasArrayGrid());
  EXPECT_NEAR(d.frame.GetArrayColumnStepMicrons(), 200.0, 1e-6);
  EXPECT_NEAR(d.frame.GetArrayRowStepMicrons(), 200.0, 1e-6);
}

TEST(PseudoSpots, ThresholdAndSpotsOutsideTissue)
{
  // Molecules only in the left half of the box; one stray molecule on the right.
  auto m = sstest::RandomMolecules(3000, 2, 0, 0, 300, 400, 4);
  m.Add(800, 346.41f, 1); // at the centre of lattice site (16, 4)
  auto p = ss::PseudoSpotParameters::Visium();
  const auto all = ss::MakePseudoSpots(m, p);
  p.minMolecules = 2;
  const auto strict = ss::MakePseudoSpots(m, p);
  std::size_t atLeastTwo = 0;
  bool strayInAll = false;
  for (std::size_t s = 0; s < all.NumberOfSpots(); ++s)
  {
    atLeastTwo += all.counts.Get(0, s) + all.counts.Get(1, s) >= 2 ? 1 : 0;
    strayInAll = strayInAll || std::abs(all.spots.positionUm[s][0] - 800) < 1e-6;
  }
  EXPECT_TRUE(strayInAll) << "one molecule makes a spot in tissue by default";
  EXPECT_EQ(strict.NumberOfSpots(), atLeastTwo);
  for (std::size_t s = 0; s < strict.NumberOfSpots(); ++s)
  {
    EXPECT_GT(std::abs(strict.spots.positionUm[s][0] - 800), 1.0) << "the stray molecule's spot is below the threshold";
  }
  p.keepSpotsOutsideTissue = true;
  const auto kept = ss::MakePseudoSpots(m, p);
  std::size_t outside = 0, onRight = 0;
  for (std::size_t s = 0; s < kept.NumberOfSpots(); ++s)
  {
    const double total = kept.counts.Get(0, s) + kept.counts.Get(1, s);
    EXPECT_EQ(kept.spots.inTissue[s], total >= 2 ? 1 : 0);
    outside += kept.spots.inTissue[s] ? 0 : 1;
    onRight += kept.spots.positionUm[s][0] > 500 ? 1 : 0;
  }
  EXPECT_GT(outside, 20u);
  EXPECT_GT(onRight, 10u) << "discs reaching into the bounding box are kept";
  // Conservation holds whatever is kept.
  double sumAll = 0, sumKept = 0;
  for (std::size_t s = 0; s < all.NumberOfSpots(); ++s)
  {
    sumAll += all.counts.Get(0, s) + all.counts.Get(1, s);
  }
  for (std::size_t s = 0; s < kept.NumberOfSpots(); ++s)
  {
    sumKept += kept.counts.Get(0, s) + kept.counts.Get(1, s);
  }
  EXPECT_EQ(sumAll, sumKept);
}

TEST(PseudoSpots, RejectsBadParameters)
{
  const auto m = sstest::RandomMolecules(10, 1, 0, 0, 10, 10, 1);
  auto p = ss::PseudoSpotParameters::Visium();
  p.spotDiameterUm = 120;
  EXPECT_THROW(ss::MakePseudoSpots(m, p), std::invalid_argument);
  p = ss::PseudoSpotParameters::Visium();
  p.lattice = ss::SpotLattice::Irregular;
  EXPECT_THROW(ss::MakePseudoSpots(m, p), std::invalid_argument);
}
