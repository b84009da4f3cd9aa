#include "ssError.h"
#include "ssFiles.h"
#include "ssMetrics.h"
#include "ssPredictionsFile.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <random>

namespace
{
std::string TestDir()
{
  const std::string dir = std::string(::testing::TempDir()) + "/predictions-file";
  ss::CreateDirectories(dir);
  return dir;
}

ss::SpotPredictions RandomPredictions(std::size_t spots, std::size_t genes, unsigned seed)
{
  std::mt19937 rng(seed);
  std::gamma_distribution<float> g(0.7f, 1.3f);
  ss::SpotPredictions p;
  for (std::size_t s = 0; s < spots; ++s)
  {
    p.spotIds.push_back(std::to_string(s % 17 + 1) + "x" + std::to_string(s / 17 + 2));
  }
  for (std::size_t k = 0; k < genes; ++k)
  {
    p.genes.push_back("GENE" + std::to_string(k));
  }
  for (std::size_t i = 0; i < spots * genes; ++i)
  {
    p.values.push_back(std::log1p(g(rng)));
  }
  return p;
}

void ExpectInputError(const std::string & content, const std::string & field)
{
  const std::string path = TestDir() + "/bad.csv.gz";
  ss::WriteGzipFileAtomically(path, content);
  try
  {
    ss::ReadPredictions(path);
    ADD_FAILURE() << "accepted:\n" << content;
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), field) << e.what();
  }
}
} // namespace

TEST(PredictionsFile, PathFollowsTheBenchmark)
{
  EXPECT_EQ(ss::PredictionsPath("/out", "C5", "nearest"), "/out/predictions/C5_nearest.csv.gz");
  EXPECT_THROW(ss::PredictionsPath("/out", "C5", "../x"), ss::InputError);
  EXPECT_THROW(ss::PredictionsPath("/out", "", "nearest"), ss::InputError);
}

TEST(PredictionsFile, RoundTripIsExactAndMetricsAgree)
{
  const auto p = RandomPredictions(60, 7, 1);
  const std::string path = ss::PredictionsPath(TestDir() + "/run", "C2", "bilinear");
  ss::WritePredictions(path, p); // creates run/predictions/
  // Gzip on disk, header as the benchmark specifies.
  const std::string text = ss::ReadWholeFile(path);
  EXPECT_EQ(text.rfind("spot,GENE0,GENE1,GENE2,GENE3,GENE4,GENE5,GENE6\n1x2,", 0), 0u);
  const auto back = ss::ReadPredictions(path);
  EXPECT_EQ(back.spotIds, p.spotIds);
  EXPECT_EQ(back.genes, p.genes);
  ASSERT_EQ(back.values.size(), p.values.size());
  for (std::size_t i = 0; i < p.values.size(); ++i)
  {
    ASSERT_EQ(back.values[i], p.values[i]) << "value " << i << " did not survive the text round trip";
  }
  // The same metric from the file and from memory, bit for bit.
  const auto truth = RandomPredictions(60, 7, 2).values;
  EXPECT_EQ(ss::PearsonCorrelation(truth, back.values), ss::PearsonCorrelation(truth, p.values));
}

TEST(PredictionsFile, WriterRefusesBrokenPredictions)
{
  auto p = RandomPredictions(3, 2, 3);
  const std::string path = TestDir() + "/refused.csv.gz";
  auto nan = p;
  nan.values[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(ss::WritePredictions(path, nan), std::invalid_argument);
  auto twice = p;
  twice.spotIds[2] = twice.spotIds[0];
  EXPECT_THROW(ss::WritePredictions(path, twice), std::invalid_argument);
  auto shortValues = p;
  shortValues.values.pop_back();
  EXPECT_THROW(ss::WritePredictions(path, shortValues), std::invalid_argument);
  EXPECT_FALSE(ss::FileExists(path));
}

TEST(PredictionsFile, ReadsFilesFromOtherTools)
{
  // pandas-style: quoted header, a gene name with a comma, tab-free CSV, CRLF, no gzip.
  const std::string path = TestDir() + "/peer.csv";
  ss::WriteTextFileAtomically(path, "\"spot\",\"HLA-DRA\",\"A,B\"\r\n\"3x4\",0.5,1e-3\r\n5x6,2,0\r\n");
  const auto p = ss::ReadPredictions(path);
  EXPECT_EQ(p.genes, (std::vector<std::string>{ "HLA-DRA", "A,B" }));
  EXPECT_EQ(p.spotIds, (std::vector<std::string>{ "3x4", "5x6" }));
  EXPECT_EQ(p.values, (std::vector<float>{ 0.5f, 0.001f, 2.f, 0.f }));
  // And our writer quotes such a name so it reads back.
  ss::WritePredictions(TestDir() + "/quoted.csv.gz", p);
  EXPECT_EQ(ss::ReadPredictions(TestDir() + "/quoted.csv.gz").genes, p.genes);
}

TEST(PredictionsFile, MalformedFilesNameTheProblem)
{
  ExpectInputError("barcode,A\n1x1,0.5\n", "header");
  ExpectInputError("spot\n1x1\n", "header");
  ExpectInputError("spot,A,A\n1x1,0.5,0.5\n", "header");
  ExpectInputError("spot,A,B\n1x1,0.5\n", "row");
  ExpectInputError("spot,A\n1x1,0.5\n1x1,0.7\n", "spot");
  ExpectInputError("spot,A\n1x1,NaN\n", "column 'A'");
  ExpectInputError("spot,A\n1x1,high\n", "column 'A'");
  EXPECT_THROW(ss::ReadPredictions(TestDir() + "/missing.csv.gz"), ss::InputError);
}

TEST(PredictionsFile, AlignReordersAndRequiresEverySpotAndGene)
{
  ss::SpotPredictions p;
  p.spotIds = { "1x1", "2x1", "3x1" };
  p.genes = { "A", "B", "C" };
  p.values = { 11, 12, 13, 21, 22, 23, 31, 32, 33 };
  EXPECT_EQ(ss::AlignPredictions(p, { "3x1", "1x1" }, { "C", "A" }, "f.csv.gz"),
            (std::vector<float>{ 33, 31, 13, 11 }));
  EXPECT_THROW(ss::AlignPredictions(p, { "1x1", "9x9" }, { "A" }, "f.csv.gz"), ss::InputError);
  try
  {
    ss::AlignPredictions(p, { "1x1" }, { "A", "D" }, "f.csv.gz");
    FAIL() << "a missing gene was accepted";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), "f.csv.gz");
    EXPECT_NE(std::string(e.what()).find("'D'"), std::string::npos);
  }
}
