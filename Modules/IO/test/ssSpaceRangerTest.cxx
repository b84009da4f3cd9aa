#include "ssHDF5File.h"
#include "ssIOTestUtilities.h"
#include "ssSpaceRanger.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssImageIO.h"
#include "ssStreamingRGBDownsampler.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

namespace fs = boost::filesystem;
using ss::test::HasNote;

namespace
{
/** Writes a matrix with the given CSC arrays through the raw HDF5 helper (for broken files). */
void WriteRawMatrix(const std::string & path,
                    const std::vector<std::int64_t> & indptr,
                    const std::vector<std::int64_t> & indices,
                    const std::vector<std::int32_t> & data,
                    std::int32_t features,
                    std::int32_t barcodes,
                    bool withIndptr = true)
{
  ss::hdf5::File f = ss::hdf5::File::Create(path, path);
  f.CreateGroup("matrix");
  f.CreateGroup("matrix/features");
  std::vector<std::string> b, ids, names, types;
  for (int i = 0; i < barcodes; ++i)
  {
    b.push_back("BC" + std::to_string(i) + "-1");
  }
  for (int i = 0; i < features; ++i)
  {
    ids.push_back("ENSG" + std::to_string(i));
    names.push_back("G" + std::to_string(i));
    types.push_back("Gene Expression");
  }
  f.WriteStrings("matrix/barcodes", b);
  f.WriteInt32("matrix/data", data);
  f.WriteInt64("matrix/indices", indices);
  if (withIndptr)
  {
    f.WriteInt64("matrix/indptr", indptr);
  }
  f.WriteInt32("matrix/shape", { features, barcodes });
  f.WriteStrings("matrix/features/id", ids);
  f.WriteStrings("matrix/features/name", names);
  f.WriteStrings("matrix/features/feature_type", types);
  f.Close();
}

void ExpectSameCounts(const ss::SpotDataset & a, const ss::SpotDataset & b)
{
  ASSERT_EQ(a.NumberOfGenes(), b.NumberOfGenes());
  ASSERT_EQ(a.NumberOfSpots(), b.NumberOfSpots());
  for (std::size_t s = 0; s < a.NumberOfSpots(); ++s)
  {
    for (std::size_t g = 0; g < a.NumberOfGenes(); ++g)
    {
      ASSERT_EQ(a.counts.Get(g, s), b.counts.Get(g, s)) << "gene " << g << " spot " << s;
    }
  }
}
} // namespace

