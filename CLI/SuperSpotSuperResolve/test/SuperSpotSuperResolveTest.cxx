// SuperSpotSuperResolve run in-process on simulated slides in the real formats (Space Ranger
// outs/, Xenium bundle): self-supervised and with a model, the outputs and where they sit,
// shards, determinism, and the refusals.
#include "ssCLITestUtilities.h"
#include "ssSubprocessTestUtilities.h"

#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssImageIO.h"
#include "ssSimulatedSlideWriter.h"
#include "ssSpaceRanger.h"
#include "ssTissueSimulator.h"

#include "itkImageFileReader.h"
#include "itkImageRegionConstIteratorWithIndex.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

int SuperSpotSuperResolveModuleEntryPoint(int argc, char * argv[]);

using ss::test::ExpectOneLineError;

namespace
{

ss::test::ModuleRun SuperResolve(const std::vector<std::string> & arguments)
{
  return ss::test::RunModuleInProcess(&SuperSpotSuperResolveModuleEntryPoint, "SuperSpotSuperResolve", arguments);
}

/** A simulated square slide of `sideUm` written in `formats`, one work unit. */
ss::SimulatedSlideFiles SimulateSlide(const std::string & folder,
                                      unsigned int seed,
                                      double sideUm,
                                      unsigned int genes,
                                      unsigned int modules,
                                      ss::SimulatedSlideFormat formats)
{
  ss::SimulationParameters p;
  p.seed = seed;
  p.widthUm = sideUm;
  p.heightUm = sideUm;
  p.numberOfGenes = genes;
  p.numberOfModules = modules;
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(p);
  simulator->SetNumberOfWorkUnits(1);
  ss::SimulatedSlideOptions o;
  o.formats = formats;
  o.workUnits = 1;
  return ss::WriteSimulatedSlide(folder, *simulator->Simulate(), o);
}

/** One simulated 0.8 mm slide (12 genes) written as Space Ranger outs/ and a Xenium bundle, shared
 * by the tests of this file (simulating and writing it takes a few seconds). */
class SuperResolveTest : public ::testing::Test
{
protected:
  static void SetUpTestSuite()
  {
    s_Dir =
      (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-superresolve-%%%%-%%%%")).string();
    s_Files = SimulateSlide(s_Dir + "/slide", 7, 800, 12, 3, ss::SimulatedSlideFormat::Visium | ss::SimulatedSlideFormat::Xenium);
  }
  static void TearDownTestSuite() { boost::filesystem::remove_all(s_Dir); }

  static std::string Out(const std::string & name) { return s_Dir + "/" + name; }
  static std::vector<std::string> Visium(const std::string & out)
  {
    return { "--visium",     s_Files.visiumOuts,
             "--image",      s_Files.visiumOuts + "/tissue_image.tif",
             "--output",     out,
             "--threads",    "1",
             "--samples",    "3",
             "--steps",      "3",
             "--genes",      "6",
             "--trainSteps", "3" };
  }

  static std::string s_Dir;
  static ss::SimulatedSlideFiles s_Files;
};
std::string SuperResolveTest::s_Dir;
ss::SimulatedSlideFiles SuperResolveTest::s_Files;

ss::ExpressionImageType::Pointer ReadMap(const std::string & path)
{
  auto reader = itk::ImageFileReader<ss::ExpressionImageType>::New();
  reader->SetFileName(path);
  reader->Update();
  return reader->GetOutput();
}

std::vector<float> Values(const ss::ExpressionImageType * image)
{
  return std::vector<float>(image->GetBufferPointer(),
                            image->GetBufferPointer() +
                              image->GetBufferedRegion().GetNumberOfPixels() * image->GetNumberOfComponentsPerPixel());
}

std::string ReadText(const std::string & path)
{
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_F(SuperResolveTest, SelfSupervisedVisiumWritesMapsOnTheImageAnnDataFiguresAndRunJSON)
{
  const std::string out = Out("visium");
  auto args = Visium(out);
  args.insert(args.end(), { "--returnparameterfile", Out("visium.params") });
  const auto run = SuperResolve(args);
  ASSERT_EQ(run.exitCode, 0) << run.standardError << run.standardOutput;
  EXPECT_NE(run.standardOutput.find("<filter-start>"), std::string::npos) << "Slicer progress lines";
  for (const char * file : { "mean.nrrd",
                             "std.nrrd",
                             "mask.nrrd",
                             "superspot.h5ad",
                             "run.json",
                             "model/config.json",
                             "model/model.safetensors" })
  {
    EXPECT_TRUE(ss::FileExists(ss::JoinPath(out, file))) << file;
  }
  const nlohmann::json info = ss::ReadJSONFile(ss::JoinPath(out, "run.json"));
  EXPECT_EQ(info["genes"].size(), 6u);
  EXPECT_EQ(info["factor"], 2);
  EXPECT_TRUE(info["model"]["self_supervised"].get<bool>());
  EXPECT_GT(info["hr_pixels"].get<int>(), 0);
  for (const char * stage : { "read_s", "train_s", "super_resolve_s", "write_s", "total_s" })
  {
    EXPECT_TRUE(info["timings"].contains(stage)) << stage;
  }
  EXPECT_FALSE(info["libtorch_version"].get<std::string>().empty());
  // A figure per gene drawn (the first four).
  std::size_t figures = 0;
  for (const auto & e : boost::filesystem::directory_iterator(ss::JoinPath(out, "figures")))
  {
    figures += e.path().extension() == ".png";
  }
  EXPECT_EQ(figures, 4u);
  EXPECT_NE(ReadText(Out("visium.params")).find("numberOfGenes = 6"), std::string::npos);

  // The maps sit on the H&E as its file places it: the virtual spots' pixels lie on the
  // measured spots' pixels of the full-resolution image (the TIFF's frame: pixels).
  const auto mean = ReadMap(ss::JoinPath(out, "mean.nrrd"));
  EXPECT_EQ(mean->GetNumberOfComponentsPerPixel(), 6u);
  auto maskReader = itk::ImageFileReader<ss::MaskImageType>::New();
  maskReader->SetFileName(ss::JoinPath(out, "mask.nrrd"));
  maskReader->Update();
  const ss::SpotDataset spots = ss::ReadSpaceRangerOuts(s_Files.visiumOuts);
  // The TIFF's own frame (what ITK and Slicer place it by): here OpenSlide's µm per pixel.
  const ss::HistologySource tiff(s_Files.visiumOuts + "/tissue_image.tif", {});
  std::vector<ss::PointType> spotsInFile;
  for (const auto & p : spots.spots.positionPx)
  {
    spotsInFile.push_back(tiff.GetFileFrame().FullResPxToMicrons(p));
  }
  const double pitch = spots.pitchUm / spots.frame.GetMicronsPerPixel() * tiff.GetFileFrame().GetMicronsPerPixel();
  std::size_t near = 0, masked = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::MaskImageType> it(
         maskReader->GetOutput(), maskReader->GetOutput()->GetLargestPossibleRegion());
       !it.IsAtEnd();
       ++it)
  {
    if (!it.Get())
    {
      continue;
    }
    ++masked;
    ss::PointType px;
    maskReader->GetOutput()->TransformIndexToPhysicalPoint(it.GetIndex(), px);
    double best = 1e300;
    for (const auto & p : spotsInFile)
    {
      best = std::min(best, px.EuclideanDistanceTo(p));
    }
    // A virtual spot lies at most 1.25 array columns and a quarter row from its measured spot.
    near += best < 0.7 * pitch ? 1 : 0;
    const auto m = mean->GetPixel(it.GetIndex());
    for (unsigned g = 0; g < 6; ++g)
    {
      ASSERT_TRUE(std::isfinite(m[g]) && m[g] >= 0);
    }
  }
  EXPECT_GT(masked, 4 * 20u);
  EXPECT_EQ(near, masked) << "every predicted pixel lies within a pitch of a measured spot";

  // A non-empty output folder is refused before any work; --overwrite replaces it.
  ExpectOneLineError(SuperResolve(Visium(out)), "not empty");
  auto again = Visium(out);
  again.push_back("--overwrite");
  EXPECT_EQ(SuperResolve(again).exitCode, 0);
}

TEST_F(SuperResolveTest, AModelShardsAndSeeds)
{
  const std::string trained = Out("trained");
  ASSERT_EQ(SuperResolve(Visium(trained)).exitCode, 0);
  const std::string model = ss::JoinPath(trained, "model");

  // Training is deterministic too: the same seed, slide and threads give the same weights and maps.
  const std::string trainedAgain = Out("trained-again");
  ASSERT_EQ(SuperResolve(Visium(trainedAgain)).exitCode, 0);
  EXPECT_EQ(ReadText(ss::JoinPath(trainedAgain, "model/model.safetensors")),
            ReadText(ss::JoinPath(model, "model.safetensors")));
  EXPECT_EQ(Values(ReadMap(ss::JoinPath(trainedAgain, "mean.nrrd"))), Values(ReadMap(ss::JoinPath(trained, "mean.nrrd"))));

  auto withModel = [&](const std::string & out, std::vector<std::string> extra)
  {
    std::vector<std::string> a = { "--visium",       s_Files.visiumOuts,
                                   "--image",        s_Files.visiumOuts + "/tissue_image.tif",
                                   "--model",        model,
                                   "--output",       out,
                                   "--threads",      "1",
                                   "--samples",      "3",
                                   "--steps",        "3",
                                   "--blockPatches", "1" };
    a.insert(a.end(), extra.begin(), extra.end());
    return SuperResolve(a);
  };
  ASSERT_EQ(withModel(Out("single"), {}).exitCode, 0);
  const auto single = Values(ReadMap(Out("single/mean.nrrd")));
  ASSERT_EQ(withModel(Out("again"), {}).exitCode, 0);
  EXPECT_EQ(Values(ReadMap(Out("again/mean.nrrd"))), single) << "same seed, inputs and threads: same maps";
  ASSERT_EQ(withModel(Out("seed1"), { "--seed", "1" }).exitCode, 0);
  EXPECT_NE(Values(ReadMap(Out("seed1/mean.nrrd"))), single);

  // Two shards, merged: the single run bit for bit.
  ASSERT_EQ(withModel(Out("shard0"), { "--shard", "0/2" }).exitCode, 0);
  ASSERT_EQ(withModel(Out("shard1"), { "--shard", "1/2" }).exitCode, 0);
  EXPECT_TRUE(ss::FileExists(Out("shard0/shard.json")));
  ASSERT_EQ(withModel(Out("merged"), { "--mergeShards", Out("shard0"), "--mergeShards", Out("shard1") }).exitCode, 0);
  EXPECT_EQ(Values(ReadMap(Out("merged/mean.nrrd"))), single);
  EXPECT_EQ(Values(ReadMap(Out("merged/std.nrrd"))), Values(ReadMap(Out("single/std.nrrd"))));

  // A model asked for another factor, a shard without a model: refused by name.
  ExpectOneLineError(withModel(Out("factor4"), { "--factor", "4" }), "factor");
  ExpectOneLineError(SuperResolve({ "--visium", s_Files.visiumOuts, "--shard", "0/2", "--output", Out("nomodel") }),
                     "--model");
  ExpectOneLineError(withModel(Out("badshard"), { "--shard", "2/2" }), "--shard");

  // The model applied to a slide whose panel lacks one of the model's genes (the same weights,
  // one gene renamed in its config.json): refused, naming the gene, before anything is written.
  const std::string otherPanel = Out("other-panel-model");
  boost::filesystem::create_directories(otherPanel);
  for (const auto & entry : boost::filesystem::directory_iterator(model))
  {
    if (boost::filesystem::is_regular_file(entry.path()))
    {
      boost::filesystem::copy_file(entry.path(), boost::filesystem::path(otherPanel) / entry.path().filename());
    }
  }
  nlohmann::json config = ss::ReadJSONFile(ss::JoinPath(otherPanel, "config.json"));
  ASSERT_GE(config["genes"].size(), 2u);
  config["genes"][1] = "NOT_ON_THIS_SLIDE";
  ss::WriteTextFileAtomically(ss::JoinPath(otherPanel, "config.json"), config.dump(2));
  std::vector<std::string> a = { "--visium",  s_Files.visiumOuts,
                                 "--image",   s_Files.visiumOuts + "/tissue_image.tif",
                                 "--model",   otherPanel,
                                 "--output",  Out("other-panel"),
                                 "--threads", "1" };
  ExpectOneLineError(SuperResolve(a), "NOT_ON_THIS_SLIDE");
  EXPECT_FALSE(ss::DirectoryExists(Out("other-panel"))) << "nothing half-written";
}

TEST_F(SuperResolveTest, XeniumTrainsOnItsOwnMolecules)
{
  const std::string out = Out("xenium");
  const auto run = SuperResolve({ "--xenium",       s_Files.xenium,
                                  "--image",        s_Files.xenium + "/he.tif",
                                  "--alignment",    s_Files.xenium + "/he_imagealignment.csv",
                                  "--resolutionUm", "20",
                                  "--output",       out,
                                  "--threads",      "1",
                                  "--samples",      "2",
                                  "--steps",        "2",
                                  "--genes",        "4",
                                  "--trainSteps",   "2" });
  ASSERT_EQ(run.exitCode, 0) << run.standardError;
  const nlohmann::json info = ss::ReadJSONFile(ss::JoinPath(out, "run.json"));
  EXPECT_NEAR(info["hr_resolution_um"].get<double>(), 20.0, 1e-9);
  EXPECT_EQ(info["genes"].size(), 4u);
}

TEST_F(SuperResolveTest, BadInputsAreRefusedWithTheFix)
{
  // Genes the slide does not have.
  const std::string list = Out("genes.txt");
  ss::WriteTextFileAtomically(list, "NOT_A_GENE\n");
  auto args = Visium(Out("badgenes"));
  args.insert(args.end(), { "--geneList", list });
  ExpectOneLineError(SuperResolve(args), "NOT_A_GENE");
  EXPECT_FALSE(ss::DirectoryExists(Out("badgenes"))) << "nothing half-written";

  // --factor and --resolutionUm together; a resolution that is no whole factor of the array.
  args = Visium(Out("both"));
  args.insert(args.end(), { "--factor", "2", "--resolutionUm", "25" });
  ExpectOneLineError(SuperResolve(args), "--factor/--resolutionUm");
  args = Visium(Out("odd"));
  args.insert(args.end(), { "--resolutionUm", "33" });
  ExpectOneLineError(SuperResolve(args), "--resolutionUm");

  // Space Ranger's lowres PNG given as the full-resolution image (this slide is small enough
  // that its hires PNG is the full resolution).
  args = { "--visium",     s_Files.visiumOuts,
           "--image",      s_Files.visiumOuts + "/spatial/tissue_lowres_image.png",
           "--imageLevel", "full",
           "--output",     Out("lowres"),
           "--threads",    "1",
           "--trainSteps", "3" };
  ExpectOneLineError(SuperResolve(args), "lowres");

  // A memory limit the run cannot meet.
  args = Visium(Out("memory"));
  args.insert(args.end(), { "--memoryLimitGB", "0.01" });
  ExpectOneLineError(SuperResolve(args), "--blockPatches");

  // A capture area of a few spots: too few to train on the slide's own coarsened spots.
  const auto tiny = SimulateSlide(Out("tiny-slide"), 3, 250, 6, 2, ss::SimulatedSlideFormat::Visium);
  args = { "--visium",  tiny.visiumOuts, "--image",      tiny.visiumOuts + "/tissue_image.tif",
           "--output",  Out("tiny"),     "--threads",    "1",
           "--samples", "2",             "--trainSteps", "3" };
  ExpectOneLineError(SuperResolve(args), "--model");
  EXPECT_FALSE(ss::DirectoryExists(Out("tiny"))) << "nothing half-written";
}

TEST_F(SuperResolveTest, AKilledRunLeavesThePreviousOutputsOrNone)
{
  // The real executable, killed with SIGKILL at several points of a run that replaces a complete
  // earlier output: the folder is then the earlier output or the new one, whole, or absent (in the
  // instant between the two renames), never a mixture or a half-written file.
  const std::string exe = std::string(SUPERSPOT_BINARY_DIR) + "/bin/SuperSpotSuperResolve";
  const std::string out = Out("killed");
  ASSERT_EQ(SuperResolve(Visium(out)).exitCode, 0);
  const std::vector<std::string> complete = { "mean.nrrd",      "std.nrrd", "mask.nrrd",
                                              "superspot.h5ad", "run.json", "model/model.safetensors" };
  int finished = 0;
  std::set<int> written = { 0 }; // seeds of the runs that may have completed
  for (int delayMs : { 150, 500, 1000, 1600, 2400, 3500, 5000 })
  {
    auto args = Visium(out);
    args.insert(args.begin(), exe);
    args.insert(args.end(), { "--overwrite", "--seed", std::to_string(delayMs) });
    const pid_t pid = ss::test::Spawn(args, { "SUPERSPOT_PROGRESS=none" }, Out("killed.log"));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    ::kill(pid, SIGKILL);
    const int status = ss::test::Wait(pid);
    written.insert(delayMs);
    finished += status == 0 ? 1 : 0;
    if (!ss::DirectoryExists(out))
    {
      continue;
    }
    for (const std::string & f : complete)
    {
      ASSERT_TRUE(ss::FileExists(ss::JoinPath(out, f))) << f << " missing after a kill at " << delayMs << " ms";
    }
    const auto seed = ss::ReadJSONFile(ss::JoinPath(out, "run.json"))["parameters"]["seed"].get<int>();
    EXPECT_TRUE(written.count(seed)) << seed;
    EXPECT_EQ(ReadMap(ss::JoinPath(out, "mean.nrrd"))->GetNumberOfComponentsPerPixel(), 6u);
  }
  std::cout << finished << " of 7 runs finished before their kill" << std::endl;
}
