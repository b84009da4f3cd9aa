#include "ssConditionEncoderImageFilter.h"

#include "ssError.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssPairSet.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIteratorWithIndex.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ss
{

bool PatchHasData(const PatchLattice & lattice, const MaskImageType * mask, const IndexType & patch)
{
  RegionType window = lattice.PatchRegion(patch);
  if (!mask)
  {
    return true;
  }
  if (!window.Crop(mask->GetBufferedRegion()))
  {
    return false;
  }
  for (itk::ImageRegionConstIterator<MaskImageType> it(mask, window); !it.IsAtEnd(); ++it)
  {
    if (it.Get())
    {
      return true;
    }
  }
  return false;
}

ConditionEncoderImageFilter::ConditionEncoderImageFilter()
{
  this->SetPrimaryInputName("LR");
  this->AddRequiredInputName("Base");
  this->AddRequiredInputName("LRMask");
  this->AddOptionalInputName("Cell");
  this->AddOptionalInputName("Tissue");
}

void ConditionEncoderImageFilter::SetBaseInput(const ExpressionImageType * image)
{
  this->ProcessObject::SetInput("Base", const_cast<ExpressionImageType *>(image));
}

void ConditionEncoderImageFilter::SetLRMaskInput(const MaskImageType * image)
{
  this->ProcessObject::SetInput("LRMask", const_cast<MaskImageType *>(image));
}

void ConditionEncoderImageFilter::SetCellInput(const RGBImageType * image)
{
  this->ProcessObject::SetInput("Cell", const_cast<RGBImageType *>(image));
}

void ConditionEncoderImageFilter::SetTissueInput(const RGBImageType * image)
{
  this->ProcessObject::SetInput("Tissue", const_cast<RGBImageType *>(image));
}

void ConditionEncoderImageFilter::GenerateOutputInformation()
{
  Guard(
    [&]
    {
      const ModelConfig & c = GetModelConfig();
      const ExpressionImageType * lr = this->GetInput();
      const auto * base = RequireInput<ExpressionImageType>("Base");
      const auto * mask = RequireInput<MaskImageType>("LRMask");
      const GridGeometry hr = CheckExpressionMaps(lr, base, mask);
      if (c.useHistology)
      {
        const auto * cell = OptionalInput<RGBImageType>("Cell");
        const auto * tissue = OptionalInput<RGBImageType>("Tissue");
        if (!cell || !tissue)
        {
          SS_INPUT_ERROR(
            "",
            "histology",
            "the model uses the H&E and no cell/tissue image was given",
            "connect HistologyTileExtractionFilter's two outputs (or use a model trained without histology)");
        }
        const auto q = static_cast<unsigned int>(c.cellPixelsPerBin),
                   t = static_cast<unsigned int>(c.tissueBinsPerPixel);
        RequireGrid(cell,
                    HistologyTileExtractionFilter::CellGrid(hr, q),
                    "cell-level image",
                    "extract it with the model's cellPixelsPerBin from the HR grid of the maps");
        RequireGrid(tissue,
                    HistologyTileExtractionFilter::TissueGrid(hr, t),
                    "tissue-level image",
                    "extract it with the model's tissueBinsPerPixel from the HR grid of the maps");
      }
      m_Lattice = MakeLattice(hr);
      ExpressionImageType * out = this->GetOutput();
      m_Lattice.LatticeGrid().ApplyInformationTo(out);
      out->SetNumberOfComponentsPerPixel(
        static_cast<unsigned int>(ConditionLayout::For(c, m_WithUnconditional).NumberOfComponents()));
    });
}

void ConditionEncoderImageFilter::GenerateInputRequestedRegion()
{
  // Not Superclass::: every input lives on its own grid.
  const ModelConfig & c = GetModelConfig();
  const RegionType patches = this->GetOutput()->GetRequestedRegion();
  const RegionType window = m_Lattice.HRRegionOf(patches);
  RequestInputRegion("LR", window);
  RequestInputRegion("Base", window);
  RequestInputRegion("LRMask", window);
  if (!c.useHistology || patches.GetNumberOfPixels() == 0)
  {
    RequestInputRegion("Cell", RegionType());
    RequestInputRegion("Tissue", RegionType());
    return;
  }
  const auto * cell = OptionalInput<RGBImageType>("Cell");
  const auto * tissue = OptionalInput<RGBImageType>("Tissue");
  if (!cell || !tissue)
  {
    return;
  }
  // HR index range (relative to the grid's first index) under the patches and their tissue windows.
  const auto q = static_cast<itk::IndexValueType>(c.cellPixelsPerBin);
  const auto t = static_cast<itk::IndexValueType>(c.tissueBinsPerPixel);
  const auto S = static_cast<itk::IndexValueType>(c.tissuePixels);
  const auto P = static_cast<itk::IndexValueType>(c.patchSize);
  const GridGeometry & hr = m_Lattice.GetHRGrid();
  const IndexType first = m_Lattice.PatchStart(patches.GetIndex());
  IndexType lastPatch;
  for (unsigned d = 0; d < 2; ++d)
  {
    lastPatch[d] = patches.GetIndex(d) + static_cast<itk::IndexValueType>(patches.GetSize(d)) - 1;
  }
  const IndexType last = m_Lattice.PatchStart(lastPatch);
  auto floorDiv = [](itk::IndexValueType a, itk::IndexValueType b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  RegionType cellRegion, tissueRegion;
  const IndexType cellStart = cell->GetLargestPossibleRegion().GetIndex();
  const IndexType tissueStart = tissue->GetLargestPossibleRegion().GetIndex();
  for (unsigned d = 0; d < 2; ++d)
  {
    const itk::IndexValueType lo = first[d] - hr.start[d], hi = last[d] - hr.start[d] + P; // [lo, hi)
    // ExtractPatch's tissue window: S tissue pixels centred on the patch centre.
    auto tissueFirst = [&](itk::IndexValueType offset)
    { return static_cast<itk::IndexValueType>(std::floor((offset + P / 2.0) / t - S / 2.0 + 0.5)); };
    const itk::IndexValueType t0 = tissueFirst(lo), t1 = tissueFirst(last[d] - hr.start[d]) + S; // [t0, t1)
    const itk::IndexValueType u0 = std::min(lo, t0 * t), u1 = std::max(hi, t1 * t);              // HR [u0, u1)
    cellRegion.SetIndex(d, cellStart[d] + u0 * q);
    cellRegion.SetSize(d, static_cast<itk::SizeValueType>((u1 - u0) * q));
    const itk::IndexValueType v0 = floorDiv(u0, t), v1 = floorDiv(u1 + t - 1, t);
    tissueRegion.SetIndex(d, tissueStart[d] + v0);
    tissueRegion.SetSize(d, static_cast<itk::SizeValueType>(v1 - v0));
  }
  RequestInputRegion("Cell", cellRegion);
  RequestInputRegion("Tissue", tissueRegion);
}

void ConditionEncoderImageFilter::GenerateData()
{
  Guard(
    [&]
    {
      UseWorkUnits();
      const ModelRunner & runner = *GetModel();
      const ModelConfig & c = runner.GetConfig();
      ExpressionImageType * out = this->GetOutput();
      out->SetBufferedRegion(out->GetRequestedRegion());
      out->Allocate();
      ExpressionImageType::PixelType zero(out->GetNumberOfComponentsPerPixel());
      zero.Fill(0.0f);
      out->FillBuffer(zero);

      SlidePair view;
      view.lr = const_cast<ExpressionImageType *>(this->GetInput());
      view.base = const_cast<ExpressionImageType *>(RequireInput<ExpressionImageType>("Base"));
      view.lrMask = const_cast<MaskImageType *>(RequireInput<MaskImageType>("LRMask"));
      view.cellPixelsPerBin = static_cast<unsigned int>(c.cellPixelsPerBin);
      view.tissueBinsPerPixel = static_cast<unsigned int>(c.tissueBinsPerPixel);
      if (c.useHistology)
      {
        view.cell = const_cast<RGBImageType *>(RequireInput<RGBImageType>("Cell"));
        view.tissue = const_cast<RGBImageType *>(RequireInput<RGBImageType>("Tissue"));
      }
      PatchOptions options;
      options.tissuePixels = static_cast<unsigned int>(c.tissuePixels);
      const auto P = static_cast<unsigned int>(c.patchSize);
      const ConditionLayout layout = ConditionLayout::For(c, m_WithUnconditional);

      std::vector<IndexType> todo;
      for (itk::ImageRegionIteratorWithIndex<ExpressionImageType> it(out, out->GetRequestedRegion()); !it.IsAtEnd();
           ++it)
      {
        if (PatchHasData(m_Lattice, view.lrMask, it.GetIndex()))
        {
          todo.push_back(it.GetIndex());
        }
      }
      const std::size_t B = this->GetPatchesPerBatch();
      const std::int64_t G = c.NumberOfGenes();
      const std::size_t maps = static_cast<std::size_t>(G * c.patchSize * c.patchSize);
      const std::size_t area = static_cast<std::size_t>(c.patchSize * c.patchSize);
      for (std::size_t i0 = 0; i0 < todo.size(); i0 += B)
      {
        const std::size_t n = std::min(B, todo.size() - i0);
        PatchBatch batch = PatchBatch::Zeros(c, static_cast<std::int64_t>(B));
        for (std::size_t j = 0; j < n; ++j)
        {
          const PatchSample s = ExtractPatch(view, P, m_Lattice.PatchStart(todo[i0 + j]), options);
          std::copy(s.lr.begin(), s.lr.end(), batch.lr.data.begin() + j * maps);
          std::copy(s.base.begin(), s.base.end(), batch.base.data.begin() + j * maps);
          std::copy(s.lrMask.begin(), s.lrMask.end(), batch.lrMask.data.begin() + j * area);
          if (c.useHistology)
          {
            std::copy(s.cell.begin(), s.cell.end(), batch.cell.data.begin() + j * s.cell.size());
            std::copy(s.tissue.begin(), s.tissue.end(), batch.tissue.data.begin() + j * s.tissue.size());
          }
        }
        const EncodedBatch encoded = runner.Encode(batch, layout.unconditional);
        for (std::size_t j = 0; j < n; ++j)
        {
          float * pixel = out->GetBufferPointer() + out->ComputeOffset(todo[i0 + j]) *
                                                      static_cast<std::size_t>(out->GetNumberOfComponentsPerPixel());
          layout.Pack(encoded, static_cast<std::int64_t>(j), pixel);
        }
        this->UpdateProgress(static_cast<float>(i0 + n) / static_cast<float>(todo.size()));
      }
    });
}

void ConditionEncoderImageFilter::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "WithUnconditional: " << (m_WithUnconditional ? "On" : "Off") << std::endl;
  os << indent << "Lattice: " << m_Lattice.GetPatchSize() << " px patches, overlap " << m_Lattice.GetOverlap()
     << std::endl;
}

} // namespace ss