TEST(SpaceRanger, RealFixture)
{
  SS_REQUIRE_DATA(outs, "visium_outs_fixture");
  const ss::SpotDataset ds = ss::ReadSpaceRangerOuts(outs);
  EXPECT_EQ(ds.NumberOfSpots(), 100u);
  EXPECT_EQ(ds.NumberOfGenes(), 100u);
  EXPECT_EQ(ds.platform, "visium");
  EXPECT_EQ(ds.lattice, ss::SpotLattice::Hexagonal);
  EXPECT_EQ(ds.pitchUm, 100);
  EXPECT_EQ(ds.spotDiameterUm, 55);
  // spot_diameter_fullres spans a theoretical 65 µm spot (Space Ranger's documentation).
  const double mpp = 65.0 / 89.42751063343188;
  EXPECT_NEAR(ds.frame.GetMicronsPerPixel(), mpp, 1e-12);
  EXPECT_DOUBLE_EQ(ds.frame.GetHiresScale(), 0.150015);
  EXPECT_DOUBLE_EQ(ds.frame.GetLowresScale(), 0.045004502);

  const auto it = std::find(ds.spots.id.begin(), ds.spots.id.end(), "AAACAAGTATCTCCCA-1");
  ASSERT_NE(it, ds.spots.id.end());
  const auto s = static_cast<std::size_t>(it - ds.spots.id.begin());
  EXPECT_EQ(ds.spots.positionPx[s][0], 9811); // x = pxl_col_in_fullres
  EXPECT_EQ(ds.spots.positionPx[s][1], 8513); // y = pxl_row_in_fullres
  EXPECT_NEAR(ds.spots.positionUm[s][0], 9811 * mpp, 1e-9);
  EXPECT_NEAR(ds.spots.positionUm[s][1], 8513 * mpp, 1e-9);
  EXPECT_EQ(ds.spots.arrayCol[s], 102);
  EXPECT_EQ(ds.spots.arrayRow[s], 50);

  // The array grid fitted to all 4,992 positions confirms that scale: neighbouring columns
  // are 50 µm apart (half the 100 µm pitch) and rows 100 * sqrt(3) / 2 µm. With 55 µm per
  // spot_diameter_fullres they would be 42.3 and 73.6 µm.
  ASSERT_TRUE(ds.frame.HasArrayGrid());
  EXPECT_NEAR(ds.frame.GetArrayColumnStepMicrons(), 50.0, 0.3);
  EXPECT_NEAR(ds.frame.GetArrayRowStepMicrons(), 86.6, 0.5);
  EXPECT_FALSE(HasNote(ds.notes, "not Visium's 100 µm"));
  const ss::PointType px = ds.frame.ArrayToFullResPx(102, 50);
  EXPECT_NEAR(px[0], 9811, 3);
  EXPECT_NEAR(px[1], 8513, 3);
  EXPECT_TRUE(HasNote(ds.notes, "4892 position(s) have no counts"));
  EXPECT_FALSE(HasNote(ds.notes, "fits the pixel positions badly"));

  const auto lowres = ss::ReadSpaceRangerImage(outs, "lowres", ds.frame);
  EXPECT_EQ(lowres->GetLargestPossibleRegion().GetSize(0), 600u);
  EXPECT_NEAR(lowres->GetSpacing()[0], mpp / 0.045004502, 1e-9);
  // The spot lies on the lowres image where full-res px * tissue_lowres_scalef says.
  itk::ContinuousIndex<double, 2> ci;
  lowres->TransformPhysicalPointToContinuousIndex(ds.spots.positionUm[s], ci);
  EXPECT_NEAR(ci[0], 9811 * 0.045004502, 1e-6);
  EXPECT_NEAR(ci[1], 8513 * 0.045004502, 1e-6);

  // The fixture's hires PNG is RGBA and all black: converted (alpha dropped), still black.
  const auto hires = ss::ReadSpaceRangerImage(outs, "hires", ds.frame);
  EXPECT_EQ(hires->GetLargestPossibleRegion().GetSize(0), 2000u);
  EXPECT_NEAR(hires->GetSpacing()[1], mpp / 0.150015, 1e-9);
  ss::IndexType centre;
  centre.Fill(1000);
  EXPECT_EQ(hires->GetPixel(centre), ss::RGBPixelType(static_cast<unsigned char>(0)));
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerImage(outs, "fullres", ds.frame), "hires");
}

