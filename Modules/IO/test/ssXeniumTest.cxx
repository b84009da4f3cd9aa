#include "ssIOTestUtilities.h"
#include "ssXenium.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"

#include <gtest/gtest.h>

#include <cmath>

using ss::test::HasNote;

namespace
{
/** H&E px -> morphology px: 90° rotation, 1.3x scale, and a translation (in morphology px). */
itk::Matrix<double, 3, 3> ExampleAlignment()
{
  itk::Matrix<double, 3, 3> m;
  m.SetIdentity();
  m(0, 0) = 0.0;
  m(0, 1) = 1.3;
  m(0, 2) = 800.0;
  m(1, 0) = -1.3;
  m(1, 1) = 0.0;
  m(1, 2) = 2000.0;
  return m;
}

ss::MoleculeTable ExampleMolecules(float x0, float y0)
{
  ss::MoleculeTable t;
  t.genes = { "EPCAM", "KRT8", "ACTA2" };
  for (int i = 0; i < 60; ++i)
  {
    t.Add(x0 + 1.5f * static_cast<float>(i % 10), y0 + 2.25f * static_cast<float>(i / 10), i % 3);
    t.z.push_back(0.5f * static_cast<float>(i % 4));
    t.qv.push_back(20.0f + static_cast<float>(i % 7));
  }
  return t;
}
} // namespace

TEST(Xenium, ControlProbesAreRecognised)
{
  for (const char * name : { "NegControlProbe_00042",
                             "NegControlCodeword_0500",
                             "BLANK_0006",
                             "UnassignedCodeword_0007",
                             "DeprecatedCodeword_0010",
                             "Intergenic_Region_12",
                             "antisense_EPCAM" })
  {
    EXPECT_TRUE(ss::IsXeniumControlFeature(name)) << name;
  }
  for (const char * name : { "EPCAM", "BLANKET1", "NEG", "ANTXR1" })
  {
    EXPECT_FALSE(ss::IsXeniumControlFeature(name)) << name;
  }
}

TEST(Xenium, QualityAndControlFiltersAreReported)
{
  const std::string path = ss::test::TestDirectory() + "/transcripts.csv.gz";
  ss::WriteGzipFileAtomically(
    path,
    "transcript_id,cell_id,overlaps_nucleus,feature_name,x_location,y_location,z_location,qv\n"
    "1,UNASSIGNED,0,EPCAM,10.5,20.25,3.0,40\n"
    "2,UNASSIGNED,0,NegControlProbe_00042,11,21,3,40\n"
    "3,UNASSIGNED,0,EPCAM,12,22,3,19.9\n"
    "4,UNASSIGNED,0,BLANK_0006,13,23,3,35\n"
    "5,UNASSIGNED,0,\"KRT8\",14,24,3.5,20\n"
    "6,UNASSIGNED,0,UnassignedCodeword_0007,15,25,3,30\n"
    "7,UNASSIGNED,0,b'ACTA2',16,26,4,33\n"
    "8,UNASSIGNED,0,EPCAM,17,27,4,5\n");
  const ss::MoleculeTable t = ss::ReadXeniumTranscripts(path);
  ASSERT_EQ(t.Size(), 3u);
  EXPECT_EQ(t.genes, (std::vector<std::string>{ "EPCAM", "KRT8", "ACTA2" }));
  EXPECT_FLOAT_EQ(t.x[0], 10.5f);
  EXPECT_FLOAT_EQ(t.y[0], 20.25f);
  EXPECT_FLOAT_EQ(t.z[1], 3.5f);
  EXPECT_FLOAT_EQ(t.qv[2], 33.0f);
  EXPECT_EQ(t.platform, "xenium");
  EXPECT_TRUE(HasNote(t.notes, "dropped 2 of 8 molecules with qv < 20"));
  EXPECT_TRUE(HasNote(
    t.notes, "dropped 3 control/blank probe molecules (BLANK_*: 1, NegControlProbe_*: 1, UnassignedCodeword_*: 1)"));
  EXPECT_TRUE(HasNote(t.notes, "b'NAME'"));
  // A lower threshold keeps the qv 19.9 molecule.
  EXPECT_EQ(ss::ReadXeniumTranscripts(path, 19).Size(), 4u);
}

TEST(Xenium, PositionsBeyondFloatsAreRefused)
{
  // Found by ssFuzzXeniumTranscripts: a finite double beyond float's range became a molecule
  // at infinity; beyond ±1e8 µm nothing is a position on a slide.
  const std::string path = ss::test::TestDirectory() + "/transcripts.csv";
  for (const std::string column : { "x_location", "y_location", "z_location" })
  {
    std::string row = "EPCAM,10.5,20.25,3.0,40";
    const std::size_t at = column == "x_location" ? 6 : column == "y_location" ? 11 : 17;
    row.replace(at, row.find(',', at) - at, "3.4e39");
    ss::WriteTextFileAtomically(path, "feature_name,x_location,y_location,z_location,qv\nKRT8,1,2,3,40\n" + row + "\n");
    SS_EXPECT_INPUT_ERROR(ss::ReadXeniumTranscripts(path),
                          "transcripts.csv:3: column '" + column + "': '3.4e39' is not a position");
  }
}

