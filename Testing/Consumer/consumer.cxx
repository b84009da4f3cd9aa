// An ITK program that uses SuperSpot from its installed headers and CMake package: it trains a
// tiny model with the library's Trainer, then puts SuperSpot's filters in an ITK pipeline driven
// by itk::StreamingImageFilter, as a user's pipeline would.
#include "ssCoordinateFrame.h"
#include "ssSuperResolutionImageFilter.h"
#include "ssTrainer.h"

#include "itkImageRegionIteratorWithIndex.h"
#include "itkImageRegionSplitterMultidimensional.h"
#include "itkStreamingImageFilter.h"

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>

namespace
{

int Fail(const std::string & why)
{
  std::cerr << "consumer: " << why << std::endl;
  return 1;
}

/** A tiny model: 2 genes, 8-pixel patches, 2 U-Net levels. */
ss::ModelConfig TinyModel()
{
  ss::ModelConfig c = ss::ModelConfig::Preset("small", { "GENE_A", "GENE_B" });
  c.patchSize = 8;
  c.cellPixelsPerBin = 2;
  c.tileBins = 4;
  c.tissuePixels = 8;
  c.tissueTokenGrid = 2;
  c.channels = 8;
  c.channelMults = { 1, 2 };
  c.attentionLevels = { 1 };
  c.heads = 2;
  c.tokenDim = 8;
  c.histologyChannels = 8;
  c.expressionChannels = 8;
  c.conditionChannels = 8;
  c.entropyBins = 4;
  c.geneEmbeddingDim = 2;
  c.graphHiddenDim = 4;
  c.diffusion.timesteps = 50;
  c.diffusion.samplingSteps = 2;
  return c;
}

void Fill(ss::FloatArray & a, std::vector<std::int64_t> shape, float v)
{
  a = ss::FloatArray(std::move(shape), v);
}

} // namespace

int main(int argc, char * argv[])
{
  const std::string dir = argc > 1 ? argv[1] : "consumer-model";
  try
  {
    // 1. Train a model for two steps on synthetic patches.
    const ss::ModelConfig c = TinyModel();
    ss::FunctionPatchProvider patches(4,
                                      [&](std::int64_t i, ss::TrainingPatch & p)
                                      {
                                        const auto P = c.patchSize, G = c.NumberOfGenes(), Q = c.CellImageSize();
                                        Fill(p.hr, { G, P, P }, 1.0f + 0.1f * static_cast<float>(i));
                                        Fill(p.hrMask, { 1, P, P }, 1.0f);
                                        Fill(p.lr, { G, P, P }, 1.0f);
                                        Fill(p.lrMask, { 1, P, P }, 1.0f);
                                        Fill(p.base, { G, P, P }, 1.0f);
                                        Fill(p.cell, { 3, Q, Q }, 0.5f);
                                        Fill(p.tissue, { 3, c.tissuePixels, c.tissuePixels }, 0.7f);
                                      });
    ss::TrainerOptions o;
    o.outputDir = dir;
    o.steps = 2;
    o.batchSize = 2;
    o.warmupSteps = 1;
    o.checkpointEvery = 0;
    o.threads = 1;
    o.rank = 0;
    o.worldSize = 1;
    ss::Trainer(c, o).Train(patches);

    // 2. A slide's inputs: LR maps on a 20 x 18 grid of 10 µm pixels, an H&E at 5 µm per pixel.
    ss::GridGeometry grid;
    grid.spacing.Fill(10);
    grid.size[0] = 20;
    grid.size[1] = 18;
    auto lr = ss::ExpressionImageType::New(), base = ss::ExpressionImageType::New();
    for (auto & image : { lr, base })
    {
      grid.ApplyTo(image);
      image->SetNumberOfComponentsPerPixel(2);
      image->Allocate();
      ss::ExpressionImageType::PixelType v(2);
      v[0] = 1.0f;
      v[1] = 2.0f;
      image->FillBuffer(v);
    }
    auto mask = ss::MaskImageType::New();
    grid.ApplyTo(mask);
    mask->Allocate();
    mask->FillBuffer(1);
    auto he = ss::RGBImageType::New();
    ss::RGBImageType::SpacingType spacing;
    spacing.Fill(5);
    he->SetSpacing(spacing);
    ss::RGBImageType::PointType origin;
    origin.Fill(-2.5);
    he->SetOrigin(origin);
    he->SetRegions(ss::SizeType{ { 40, 36 } });
    he->Allocate();
    for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(he, he->GetLargestPossibleRegion()); !it.IsAtEnd();
         ++it)
    {
      ss::RGBPixelType p;
      p[0] = static_cast<unsigned char>(100 + it.GetIndex()[0]);
      p[1] = 80;
      p[2] = static_cast<unsigned char>(150 + it.GetIndex()[1]);
      it.Set(p);
    }

    // 3. SuperSpot's composite filter in an ITK pipeline, streamed in four pieces.
    auto superResolve = ss::SuperResolutionImageFilter::New();
    superResolve->SetModelDirectory(dir);
    superResolve->SetNumberOfWorkUnits(1);
    superResolve->SetLRInput(lr);
    superResolve->SetBaseInput(base);
    superResolve->SetLRMaskInput(mask);
    superResolve->SetHistologyInput(he);
    superResolve->SetNumberOfSamples(2);
    superResolve->SetPatchOverlap(2);
    auto streamer = itk::StreamingImageFilter<ss::ExpressionImageType, ss::ExpressionImageType>::New();
    streamer->SetInput(superResolve->GetMeanOutput());
    streamer->SetNumberOfStreamDivisions(4);
    streamer->SetRegionSplitter(itk::ImageRegionSplitterMultidimensional::New());
    streamer->Update();
    const ss::ExpressionImageType * mean = streamer->GetOutput();
    if (mean->GetLargestPossibleRegion().GetSize() != grid.size || mean->GetNumberOfComponentsPerPixel() != 2)
    {
      return Fail("the mean map is not on the HR grid");
    }
    for (itk::ImageRegionConstIterator<ss::ExpressionImageType> it(mean, mean->GetLargestPossibleRegion());
         !it.IsAtEnd();
         ++it)
    {
      if (!std::isfinite(it.Get()[0]) || it.Get()[0] < 0)
      {
        return Fail("a value of the mean map is not a finite expression value");
      }
    }
  }
  catch (const std::exception & e)
  {
    return Fail(e.what());
  }
  std::cout << "SuperSpot consumer OK: a model trained and its filters streamed in an ITK pipeline" << std::endl;
  return 0;
}