TEST(SpaceRanger, WriteReadRoundTripVersion2)
{
  const std::string dir = ss::test::TestDirectory() + "/outs";
  const ss::SpotDataset original = ss::test::MakeVisiumLike(5, 6, 0.5);
  const auto image = ss::test::MakeRamp(2600, 2200, 0.5);
  ss::SpaceRangerWriteOptions options;
  options.writeFullResImage = true;
  ss::WriteSpaceRangerOuts(dir, original, image, options);
  EXPECT_TRUE(ss::FileExists(dir + "/spatial/tissue_positions.csv"));
  EXPECT_FALSE(ss::FileExists(dir + "/spatial/tissue_positions_list.csv"));
  EXPECT_EQ(ss::ReadWholeFile(dir + "/spatial/tissue_positions.csv").substr(0, 8), "barcode,");

  const ss::SpotDataset read = ss::ReadSpaceRangerOuts(dir);
  EXPECT_EQ(read.spots.id, original.spots.id);
  EXPECT_EQ(read.genes, original.genes);
  ExpectSameCounts(read, original);
  EXPECT_EQ(read.spots.arrayCol, original.spots.arrayCol);
  EXPECT_EQ(read.spots.arrayRow, original.spots.arrayRow);
  EXPECT_NEAR(read.frame.GetMicronsPerPixel(), 0.5, 1e-12);
  for (std::size_t s = 0; s < read.NumberOfSpots(); ++s)
  {
    EXPECT_EQ(read.spots.positionPx[s], original.spots.positionPx[s]);
    EXPECT_NEAR(read.spots.positionUm[s].EuclideanDistanceTo(original.spots.positionUm[s]), 0.0, 1e-9);
  }
  const double hiresScale = 2000.0 / 2600.0;
  EXPECT_DOUBLE_EQ(read.frame.GetHiresScale(), hiresScale);
  EXPECT_DOUBLE_EQ(read.frame.GetLowresScale(), 600.0 / 2600.0);

  // Hires PNG: 2000 x round(2200 * s) px, area averages of the ramp placed at q / scale.
  const auto hires = ss::ReadSpaceRangerImage(dir, "hires", read.frame);
  EXPECT_EQ(hires->GetLargestPossibleRegion().GetSize(0), 2000u);
  EXPECT_EQ(hires->GetLargestPossibleRegion().GetSize(1),
            static_cast<itk::SizeValueType>(std::lround(2200 * hiresScale)));
  for (const auto & q : { std::make_pair(100, 200), std::make_pair(1500, 900), std::make_pair(777, 1333) })
  {
    ss::IndexType i;
    i[0] = q.first;
    i[1] = q.second;
    const double expectedR = 255.0 * (q.first / hiresScale) / 2599.0;
    const double expectedG = 255.0 * (q.second / hiresScale) / 2199.0;
    EXPECT_NEAR(hires->GetPixel(i)[0], expectedR, 1.0) << q.first << "," << q.second;
    EXPECT_NEAR(hires->GetPixel(i)[1], expectedG, 1.0) << q.first << "," << q.second;
  }
  const auto lowres = ss::ReadSpaceRangerImage(dir, "lowres", read.frame);
  EXPECT_EQ(lowres->GetLargestPossibleRegion().GetSize(0), 600u);
  EXPECT_NEAR(lowres->GetSpacing()[0], 0.5 * 2600.0 / 600.0, 1e-9);

  // The full-resolution TIFF holds the image itself.
  ss::HistologyOptions o;
  o.frame = read.frame;
  ss::HistologySource tiff(dir + "/tissue_image.tif", o);
  const auto full = tiff.Read();
  ss::IndexType i;
  i[0] = 1234;
  i[1] = 567;
  EXPECT_EQ(full->GetPixel(i), image->GetPixel(i));
}

TEST(SpaceRanger, Version1PositionsWithoutHeaderAndHeaderDetectedEitherWay)
{
  const std::string dir = ss::test::TestDirectory();
  const ss::SpotDataset original = ss::test::MakeVisiumLike(3, 4, 0.8);
  ss::SpaceRangerWriteOptions v1;
  v1.positionsVersion = 1;
  ss::WriteSpaceRangerOuts(dir, original, nullptr, v1);
  const std::string list = dir + "/spatial/tissue_positions_list.csv";
  const std::string text = ss::ReadWholeFile(list);
  EXPECT_EQ(text.substr(0, 11), "SPOT1000-1,");
  EXPECT_NEAR(ss::ReadSpaceRangerOuts(dir).frame.GetMicronsPerPixel(), 0.8, 1e-12);

  // A 1.x file name with a header, and a 2.x name without one, read the same.
  ss::WriteTextFileAtomically(list,
                              "barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\n" + text);
  const ss::SpotDataset a = ss::ReadSpaceRangerOuts(dir);
  fs::remove(list);
  ss::WriteTextFileAtomically(dir + "/spatial/tissue_positions.csv", text);
  const ss::SpotDataset b = ss::ReadSpaceRangerOuts(dir);
  EXPECT_EQ(a.spots.positionPx, original.spots.positionPx);
  EXPECT_EQ(b.spots.positionPx, original.spots.positionPx);
  // Without an image there are no hires/lowres scales, and asking for the image says so.
  EXPECT_EQ(b.frame.GetHiresScale(), 0);
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerImage(dir, "hires", b.frame), "tissue_hires_scalef");
}

