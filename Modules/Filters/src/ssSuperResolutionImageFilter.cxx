#include "ssSuperResolutionImageFilter.h"

#include "ssError.h"

#include "itkImageAlgorithm.h"

#include <chrono>

namespace ss
{

SuperResolutionImageFilter::SuperResolutionImageFilter()
  : m_TileExtraction(HistologyTileExtractionFilter::New())
  , m_Encoder(ConditionEncoderImageFilter::New())
  , m_Prior(GeneGraphPriorImageFilter::New())
  , m_SamplerFilter(DiffusionSamplerImageFilter::New())
{
  this->SetPrimaryInputName("LR");
  this->AddRequiredInputName("Base");
  this->AddRequiredInputName("LRMask");
  this->AddOptionalInputName("Histology");
  this->SetNumberOfRequiredOutputs(2);
  this->SetNthOutput(1, this->MakeOutput(1));
}

void SuperResolutionImageFilter::SetBaseInput(const ExpressionImageType * image)
{
  this->ProcessObject::SetInput("Base", const_cast<ExpressionImageType *>(image));
}

void SuperResolutionImageFilter::SetLRMaskInput(const MaskImageType * image)
{
  this->ProcessObject::SetInput("LRMask", const_cast<MaskImageType *>(image));
}

void SuperResolutionImageFilter::SetHistologyInput(const RGBImageType * image)
{
  this->ProcessObject::SetInput("Histology", const_cast<RGBImageType *>(image));
}

void SuperResolutionImageFilter::Wire()
{
  const std::shared_ptr<ModelRunner> model = GetModel();
  const ModelConfig & c = model->GetConfig();
  const auto * lr = this->GetInput();
  const auto * base = RequireInput<ExpressionImageType>("Base");
  const auto * mask = RequireInput<MaskImageType>("LRMask");
  for (ModelStageImageFilter * stage :
       std::initializer_list<ModelStageImageFilter *>{ m_Encoder, m_Prior, m_SamplerFilter })
  {
    stage->SetModel(model);
    stage->SetPatchOverlap(this->GetPatchOverlap());
    stage->SetPatchesPerBatch(this->GetPatchesPerBatch());
    stage->SetNumberOfWorkUnits(this->GetNumberOfWorkUnits());
  }
  m_SamplerFilter->SetNumberOfSamples(m_NumberOfSamples);
  m_SamplerFilter->SetNumberOfSteps(m_NumberOfSteps);
  m_SamplerFilter->SetSampler(m_Sampler);
  m_SamplerFilter->SetEta(m_Eta);
  m_SamplerFilter->SetGuidanceScale(m_GuidanceScale);
  m_SamplerFilter->SetSeed(m_Seed);

  m_Encoder->SetLRInput(lr);
  m_Encoder->SetBaseInput(base);
  m_Encoder->SetLRMaskInput(mask);
  m_Encoder->SetWithUnconditional(m_SamplerFilter->EffectiveGuidanceScale() != 1.0);
  if (c.useHistology)
  {
    const auto * he = OptionalInput<RGBImageType>("Histology");
    if (!he)
    {
      SS_INPUT_ERROR(model->GetDirectory(),
                     "useHistology",
                     "the model reads the H&E and none was given",
                     "give the slide's H&E (or use a model trained without histology)");
    }
    m_TileExtraction->SetInput(he);
    m_TileExtraction->SetHRGrid(GridGeometry::FromImage(lr));
    m_TileExtraction->SetCellPixelsPerBin(static_cast<unsigned int>(c.cellPixelsPerBin));
    m_TileExtraction->SetTissueBinsPerPixel(static_cast<unsigned int>(c.tissueBinsPerPixel));
    m_TileExtraction->SetNumberOfWorkUnits(this->GetNumberOfWorkUnits());
    m_Encoder->SetCellInput(m_TileExtraction->GetCellOutput());
    m_Encoder->SetTissueInput(m_TileExtraction->GetTissueOutput());
  }
  m_SamplerFilter->SetConditionInput(m_Encoder->GetOutput());
  m_SamplerFilter->SetBaseInput(base);
  m_SamplerFilter->SetMaskInput(mask);
  if (c.useGeneGraph)
  {
    m_Prior->SetLRInput(lr);
    m_Prior->SetBaseInput(base);
    m_Prior->SetLRMaskInput(mask);
    m_SamplerFilter->SetPriorInput(m_Prior->GetOutput());
  }
}

void SuperResolutionImageFilter::GenerateOutputInformation()
{
  Guard(
    [&]
    {
      Wire();
      m_SamplerFilter->UpdateOutputInformation();
      for (unsigned int i = 0; i < 2; ++i)
      {
        this->GetOutput(i)->CopyInformation(m_SamplerFilter->GetOutput(i));
      }
    });
}

void SuperResolutionImageFilter::GenerateInputRequestedRegion()
{
  // The mini-pipeline maps the request onto this filter's inputs (they are its inputs too).
  m_SamplerFilter->GetOutput(0)->SetRequestedRegion(this->GetOutput(0)->GetRequestedRegion());
  m_SamplerFilter->GetOutput(0)->PropagateRequestedRegion();
}

void SuperResolutionImageFilter::GenerateData()
{
  Guard(
    [&]
    {
      m_SamplerFilter->GetOutput(0)->SetRequestedRegion(this->GetOutput(0)->GetRequestedRegion());
      m_SamplerFilter->Update();
      this->GraftNthOutput(0, m_SamplerFilter->GetOutput(0));
      this->GraftNthOutput(1, m_SamplerFilter->GetOutput(1));
    });
}

void SuperResolutionImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "NumberOfSamples: " << m_NumberOfSamples << std::endl;
  os << indent << "NumberOfSteps: " << m_NumberOfSteps << " (0: the model's)" << std::endl;
  os << indent << "Sampler: " << (m_Sampler.empty() ? "(the model's)" : m_Sampler) << std::endl;
  os << indent << "Eta: " << m_Eta << std::endl;
  os << indent << "GuidanceScale: " << m_GuidanceScale << std::endl;
  os << indent << "Seed: " << m_Seed << std::endl;
  os << indent << "TileExtraction: " << m_TileExtraction.GetPointer() << std::endl;
  os << indent << "Encoder: " << m_Encoder.GetPointer() << std::endl;
  os << indent << "Prior: " << m_Prior.GetPointer() << std::endl;
  os << indent << "Sampler filter: " << m_SamplerFilter.GetPointer() << std::endl;
}

