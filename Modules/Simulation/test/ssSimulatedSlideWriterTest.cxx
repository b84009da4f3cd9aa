#include "ssError.h"
#include "ssFiles.h"
#include "ssGridGeometry.h"
#include "ssHistologySource.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssPseudoSpots.h"
#include "ssOpenSlideImageIOFactory.h"
#include "ssSimulatedSlideWriter.h"
#include "ssSimulationTestUtilities.h"
#include "ssSpaceRanger.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include "itkImageFileReader.h"
#include "itkMetaDataObject.h"
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

std::size_t FilesUnder(const std::string & dir)
{
  std::size_t n = 0;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it)
  {
    n += fs::is_regular_file(it->status());
  }
  return n;
}

/** Molecules of each gene within `radius` µm of `centre`: the counts a disc must hold. */
std::vector<float> MoleculesInDisc(const ss::MoleculeTable & molecules, const ss::PointType & centre, double radius)
{
  std::vector<float> counts(molecules.genes.size(), 0.0f);
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const double dx = molecules.x[m] - centre[0];
    const double dy = molecules.y[m] - centre[1];
    if (dx * dx + dy * dy <= radius * radius)
    {
      counts[static_cast<std::size_t>(molecules.gene[m])] += 1;
    }
  }
  return counts;
}

/** Checks a spot dataset read back from a written folder against the pseudo-spots it was
 * written from and against the molecules themselves. */
void ExpectSpotsAsWritten(const ss::SpotDataset & read,
                          const ss::SpotDataset & pseudo,
                          const ss::MoleculeTable & molecules,
                          double radiusUm,
                          std::size_t reportedSpots,
                          std::size_t reportedMolecules)
{
  ASSERT_EQ(read.NumberOfSpots(), pseudo.NumberOfSpots());
  ASSERT_GT(read.NumberOfSpots(), 2u);
  EXPECT_EQ(read.NumberOfSpots(), reportedSpots);
  EXPECT_EQ(read.genes, pseudo.genes);
  EXPECT_NEAR(read.frame.GetMicronsPerPixel(), 0.5, 1e-9);
  EXPECT_EQ(read.counts.DenseSpotMajor(), pseudo.counts.DenseSpotMajor());
  double total = 0;
  for (std::size_t s = 0; s < read.NumberOfSpots(); ++s)
  {
    EXPECT_EQ(read.spots.arrayCol[s], pseudo.spots.arrayCol[s]);
    EXPECT_EQ(read.spots.arrayRow[s], pseudo.spots.arrayRow[s]);
    EXPECT_LE(read.spots.positionPx[s].EuclideanDistanceTo(pseudo.spots.positionPx[s]), 0.01) << s;
    EXPECT_LE(read.spots.positionUm[s].EuclideanDistanceTo(pseudo.spots.positionUm[s]), 0.005) << s;
    // Counts are the molecules inside the disc, gene by gene.
    const auto expected = MoleculesInDisc(molecules, read.spots.positionUm[s], radiusUm);
    for (std::size_t g = 0; g < read.NumberOfGenes(); ++g)
    {
      ASSERT_EQ(read.counts.Get(g, s), expected[g]) << "spot " << read.spots.id[s] << ", gene " << g;
      total += expected[g];
    }
  }
  EXPECT_EQ(total, static_cast<double>(reportedMolecules));
  EXPECT_LT(total, static_cast<double>(molecules.Size())); // discs leave gaps between them
}

} // namespace

