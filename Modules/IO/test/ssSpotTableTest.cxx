#include "ssIOTestUtilities.h"
#include "ssSpotTable.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssTextTable.h"

#include <gtest/gtest.h>

#include <cmath>

using ss::test::HasNote;

namespace
{
std::string WriteText(const std::string & name, const std::string & text)
{
  const std::string path = ss::JoinPath(ss::test::TestDirectory(), name);
  ss::WriteTextFileAtomically(path, text);
  return path;
}
} // namespace

TEST(SpotTable, RoundTripKeepsPositionsArraysAndCounts)
{
  // 0.5 µm per pixel with an offset origin, so px and µm differ in scale and origin.
  ss::SpotDataset ds = ss::test::MakeVisiumLike(4, 5, 0.5);
  ss::PointType origin;
  origin[0] = 1000;
  origin[1] = -250;
  ss::CoordinateFrame::MatrixType m;
  m.SetIdentity();
  m *= 0.5;
  ds.frame = ss::CoordinateFrame::FromAffine(m, origin);
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  ds.spots.inTissue[3] = 0;
  ds.spots.id[2] = "odd,id";
  const std::string path = ss::test::TestDirectory() + "/spots.csv.gz";
  ss::WriteSpotTable(path, ds, true);
  const std::string text = ss::ReadWholeFile(path);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "id,x_px,y_px,x_um,y_um,in_tissue,array_col,array_row,GeneA,GeneB,GeneC,GeneD,GeneE,GeneF,GeneG");
  EXPECT_NE(text.find("\"odd,id\","), std::string::npos);

  // No image frame: the px -> µm geometry is fitted from the two pairs of columns.
  const ss::SpotDataset back = ss::ReadSpotTable(path);
  ASSERT_EQ(back.NumberOfSpots(), ds.NumberOfSpots());
  EXPECT_EQ(back.platform, "spots");
  EXPECT_EQ(back.spots.id, ds.spots.id);
  EXPECT_EQ(back.genes, ds.genes);
  EXPECT_EQ(back.spots.arrayCol, ds.spots.arrayCol);
  EXPECT_EQ(back.spots.arrayRow, ds.spots.arrayRow);
  EXPECT_EQ(back.spots.inTissue, ds.spots.inTissue);
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    EXPECT_EQ(back.spots.positionUm[s], ds.spots.positionUm[s]);
    EXPECT_EQ(back.spots.positionPx[s], ds.spots.positionPx[s]);
    for (std::size_t g = 0; g < ds.NumberOfGenes(); ++g)
    {
      EXPECT_EQ(back.counts.Get(g, s), ds.counts.Get(g, s));
    }
  }
  EXPECT_NEAR(back.frame.GetMicronsPerPixel(), 0.5, 1e-9);
  EXPECT_NEAR(back.frame.GetOrigin()[0], 1000, 1e-6);
  EXPECT_NEAR(back.frame.GetOrigin()[1], -250, 1e-6);
  EXPECT_TRUE(HasNote(back.notes, "pixel geometry fitted"));
  // Visium's layout: hexagonal, 100 µm pitch, 55 µm spots assumed.
  EXPECT_EQ(back.lattice, ss::SpotLattice::Hexagonal);
  EXPECT_NEAR(back.pitchUm, 100.0, 1.0);
  EXPECT_NEAR(back.spotDiameterUm, 0.55 * back.pitchUm, 1e-9);
  EXPECT_TRUE(HasNote(back.notes, "spot diameter assumed"));

  // Positions only: genes are optional.
  const std::string positions = ss::test::TestDirectory() + "/positions.csv";
  ss::WriteSpotTable(positions, ds, false);
  ss::SpotTableReadOptions o;
  o.spotDiameterUm = 60;
  const ss::SpotDataset noGenes = ss::ReadSpotTable(positions, o);
  EXPECT_EQ(noGenes.NumberOfGenes(), 0u);
  EXPECT_EQ(noGenes.NumberOfSpots(), ds.NumberOfSpots());
  EXPECT_EQ(noGenes.spotDiameterUm, 60);
  EXPECT_FALSE(HasNote(noGenes.notes, "spot diameter assumed"));
}

TEST(SpotTable, PixelsNeedAFrameAndMustAgreeWithIt)
{
  const std::string px = WriteText("px.tsv",
                                   "ID\tx_px\ty_px\tarray_col\tarray_row\tEPCAM\n"
                                   "a\t100\t100\t0\t0\t3\n"
                                   "b\t500\t100\t1\t0\t0\n"
                                   "c\t100\t500\t0\t1\t1\n"
                                   "d\t500\t500\t1\t1\t7\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(px), "x_px/y_px: positions are in image pixels");
  ss::SpotTableReadOptions o;
  o.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
  const ss::SpotDataset ds = ss::ReadSpotTable(px, o);
  EXPECT_EQ(ds.spots.positionUm[3][0], 250.0);
  EXPECT_EQ(ds.spots.positionUm[3][1], 250.0);
  EXPECT_EQ(ds.counts.Get(0, 3), 7.0f);
  // Square array (col + row takes both parities): pitch = one array column, 200 µm here.
  EXPECT_EQ(ds.lattice, ss::SpotLattice::Square);
  EXPECT_NEAR(ds.pitchUm, 200.0, 1e-9);
  EXPECT_NEAR(ds.spotDiameterUm, 100.0, 1e-9);

  const std::string both = WriteText("both.csv",
                                     "id,x_px,y_px,x_um,y_um\n"
                                     "a,100,100,50,50\n"
                                     "b,500,100,250,50\n"
                                     "c,100,500,50,260\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(both, o), "spot 'c': x_px,y_px map to (50, 250) µm");
  o.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.52);
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(both, o), "spot 'a'");
}

