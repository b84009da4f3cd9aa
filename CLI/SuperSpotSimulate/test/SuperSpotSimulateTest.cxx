// SuperSpotSimulate run in-process, as Slicer's CLI tests run a module's entry point.

#include "ssFiles.h"
#include "ssLegacyST.h"
#include "ssSimulatedSlideWriter.h"
#include "ssSpaceRanger.h"
#include "ssTextTable.h"
#include "ssTissueSimulator.h"
#include "ssXenium.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIterator.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

int SuperSpotSimulateModuleEntryPoint(int argc, char * argv[]);

namespace fs = boost::filesystem;

namespace
{

struct ModuleRun
{
  int exitCode = -1;
  std::string out;
  std::string err;
};

/** Runs the module with `arguments` in Slicer's progress style, capturing both streams. */
ModuleRun RunModule(std::vector<std::string> arguments)
{
  arguments.insert(arguments.begin(), "SuperSpotSimulate");
  std::vector<char *> argv;
  for (auto & a : arguments)
  {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  setenv("SUPERSPOT_PROGRESS", "slicer", 1);
  ModuleRun run;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  run.exitCode = SuperSpotSimulateModuleEntryPoint(static_cast<int>(arguments.size()), argv.data());
  run.err = ::testing::internal::GetCapturedStderr();
  run.out = ::testing::internal::GetCapturedStdout();
  return run;
}

std::string FreshDirectory(const std::string & name)
{
  const std::string dir = std::string(::testing::TempDir()) + "/SuperSpotSimulate-" + name;
  fs::remove_all(dir);
  return dir;
}

/** Every file under `dir`, as paths relative to it. */
std::set<std::string> FilesUnder(const std::string & dir)
{
  std::set<std::string> files;
  for (fs::recursive_directory_iterator it(dir), end; it != end; ++it)
  {
    if (fs::is_regular_file(it->status()))
    {
      files.insert(fs::relative(it->path(), dir).generic_string());
    }
  }
  return files;
}

/** "name = value" lines of a return parameter file. */
std::map<std::string, std::string> ReturnParameters(const std::string & path)
{
  std::map<std::string, std::string> values;
  std::string text = ss::ReadWholeFile(path);
  std::size_t begin = 0;
  while (begin < text.size())
  {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    const std::string line = text.substr(begin, end - begin);
    const std::size_t eq = line.find(" = ");
    if (eq != std::string::npos)
    {
      values[line.substr(0, eq)] = line.substr(eq + 3);
    }
    begin = end + 1;
  }
  return values;
}

double Sum(const ss::SparseCounts & counts)
{
  double total = 0;
  for (const float v : counts.GetValues())
  {
    total += v;
  }
  return total;
}

/** One line on standard error and exit status 1, with `text` in it. */
void ExpectOneLineError(const ModuleRun & run, const std::string & text)
{
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_NE(run.err.find(text), std::string::npos) << run.err;
  ASSERT_FALSE(run.err.empty());
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_EQ(run.err.back(), '\n');
}

} // namespace

TEST(SuperSpotSimulate, HalfMillimetreSlideInEveryFormatReadsBack)
{
  const std::string dir = FreshDirectory("all");
  const std::string returned = FreshDirectory("all.params");
  const ModuleRun run = RunModule({ "--sizeUm",
                                    "500",
                                    "--seed",
                                    "3",
                                    "--genes",
                                    "12",
                                    "--formats",
                                    "all",
                                    "--threads",
                                    "2",
                                    "--out",
                                    dir,
                                    "--returnparameterfile",
                                    returned });
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err; // Slicer flags any standard error output as a failure
  // Slicer-style progress, one stage for the simulation and one for the files.
  EXPECT_NE(run.out.find("<filter-start>"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("<filter-progress>"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("<filter-end>"), std::string::npos) << run.out;
  // It says where everything went.
  for (const std::string & where : { dir + "/xenium", dir + "/visium/outs", dir + "/st", dir + "/ground_truth" })
  {
    EXPECT_NE(run.out.find(where + " ("), std::string::npos) << where << "\n" << run.out;
  }

  const std::set<std::string> expected{ "xenium/transcripts.csv.gz",
                                        "xenium/experiment.xenium",
                                        "xenium/cell_feature_matrix.h5",
                                        "xenium/he.tif",
                                        "xenium/he_imagealignment.csv",
                                        "visium/outs/filtered_feature_bc_matrix.h5",
                                        "visium/outs/tissue_image.tif",
                                        "visium/outs/spatial/tissue_positions.csv",
                                        "visium/outs/spatial/scalefactors_json.json",
                                        "visium/outs/spatial/tissue_hires_image.png",
                                        "visium/outs/spatial/tissue_lowres_image.png",
                                        "st/counts.tsv.gz",
                                        "st/spots.tsv",
                                        "st/he.tif",
                                        "ground_truth/simulation.json",
                                        "ground_truth/cells.csv.gz",
                                        "ground_truth/genes.csv",
                                        "ground_truth/domain_labels.nrrd",
                                        "ground_truth/cell_type_labels.nrrd",
                                        "ground_truth/counts_10um.nrrd",
                                        "ground_truth/mask_10um.nrrd",
                                        "ground_truth/counts_20um.nrrd",
                                        "ground_truth/mask_20um.nrrd" };
  EXPECT_EQ(FilesUnder(dir), expected);

  // The slide is the one the parameters describe: simulating them again gives the same molecules.
  const auto parameters = ss::SimulationParameters::ReadJSONFile(dir + "/ground_truth/simulation.json");
  EXPECT_EQ(parameters.seed, 3u);
  EXPECT_EQ(parameters.widthUm, 500);
  EXPECT_EQ(parameters.heightUm, 500);
  EXPECT_EQ(parameters.numberOfGenes, 12u);
  EXPECT_EQ(parameters.numberOfModules, 8u); // 11 genes outside housekeeping: no reduction
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(parameters);
  const auto tissue = simulator->Simulate();
  const auto molecules = tissue->MakeMolecules();
  const auto values = ReturnParameters(returned);
  EXPECT_EQ(values.at("numberOfMolecules"), std::to_string(molecules.Size()));
  EXPECT_EQ(values.at("numberOfCells"), std::to_string(tissue->GetCells().Size()));

  // Xenium: every molecule, and per-cell counts that add up to them.
  const auto bundle =
    ss::ReadXeniumBundle(dir + "/xenium", dir + "/xenium/he.tif", dir + "/xenium/he_imagealignment.csv");
  EXPECT_EQ(bundle.molecules.Size(), molecules.Size());
  EXPECT_EQ(bundle.molecules.x, molecules.x);
  EXPECT_EQ(bundle.heSize, tissue->GetImageSize());
  const auto cells = ss::ReadFeatureBarcodeMatrixH5(dir + "/xenium/cell_feature_matrix.h5");
  EXPECT_EQ(Sum(cells.counts), static_cast<double>(molecules.Size()));

  // Space Ranger and legacy ST: pseudo-spots holding the molecules inside their discs.
  const auto visium = ss::ReadSpaceRangerOuts(dir + "/visium/outs");
  EXPECT_EQ(visium.NumberOfGenes(), 12u);
  EXPECT_GT(visium.NumberOfSpots(), 10u);
  EXPECT_NEAR(visium.frame.GetMicronsPerPixel(), 0.5, 1e-12);
  const double inVisium = Sum(visium.counts);
  EXPECT_GT(inVisium, 0.1 * molecules.Size());
  EXPECT_LT(inVisium, 0.5 * molecules.Size()); // 55 µm discs cover 27 % of a 100 µm hexagonal lattice
  EXPECT_NE(run.out.find(std::to_string(visium.NumberOfSpots()) + " pseudo-spots of 55 µm"), std::string::npos)
    << run.out;
  const auto st = ss::ReadLegacyST(dir + "/st/counts.tsv.gz", dir + "/st/spots.tsv");
  EXPECT_EQ(st.genes, visium.genes);
  EXPECT_GE(st.NumberOfSpots(), 4u);
  EXPECT_NEAR(st.frame.GetMicronsPerPixel(), 0.5, 1e-9);
  EXPECT_LT(Sum(st.counts), static_cast<double>(molecules.Size()));

  // Ground truth: the 10 µm and 20 µm maps hold every molecule.
  for (const char * bin : { "10", "20" })
  {
    auto reader = itk::ImageFileReader<ss::ExpressionImageType>::New();
    reader->SetFileName(dir + "/ground_truth/counts_" + bin + "um.nrrd");
    reader->Update();
    EXPECT_DOUBLE_EQ(reader->GetOutput()->GetSpacing()[0], std::stod(bin));
    EXPECT_EQ(reader->GetOutput()->GetNumberOfComponentsPerPixel(), 12u);
    double total = 0;
    for (itk::ImageRegionConstIterator<ss::ExpressionImageType> it(reader->GetOutput(),
                                                                   reader->GetOutput()->GetLargestPossibleRegion());
         !it.IsAtEnd();
         ++it)
    {
      for (unsigned g = 0; g < 12; ++g)
      {
        total += it.Get()[g];
      }
    }
    EXPECT_EQ(total, static_cast<double>(molecules.Size())) << bin;
  }

  // The same folder again is refused (before simulating), and accepted with --overwrite.
  ExpectOneLineError(RunModule({ "--sizeUm", "500", "--formats", "truth", "--out", dir }), "not empty");
  EXPECT_EQ(RunModule({ "--sizeUm", "500", "--formats", "truth", "--out", dir, "--overwrite" }).exitCode, 0);
}

TEST(SuperSpotSimulate, ParametersFileFillsInWhatTheFlagsDoNotSet)
{
  const std::string dir = FreshDirectory("file");
  const std::string file = FreshDirectory("file.json");
  ss::WriteTextFileAtomically(
    file, R"({"seed": 99, "widthUm": 3000, "meanMoleculesPerCell": 20, "numberOfModules": 3, "pixelNoise": 0})");
  const ModuleRun run = RunModule({ "--parameters",
                                    file,
                                    "--seed",
                                    "4",
                                    "--widthUm",
                                    "300",
                                    "--heightUm",
                                    "200",
                                    "--genes",
                                    "2",
                                    "--cellTypes",
                                    "lymphocyte,Tumour",
                                    "--formats",
                                    "truth",
                                    "--out",
                                    dir });
  ASSERT_EQ(run.exitCode, 0) << run.err;
  // In Slicer's style warnings go to standard output: 2 genes cannot hold 3 modules.
  EXPECT_NE(run.out.find("simulating 2 modules"), std::string::npos) << run.out;
  EXPECT_EQ(FilesUnder(dir).size(), 9u);
  const auto p = ss::SimulationParameters::ReadJSONFile(dir + "/ground_truth/simulation.json");
  EXPECT_EQ(p.seed, 4u);     // the flag, not the file
  EXPECT_EQ(p.widthUm, 300); // likewise
  EXPECT_EQ(p.heightUm, 200);
  EXPECT_EQ(p.meanMoleculesPerCell, 20); // the file, not the default
  EXPECT_EQ(p.pixelNoise, 0);
  EXPECT_EQ(p.numberOfGenes, 2u);
  EXPECT_EQ(p.numberOfModules, 2u);
  ASSERT_EQ(p.cellTypes.size(), 2u);
  EXPECT_EQ(p.cellTypes[0].name, "Tumour");
  EXPECT_EQ(p.cellTypes[1].name, "Lymphocyte");
}

TEST(SuperSpotSimulate, BadParametersGiveOneLineAndExitOne)
{
  const std::string dir = FreshDirectory("bad");
  ExpectOneLineError(RunModule({ "--sizeUm", "7000", "--out", dir }), "--sizeUm");
  ExpectOneLineError(RunModule({ "--widthUm", "6501", "--out", dir }), "--widthUm");
  ExpectOneLineError(RunModule({ "--genes", "0", "--out", dir }), "--genes");
  ExpectOneLineError(RunModule({ "--sizeUm", "50", "--out", dir }), "--sizeUm");
  ExpectOneLineError(RunModule({ "--formats", "xenium,merfish", "--out", dir }), "\"merfish\" is not a format");
  ExpectOneLineError(RunModule({ "--cellTypes", "Neuron", "--out", dir }), "\"Neuron\" is not a cell type");
  ExpectOneLineError(RunModule({ "--sizeUm", "500" }), "--out");
  const std::string file = FreshDirectory("bad.json");
  ss::WriteTextFileAtomically(file, R"({"dispersion": -1})");
  ExpectOneLineError(RunModule({ "--parameters", file, "--out", dir }), "dispersion");
  EXPECT_FALSE(fs::exists(dir)); // nothing was created for a refused run
}

TEST(SuperSpotSimulate, SameSeedGivesByteIdenticalFilesWhateverTheThreads)
{
  // A slide is reproducible from its seed: every file of every format comes out byte for
  // byte the same, run after run and with any number of threads (no time stamps, no
  // thread-dependent order), so a checksum identifies a simulated slide.
  const std::vector<std::string> common{ "--sizeUm", "300", "--seed", "17", "--genes", "6", "--formats", "all" };
  std::vector<std::string> dirs;
  for (const char * threads : { "2", "2", "1" })
  {
    dirs.push_back(FreshDirectory(std::string("same-seed-") + std::to_string(dirs.size())));
    std::vector<std::string> arguments = common;
    arguments.insert(arguments.end(), { "--threads", threads, "--out", dirs.back() });
    const ModuleRun run = RunModule(arguments);
    ASSERT_EQ(run.exitCode, 0) << run.err;
  }
  const std::set<std::string> files = FilesUnder(dirs[0]);
  ASSERT_GE(files.size(), 20u);
  for (std::size_t k = 1; k < dirs.size(); ++k)
  {
    EXPECT_EQ(FilesUnder(dirs[k]), files);
    for (const auto & f : files)
    {
      // Raw bytes: ReadWholeFile would gunzip the .gz files and hide a differing header.
      std::ifstream a(dirs[0] + "/" + f, std::ios::binary);
      std::ifstream b(dirs[k] + "/" + f, std::ios::binary);
      const std::string bytesA((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
      const std::string bytesB((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
      EXPECT_FALSE(bytesA.empty()) << f;
      EXPECT_TRUE(bytesA == bytesB) << f << " differs between run 1 and run " << k + 1
                                    << (k == 2 ? " (1 thread instead of 2)" : " (same threads)");
    }
  }
}