TEST(SimulatedSlideWriter, XeniumBundleReadsBackAsTheSlide)
{
  const auto tissue = sstest::Simulate(sstest::Square(300, 17));
  const std::string top = FreshDirectory("simulated-xenium");
  ss::SimulatedSlideOptions options;
  options.formats = ss::SimulatedSlideFormat::Xenium;
  options.he.compression = ss::PyramidalTIFFOptions::Compression::Deflate; // lossless, to compare pixels
  options.he.tileSize = 128;
  const auto written = ss::WriteSimulatedSlide(top, *tissue, options);
  const std::string dir = top + "/xenium";
  EXPECT_EQ(written.xenium, dir);
  EXPECT_TRUE(written.visiumOuts.empty() && written.legacyST.empty() && written.groundTruth.empty());
  ASSERT_EQ(written.files.size(), 5u);
  for (const auto & f : written.files)
  {
    EXPECT_TRUE(ss::FileExists(f)) << f;
  }
  EXPECT_EQ(FilesUnder(top), 5u); // nothing but the bundle

  ss::AddImageIOFactoryRegistrar("OpenSlide", [] { ss::OpenSlideImageIOFactory::RegisterOneFactory(); });
  ss::RegisterImageIOFactories();
  const auto bundle =
    ss::ReadXeniumBundle(dir, ss::JoinPath(dir, "he.tif"), ss::JoinPath(dir, "he_imagealignment.csv"));
  EXPECT_DOUBLE_EQ(bundle.experiment.pixelSizeUm, 0.2125);
  // The molecules come back as simulated (the writer's decimal text round-trips floats).
  const auto molecules = tissue->MakeMolecules();
  EXPECT_EQ(written.molecules, molecules.Size());
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
  ss::HistologyOptions heOptions;
  heOptions.frame = bundle.heFrame;
  ss::HistologySource he(ss::JoinPath(dir, "he.tif"), heOptions);
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
  ss::SimulatedSlideOptions options;
  options.formats = ss::SimulatedSlideFormat::GroundTruth;
  options.labelSpacingUm = 5;
  options.truthBinSizesUm = { 10, 25 };
  const auto written = ss::WriteSimulatedSlide(dir, *tissue, options);
  EXPECT_EQ(written.groundTruth, dir + "/ground_truth");
  ASSERT_EQ(written.files.size(), 9u);
  EXPECT_EQ(FilesUnder(dir), 9u); // no H&E without a format that has one

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

  // The HR truth: molecules per 10 µm and 25 µm bin, on grids covering the slide.
  const auto molecules = tissue->MakeMolecules();
  for (const double bin : { 10.0, 25.0 })
  {
    const std::string name = bin == 10 ? "10" : "25";
    auto counts = itk::ImageFileReader<ss::ExpressionImageType>::New();
    counts->SetFileName(dir + "/ground_truth/counts_" + name + "um.nrrd");
    counts->Update();
    const ss::ExpressionImageType * map = counts->GetOutput();
    const auto grid = ss::GridGeometry::Covering(tissue->GetBoundsUm(), bin);
    EXPECT_TRUE(ss::GridGeometry::FromImage(map).SameAs(grid)) << bin;
    ASSERT_EQ(map->GetNumberOfComponentsPerPixel(), p.numberOfGenes);
    std::string genes;
    ASSERT_TRUE(itk::ExposeMetaData<std::string>(map->GetMetaDataDictionary(), "superspot_genes", genes));
    EXPECT_EQ(genes.substr(0, genes.find(',')), tissue->GetGeneNames()[0]);
    // Each molecule in the bin whose footprint holds it: recount from the molecules.
    std::vector<double> expected(grid.GetNumberOfPixels() * p.numberOfGenes, 0.0);
    for (std::size_t m = 0; m < molecules.Size(); ++m)
    {
      ss::PointType point;
      point[0] = molecules.x[m];
      point[1] = molecules.y[m];
      const auto ci = grid.PhysicalToIndex(point);
      const auto i = static_cast<std::size_t>(std::floor(ci[0] + 0.5));
      const auto j = static_cast<std::size_t>(std::floor(ci[1] + 0.5));
      expected[(j * grid.size[0] + i) * p.numberOfGenes + static_cast<std::size_t>(molecules.gene[m])] += 1;
    }
    double total = 0;
    std::size_t mismatches = 0;
    for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(map, map->GetLargestPossibleRegion());
         !it.IsAtEnd();
         ++it)
    {
      const auto v = it.Get();
      const std::size_t pixel = static_cast<std::size_t>(it.GetIndex()[1]) * grid.size[0] + it.GetIndex()[0];
      for (unsigned g = 0; g < p.numberOfGenes; ++g)
      {
        mismatches += v[g] != expected[pixel * p.numberOfGenes + g];
        total += v[g];
      }
    }
    EXPECT_EQ(mismatches, 0u) << bin;
    EXPECT_EQ(total, static_cast<double>(molecules.Size())) << bin;
    auto mask = itk::ImageFileReader<ss::MaskImageType>::New();
    mask->SetFileName(dir + "/ground_truth/mask_" + name + "um.nrrd");
    mask->Update();
    EXPECT_EQ(mask->GetOutput()->GetLargestPossibleRegion(), map->GetLargestPossibleRegion());
  }
}

