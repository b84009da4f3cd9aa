#ifndef ssGeneGraphPriorImageFilter_h
#define ssGeneGraphPriorImageFilter_h

#include "SuperSpotFiltersExport.h"
#include "ssModelStageImageFilter.h"

namespace ss
{

/** \class GeneGraphPriorImageFilter
 * \brief Stage 2 of a SuperSpot model as an ITK filter: the co-expression gene graph network.
 *
 * Per HR pixel the genes are the nodes of the model's co-expression graph (Â, saved with the
 * model); two graph convolutions over [lr_g, base_g, lrMask, embedding_g] give the gene-graph
 * prior that the denoiser is conditioned on: G·priorFeatures components per pixel.
 *
 * Inputs: SetLRInput, SetBaseInput, SetLRMaskInput on one HR grid (as ConditionEncoderImageFilter).
 * Output: the prior on the same grid. The model must have its gene graph (useGeneGraph).
 *
 * The prior of a pixel depends on that pixel only, so any region can be asked for. The network
 * runs on P × P tiles of the grid (P = the model's patch size, tiles anchored at the grid's first
 * index); a request is enlarged to whole tiles (cropped to the grid), so that a pixel is always
 * computed in the same tile and its value is the same bit for bit however the slide is split.
 */
class SuperSpotFilters_EXPORT GeneGraphPriorImageFilter : public ModelStageImageFilter
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(GeneGraphPriorImageFilter);

  using Self = GeneGraphPriorImageFilter;
  using Superclass = ModelStageImageFilter;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(GeneGraphPriorImageFilter, ModelStageImageFilter);

  void SetLRInput(const ExpressionImageType * image) { this->SetInput(0, image); }
  void SetBaseInput(const ExpressionImageType * image);
  void SetLRMaskInput(const MaskImageType * image);

protected:
  GeneGraphPriorImageFilter();
  ~GeneGraphPriorImageFilter() override = default;

  void GenerateOutputInformation() override;
  void EnlargeOutputRequestedRegion(itk::DataObject * output) override;
  void GenerateInputRequestedRegion() override;
  void GenerateData() override;

private:
  /** `region` grown to whole tiles, cropped to the grid. */
  RegionType TileAligned(const RegionType & region) const;
};

} // namespace ss

#endif
