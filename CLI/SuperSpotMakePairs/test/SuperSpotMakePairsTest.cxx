#include "ssCLITestUtilities.h"
#include "ssMakePairs.h"

#include "ssArrayGrid.h"
#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssMerscope.h"
#include "ssSpotImageCheck.h"
#include "ssSpotOverlay.h"
#include "ssSpotTable.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkMultiThreaderBase.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

int SuperSpotMakePairsModuleEntryPoint(int argc, char * argv[]);

using ss::test::ExpectOneLineError;

namespace
{
ss::test::ModuleRun MakePairs(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotMakePairsModuleEntryPoint, "SuperSpotMakePairs", arguments);
}

std::size_t MaskCount(const ss::MaskImageType * mask)
{
  std::size_t n = 0;
  for (itk::ImageRegionConstIterator<ss::MaskImageType> it(mask, mask->GetBufferedRegion()); !it.IsAtEnd(); ++it)
  {
    n += it.Get() ? 1 : 0;
  }
  return n;
}

/** Mean colour of the q x q cell-level pixels of HR pixel `hr`. */
ss::RGBPixelType CellBlockMean(const ss::SlidePair & pair, const ss::IndexType & hr)
{
  const unsigned int q = pair.cellPixelsPerBin;
  const ss::IndexType first = pair.cell->GetLargestPossibleRegion().GetIndex();
  double sum[3] = { 0, 0, 0 };
  for (unsigned int y = 0; y < q; ++y)
  {
    for (unsigned int x = 0; x < q; ++x)
    {
      ss::IndexType i;
      i[0] = first[0] + (hr[0] - pair.grid.start[0]) * q + x;
      i[1] = first[1] + (hr[1] - pair.grid.start[1]) * q + y;
      for (unsigned c = 0; c < 3; ++c)
      {
        sum[c] += pair.cell->GetPixel(i)[c];
      }
    }
  }
  return ss::MakeRGB(static_cast<unsigned char>(std::lround(sum[0] / (q * q))),
                     static_cast<unsigned char>(std::lround(sum[1] / (q * q))),
                     static_cast<unsigned char>(std::lround(sum[2] / (q * q))));
}

/** A spot table of a small Visium-like slide with counts, in `dir`/`name`. */
std::string WriteVisiumLikeTable(const std::string & dir, const std::string & name, int rows = 6, int columns = 7)
{
  ss::CreateDirectories(dir);
  const std::string path = ss::JoinPath(dir, name);
  ss::WriteSpotTable(path, ss::test::MakeVisiumLike(rows, columns, 0.5), true);
  return path;
}
} // namespace