TEST(SimulatedSlideWriter, SpotFormatsReadBackAsThePseudoSpots)
{
  const auto tissue = sstest::Simulate(sstest::Square(700, 5));
  const std::string dir = FreshDirectory("simulated-spots");
  ss::SimulatedSlideOptions options;
  options.formats =
    ss::SimulatedSlideFormat::Xenium | ss::SimulatedSlideFormat::Visium | ss::SimulatedSlideFormat::LegacyST;
  options.hiresMaxSize = 500;
  options.lowresMaxSize = 200;
  const auto written = ss::WriteSimulatedSlide(dir, *tissue, options);
  EXPECT_EQ(written.visiumOuts, dir + "/visium/outs");
  EXPECT_EQ(written.legacyST, dir + "/st");
  EXPECT_TRUE(written.groundTruth.empty());
  // xenium 5, visium 6 (matrix, positions, scale factors, 2 PNGs, tissue_image.tif), st 3.
  ASSERT_EQ(written.files.size(), 14u);
  EXPECT_EQ(FilesUnder(dir), 14u);
  for (const auto & f : written.files)
  {
    EXPECT_TRUE(ss::FileExists(f)) << f;
  }

  const auto molecules = tissue->MakeMolecules();
  const auto & frame = tissue->GetFrame();

  // Space Ranger outs/: the pseudo-Visium spots, exactly.
  const auto visium = ss::ReadSpaceRangerOuts(written.visiumOuts);
  const auto pseudoVisium = ss::MakePseudoSpots(molecules, ss::PseudoSpotParameters::Visium(), &frame);
  ExpectSpotsAsWritten(visium, pseudoVisium, molecules, 27.5, written.visiumSpots, written.moleculesInVisiumSpots);
  EXPECT_EQ(visium.platform, "visium");
  const auto scale = ss::ReadSpaceRangerScaleFactors(written.visiumOuts + "/spatial/scalefactors_json.json");
  EXPECT_DOUBLE_EQ(scale.spotDiameterFullres, 65.0 / 0.5);
  EXPECT_DOUBLE_EQ(scale.hiresScale, 500.0 / 1400.0);
  EXPECT_DOUBLE_EQ(scale.lowresScale, 200.0 / 1400.0);
  EXPECT_TRUE(ss::FileExists(written.visiumOuts + "/spatial/tissue_positions.csv"));

  // The hires PNG is the H&E downsampled as Space Ranger's images are: the rendered slide
  // through DownsampleRGB, pixel for pixel.
  const auto hires = ss::ReadSpaceRangerImage(written.visiumOuts, "hires", visium.frame);
  auto whole = tissue->RenderImage();
  whole->SetSpacing(itk::Vector<double, 2>(1.0)); // the pixel geometry WriteSpaceRangerOuts gives it
  const auto expected = ss::DownsampleRGB(whole, scale.hiresScale);
  ASSERT_EQ(hires->GetLargestPossibleRegion().GetSize(), expected->GetLargestPossibleRegion().GetSize());
  std::size_t differing = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(expected, expected->GetLargestPossibleRegion());
       !it.IsAtEnd();
       ++it)
  {
    differing += it.Get() != hires->GetPixel(it.GetIndex());
  }
  EXPECT_EQ(differing, 0u);

  // Legacy ST tables: the pseudo-ST spots, exactly.
  const auto st = ss::ReadLegacyST(written.legacyST + "/counts.tsv.gz", written.legacyST + "/spots.tsv");
  const auto pseudoST = ss::MakePseudoSpots(molecules, ss::PseudoSpotParameters::LegacyST(), &frame);
  ExpectSpotsAsWritten(st, pseudoST, molecules, 50.0, written.legacySTSpots, written.moleculesInLegacySTSpots);

  // One H&E under three names: the same file, not three renderings.
  const std::string he = ss::ReadWholeFile(written.xenium + "/he.tif");
  EXPECT_EQ(ss::ReadWholeFile(written.visiumOuts + "/tissue_image.tif"), he);
  EXPECT_EQ(ss::ReadWholeFile(written.legacyST + "/he.tif"), he);
  ss::AddImageIOFactoryRegistrar("OpenSlide", [] { ss::OpenSlideImageIOFactory::RegisterOneFactory(); });
  ss::RegisterImageIOFactories();
  ss::HistologyOptions heOptions;
  heOptions.frame = st.frame;
  ss::HistologySource source(written.legacyST + "/he.tif", heOptions);
  EXPECT_EQ(source.GetSize(), tissue->GetImageSize());

  // Space Ranger 1.x positions on request.
  const std::string v1 = FreshDirectory("simulated-visium-v1");
  options.formats = ss::SimulatedSlideFormat::Visium;
  options.visiumPositionsVersion = 1;
  const auto writtenV1 = ss::WriteSimulatedSlide(v1, *tissue, options);
  EXPECT_TRUE(ss::FileExists(v1 + "/visium/outs/spatial/tissue_positions_list.csv"));
  EXPECT_FALSE(ss::FileExists(v1 + "/visium/outs/spatial/tissue_positions.csv"));
  ExpectSpotsAsWritten(ss::ReadSpaceRangerOuts(writtenV1.visiumOuts),
                       pseudoVisium,
                       molecules,
                       27.5,
                       writtenV1.visiumSpots,
                       writtenV1.moleculesInVisiumSpots);
}

