#include "ssGeneGraphPriorImageFilter.h"

#include "ssError.h"

#include "itkImageRegionConstIteratorWithIndex.h"

#include <algorithm>

namespace ss
{

GeneGraphPriorImageFilter::GeneGraphPriorImageFilter()
{
  this->SetPrimaryInputName("LR");
  this->AddRequiredInputName("Base");
  this->AddRequiredInputName("LRMask");
}

void GeneGraphPriorImageFilter::SetBaseInput(const ExpressionImageType * image)
{
  this->ProcessObject::SetInput("Base", const_cast<ExpressionImageType *>(image));
}

void GeneGraphPriorImageFilter::SetLRMaskInput(const MaskImageType * image)
{
  this->ProcessObject::SetInput("LRMask", const_cast<MaskImageType *>(image));
}

void GeneGraphPriorImageFilter::GenerateOutputInformation()
{
  Guard(
    [&]
    {
      const ModelConfig & c = GetModelConfig();
      if (!c.useGeneGraph)
      {
        SS_INPUT_ERROR(GetModel()->GetDirectory(),
                       "useGeneGraph",
                       "the model has no gene graph",
                       "leave the gene-graph stage out of the pipeline for this model");
      }
      const ExpressionImageType * lr = this->GetInput();
      const auto * base = RequireInput<ExpressionImageType>("Base");
      const auto * mask = RequireInput<MaskImageType>("LRMask");
      const GridGeometry hr = CheckExpressionMaps(lr, base, mask);
      ExpressionImageType * out = this->GetOutput();
      hr.ApplyInformationTo(out);
      out->SetNumberOfComponentsPerPixel(static_cast<unsigned int>(c.PriorChannels()));
    });
}

RegionType GeneGraphPriorImageFilter::TileAligned(const RegionType & region) const
{
  const RegionType grid = this->GetOutput()->GetLargestPossibleRegion();
  if (region.GetNumberOfPixels() == 0)
  {
    return region;
  }
  const auto P = static_cast<itk::IndexValueType>(GetModelConfig().patchSize);
  RegionType r;
  for (unsigned d = 0; d < 2; ++d)
  {
    const itk::IndexValueType lo = (region.GetIndex(d) - grid.GetIndex(d)) / P * P;
    const itk::IndexValueType hi =
      (region.GetIndex(d) - grid.GetIndex(d) + static_cast<itk::IndexValueType>(region.GetSize(d)) + P - 1) / P * P;
    r.SetIndex(d, grid.GetIndex(d) + lo);
    r.SetSize(d, static_cast<itk::SizeValueType>(hi - lo));
  }
  r.Crop(grid);
  return r;
}

void GeneGraphPriorImageFilter::EnlargeOutputRequestedRegion(itk::DataObject * output)
{
  auto * image = dynamic_cast<ExpressionImageType *>(output);
  if (image)
  {
    image->SetRequestedRegion(TileAligned(image->GetRequestedRegion()));
  }
}

void GeneGraphPriorImageFilter::GenerateInputRequestedRegion()
{
  const RegionType r = this->GetOutput()->GetRequestedRegion();
  RequestInputRegion("LR", r);
  RequestInputRegion("Base", r);
  RequestInputRegion("LRMask", r);
}

void GeneGraphPriorImageFilter::GenerateData()
{
  Guard(
    [&]
    {
      UseWorkUnits();
      const ModelRunner & runner = *GetModel();
      const ModelConfig & c = runner.GetConfig();
      ExpressionImageType * out = this->GetOutput();
      const RegionType requested = out->GetRequestedRegion();
      out->SetBufferedRegion(requested);
      out->Allocate();
      const ExpressionImageType * lr = this->GetInput();
      const auto * base = RequireInput<ExpressionImageType>("Base");
      const auto * mask = RequireInput<MaskImageType>("LRMask");

      const auto P = static_cast<itk::IndexValueType>(c.patchSize);
      const auto G = static_cast<std::size_t>(c.NumberOfGenes());
      const auto Cg = static_cast<std::size_t>(c.PriorChannels());
      const std::size_t area = static_cast<std::size_t>(P * P);
      std::vector<RegionType> tiles;
      for (itk::IndexValueType y = requested.GetIndex(1); y < requested.GetUpperIndex()[1] + 1; y += P)
      {
        for (itk::IndexValueType x = requested.GetIndex(0); x < requested.GetUpperIndex()[0] + 1; x += P)
        {
          RegionType tile(IndexType{ { x, y } },
                          SizeType{ { static_cast<itk::SizeValueType>(P), static_cast<itk::SizeValueType>(P) } });
          tile.Crop(requested);
          tiles.push_back(tile);
        }
      }
      const std::size_t B = this->GetPatchesPerBatch();
      for (std::size_t i0 = 0; i0 < tiles.size(); i0 += B)
      {
        const std::size_t n = std::min(B, tiles.size() - i0);
        PatchBatch batch;
        batch.batch = static_cast<std::int64_t>(B);
        batch.lr = FloatArray({ batch.batch, c.NumberOfGenes(), P, P });
        batch.base = FloatArray({ batch.batch, c.NumberOfGenes(), P, P });
        batch.lrMask = FloatArray({ batch.batch, 1, P, P });
        for (std::size_t j = 0; j < n; ++j)
        {
          const RegionType & tile = tiles[i0 + j];
          for (itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(lr, tile); !it.IsAtEnd(); ++it)
          {
            const IndexType idx = it.GetIndex();
            const std::size_t at =
              static_cast<std::size_t>((idx[1] - tile.GetIndex(1)) * P + (idx[0] - tile.GetIndex(0)));
            const auto v = it.Get();
            const auto b = base->GetPixel(idx);
            for (std::size_t g = 0; g < G; ++g)
            {
              batch.lr.data[(j * G + g) * area + at] = v[static_cast<unsigned int>(g)];
              batch.base.data[(j * G + g) * area + at] = b[static_cast<unsigned int>(g)];
            }
            batch.lrMask.data[j * area + at] = mask->GetPixel(idx) ? 1.0f : 0.0f;
          }
        }
        const FloatArray prior = runner.GeneGraphPrior(batch);
        for (std::size_t j = 0; j < n; ++j)
        {
          const RegionType & tile = tiles[i0 + j];
          for (itk::ImageRegionConstIteratorWithIndex<ExpressionImageType> it(out, tile); !it.IsAtEnd(); ++it)
          {
            const IndexType idx = it.GetIndex();
            const std::size_t at =
              static_cast<std::size_t>((idx[1] - tile.GetIndex(1)) * P + (idx[0] - tile.GetIndex(0)));
            float * pixel = out->GetBufferPointer() + out->ComputeOffset(idx) * Cg;
            for (std::size_t k = 0; k < Cg; ++k)
            {
              pixel[k] = prior.data[(j * Cg + k) * area + at];
            }
          }
        }
        this->UpdateProgress(static_cast<float>(i0 + n) / static_cast<float>(tiles.size()));
      }
    });
}

} // namespace ss