TEST(SuperSpotMakePairs, Her2stC3SelfSupervised)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  SS_REQUIRE_DATA(jpg, "her2st/C3/he.jpg");
  const std::string dir = ss::test::TestDirectory();
  const auto run = MakePairs({ "--stCounts",
                               counts,
                               "--stSpots",
                               spots,
                               "--image",
                               jpg,
                               "--genes",
                               "20",
                               "--output",
                               dir + "/pairs",
                               "--returnparameterfile",
                               dir + "/return.txt" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  const std::string returned = ss::ReadWholeFile(dir + "/return.txt");
  EXPECT_NE(returned.find("numberOfSlides = 1"), std::string::npos) << returned;
  EXPECT_NE(returned.find("numberOfGenes = 20"), std::string::npos) << returned;

  const ss::PairSet set = ss::PairSet::Load(dir + "/pairs");
  const ss::SpotDataset c3 = ss::ReadLegacyST(counts, spots);
  // The benchmark's panel rule on this section alone.
  EXPECT_EQ(set.genes, ss::SelectHighlyVariableGenes(std::vector<const ss::SpotDataset *>{ &c3 }, 20));
  EXPECT_EQ(set.normalization, ss::ExpressionNormalization::Library());
  ASSERT_EQ(set.slides.size(), 1u);
  const ss::SlidePair & pair = set.slides[0];
  EXPECT_EQ(pair.name, "C3");
  EXPECT_EQ(pair.factor, 2.0);
  EXPECT_NEAR(pair.resolutionUm, 200.0, 1.0); // one ST array step
  EXPECT_EQ(MaskCount(pair.hrMask), 180u);
  EXPECT_GT(MaskCount(pair.lrMask), 0u);

  // HR truth at every spot: log1p(count / library × 10⁴) of the counts file.
  const ss::ArrayGrid grid = ss::MakeArrayGrid(c3);
  const std::vector<std::size_t> genes = c3.GeneIndices(set.genes, counts);
  const std::vector<double> library = c3.counts.SpotTotals();
  std::size_t onTissue = 0;
  for (std::size_t s = 0; s < c3.NumberOfSpots(); ++s)
  {
    const ss::IndexType idx = grid.IndexOf(c3.spots.arrayCol[s], c3.spots.arrayRow[s]);
    ASSERT_EQ(pair.hrMask->GetPixel(idx), 1);
    const auto hr = pair.hr->GetPixel(idx);
    for (std::size_t g = 0; g < genes.size(); g += 7)
    {
      EXPECT_NEAR(hr[g], std::log1p(c3.counts.Get(genes[g], s) / library[s] * 1e4), 1e-5);
    }
    onTissue += ss::IsTissueColour(CellBlockMean(pair, idx)) ? 1 : 0;
  }
  // The H&E on the cell grid lies under the spots: nearly all their cell blocks are tissue.
  EXPECT_GE(onTissue, 170u);
  ASSERT_TRUE(pair.cell && pair.tissue);
  EXPECT_TRUE(ss::GridGeometry::FromImage(pair.cell).SameAs(ss::HistologyTileExtractionFilter::CellGrid(pair.grid, 4)));
  EXPECT_EQ(pair.tissue->GetLargestPossibleRegion().GetSize()[0], (pair.grid.size[0] + 3) / 4);
}

TEST(SuperSpotMakePairs, VizgenMiniWithoutAndWithAnImage)
{
  SS_REQUIRE_DATA(transcripts, "vizgen_mini/detected_transcripts.csv.gz");
  SS_REQUIRE_DATA(dapi, "vizgen_mini/dapi_z0.jpg");
  const std::string dir = ss::test::TestDirectory();
  // No image: refused, naming both ways out.
  auto run = MakePairs({ "--merscope", transcripts, "--output", dir + "/pairs" });
  ExpectOneLineError(run, "vizgen_mini: H&E: the slide has no image");
  EXPECT_NE(run.standardError.find("--noHistology"), std::string::npos);
  EXPECT_FALSE(ss::DirectoryExists(dir + "/pairs"));

  run = MakePairs({ "--merscope", transcripts, "--noHistology", "--genes", "30", "--output", dir + "/pairs" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const ss::PairSet set = ss::PairSet::Load(dir + "/pairs");
  ASSERT_EQ(set.genes.size(), 30u);
  for (const auto & g : set.genes)
  {
    EXPECT_FALSE(ss::IsControlProbe(g)) << g;
  }
  EXPECT_EQ(set.normalization, ss::ExpressionNormalization::Density());
  ASSERT_EQ(set.slides.size(), 1u);
  const ss::SlidePair & pair = set.slides[0];
  EXPECT_FALSE(pair.cell);
  EXPECT_EQ(pair.resolutionUm, 10.0);
  EXPECT_EQ(pair.factor, 10.0); // 100 µm pitch / 10 µm bins
  // Density with 10 µm bins is log1p(molecules per 100 µm²) = log1p(count): the bins hold
  // every molecule of each gene.
  const ss::MoleculeTable molecules = ss::ReadMerscopeTranscripts(transcripts);
  const std::vector<std::size_t> perGene = molecules.CountsPerGene();
  std::vector<double> binned(set.genes.size(), 0.0);
  for (itk::ImageRegionConstIterator<ss::ExpressionImageType> it(pair.hr, pair.hr->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    for (std::size_t g = 0; g < binned.size(); ++g)
    {
      binned[g] += std::expm1(static_cast<double>(it.Get()[g]));
    }
  }
  for (std::size_t g = 0; g < binned.size(); ++g)
  {
    const auto expected = static_cast<double>(perGene[static_cast<std::size_t>(molecules.GeneIndex(set.genes[g]))]);
    EXPECT_NEAR(binned[g], expected, 1e-3 * expected) << set.genes[g];
  }

  // With the DAPI placed by its transform: cell and tissue maps, brighter where molecules are.
  const std::vector<std::string> withDAPI{ "--merscope",
                                           transcripts,
                                           "--image",
                                           dapi,
                                           "--alignment",
                                           std::string(SUPERSPOT_SOURCE_DIR) +
                                             "/Documentation/examples/vizgen_mini/micron_to_mosaic_pixel_transform.csv",
                                           "--geneList",
                                           dir + "/genes.txt",
                                           "--output",
                                           dir + "/pairs",
                                           "--overwrite" };
  ExpectOneLineError(MakePairs(withDAPI), "genes.txt: --geneList: file not found");
  ss::WriteTextFileAtomically(dir + "/genes.txt", "# two genes\n" + set.genes[0] + "\n" + set.genes[1] + "\n");
  run = MakePairs(withDAPI);
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const ss::PairSet withImage = ss::PairSet::Load(dir + "/pairs");
  EXPECT_EQ(withImage.genes, std::vector<std::string>({ set.genes[0], set.genes[1] }));
  const ss::SlidePair & p = withImage.slides[0];
  ASSERT_TRUE(p.cell && p.tissue);
  EXPECT_TRUE(ss::GridGeometry::FromImage(p.cell).SameAs(ss::HistologyTileExtractionFilter::CellGrid(p.grid, 4)));
  // Bins dense in molecules (nuclei, cell bodies) are brighter in DAPI than empty bins.
  double dense = 0, sparse = 0;
  std::size_t nDense = 0, nSparse = 0;
  std::map<std::pair<long, long>, std::size_t> perBin;
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    ss::PointType um;
    um[0] = molecules.x[m];
    um[1] = molecules.y[m];
    const auto ci = p.grid.PhysicalToIndex(um);
    ++perBin[{ std::lround(ci[0]), std::lround(ci[1]) }];
  }
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(p.hrMask, p.hrMask->GetBufferedRegion());
       !it.IsAtEnd();
       ++it)
  {
    const auto found = perBin.find({ it.GetIndex()[0], it.GetIndex()[1] });
    const std::size_t n = found == perBin.end() ? 0 : found->second;
    const double grey = CellBlockMean(p, it.GetIndex())[0];
    if (n >= 40)
    {
      dense += grey;
      ++nDense;
    }
    else if (n == 0)
    {
      sparse += grey;
      ++nSparse;
    }
  }
  ASSERT_GT(nDense, 0u);
  ASSERT_GT(nSparse, 0u);
  EXPECT_GT(dense / nDense, 2 * sparse / nSparse);
}

TEST(SuperSpotMakePairs, OutputFolderPolicies)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string table = WriteVisiumLikeTable(dir, "slide.csv");
  const std::string out = dir + "/pairs";
  ASSERT_EQ(MakePairs({ "--spots", table, "--noHistology", "--genes", "3", "--output", out }).exitCode, 0);
  ss::WriteTextFileAtomically(out + "/stale.txt", "from an older run");
  // Non-empty: refused without --overwrite, before any work, and left as it was.
  ExpectOneLineError(MakePairs({ "--spots", table, "--noHistology", "--genes", "4", "--output", out }),
                     "pairs: --output: exists and is not empty");
  EXPECT_EQ(ss::PairSet::Load(out).genes.size(), 3u);
  // --overwrite replaces the pair set as a whole.
  ASSERT_EQ(MakePairs({ "--spots", table, "--noHistology", "--genes", "4", "--output", out, "--overwrite" }).exitCode,
            0);
  EXPECT_EQ(ss::PairSet::Load(out).genes.size(), 4u);
  EXPECT_FALSE(ss::FileExists(out + "/stale.txt"));
  // A folder that is not a pair set is never replaced.
  ss::CreateDirectories(dir + "/mine");
  ss::WriteTextFileAtomically(dir + "/mine/notes.txt", "precious");
  ExpectOneLineError(
    MakePairs({ "--spots", table, "--noHistology", "--output", dir + "/mine", "--overwrite" }),
    "mine: --output: is not a pair set (it has no pairs.json), and --overwrite replaces only pair sets");
  EXPECT_EQ(ss::ReadWholeFile(dir + "/mine/notes.txt"), "precious");
  // No temporary folder left beside them.
  std::size_t entries = 0;
  for (const auto & e : boost::filesystem::directory_iterator(dir))
  {
    entries += e.path().filename().string()[0] == '.' ? 100 : 1;
  }
  EXPECT_EQ(entries, 3u); // slide.csv, pairs, mine
}

TEST(SuperSpotMakePairs, RefusedCombinations)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string table = WriteVisiumLikeTable(dir, "slide.csv");
  const std::string out = dir + "/pairs";
  ExpectOneLineError(MakePairs({ "--spots", table, "--output", out }), "slide: H&E: the slide has no image");
  ExpectOneLineError(MakePairs({ "--spots", table, "--noHistology", "--resolutionUm", "5", "--output", out }),
                     "--resolutionUm: applies to molecule data");
  ExpectOneLineError(MakePairs({ "--spots", table, "--noHistology" }), "--output: no pair-set folder given");
  ExpectOneLineError(
    MakePairs({ "--spots", table, "--spots", table, "--image", "he.png", "--noHistology", "--output", out }),
    "--image: given 1 time(s) but --spots 2 times");
  ExpectOneLineError(MakePairs({ "--spots", table, "--factor", "1", "--output", out }), "--factor");
  ss::WriteTextFileAtomically(dir + "/genes.txt", "GeneA\nNOPE1\n");
  ExpectOneLineError(
    MakePairs({ "--spots", table, "--noHistology", "--geneList", dir + "/genes.txt", "--output", out }), "NOPE1");
  EXPECT_FALSE(ss::DirectoryExists(out));
}

