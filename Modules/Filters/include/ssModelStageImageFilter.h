#ifndef ssModelStageImageFilter_h
#define ssModelStageImageFilter_h

#include "SuperSpotFiltersExport.h"
#include "ssModelRunner.h"
#include "ssPatchLattice.h"
#include "ssTypes.h"

#include "itkImageToImageFilter.h"

#include <memory>
#include <string>

namespace ss
{

/** \class ModelStageImageFilter
 * \brief What the filters that run a stage of a SuperSpot model share: the model, the device,
 * the patch lattice and the batching.
 *
 * The model is a folder (config.json + model.safetensors) loaded once per folder and device
 * (ModelRunner::Load's cache) when the filter first needs it, or a ModelRunner given directly.
 * LibTorch runs on GetNumberOfWorkUnits() intra-op threads (ITK's default unless set). The
 * networks run in GenerateData on batches of PatchesPerBatch patches; a batch that is not full
 * is padded with empty patches, so every patch is computed in a batch of the same size and a
 * region's result does not depend on how the slide was split into requests.
 *
 * Inputs live on several grids (HR maps, the cell- and tissue-level H&E, the patch lattice):
 * each filter checks its own geometry in GenerateOutputInformation instead of ITK's "all inputs
 * occupy the same physical space" check. LibTorch and input errors surface as ITK exceptions
 * (ss::InputError derives from itk::ExceptionObject; others are rethrown as itk::ExceptionObject
 * with one line).
 */
class SuperSpotFilters_EXPORT ModelStageImageFilter
  : public itk::ImageToImageFilter<ExpressionImageType, ExpressionImageType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(ModelStageImageFilter);

  using Self = ModelStageImageFilter;
  using Superclass = itk::ImageToImageFilter<ExpressionImageType, ExpressionImageType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkTypeMacro(ModelStageImageFilter, ImageToImageFilter);

  /** The model folder; clears a runner given with SetModel. */
  void SetModelDirectory(const std::string & dir);
  itkGetStringMacro(ModelDirectory);
  /** "cpu" (default), "cuda" or "cuda:N". A device this build or machine cannot use is an error. */
  void SetDevice(const std::string & device);
  itkGetStringMacro(Device);
  /** A model already loaded (shared between filters, or not from a folder). */
  void SetModel(std::shared_ptr<ModelRunner> model);
  /** The model, loaded on first use; throws when neither a folder nor a runner is given. */
  std::shared_ptr<ModelRunner> GetModel() const;
  const ModelConfig & GetModelConfig() const { return GetModel()->GetConfig(); }

  /** HR pixels two neighbouring patches share (PatchLattice); default 8, at most P/2. */
  itkSetMacro(PatchOverlap, unsigned int);
  itkGetConstMacro(PatchOverlap, unsigned int);
  /** Patches per network batch (each with all its samples); default 2. */
  itkSetClampMacro(PatchesPerBatch, unsigned int, 1, 4096);
  itkGetConstMacro(PatchesPerBatch, unsigned int);

  /** The lattice of the model's patches over `hrGrid` with this filter's overlap. */
  PatchLattice MakeLattice(const GridGeometry & hrGrid) const;

protected:
  ModelStageImageFilter();
  ~ModelStageImageFilter() override = default;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;
  void VerifyInputInformation() ITKv5_CONST override {}

  /** Runs `f`, turning std::exception (other than InputError/itk::ExceptionObject) into an
   * itk::ExceptionObject naming this filter. */
  template<typename F>
  void Guard(F && f)
  {
    try
    {
      f();
    }
    catch (const itk::ExceptionObject &)
    {
      throw;
    }
    catch (const std::exception & e)
    {
      itkExceptionMacro(<< e.what());
    }
  }
  /** LibTorch threads for this run: GetNumberOfWorkUnits(). */
  void UseWorkUnits() const;

  /** A required input of another type than the primary one, by name; throws naming it. */
  template<typename TImage>
  const TImage * RequireInput(const char * name) const
  {
    const auto * image = dynamic_cast<const TImage *>(this->ProcessObject::GetInput(name));
    if (!image)
    {
      itkExceptionMacro(<< "input " << name << " is not set");
    }
    return image;
  }
  template<typename TImage>
  const TImage * OptionalInput(const char * name) const
  {
    return dynamic_cast<const TImage *>(this->ProcessObject::GetInput(name));
  }
  /** Requests `region` of input `name` (cropped to its largest region; a 0-size region when it
   * lies outside). */
  void RequestInputRegion(const char * name, RegionType region);
  /** InputError unless `map` has one component per model gene. */
  void RequireModelGenes(const ExpressionImageType * map, const char * what) const;
  /** InputError unless `image` lies on `expected` (tolerance: a millionth of a pixel). */
  static void RequireGrid(const itk::ImageBase<2> * image,
                          const GridGeometry & expected,
                          const char * what,
                          const char * fix);
  /** The HR grid of `lr`, after checking that lr and base hold the model's genes and that base and
   * mask lie on lr's grid. */
  GridGeometry CheckExpressionMaps(const ExpressionImageType * lr,
                                   const ExpressionImageType * base,
                                   const MaskImageType * mask) const;

private:
  std::string m_ModelDirectory;
  std::string m_Device{ "cpu" };
  mutable std::shared_ptr<ModelRunner> m_Model;
  unsigned int m_PatchOverlap{ 8 };
  unsigned int m_PatchesPerBatch{ 2 };
};

/** Where the parts of one patch's encoding sit in a condition image pixel (the components of
 * ConditionEncoderImageFilter's output): the conditional encoding, then (WithUnconditional) the
 * unconditional one, each as
 *   map (Cc·P·P) | cell tokens (Nc·D) | cell weights (Nc) | tissue tokens (Nt·D),
 * row-major as ConditionArrays holds them; the token parts are absent for a model without
 * histology, the cell-token parts for one without cell tokens (useCellTokens). */
struct SuperSpotFilters_EXPORT ConditionLayout
{
  std::size_t map = 0, cellTokens = 0, cellWeights = 0, tissueTokens = 0;
  bool unconditional = false;

  static ConditionLayout For(const ModelConfig & config, bool withUnconditional);
  std::size_t PartSize() const { return map + cellTokens + cellWeights + tissueTokens; }
  std::size_t NumberOfComponents() const { return PartSize() * (unconditional ? 2 : 1); }
  /** Writes patch `b` of `encoded` to `out` (NumberOfComponents() floats). */
  void Pack(const EncodedBatch & encoded, std::int64_t b, float * out) const;
  /** An EncodedBatch of patches.size() patches read from packed pixels. */
  EncodedBatch Unpack(const ModelConfig & config, const std::vector<const float *> & patches) const;
};

} // namespace ss

#endif
