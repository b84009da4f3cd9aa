#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssImageIO.h"
#include "ssOpenSlideImageIOFactory.h"
#include "ssSimulatedSlideWriter.h"
#include "ssSimulationTestUtilities.h"
#include "ssSpaceRanger.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

namespace fs = boost::filesystem;

namespace
{

std::string FreshDirectory(const std::string & name)
{
  const std::string dir = std::string(::testing::TempDir()) + "/" + name;
  fs::remove_all(dir);
  return dir;
}

} // namespace

TEST(SimulatedSlideWriter, XeniumBundleReadsBackAsTheSlide)
{
  const auto tissue = sstest::Simulate(sstest::Square(300, 17));
  const std::string dir = FreshDirectory("simulated-xenium");
  ss::SimulatedSlideFormats formats;
  formats.groundTruth = false;
  formats.he.compression = ss::PyramidalTIFFOptions::Compression::Deflate; // lossless, to compare pixels
  formats.he.tileSize = 128;
  const auto written = ss::WriteSimulatedSlide(dir, *tissue, formats);
  ASSERT_EQ(written.size(), 5u);
  for (const auto & f : written)
  {
    EXPECT_TRUE(ss::FileExists(f)) << f;
  }

  ss::AddImageIOFactoryRegistrar("OpenSlide", [] { ss::OpenSlideImageIOFactory::RegisterOneFactory(); });
  ss::RegisterImageIOFactories();
  const auto bundle =
    ss::ReadXeniumBundle(dir, ss::JoinPath(dir, "he.tif"), ss::JoinPath(dir, "he_imagealignment.csv"));
  EXPECT_DOUBLE_EQ(bundle.experiment.pixelSizeUm, 0.2125);
  // The molecules come back as simulated (the writer's decimal text round-trips floats).
  const auto molecules = tissue->MakeMolecules();
  ASSERT_EQ(bundle.molecules.Size(), molecules.Size());
  EXPECT_EQ(bundle.molecules.x, molecules.x);
  EXPECT_EQ(bundle.molecules.y, molecules.y);
  for (std::size_t m = 0; m < molecules.Size(); m += 97)
  {
    ASSERT_EQ(bundle.molecules.genes[bundle.molecules.gene[m]], molecules.genes[molecules.gene[m]]);
  }
  // The alignment puts the H&E where the renderer drew it.
  EXPECT_EQ(bundle.heSize, tissue->GetImageSize());
  for (const double px : { 0.0, 17.0, 599.0 })
  {
    ss::PointType p;
    p[0] = px;
    p[1] = 600 - px;
    const auto a = bundle.heFrame.FullResPxToMicrons(p);
    const auto b = tissue->GetFrame().FullResPxToMicrons(p);
    EXPECT_NEAR(a[0], b[0], 1e-9);
    EXPECT_NEAR(a[1], b[1], 1e-9);
  }

  // Level 0 of he.tif holds exactly the rendered pixels.
  ss::HistologyOptions options;
  options.frame = bundle.heFrame;
  ss::HistologySource he(ss::JoinPath(dir, "he.tif"), options);
  EXPECT_EQ(he.GetImageIOName(), "OpenSlideImageIO");
  const auto image = he.Read();
  std::vector<std::uint8_t> rgb(600 * 600 * 3);
  tissue->RenderRegion(0, 0, 600, 600, rgb.data());
  std::size_t differing = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(image, image->GetBufferedRegion()); !it.IsAtEnd();
       ++it)
  {
    const auto i = (static_cast<std::size_t>(it.GetIndex()[1]) * 600 + it.GetIndex()[0]) * 3;
    differing += it.Get()[0] != rgb[i] || it.Get()[1] != rgb[i + 1] || it.Get()[2] != rgb[i + 2];
  }
  EXPECT_EQ(differing, 0u);

  // Per-cell counts, as Xenium's cell_feature_matrix.h5.
  const auto matrix = ss::ReadFeatureBarcodeMatrixH5(ss::JoinPath(dir, "cell_feature_matrix.h5"));
  ASSERT_EQ(matrix.barcodes.size(), tissue->GetCells().Size());
  EXPECT_EQ(matrix.barcodes[0], "SIMC-0000001");
  EXPECT_EQ(matrix.featureNames, tissue->GetGeneNames());
  EXPECT_EQ(matrix.counts.DenseSpotMajor(), tissue->GetCellCounts().DenseSpotMajor());
}