TEST(Xenium, TranscriptsRoundTrip)
{
  const std::string path = ss::test::TestDirectory() + "/transcripts.csv.gz";
  ss::MoleculeTable t = ExampleMolecules(1234.5678f, 987.125f);
  t.x[7] = 0.1f; // not exactly representable in decimal: must still round-trip
  ss::WriteXeniumTranscripts(path, t);
  const ss::MoleculeTable r = ss::ReadXeniumTranscripts(path, 0);
  ASSERT_EQ(r.Size(), t.Size());
  EXPECT_EQ(r.genes, t.genes);
  EXPECT_EQ(r.x, t.x);
  EXPECT_EQ(r.y, t.y);
  EXPECT_EQ(r.z, t.z);
  EXPECT_EQ(r.qv, t.qv);
  EXPECT_EQ(r.gene, t.gene);
  // minQV 20 drops nothing here (qv 20..26); 25 keeps only qv 25 and 26.
  EXPECT_EQ(ss::ReadXeniumTranscripts(path).Size(), 60u);
  std::size_t high = 0;
  for (const float qv : t.qv)
  {
    high += qv >= 25 ? 1 : 0;
  }
  EXPECT_EQ(high, 16u);
  EXPECT_EQ(ss::ReadXeniumTranscripts(path, 25).Size(), high);
}

TEST(Xenium, TranscriptsCompressionLevel)
{
  const std::string dir = ss::test::TestDirectory();
  ss::MoleculeTable t;
  t.genes = { "ERBB2", "ESR1", "KRT8" };
  for (int i = 0; i < 20000; ++i)
  {
    t.Add(0.25f * static_cast<float>(i % 977), 0.5f * static_cast<float>(i / 977), i % 3);
  }
  ss::WriteXeniumTranscripts(dir + "/fast.csv.gz", t, 1);
  ss::WriteXeniumTranscripts(dir + "/small.csv.gz", t, 9);
  for (const char * name : { "/fast.csv.gz", "/small.csv.gz" })
  {
    const auto r = ss::ReadXeniumTranscripts(dir + name, 0);
    EXPECT_EQ(r.x, t.x) << name;
    EXPECT_EQ(r.y, t.y) << name;
  }
  EXPECT_GT(boost::filesystem::file_size(dir + "/fast.csv.gz"), boost::filesystem::file_size(dir + "/small.csv.gz"));
  EXPECT_THROW(ss::WriteXeniumTranscripts(dir + "/bad.csv.gz", t, 0), std::invalid_argument);
  EXPECT_THROW(ss::WriteXeniumTranscripts(dir + "/bad.csv.gz", t, 10), std::invalid_argument);
  EXPECT_FALSE(ss::FileExists(dir + "/bad.csv.gz"));
}

TEST(Xenium, ExperimentFile)
{
  const std::string dir = ss::test::TestDirectory();
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  const ss::XeniumExperiment e = ss::ReadXeniumExperiment(dir + "/experiment.xenium");
  EXPECT_DOUBLE_EQ(e.pixelSizeUm, 0.2125);
  EXPECT_EQ(e.runName, "superspot");

  ss::WriteTextFileAtomically(
    dir + "/real.xenium",
    R"({"major_version": 5, "pixel_size": 0.2125, "run_name": "Run A", "region_name": "Region 1",
                                  "panel_name": "Human Breast", "panel_organism": "Human", "num_cells": 167780,
                                  "analysis_sw_version": "xenium-1.0.1.1"})");
  const ss::XeniumExperiment r = ss::ReadXeniumExperiment(dir + "/real.xenium");
  EXPECT_EQ(r.regionName, "Region 1");
  EXPECT_EQ(r.panelName, "Human Breast");
  EXPECT_EQ(r.numberOfCells, 167780);
  EXPECT_EQ(r.analysisSoftwareVersion, "xenium-1.0.1.1");

  ss::WriteTextFileAtomically(dir + "/bad.xenium", R"({"run_name": "x"})");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumExperiment(dir + "/bad.xenium"), "pixel_size: missing");
  ss::WriteTextFileAtomically(dir + "/bad.xenium", R"({"pixel_size": "0.2"})");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumExperiment(dir + "/bad.xenium"), "pixel_size: must be a positive number");
}

