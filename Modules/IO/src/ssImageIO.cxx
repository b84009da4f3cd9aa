#include "ssImageIO.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"

#include "itkBinShrinkImageFilter.h"
#include "itkImageFileWriter.h"
#include "itkJPEGImageIOFactory.h"
#include "itkLinearInterpolateImageFunction.h"
#include "itkMetaImageIOFactory.h"
#include "itkNearestNeighborExtrapolateImageFunction.h"
#include "itkNrrdImageIOFactory.h"
#include "itkObjectFactoryBase.h"
#include "itkPNGImageIOFactory.h"
#include "itkResampleImageFilter.h"
#include "itkTIFFImageIOFactory.h"
#include "itkUnaryGeneratorImageFilter.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace ss
{

namespace
{
struct Registrar
{
  std::string name;
  std::function<void()> registrar;
  bool done = false;
};

struct Registry
{
  std::mutex mutex;
  bool builtinsRegistered = false;
  std::vector<Registrar> registrars;
};

Registry & GetRegistry()
{
  static Registry registry;
  return registry;
}

bool IsRegistered(const char * factoryClassName)
{
  for (const auto & f : itk::ObjectFactoryBase::GetRegisteredFactories())
  {
    if (std::string(f->GetNameOfClass()) == factoryClassName)
    {
      return true;
    }
  }
  return false;
}

template<typename TFactory>
void RegisterOnce()
{
  const auto factory = TFactory::New();
  if (!IsRegistered(factory->GetNameOfClass()))
  {
    itk::ObjectFactoryBase::RegisterFactory(factory);
  }
}

void RunPending(Registry & registry)
{
  for (auto & r : registry.registrars)
  {
    if (!r.done)
    {
      r.done = true;
      r.registrar();
    }
  }
}
} // namespace

void RegisterImageIOFactories()
{
  Registry & registry = GetRegistry();
  const std::lock_guard<std::mutex> lock(registry.mutex);
  if (!registry.builtinsRegistered)
  {
    RegisterOnce<itk::PNGImageIOFactory>();
    RegisterOnce<itk::JPEGImageIOFactory>();
    RegisterOnce<itk::TIFFImageIOFactory>();
    RegisterOnce<itk::NrrdImageIOFactory>();
    RegisterOnce<itk::MetaImageIOFactory>();
    registry.builtinsRegistered = true;
  }
  RunPending(registry);
}

void AddImageIOFactoryRegistrar(const std::string & name, std::function<void()> registrar)
{
  Registry & registry = GetRegistry();
  const std::lock_guard<std::mutex> lock(registry.mutex);
  for (const auto & r : registry.registrars)
  {
    if (r.name == name)
    {
      return;
    }
  }
  registry.registrars.push_back({ name, std::move(registrar), false });
  if (registry.builtinsRegistered)
  {
    RunPending(registry);
  }
}

std::vector<std::string> GetImageIOFactoryRegistrarNames()
{
  Registry & registry = GetRegistry();
  const std::lock_guard<std::mutex> lock(registry.mutex);
  std::vector<std::string> names;
  for (const auto & r : registry.registrars)
  {
    names.push_back(r.name);
  }
  return names;
}

template<typename TImage>
void WriteImageAtomically(const TImage * image, const std::string & path, bool compress)
{
  if (!image)
  {
    throw std::invalid_argument("WriteImageAtomically: no image");
  }
  RegisterImageIOFactories();
  WriteAtomically(path,
                  [&](const std::string & tmp)
                  {
                    using WriterType = itk::ImageFileWriter<TImage>;
                    auto writer = WriterType::New();
                    writer->SetInput(image);
                    writer->SetFileName(tmp);
                    writer->SetUseCompression(compress);
                    try
                    {
                      writer->Update();
                    }
                    catch (const itk::ExceptionObject & e)
                    {
                      SS_INPUT_ERROR(path,
                                     "image",
                                     std::string("cannot write the image: ") + e.GetDescription(),
                                     "use an extension ITK writes (.png, .jpg, .tif, .nrrd, .mha) that suits the pixel "
                                     "type, and check free space");
                    }
                  });
}

template SuperSpotIO_EXPORT void WriteImageAtomically<RGBImageType>(const RGBImageType *, const std::string &, bool);
template SuperSpotIO_EXPORT void WriteImageAtomically<MaskImageType>(const MaskImageType *, const std::string &, bool);
template SuperSpotIO_EXPORT void WriteImageAtomically<FloatImageType>(const FloatImageType *,
                                                                      const std::string &,
                                                                      bool);
template SuperSpotIO_EXPORT void WriteImageAtomically<ExpressionImageType>(const ExpressionImageType *,
                                                                           const std::string &,
                                                                           bool);

double ScaleToFit(const SizeType & size, unsigned int maxSize)
{
  const auto longest = static_cast<double>(std::max(size[0], size[1]));
  if (maxSize == 0 || longest <= 0)
  {
    throw std::invalid_argument("ScaleToFit: empty image or zero maximum size");
  }
  return std::min(1.0, static_cast<double>(maxSize) / longest);
}

RGBImageType::Pointer DownsampleRGB(const RGBImageType * image, double scale)
{
  if (!image || !(scale > 0) || scale > 1)
  {
    throw std::invalid_argument("DownsampleRGB: needs an image and a scale in (0, 1]");
  }
  using FloatRGBImageType = itk::Image<itk::RGBPixel<float>, 2>;
  const RegionType inRegion = image->GetLargestPossibleRegion();

  // Block averaging first (exact area average for the integer part of 1/scale) ...
  const auto factor = static_cast<unsigned int>(std::max(1.0, std::floor(1.0 / scale + 1e-9)));
  using ShrinkType = itk::BinShrinkImageFilter<RGBImageType, RGBImageType>;
  auto shrink = ShrinkType::New();
  shrink->SetInput(image);
  shrink->SetShrinkFactors(factor);

  // ... then a linear resampling onto the exact output grid covers the remaining factor (< 2).
  SizeType outSize;
  for (unsigned d = 0; d < 2; ++d)
  {
    outSize[d] = std::max<itk::SizeValueType>(
      1, static_cast<itk::SizeValueType>(std::lround(static_cast<double>(inRegion.GetSize(d)) * scale)));
  }
  RGBImageType::PointType origin;
  image->TransformIndexToPhysicalPoint(inRegion.GetIndex(), origin);
  auto spacing = image->GetSpacing();
  spacing /= scale;

  using ResampleType = itk::ResampleImageFilter<RGBImageType, FloatRGBImageType>;
  auto resample = ResampleType::New();
  resample->SetInput(shrink->GetOutput());
  resample->SetInterpolator(itk::LinearInterpolateImageFunction<RGBImageType, double>::New());
  // Output pixels near the far edges can fall up to a block beyond the last block centre.
  resample->SetExtrapolator(itk::NearestNeighborExtrapolateImageFunction<RGBImageType, double>::New());
  resample->SetSize(outSize);
  resample->SetOutputSpacing(spacing);
  resample->SetOutputOrigin(origin);
  resample->SetOutputDirection(image->GetDirection());

  using RoundType = itk::UnaryGeneratorImageFilter<FloatRGBImageType, RGBImageType>;
  auto round = RoundType::New();
  round->SetInput(resample->GetOutput());
  round->SetFunctor(
    [](const itk::RGBPixel<float> & p)
    {
      RGBPixelType out;
      for (unsigned c = 0; c < 3; ++c)
      {
        out[c] = static_cast<unsigned char>(std::clamp(std::lround(p[c]), 0L, 255L));
      }
      return out;
    });
  round->Update();
  RGBImageType::Pointer result = round->GetOutput();
  result->DisconnectPipeline();
  return result;
}

} // namespace ss
