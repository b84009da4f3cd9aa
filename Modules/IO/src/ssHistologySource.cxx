#include "ssHistologySource.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include "itkChangeInformationImageFilter.h"
#include "itkImageAlgorithm.h"
#include "itkImageFileReader.h"
#include "itkImageIOFactory.h"
#include "itkUnaryGeneratorImageFilter.h"
#include "itkVectorImage.h"

#include <cmath>
#include <sstream>

namespace ss
{

namespace
{
using ChangeType = itk::ChangeInformationImageFilter<RGBImageType>;

unsigned char To8Bit(unsigned char v)
{
  return v;
}

unsigned char To8Bit(unsigned short v)
{
  // Rescale the full 16-bit range onto 8 bits, rounding; truncating would keep the low byte.
  return static_cast<unsigned char>((static_cast<unsigned int>(v) * 255u + 32767u) / 65535u);
}

/** Reader of VectorImage<TComponent> and the conversion of its 1-4 components to RGB. */
template<typename TComponent>
void BuildConvertingPipeline(itk::ImageIOBase * io,
                             const std::string & path,
                             unsigned int components,
                             itk::ProcessObject::Pointer & reader,
                             itk::ProcessObject::Pointer & converter,
                             RGBImageType *& output)
{
  using VectorImageType = itk::VectorImage<TComponent, 2>;
  auto r = itk::ImageFileReader<VectorImageType>::New();
  r->SetFileName(path);
  r->SetImageIO(io);
  auto c = itk::UnaryGeneratorImageFilter<VectorImageType, RGBImageType>::New();
  c->SetInput(r->GetOutput());
  c->SetFunctor(
    [components](const itk::VariableLengthVector<TComponent> & v)
    {
      RGBPixelType p;
      if (components <= 2) // grey, or grey + alpha
      {
        p.Fill(To8Bit(v[0]));
      }
      else // RGB, or RGB + alpha
      {
        for (unsigned int k = 0; k < 3; ++k)
        {
          p[k] = To8Bit(v[k]);
        }
      }
      return p;
    });
  reader = r.GetPointer();
  converter = c.GetPointer();
  output = c->GetOutput();
}

RegionType ToRegion(const itk::ImageIORegion & ioRegion)
{
  RegionType r;
  for (unsigned d = 0; d < 2 && d < ioRegion.GetImageDimension(); ++d)
  {
    r.SetIndex(d, ioRegion.GetIndex(d));
    r.SetSize(d, ioRegion.GetSize(d));
  }
  return r;
}
} // namespace

struct HistologySource::Impl
{
  std::string path;
  itk::ImageIOBase::Pointer io;
  itk::ProcessObject::Pointer reader;
  itk::ProcessObject::Pointer converter;
  ChangeType::Pointer change;
  CoordinateFrame frame;
  CoordinateFrame fileFrame;
  std::string conversion = "none";
  RegionType largest;
  RegionType lastIORegion;
};

HistologySource::HistologySource(const std::string & path, const HistologyOptions & options)
  : m_Impl(std::make_unique<Impl>())
{
  Impl & m = *m_Impl;
  m.path = path;
  RegisterImageIOFactories();
  RequireFile(path, "H&E image", "check the path of the histology image");
  m.io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  if (!m.io)
  {
    std::vector<std::string> readers{ "PNG", "JPEG", "TIFF", "NRRD", "MetaImage" };
    for (const auto & n : GetImageIOFactoryRegistrarNames())
    {
      readers.push_back(n);
    }
    SS_INPUT_ERROR(path,
                   "image format",
                   "no registered ImageIO can read this file (readers: " + Join(readers, ", ") + ")",
                   "convert the image to TIFF, PNG or NRRD; whole-slide formats (.svs, .ndpi, .mrxs, pyramidal .tif) "
                   "need SuperSpot's OpenSlide reader");
  }
  m.io->SetFileName(path);
  try
  {
    m.io->ReadImageInformation();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(
      path, "image header", std::string("cannot read it: ") + e.GetDescription(), "check the file is a complete image");
  }
  const unsigned int dimensions = m.io->GetNumberOfDimensions();
  bool planar = dimensions >= 2;
  for (unsigned int d = 2; d < dimensions; ++d)
  {
    planar = planar && m.io->GetDimensions(d) == 1;
  }
  if (!planar)
  {
    SS_INPUT_ERROR(path,
                   "image dimensions",
                   "is not a 2D image (" + std::to_string(dimensions) + " dimensions)",
                   "give a 2D H&E image (a 3D volume with a single slice is accepted)");
  }

  const auto componentType = m.io->GetComponentType();
  const unsigned int components = m.io->GetNumberOfComponents();
  RGBImageType * rgb = nullptr;
  const bool is8 = componentType == itk::IOComponentEnum::UCHAR;
  const bool is16 = componentType == itk::IOComponentEnum::USHORT;
  if (is8 && components == 3)
  {
    auto r = itk::ImageFileReader<RGBImageType>::New();
    r->SetFileName(path);
    r->SetImageIO(m.io);
    m.reader = r.GetPointer();
    rgb = r->GetOutput();
  }
  else if ((is8 || is16) && components >= 1 && components <= 4)
  {
    if (is8)
    {
      BuildConvertingPipeline<unsigned char>(m.io, path, components, m.reader, m.converter, rgb);
    }
    else
    {
      BuildConvertingPipeline<unsigned short>(m.io, path, components, m.reader, m.converter, rgb);
    }
    static const char * const names[] = { "", "grey", "grey + alpha", "RGB", "RGBA" };
    const std::string bits = is16 ? "16-bit " : "";
    std::vector<std::string> steps;
    if (components <= 2)
    {
      steps.emplace_back("grey copied to R, G and B");
    }
    if (components == 2 || components == 4)
    {
      steps.emplace_back("alpha dropped");
    }
    if (is16)
    {
      steps.emplace_back("rescaled to 8 bits as v * 255 / 65535");
    }
    m.conversion = bits + names[components] + " -> RGB (" + Join(steps, "; ") + ")";
    LogWarning(path + ": converting " + m.conversion);
  }
  else
  {
    SS_INPUT_ERROR(path,
                   "pixel type",
                   std::string("is ") + itk::ImageIOBase::GetComponentTypeAsString(componentType) + " with " +
                     std::to_string(components) + " component(s), which is not an H&E image",
                   "give an 8- or 16-bit RGB, RGBA or grey image (convert it, e.g. with Slicer's Cast Scalar Volume or "
                   "an image editor)");
  }

  try
  {
    rgb->UpdateOutputInformation();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(
      path, "image header", std::string("cannot read it: ") + e.GetDescription(), "check the file is a complete image");
  }

  if (options.frame)
  {
    m.frame = *options.frame;
  }
  else if (options.micronsPerPixel != 0)
  {
    if (!(options.micronsPerPixel > 0) || !std::isfinite(options.micronsPerPixel))
    {
      SS_INPUT_ERROR(path,
                     "--micronsPerPixel",
                     "must be a positive number of µm per pixel, got " + io::NumberText(options.micronsPerPixel),
                     "give the scanner's µm per pixel (e.g. 0.25 at 40x, 0.5 at 20x)");
    }
    m.frame = CoordinateFrame::FromMicronsPerPixel(options.micronsPerPixel);
  }
  else
  {
    const std::string ioName = m.io->GetNameOfClass();
    if (ioName == "PNGImageIO" || ioName == "JPEGImageIO" || ioName == "TIFFImageIO" || ioName == "BMPImageIO")
    {
      SS_INPUT_ERROR(path,
                     "µm per pixel",
                     "a " + ioName.substr(0, ioName.size() - 7) +
                       " file carries no microscope calibration (its DPI is not one)",
                     "pass --micronsPerPixel (µm per full-resolution pixel, e.g. 0.25 for a 40x scan), or give the "
                     "Space Ranger / Xenium folder the image belongs to");
    }
    const auto spacing = rgb->GetSpacing();
    if (spacing[0] == 1.0 && spacing[1] == 1.0)
    {
      SS_INPUT_ERROR(path,
                     "spacing",
                     "is missing or 1.0, so the image's µm per pixel is unknown",
                     "pass --micronsPerPixel, or save the image with its spacing in µm per pixel");
    }
    if (std::min(spacing[0], spacing[1]) < 0.01)
    {
      SS_INPUT_ERROR(path,
                     "spacing",
                     "is " + io::NumberText(spacing[0]) + " x " + io::NumberText(spacing[1]) +
                       ", which looks like millimetres; SuperSpot reads spacing as µm per pixel",
                     "pass --micronsPerPixel " + io::NumberText(spacing[0] * 1000) +
                       ", or save the image with its spacing in µm");
    }
    m.frame = CoordinateFrame::FromImage(rgb);
  }

  m.change = ChangeType::New();
  m.change->SetInput(rgb);
  m.change->SetOutputSpacing(m.frame.GetSpacing());
  m.change->SetOutputOrigin(m.frame.GetOrigin());
  m.change->SetOutputDirection(m.frame.GetDirection());
  m.change->ChangeSpacingOn();
  m.change->ChangeOriginOn();
  m.change->ChangeDirectionOn();
  m.change->UpdateOutputInformation();
  m.fileFrame = CoordinateFrame::FromImage(rgb);
  m.largest = m.change->GetOutput()->GetLargestPossibleRegion();
  std::ostringstream info;
  info << path << ": " << m.largest.GetSize(0) << " x " << m.largest.GetSize(1) << " px, "
       << m.frame.GetMicronsPerPixel() << " µm/px";
  LogDebug(info.str());
}

HistologySource::~HistologySource() = default;

const std::string & HistologySource::GetPath() const
{
  return m_Impl->path;
}

SizeType HistologySource::GetSize() const
{
  return m_Impl->largest.GetSize();
}

RegionType HistologySource::GetLargestPossibleRegion() const
{
  return m_Impl->largest;
}

const CoordinateFrame & HistologySource::GetFrame() const
{
  return m_Impl->frame;
}

const CoordinateFrame & HistologySource::GetFileFrame() const
{
  return m_Impl->fileFrame;
}

const std::string & HistologySource::GetConversion() const
{
  return m_Impl->conversion;
}

std::string HistologySource::GetImageIOName() const
{
  return m_Impl->io->GetNameOfClass();
}

RGBImageType * HistologySource::GetOutput()
{
  return m_Impl->change->GetOutput();
}

RGBImageType::Pointer HistologySource::Read()
{
  return ReadRegion(m_Impl->largest);
}

RGBImageType::Pointer HistologySource::ReadRegion(const RegionType & region)
{
  Impl & m = *m_Impl;
  RegionType r = region;
  if (!r.Crop(m.largest))
  {
    std::ostringstream os;
    os << "the requested region (index " << region.GetIndex() << ", size " << region.GetSize()
       << ") lies outside the image (size " << m.largest.GetSize() << ")";
    SS_INPUT_ERROR(
      m.path, "region", os.str(), "check that the spots and the image belong together and use the same µm frame");
  }
  RGBImageType::Pointer out = m.change->GetOutput();
  out->SetRequestedRegion(r);
  try
  {
    m.change->Update();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(m.path,
                   "pixels",
                   std::string("cannot read them: ") + e.GetDescription(),
                   "check the file is complete (a truncated download fails here)");
  }
  m.lastIORegion = ToRegion(m.io->GetIORegion());
  out->DisconnectPipeline();
  if (out->GetBufferedRegion() == r)
  {
    return out;
  }
  // ImageIOs that cannot stream deliver more than was asked: keep what was asked.
  auto cropped = RGBImageType::New();
  cropped->CopyInformation(out);
  cropped->SetRegions(r);
  cropped->Allocate();
  itk::ImageAlgorithm::Copy(out.GetPointer(), cropped.GetPointer(), r, r);
  return cropped;
}

RegionType HistologySource::RegionCovering(const BoundingBox & box) const
{
  const Impl & m = *m_Impl;
  RegionType r;
  if (box.IsEmpty())
  {
    r.SetSize({ { 0, 0 } });
    return r;
  }
  double lo[2] = { std::numeric_limits<double>::max(), std::numeric_limits<double>::max() };
  double hi[2] = { std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest() };
  for (const double x : { box.minX, box.maxX })
  {
    for (const double y : { box.minY, box.maxY })
    {
      PointType um;
      um[0] = x;
      um[1] = y;
      const PointType px = m.frame.MicronsToFullResPx(um);
      for (unsigned d = 0; d < 2; ++d)
      {
        lo[d] = std::min(lo[d], px[d]);
        hi[d] = std::max(hi[d], px[d]);
      }
    }
  }
  for (unsigned d = 0; d < 2; ++d)
  {
    const auto first = static_cast<itk::IndexValueType>(std::ceil(lo[d] - 1e-9));
    const auto last = static_cast<itk::IndexValueType>(std::floor(hi[d] + 1e-9));
    r.SetIndex(d, first);
    r.SetSize(d, last >= first ? static_cast<itk::SizeValueType>(last - first + 1) : 0);
  }
  if (!r.Crop(m.largest))
  {
    r.SetSize({ { 0, 0 } });
  }
  return r;
}

RegionType HistologySource::GetLastIORegion() const
{
  return m_Impl->lastIORegion;
}

} // namespace ss
