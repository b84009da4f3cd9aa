#include "ssModelStageImageFilter.h"

#include "ssError.h"

#include <algorithm>
#include <cstring>

namespace ss
{

ModelStageImageFilter::ModelStageImageFilter() = default;

void ModelStageImageFilter::SetModelDirectory(const std::string & dir)
{
  if (dir != m_ModelDirectory || m_Model)
  {
    m_ModelDirectory = dir;
    m_Model.reset();
    this->Modified();
  }
}

void ModelStageImageFilter::SetDevice(const std::string & device)
{
  if (device != m_Device)
  {
    m_Device = device;
    if (!m_ModelDirectory.empty())
    {
      m_Model.reset();
    }
    this->Modified();
  }
}

void ModelStageImageFilter::SetModel(std::shared_ptr<ModelRunner> model)
{
  if (model != m_Model)
  {
    m_Model = std::move(model);
    m_ModelDirectory.clear();
    this->Modified();
  }
}

std::shared_ptr<ModelRunner> ModelStageImageFilter::GetModel() const
{
  if (!m_Model)
  {
    if (m_ModelDirectory.empty())
    {
      SS_INPUT_ERROR("",
                     "model",
                     "no model given to " + std::string(this->GetNameOfClass()),
                     "set the model folder (SetModelDirectory) or a loaded model (SetModel)");
    }
    m_Model = ModelRunner::Load(m_ModelDirectory, m_Device, static_cast<int>(this->GetNumberOfWorkUnits()));
  }
  return m_Model;
}

PatchLattice ModelStageImageFilter::MakeLattice(const GridGeometry & hrGrid) const
{
  return PatchLattice(hrGrid, static_cast<unsigned int>(GetModelConfig().patchSize), m_PatchOverlap);
}

void ModelStageImageFilter::UseWorkUnits() const
{
  GetModel()->SetThreads(static_cast<int>(this->GetNumberOfWorkUnits()));
}

void ModelStageImageFilter::RequestInputRegion(const char * name, RegionType region)
{
  auto * input = dynamic_cast<itk::ImageBase<2> *>(this->ProcessObject::GetInput(name));
  if (!input)
  {
    return;
  }
  const RegionType largest = input->GetLargestPossibleRegion();
  if (!region.Crop(largest))
  {
    region = RegionType(largest.GetIndex(), SizeType{ { 0, 0 } });
  }
  input->SetRequestedRegion(region);
}

void ModelStageImageFilter::RequireModelGenes(const ExpressionImageType * map, const char * what) const
{
  const auto genes = static_cast<unsigned int>(GetModelConfig().NumberOfGenes());
  if (map->GetNumberOfComponentsPerPixel() != genes)
  {
    SS_INPUT_ERROR("",
                   what,
                   "has " + std::to_string(map->GetNumberOfComponentsPerPixel()) + " genes, the model " +
                     std::to_string(genes),
                   "make the maps with the model's genes, in its order");
  }
}

void ModelStageImageFilter::RequireGrid(const itk::ImageBase<2> * image,
                                        const GridGeometry & expected,
                                        const char * what,
                                        const char * fix)
{
  if (!GridGeometry::FromImage(image).SameAs(expected, 1e-6 * std::max(1.0, expected.spacing[0])))
  {
    SS_INPUT_ERROR("", what, "is not on the grid the HR maps imply", fix);
  }
}

GridGeometry ModelStageImageFilter::CheckExpressionMaps(const ExpressionImageType * lr,
                                                        const ExpressionImageType * base,
                                                        const MaskImageType * mask) const
{
  RequireModelGenes(lr, "LR map");
  RequireModelGenes(base, "base map");
  const GridGeometry hr = GridGeometry::FromImage(lr);
  RequireGrid(base, hr, "base map", "make the LR and base maps on one HR grid");
  RequireGrid(mask, hr, "LR mask", "make the LR map and its mask on one HR grid");
  return hr;
}

void ModelStageImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "ModelDirectory: " << m_ModelDirectory << std::endl;
  os << indent << "Device: " << m_Device << std::endl;
  os << indent << "Model: " << (m_Model ? m_Model->GetDirectory() : std::string("(not loaded)")) << std::endl;
  os << indent << "PatchOverlap: " << m_PatchOverlap << std::endl;
  os << indent << "PatchesPerBatch: " << m_PatchesPerBatch << std::endl;
}

