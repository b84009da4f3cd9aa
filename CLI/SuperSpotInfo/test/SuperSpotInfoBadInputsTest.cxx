// The bad-input catalogue (Documentation/BadInputs.md), row by row, as a user meets it:
// SuperSpotInfo run in-process on synthetic inputs, each either refused with one line on
// standard error or read with the correction said on standard output.
//
// With SUPERSPOT_BAD_INPUTS_LOG=<file> every refusal's line is appended to <file> after the
// test's name, which is how Documentation/BadInputs.md quotes the actual messages.

#include "ssCLITestUtilities.h"

#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssMerscope.h"
#include "ssSpaceRanger.h"
#include "ssSpotOverlay.h"
#include "ssSpotTable.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include "itkImageFileWriter.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkRGBAPixel.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

int SuperSpotInfoModuleEntryPoint(int argc, char * argv[]);

namespace
{
ss::test::ModuleRun Info(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotInfoModuleEntryPoint, "SuperSpotInfo", arguments);
}

/** Expects a refusal whose one line contains every piece of `texts`, and logs the line. */
void ExpectRefused(const ss::test::ModuleRun & run, const std::vector<std::string> & texts)
{
  ASSERT_FALSE(texts.empty());
  for (const auto & t : texts)
  {
    ss::test::ExpectOneLineError(run, t);
  }
  if (const char * log = std::getenv("SUPERSPOT_BAD_INPUTS_LOG"))
  {
    const auto * info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::ofstream(log, std::ios::app) << info->name() << "\t" << run.standardError;
  }
}

/** Runs with --json and returns the summary (the run must succeed). */
nlohmann::json Summary(std::vector<std::string> arguments, const std::string & dir)
{
  const std::string json = dir + "/info.json";
  arguments.insert(arguments.end(), { "--json", json });
  const auto run = Info(arguments);
  EXPECT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  return run.exitCode == 0 ? ss::ReadJSONFile(json) : nlohmann::json();
}

bool HasNote(const nlohmann::json & summary, const std::string & text)
{
  for (const auto & n : summary.at("notes"))
  {
    if (n.get<std::string>().find(text) != std::string::npos)
    {
      return true;
    }
  }
  return false;
}

const ss::RGBPixelType Tissue = ss::MakeRGB(190, 110, 170);
const ss::RGBPixelType Glass = ss::MakeRGB(246, 246, 244);

/** An H&E of `width` x `height` px: tissue inside [x0, x1) x [y0, y1) px, glass elsewhere,
 * with some texture so that it is not greyscale. */
ss::RGBImageType::Pointer HE(unsigned int width, unsigned int height, int x0, int y0, int x1, int y1)
{
  auto image = ss::test::MakeRamp(width, height, 1.0);
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, image->GetLargestPossibleRegion()); !it.IsAtEnd();
       ++it)
  {
    const auto i = it.GetIndex();
    ss::RGBPixelType p = i[0] >= x0 && i[0] < x1 && i[1] >= y0 && i[1] < y1 ? Tissue : Glass;
    p[2] = static_cast<unsigned char>(p[2] - (i[0] + i[1]) % 5);
    it.Set(p);
  }
  return image;
}

/** A Visium outs/ folder of 5 x 6 spots at 0.5 µm per pixel with its full-resolution H&E
 * (tissue under every spot) and the hires/lowres PNGs Space Ranger makes from it. */
std::string VisiumOuts(const std::string & dir, int positionsVersion = 2)
{
  const std::string outs = dir + "/outs";
  const ss::SpotDataset ds = ss::test::MakeVisiumLike(5, 6, 0.5);
  ss::SpaceRangerWriteOptions o;
  o.positionsVersion = positionsVersion;
  o.writeFullResImage = true;
  o.hiresMaxSize = 400;
  o.lowresMaxSize = 150;
  ss::WriteSpaceRangerOuts(outs, ds, HE(1800, 1300, 150, 100, 1650, 1200), o);
  return outs;
}

/** A spot table of 5 x 6 Visium-like spots in pixels (0.5 µm per pixel given with it). */
std::string SpotTable(const std::string & dir, const ss::SpotDataset & ds = ss::test::MakeVisiumLike(5, 6, 0.5))
{
  const std::string path = dir + "/spots.csv";
  ss::WriteSpotTable(path, ds, true);
  return path;
}

