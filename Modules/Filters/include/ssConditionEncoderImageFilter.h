#ifndef ssConditionEncoderImageFilter_h
#define ssConditionEncoderImageFilter_h

#include "SuperSpotFiltersExport.h"
#include "ssModelStageImageFilter.h"

namespace ss
{

/** \class ConditionEncoderImageFilter
 * \brief Stage 1 of a SuperSpot model as an ITK filter: the disentangling encoder. H&E tiles and
 * the LR map of each patch become the condition the diffusion sampler is guided by.
 *
 * Inputs (HR grid = the grid of the LR input; Architecture.md, "Grids"):
 *  - SetLRInput: LR map on the HR grid (G components, log1p-normalized, 0 where no spot);
 *  - SetBaseInput: the bilinear LR map on the HR grid (G components);
 *  - SetLRMaskInput: 1 where a spot covers the HR pixel;
 *  - SetCellInput / SetTissueInput: the H&E on HistologyTileExtractionFilter::CellGrid(hr, q) and
 *    TissueGrid(hr, t) (its outputs 0 and 1), q, t and the tissue window S from the model's
 *    config; required when the model uses histology, ignored otherwise.
 * The genes of the maps must be the model's, in its order (SuperSpot's pair builders and
 * MakeInferenceInputs give them so); the number of components is checked.
 *
 * Output: the condition image, one pixel per patch of the PatchLattice (the lattice's grid: a
 * pixel sits at its patch's centre in µm), ConditionLayout::For(config, WithUnconditional)
 * components: the histology encoder (cell tokens, tissue tokens, dense cell features), the
 * expression encoder, the shared/specific split with cross-modal modulation, and the dynamic
 * selection of cell tokens, as ModelRunner::Encode gives them. Patches whose window holds no
 * LRMask pixel are not encoded (all their components are 0): the sampler skips them too.
 *
 * Streaming: a requested lattice region needs the HR window of its patches (lr, base, mask), the
 * cell-level pixels under them and the tissue windows around them; the cell and tissue inputs are
 * both asked for the pixels under the union of those footprints, because
 * HistologyTileExtractionFilter maps a request on one of its outputs onto the other.
 */
class SuperSpotFilters_EXPORT ConditionEncoderImageFilter : public ModelStageImageFilter
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(ConditionEncoderImageFilter);

  using Self = ConditionEncoderImageFilter;
  using Superclass = ModelStageImageFilter;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(ConditionEncoderImageFilter, ModelStageImageFilter);

  void SetLRInput(const ExpressionImageType * image) { this->SetInput(0, image); }
  void SetBaseInput(const ExpressionImageType * image);
  void SetLRMaskInput(const MaskImageType * image);
  void SetCellInput(const RGBImageType * image);
  void SetTissueInput(const RGBImageType * image);

  /** Also encode each patch with its histology dropped (needed for classifier-free guidance). */
  itkSetMacro(WithUnconditional, bool);
  itkGetConstMacro(WithUnconditional, bool);
  itkBooleanMacro(WithUnconditional);

  /** The lattice of the last GenerateOutputInformation. */
  const PatchLattice & GetLattice() const { return m_Lattice; }

protected:
  ConditionEncoderImageFilter();
  ~ConditionEncoderImageFilter() override = default;

  void GenerateOutputInformation() override;
  void GenerateInputRequestedRegion() override;
  void EnlargeOutputRequestedRegion(itk::DataObject *) override {}
  void GenerateData() override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  bool m_WithUnconditional{ false };
  PatchLattice m_Lattice;
};

/** Whether the P × P window of `patch` holds an LRMask pixel: the patches the encoder and the
 * sampler compute (the others are left at 0). Reads only the mask's buffered pixels. */
SuperSpotFilters_EXPORT bool PatchHasData(const PatchLattice & lattice,
                                          const MaskImageType * mask,
                                          const IndexType & patch);

} // namespace ss

#endif