TEST(SpaceRanger, ColumnsFoundByNameInAnyOrder)
{
  const std::string dir = ss::test::TestDirectory();
  const ss::SpotDataset original = ss::test::MakeVisiumLike(3, 4, 0.8);
  ss::WriteSpaceRangerOuts(dir, original, nullptr);
  std::string text = "pxl_col_in_fullres,pxl_row_in_fullres,barcode,array_col,array_row,in_tissue\n";
  for (std::size_t s = 0; s < original.NumberOfSpots(); ++s)
  {
    text += std::to_string(static_cast<long>(original.spots.positionPx[s][0])) + "," +
            std::to_string(static_cast<long>(original.spots.positionPx[s][1])) + "," + original.spots.id[s] + "," +
            std::to_string(original.spots.arrayCol[s]) + "," + std::to_string(original.spots.arrayRow[s]) + ",1\n";
  }
  ss::WriteTextFileAtomically(dir + "/spatial/tissue_positions.csv", text);
  const ss::SpotDataset read = ss::ReadSpaceRangerOuts(dir);
  EXPECT_EQ(read.spots.positionPx, original.spots.positionPx);
  EXPECT_EQ(read.spots.arrayCol, original.spots.arrayCol);
}

TEST(SpaceRanger, InTissueOnlyDropsAndReports)
{
  const std::string dir = ss::test::TestDirectory();
  ss::SpotDataset original = ss::test::MakeVisiumLike(3, 4, 0.8);
  original.spots.inTissue[0] = 0;
  original.spots.inTissue[5] = 0;
  ss::WriteSpaceRangerOuts(dir, original, nullptr);
  const ss::SpotDataset inTissue = ss::ReadSpaceRangerOuts(dir);
  EXPECT_EQ(inTissue.NumberOfSpots(), original.NumberOfSpots() - 2);
  EXPECT_TRUE(HasNote(inTissue.notes, "2 spot(s) of the matrix are outside the tissue"));
  EXPECT_EQ(inTissue.counts.Get(0, 0), original.counts.Get(0, 1)); // spot 1 is now first
  ss::SpaceRangerReadOptions all;
  all.inTissueOnly = false;
  EXPECT_EQ(ss::ReadSpaceRangerOuts(dir, all).NumberOfSpots(), original.NumberOfSpots());
}

TEST(SpaceRanger, DuplicateSymbolsMadeUniqueAndOtherFeaturesDropped)
{
  const std::string dir = ss::test::TestDirectory();
  const ss::SpotDataset original = ss::test::MakeVisiumLike(2, 3, 1.0);
  ss::WriteSpaceRangerOuts(dir, original, nullptr);
  // Rewrite the matrix as real references have it: a symbol twice, and an antibody feature.
  ss::FeatureBarcodeMatrix m;
  m.barcodes = original.spots.id;
  m.featureIds = { "ENSG01", "ENSG02", "ENSG03", "CD3_TotalSeqB" };
  m.featureNames = { "TBCE", "Other", "TBCE", "CD3" };
  m.featureTypes = { "Gene Expression", "Gene Expression", "Gene Expression", "Antibody Capture" };
  std::vector<float> dense(4 * m.barcodes.size());
  for (std::size_t i = 0; i < dense.size(); ++i)
  {
    dense[i] = static_cast<float>(i % 5);
  }
  m.counts = ss::SparseCounts::FromDense(4, m.barcodes.size(), dense);
  ss::WriteFeatureBarcodeMatrixH5(dir + "/filtered_feature_bc_matrix.h5", m);

  const ss::SpotDataset read = ss::ReadSpaceRangerOuts(dir);
  ASSERT_EQ(read.genes, (std::vector<std::string>{ "TBCE (ENSG01)", "Other", "TBCE (ENSG03)" }));
  EXPECT_TRUE(HasNote(read.notes, "1 gene symbol(s) occur more than once (TBCE)"));
  EXPECT_TRUE(HasNote(read.notes, "dropped 1 'Antibody Capture' feature(s)"));
  for (std::size_t s = 0; s < read.NumberOfSpots(); ++s)
  {
    EXPECT_EQ(read.counts.Get(2, s), dense[s * 4 + 2]);
  }
}

