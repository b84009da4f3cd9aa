// The training windows of a pair set, the model configuration that follows it, the
// output-folder rule of TrainOnPairSet, and a short run of it stopped and resumed.
#include "ssPairSetPatchProvider.h"
#include "ssPairSetTraining.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssTrainerTestData.h"
#include "ssTrainingTestData.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <functional>
#include <set>
#include <tuple>

namespace
{

/** TinyConfig (P = 16, q = 2, S = 16, t = 4) for the synthetic pair set's genes and normalization. */
ss::ModelConfig TinyFor(const ss::PairSet & set)
{
  ss::ModelConfig c = ss::test::TinyConfig();
  c.genes = set.genes;
  c.normalization.mode = "density";
  return c;
}

/** Expects `f` to throw an InputError whose message holds every one of `parts`. */
void ExpectInputError(const std::function<void()> & f, const std::vector<std::string> & parts)
{
  try
  {
    f();
    ADD_FAILURE() << "no InputError; expected one with '" << parts.front() << "'";
  }
  catch (const ss::InputError & e)
  {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const auto & p : parts)
    {
      EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
    }
  }
}

std::size_t CountValid(const ss::SlidePair & s, const ss::IndexType & first, long P)
{
  const ss::RegionType grid = s.hrMask->GetLargestPossibleRegion();
  std::size_t n = 0;
  for (long y = 0; y < P; ++y)
  {
    for (long x = 0; x < P; ++x)
    {
      const ss::IndexType i = { { first[0] + x, first[1] + y } };
      n += grid.IsInside(i) && s.hrMask->GetPixel(i) ? 1 : 0;
    }
  }
  return n;
}

long Mod(long a, long m)
{
  return ((a % m) + m) % m;
}

using WindowKey = std::tuple<std::size_t, long, long>;

std::vector<WindowKey> Keys(const ss::PairSetPatchProvider & p)
{
  std::vector<WindowKey> k;
  for (const auto & w : p.GetWindows())
  {
    k.emplace_back(w.slide, w.first[0], w.first[1]);
  }
  return k;
}

