#include "ssIOTestUtilities.h"
#include "ssLegacyST.h"

#include "ssError.h"
#include "ssFiles.h"

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>

using ss::test::HasNote;

namespace
{
std::size_t IndexOf(const std::vector<std::string> & v, const std::string & x)
{
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

struct Section
{
  const char * name;
  std::size_t spots;
  std::size_t genes;
};
} // namespace

TEST(LegacyST, Her2stC3)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  const auto start = std::chrono::steady_clock::now();
  const ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "ReadLegacyST(C3): " << seconds << " s" << std::endl;

  // 180 spots in the counts, 182 in the spot file: the join keeps 180 and reports the 2.
  EXPECT_EQ(ds.NumberOfSpots(), 180u);
  EXPECT_EQ(ds.NumberOfGenes(), 15821u);
  EXPECT_TRUE(
    HasNote(ds.notes, "2 spot(s) of spots.tsv have no counts in counts.tsv.gz and were dropped (13x9, 17x14)"));
  EXPECT_FALSE(HasNote(ds.notes, "are not in spots.tsv"));
  EXPECT_EQ(ds.platform, "st");
  EXPECT_EQ(ds.lattice, ss::SpotLattice::Square);
  EXPECT_EQ(ds.spotDiameterUm, 100);
  EXPECT_EQ(ds.pitchUm, 200);
  // 200 µm / the fitted array step (291.05 px per column, 292.09 px per row).
  EXPECT_NEAR(ds.frame.GetMicronsPerPixel(), 0.68595, 5e-5);
  EXPECT_NEAR(ds.frame.GetArrayColumnStepMicrons(), 200 * 291.048 / 291.567, 0.05);

  const std::size_t s = IndexOf(ds.spots.id, "22x5");
  ASSERT_LT(s, ds.NumberOfSpots());
  EXPECT_DOUBLE_EQ(ds.spots.positionPx[s][0], 6066.06);
  EXPECT_DOUBLE_EQ(ds.spots.positionPx[s][1], 1159.01);
  EXPECT_NEAR(ds.spots.positionUm[s][0], 6066.06 * ds.frame.GetMicronsPerPixel(), 1e-9);
  EXPECT_EQ(ds.spots.arrayCol[s], 22);
  EXPECT_EQ(ds.spots.arrayRow[s], 5);
  EXPECT_EQ(ds.counts.Get(static_cast<std::size_t>(ds.GeneIndex("ERBB2")), s), 6);
  EXPECT_EQ(ds.counts.Get(static_cast<std::size_t>(ds.GeneIndex("ACTB")), s), 7);
  EXPECT_EQ(ds.counts.SpotTotals()[s], 1979);
  EXPECT_EQ(ds.genes.front(), "FO538757.1");
}

TEST(LegacyST, Her2stOtherSections)
{
  for (const Section & section :
       { Section{ "C2", 187, 15706 }, Section{ "C4", 184, 15842 }, Section{ "C5", 181, 15721 } })
  {
    const std::string dir = std::string("her2st/") + section.name;
    SS_REQUIRE_DATA(counts, dir + "/counts.tsv.gz");
    SS_REQUIRE_DATA(spots, dir + "/spots.tsv");
    const ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
    EXPECT_EQ(ds.NumberOfSpots(), section.spots) << section.name;
    EXPECT_EQ(ds.NumberOfGenes(), section.genes) << section.name;
    EXPECT_NEAR(ds.frame.GetMicronsPerPixel(), 0.687, 0.003) << section.name;
  }
}

