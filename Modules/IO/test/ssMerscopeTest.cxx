#include "ssIOTestUtilities.h"
#include "ssMerscope.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <set>

using ss::test::HasNote;

TEST(Merscope, VizgenMini)
{
  SS_REQUIRE_DATA(path, "vizgen_mini/detected_transcripts.csv.gz");
  const ss::MoleculeTable t = ss::ReadMerscopeTranscripts(path);
  // What the file holds, Blank-* barcodes included (109 of the 559, with 337 molecules).
  EXPECT_EQ(t.Size(), 80343u);
  EXPECT_EQ(t.genes.size(), 559u);
  EXPECT_EQ(t.platform, "merscope");
  EXPECT_TRUE(HasNote(t.notes, "337 molecules of 109 Blank-* barcodes (negative controls) are kept as genes"));
  const ss::BoundingBox b = t.BoundsUm();
  EXPECT_GE(b.minX, 6400.0);
  EXPECT_LE(b.maxX, 6900.1);
  EXPECT_GE(b.minY, 4699.9);
  EXPECT_LE(b.maxY, 5150.1);
  EXPECT_GT(b.Width(), 490.0);
  EXPECT_GT(b.Height(), 440.0);
  // The first molecule of the file, and the two z planes.
  EXPECT_FLOAT_EQ(t.x[0], 6400.037f);
  EXPECT_FLOAT_EQ(t.y[0], 4966.6514f);
  EXPECT_EQ(t.genes[static_cast<std::size_t>(t.gene[0])], "Mlc1");
  ASSERT_EQ(t.z.size(), t.Size());
  EXPECT_EQ(std::set<float>(t.z.begin(), t.z.end()), (std::set<float>{ 0.0f, 1.0f }));

  ss::MerscopeReadOptions drop;
  drop.dropBlankProbes = true;
  const ss::MoleculeTable genesOnly = ss::ReadMerscopeTranscripts(path, drop);
  EXPECT_EQ(genesOnly.Size(), 80343u - 337u);
  EXPECT_EQ(genesOnly.genes.size(), 559u - 109u);
  EXPECT_TRUE(HasNote(genesOnly.notes, "were dropped"));
}

TEST(Merscope, WriteReadRoundTrip)
{
  const std::string dir = ss::test::TestDirectory();
  ss::MoleculeTable t;
  t.genes = { "Gfap", "Blank-7", "Snap25" };
  for (int i = 0; i < 50; ++i)
  {
    t.Add(6400.0f + 0.37f * static_cast<float>(i), 4700.0f + 1.1f * static_cast<float>(i * i % 13), i % 3);
    t.z.push_back(static_cast<float>(i % 7));
  }
  for (const std::string name : { "detected_transcripts.csv", "detected_transcripts.csv.gz" })
  {
    ss::WriteMerscopeTranscripts(dir + "/" + name, t);
    const ss::MoleculeTable r = ss::ReadMerscopeTranscripts(dir + "/" + name);
    EXPECT_EQ(r.genes, t.genes);
    EXPECT_EQ(r.x, t.x);
    EXPECT_EQ(r.y, t.y);
    EXPECT_EQ(r.z, t.z);
    EXPECT_EQ(r.gene, t.gene);
  }
  EXPECT_EQ(ss::ReadWholeFile(dir + "/detected_transcripts.csv").substr(0, 10), ",global_x,");
}

TEST(Merscope, IndexColumnWithoutHeaderNameAndMissingColumns)
{
  const std::string dir = ss::test::TestDirectory();
  // R's write.csv style: rows carry an index the header does not name.
  ss::WriteTextFileAtomically(dir + "/t.csv", "global_x,global_y,gene\n1,10.5,20.5,GeneA\n2,11,21,GeneB\n");
  const ss::MoleculeTable t = ss::ReadMerscopeTranscripts(dir + "/t.csv");
  ASSERT_EQ(t.Size(), 2u);
  EXPECT_FLOAT_EQ(t.x[0], 10.5f);
  EXPECT_FLOAT_EQ(t.y[1], 21.0f);
  EXPECT_EQ(t.genes[1], "GeneB");
  EXPECT_TRUE(t.z.empty());

  ss::WriteTextFileAtomically(dir + "/t.csv", "x,y,gene\n1,2,GeneA\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeTranscripts(dir + "/t.csv"), "column 'global_x'");
  ss::WriteTextFileAtomically(dir + "/t.csv", "global_x,global_y,gene\n1,2,GeneA\n1,2\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeTranscripts(dir + "/t.csv"), "t.csv:3: row: has 2 fields, the header 3");
  // A position beyond float's range (found by ssFuzzMerscopeTranscripts: it became an
  // infinite molecule) or beyond ±1e8 µm is no position.
  for (const char * x : { "1e39", "-2e8" })
  {
    ss::WriteTextFileAtomically(dir + "/t.csv", std::string("global_x,global_y,gene\n1,2,GeneA\n") + x + ",2,GeneB\n");
    SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeTranscripts(dir + "/t.csv"),
                          "t.csv:3: column 'global_x': '" + std::string(x) + "' is not a position");
  }
}
