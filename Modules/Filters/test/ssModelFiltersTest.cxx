// The model's stages as ITK filters: a pipeline built from the filters alone, the composite,
// streaming and shards, blending across patch borders, determinism.
#include "ssConditionEncoderImageFilter.h"
#include "ssDiffusionSamplerImageFilter.h"
#include "ssError.h"
#include "ssFiles.h"
#include "ssGeneGraphPriorImageFilter.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssSlidePairPrediction.h"
#include "ssSuperResolutionImageFilter.h"
#include "ssTrainer.h"
#include "ssTrainerTestData.h"

#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionIteratorWithIndex.h"
#include "itkImageRegionSplitterMultidimensional.h"
#include "itkStreamingImageFilter.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <cmath>
#include <fstream>

namespace
{

class TempDir
{
public:
  TempDir()
  {
    m_Path =
      (boost::filesystem::temp_directory_path() / boost::filesystem::unique_path("ss-filters-%%%%-%%%%")).string();
    boost::filesystem::create_directories(m_Path);
  }
  ~TempDir() { boost::filesystem::remove_all(m_Path); }
  const std::string & Path() const { return m_Path; }

private:
  std::string m_Path;
};

/** A tiny model (4 genes, 16-pixel patches, q = 2, t = 4, S = 16), trained for a few steps;
 * `variants`: ModelConfig::ApplyVariant names applied in turn. */
std::string TinyModel(const TempDir & dir, const std::vector<std::string> & variants = {})
{
  ss::ModelConfig c = ss::test::TinyConfig();
  for (const std::string & v : variants)
  {
    c.ApplyVariant(v);
  }
  ss::TrainerOptions o;
  o.outputDir = dir.Path() + "/model";
  o.steps = 3;
  o.batchSize = 2;
  o.warmupSteps = 1;
  o.checkpointEvery = 0;
  o.threads = 1;
  o.logEvery = 0;
  o.rank = 0;
  o.worldSize = 1;
  o.statisticsPatches = 8;
  ss::Trainer(c, o).Train(ss::test::SyntheticProvider(c, 8));
  return o.outputDir;
}

/** A slide's model inputs on a 45 x 38 HR grid of 10 µm pixels (not a multiple of the stride),
 * with a hole in the LR mask and a textured H&E at 2.5 µm per pixel. */
struct Slide
{
  ss::GridGeometry grid;
  ss::ExpressionImageType::Pointer lr, base;
  ss::MaskImageType::Pointer mask;
  ss::RGBImageType::Pointer he;
};

Slide MakeSlide(float constant = -1)
{
  Slide s;
  s.grid.spacing.Fill(10);
  s.grid.origin[0] = 1000;
  s.grid.origin[1] = 2000;
  s.grid.size[0] = 45;
  s.grid.size[1] = 38;
  auto map = [&](ss::ExpressionImageType::Pointer & image)
  {
    image = ss::ExpressionImageType::New();
    s.grid.ApplyTo(image);
    image->SetNumberOfComponentsPerPixel(4);
    image->Allocate();
  };
  map(s.lr);
  map(s.base);
  s.mask = ss::MaskImageType::New();
  s.grid.ApplyTo(s.mask);
  s.mask->Allocate();
  ss::ExpressionImageType::PixelType v(4), b(4);
  for (itk::ImageRegionIteratorWithIndex<ss::ExpressionImageType> it(s.lr, s.grid.GetRegion()); !it.IsAtEnd(); ++it)
  {
    const auto x = static_cast<double>(it.GetIndex()[0]), y = static_cast<double>(it.GetIndex()[1]);
    const bool inside = !(x > 30 && y > 25); // a corner without spots
    for (unsigned g = 0; g < 4; ++g)
    {
      b[g] = constant >= 0 ? constant : static_cast<float>(1.0 + 0.5 * std::sin(0.1 * x + g) + 0.02 * y);
      // The LR map: blocks of 5 x 5 pixels (a "spot" each) carrying the base value at the centre.
      const double cx = std::floor(x / 5) * 5 + 2, cy = std::floor(y / 5) * 5 + 2;
      v[g] = constant >= 0 ? constant : static_cast<float>(1.0 + 0.5 * std::sin(0.1 * cx + g) + 0.02 * cy);
      if (!inside)
      {
        v[g] = 0;
      }
    }
    it.Set(v);
    s.base->SetPixel(it.GetIndex(), b);
    s.mask->SetPixel(it.GetIndex(), inside ? 1 : 0);
  }
  s.he = ss::RGBImageType::New();
  ss::RGBImageType::SpacingType spacing;
  spacing.Fill(2.5);
  s.he->SetSpacing(spacing);
  ss::RGBImageType::PointType origin;
  origin[0] = 1000 - 5 + 1.25;
  origin[1] = 2000 - 5 + 1.25;
  s.he->SetOrigin(origin);
  s.he->SetRegions(ss::SizeType{ { 180, 152 } });
  s.he->Allocate();
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(s.he, s.he->GetLargestPossibleRegion()); !it.IsAtEnd();
       ++it)
  {
    const auto x = static_cast<double>(it.GetIndex()[0]), y = static_cast<double>(it.GetIndex()[1]);
    ss::RGBPixelType p;
    p[0] = static_cast<unsigned char>(180 + 60 * std::sin(0.3 * x));
    p[1] = static_cast<unsigned char>(100 + 80 * std::cos(0.2 * y));
    p[2] = static_cast<unsigned char>(200 - 0.5 * x);
    it.Set(p);
  }
  return s;
}