// ---------------------------------------------------------------------------
std::vector<RegionType> SuperResolutionBlocks(const PatchLattice & lattice, unsigned int blockPatches)
{
  if (blockPatches == 0)
  {
    SS_INPUT_ERROR("", "block size", "is 0 patches", "use blocks of at least one patch");
  }
  const RegionType grid = lattice.GetHRGrid().GetRegion();
  const auto side = static_cast<itk::IndexValueType>(blockPatches * lattice.GetStride());
  std::vector<RegionType> blocks;
  for (itk::IndexValueType y = 0; y < static_cast<itk::IndexValueType>(grid.GetSize(1)); y += side)
  {
    for (itk::IndexValueType x = 0; x < static_cast<itk::IndexValueType>(grid.GetSize(0)); x += side)
    {
      RegionType block(IndexType{ { grid.GetIndex(0) + x, grid.GetIndex(1) + y } },
                       SizeType{ { static_cast<itk::SizeValueType>(side), static_cast<itk::SizeValueType>(side) } });
      block.Crop(grid);
      blocks.push_back(block);
    }
  }
  return blocks;
}

std::vector<RegionType> ShardBlocks(const std::vector<RegionType> & blocks, unsigned int index, unsigned int count)
{
  if (count == 0 || index >= count)
  {
    SS_INPUT_ERROR(
      "", "shard", std::to_string(index) + "/" + std::to_string(count) + " is not a shard", "give i/n with 0 <= i < n");
  }
  std::vector<RegionType> mine;
  for (std::size_t i = index; i < blocks.size(); i += count)
  {
    mine.push_back(blocks[i]);
  }
  return mine;
}

SuperResolutionBlocksResult RunSuperResolutionBlocks(SuperResolutionImageFilter * filter,
                                                     const std::vector<RegionType> & blocks,
                                                     ProgressReporter * progress)
{
  const auto start = std::chrono::steady_clock::now();
  filter->UpdateOutputInformation();
  SuperResolutionBlocksResult result;
  result.blocks = blocks;
  for (ExpressionImageType::Pointer * out : { &result.mean, &result.std })
  {
    *out = ExpressionImageType::New();
    (*out)->CopyInformation(filter->GetMeanOutput());
    (*out)->SetRegions(filter->GetMeanOutput()->GetLargestPossibleRegion());
    (*out)->Allocate();
    ExpressionImageType::PixelType zero((*out)->GetNumberOfComponentsPerPixel());
    zero.Fill(0.0f);
    (*out)->FillBuffer(zero);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i)
  {
    filter->GetMeanOutput()->SetRequestedRegion(blocks[i]);
    filter->Update();
    itk::ImageAlgorithm::Copy(filter->GetMeanOutput(), result.mean.GetPointer(), blocks[i], blocks[i]);
    itk::ImageAlgorithm::Copy(filter->GetStdOutput(), result.std.GetPointer(), blocks[i], blocks[i]);
    if (progress)
    {
      progress->Progress(static_cast<double>(i + 1) / static_cast<double>(blocks.size()),
                         "block " + std::to_string(i + 1) + " of " + std::to_string(blocks.size()));
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

} // namespace ss