TEST(LegacyST, WriteReadRoundTrip)
{
  const std::string dir = ss::test::TestDirectory();
  ss::SpotDataset original = ss::test::MakeVisiumLike(4, 5, 0.5);
  // Legacy ST: square grid, 200 µm pitch, 100 µm spots, ids "{x}x{y}".
  original.platform = "st";
  original.lattice = ss::SpotLattice::Square;
  original.pitchUm = 200;
  original.spotDiameterUm = 100;
  for (std::size_t s = 0; s < original.NumberOfSpots(); ++s)
  {
    original.spots.arrayCol[s] = static_cast<int>(s % 5) + 3;
    original.spots.arrayRow[s] = static_cast<int>(s / 5) + 7;
    original.spots.positionPx[s][0] = 100 + original.spots.arrayCol[s] * 400.0 + (s % 3) * 0.25; // 0.5 µm/px
    original.spots.positionPx[s][1] = 50 + original.spots.arrayRow[s] * 400.0;
    original.spots.id[s] =
      std::to_string(original.spots.arrayCol[s]) + "x" + std::to_string(original.spots.arrayRow[s]);
  }
  original.spots.inTissue[3] = 0;
  ss::WriteLegacyST(dir, original);

  const ss::SpotDataset read = ss::ReadLegacyST(dir + "/counts.tsv.gz", dir + "/spots.tsv");
  ASSERT_EQ(read.NumberOfSpots(), original.NumberOfSpots() - 1); // the unselected spot
  EXPECT_TRUE(HasNote(read.notes, "1 spot(s) are not selected (under tissue) in spots.tsv and were dropped (6x7)"));
  EXPECT_EQ(read.genes, original.genes);
  EXPECT_NEAR(read.frame.GetMicronsPerPixel(), 0.5, 5e-4);
  for (std::size_t r = 0; r < read.NumberOfSpots(); ++r)
  {
    const std::size_t s = r < 3 ? r : r + 1;
    EXPECT_EQ(read.spots.id[r], original.spots.id[s]);
    EXPECT_EQ(read.spots.positionPx[r], original.spots.positionPx[s]);
    for (std::size_t g = 0; g < read.NumberOfGenes(); ++g)
    {
      EXPECT_EQ(read.counts.Get(g, r), original.counts.Get(g, s));
    }
  }
  ss::LegacySTReadOptions all;
  all.selectedOnly = false;
  all.micronsPerPixel = 0.55;
  const ss::SpotDataset everything = ss::ReadLegacyST(dir + "/counts.tsv.gz", dir + "/spots.tsv", all);
  EXPECT_EQ(everything.NumberOfSpots(), original.NumberOfSpots());
  EXPECT_DOUBLE_EQ(everything.frame.GetMicronsPerPixel(), 0.55);
}

TEST(LegacyST, DropsOnEitherSideAreReported)
{
  const std::string dir = ss::test::TestDirectory();
  ss::WriteGzipFileAtomically(dir + "/counts.tsv.gz",
                              "\tGeneA\tGeneB\n"
                              "1x1\t3\t0\n"
                              "2x1\t0\t5\n"
                              "9x9\t1\t1\n"
                              "1x2\t2\t2\n");
  ss::WriteTextFileAtomically(dir + "/spots.tsv",
                              "x\ty\tnew_x\tnew_y\tpixel_x\tpixel_y\tselected\n"
                              "1\t1\t1\t1\t100\t100\t1\n"
                              "2\t1\t2\t1\t390\t101\t1\n"
                              "1\t2\t1\t2\t99\t390\t1\n"
                              "2\t2\t2\t2\t391\t389\t1\n");
  const ss::SpotDataset ds = ss::ReadLegacyST(dir + "/counts.tsv.gz", dir + "/spots.tsv");
  EXPECT_EQ(ds.spots.id, (std::vector<std::string>{ "1x1", "2x1", "1x2" }));
  EXPECT_TRUE(HasNote(ds.notes, "1 spot(s) of counts.tsv.gz are not in spots.tsv and were dropped (9x9)"));
  EXPECT_TRUE(HasNote(ds.notes, "1 spot(s) of spots.tsv have no counts in counts.tsv.gz and were dropped (2x2)"));
  EXPECT_EQ(ds.counts.Get(1, 1), 5);
  EXPECT_NEAR(ds.frame.GetMicronsPerPixel(), 200.0 / 290.0, 0.01);
}