TEST(SimulatedSlideWriter, RefusesNonEmptyFoldersAndBadOptions)
{
  const auto tissue = sstest::Simulate(sstest::Square(150, 1));
  const std::string dir = FreshDirectory("simulated-refuse");
  ss::SimulatedSlideOptions truth;
  truth.formats = ss::SimulatedSlideFormat::GroundTruth;
  ss::WriteSimulatedSlide(dir, *tissue, truth);
  EXPECT_THROW(ss::WriteSimulatedSlide(dir, *tissue, truth), ss::InputError);
  truth.overwrite = true;
  EXPECT_NO_THROW(ss::WriteSimulatedSlide(dir, *tissue, truth));
  const std::string fresh = FreshDirectory("simulated-bad");
  ss::SimulatedSlideOptions bad;
  bad.formats = ss::SimulatedSlideFormat::None;
  SS_EXPECT_INPUT_ERROR(ss::WriteSimulatedSlide(fresh, *tissue, bad), "no format chosen");
  bad = {};
  bad.truthBinSizesUm = { 10, 10 };
  SS_EXPECT_INPUT_ERROR(ss::WriteSimulatedSlide(fresh, *tissue, bad), "distinct positive");
  bad.truthBinSizesUm = { 0 };
  SS_EXPECT_INPUT_ERROR(ss::WriteSimulatedSlide(fresh, *tissue, bad), "distinct positive");
  bad = {};
  bad.transcriptsGzipLevel = 0;
  SS_EXPECT_INPUT_ERROR(ss::WriteSimulatedSlide(fresh, *tissue, bad), "gzip level");
  bad = {};
  bad.visiumPositionsVersion = 3;
  SS_EXPECT_INPUT_ERROR(ss::WriteSimulatedSlide(fresh, *tissue, bad), "Visium positions version");
  EXPECT_FALSE(fs::exists(fresh)); // refused before anything was written
  EXPECT_EQ(ss::SimulatedCellId(41), "SIMC-0000042");
}

TEST(SimulatedSlideWriter, FormatNames)
{
  using F = ss::SimulatedSlideFormat;
  EXPECT_EQ(ss::ParseSimulatedSlideFormats({ "all" }), F::All);
  EXPECT_EQ(ss::ParseSimulatedSlideFormats({ "Xenium, st" }), F::Xenium | F::LegacyST);
  EXPECT_EQ(ss::ParseSimulatedSlideFormats({ "visium", "truth" }), F::Visium | F::GroundTruth);
  EXPECT_EQ(ss::ToString(F::Visium | F::GroundTruth), "visium,truth");
  EXPECT_EQ(ss::ToString(F::All), "xenium,visium,st,truth");
  EXPECT_EQ(ss::ToString(F::None), "none");
  EXPECT_TRUE(ss::Includes(F::All, F::LegacyST));
  EXPECT_FALSE(ss::Includes(F::Xenium, F::All));
  EXPECT_FALSE(ss::Includes(F::All, F::None));
  SS_EXPECT_INPUT_ERROR(ss::ParseSimulatedSlideFormats({ "xenium,merfish" }, "--formats"),
                        "\"merfish\" is not a format");
  SS_EXPECT_INPUT_ERROR(ss::ParseSimulatedSlideFormats({ "" }, "--formats"), "no format given");
}
