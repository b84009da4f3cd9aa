#include "ssImageIO.h"
#include "ssStreamingRGBDownsampler.h"

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

#include "ssOpenSlideImageIOFactory.h"

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
    // Whole-slide formats (.svs, .ndpi, pyramidal .tif): OpenSlide goes in front,
    // or ITK's TIFF IO would claim tiled TIFFs and read level 0 whole.
    OpenSlideImageIOFactory::RegisterOneFactory();
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

namespace
{
/** The second half of DownsampleRGB: a linear resampling of the block-averaged image
 * `shrunk` onto the exact output grid of an input of `inputSize` pixels whose index 0 lies
 * at `inputOrigin`, with `inputSpacing` and `direction`. */
RGBImageType::Pointer ResampleShrunkRGB(const RGBImageType * shrunk,
                                        const PointType & inputOrigin,
                                        const itk::Vector<double, 2> & inputSpacing,
                                        const DirectionType & direction,
                                        const SizeType & inputSize,
                                        double scale)
{
  using FloatRGBImageType = itk::Image<itk::RGBPixel<float>, 2>;
  SizeType outSize;
  for (unsigned d = 0; d < 2; ++d)
  {
    outSize[d] = std::max<itk::SizeValueType>(
      1, static_cast<itk::SizeValueType>(std::lround(static_cast<double>(inputSize[d]) * scale)));
  }
  RGBImageType::SpacingType spacing;
  for (unsigned d = 0; d < 2; ++d)
  {
    spacing[d] = inputSpacing[d] / scale;
  }

  using ResampleType = itk::ResampleImageFilter<RGBImageType, FloatRGBImageType>;
  auto resample = ResampleType::New();
  resample->SetInput(shrunk);
  resample->SetInterpolator(itk::LinearInterpolateImageFunction<RGBImageType, double>::New());
  // Output pixels near the far edges can fall up to a block beyond the last block centre.
  resample->SetExtrapolator(itk::NearestNeighborExtrapolateImageFunction<RGBImageType, double>::New());
  resample->SetSize(outSize);
  resample->SetOutputSpacing(spacing);
  resample->SetOutputOrigin(inputOrigin);
  resample->SetOutputDirection(direction);

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

/** floor(1 / scale): the block size of the exact area average. */
unsigned int ShrinkFactor(double scale)
{
  return static_cast<unsigned int>(std::max(1.0, std::floor(1.0 / scale + 1e-9)));
}
} // namespace

RGBImageType::Pointer DownsampleRGB(const RGBImageType * image, double scale)
{
  if (!image || !(scale > 0) || scale > 1)
  {
    throw std::invalid_argument("DownsampleRGB: needs an image and a scale in (0, 1]");
  }
  const RegionType inRegion = image->GetLargestPossibleRegion();

  // Block averaging first (exact area average for the integer part of 1/scale) ...
  using ShrinkType = itk::BinShrinkImageFilter<RGBImageType, RGBImageType>;
  auto shrink = ShrinkType::New();
  shrink->SetInput(image);
  shrink->SetShrinkFactors(ShrinkFactor(scale));
  shrink->Update();

  // ... then a linear resampling onto the exact output grid covers the remaining factor (< 2).
  RGBImageType::PointType origin;
  image->TransformIndexToPhysicalPoint(inRegion.GetIndex(), origin);
  return ResampleShrunkRGB(
    shrink->GetOutput(), origin, image->GetSpacing(), image->GetDirection(), inRegion.GetSize(), scale);
}

StreamingRGBDownsampler::StreamingRGBDownsampler(const GridGeometry & fullRes, double scale)
  : m_FullRes(fullRes)
  , m_Scale(scale)
  , m_Factor(0)
{
  if (!(scale > 0) || scale > 1 || fullRes.start[0] != 0 || fullRes.start[1] != 0 || fullRes.GetNumberOfPixels() == 0)
  {
    throw std::invalid_argument(
      "StreamingRGBDownsampler: needs a non-empty full-resolution grid starting at index 0 and a scale in (0, 1]");
  }
  m_Factor = ShrinkFactor(scale);
  // The block-averaged image with the geometry BinShrinkImageFilter gives its output.
  auto reference = RGBImageType::New();
  fullRes.ApplyTo(reference);
  itk::ContinuousIndex<double, 2> firstBlockCentre;
  firstBlockCentre.Fill(0.5 * (m_Factor - 1));
  RGBImageType::PointType origin;
  reference->TransformContinuousIndexToPhysicalPoint(firstBlockCentre, origin);
  RGBImageType::SpacingType spacing = reference->GetSpacing();
  SizeType size;
  for (unsigned d = 0; d < 2; ++d)
  {
    spacing[d] *= m_Factor;
    size[d] = fullRes.size[d] / m_Factor;
    if (size[d] < 1)
    {
      throw std::invalid_argument("StreamingRGBDownsampler: the image is smaller than one block of " +
                                  std::to_string(m_Factor) + " pixels");
    }
  }
  m_Shrunk = RGBImageType::New();
  m_Shrunk->SetRegions(RegionType(size));
  m_Shrunk->SetSpacing(spacing);
  m_Shrunk->SetOrigin(origin);
  m_Shrunk->SetDirection(reference->GetDirection());
  m_Shrunk->Allocate();
  m_Sums.assign(size[0] * 3, 0);
}

void StreamingRGBDownsampler::AddRows(std::int64_t y0, std::uint32_t rows, const std::uint8_t * rgb)
{
  const auto height = static_cast<std::int64_t>(m_FullRes.size[1]);
  if (y0 != m_RowsAdded || y0 + rows > height)
  {
    throw std::invalid_argument("StreamingRGBDownsampler::AddRows: rows must come in order (expected row " +
                                std::to_string(m_RowsAdded) + ", got " + std::to_string(y0) + ") and within the " +
                                std::to_string(height) + " rows of the image");
  }
  const std::size_t width = m_FullRes.size[0];
  const std::size_t blocksX = m_Shrunk->GetLargestPossibleRegion().GetSize(0);
  const auto blocksY = static_cast<std::int64_t>(m_Shrunk->GetLargestPossibleRegion().GetSize(1));
  const double inverseSamples = 1.0 / (static_cast<double>(m_Factor) * m_Factor);
  for (std::uint32_t r = 0; r < rows; ++r)
  {
    const std::int64_t y = y0 + r;
    const std::int64_t blockRow = y / m_Factor;
    if (blockRow >= blocksY)
    {
      continue; // a partial block row at the bottom, which BinShrink leaves out too
    }
    const std::uint8_t * row = rgb + static_cast<std::size_t>(r) * width * 3;
    for (std::size_t b = 0; b < blocksX; ++b)
    {
      const std::uint8_t * p = row + b * m_Factor * 3;
      for (unsigned int k = 0; k < m_Factor; ++k, p += 3)
      {
        m_Sums[3 * b] += p[0];
        m_Sums[3 * b + 1] += p[1];
        m_Sums[3 * b + 2] += p[2];
      }
    }
    if (y % m_Factor == m_Factor - 1)
    {
      // Sum × (1 / n), truncated: what BinShrinkImageFilter computes for RGB pixels.
      IndexType index;
      index[1] = blockRow;
      for (std::size_t b = 0; b < blocksX; ++b)
      {
        index[0] = static_cast<itk::IndexValueType>(b);
        RGBPixelType v;
        for (unsigned c = 0; c < 3; ++c)
        {
          v[c] = static_cast<unsigned char>(static_cast<double>(m_Sums[3 * b + c]) * inverseSamples);
        }
        m_Shrunk->SetPixel(index, v);
      }
      std::fill(m_Sums.begin(), m_Sums.end(), std::uint64_t{ 0 });
    }
  }
  m_RowsAdded += rows;
}

RGBImageType::Pointer StreamingRGBDownsampler::GetOutput() const
{
  if (m_RowsAdded != static_cast<std::int64_t>(m_FullRes.size[1]))
  {
    throw std::logic_error("StreamingRGBDownsampler::GetOutput: " + std::to_string(m_RowsAdded) + " of " +
                           std::to_string(m_FullRes.size[1]) + " rows added");
  }
  return ResampleShrunkRGB(m_Shrunk, m_FullRes.origin, m_FullRes.spacing, m_FullRes.direction, m_FullRes.size, m_Scale);
}

RGBRegionRenderer StreamingRGBDownsampler::Tee(RGBRegionRenderer render,
                                               std::vector<StreamingRGBDownsampler *> downsamplers)
{
  return [render = std::move(render), downsamplers = std::move(downsamplers)](
           std::int64_t x0, std::int64_t y0, std::uint32_t width, std::uint32_t height, std::uint8_t * rgb)
  {
    render(x0, y0, width, height, rgb);
    for (auto * d : downsamplers)
    {
      if (x0 != 0 || width != d->m_FullRes.size[0])
      {
        throw std::invalid_argument("StreamingRGBDownsampler::Tee: the renderer was asked for columns [" +
                                    std::to_string(x0) + ", " + std::to_string(x0 + width) +
                                    "), but a downsampler needs whole rows of " + std::to_string(d->m_FullRes.size[0]) +
                                    " pixels");
      }
      d->AddRows(y0, height, rgb);
    }
  };
}

} // namespace ss