/** The spot table's text with `row` (1-based data row) field `column` replaced by `value`. */
std::string WithField(const std::string & table, std::size_t row, const std::string & column, const std::string & value)
{
  std::vector<std::string> lines = ss::SplitString(ss::ReadWholeFile(table), '\n');
  const std::vector<std::string> header = ss::SplitString(lines[0], ',');
  const auto c = static_cast<std::size_t>(std::find(header.begin(), header.end(), column) - header.begin());
  std::vector<std::string> fields = ss::SplitString(lines.at(row), ',');
  fields.at(c) = value;
  lines[row] = ss::Join(fields, ",");
  return ss::Join(lines, "\n");
}

template<typename TPixel>
void WriteImage(typename itk::Image<TPixel, 2>::Pointer image, const std::string & path)
{
  auto writer = itk::ImageFileWriter<itk::Image<TPixel, 2>>::New();
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

template<typename TPixel, typename F>
typename itk::Image<TPixel, 2>::Pointer Image(unsigned int width, unsigned int height, F && value)
{
  auto image = itk::Image<TPixel, 2>::New();
  ss::RegionType region;
  region.SetSize(0, width);
  region.SetSize(1, height);
  image->SetRegions(region);
  image->Allocate();
  for (itk::ImageRegionIteratorWithIndex<itk::Image<TPixel, 2>> it(image, region); !it.IsAtEnd(); ++it)
  {
    it.Set(value(it.GetIndex()[0], it.GetIndex()[1]));
  }
  return image;
}
} // namespace

// --- missing or renamed files

TEST(BadInputs, MissingOrRenamedFiles)
{
  const std::string dir = ss::test::TestDirectory();
  ExpectRefused(Info({ "--visium", dir + "/no-such-outs" }), { "no-such-outs: Space Ranger outs folder: folder not found" });
  const std::string outs = VisiumOuts(dir);
  std::rename((outs + "/filtered_feature_bc_matrix.h5").c_str(), (outs + "/matrix.h5").c_str());
  ExpectRefused(Info({ "--visium", outs }), { "filtered_feature_bc_matrix.h5: feature-barcode matrix: file not found" });
  std::rename((outs + "/matrix.h5").c_str(), (outs + "/filtered_feature_bc_matrix.h5").c_str());
  std::rename((outs + "/spatial/tissue_positions.csv").c_str(), (outs + "/spatial/positions.csv").c_str());
  ExpectRefused(Info({ "--visium", outs }), { "neither tissue_positions.csv (Space Ranger 2+) nor tissue_positions_list.csv" });
  std::rename((outs + "/spatial/positions.csv").c_str(), (outs + "/spatial/tissue_positions.csv").c_str());
  std::rename((outs + "/spatial/scalefactors_json.json").c_str(), (outs + "/spatial/scalefactors.json").c_str());
  ExpectRefused(Info({ "--visium", outs }), { "scalefactors_json.json: scale factors: file not found", "--micronsPerPixel" });
  std::rename((outs + "/spatial/scalefactors.json").c_str(), (outs + "/spatial/scalefactors_json.json").c_str());
  ExpectRefused(Info({ "--visium", outs, "--image", dir + "/he.tif" }), { "he.tif", "file not found" });
  ExpectRefused(Info({ "--stCounts", dir + "/counts.tsv", "--stSpots", dir + "/spots.tsv" }),
                { "spots.tsv: table: cannot open the file (missing, renamed or unreadable)" });
  ExpectRefused(Info({ "--xenium", dir }), { "experiment.xenium: experiment.xenium: file not found" });
}

// --- positions with and without header

