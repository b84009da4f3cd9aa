#include "ssError.h"
#include "ssFiles.h"
#include "ssResultsTable.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <cmath>

namespace
{
const double NaN = ss::NotANumber;

/** Two sections, two methods, PCC over three genes with one undefined. */
ss::ResultsTable MakeTable()
{
  ss::ResultsTable t;
  t.AddGenes("C2", "nearest", "pcc", { "A", "B", "C" }, { 0.4, 0.6, 0.5 });
  t.AddGenes("C3", "nearest", "pcc", { "A", "B", "C" }, { 0.2, NaN, 0.3 });
  t.AddGenes("C2", "bilinear", "pcc", { "A", "B", "C" }, { 0.1, 0.2, 0.3 });
  t.AddGenes("C3", "bilinear", "pcc", { "A", "B", "C" }, { NaN, NaN, NaN });
  t.AddGenes("C2", "nearest", "rmse", { "A", "B", "C" }, { 1.0, 2.0, 3.0 });
  t.SetMetricDescription("pcc", "signed Pearson r across HR spots");
  t.Metadata()["machine"] = "test machine";
  t.Metadata()["threads"] = 2;
  return t;
}
} // namespace

TEST(ResultsTable, MeansOverGenesThenGroupsExcludeNaN)
{
  const auto t = MakeTable();
  EXPECT_EQ(t.GetGroups(), (std::vector<std::string>{ "C2", "C3" }));
  EXPECT_EQ(t.GetMethods(), (std::vector<std::string>{ "nearest", "bilinear" }));
  EXPECT_EQ(t.GetMetrics(), (std::vector<std::string>{ "pcc", "rmse" }));
  EXPECT_EQ(t.GetNumberOfValues(), 15u);
  EXPECT_DOUBLE_EQ(t.Get("C3", "nearest", "pcc", "C"), 0.3);
  EXPECT_TRUE(std::isnan(t.Get("C3", "nearest", "pcc", "B")));
  EXPECT_THROW(t.Get("C4", "nearest", "pcc", "A"), std::out_of_range);

  const auto c3 = t.GroupMean("C3", "nearest", "pcc");
  EXPECT_DOUBLE_EQ(c3.mean, 0.25);
  EXPECT_EQ(c3.used, 2u);
  EXPECT_EQ(c3.excluded, 1u);
  // Mean of the section means (0.5 and 0.25), not of the 5 defined genes (0.4).
  const auto nearest = t.OverallMean("nearest", "pcc");
  EXPECT_DOUBLE_EQ(nearest.mean, 0.375);
  EXPECT_NEAR(nearest.spread, std::sqrt(2 * 0.125 * 0.125), 1e-15);
  EXPECT_EQ(nearest.used, 2u);
  // A section where every gene is undefined is itself excluded and counted.
  const auto bilinear = t.OverallMean("bilinear", "pcc");
  EXPECT_NEAR(bilinear.mean, 0.2, 1e-15);
  EXPECT_EQ(bilinear.used, 1u);
  EXPECT_EQ(bilinear.excluded, 1u);
  // rmse exists for C2 only.
  EXPECT_DOUBLE_EQ(t.OverallMean("nearest", "rmse").mean, 2.0);
  EXPECT_EQ(t.OverallMean("bilinear", "rmse").used + t.OverallMean("bilinear", "rmse").excluded, 0u);
}