TEST(SuperSpotMakePairs, SeveralSlidesShareTheGenes)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string a = WriteVisiumLikeTable(dir + "/a", "slide.csv");
  const std::string b = WriteVisiumLikeTable(dir + "/b", "slide.csv", 5, 8);
  const auto run = MakePairs({ "--spots",
                               a,
                               "--spots",
                               b,
                               "--noHistology",
                               "--geneRanking",
                               "counts",
                               "--genes",
                               "3",
                               "--output",
                               dir + "/pairs" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const ss::PairSet set = ss::PairSet::Load(dir + "/pairs");
  ASSERT_EQ(set.slides.size(), 2u);
  EXPECT_EQ(set.slides[0].name, "slide");
  EXPECT_EQ(set.slides[1].name, "slide-2");
  // Most counts over both slides pooled.
  const ss::SpotDataset sa = ss::ReadSpotTable(a), sb = ss::ReadSpotTable(b);
  std::vector<std::pair<double, std::string>> totals;
  for (std::size_t g = 0; g < sa.NumberOfGenes(); ++g)
  {
    totals.emplace_back(-(sa.counts.GeneTotals()[g] + sb.counts.GeneTotals()[g]), sa.genes[g]);
  }
  std::stable_sort(totals.begin(), totals.end(), [](const auto & x, const auto & y) { return x.first < y.first; });
  EXPECT_EQ(set.genes, std::vector<std::string>({ totals[0].second, totals[1].second, totals[2].second }));
  EXPECT_EQ(MaskCount(set.slides[1].hrMask), 40u);
}

TEST(SuperSpotMakePairs, XeniumWithAlignedHEAndMixedSlides)
{
  const std::string dir = ss::test::TestDirectory();
  // A 600 x 500 µm Xenium region: pink tissue (H&E 1 µm/px) over x < 300 µm, glass beyond;
  // molecules only on the tissue, gene "HIGH" three times as frequent as "LOW".
  auto he = ss::test::MakeRamp(600, 500, 1.0);
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(he, he->GetLargestPossibleRegion()); !it.IsAtEnd(); ++it)
  {
    it.Set(it.GetIndex()[0] < 300 ? ss::MakeRGB(200, 120, 180) : ss::MakeRGB(245, 245, 243));
  }
  ss::WriteImageAtomically(he.GetPointer(), dir + "/he.png");
  ss::CoordinateFrame::MatrixType m;
  m.SetIdentity();
  ss::PointType origin;
  origin.Fill(0.0);
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  ss::WriteXeniumAlignment(dir + "/he_alignment.csv",
                           ss::XeniumAlignmentMatrix(ss::CoordinateFrame::FromAffine(m, origin), 0.2125));
  ss::MoleculeTable t;
  t.genes = { "LOW", "HIGH", "NegControlProbe_1" };
  for (int i = 0; i < 20000; ++i)
  {
    t.Add(static_cast<float>((i * 7919) % 2900) / 10.0f + 5,
          static_cast<float>((i * 104729) % 4900) / 10.0f + 5,
          i % 4 == 0 ? 0 : 1);
    t.qv.push_back(30);
  }
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", t);
  const std::string out = dir + "/pairs";
  const auto run = MakePairs({ "--xenium",
                               dir,
                               "--image",
                               dir + "/he.png",
                               "--alignment",
                               dir + "/he_alignment.csv",
                               "--geneRanking",
                               "counts",
                               "--genes",
                               "1",
                               "--resolutionUm",
                               "20",
                               "--output",
                               out });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const ss::PairSet set = ss::PairSet::Load(out);
  EXPECT_EQ(set.genes, std::vector<std::string>{ "HIGH" });
  const ss::SlidePair & pair = set.slides[0];
  EXPECT_EQ(pair.resolutionUm, 20.0);
  ASSERT_TRUE(pair.cell);
  // HR pixels over the tissue see pink cell-level H&E; none of the molecules lies on glass.
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(pair.hrMask, pair.hrMask->GetBufferedRegion());
       !it.IsAtEnd();
       ++it)
  {
    ss::PointType um;
    pair.hrMask->TransformIndexToPhysicalPoint(it.GetIndex(), um);
    // Away from the image's edges (a bin reaching past them is partly white) and the glass.
    if (um[0] > 10 && um[0] < 280 && um[1] > 20 && um[1] < 480)
    {
      EXPECT_EQ(CellBlockMean(pair, it.GetIndex()), ss::MakeRGB(200, 120, 180)) << it.GetIndex();
    }
  }

  // A spot slide and a molecule slide cannot share a pair set.
  ss::SlideInputs xenium;
  xenium.xeniumDir = dir;
  ss::SlideInputs spots;
  spots.spotTable = WriteVisiumLikeTable(dir, "slide.csv");
  const std::vector<ss::LoadedSlide> slides{ ss::LoadSlide(spots), ss::LoadSlide(xenium) };
  ss::MakePairsOptions options;
  options.noHistology = true;
  SS_EXPECT_INPUT_ERROR(ss::MakePairSetFromSlides(slides, { "GeneA" }, options),
                        "spot slides and molecule slides in one pair set");
}