TEST(BadInputs, PositionsWithAndWithoutHeaderReadTheSame)
{
  const std::string dir = ss::test::TestDirectory();
  const nlohmann::json v2 = Summary({ "--visium", VisiumOuts(dir + "/v2", 2) }, dir);
  const nlohmann::json v1 = Summary({ "--visium", VisiumOuts(dir + "/v1", 1) }, dir);
  ASSERT_FALSE(v1.is_null());
  ASSERT_FALSE(v2.is_null());
  EXPECT_EQ(v1.at("spots"), 30);
  EXPECT_EQ(v1.at("spots"), v2.at("spots"));
  EXPECT_EQ(v1.at("extentUm"), v2.at("extentUm"));
  EXPECT_EQ(v1.at("totalCounts"), v2.at("totalCounts"));
  EXPECT_TRUE(HasNote(v1, "tissue_positions_list.csv: no header (Space Ranger 1.x)")) << v1.at("notes");
  EXPECT_TRUE(HasNote(v2, "tissue_positions.csv: header row (Space Ranger 2+)")) << v2.at("notes");
  // A header whose names are not Space Ranger's is refused, listing the columns it has.
  const std::string positions = dir + "/v2/outs/spatial/tissue_positions.csv";
  std::string text = ss::ReadWholeFile(positions);
  text.replace(text.find("pxl_row_in_fullres"), 18, "y");
  ss::WriteTextFileAtomically(positions, text);
  ExpectRefused(Info({ "--visium", dir + "/v2/outs" }), { "column 'pxl_row_in_fullres': missing from the header" });
}

// --- coordinates outside the image

TEST(BadInputs, CoordinatesOutsideTheImage)
{
  const std::string dir = ss::test::TestDirectory();
  // The spots reach x = 1400 px, y = 950 px; the image is 600 x 500 px.
  ss::WriteImageAtomically(HE(600, 500, 0, 0, 600, 500).GetPointer(), dir + "/he.png");
  ExpectRefused(Info({ "--spots", SpotTable(dir), "--image", dir + "/he.png", "--micronsPerPixel", "0.5" }),
                { "he.png: spot coordinates: only ", " of the 30 spots fall inside the image", "--micronsPerPixel" });
}

// --- a hires or lowres PNG given as the full-resolution image

TEST(BadInputs, HiresOrLowresPNGAsTheFullResolutionImage)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string outs = VisiumOuts(dir);
  // A copy elsewhere, so nothing but the data tells what it is.
  for (const std::string level : { "hires", "lowres" })
  {
    const std::string png = dir + "/" + level + ".png";
    ss::WriteTextFileAtomically(png, ss::ReadWholeFile(outs + "/spatial/tissue_" + level + "_image.png"));
    ExpectRefused(Info({ "--visium", outs, "--image", png }),
                  { "if it is Space Ranger's tissue_" + level + "_image.png (tissue_" + level + "_scalef",
                    "--imageLevel " + level });
    // Said so, it is placed by its scale factor.
    const nlohmann::json s = Summary({ "--visium", outs, "--image", png, "--imageLevel", level }, dir);
    EXPECT_EQ(s.at("check").at("problem"), "none") << s.dump(1);
  }
  // outs/spatial's own PNG given with --image is the full-resolution image unless said
  // otherwise (Readers.md): the same refusal.
  ExpectRefused(Info({ "--visium", outs, "--image", outs + "/spatial/tissue_hires_image.png" }),
                { "tissue_hires_image.png: spot coordinates: ", "--imageLevel hires" });
}

// --- transposed coordinates

TEST(BadInputs, TransposedCoordinates)
{
  const std::string dir = ss::test::TestDirectory();
  // Tissue is a band of rows 150..450 px; the spots lie along it, x up to 1400 px.
  ss::SpotDataset ds = ss::test::MakeVisiumLike(2, 7, 0.5);
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    ds.spots.positionPx[s][1] = 250 + 100.0 * static_cast<double>(s % 2);
    ds.spots.arrayRow[s] = static_cast<int>(s % 2);
    ds.spots.arrayCol[s] = static_cast<int>(2 * (s / 2) + s % 2);
    ds.spots.positionPx[s][0] = 150 + 100.0 * ds.spots.arrayCol[s];
    std::swap(ds.spots.positionPx[s][0], ds.spots.positionPx[s][1]); // x and y mixed up
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  ss::WriteImageAtomically(HE(1600, 1600, 0, 150, 1600, 450).GetPointer(), dir + "/he.png");
  ExpectRefused(Info({ "--spots", SpotTable(dir, ds), "--image", dir + "/he.png", "--micronsPerPixel", "0.5" }),
                { "he.png: spot coordinates: only ", "do with x and y swapped", "x must be the image column" });
}

// --- an alignment matrix that is singular or maps the tissue off the image