ss::SuperResolutionImageFilter::Pointer Composite(const std::string & model, const Slide & s)
{
  auto f = ss::SuperResolutionImageFilter::New();
  f->SetModelDirectory(model);
  f->SetNumberOfWorkUnits(1);
  f->SetLRInput(s.lr);
  f->SetBaseInput(s.base);
  f->SetLRMaskInput(s.mask);
  f->SetHistologyInput(s.he);
  f->SetNumberOfSamples(3);
  f->SetNumberOfSteps(3);
  f->SetPatchOverlap(4);
  f->SetSeed(5);
  return f;
}

std::vector<float> Buffer(const ss::ExpressionImageType * image, const ss::RegionType & region)
{
  std::vector<float> v;
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(image, region); !it.IsAtEnd(); ++it)
  {
    const auto p = it.Get();
    for (unsigned g = 0; g < p.GetSize(); ++g)
    {
      v.push_back(p[g]);
    }
  }
  return v;
}

/** Largest absolute difference and how many elements differ (for failure messages). */
std::string Differences(const std::vector<float> & a, const std::vector<float> & b)
{
  if (a.size() != b.size())
  {
    return "sizes differ";
  }
  double worst = 0;
  std::size_t n = 0, first = a.size();
  for (std::size_t i = 0; i < a.size(); ++i)
  {
    if (a[i] != b[i])
    {
      worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
      first = std::min(first, i);
      ++n;
    }
  }
  return std::to_string(n) + " of " + std::to_string(a.size()) + " differ, first at " + std::to_string(first) +
         ", by at most " + std::to_string(worst);
}

} // namespace

