#include "ssCLITestUtilities.h"
#include "ssSlideSummary.h"

#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssLegacyST.h"
#include "ssSpaceRanger.h"
#include "ssSpotOverlay.h"
#include "ssSpotTable.h"
#include "ssTextTable.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIterator.h"

#include <gtest/gtest.h>

#include <cmath>

int SuperSpotInfoModuleEntryPoint(int argc, char * argv[]);

namespace
{
ss::test::ModuleRun Info(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotInfoModuleEntryPoint, "SuperSpotInfo", arguments);
}

ss::RGBImageType::Pointer ReadPNG(const std::string & path)
{
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

std::string VizgenTransform()
{
  return std::string(SUPERSPOT_SOURCE_DIR) + "/Documentation/examples/vizgen_mini/micron_to_mosaic_pixel_transform.csv";
}
} // namespace

TEST(SuperSpotInfo, VisiumFixture)
{
  SS_REQUIRE_DATA(outs, "visium_outs_fixture");
  const std::string dir = ss::test::TestDirectory();
  const auto run = Info({ "--visium",
                          outs,
                          "--imageLevel",
                          "lowres",
                          "--json",
                          dir + "/info.json",
                          "--spotTable",
                          dir + "/spots.csv",
                          "--overlay",
                          dir + "/overlay.png",
                          "--returnparameterfile",
                          dir + "/return.txt" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  EXPECT_EQ(run.standardError, "");
  // Slicer-style progress, then the summary on standard output.
  EXPECT_NE(run.standardOutput.find("<filter-start>"), std::string::npos);
  EXPECT_NE(run.standardOutput.find("\"platform\": \"visium\""), std::string::npos);

  const nlohmann::json j = ss::ReadJSONFile(dir + "/info.json");
  EXPECT_EQ(j["name"], "visium_outs_fixture");
  EXPECT_EQ(j["platform"], "visium");
  EXPECT_EQ(j["spots"], 100);
  EXPECT_EQ(j["spotsInTissue"], 100);
  EXPECT_EQ(j["genes"], 100);
  EXPECT_TRUE(j["molecules"].is_null());
  EXPECT_EQ(j["lattice"], "hexagonal");
  EXPECT_EQ(j["pitchUm"], 100.0);
  EXPECT_EQ(j["spotDiameterUm"], 55.0);
  // Space Ranger's µm per full-res pixel: 65 µm / spot_diameter_fullres.
  const double fullRes = 65.0 / 89.42751063343188;
  EXPECT_NEAR(j["fullResMicronsPerPixel"].get<double>(), fullRes, 1e-12);
  EXPECT_EQ(j["image"]["level"], "lowres");
  EXPECT_EQ(j["image"]["sizePx"], nlohmann::json({ 600, 600 }));
  EXPECT_NEAR(j["image"]["micronsPerPixel"].get<double>(), fullRes / 0.045004502, 1e-9);
  // The lowres image spans 600 lowres pixels = 600 / scalef full-res pixels.
  EXPECT_NEAR(j["image"]["extentUm"]["width"].get<double>(), 600 * fullRes / 0.045004502, 1e-6);
  EXPECT_EQ(j["check"]["fractionInside"], 1.0);
  EXPECT_GE(j["check"]["fractionOnTissue"].get<double>(), 0.85);
  EXPECT_EQ(j["check"]["problem"], "none");
  EXPECT_EQ(j["check"]["greyscale"], false);
  EXPECT_TRUE(j["check"]["fractionMoleculesInside"].is_null());
  // The spots' extent, µm: inside the image's.
  EXPECT_GT(j["extentUm"]["width"].get<double>(), 0);
  EXPECT_LT(j["extentUm"]["maxX"].get<double>(), j["image"]["extentUm"]["maxX"].get<double>());

  // The spot table reads back to the same spots.
  const ss::SpotDataset original = ss::ReadSpaceRangerOuts(outs);
  const ss::SpotDataset table = ss::ReadSpotTable(dir + "/spots.csv");
  ASSERT_EQ(table.NumberOfSpots(), 100u);
  EXPECT_EQ(table.spots.id, original.spots.id);
  EXPECT_EQ(table.spots.positionUm[17], original.spots.positionUm[17]);
  EXPECT_EQ(table.spots.arrayCol[17], original.spots.arrayCol[17]);
  EXPECT_EQ(table.lattice, ss::SpotLattice::Hexagonal);
  const std::string text = ss::ReadWholeFile(dir + "/spots.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')), "id,x_px,y_px,x_um,y_um,in_tissue,array_col,array_row");

  // The overlay: the lowres PNG (600 px, under --overlaySize) with half-opaque green spots.
  const auto overlay = ReadPNG(dir + "/overlay.png");
  const auto lowres = ss::ReadSpaceRangerImage(outs, "lowres", original.frame);
  ASSERT_EQ(overlay->GetLargestPossibleRegion().GetSize()[0], 600u);
  const ss::PointType centre = original.frame.FullResPxToLowresPx(original.spots.positionPx[17]);
  ss::IndexType i;
  i[0] = std::lround(centre[0]);
  i[1] = std::lround(centre[1]);
  const ss::RGBPixelType he = lowres->GetPixel(i);
  const ss::RGBPixelType drawn = overlay->GetPixel(i);
  EXPECT_EQ(drawn[0], std::lround(0.5 * he[0]));
  EXPECT_EQ(drawn[1], std::lround(0.5 * he[1] + 100));
  EXPECT_EQ(drawn[2], std::lround(0.5 * he[2]));
  i[0] = 5; // a corner far from every spot: the H&E itself
  i[1] = 5;
  EXPECT_EQ(overlay->GetPixel(i), lowres->GetPixel(i));

  const std::string returned = ss::ReadWholeFile(dir + "/return.txt");
  EXPECT_NE(returned.find("numberOfSpots = 100"), std::string::npos) << returned;
  EXPECT_NE(returned.find("platform = visium"), std::string::npos) << returned;
  EXPECT_NE(returned.find("numberOfMolecules = 0"), std::string::npos) << returned;
}

TEST(SuperSpotInfo, Her2stC3)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  SS_REQUIRE_DATA(jpg, "her2st/C3/he.jpg");
  const std::string dir = ss::test::TestDirectory();
  const auto run = Info({ "--stCounts", counts, "--stSpots", spots, "--image", jpg, "--json", dir + "/info.json" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const nlohmann::json j = ss::ReadJSONFile(dir + "/info.json");
  EXPECT_EQ(j["name"], "C3");
  EXPECT_EQ(j["platform"], "st");
  EXPECT_EQ(j["spots"], 180);
  EXPECT_EQ(j["genes"], 15821);
  EXPECT_EQ(j["lattice"], "square");
  EXPECT_EQ(j["pitchUm"], 200.0);
  EXPECT_EQ(j["image"]["sizePx"], nlohmann::json({ 9270, 9936 }));
  // ≈ 0.69 µm per pixel: 200 µm over the fitted array step (~290 px).
  EXPECT_NEAR(j["image"]["micronsPerPixel"].get<double>(), 0.69, 0.02);
  EXPECT_EQ(j["image"]["micronsPerPixel"], j["fullResMicronsPerPixel"]);
  EXPECT_EQ(j["check"]["fractionInside"], 1.0);
  EXPECT_GE(j["check"]["fractionOnTissue"].get<double>(), 0.9);
  // The counts file and the spot file do not list the same spots: the reader says so.
  bool dropNote = false;
  for (const auto & note : j["notes"])
  {
    dropNote = dropNote || note.get<std::string>().find("dropped") != std::string::npos;
  }
  EXPECT_TRUE(dropNote) << j["notes"].dump(2);
  // Total counts equal the sum of the counts file.
  const ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
  double total = 0;
  for (const double t : ds.counts.SpotTotals())
  {
    total += t;
  }
  EXPECT_EQ(j["totalCounts"].get<double>(), total);
}

TEST(SuperSpotInfo, VizgenMini)
{
  SS_REQUIRE_DATA(transcripts, "vizgen_mini/detected_transcripts.csv.gz");
  SS_REQUIRE_DATA(dapi, "vizgen_mini/dapi_z0.jpg");
  const std::string dir = ss::test::TestDirectory();
  auto run = Info({ "--merscope", transcripts, "--json", dir + "/alone.json" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  nlohmann::json j = ss::ReadJSONFile(dir + "/alone.json");
  EXPECT_EQ(j["platform"], "merscope");
  EXPECT_EQ(j["molecules"], 80343);
  EXPECT_EQ(j["genes"], 559);
  EXPECT_TRUE(j["spots"].is_null());
  EXPECT_TRUE(j["image"].is_null());
  EXPECT_TRUE(j["check"].is_null());
  // The molecules cover x 6400-6900 µm, y 4700-5150 µm.
  EXPECT_NEAR(j["extentUm"]["minX"].get<double>(), 6400, 1);
  EXPECT_NEAR(j["extentUm"]["maxY"].get<double>(), 5150, 1);

  run = Info({ "--merscope",
               transcripts,
               "--image",
               dapi,
               "--alignment",
               VizgenTransform(),
               "--json",
               dir + "/dapi.json",
               "--overlay",
               dir + "/overlay.png",
               "--overlaySize",
               "500" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  j = ss::ReadJSONFile(dir + "/dapi.json");
  EXPECT_EQ(j["image"]["sizePx"], nlohmann::json({ 4603, 4143 }));
  EXPECT_NEAR(j["image"]["micronsPerPixel"].get<double>(), 0.10865, 1e-4);
  EXPECT_EQ(j["check"]["greyscale"], true);
  EXPECT_TRUE(j["check"]["fractionOnTissue"].is_null());
  EXPECT_GE(j["check"]["fractionMoleculesInside"].get<double>(), 0.999);
  EXPECT_EQ(j["check"]["problem"], "none");
  const auto overlay = ReadPNG(dir + "/overlay.png");
  const ss::SizeType size = overlay->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 500u);
  // Red molecule dots, at most one per 8 picture pixels, and the grey DAPI between them.
  std::size_t red = 0, grey = 0;
  for (itk::ImageRegionConstIterator<ss::RGBImageType> it(overlay, overlay->GetLargestPossibleRegion()); !it.IsAtEnd();
       ++it)
  {
    red += it.Get() == ss::MakeRGB(255, 40, 40) ? 1 : 0;
    grey += it.Get()[0] == it.Get()[1] && it.Get()[1] == it.Get()[2] ? 1 : 0;
  }
  EXPECT_GT(red, size[0] * size[1] / 40);
  EXPECT_LE(red, size[0] * size[1] / 8);
  EXPECT_EQ(red + grey, size[0] * size[1]);
}

TEST(SuperSpotInfo, BadInputsGiveOneLineAndExitOne)
{
  const std::string dir = ss::test::TestDirectory();
  ss::test::ExpectOneLineError(Info({ "--visium", dir + "/no-such-outs" }), dir + "/no-such-outs");
  ss::test::ExpectOneLineError(Info({ "--visium", dir, "--merscope", dir + "/t.csv" }),
                               "--visium and --merscope given together");
  ss::test::ExpectOneLineError(Info({}), "no slide given");
  ss::test::ExpectOneLineError(Info({ "--merscope", dir + "/t.csv", "--spotTable", dir + "/s.csv" }),
                               "--spotTable: writes spots, and merscope data are molecules");
  ss::test::ExpectOneLineError(Info({ "--overlaySize", "5", "--visium", dir }), "--overlaySize");
}

TEST(SuperSpotInfo, TransposedSpotsAreRefusedAfterTheOverlay)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  SS_REQUIRE_DATA(jpg, "her2st/C3/he.jpg");
  const std::string dir = ss::test::TestDirectory();
  // C3's spots as a spot table with the pixel columns swapped, as a wrong column mapping gives.
  ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    std::swap(ds.spots.positionPx[s][0], ds.spots.positionPx[s][1]);
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  ss::WriteSpotTable(dir + "/transposed.csv", ds);
  const auto run = Info({ "--spots",
                          dir + "/transposed.csv",
                          "--image",
                          jpg,
                          "--micronsPerPixel",
                          std::to_string(ds.frame.GetMicronsPerPixel()),
                          "--overlay",
                          dir + "/overlay.png",
                          "--json",
                          dir + "/info.json" });
  ss::test::ExpectOneLineError(run, "do with x and y swapped");
  EXPECT_NE(run.standardError.find("he.jpg: spot coordinates: "), std::string::npos);
  EXPECT_TRUE(ss::FileExists(dir + "/overlay.png"));
  EXPECT_FALSE(ss::FileExists(dir + "/info.json"));
}
