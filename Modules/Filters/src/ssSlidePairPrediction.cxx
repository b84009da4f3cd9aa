#include "ssSlidePairPrediction.h"

#include "ssConditionEncoderImageFilter.h"
#include "ssDiffusionSamplerImageFilter.h"
#include "ssError.h"
#include "ssGeneGraphPriorImageFilter.h"

#include <chrono>

namespace ss
{

SlidePrediction PredictSlidePair(const SlidePair & pair,
                                 std::shared_ptr<ModelRunner> model,
                                 const SlidePredictionOptions & o)
{
  const auto start = std::chrono::steady_clock::now();
  if (!model)
  {
    throw std::invalid_argument("PredictSlidePair: no model");
  }
  const ModelConfig & c = model->GetConfig();
  if (!pair.lr || !pair.base || !pair.lrMask)
  {
    SS_INPUT_ERROR(pair.name, "LR maps", "the slide has no LR map, base map or LR mask", "make it with a pair builder");
  }
  if (c.useHistology)
  {
    if (!pair.cell || !pair.tissue)
    {
      SS_INPUT_ERROR(pair.name,
                     "histology",
                     "the model reads the H&E and the slide has no cell/tissue images",
                     "make the slide's pairs with its H&E (or use a model trained without histology)");
    }
    if (static_cast<std::int64_t>(pair.cellPixelsPerBin) != c.cellPixelsPerBin ||
        static_cast<std::int64_t>(pair.tissueBinsPerPixel) != c.tissueBinsPerPixel)
    {
      SS_INPUT_ERROR(pair.name,
                     "cellPixelsPerBin/tissueBinsPerPixel",
                     "are " + std::to_string(pair.cellPixelsPerBin) + "/" + std::to_string(pair.tissueBinsPerPixel) +
                       ", the model's " + std::to_string(c.cellPixelsPerBin) + "/" +
                       std::to_string(c.tissueBinsPerPixel),
                     "make the pairs with the model's q and t");
    }
  }
  auto configure = [&](ModelStageImageFilter * f)
  {
    f->SetModel(model);
    f->SetPatchOverlap(o.overlap);
    f->SetPatchesPerBatch(o.patchesPerBatch);
    if (o.threads)
    {
      f->SetNumberOfWorkUnits(o.threads);
    }
  };
  auto encoder = ConditionEncoderImageFilter::New();
  configure(encoder);
  encoder->SetLRInput(pair.lr);
  encoder->SetBaseInput(pair.base);
  encoder->SetLRMaskInput(pair.lrMask);
  if (c.useHistology)
  {
    encoder->SetCellInput(pair.cell);
    encoder->SetTissueInput(pair.tissue);
  }
  auto sampler = DiffusionSamplerImageFilter::New();
  configure(sampler);
  sampler->SetNumberOfSamples(o.samples);
  sampler->SetNumberOfSteps(o.steps);
  sampler->SetSampler(o.sampler);
  sampler->SetEta(o.eta);
  sampler->SetGuidanceScale(o.guidance);
  sampler->SetSeed(o.seed);
  sampler->SetKeepSamples(o.keepSamples);
  encoder->SetWithUnconditional(sampler->EffectiveGuidanceScale() != 1.0);
  sampler->SetConditionInput(encoder->GetOutput());
  sampler->SetBaseInput(pair.base);
  sampler->SetMaskInput(pair.lrMask);
  GeneGraphPriorImageFilter::Pointer prior;
  if (c.useGeneGraph)
  {
    prior = GeneGraphPriorImageFilter::New();
    configure(prior);
    prior->SetLRInput(pair.lr);
    prior->SetBaseInput(pair.base);
    prior->SetLRMaskInput(pair.lrMask);
    sampler->SetPriorInput(prior->GetOutput());
  }
  sampler->Update();
  SlidePrediction p;
  p.mean = sampler->GetMeanOutput();
  p.std = sampler->GetStdOutput();
  p.mean->DisconnectPipeline();
  p.std->DisconnectPipeline();
  if (o.keepSamples)
  {
    p.samples = sampler->GetSamplesOutput();
    p.samples->DisconnectPipeline();
  }
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

} // namespace ss