TEST(SuperSpotMakePairs, SameInputsGiveByteIdenticalPairSetsWhateverTheThreads)
{
  // A pair set is a function of its inputs and options only: run again, or with another
  // number of ITK threads, every file of the folder is the same byte for byte.
  const std::string dir = ss::test::TestDirectory();
  auto he = ss::test::MakeRamp(400, 300, 1.0);
  ss::WriteImageAtomically(he.GetPointer(), dir + "/he.png");
  ss::CoordinateFrame::MatrixType m;
  m.SetIdentity();
  ss::PointType origin;
  origin.Fill(0.0);
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  ss::WriteXeniumAlignment(dir + "/he_alignment.csv",
                           ss::XeniumAlignmentMatrix(ss::CoordinateFrame::FromAffine(m, origin), 0.2125));
  ss::MoleculeTable t;
  t.genes = { "A", "B", "C" };
  for (int i = 0; i < 6000; ++i)
  {
    t.Add(static_cast<float>((i * 7919) % 3900) / 10.0f + 5,
          static_cast<float>((i * 104729) % 2900) / 10.0f + 5,
          i % 5 == 0 ? 0 : (i % 3 == 0 ? 1 : 2));
    t.qv.push_back(30);
  }
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", t);
  const std::string table = WriteVisiumLikeTable(dir, "slide.csv");
  const std::vector<std::vector<std::string>> inputs{
    { "--xenium", dir, "--image", dir + "/he.png", "--alignment", dir + "/he_alignment.csv", "--resolutionUm", "20" },
    { "--spots", table, "--noHistology", "--genes", "4" }
  };
  const int threadsBefore = itk::MultiThreaderBase::GetGlobalDefaultNumberOfThreads();
  for (std::size_t input = 0; input < inputs.size(); ++input)
  {
    std::vector<std::string> outputs;
    for (const int threads : { 1, 2, 2 })
    {
      itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threads);
      outputs.push_back(dir + "/pairs-" + std::to_string(input) + "-" + std::to_string(outputs.size()));
      std::vector<std::string> arguments = inputs[input];
      arguments.insert(arguments.end(), { "--output", outputs.back() });
      const auto run = MakePairs(arguments);
      ASSERT_EQ(run.exitCode, 0) << run.standardError;
    }
    std::vector<std::map<std::string, std::string>> contents;
    for (const auto & out : outputs)
    {
      std::map<std::string, std::string> files;
      for (const auto & entry : std::filesystem::directory_iterator(out))
      {
        std::ifstream in(entry.path(), std::ios::binary);
        files[entry.path().filename().string()] =
          std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      }
      contents.push_back(std::move(files));
    }
    ASSERT_GE(contents[0].size(), 6u) << outputs[0];
    for (std::size_t k = 1; k < contents.size(); ++k)
    {
      ASSERT_EQ(contents[k].size(), contents[0].size());
      for (const auto & [name, bytes] : contents[0])
      {
        EXPECT_TRUE(contents[k].at(name) == bytes)
          << inputs[input][0] << ": " << name << " differs between run 1 (1 thread) and run " << k + 1 << " (2 threads)";
      }
    }
  }
  itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(threadsBefore);
}
