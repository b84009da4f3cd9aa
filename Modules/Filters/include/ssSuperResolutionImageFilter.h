#ifndef ssSuperResolutionImageFilter_h
#define ssSuperResolutionImageFilter_h

#include "SuperSpotFiltersExport.h"
#include "ssConditionEncoderImageFilter.h"
#include "ssDiffusionSamplerImageFilter.h"
#include "ssGeneGraphPriorImageFilter.h"
#include "ssHistologyTileExtractionFilter.h"
#include "ssModelStageImageFilter.h"
#include "ssProgress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** \class SuperResolutionImageFilter
 * \brief The whole SuperSpot model as one ITK filter (a composite, as RTK builds its
 * reconstruction filters): full-resolution H&E + LR maps on the HR grid → the mean and the
 * standard deviation of K super-resolved samples.
 *
 * The mini-pipeline, built from the stage filters:
 *
 *   H&E ─ HistologyTileExtractionFilter ─┬ cell ─┐
 *                                        └ tissue┤
 *   LR, base, LR mask ───────────────────────────┴ ConditionEncoderImageFilter ─┐
 *   LR, base, LR mask ── GeneGraphPriorImageFilter (if the model has the graph) ─┼ DiffusionSamplerImageFilter → mean,
 * std base, LR mask ───────────────────────────────────────────────────────────────┘
 *
 * Inputs: SetLRInput, SetBaseInput, SetLRMaskInput (HR grid; the LR mask is also the set of
 * pixels predicted) and SetHistologyInput (the full-resolution H&E in µm, e.g. a streaming
 * whole-slide reader; required when the model uses histology). Outputs: GetMeanOutput,
 * GetStdOutput on the HR grid (log1p-normalized, one component per model gene, 0 outside the
 * LR mask).
 *
 * A requested output region is forwarded through the mini-pipeline, which asks each input for
 * only what that region needs (the H&E pixels under the patches' cell tiles and tissue
 * windows), so ss::RunSuperResolutionBlocks or itk::StreamingImageFilter can drive a whole
 * slide region by region with memory bounded by the region. The result of a pixel does not
 * depend on the regions asked for (see DiffusionSamplerImageFilter).
 */
class SuperSpotFilters_EXPORT SuperResolutionImageFilter : public ModelStageImageFilter
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(SuperResolutionImageFilter);

  using Self = SuperResolutionImageFilter;
  using Superclass = ModelStageImageFilter;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(SuperResolutionImageFilter, ModelStageImageFilter);

  void SetLRInput(const ExpressionImageType * image) { this->SetInput(0, image); }
  void SetBaseInput(const ExpressionImageType * image);
  void SetLRMaskInput(const MaskImageType * image);
  void SetHistologyInput(const RGBImageType * image);

  ExpressionImageType * GetMeanOutput() { return this->GetOutput(0); }
  ExpressionImageType * GetStdOutput() { return this->GetOutput(1); }

  itkSetClampMacro(NumberOfSamples, unsigned int, 1, 1024);
  itkGetConstMacro(NumberOfSamples, unsigned int);
  itkSetMacro(NumberOfSteps, unsigned int);
  itkGetConstMacro(NumberOfSteps, unsigned int);
  itkSetStringMacro(Sampler);
  itkGetStringMacro(Sampler);
  itkSetMacro(Eta, double);
  itkGetConstMacro(Eta, double);
  itkSetMacro(GuidanceScale, double);
  itkGetConstMacro(GuidanceScale, double);
  itkSetMacro(Seed, std::uint64_t);
  itkGetConstMacro(Seed, std::uint64_t);

  /** The stage filters (for inspection; they are configured from this filter). */
  HistologyTileExtractionFilter * GetTileExtractionFilter() { return m_TileExtraction; }
  ConditionEncoderImageFilter * GetConditionEncoder() { return m_Encoder; }
  GeneGraphPriorImageFilter * GetGeneGraphPriorFilter() { return m_Prior; }
  DiffusionSamplerImageFilter * GetDiffusionSampler() { return m_SamplerFilter; }
  /** The patch lattice over the HR grid (after UpdateOutputInformation). */
  const PatchLattice & GetLattice() const { return m_SamplerFilter->GetLattice(); }

protected:
  SuperResolutionImageFilter();
  ~SuperResolutionImageFilter() override = default;

  void GenerateOutputInformation() override;
  void GenerateInputRequestedRegion() override;
  void GenerateData() override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  /** Connects and configures the stage filters from this filter's inputs and settings. */
  void Wire();

  unsigned int m_NumberOfSamples{ 8 };
  unsigned int m_NumberOfSteps{ 0 };
  std::string m_Sampler;
  double m_Eta{ -1 };
  double m_GuidanceScale{ -1 };
  std::uint64_t m_Seed{ 0 };

  HistologyTileExtractionFilter::Pointer m_TileExtraction;
  ConditionEncoderImageFilter::Pointer m_Encoder;
  GeneGraphPriorImageFilter::Pointer m_Prior;
  DiffusionSamplerImageFilter::Pointer m_SamplerFilter;
};

/** The blocks ss::RunSuperResolutionBlocks processes: the HR grid cut into squares of
 * `blockPatches` × `blockPatches` lattice strides (aligned to the patch lattice, the last ones
 * cropped), row by row. */
SuperSpotFilters_EXPORT std::vector<RegionType> SuperResolutionBlocks(const PatchLattice & lattice,
                                                                      unsigned int blockPatches);

/** The blocks of shard `index` of `count`: every count-th block starting at `index` (the blocks
 * with and without tissue spread over the shards alike). */
SuperSpotFilters_EXPORT std::vector<RegionType> ShardBlocks(const std::vector<RegionType> & blocks,
                                                            unsigned int index,
                                                            unsigned int count);

/** What RunSuperResolutionBlocks made. */
struct SuperSpotFilters_EXPORT SuperResolutionBlocksResult
{
  ExpressionImageType::Pointer mean; ///< the whole HR grid; 0 outside the blocks run
  ExpressionImageType::Pointer std;  ///< likewise
  std::vector<RegionType> blocks;    ///< the blocks run
  double seconds = 0;
};

/** Runs `filter` block by block over `blocks` (e.g. SuperResolutionBlocks, or a shard's) and
 * pastes each block's mean and standard deviation into images of the whole HR grid. Peak memory:
 * the output maps plus one block's working set (the filter's intermediate images and its
 * K × G × block-pixels accumulator), not the slide's H&E. Progress to `progress` as the blocks
 * complete. */
SuperSpotFilters_EXPORT SuperResolutionBlocksResult RunSuperResolutionBlocks(SuperResolutionImageFilter * filter,
                                                                             const std::vector<RegionType> & blocks,
                                                                             ProgressReporter * progress = nullptr);

} // namespace ss

#endif