TEST(ModelFilters, APipelineOfTheStageFiltersGivesMeanAndUncertainty)
{
  TempDir dir;
  const std::string model = TinyModel(dir);
  const Slide s = MakeSlide();

  // As an ITK user would build it, stage by stage.
  auto tiles = ss::HistologyTileExtractionFilter::New();
  tiles->SetInput(s.he);
  tiles->SetHRGrid(s.grid);
  tiles->SetCellPixelsPerBin(2);
  tiles->SetTissueBinsPerPixel(4);
  auto encoder = ss::ConditionEncoderImageFilter::New();
  encoder->SetModelDirectory(model);
  encoder->SetNumberOfWorkUnits(1);
  encoder->SetPatchOverlap(4);
  encoder->SetLRInput(s.lr);
  encoder->SetBaseInput(s.base);
  encoder->SetLRMaskInput(s.mask);
  encoder->SetCellInput(tiles->GetCellOutput());
  encoder->SetTissueInput(tiles->GetTissueOutput());
  auto prior = ss::GeneGraphPriorImageFilter::New();
  prior->SetModelDirectory(model);
  prior->SetNumberOfWorkUnits(1);
  prior->SetLRInput(s.lr);
  prior->SetBaseInput(s.base);
  prior->SetLRMaskInput(s.mask);
  auto sampler = ss::DiffusionSamplerImageFilter::New();
  sampler->SetModelDirectory(model);
  sampler->SetNumberOfWorkUnits(1);
  sampler->SetPatchOverlap(4);
  sampler->SetConditionInput(encoder->GetOutput());
  sampler->SetBaseInput(s.base);
  sampler->SetPriorInput(prior->GetOutput());
  sampler->SetMaskInput(s.mask);
  sampler->SetNumberOfSamples(3);
  sampler->SetNumberOfSteps(3);
  sampler->SetSeed(5);
  EXPECT_NO_THROW(sampler->Update());

  // The condition image: one pixel per patch at the patch centres.
  const ss::ExpressionImageType * condition = encoder->GetOutput();
  EXPECT_EQ(condition->GetLargestPossibleRegion().GetSize(), (ss::SizeType{ { 4, 4 } })); // ceil(45/12), ceil(38/12)
  EXPECT_DOUBLE_EQ(condition->GetSpacing()[0], 120);
  EXPECT_EQ(prior->GetOutput()->GetNumberOfComponentsPerPixel(), 4u);

  const ss::ExpressionImageType * mean = sampler->GetMeanOutput();
  const ss::ExpressionImageType * sd = sampler->GetStdOutput();
  EXPECT_TRUE(ss::GridGeometry::FromImage(mean).SameAs(s.grid));
  ASSERT_EQ(mean->GetNumberOfComponentsPerPixel(), 4u);
  double insideStd = 0;
  std::size_t inside = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(mean, s.grid.GetRegion()); !it.IsAtEnd();
       ++it)
  {
    const auto m = it.Get(), d = sd->GetPixel(it.GetIndex());
    for (unsigned g = 0; g < 4; ++g)
    {
      ASSERT_TRUE(std::isfinite(m[g]) && m[g] >= 0 && d[g] >= 0);
      if (!s.mask->GetPixel(it.GetIndex()))
      {
        ASSERT_EQ(m[g], 0.0f);
        ASSERT_EQ(d[g], 0.0f);
      }
      else
      {
        insideStd += d[g];
        ++inside;
      }
    }
  }
  EXPECT_GT(insideStd / static_cast<double>(inside), 1e-4) << "K = 3 samples differ";

  // The composite builds the same pipeline: bit-identical maps.
  auto composite = Composite(model, s);
  composite->Update();
  EXPECT_EQ(Buffer(composite->GetMeanOutput(), s.grid.GetRegion()), Buffer(mean, s.grid.GetRegion()));
  EXPECT_EQ(Buffer(composite->GetStdOutput(), s.grid.GetRegion()), Buffer(sd, s.grid.GetRegion()));
}

TEST(ModelFilters, RegionsBlocksStreamsAndShardsGiveTheSameMaps)
{
  TempDir dir;
  const std::string model = TinyModel(dir);
  const Slide s = MakeSlide();
  auto whole = Composite(model, s);
  whole->Update();
  const std::vector<float> mean = Buffer(whole->GetMeanOutput(), s.grid.GetRegion());
  const std::vector<float> sd = Buffer(whole->GetStdOutput(), s.grid.GetRegion());

  // Block by block (one lattice stride per block: every block needs its neighbours' patches).
  auto filter = Composite(model, s);
  filter->UpdateOutputInformation();
  const std::vector<ss::RegionType> blocks = ss::SuperResolutionBlocks(filter->GetLattice(), 1);
  EXPECT_EQ(blocks.size(), 16u);
  const ss::SuperResolutionBlocksResult byBlock = ss::RunSuperResolutionBlocks(filter, blocks);
  EXPECT_EQ(Buffer(byBlock.mean, s.grid.GetRegion()), mean)
    << Differences(Buffer(byBlock.mean, s.grid.GetRegion()), mean);
  EXPECT_EQ(Buffer(byBlock.std, s.grid.GetRegion()), sd) << Differences(Buffer(byBlock.std, s.grid.GetRegion()), sd);

  // Two shards, pasted together.
  auto a = ss::RunSuperResolutionBlocks(Composite(model, s), ss::ShardBlocks(blocks, 0, 2));
  auto b = ss::RunSuperResolutionBlocks(Composite(model, s), ss::ShardBlocks(blocks, 1, 2));
  for (const ss::RegionType & block : b.blocks)
  {
    itk::ImageAlgorithm::Copy(b.mean.GetPointer(), a.mean.GetPointer(), block, block);
  }
  EXPECT_EQ(Buffer(a.mean, s.grid.GetRegion()), mean) << Differences(Buffer(a.mean, s.grid.GetRegion()), mean);
  EXPECT_THROW(ss::ShardBlocks(blocks, 2, 2), ss::InputError);

  // itk::StreamingImageFilter over the mean, in 5 square-ish pieces.
  auto streamed = Composite(model, s);
  auto streamer = itk::StreamingImageFilter<ss::ExpressionImageType, ss::ExpressionImageType>::New();
  streamer->SetInput(streamed->GetMeanOutput());
  streamer->SetNumberOfStreamDivisions(5);
  streamer->SetRegionSplitter(itk::ImageRegionSplitterMultidimensional::New());
  streamer->Update();
  EXPECT_EQ(Buffer(streamer->GetOutput(), s.grid.GetRegion()), mean)
    << Differences(Buffer(streamer->GetOutput(), s.grid.GetRegion()), mean);

  // The seed changes the samples; the same seed gives them again.
  auto reseeded = Composite(model, s);
  reseeded->SetSeed(6);
  reseeded->Update();
  EXPECT_NE(Buffer(reseeded->GetMeanOutput(), s.grid.GetRegion()), mean);
  auto again = Composite(model, s);
  again->Update();
  EXPECT_EQ(Buffer(again->GetMeanOutput(), s.grid.GetRegion()), mean);
}