TEST(SpaceRanger, FeatureBarcodeMatrixRoundTrip)
{
  const std::string path = ss::test::TestDirectory() + "/m.h5";
  ss::FeatureBarcodeMatrix m;
  m.barcodes = { "A-1", "B-1", "C-1" };
  m.featureIds = { "id0", "id1" };
  m.featureNames = { "g0", "g1" };
  m.featureTypes = { "Gene Expression", "Gene Expression" };
  m.counts = ss::SparseCounts::FromDense(2, 3, { 1, 0, 0, 7, 123456, 2 });
  ss::WriteFeatureBarcodeMatrixH5(path, m);
  const ss::FeatureBarcodeMatrix r = ss::ReadFeatureBarcodeMatrixH5(path);
  EXPECT_EQ(r.barcodes, m.barcodes);
  EXPECT_EQ(r.featureIds, m.featureIds);
  EXPECT_EQ(r.featureNames, m.featureNames);
  EXPECT_EQ(r.counts.GetColumnPointers(), m.counts.GetColumnPointers());
  EXPECT_EQ(r.counts.GetRowIndices(), m.counts.GetRowIndices());
  EXPECT_EQ(r.counts.GetValues(), m.counts.GetValues());
  EXPECT_EQ(r.counts.Get(0, 2), 123456);

  // The same matrix gives the same bytes later on (HDF5 stamps objects with their
  // modification time by default; SuperSpotSimulate's determinism test found it).
  auto bytes = [](const std::string & file)
  {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string first = bytes(path);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the time stamps count seconds
  ss::WriteFeatureBarcodeMatrixH5(path, m);
  EXPECT_TRUE(bytes(path) == first) << "the same matrix written twice differs";

  m.counts = ss::SparseCounts::FromDense(2, 3, { 1.5f, 0, 0, 7, 1, 2 });
  SS_EXPECT_INPUT_ERROR(ss::WriteFeatureBarcodeMatrixH5(path, m), "integer");
}

TEST(SpaceRanger, BrokenMatricesAreRefusedWithTheDataset)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string h5 = dir + "/m.h5";
  // 2 features x 2 barcodes, 3 values.
  WriteRawMatrix(h5, { 0, 2, 4 }, { 0, 1, 0 }, { 1, 2, 3 }, 2, 2);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5), "matrix/indptr: ends at 4 but matrix/data has 3 values");
  WriteRawMatrix(h5, { 0, 2, 1 }, { 0, 1, 0 }, { 1, 2, 3 }, 2, 2);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5), "matrix/indptr: decreases at barcode 1");
  WriteRawMatrix(h5, { 0, 2, 3 }, { 0, 5, 0 }, { 1, 2, 3 }, 2, 2);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5),
                        "matrix/indices: value 5 at position 1 (barcode BC0-1) is outside [0, 2)");
  WriteRawMatrix(h5, { 0, 2, 3 }, { 0, 1, 0 }, { 1, 2, 3 }, 2, 3);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5),
                        "matrix/indptr: has 3 entries but matrix/shape[1] + 1 says 4");
  WriteRawMatrix(h5, {}, { 0, 1, 0 }, { 1, 2, 3 }, 2, 2, false);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5), "matrix/indptr: dataset missing");
  WriteRawMatrix(h5, { 0, 2, 3 }, { 1, 0, 1 }, { 1, 2, 3 }, 2, 2);
  EXPECT_EQ(ss::ReadFeatureBarcodeMatrixH5(h5).counts.Get(0, 0), 2); // unsorted rows are fine
  // Negative values are not counts (the value as written, not std::to_string's "-2.000000").
  WriteRawMatrix(h5, { 0, 2, 3 }, { 0, 1, 0 }, { 1, -2, 3 }, 2, 2);
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5),
                        "matrix/data: value -2 (barcode BC0-1, feature ENSG1) is not a non-negative count");

  ss::WriteTextFileAtomically(h5, "barcode,count\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(h5), "not an HDF5 file");
  SS_EXPECT_INPUT_ERROR(ss::ReadFeatureBarcodeMatrixH5(dir + "/absent.h5"), "absent.h5");
}