class TempFolder
{
public:
  TempFolder()
    : m_Path(
        (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-training-%%%%-%%%%")).string())
  {
  }
  ~TempFolder() { boost::filesystem::remove_all(m_Path); }
  std::string File(const std::string & name) const { return ss::JoinPath(m_Path, name); }
  const std::string & Path() const { return m_Path; }

private:
  std::string m_Path;
};

} // namespace

TEST(PairSetPatchProvider, WindowsLieOnASeededLatticeAndFollowTheRule)
{
  const ss::PairSet set = ss::test::SyntheticPairSet(2);
  const ss::ModelConfig c = TinyFor(set);
  const long P = c.patchSize;
  const ss::PairSetPatchProvider a(set, c, 7), again(set, c, 7), other(set, c, 8);
  EXPECT_EQ(a.GetStride(), P / 2);
  ASSERT_GT(a.Size(), 0);
  EXPECT_EQ(Keys(a), Keys(again)) << "the same seed gave other windows";
  EXPECT_NE(Keys(a), Keys(other)) << "another seed did not move the lattice";
  EXPECT_EQ(a.GetNumberOfWindows(0) + a.GetNumberOfWindows(1), static_cast<std::size_t>(a.Size()));

  for (std::size_t i = 0; i < set.slides.size(); ++i)
  {
    const ss::SlidePair & s = set.slides[i];
    const long stride = a.GetStride();
    const long start[2] = { s.grid.start[0], s.grid.start[1] };
    long phase[2] = { -1, -1 };
    for (const auto & w : a.GetWindows())
    {
      if (w.slide != i)
      {
        continue;
      }
      for (int d = 0; d < 2; ++d)
      {
        const long ph = Mod(w.first[d] - start[d], stride);
        EXPECT_TRUE(phase[d] < 0 || phase[d] == ph) << "windows off one lattice";
        phase[d] = ph;
      }
      EXPECT_EQ(w.validPixels, CountValid(s, w.first, P));
      EXPECT_GE(static_cast<double>(w.validPixels), 0.5 * P * P);
    }
    ASSERT_GE(phase[0], 0) << "slide " << i << " has no window";
    // Every window of that lattice overlapping the grid, counted by hand.
    std::size_t qualifying = 0;
    for (long y = start[1] - P + 1; y < start[1] + static_cast<long>(s.grid.size[1]); ++y)
    {
      for (long x = start[0] - P + 1; x < start[0] + static_cast<long>(s.grid.size[0]); ++x)
      {
        if (Mod(x - start[0], stride) == phase[0] && Mod(y - start[1], stride) == phase[1])
        {
          qualifying += static_cast<double>(CountValid(s, { { x, y } }, P)) >= 0.5 * P * P ? 1 : 0;
        }
      }
    }
    EXPECT_EQ(a.GetNumberOfWindows(i), qualifying) << "slide " << i;
  }

  // A finer lattice gives more windows; a stricter rule fewer, and 1 only windows inside the tissue.
  ss::PatchWindowOptions o;
  o.stride = 4;
  EXPECT_GT(ss::PairSetPatchProvider(set, c, 7, o).Size(), a.Size());
  o.stride = 0;
  o.minValidFraction = 1.0;
  const ss::PairSetPatchProvider strict(set, c, 7, o);
  EXPECT_LT(strict.Size(), a.Size());
  for (const auto & w : strict.GetWindows())
  {
    EXPECT_EQ(w.validPixels, static_cast<std::size_t>(P * P));
  }
}

TEST(PairSetPatchProvider, GetGivesTheModelShapesAndTheSlideValues)
{
  const ss::PairSet set = ss::test::SyntheticPairSet(2);
  const ss::ModelConfig c = TinyFor(set);
  const ss::PairSetPatchProvider provider(set, c, 3);
  const std::int64_t last = provider.Size() - 1;
  ss::TrainingPatch patch;
  provider.Get(last, patch);
  EXPECT_NO_THROW(patch.Validate(c));
  const std::int64_t G = 4, P = c.patchSize;
  EXPECT_EQ(patch.hr.shape, (std::vector<std::int64_t>{ G, P, P }));
  EXPECT_EQ(patch.hrMask.shape, (std::vector<std::int64_t>{ 1, P, P }));
  EXPECT_EQ(patch.cell.shape, (std::vector<std::int64_t>{ 3, P * 2, P * 2 }));
  EXPECT_EQ(patch.tissue.shape, (std::vector<std::int64_t>{ 3, 16, 16 }));
  const ss::PatchWindow & w = provider.GetWindows().back();
  ss::PatchOptions po;
  po.tissuePixels = 16;
  const ss::PatchSample expected = ss::ExtractPatch(set.slides[w.slide], static_cast<unsigned>(P), w.first, po);
  EXPECT_EQ(patch.hr.data, expected.hr);
  EXPECT_EQ(patch.lr.data, expected.lr);
  EXPECT_EQ(patch.base.data, expected.base);
  EXPECT_EQ(patch.lrMask.data, expected.lrMask);
  EXPECT_EQ(patch.cell.data, expected.cell);
  EXPECT_EQ(patch.tissue.data, expected.tissue);
  // The window's pixel (5, 3) is the slide's.
  const ss::IndexType at = { { w.first[0] + 5, w.first[1] + 3 } };
  if (set.slides[w.slide].grid.GetRegion().IsInside(at))
  {
    EXPECT_EQ(patch.hr.data[static_cast<std::size_t>(2 * P * P + 3 * P + 5)], set.slides[w.slide].hr->GetPixel(at)[2]);
  }
  EXPECT_THROW(provider.Get(provider.Size(), patch), std::out_of_range);

  // Some of the genes, in another order: the model's order.
  ss::ModelConfig two = c;
  two.genes = { "PTPRC", "EPCAM" };
  ss::TrainingPatch picked;
  ss::PairSetPatchProvider(set, two, 3).Get(last, picked);
  ASSERT_EQ(picked.hr.shape, (std::vector<std::int64_t>{ 2, P, P }));
  const auto plane = static_cast<std::ptrdiff_t>(P * P);
  EXPECT_TRUE(std::equal(picked.hr.data.begin(), picked.hr.data.begin() + plane, expected.hr.begin() + 2 * plane));
  EXPECT_TRUE(std::equal(picked.base.data.begin() + plane, picked.base.data.end(), expected.base.begin()));

  // A model without histology reads no images, from slides with or without them.
  ss::ModelConfig blind = c;
  blind.useHistology = blind.useDisentangling = blind.useDynamicAttention = false;
  ss::TrainingPatch expressionOnly;
  ss::PairSetPatchProvider(set, blind, 3).Get(last, expressionOnly);
  EXPECT_TRUE(expressionOnly.cell.Empty() && expressionOnly.tissue.Empty());
  EXPECT_NO_THROW(expressionOnly.Validate(blind));
  EXPECT_EQ(expressionOnly.hr.data, expected.hr);
  ss::test::SyntheticSlideParameters noHE;
  noHE.histology = false;
  EXPECT_GT(ss::PairSetPatchProvider(ss::test::SyntheticPairSet(1, noHE), blind, 3).Size(), 0);
}

TEST(PairSetPatchProvider, MismatchesAreRefusedNamingThePairSetField)
{
  const ss::PairSet set = ss::test::SyntheticPairSet(2);
  ss::ModelConfig c = TinyFor(set);
  c.cellPixelsPerBin = 4;
  ExpectInputError([&] { ss::PairSetPatchProvider(set, c, 0, {}, "pairs/"); },
                   { "pairs/: slides[0].cell_pixels_per_bin: slide 'synthetic0' has q = 2",
                     "cellPixelsPerBin is 4",
                     "--cellPixelsPerBin 4" });
  c = TinyFor(set);
  c.tissueBinsPerPixel = 2;
  ExpectInputError([&] { ss::PairSetPatchProvider(set, c, 0); },
                   { "slides[0].tissue_bins_per_pixel", "--tissueBinsPerPixel 2" });
  c = TinyFor(set);
  c.genes = { "EPCAM", "MKI67" };
  ExpectInputError([&] { ss::PairSetPatchProvider(set, c, 0); }, { "MKI67" });
  c = TinyFor(set);
  c.normalization.mode = "library";
  ExpectInputError([&] { ss::PairSetPatchProvider(set, c, 0); }, { "normalization", "density" });

  ss::test::SyntheticSlideParameters noHE;
  noHE.histology = false;
  ExpectInputError([&] { ss::PairSetPatchProvider(ss::test::SyntheticPairSet(1, noHE), TinyFor(set), 0); },
                   { "slides[0].maps.cell", "no H&E maps", "--noHistology" });

  // A slide whose tissue fills no window.
  ss::test::SyntheticSlideParameters speck;
  speck.mask = [](long x, long y) { return x < 3 && y < 3; };
  ExpectInputError([&] { ss::PairSetPatchProvider(ss::test::SyntheticPairSet(1, speck), TinyFor(set), 0); },
                   { "hrMask", "no 16 x 16 window", "--patchSize" });
  // Slides without a pair set must have one component per model gene.
  ss::ModelConfig three = TinyFor(set);
  three.genes.pop_back();
  ExpectInputError([&] { ss::PairSetPatchProvider(set.slides, three, 0); }, { "slides[0].maps", "4 genes" });
  EXPECT_GT(ss::PairSetPatchProvider(set.slides, TinyFor(set), 0).Size(), 0);
}

TEST(PairSetPatchProvider, VisiumCheckerboardCountsOnlyItsSpotPositions)
{
  // On a Visium array grid only the pixels with col + row even hold spots.
  ss::test::SyntheticSlideParameters visium;
  visium.mask = [](long x, long y) { return (x + y) % 2 == 0 && x > 2 && y > 2 && x < 36 && y < 32; };
  const ss::PairSet set = ss::test::SyntheticPairSet(1, visium);
  EXPECT_EQ(ss::PairSetPatchProvider::MeasurableFraction(set.slides[0].hrMask), 0.5);
  EXPECT_EQ(ss::PairSetPatchProvider::MeasurableFraction(ss::test::SyntheticPairSet(1).slides[0].hrMask), 1.0);
  const ss::PairSetPatchProvider p(set, TinyFor(set), 1);
  ASSERT_GT(p.Size(), 0);
  for (const auto & w : p.GetWindows())
  {
    EXPECT_GE(static_cast<double>(w.validPixels), 0.5 * 0.5 * 16 * 16);
  }
}

TEST(ModelConfigForPairSet, FollowsThePairSet)
{
  ss::PairSet set = ss::test::SyntheticPairSet(2);
  ss::ModelConfig c = ss::ModelConfigForPairSet("small", set);
  EXPECT_EQ(c.preset, "small");
  EXPECT_EQ(c.genes, set.genes);
  EXPECT_EQ(c.normalization.mode, "density");
  EXPECT_EQ(c.normalization.referenceAreaUm2, 100.0);
  EXPECT_EQ(c.normalization.resolutionUm, 10.0);
  EXPECT_EQ(c.normalization.factor, 10.0);
  EXPECT_EQ(c.cellPixelsPerBin, 2) << "the pair set's q, not the preset's 4";
  EXPECT_EQ(c.tissueBinsPerPixel, 4);
  EXPECT_EQ(c.patchSize, 32);
  EXPECT_TRUE(c.useHistology && c.useDisentangling && c.useDynamicAttention && c.useGeneGraph);
  EXPECT_TRUE(c.residualScales.empty());

  // A whole config.json of another model: its architecture, the pair set's genes and grids.
  ss::ModelConfigOverrides o;
  ss::ModelConfig tiny = ss::test::TinyConfig();
  tiny.cellPixelsPerBin = 8;
  tiny.residualScales = { 1, 2, 3, 4 };
  o.config = tiny.ToJSON();
  c = ss::ModelConfigForPairSet("paper", set, o);
  EXPECT_EQ(c.channels, 16);
  EXPECT_EQ(c.patchSize, 16);
  EXPECT_EQ(c.genes, set.genes);
  EXPECT_EQ(c.cellPixelsPerBin, 2);
  EXPECT_TRUE(c.residualScales.empty()) << "scales of other genes were kept";
  // The same genes: its statistics stay.
  tiny.genes = set.genes;
  o.config = tiny.ToJSON();
  EXPECT_EQ(ss::ModelConfigForPairSet("small", set, o).residualScales, tiny.residualScales);

  // Some keys only, over the preset; then P and the ablations.
  o = {};
  o.config = { { "denoiser", { { "channels", 24 } } } };
  o.patchSize = 16;
  o.noGeneGraph = true;
  o.noDisentangling = true;
  c = ss::ModelConfigForPairSet("small", set, o);
  EXPECT_EQ(c.channels, 24);
  EXPECT_EQ(c.channelMults, ss::ModelConfig::Preset("small", {}).channelMults);
  EXPECT_EQ(c.patchSize, 16);
  EXPECT_FALSE(c.useGeneGraph || c.useDisentangling);
  EXPECT_TRUE(c.useHistology && c.useDynamicAttention);
  o = {};
  o.noHistology = true;
  c = ss::ModelConfigForPairSet("small", set, o);
  EXPECT_FALSE(c.useHistology || c.useDisentangling || c.useDynamicAttention);
  EXPECT_TRUE(c.useGeneGraph);

  o = {};
  o.config = { { "denoiser", { { "chanels", 24 } } } };
  o.configSource = "my.json";
  ExpectInputError([&] { ss::ModelConfigForPairSet("small", set, o); }, { "my.json: denoiser.chanels" });
  o.config = nlohmann::json::array();
  ExpectInputError([&] { ss::ModelConfigForPairSet("small", set, o); }, { "my.json", "not a JSON object" });

  // Pairs without H&E: only for a model without histology.
  ss::test::SyntheticSlideParameters noHE;
  noHE.histology = false;
  const ss::PairSet blind = ss::test::SyntheticPairSet(1, noHE);
  ExpectInputError([&] { ss::ModelConfigForPairSet("small", blind, {}, "pairs/"); },
                   { "pairs/: slides[0].maps.cell", "--noHistology" });
  o = {};
  o.noHistology = true;
  EXPECT_FALSE(ss::ModelConfigForPairSet("small", blind, o).useHistology);

  // Slides that disagree: q refused; resolution not recorded.
  set.slides[1].cellPixelsPerBin = 4;
  ExpectInputError([&] { ss::ModelConfigForPairSet("small", set); }, { "slides[1].cell_pixels_per_bin" });
  set.slides[1].cellPixelsPerBin = 2;
  set.slides[1].resolutionUm = 20;
  EXPECT_EQ(ss::ModelConfigForPairSet("small", set).normalization.resolutionUm, 0.0);
  set.slides[0].cellPixelsPerBin = set.slides[1].cellPixelsPerBin = 3;
  ExpectInputError([&] { ss::ModelConfigForPairSet("small", set); },
                   { "slides[0].cell_pixels_per_bin", "power of two" });
}

TEST(TrainOnPairSet, RefusesAFolderThatIsNotThisRuns)
{
  TempFolder dir;
  const std::string out = dir.File("model");
  EXPECT_NO_THROW(ss::CheckTrainingFolder(out, false, false)) << "absent";
  ss::CreateDirectories(out);
  EXPECT_NO_THROW(ss::CheckTrainingFolder(out, false, false)) << "empty";
  ss::WriteTextFileAtomically(ss::JoinPath(out, "notes.txt"), "mine\n");
  ExpectInputError([&] { ss::CheckTrainingFolder(out, false, false); },
                   { "--output: exists and is not empty", "--resume", "--overwrite" });
  ExpectInputError([&] { ss::CheckTrainingFolder(out, false, true); }, { "not a SuperSpot model folder" });
  ExpectInputError([&] { ss::CheckTrainingFolder(out, true, false); }, { "not a SuperSpot model folder" });
  ss::WriteTextFileAtomically(ss::JoinPath(out, "config.json"), "{}\n");
  EXPECT_NO_THROW(ss::CheckTrainingFolder(out, false, true));
  ExpectInputError([&] { ss::CheckTrainingFolder(out, true, false); }, { "no checkpoint", "--overwrite" });
  ss::CreateDirectories(ss::JoinPath(out, "checkpoint"));
  ss::WriteTextFileAtomically(ss::JoinPath(out, "checkpoint/state.safetensors"), "x");
  EXPECT_NO_THROW(ss::CheckTrainingFolder(out, true, false));
  ExpectInputError([&] { ss::CheckTrainingFolder(ss::JoinPath(out, "notes.txt"), true, true); },
                   { "is an existing file" });
  ExpectInputError([&] { ss::CheckTrainingFolder("", false, false); }, { "--output", "no model folder" });
}

namespace
{
/** Keeps the fractions a run reports. */
class RecordingProgress : public ss::ProgressReporter
{
public:
  void Start(const std::string &, const std::string &) override {}
  void Progress(double fraction, const std::string &) override { fractions.push_back(fraction); }
  void End() override {}
  std::vector<double> fractions;
};
} // namespace

TEST(TrainOnPairSet, StopsResumesWithTheCheckpointsConfigAndReportsTheStepsLeft)
{
  TempFolder dir;
  const ss::PairSet set = ss::test::SyntheticPairSet(1);
  ss::PairSetTrainingOptions o;
  ss::ModelConfig tiny = ss::test::TinyConfig();
  tiny.genes = set.genes;
  o.model.config = tiny.ToJSON();
  o.trainer.outputDir = dir.File("model");
  o.trainer.steps = 4;
  o.trainer.batchSize = 2;
  o.trainer.warmupSteps = 1;
  o.trainer.checkpointEvery = 1;
  o.trainer.threads = 1;
  o.trainer.logEvery = 0;
  o.trainer.rank = 0;
  o.trainer.worldSize = 1;
  o.trainer.stopAfter = 2;
  RecordingProgress first;
  const ss::PairSetTrainingSummary a = ss::TrainOnPairSet(set, o, &first);
  EXPECT_FALSE(a.resumed);
  EXPECT_EQ(a.training.lastStep, 2);
  EXPECT_EQ(a.windows, ss::PairSetPatchProvider(set, a.training.config, 0).Size());
  EXPECT_EQ(first.fractions, (std::vector<double>{ 0.25, 0.5 }));

  // Resumed: the checkpoint's configuration (here 16 x 16 patches) wins over other options,
  // and the fractions are of the two steps left, so the ETA comes from this run's pace.
  o.trainer.stopAfter = 0;
  o.trainer.resume = true;
  o.model = {};
  RecordingProgress second;
  const ss::PairSetTrainingSummary b = ss::TrainOnPairSet(set, o, &second);
  EXPECT_TRUE(b.resumed);
  EXPECT_EQ(b.training.firstStep, 2);
  EXPECT_EQ(b.training.lastStep, 4);
  EXPECT_EQ(b.training.config.patchSize, 16);
  EXPECT_EQ(second.fractions, (std::vector<double>{ 0.5, 1.0 }));
  EXPECT_TRUE(ss::FileExists(dir.File("model/model.safetensors")));
}