TEST(SpotTable, MicronsAloneAndIrregularSpots)
{
  // A jittered 30 µm grid without array positions: the pitch is the nearest-neighbour distance.
  std::string text = "id,x_um,y_um\n";
  for (int j = 0; j < 8; ++j)
  {
    for (int i = 0; i < 9; ++i)
    {
      const double jitter = ((i * 7 + j * 3) % 5 - 2) * 0.1;
      text += "s" + std::to_string(j) + "_" + std::to_string(i) + "," + std::to_string(10 + 30 * i + jitter) + "," +
              std::to_string(20 + 30 * j) + "\n";
    }
  }
  const std::string path = WriteText("um.csv", text);
  const ss::SpotDataset ds = ss::ReadSpotTable(path);
  EXPECT_EQ(ds.NumberOfSpots(), 72u);
  EXPECT_EQ(ds.lattice, ss::SpotLattice::Irregular);
  EXPECT_NEAR(ds.pitchUm, 30.0, 0.5);
  EXPECT_NEAR(ds.spotDiameterUm, 0.5 * ds.pitchUm, 1e-9);
  EXPECT_TRUE(HasNote(ds.notes, "pixel coordinates are taken as µm"));
  EXPECT_EQ(ds.spots.positionPx[5], ds.spots.positionUm[5]);
  EXPECT_EQ(ds.spots.inTissue, std::vector<unsigned char>(72, 1));
}

TEST(SpotTable, BadTablesAreRefused)
{
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("a.csv", "x_um,y_um\n1,2\n")), "id: no id column");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("b.csv", "id,x_um,G\na,1,2\n")), "y_um: missing while x_um");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("c.csv", "id,G\na,1\n")), "no spot positions");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("d.csv", "id,x_um,y_um,in_tissue\na,1,2,2\n")),
                        "in_tissue: must be 0 or 1, got 2");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("e.csv", "id,x_um,y_um\na,1,2\na,3,4\n")),
                        "spot 'a' appears more than once");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("f.csv", "id,x_um,y_um,G\na,1,2,0.5\nb,3,4,1\n")),
                        "counts must be raw, non-negative integers");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("g.csv", "id,x_um,y_um\na,1,nan\n")),
                        "g.csv:2: column 'y_um': 'nan' is not a position");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("g.csv", "id,x_um,y_um\na,1,1e300\n")),
                        "g.csv:2: column 'y_um': '1e300' is not a position (a finite number within ±1e8)");
  // Array positions beyond any array (2^31 - 1 twice overflowed the sum the lattice test takes).
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("array.csv",
                                                    "id,x_um,y_um,array_col,array_row\na,1,2,2147483647,2147483647\n"
                                                    "b,3,4,0,0\nc,5,1,1,1\n")),
                        "array.csv:2: column 'array_col': '2147483647' is outside -1000000..1000000");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("h.csv", "id,x_um,y_um\n")), "has a header but no spots");
  // One spot has no pitch (ssFuzzSpotTable: ITK's k-d tree threw its own exception), and
  // spots on top of each other have pitch 0.
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("one.csv", "id,x_um,y_um\na,1,2\n")),
                        "one.csv: rows: one spot and no array positions: its pitch");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("same.csv", "id,x_um,y_um\na,0,0\nb,0,0\nc,0,0\nd,5,5\n")),
                        "same.csv: x_um/y_um: the spots' pitch is 0 µm: at least half of the spots share their position");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("zeros.csv",
                                                    "id,x_um,y_um,array_col,array_row\na,0,0,0,0\nb,0,0,2,0\nc,0,0,1,1\n")),
                        "zeros.csv: array_col/array_row: the spots' pitch is 0 µm");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("i.csv", "id,x_um,y_um,X_UM\na,1,2,3\n")),
                        "x_um: the column occurs more than once");
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("j.csv", "id,x_um,y_um,G\na,1,2\n")), "has 3 fields for 4");
  // Pixels and µm that no affine map relates.
  SS_EXPECT_INPUT_ERROR(ss::ReadSpotTable(WriteText("k.csv",
                                                    "id,x_px,y_px,x_um,y_um\n"
                                                    "a,0,0,0,0\nb,10,0,10,0\nc,0,10,0,10\nd,10,10,30,40\n")),
                        "are not related by one affine map");
}