TEST(ModelFilters, AConstantFieldStaysConstantAcrossPatchBorders)
{
  TempDir dir;
  const std::string model = TinyModel(dir);
  // Tiny residual scales: the model can only give back its base map, v = base + s·x.
  const std::string configPath = model + "/config.json";
  ss::ModelConfig c = ss::ModelConfig::FromJSON(ss::ReadJSONFile(configPath), configPath);
  c.residualScales.assign(4, 1e-7f);
  ss::WriteJSONFileAtomically(configPath, c.ToJSON());
  ss::ModelRunner::ClearCache();

  const Slide s = MakeSlide(2.0f);
  auto f = Composite(model, s);
  f->SetPatchOverlap(8); // wide ramps: any blending error would show
  f->Update();
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(f->GetMeanOutput(), s.grid.GetRegion());
       !it.IsAtEnd();
       ++it)
  {
    if (!s.mask->GetPixel(it.GetIndex()))
    {
      continue;
    }
    const auto m = it.Get();
    for (unsigned g = 0; g < 4; ++g)
    {
      ASSERT_NEAR(m[g], 2.0f, 1e-5) << it.GetIndex();
    }
  }
}

TEST(ModelFilters, GuidanceModelsWithoutPartsAndBadInputs)
{
  TempDir dir;
  const std::string model = TinyModel(dir);
  const Slide s = MakeSlide();
  auto guided = Composite(model, s);
  guided->SetGuidanceScale(2.0);
  EXPECT_NO_THROW(guided->Update());
  EXPECT_TRUE(guided->GetConditionEncoder()->GetWithUnconditional());
  auto plain = Composite(model, s);
  plain->Update();
  EXPECT_NE(Buffer(guided->GetMeanOutput(), s.grid.GetRegion()), Buffer(plain->GetMeanOutput(), s.grid.GetRegion()));

  // A model without histology or gene graph runs without the H&E and without the prior stage.
  TempDir dir2;
  const std::string bare = TinyModel(dir2, { "no-histology", "no-gene-graph" });
  auto f = ss::SuperResolutionImageFilter::New();
  f->SetModelDirectory(bare);
  f->SetNumberOfWorkUnits(1);
  f->SetLRInput(s.lr);
  f->SetBaseInput(s.base);
  f->SetLRMaskInput(s.mask);
  f->SetNumberOfSamples(2);
  f->SetNumberOfSteps(2);
  EXPECT_NO_THROW(f->Update());
  auto prior = ss::GeneGraphPriorImageFilter::New();
  prior->SetModelDirectory(bare);
  prior->SetLRInput(s.lr);
  prior->SetBaseInput(s.base);
  prior->SetLRMaskInput(s.mask);
  EXPECT_THROW(prior->Update(), itk::ExceptionObject);

  // Tissue tokens only (the ablation "one fixed histology scale"), and the regression
  // baseline: one deterministic pass, no spread.
  TempDir dir3, dir4;
  auto tissueOnly = Composite(TinyModel(dir3, { "no-dynamic-attention" }), s);
  EXPECT_NO_THROW(tissueOnly->Update());
  auto regression = Composite(TinyModel(dir4, { "regression" }), s);
  EXPECT_NO_THROW(regression->Update());
  for (float v : Buffer(regression->GetStdOutput(), s.grid.GetRegion()))
  {
    ASSERT_EQ(v, 0.0f);
  }

  // A histology model without the H&E, maps with other genes, no model: clear errors.
  auto noHE = Composite(model, s);
  noHE->SetHistologyInput(nullptr);
  try
  {
    noHE->Update();
    ADD_FAILURE() << "no error";
  }
  catch (const itk::ExceptionObject & e)
  {
    EXPECT_NE(std::string(e.what()).find("H&E"), std::string::npos) << e.what();
  }
  Slide wrong = MakeSlide();
  wrong.lr->SetNumberOfComponentsPerPixel(3);
  wrong.lr->Allocate();
  auto mismatch = Composite(model, wrong);
  try
  {
    mismatch->Update();
    ADD_FAILURE() << "no error";
  }
  catch (const itk::ExceptionObject & e)
  {
    EXPECT_NE(std::string(e.what()).find("genes"), std::string::npos) << e.what();
  }
  auto none = ss::SuperResolutionImageFilter::New();
  none->SetLRInput(s.lr);
  none->SetBaseInput(s.base);
  none->SetLRMaskInput(s.mask);
  EXPECT_THROW(none->Update(), itk::ExceptionObject);
}