TEST(Xenium, AlignmentMapsHEPixelsToMicrons)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string csv = dir + "/he_imagealignment.csv";
  // The example of 10x's knowledge-base article, as Xenium Explorer writes it.
  ss::WriteTextFileAtomically(csv,
                              "0.011071028838929093,1.2895790134339569,807.9788953065927\n"
                              "-1.2895790134339569,0.011071028838929093,73097.655174759\n"
                              "0,0,1\n");
  const ss::CoordinateFrame f = ss::ReadXeniumAlignment(csv, 0.2125);
  ss::PointType he;
  he.Fill(0);
  ss::PointType um = f.FullResPxToMicrons(he);
  // The H&E's top-left pixel lands at the translation, in morphology px, times the pixel size.
  EXPECT_NEAR(um[0], 807.9788953065927 * 0.2125, 1e-9);
  EXPECT_NEAR(um[1], 73097.655174759 * 0.2125, 1e-9);
  he[0] = 1000;
  he[1] = 0;
  um = f.FullResPxToMicrons(he);
  EXPECT_NEAR(um[0], (0.011071028838929093 * 1000 + 807.9788953065927) * 0.2125, 1e-9);
  EXPECT_NEAR(um[1], (-1.2895790134339569 * 1000 + 73097.655174759) * 0.2125, 1e-9);
  EXPECT_NEAR(f.GetMicronsPerPixel(), 0.2125 * std::hypot(0.011071028838929093, 1.2895790134339569), 1e-12);

  // Write -> read reproduces the frame.
  ss::WriteXeniumAlignment(dir + "/written.csv", ss::XeniumAlignmentMatrix(f, 0.2125));
  const ss::CoordinateFrame g = ss::ReadXeniumAlignment(dir + "/written.csv", 0.2125);
  he[0] = 321;
  he[1] = 654;
  EXPECT_NEAR(g.FullResPxToMicrons(he).EuclideanDistanceTo(f.FullResPxToMicrons(he)), 0.0, 1e-9);
}

TEST(Xenium, BadAlignmentsAreRefused)
{
  const std::string csv = ss::test::TestDirectory() + "/a.csv";
  ss::WriteTextFileAtomically(csv, "1,2,3\n2,4,5\n0,0,1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumAlignment(csv, 0.2125), "the matrix is singular");
  ss::WriteTextFileAtomically(csv, "1,0,3\n0,1,5\n0.001,0,1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumAlignment(csv, 0.2125), "the last row must be 0,0,1");
  ss::WriteTextFileAtomically(csv, "1,0,3\n0,1,5\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumAlignment(csv, 0.2125), "has 2 rows");
  ss::WriteTextFileAtomically(csv, "1,0\n0,1,5\n0,0,1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumAlignment(csv, 0.2125), "a.csv:1: alignment: has 2 values");
  ss::WriteTextFileAtomically(csv, "fixedX,fixedY,alignmentX,alignmentY\n1,2,3,4\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumAlignment(csv, 0.2125), "keypoints file");
}

TEST(Xenium, BundleTiesTranscriptsAndAlignedHE)
{
  const std::string dir = ss::test::TestDirectory();
  const double pixelSize = 0.2125;
  const itk::Matrix<double, 3, 3> m = ExampleAlignment();
  // H&E of 300 x 200 px: under m it covers morphology x 800..1060 px, y 1610..2000 px,
  // i.e. x 170..225 µm, y 342..425 µm. Put the molecules inside that.
  const auto he = ss::test::MakeRamp(300, 200);
  ss::WriteImageAtomically(he.GetPointer(), dir + "/he.png");
  ss::WriteXeniumAlignment(dir + "/he_imagealignment.csv", m);
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", pixelSize);
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", ExampleMolecules(180.0f, 350.0f));

  const ss::XeniumBundle b = ss::ReadXeniumBundle(dir, dir + "/he.png", dir + "/he_imagealignment.csv");
  EXPECT_EQ(b.molecules.Size(), 60u);
  EXPECT_EQ(b.heSize[0], 300u);
  EXPECT_EQ(b.heSize[1], 200u);
  EXPECT_DOUBLE_EQ(b.experiment.pixelSizeUm, pixelSize);
  ss::PointType px;
  px[0] = 100;
  px[1] = 50;
  const ss::PointType um = b.heFrame.FullResPxToMicrons(px);
  EXPECT_NEAR(um[0], pixelSize * (1.3 * 50 + 800), 1e-9);
  EXPECT_NEAR(um[1], pixelSize * (-1.3 * 100 + 2000), 1e-9);

  // Without an H&E: molecules only. With an H&E but no alignment: an error saying how to get one.
  EXPECT_TRUE(ss::ReadXeniumBundle(dir).hePath.empty());
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir, dir + "/he.png"), "Image Alignment");

  // The inverse matrix (morphology px -> H&E px) puts the H&E elsewhere: refused, and said so.
  ss::WriteXeniumAlignment(dir + "/inverse.csv", itk::Matrix<double, 3, 3>(m.GetInverse()));
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir, dir + "/he.png", dir + "/inverse.csv"), "the matrix looks inverted");
  // A matrix of another slide: refused with the check to do.
  itk::Matrix<double, 3, 3> other = m;
  other(0, 2) = 90000;
  ss::WriteXeniumAlignment(dir + "/other.csv", other);
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir, dir + "/he.png", dir + "/other.csv"), "0% overlap");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir, dir + "/he.png", dir + "/other.csv"), "belongs to this H&E");
}

TEST(Xenium, ParquetOnlyBundleIsRefusedWithTheConversion)
{
  const std::string dir = ss::test::TestDirectory();
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  ss::WriteTextFileAtomically(dir + "/transcripts.parquet", "PAR1");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir), "no Parquet support");
  SS_EXPECT_INPUT_ERROR(ss::ReadXeniumBundle(dir), "pd.read_parquet('transcripts.parquet')");
}