TEST(LegacyST, BadTablesAreRefused)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string spots = dir + "/spots.tsv";
  ss::WriteTextFileAtomically(spots,
                              "x\ty\tpixel_x\tpixel_y\tselected\n"
                              "1\t1\t100\t100\t1\n"
                              "2\t1\t390\t101\t1\n"
                              "1\t2\t99\t390\t1\n");
  // Normalized values are not counts.
  ss::WriteGzipFileAtomically(dir + "/counts.tsv.gz", "\tGeneA\n1x1\t0.5\n2x1\t1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "raw, non-negative integers");
  // A genes x spots table.
  ss::WriteGzipFileAtomically(dir + "/counts.tsv.gz", "\t1x1\t2x1\nGeneA\t1\t2\nGeneB\t0\t1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "if genes are rows, transpose it first");
  // A short row.
  ss::WriteGzipFileAtomically(dir + "/counts.tsv.gz", "\tGeneA\tGeneB\n1x1\t1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots),
                        "counts.tsv.gz:2: row: has 2 fields for 2 genes");
  // A spot file without pixel positions.
  ss::WriteTextFileAtomically(spots, "x\ty\n1\t1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "column 'pixel_x'");
  // Array positions beyond any array (found by ssFuzzLegacyST: 6.7e34 was undefined behaviour
  // in the conversion to an integer, and 4294967297 became spot 1 silently).
  for (const char * x : { "6.66667e+34", "4294967297" })
  {
    ss::WriteTextFileAtomically(spots,
                                std::string("x\ty\tpixel_x\tpixel_y\n") + x + "\t1\t100\t100\n2\t1\t390\t101\n1\t2\t99\t390\n");
    SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "spots.tsv:2: column 'x'");
  }
  // Pixel positions that do not follow the array: all the same (a column of zeros) gave
  // 8e16 µm per pixel without a word; a step of 1e-300 px gave the unclear
  // 'microns per pixel must be positive and finite'.
  for (const char * rows : { "1\t1\t5\t5\n2\t1\t5\t5\n1\t2\t5\t5\n", "1\t1\t0\t0\n2\t1\t1e-300\t0\n1\t2\t0\t1e-300\n" })
  {
    ss::WriteTextFileAtomically(spots, std::string("x\ty\tpixel_x\tpixel_y\n") + rows);
    SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "spots.tsv: pixel_x/pixel_y: the array step of");
    SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots), "outside the 0.01 to 100 of any image");
  }
  // A pixel position beyond ±1e8 is none.
  ss::WriteTextFileAtomically(spots, "x\ty\tpixel_x\tpixel_y\n1\t1\t1e300\t100\n2\t1\t390\t101\n1\t2\t99\t390\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadLegacyST(dir + "/counts.tsv.gz", spots),
                        "spots.tsv:2: column 'pixel_x': '1e300' is not a position");
}

TEST(LegacyST, WideTablesParseInLinearTime)
{
  // 20,000 gene columns, like real ST tables: parsing must not be quadratic in the width.
  const std::string dir = ss::test::TestDirectory();
  const std::size_t nGenes = 20000;
  std::string header;
  for (std::size_t g = 0; g < nGenes; ++g)
  {
    header += "\tG" + std::to_string(g);
  }
  std::string text = header + "\n";
  std::string spots = "x\ty\tpixel_x\tpixel_y\n";
  std::size_t nonZeros = 0;
  for (int s = 0; s < 40; ++s)
  {
    const int x = s % 8, y = s / 8;
    text += std::to_string(x) + "x" + std::to_string(y);
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      const bool hit = (g + static_cast<std::size_t>(s)) % 97 == 0;
      nonZeros += hit ? 1 : 0;
      text += hit ? "\t2" : "\t0";
    }
    text += "\n";
    spots += std::to_string(x) + "\t" + std::to_string(y) + "\t" + std::to_string(100 + 300 * x) + "\t" +
             std::to_string(80 + 300 * y) + "\n";
  }
  ss::WriteGzipFileAtomically(dir + "/counts.tsv.gz", text);
  ss::WriteTextFileAtomically(dir + "/spots.tsv", spots);
  const auto start = std::chrono::steady_clock::now();
  const ss::SpotDataset ds = ss::ReadLegacyST(dir + "/counts.tsv.gz", dir + "/spots.tsv");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ds.NumberOfGenes(), nGenes);
  EXPECT_EQ(ds.NumberOfSpots(), 40u);
  EXPECT_EQ(ds.counts.Get(97, 0), 2);
  EXPECT_EQ(ds.counts.Get(96, 1), 2);
  EXPECT_EQ(ds.counts.GetNumberOfNonZeros(), nonZeros);
  // 800,000 fields: a quadratic parse would take minutes; a linear one well under a second.
  EXPECT_LT(seconds, 10.0);
}