TEST(ModelFilters, PredictSlidePairIsTheCompositeOnAPairsMaps)
{
  TempDir dir;
  const std::string model = TinyModel(dir);
  const Slide s = MakeSlide();
  auto tiles = ss::HistologyTileExtractionFilter::New();
  tiles->SetInput(s.he);
  tiles->SetHRGrid(s.grid);
  tiles->SetCellPixelsPerBin(2);
  tiles->SetTissueBinsPerPixel(4);
  tiles->Update();
  ss::SlidePair pair;
  pair.name = "test";
  pair.grid = s.grid;
  pair.lr = s.lr;
  pair.base = s.base;
  pair.lrMask = s.mask;
  pair.cellPixelsPerBin = 2;
  pair.tissueBinsPerPixel = 4;
  pair.cell = tiles->GetCellOutput();
  pair.tissue = tiles->GetTissueOutput();
  ss::SlidePredictionOptions o;
  o.samples = 3;
  o.steps = 3;
  o.overlap = 4;
  o.seed = 5;
  o.threads = 1;
  o.keepSamples = true;
  const ss::SlidePrediction p = ss::PredictSlidePair(pair, ss::ModelRunner::Load(model, "cpu", 1), o);
  auto composite = Composite(model, s);
  composite->Update();
  EXPECT_EQ(Buffer(p.mean, s.grid.GetRegion()), Buffer(composite->GetMeanOutput(), s.grid.GetRegion()));
  EXPECT_EQ(Buffer(p.std, s.grid.GetRegion()), Buffer(composite->GetStdOutput(), s.grid.GetRegion()));
  ASSERT_TRUE(p.samples);
  ASSERT_EQ(p.samples->GetNumberOfComponentsPerPixel(), 12u);
  for (itk::ImageRegionConstIteratorWithIndex<ss::ExpressionImageType> it(p.mean, s.grid.GetRegion()); !it.IsAtEnd();
       ++it)
  {
    const auto m = it.Get(), all = p.samples->GetPixel(it.GetIndex());
    for (unsigned g = 0; g < 4; ++g)
    {
      ASSERT_NEAR(m[g], (all[g] + all[4 + g] + all[8 + g]) / 3.0f, 1e-5f);
    }
  }
  pair.cellPixelsPerBin = 4;
  EXPECT_THROW(ss::PredictSlidePair(pair, ss::ModelRunner::Load(model, "cpu", 1), o), ss::InputError);
}