TEST(ResultsTable, RefusesDuplicatesAndInfinities)
{
  auto t = MakeTable();
  EXPECT_THROW(t.Add("C2", "nearest", "pcc", "A", 0.1), std::invalid_argument);
  EXPECT_THROW(t.Add("C4", "nearest", "pcc", "A", std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(t.AddGenes("C4", "nearest", "pcc", { "A" }, { 0.1, 0.2 }), std::invalid_argument);
  EXPECT_THROW(t.Add("", "nearest", "pcc", "A", 0.1), std::invalid_argument);
}

TEST(ResultsTable, WholeGroupFiguresUseTheEmptyGene)
{
  // The speed protocol: one time per (area, device), no genes.
  ss::ResultsTable t;
  t.Add("quarter", "cpu", "seconds", "", 12.5);
  t.Add("half", "cpu", "seconds", "", 25.5);
  EXPECT_DOUBLE_EQ(t.GroupMean("half", "cpu", "seconds").mean, 25.5);
  EXPECT_DOUBLE_EQ(t.OverallMean("cpu", "seconds").mean, 19.0);
  EXPECT_NE(t.ToMarkdown("Speed", 1).find("| cpu | 12.5 | 25.5 | 19.0 ± 9.2 |"), std::string::npos);
}

TEST(ResultsTable, JSONRoundTripKeepsValuesNaNAndOrder)
{
  const auto t = MakeTable();
  const auto doc = t.ToJSON();
  EXPECT_EQ(doc["format"], "superspot-results");
  EXPECT_EQ(doc["metadata"]["machine"], "test machine");
  ASSERT_EQ(doc["records"].size(), 5u);
  // Ordered by first-added group, then method, then metric.
  EXPECT_EQ(doc["records"][0]["group"], "C2");
  EXPECT_EQ(doc["records"][0]["method"], "nearest");
  EXPECT_EQ(doc["records"][0]["metric"], "pcc");
  EXPECT_EQ(doc["records"][1]["metric"], "rmse");
  EXPECT_EQ(doc["records"][2]["method"], "bilinear");
  const auto & c3 = doc["records"][3];
  EXPECT_EQ(c3["group"], "C3");
  EXPECT_TRUE(c3["values"][1].is_null());
  EXPECT_DOUBLE_EQ(c3["mean"].get<double>(), 0.25);
  EXPECT_EQ(c3["excluded"], 1);
  EXPECT_DOUBLE_EQ(doc["summary"][0]["mean"].get<double>(), 0.375);
  EXPECT_EQ(doc["summary"][0]["groups_used"], 2);

  const std::string dir = std::string(::testing::TempDir()) + "/results-table";
  ss::CreateDirectories(dir);
  t.WriteJSON(dir + "/results.json");
  const auto back = ss::ResultsTable::FromJSON(ss::ReadJSONFile(dir + "/results.json"), dir + "/results.json");
  EXPECT_EQ(back.GetGroups(), t.GetGroups());
  EXPECT_EQ(back.GetMethods(), t.GetMethods());
  EXPECT_EQ(back.GetMetrics(), t.GetMetrics());
  EXPECT_EQ(back.GetNumberOfValues(), t.GetNumberOfValues());
  EXPECT_TRUE(std::isnan(back.Get("C3", "nearest", "pcc", "B")));
  EXPECT_DOUBLE_EQ(back.Get("C2", "bilinear", "pcc", "C"), 0.3);
  EXPECT_EQ(back.GetMetricDescription("pcc"), "signed Pearson r across HR spots");
  EXPECT_EQ(back.Metadata()["threads"], 2);
  EXPECT_EQ(back.ToJSON(), doc);
}

TEST(ResultsTable, MalformedJSONNamesTheField)
{
  auto doc = MakeTable().ToJSON();
  doc["records"][2]["values"].erase(0);
  try
  {
    ss::ResultsTable::FromJSON(doc, "run/results.json");
    FAIL() << "a short values array was accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), "run/results.json");
    EXPECT_EQ(e.GetField(), "records[2].values");
  }
  auto wrong = MakeTable().ToJSON();
  wrong["format"] = "something-else";
  EXPECT_THROW(ss::ResultsTable::FromJSON(wrong, "x.json"), ss::InputError);
  auto text = MakeTable().ToJSON();
  text["records"][0]["values"][0] = "0.5";
  EXPECT_THROW(ss::ResultsTable::FromJSON(text, "x.json"), ss::InputError);
  auto twice = MakeTable().ToJSON();
  twice["records"][0]["genes"][1] = "A";
  EXPECT_THROW(ss::ResultsTable::FromJSON(twice, "x.json"), ss::InputError);
  EXPECT_THROW(ss::ResultsTable::FromJSON(nlohmann::json{ { "format", "superspot-results" } }, "x.json"),
               ss::InputError);
}

TEST(ResultsTable, MarkdownTables)
{
  const auto t = MakeTable();
  const std::string dir = std::string(::testing::TempDir()) + "/results-table";
  ss::CreateDirectories(dir);
  t.WriteMarkdown(dir + "/results.md", "HER2ST-2x");
  const auto md = ss::ReadWholeFile(dir + "/results.md");
  EXPECT_EQ(md.rfind("# HER2ST-2x\n", 0), 0u);
  EXPECT_NE(md.find("- machine: test machine\n"), std::string::npos);
  EXPECT_NE(md.find("## pcc\n\nsigned Pearson r across HR spots\n"), std::string::npos);
  EXPECT_NE(md.find("| method | C2 | C3 | mean ± sd |\n|---|---:|---:|---:|\n"), std::string::npos);
  EXPECT_NE(md.find("| nearest | 0.500 | 0.250 (2/3) | 0.375 ± 0.177 |\n"), std::string::npos);
  EXPECT_NE(md.find("| bilinear | 0.200 | NaN (0/3) | 0.200 (1/2 groups) |\n"), std::string::npos);
  // rmse has only C2, and no bilinear row.
  EXPECT_NE(md.find("## rmse\n\n| method | C2 | mean ± sd |\n|---|---:|---:|\n| nearest | 2.000 | 2.000 |\n"),
            std::string::npos);
}

TEST(ResultsTable, NumberFormat)
{
  EXPECT_EQ(ss::FormatNumber(0.63949), "0.639");
  EXPECT_EQ(ss::FormatNumber(-0.5, 2), "-0.50");
  EXPECT_EQ(ss::FormatNumber(0.0), "0.000");
  EXPECT_EQ(ss::FormatNumber(1234567.0), "1.235e+06");
  EXPECT_EQ(ss::FormatNumber(0.00012), "1.200e-04");
  EXPECT_EQ(ss::FormatNumber(NaN), "NaN");
}