TEST(SimulatedSlideWriter, GroundTruthReproducesTheSlide)
{
  auto p = sstest::Square(250, 23);
  p.numberOfModules = 5;
  const auto tissue = sstest::Simulate(p);
  const std::string dir = FreshDirectory("simulated-truth");
  ss::SimulatedSlideFormats formats;
  formats.xenium = false;
  formats.labelSpacingUm = 5;
  const auto written = ss::WriteSimulatedSlide(dir, *tissue, formats);
  ASSERT_EQ(written.size(), 5u);

  // simulation.json alone is enough to simulate the same slide again.
  const auto again =
    sstest::Simulate(ss::SimulationParameters::ReadJSONFile(ss::JoinPath(dir, "ground_truth/simulation.json")));
  EXPECT_EQ(again->GetCells().x, tissue->GetCells().x);
  EXPECT_EQ(again->GetCellCounts().GetValues(), tissue->GetCellCounts().GetValues());

  ss::DelimitedReader cells(ss::JoinPath(dir, "ground_truth/cells.csv.gz"));
  ASSERT_TRUE(cells.ReadHeader());
  const int id = cells.RequireColumn("cell_id", "");
  const int x = cells.RequireColumn("x_um", "");
  const int type = cells.RequireColumn("cell_type", "");
  const int total = cells.RequireColumn("total_counts", "");
  const int activity = cells.RequireColumn("module_4_activity", "");
  const auto totals = tissue->GetCellCounts().SpotTotals();
  std::size_t rows = 0;
  while (cells.Next())
  {
    ASSERT_LT(rows, tissue->GetCells().Size());
    EXPECT_EQ(cells.String(id), ss::SimulatedCellId(rows));
    EXPECT_EQ(static_cast<float>(cells.Double(x)), tissue->GetCells().x[rows]);
    EXPECT_EQ(cells.String(type), p.cellTypes[tissue->GetCells().type[rows]].name);
    EXPECT_EQ(cells.Double(total), totals[rows]);
    EXPECT_EQ(static_cast<float>(cells.Double(activity)), tissue->GetCellModuleActivity()[rows * 5 + 4]);
    ++rows;
  }
  EXPECT_EQ(rows, tissue->GetCells().Size());

  ss::DelimitedReader genes(ss::JoinPath(dir, "ground_truth/genes.csv"));
  ASSERT_TRUE(genes.ReadHeader());
  const int module = genes.RequireColumn("module", "");
  const int lymphocyte = genes.RequireColumn("expected_Lymphocyte", "");
  const auto expected = tissue->GetExpectedCounts(2);
  std::size_t g = 0;
  while (genes.Next())
  {
    const int m = tissue->GetGeneModules()[g];
    EXPECT_EQ(genes.String(module), m < 0 ? "housekeeping" : std::to_string(m));
    EXPECT_EQ(genes.Double(lymphocyte), expected[g]);
    ++g;
  }
  EXPECT_EQ(g, p.numberOfGenes);

  ss::RegisterImageIOFactories();
  auto reader = itk::ImageFileReader<ss::MaskImageType>::New();
  reader->SetFileName(ss::JoinPath(dir, "ground_truth/domain_labels.nrrd"));
  reader->Update();
  const auto expectedLabels = tissue->MakeDomainLabelImage(5);
  EXPECT_DOUBLE_EQ(reader->GetOutput()->GetSpacing()[0], 5);
  EXPECT_EQ(reader->GetOutput()->GetLargestPossibleRegion(), expectedLabels->GetLargestPossibleRegion());
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(expectedLabels,
                                                                    expectedLabels->GetBufferedRegion());
       !it.IsAtEnd();
       ++it)
  {
    ASSERT_EQ(reader->GetOutput()->GetPixel(it.GetIndex()), it.Get());
  }
}

TEST(SimulatedSlideWriter, RefusesNonEmptyFoldersAndNoFormat)
{
  const auto tissue = sstest::Simulate(sstest::Square(150, 1));
  const std::string dir = FreshDirectory("simulated-refuse");
  ss::SimulatedSlideFormats truth;
  truth.xenium = false;
  ss::WriteSimulatedSlide(dir, *tissue, truth);
  EXPECT_THROW(ss::WriteSimulatedSlide(dir, *tissue, truth), ss::InputError);
  truth.overwrite = true;
  EXPECT_NO_THROW(ss::WriteSimulatedSlide(dir, *tissue, truth));
  ss::SimulatedSlideFormats none;
  none.xenium = false;
  none.groundTruth = false;
  EXPECT_THROW(ss::WriteSimulatedSlide(FreshDirectory("simulated-none"), *tissue, none), ss::InputError);
  EXPECT_EQ(ss::SimulatedCellId(41), "SIMC-0000042");
}