TEST(BadInputs, SingularOrMisplacingAlignment)
{
  const std::string dir = ss::test::TestDirectory();
  ss::WriteImageAtomically(HE(400, 300, 0, 0, 400, 300).GetPointer(), dir + "/he.png");
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.25);
  ss::MoleculeTable t;
  t.genes = { "A", "B" };
  for (int i = 0; i < 500; ++i)
  {
    t.Add(static_cast<float>(10 + (i * 37) % 80), static_cast<float>(10 + (i * 53) % 60), i % 2);
    t.qv.push_back(30);
  }
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", t);
  const std::vector<std::string> xenium{ "--xenium", dir, "--image", dir + "/he.png", "--alignment" };
  auto run = [&](const std::string & matrix)
  {
    ss::WriteTextFileAtomically(dir + "/alignment.csv", matrix);
    std::vector<std::string> a = xenium;
    a.push_back(dir + "/alignment.csv");
    return Info(a);
  };
  ExpectRefused(run("1,2,0\n2,4,0\n0,0,1\n"), { "alignment.csv: alignment: the matrix is singular" });
  ExpectRefused(run("1,0,50000\n0,1,0\n0,0,1\n"),
                { "alignment.csv: alignment: the aligned H&E covers x 12500...12600 µm, y 0...75 µm", "(0% overlap)" });
  // The inverse of a 4x matrix that would fit (H&E 1 µm per pixel) is refused as inverted.
  ExpectRefused(run("0.25,0,0\n0,0.25,0\n0,0,1\n"), { "the matrix looks inverted" });

  ss::WriteMerscopeTranscripts(dir + "/detected_transcripts.csv", t);
  ss::WriteTextFileAtomically(dir + "/transform.csv", "2 4 0\n1 2 0\n0 0 1\n");
  ExpectRefused(Info({ "--merscope", dir + "/detected_transcripts.csv", "--image", dir + "/he.png", "--alignment",
                       dir + "/transform.csv" }),
                { "transform.csv: matrix: is singular" });
  ss::WriteTextFileAtomically(dir + "/transform.csv", "1 0 5000\n0 1 5000\n0 0 1\n");
  ExpectRefused(Info({ "--merscope", dir + "/detected_transcripts.csv", "--image", dir + "/he.png", "--alignment",
                       dir + "/transform.csv" }),
                { "he.png: ", "fall inside the image", "check that the image and --alignment belong to this run" });
}

// --- counts that are not counts

TEST(BadInputs, CountsWithNaNNegativeOrFractionalValues)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string table = SpotTable(dir);
  const std::string bad = dir + "/bad.csv";
  for (const auto & [value, problem] : std::vector<std::pair<std::string, std::string>>{
         { "NaN", "value nan is not a finite number" },
         { "-3", "value -3 is negative" },
         { "2.5", "value 2.5 is not an integer count" } })
  {
    ss::WriteTextFileAtomically(bad, WithField(table, 4, "GeneB", value));
    ExpectRefused(Info({ "--spots", bad }),
                  { "bad.csv: counts: gene GeneB, spot SPOT1003-1: " + problem, "not normalized or log values" });
  }
  // The same in a legacy ST counts table.
  ss::WriteLegacyST(dir + "/st", ss::test::MakeVisiumLike(3, 4, 0.5));
  std::string counts = ss::ReadWholeFile(dir + "/st/counts.tsv.gz");
  const auto secondRow = counts.find('\n', counts.find('\n') + 1) + 1;
  const auto tab = counts.find('\t', secondRow);
  counts.replace(tab + 1, counts.find('\t', tab + 1) - tab - 1, "0.7");
  ss::WriteTextFileAtomically(dir + "/st/counts.tsv", counts);
  ExpectRefused(Info({ "--stCounts", dir + "/st/counts.tsv", "--stSpots", dir + "/st/spots.tsv" }),
                { "counts.tsv: counts: gene GeneA", "value 0.7 is not an integer count" });
}

// --- duplicated barcodes or genes