TEST(SpaceRanger, MissingPositionsScaleFactorsAndParquet)
{
  const std::string dir = ss::test::TestDirectory();
  const ss::SpotDataset original = ss::test::MakeVisiumLike(3, 4, 0.8);
  ss::WriteSpaceRangerOuts(dir, original, nullptr);
  const std::string positions = dir + "/spatial/tissue_positions.csv";
  const std::string text = ss::ReadWholeFile(positions);

  // A matrix barcode without a position is an error naming it.
  std::string withoutSecond = text;
  const auto b = withoutSecond.find("SPOT1001-1");
  withoutSecond.erase(b, withoutSecond.find('\n', b) - b + 1);
  ss::WriteTextFileAtomically(positions, withoutSecond);
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir),
                        "1 of the 12 barcodes of filtered_feature_bc_matrix.h5 have no position (SPOT1001-1)");

  // Parquet only: refused with the conversion.
  fs::remove(positions);
  ss::WriteTextFileAtomically(dir + "/spatial/tissue_positions.parquet", "PAR1");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir), "no Parquet support");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir), "pd.read_parquet('tissue_positions.parquet')");
  fs::remove(dir + "/spatial/tissue_positions.parquet");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir), "neither tissue_positions.csv");
  ss::WriteTextFileAtomically(positions, text);

  // No scale factors: µm per pixel is unknown unless given.
  fs::remove(dir + "/spatial/scalefactors_json.json");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir), "scalefactors_json.json: scale factors: file not found");
  ss::SpaceRangerReadOptions given;
  given.micronsPerPixel = 0.7;
  const ss::SpotDataset read = ss::ReadSpaceRangerOuts(dir, given);
  EXPECT_DOUBLE_EQ(read.frame.GetMicronsPerPixel(), 0.7);
  EXPECT_NEAR(read.spots.positionUm[3][0], original.spots.positionPx[3][0] * 0.7, 1e-9);

  // A µm per pixel that contradicts the 100 µm pitch of the array is reported.
  // (0.7 given, 0.8 true: 87.5 µm between neighbours).
  EXPECT_TRUE(HasNote(read.notes, "with 0.7 µm per pixel the spots are 87.5"));
  bool suggested = false;
  for (const auto & note : read.notes)
  {
    const auto at = note.find("the array grid suggests ");
    if (at != std::string::npos)
    {
      suggested = true;
      EXPECT_NEAR(std::stod(note.substr(at + 24)), 0.8, 0.005) << note;
    }
  }
  EXPECT_TRUE(suggested);

  // Broken values name the file, the row and the column.
  ss::WriteTextFileAtomically(dir + "/spatial/scalefactors_json.json", "{\"spot_diameter_fullres\": -3}");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir), "spot_diameter_fullres: must be a positive number");
  // Positive but absurd: 65 µm / 1e-300 px would place the spots at 1e302 µm.
  ss::WriteTextFileAtomically(dir + "/spatial/scalefactors_json.json", "{\"spot_diameter_fullres\": 1e-300}");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir),
                        "spot_diameter_fullres: 65 µm / spot_diameter_fullres (1e-300 px) gives 6.5e+301 µm per pixel");
  fs::remove(dir + "/spatial/scalefactors_json.json");
  ss::WriteTextFileAtomically(
    positions, "barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\nSPOT1000-1,1,0,0,12a,5\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir, given),
                        "tissue_positions.csv:2: pxl_row_in_fullres: '12a' is not a number");
  // Found by ssFuzzSpaceRangerOuts: 8.9e99 as an array position was undefined behaviour in
  // the conversion to int; pixel positions beyond ±1e8 are no positions either.
  ss::WriteTextFileAtomically(
    positions, "barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\nSPOT1000-1,1,8.88889e+99,0,1,5\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir, given),
                        "tissue_positions.csv:2: array_row: '8.88889e+99' is outside ±1000000");
  ss::WriteTextFileAtomically(
    positions, "barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\nSPOT1000-1,1,0,0,1,-3e8\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpaceRangerOuts(dir, given),
                        "tissue_positions.csv:2: pxl_col_in_fullres: '-3e8' is outside ±1e8");
}

