#ifndef ssDiffusionSamplerImageFilter_h
#define ssDiffusionSamplerImageFilter_h

#include "SuperSpotFiltersExport.h"
#include "ssModelStageImageFilter.h"

#include <cstdint>
#include <string>

namespace ss
{

/** \class DiffusionSamplerImageFilter
 * \brief Stage 3 of a SuperSpot model as an ITK filter: the reverse diffusion. K samples of the
 * HR expression map per patch, blended over overlapping patches into the mean and the standard
 * deviation of the samples (the per-pixel uncertainty).
 *
 * Inputs:
 *  - SetConditionInput: ConditionEncoderImageFilter's output (the patch lattice of the HR grid);
 *  - SetBaseInput: the bilinear LR map on the HR grid (G components): samples are residuals over
 *    it in model space, mapped back as v = max(0, base + s_g·x);
 *  - SetPriorInput: GeneGraphPriorImageFilter's output; required when the model has its gene graph;
 *  - SetMaskInput (optional): the HR pixels to predict (normally the LR mask: covered by a spot).
 *    Outside it the outputs are 0, and patches holding none of it are not sampled.
 * Outputs (HR grid of the base map, log1p-normalized, G components): GetMeanOutput (0),
 * GetStdOutput (1); with KeepSamples, GetSamplesOutput (2): the K blended samples, K·G
 * components, component k·G + g = sample k of gene g (for calibration: interval coverage).
 *
 * Sampling: DDIM or DDPM (the model's sampler and steps unless set), classifier-free guidance
 * with GuidanceScale ≠ 1 (the condition must hold the unconditional encoding:
 * ConditionEncoderImageFilter::WithUnconditional). The K samples of a patch are one batch, so a
 * step costs one batched pass. x_T comes from a NoiseField(Seed) laid on the HR grid: a sample's
 * start depends only on (Seed, k, gene, pixel), never on the patch or the block that draws it.
 *
 * Blending: sample k of a pixel is the PatchLattice-weighted mean of sample k of the patches that
 * cover it; mean and standard deviation (K − 1 denominator; 0 for K = 1) are taken over the K
 * blended samples. Patches are accumulated in lattice order, so a pixel's value is the same bit
 * for bit whichever region is asked for (streaming, blocks, shards), at a fixed thread count.
 *
 * Streaming: an output region needs the patches overlapping it (the condition's lattice region)
 * and their HR windows (base, prior, mask), cropped to the grid.
 */
class SuperSpotFilters_EXPORT DiffusionSamplerImageFilter : public ModelStageImageFilter
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(DiffusionSamplerImageFilter);

  using Self = DiffusionSamplerImageFilter;
  using Superclass = ModelStageImageFilter;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(DiffusionSamplerImageFilter, ModelStageImageFilter);

  void SetConditionInput(const ExpressionImageType * image) { this->SetInput(0, image); }
  void SetBaseInput(const ExpressionImageType * image);
  void SetPriorInput(const ExpressionImageType * image);
  void SetMaskInput(const MaskImageType * image);

  ExpressionImageType * GetMeanOutput() { return this->GetOutput(0); }
  ExpressionImageType * GetStdOutput() { return this->GetOutput(1); }
  /** The blended samples (allocated only with KeepSamples). */
  ExpressionImageType * GetSamplesOutput() { return this->GetOutput(2); }

  /** K, samples per patch (default 8). */
  itkSetClampMacro(NumberOfSamples, unsigned int, 1, 1024);
  itkGetConstMacro(NumberOfSamples, unsigned int);
  /** Sampling steps; 0 (default) = the model's. */
  itkSetMacro(NumberOfSteps, unsigned int);
  itkGetConstMacro(NumberOfSteps, unsigned int);
  /** "ddim" or "ddpm"; "" (default) = the model's. */
  itkSetStringMacro(Sampler);
  itkGetStringMacro(Sampler);
  /** DDIM η; < 0 (default) = the model's. */
  itkSetMacro(Eta, double);
  itkGetConstMacro(Eta, double);
  /** Guidance scale w; < 0 (default) = the model's; 1 = none. */
  itkSetMacro(GuidanceScale, double);
  itkGetConstMacro(GuidanceScale, double);
  itkSetMacro(Seed, std::uint64_t);
  itkGetConstMacro(Seed, std::uint64_t);
  /** Also give every blended sample (output 2); off by default (K times the memory of the mean). */
  itkSetMacro(KeepSamples, bool);
  itkGetConstMacro(KeepSamples, bool);
  itkBooleanMacro(KeepSamples);

  /** The guidance scale this filter will use (its own, or the model's). */
  double EffectiveGuidanceScale() const;
  /** The lattice of the last GenerateOutputInformation. */
  const PatchLattice & GetLattice() const { return m_Lattice; }

protected:
  DiffusionSamplerImageFilter();
  ~DiffusionSamplerImageFilter() override = default;

  void GenerateOutputInformation() override;
  void GenerateInputRequestedRegion() override;
  void GenerateData() override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  unsigned int m_NumberOfSamples{ 8 };
  unsigned int m_NumberOfSteps{ 0 };
  std::string m_Sampler;
  double m_Eta{ -1 };
  double m_GuidanceScale{ -1 };
  std::uint64_t m_Seed{ 0 };
  bool m_KeepSamples{ false };
  PatchLattice m_Lattice;
};

} // namespace ss

#endif