TEST(BadInputs, DuplicatedBarcodesOrGenes)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string table = SpotTable(dir);
  ss::WriteTextFileAtomically(dir + "/bad.csv", WithField(table, 3, "id", "SPOT1000-1"));
  ExpectRefused(Info({ "--spots", dir + "/bad.csv" }), { "bad.csv: spot id: spot 'SPOT1000-1' appears more than once" });
  std::string text = ss::ReadWholeFile(table);
  text.replace(text.find("GeneC"), 5, "GeneA");
  ss::WriteTextFileAtomically(dir + "/bad.csv", text);
  ExpectRefused(Info({ "--spots", dir + "/bad.csv" }), { "bad.csv: gene: gene 'GeneA' appears more than once" });

  const std::string outs = VisiumOuts(dir);
  const std::string positions = outs + "/spatial/tissue_positions.csv";
  text = ss::ReadWholeFile(positions);
  ss::WriteTextFileAtomically(positions, text + text.substr(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n')));
  ExpectRefused(Info({ "--visium", outs }), { "tissue_positions.csv:", "barcode: 'SPOT1000-1' appears more than once" });
  ss::WriteTextFileAtomically(positions, text);
  // Duplicated gene symbols, as real references have, are renamed and said so.
  ss::FeatureBarcodeMatrix m = ss::ReadFeatureBarcodeMatrixH5(outs + "/filtered_feature_bc_matrix.h5");
  m.featureNames[3] = m.featureNames[1];
  ss::WriteFeatureBarcodeMatrixH5(outs + "/filtered_feature_bc_matrix.h5", m);
  const nlohmann::json s = Summary({ "--visium", outs }, dir);
  EXPECT_TRUE(HasNote(s, "1 gene symbol(s) occur more than once (GeneB); each of them is named 'SYMBOL (FEATURE_ID)'"))
    << s.at("notes");
  // And in a legacy ST table they are numbered.
  ss::WriteLegacyST(dir + "/st", ss::test::MakeVisiumLike(3, 4, 0.5));
  std::string counts = ss::ReadWholeFile(dir + "/st/counts.tsv.gz");
  counts.replace(counts.find("GeneC"), 5, "GeneA");
  ss::WriteTextFileAtomically(dir + "/st/counts.tsv", counts);
  const nlohmann::json st = Summary({ "--stCounts", dir + "/st/counts.tsv", "--stSpots", dir + "/st/spots.tsv" }, dir);
  EXPECT_TRUE(HasNote(st, "1 gene name(s) occur more than once (GeneA); they are numbered 'NAME #k'")) << st.at("notes");
}

// --- empty tissue

TEST(BadInputs, EmptyTissue)
{
  const std::string dir = ss::test::TestDirectory();
  // Visium: no spot under the tissue.
  const std::string outs = VisiumOuts(dir);
  const std::string positions = outs + "/spatial/tissue_positions.csv";
  std::vector<std::string> lines = ss::SplitString(ss::ReadWholeFile(positions), '\n');
  for (std::size_t i = 1; i < lines.size(); ++i)
  {
    std::vector<std::string> fields = ss::SplitString(lines[i], ',');
    if (fields.size() == 6)
    {
      fields[1] = "0"; // in_tissue
      lines[i] = ss::Join(fields, ",");
    }
  }
  ss::WriteTextFileAtomically(positions, ss::Join(lines, "\n"));
  ExpectRefused(Info({ "--visium", outs }), { "filtered_feature_bc_matrix.h5: barcodes: no spot is left (none is in the tissue)",
                  "check in_tissue in the positions file (1 = spot under the tissue)" });

  // Legacy ST: no spot selected.
  ss::WriteLegacyST(dir + "/st", ss::test::MakeVisiumLike(3, 4, 0.5));
  std::string spots = ss::ReadWholeFile(dir + "/st/spots.tsv");
  for (std::size_t at = spots.find("\t1\n"); at != std::string::npos; at = spots.find("\t1\n", at))
  {
    spots.replace(at, 3, "\t0\n");
  }
  ss::WriteTextFileAtomically(dir + "/st/spots.tsv", spots);
  ExpectRefused(Info({ "--stCounts", dir + "/st/counts.tsv.gz", "--stSpots", dir + "/st/spots.tsv" }),
                { "counts.tsv.gz: spot id: none of the 12 spots is selected (under the tissue) in spots.tsv" });

  // Molecules: none left after the quality filter.
  ss::MoleculeTable t;
  t.genes = { "A" };
  for (int i = 0; i < 20; ++i)
  {
    t.Add(static_cast<float>(i), static_cast<float>(2 * i), 0);
    t.qv.push_back(5);
  }
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv", t);
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  ExpectRefused(Info({ "--xenium", dir }),
                { "transcripts.csv: transcripts: no molecule is left after the quality and control-probe filters (20 rows)" });

  // An image without tissue (a blank scan) under the spots.
  ss::WriteImageAtomically(HE(1600, 1200, 0, 0, 0, 0).GetPointer(), dir + "/blank.png");
  ExpectRefused(Info({ "--spots", SpotTable(dir), "--image", dir + "/blank.png", "--micronsPerPixel", "0.5" }),
                { "blank.png: spot coordinates: only 0% of the 30 spots lie on tissue-coloured pixels (the image is 0% tissue)" });
}

// --- images of other pixel types, and Slicer volumes without spacing

TEST(BadInputs, OtherPixelTypesAreConvertedAndSaidSo)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string table = SpotTable(dir);
  ss::RegisterImageIOFactories();
  using RGBA = itk::RGBAPixel<unsigned char>;
  WriteImage<RGBA>(Image<RGBA>(1600, 1200,
                             [](long x, long y)
                             {
                               RGBA p;
                               p.Set(190, static_cast<unsigned char>(100 + (x + y) % 20), 170, 255);
                               return p;
                             }),
                 dir + "/rgba.png");
  WriteImage<unsigned char>(
    Image<unsigned char>(1600, 1200, [](long x, long y) { return static_cast<unsigned char>(60 + (x * y) % 100); }),
    dir + "/grey.png");
  WriteImage<unsigned short>(
    Image<unsigned short>(1600, 1200, [](long x, long y) { return static_cast<unsigned short>(1000 * (x % 50) + y); }),
    dir + "/grey16.png");
  for (const auto & [file, conversion] : std::vector<std::pair<std::string, std::string>>{
         { "rgba.png", "RGBA -> RGB (alpha dropped)" },
         { "grey.png", "grey -> RGB (grey copied to R, G and B)" },
         { "grey16.png", "16-bit grey -> RGB (grey copied to R, G and B; rescaled to 8 bits as v * 255 / 65535)" } })
  {
    const auto run = Info({ "--spots", table, "--image", dir + "/" + file, "--micronsPerPixel", "0.5" });
    EXPECT_EQ(run.exitCode, 0) << file << ": " << run.standardError;
    EXPECT_NE(run.standardOutput.find(conversion), std::string::npos) << file << "\n" << run.standardOutput;
  }
  // Floating-point pixels are no H&E.
  WriteImage<float>(Image<float>(64, 48, [](long x, long) { return static_cast<float>(x); }), dir + "/float.nrrd");
  ExpectRefused(Info({ "--spots", table, "--image", dir + "/float.nrrd", "--micronsPerPixel", "0.5" }),
                { "float.nrrd: pixel type: is float with 1 component(s), which is not an H&E image" });
}