// ---------------------------------------------------------------------------
ConditionLayout ConditionLayout::For(const ModelConfig & c, bool withUnconditional)
{
  ConditionLayout l;
  const auto p = static_cast<std::size_t>(c.patchSize);
  l.map = static_cast<std::size_t>(c.ConditionMapChannels()) * p * p;
  if (c.useHistology)
  {
    if (c.useCellTokens)
    {
      l.cellTokens = static_cast<std::size_t>(c.NumberOfCellTokens() * c.tokenDim);
      l.cellWeights = static_cast<std::size_t>(c.NumberOfCellTokens());
    }
    l.tissueTokens = static_cast<std::size_t>(c.NumberOfTissueTokens() * c.tokenDim);
  }
  // Without histology the unconditional model is the conditional one: nothing to store twice.
  l.unconditional = withUnconditional && c.useHistology;
  return l;
}

namespace
{

void CopyPart(const FloatArray & a, std::int64_t b, std::size_t n, float *& out)
{
  if (n)
  {
    std::memcpy(out, a.data.data() + static_cast<std::size_t>(b) * n, n * sizeof(float));
    out += n;
  }
}

void PackArrays(const ConditionArrays & a, const ConditionLayout & l, std::int64_t b, float *& out)
{
  CopyPart(a.map, b, l.map, out);
  CopyPart(a.cellTokens, b, l.cellTokens, out);
  CopyPart(a.cellWeights, b, l.cellWeights, out);
  CopyPart(a.tissueTokens, b, l.tissueTokens, out);
}

void UnpackArrays(const ModelConfig & c,
                  const ConditionLayout & l,
                  const std::vector<const float *> & patches,
                  std::size_t offset,
                  ConditionArrays & a)
{
  const auto b = static_cast<std::int64_t>(patches.size());
  const std::int64_t p = c.patchSize;
  auto part = [&](FloatArray & array, std::vector<std::int64_t> shape, std::size_t n, std::size_t at)
  {
    if (!n)
    {
      return;
    }
    array = FloatArray(std::move(shape));
    for (std::size_t i = 0; i < patches.size(); ++i)
    {
      std::memcpy(array.data.data() + i * n, patches[i] + offset + at, n * sizeof(float));
    }
  };
  part(a.map, { b, c.ConditionMapChannels(), p, p }, l.map, 0);
  part(a.cellTokens, { b, c.NumberOfCellTokens(), c.tokenDim }, l.cellTokens, l.map);
  part(a.cellWeights, { b, c.NumberOfCellTokens() }, l.cellWeights, l.map + l.cellTokens);
  part(
    a.tissueTokens, { b, c.NumberOfTissueTokens(), c.tokenDim }, l.tissueTokens, l.map + l.cellTokens + l.cellWeights);
}

} // namespace

void ConditionLayout::Pack(const EncodedBatch & encoded, std::int64_t b, float * out) const
{
  PackArrays(encoded.conditional, *this, b, out);
  if (unconditional)
  {
    PackArrays(encoded.unconditional, *this, b, out);
  }
}

EncodedBatch ConditionLayout::Unpack(const ModelConfig & config, const std::vector<const float *> & patches) const
{
  EncodedBatch e;
  e.batch = static_cast<std::int64_t>(patches.size());
  UnpackArrays(config, *this, patches, 0, e.conditional);
  if (unconditional)
  {
    UnpackArrays(config, *this, patches, PartSize(), e.unconditional);
  }
  return e;
}

} // namespace ss
