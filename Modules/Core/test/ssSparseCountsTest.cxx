#include "ssError.h"
#include "ssSpotData.h"

#include <gtest/gtest.h>

#include <cmath>

TEST(SparseCounts, DenseRoundTripAndTotals)
{
  // 3 genes x 2 spots, spot-major.
  const std::vector<float> dense = { 1, 0, 2, 0, 5, 0 };
  const auto c = ss::SparseCounts::FromDense(3, 2, dense);
  EXPECT_EQ(c.GetNumberOfNonZeros(), 3u);
  EXPECT_EQ(c.Get(2, 0), 2.0f);
  EXPECT_EQ(c.Get(1, 0), 0.0f);
  EXPECT_EQ(c.DenseSpotMajor(), dense);
  EXPECT_EQ(c.SpotTotals(), (std::vector<double>{ 3, 5 }));
  EXPECT_EQ(c.GeneTotals(), (std::vector<double>{ 1, 5, 2 }));
  const auto sub = c.SelectGenes({ 2, 1 });
  EXPECT_EQ(sub.DenseSpotMajor(), (std::vector<float>{ 2, 0, 0, 5 }));
  const auto spots = c.SelectSpots({ 1 });
  EXPECT_EQ(spots.GetNumberOfSpots(), 1u);
  EXPECT_EQ(spots.Get(1, 0), 5.0f);
}

TEST(SparseCounts, UnsortedColumnsAreSortedAndBadPointersRefused)
{
  ss::SparseCounts c(3, 1, { 0, 2 }, { 2, 0 }, { 7, 4 });
  EXPECT_EQ(c.Get(0, 0), 4.0f);
  EXPECT_EQ(c.Get(2, 0), 7.0f);
  EXPECT_THROW(ss::SparseCounts(3, 1, { 0, 3 }, { 0, 1 }, { 1, 1 }), std::invalid_argument);
  EXPECT_THROW(ss::SparseCounts(3, 1, { 0, 1 }, { 5 }, { 1 }), std::invalid_argument);
  // A pointer beyond the values before the last one (it read past the row indices: ASan
  // heap-buffer-overflow in the sanitize build).
  EXPECT_THROW(ss::SparseCounts(3, 2, { 0, 10, 3 }, { 0, 1, 2 }, { 1, 1, 1 }), std::invalid_argument);
}

TEST(SparseCounts, InvalidValuesAreNamed)
{
  const std::vector<std::string> genes = { "A", "B" };
  const std::vector<std::string> spots = { "s1", "s2" };
  auto c = ss::SparseCounts::FromDense(2, 2, { 1, 2, 3, -1 });
  EXPECT_NE(c.FindInvalidValue(true, &genes, &spots).find("gene B, spot s2"), std::string::npos);
  c = ss::SparseCounts::FromDense(2, 2, { 1, 2.5f, 3, 1 });
  EXPECT_NE(c.FindInvalidValue(true, &genes, &spots).find("not an integer"), std::string::npos);
  EXPECT_EQ(c.FindInvalidValue(false, &genes, &spots), "");
  c = ss::SparseCounts::FromDense(2, 2, { 1, std::nanf(""), 3, 1 });
  EXPECT_NE(c.FindInvalidValue(false).find("finite"), std::string::npos);
}

TEST(SpotDataset, ValidateNamesDuplicatesAndMissingGenes)
{
  ss::SpotDataset d;
  d.source = "counts.tsv";
  d.genes = { "A", "B" };
  d.spots.id = { "1x1", "1x1" };
  d.counts = ss::SparseCounts::FromDense(2, 2, { 1, 2, 3, 4 });
  try
  {
    d.Validate();
    FAIL() << "duplicate spot ids were accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), "counts.tsv");
    EXPECT_NE(std::string(e.what()).find("1x1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Fix:"), std::string::npos);
  }
  d.spots.id = { "1x1", "2x1" };
  EXPECT_NO_THROW(d.Validate());
  EXPECT_THROW(d.GeneIndices({ "A", "ERBB2" }, "genes.txt"), ss::InputError);
  EXPECT_EQ(d.GeneIndices({ "B", "A" }, "genes.txt"), (std::vector<std::size_t>{ 1, 0 }));
  const auto sub = d.SelectGenes({ 1 });
  EXPECT_EQ(sub.genes, (std::vector<std::string>{ "B" }));
  EXPECT_EQ(sub.counts.Get(0, 1), 4.0f);
}

TEST(InputError, OneLineMessage)
{
  const ss::InputError e("a.csv", "column 'x'", "is missing", "add it");
  EXPECT_EQ(std::string(e.what()), "a.csv: column 'x': is missing. Fix: add it");
  EXPECT_EQ(ss::OneLineMessage(e), "a.csv: column 'x': is missing. Fix: add it");
  const std::runtime_error multi("first line\nbacktrace");
  EXPECT_EQ(ss::OneLineMessage(multi), "first line");
}