TEST(BadInputs, VolumesWithoutSpacing)
{
  const std::string dir = ss::test::TestDirectory();
  // An NRRD as Slicer saves an image it knows no calibration of: spacing 1.
  auto he = HE(1600, 1200, 0, 0, 1600, 1200);
  ss::WriteImageAtomically(he.GetPointer(), dir + "/he.nrrd");
  ExpectRefused(Info({ "--spots", SpotTable(dir), "--inputVolume", dir + "/he.nrrd" }),
                { "he.nrrd: --inputVolume spacing: is 1 mm, Slicer's default for an image without calibration" });
  // With --image, a table in µm takes the image's own geometry: there is none.
  ss::WriteTextFileAtomically(dir + "/um.csv", "id,x_um,y_um,GeneA\na,100,100,1\nb,200,100,2\nc,150,186.6,0\n");
  ExpectRefused(Info({ "--spots", dir + "/um.csv", "--image", dir + "/he.nrrd" }),
                { "he.nrrd: spacing: is missing or 1.0, so the image's µm per pixel is unknown" });
  // Given the µm per pixel, the same volume is read.
  const auto run = Info({ "--spots", SpotTable(dir), "--inputVolume", dir + "/he.nrrd", "--micronsPerPixel", "0.5" });
  EXPECT_EQ(run.exitCode, 0) << run.standardError;
}