TEST(SpaceRanger, WriterRefusesFramesItCannotExpress)
{
  const std::string dir = ss::test::TestDirectory();
  ss::SpotDataset ds = ss::test::MakeVisiumLike(2, 3, 1.0);
  ss::PointType origin;
  origin[0] = 10;
  origin[1] = 0;
  ss::CoordinateFrame::MatrixType m;
  m.SetIdentity();
  ds.frame = ss::CoordinateFrame::FromAffine(m, origin);
  SS_EXPECT_INPUT_ERROR(ss::WriteSpaceRangerOuts(dir, ds, nullptr), "square pixels without rotation and origin 0");
  ds = ss::test::MakeVisiumLike(2, 3, 1.0);
  const auto wrongSpacing = ss::test::MakeRamp(800, 600, 0.25);
  SS_EXPECT_INPUT_ERROR(ss::WriteSpaceRangerOuts(dir, ds, wrongSpacing), "differs from the dataset's frame");
}

TEST(SpaceRanger, ImagesMadeBeforehandWriteTheSameFolder)
{
  // A slide too large to hold gets its hires/lowres images from StreamingRGBDownsampler; the
  // folder must be the one WriteSpaceRangerOuts writes from the whole image.
  const std::string dir = ss::test::TestDirectory();
  const ss::SpotDataset ds = ss::test::MakeVisiumLike(4, 5, 0.5);
  const auto image = ss::test::MakeRamp(2600, 2200, 0.5);
  ss::SpaceRangerWriteOptions options;
  options.positionsVersion = 1;
  ss::WriteSpaceRangerOuts(dir + "/whole", ds, image, options);

  const auto grid = ss::GridGeometry::FromImage(image);
  ss::SpaceRangerImages images;
  images.hiresScale = ss::ScaleToFit(grid.size, options.hiresMaxSize);
  images.lowresScale = ss::ScaleToFit(grid.size, options.lowresMaxSize);
  ss::StreamingRGBDownsampler hires(grid, images.hiresScale);
  ss::StreamingRGBDownsampler lowres(grid, images.lowresScale);
  std::vector<std::uint8_t> rgb(2600 * 3);
  for (std::int64_t y = 0; y < 2200; ++y)
  {
    ss::IndexType i;
    i[1] = y;
    for (i[0] = 0; i[0] < 2600; ++i[0])
    {
      for (unsigned c = 0; c < 3; ++c)
      {
        rgb[static_cast<std::size_t>(i[0]) * 3 + c] = image->GetPixel(i)[c];
      }
    }
    hires.AddRows(y, 1, rgb.data());
    lowres.AddRows(y, 1, rgb.data());
  }
  images.hires = hires.GetOutput();
  images.lowres = lowres.GetOutput();
  ss::WriteSpaceRangerOuts(dir + "/streamed", ds, images, options);
  for (const char * file : { "spatial/tissue_positions_list.csv",
                             "spatial/scalefactors_json.json",
                             "spatial/tissue_hires_image.png",
                             "spatial/tissue_lowres_image.png" })
  {
    EXPECT_EQ(ss::ReadWholeFile(dir + "/streamed/" + file), ss::ReadWholeFile(dir + "/whole/" + file)) << file;
  }
  const auto read = ss::ReadSpaceRangerOuts(dir + "/streamed");
  ExpectSameCounts(read, ds);
  EXPECT_DOUBLE_EQ(read.frame.GetHiresScale(), 2000.0 / 2600.0);

  // Without images: no PNGs and no image scale factors; bad scales and a full-res request are refused.
  ss::WriteSpaceRangerOuts(dir + "/bare", ds, ss::SpaceRangerImages{}, options);
  EXPECT_FALSE(ss::FileExists(dir + "/bare/spatial/tissue_hires_image.png"));
  EXPECT_EQ(ss::ReadJSONFile(dir + "/bare/spatial/scalefactors_json.json").count("tissue_hires_scalef"), 0u);
  images.hiresScale = 0;
  EXPECT_THROW(ss::WriteSpaceRangerOuts(dir + "/bad", ds, images, options), std::invalid_argument);
  images.hiresScale = 0.5;
  options.writeFullResImage = true;
  EXPECT_THROW(ss::WriteSpaceRangerOuts(dir + "/bad", ds, images, options), std::invalid_argument);
}
