#include "ssOpenSlideImageIO.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"

#include "itkMetaDataObject.h"

#include <openslide.h>
#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <locale>
#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

namespace ss
{

namespace
{

/** The IO region of a level read is split into bands of at most this many pixels,
 * so the ARGB scratch buffer stays small (16 MiB) whatever the region. */
constexpr std::int64_t MaximumPixelsPerRead = std::int64_t{ 1 } << 22;

/** Block grid (level pixels) used when a level's downsample is not an integer; see
 * OpenSlideImageIO::Read(). */
constexpr std::int64_t AlignedBlockSize = 512;

const char * const MppSourceUser = "user";
const char * const MppSourceOpenSlide = "openslide.mpp";
const char * const MppSourceTIFF = "tiff-resolution";

/** OpenSlide writes numbers with g_ascii_dtostr: parse them in the C locale, whole string. */
std::optional<double> ParsePositive(const char * text)
{
  if (text == nullptr)
  {
    return std::nullopt;
  }
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  double value = 0;
  in >> value;
  if (in.fail() || !(in >> std::ws).eof() || !std::isfinite(value) || value <= 0)
  {
    return std::nullopt;
  }
  return value;
}

void LibTIFFWarningToLog(const char * module, const char * fmt, va_list ap)
{
  char text[1024];
  std::vsnprintf(text, sizeof(text), fmt, ap);
  LogDebug(std::string("libtiff: ") + (module != nullptr ? std::string(module) + ": " : std::string()) + text);
}

#if defined(TIFFLIB_MAJOR_VERSION) // libtiff >= 4.5
int Quiet(TIFF *, void *, const char *, const char *, va_list)
{
  return 1;
}

/** TIFF compression of the tiled directory of that size and tiling in `path`; 0 when
 * there is none or `path` is not a TIFF. */
std::uint16_t TIFFLevelCompression(const std::string & path,
                                   std::int64_t width,
                                   std::int64_t height,
                                   std::int64_t tileWidth,
                                   std::int64_t tileHeight)
{
  TIFFOpenOptions * options = TIFFOpenOptionsAlloc();
  TIFFOpenOptionsSetErrorHandlerExtR(options, &Quiet, nullptr);
  TIFFOpenOptionsSetWarningHandlerExtR(options, &Quiet, nullptr);
  TIFF * t = TIFFOpenExt(path.c_str(), "r", options);
  TIFFOpenOptionsFree(options);
  if (t == nullptr)
  {
    return 0;
  }
  std::uint16_t compression = 0;
  do
  {
    std::uint32_t w = 0, h = 0, tw = 0, th = 0;
    if (TIFFIsTiled(t) && TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w) && TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h) &&
        TIFFGetField(t, TIFFTAG_TILEWIDTH, &tw) && TIFFGetField(t, TIFFTAG_TILELENGTH, &th) && w == width &&
        h == height && tw == tileWidth && th == tileHeight)
    {
      TIFFGetFieldDefaulted(t, TIFFTAG_COMPRESSION, &compression);
      break;
    }
  } while (TIFFReadDirectory(t));
  TIFFClose(t);
  return compression;
}
#endif

std::string Quoted(const char * text)
{
  return text == nullptr ? std::string("absent") : "'" + std::string(text) + "'";
}

} // namespace

struct OpenSlideImageIO::Slide
{
  std::string fileName;
  openslide_t * osr = nullptr;

  Slide() = default;
  Slide(const Slide &) = delete;
  Slide & operator=(const Slide &) = delete;
  ~Slide()
  {
    if (osr != nullptr)
    {
      openslide_close(osr);
    }
  }
  const char * Property(const char * name) const { return openslide_get_property_value(osr, name); }
  std::string Vendor() const
  {
    const char * v = Property(OPENSLIDE_PROPERTY_NAME_VENDOR);
    return v == nullptr ? std::string("unknown") : std::string(v);
  }

  /** µm per level-0 pixel from the slide itself, or nullopt with `problem` saying why not. */
  std::optional<OpenSlideImageIO::MicronsPerPixelType> MicronsPerPixel(std::string & source,
                                                                       std::string & problem) const
  {
    const char * mppX = Property(OPENSLIDE_PROPERTY_NAME_MPP_X);
    const char * mppY = Property(OPENSLIDE_PROPERTY_NAME_MPP_Y);
    if (mppX != nullptr || mppY != nullptr)
    {
      const auto x = ParsePositive(mppX);
      const auto y = ParsePositive(mppY);
      if (x && y)
      {
        source = MppSourceOpenSlide;
        OpenSlideImageIO::MicronsPerPixelType mpp;
        mpp[0] = *x;
        mpp[1] = *y;
        return mpp;
      }
      problem = "the slide's microns per pixel are not two positive numbers (openslide.mpp-x " + Quoted(mppX) +
                ", openslide.mpp-y " + Quoted(mppY) + ")";
      return std::nullopt;
    }
    problem = "the slide does not say how many µm a pixel is (OpenSlide reports no openslide.mpp-x/mpp-y for this " +
              Vendor() + " slide)";
    // OpenSlide 3.4.1's generic-tiff driver exposes the TIFF resolution tags only as
    // tiff.* properties. Centimetres are a deliberate calibration; inches (TIFF's
    // default unit, 72 dpi from most software) are not trusted as a tissue scale.
    if (Vendor() == "generic-tiff")
    {
      const char * unit = Property("tiff.ResolutionUnit");
      const char * resX = Property("tiff.XResolution");
      const char * resY = Property("tiff.YResolution");
      const auto x = ParsePositive(resX);
      const auto y = ParsePositive(resY);
      if (unit != nullptr && std::string(unit) == "centimeter" && x && y)
      {
        source = MppSourceTIFF;
        OpenSlideImageIO::MicronsPerPixelType mpp;
        mpp[0] = 1e4 / *x;
        mpp[1] = 1e4 / *y;
        return mpp;
      }
      if (resX != nullptr)
      {
        problem += "; its TIFF resolution tags (unit " + std::string(unit ? unit : "absent") + ", XResolution " + resX +
                   ") are not in pixels per centimetre";
      }
    }
    return std::nullopt;
  }
};

OpenSlideImageIO::OpenSlideImageIO()
{
  static std::once_flag libtiffWarnings;
  std::call_once(libtiffWarnings, [] { TIFFSetWarningHandler(&LibTIFFWarningToLog); });
  this->SetNumberOfDimensions(2);
  this->SetPixelType(itk::IOPixelEnum::RGB);
  this->SetComponentType(itk::IOComponentEnum::UCHAR);
  this->SetNumberOfComponents(3);
  for (const char * extension :
       { ".svs", ".tif", ".tiff", ".ndpi", ".vms", ".vmu", ".scn", ".mrxs", ".svslide", ".bif" })
  {
    this->AddSupportedReadExtension(extension);
  }
}

OpenSlideImageIO::~OpenSlideImageIO() = default;

void OpenSlideImageIO::SetMicronsPerPixel(const MicronsPerPixelType & micronsPerPixel)
{
  for (unsigned int i = 0; i < 2; ++i)
  {
    if (!std::isfinite(micronsPerPixel[i]) || micronsPerPixel[i] < 0)
    {
      itkExceptionMacro(<< "microns per pixel must be positive (or 0 to take them from the slide), not "
                        << micronsPerPixel);
    }
  }
  if (micronsPerPixel != m_MicronsPerPixelOverride)
  {
    m_MicronsPerPixelOverride = micronsPerPixel;
    this->Modified();
  }
}

void OpenSlideImageIO::SetMicronsPerPixel(double micronsPerPixel)
{
  this->SetMicronsPerPixel(MicronsPerPixelType(micronsPerPixel));
}

itk::ImageIORegion OpenSlideImageIO::GenerateStreamableReadRegionFromRequestedRegion(
  const itk::ImageIORegion & requested) const
{
  if (!m_UseStreamedReading)
  {
    return Superclass::GenerateStreamableReadRegionFromRequestedRegion(requested);
  }
  itk::ImageIORegion region(2);
  for (unsigned int i = 0; i < 2; ++i)
  {
    region.SetIndex(i, i < requested.GetImageDimension() ? requested.GetIndex(i) : 0);
    region.SetSize(i, i < requested.GetImageDimension() ? requested.GetSize(i) : 1);
  }
  return region;
}

bool OpenSlideImageIO::CanReadFile(const char * fileName)
{
  // openslide_detect_vendor only claims files one of OpenSlide's drivers opens:
  // plain JPEG/PNG and strip TIFFs are left to ITK's ImageIOs.
  return fileName != nullptr && *fileName != '\0' && openslide_detect_vendor(fileName) != nullptr;
}

OpenSlideImageIO::Slide & OpenSlideImageIO::GetSlide()
{
  if (m_Slide && m_Slide->fileName == m_FileName)
  {
    return *m_Slide;
  }
  m_Slide.reset();
  if (m_FileName.empty())
  {
    itkExceptionMacro(<< "no file name: call SetFileName() first");
  }
  RequireFile(m_FileName, "whole-slide image", "check the path");
  auto slide = std::make_unique<Slide>();
  slide->fileName = m_FileName;
  slide->osr = openslide_open(m_FileName.c_str());
  if (slide->osr == nullptr)
  {
    SS_INPUT_ERROR(m_FileName,
                   "format",
                   "OpenSlide does not recognise this file as a whole-slide image",
                   "give a slide OpenSlide reads (.svs, .ndpi, .mrxs, .scn, tiled pyramidal .tif …); plain JPEG, PNG "
                   "and strip TIFF images are read by ITK's own ImageIOs");
  }
  if (const char * error = openslide_get_error(slide->osr))
  {
    SS_INPUT_ERROR(m_FileName,
                   "OpenSlide",
                   std::string("cannot open the slide: ") + error,
                   "check that the file (and, for .mrxs or .vms, its companion files) is complete");
  }
  m_Slide = std::move(slide);
  return *m_Slide;
}

void OpenSlideImageIO::CheckLevel(Slide & slide, int level) const
{
  const int count = openslide_get_level_count(slide.osr);
  if (level < 0 || level >= count)
  {
    SS_INPUT_ERROR(slide.fileName,
                   "level",
                   "pyramid level " + std::to_string(level) + " does not exist: the slide has " +
                     std::to_string(count) + " level(s)",
                   "choose a level from 0 (full resolution) to " + std::to_string(count - 1));
  }
}

void OpenSlideImageIO::CheckLevelDecodes(Slide & slide, int level) const
{
  // OpenSlide 3.x decodes non-JPEG TIFF tiles with libtiff's TIFFRGBAImage. Since
  // libtiff 4.5 that shifts and clips a tile larger than the whole image, so every
  // pixel of a level smaller than its tiles comes back wrong, silently (seen with
  // Debian 12's OpenSlide 3.4.1 and libtiff 4.5.0; JPEG and JPEG 2000 tiles are
  // decoded by OpenSlide itself and are fine). Refuse such a level.
#if defined(TIFFLIB_MAJOR_VERSION)
  if (std::string(openslide_get_version()).rfind("3.", 0) != 0)
  {
    return;
  }
  const std::string prefix = "openslide.level[" + std::to_string(level) + "].";
  const auto tileWidth = ParsePositive(slide.Property((prefix + "tile-width").c_str()));
  const auto tileHeight = ParsePositive(slide.Property((prefix + "tile-height").c_str()));
  std::int64_t w = 0, h = 0;
  openslide_get_level_dimensions(slide.osr, level, &w, &h);
  if (!tileWidth || !tileHeight || (*tileWidth <= w && *tileHeight <= h))
  {
    return;
  }
  const auto tw = static_cast<std::int64_t>(*tileWidth), th = static_cast<std::int64_t>(*tileHeight);
  const std::uint16_t compression = TIFFLevelCompression(slide.fileName, w, h, tw, th);
  if (compression != 0 && compression != COMPRESSION_JPEG && compression != 33003 && compression != 33005)
  {
    SS_INPUT_ERROR(slide.fileName,
                   "level " + std::to_string(level),
                   "OpenSlide " + std::string(openslide_get_version()) + " with libtiff " +
                     std::to_string(TIFFLIB_MAJOR_VERSION) + "." + std::to_string(TIFFLIB_MINOR_VERSION) +
                     " reads this level wrong: it is smaller (" + std::to_string(w) + " x " + std::to_string(h) +
                     " px) than its " + std::to_string(tw) + " x " + std::to_string(th) +
                     " px tiles and not JPEG-compressed (TIFF compression " + std::to_string(compression) + ")",
                   "read a larger level, or rewrite the slide with JPEG tiles or tiles no larger than its smallest "
                   "level (ss::WritePyramidalTIFF does that)");
  }
#else
  (void)slide;
  (void)level;
#endif
}

int OpenSlideImageIO::GetLevelCount()
{
  return openslide_get_level_count(this->GetSlide().osr);
}

ss::SizeType OpenSlideImageIO::GetLevelDimensions(int level)
{
  Slide & slide = this->GetSlide();
  this->CheckLevel(slide, level);
  std::int64_t w = 0, h = 0;
  openslide_get_level_dimensions(slide.osr, level, &w, &h);
  ss::SizeType size;
  size[0] = static_cast<ss::SizeType::SizeValueType>(w);
  size[1] = static_cast<ss::SizeType::SizeValueType>(h);
  return size;
}

double OpenSlideImageIO::GetLevelDownsample(int level)
{
  Slide & slide = this->GetSlide();
  this->CheckLevel(slide, level);
  return openslide_get_level_downsample(slide.osr, level);
}

std::string OpenSlideImageIO::GetVendor()
{
  return this->GetSlide().Vendor();
}

void OpenSlideImageIO::ReadImageInformation()
{
  Slide & slide = this->GetSlide();
  this->CheckLevel(slide, m_Level);
  this->CheckLevelDecodes(slide, m_Level);

  std::string source;
  std::string problem;
  const auto fromSlide = slide.MicronsPerPixel(source, problem);
  if (m_MicronsPerPixelOverride[0] > 0 && m_MicronsPerPixelOverride[1] > 0)
  {
    if (fromSlide && (std::abs((*fromSlide)[0] - m_MicronsPerPixelOverride[0]) > 1e-6 * (*fromSlide)[0] ||
                      std::abs((*fromSlide)[1] - m_MicronsPerPixelOverride[1]) > 1e-6 * (*fromSlide)[1]))
    {
      std::ostringstream msg;
      msg << m_FileName << ": using " << m_MicronsPerPixelOverride[0] << " x " << m_MicronsPerPixelOverride[1]
          << " µm per pixel as given, not the slide's own " << (*fromSlide)[0] << " x " << (*fromSlide)[1] << " ("
          << source << ")";
      LogWarning(msg.str());
    }
    m_MicronsPerPixel = m_MicronsPerPixelOverride;
    m_MicronsPerPixelSource = MppSourceUser;
  }
  else if (m_MicronsPerPixelOverride[0] > 0 || m_MicronsPerPixelOverride[1] > 0)
  {
    itkExceptionMacro(<< "microns per pixel override " << m_MicronsPerPixelOverride
                      << " has a zero component: give both, or (0, 0) to take them from the slide");
  }
  else if (fromSlide)
  {
    m_MicronsPerPixel = *fromSlide;
    m_MicronsPerPixelSource = source;
  }
  else
  {
    SS_INPUT_ERROR(m_FileName,
                   "openslide.mpp-x/openslide.mpp-y",
                   problem,
                   "give the µm per level-0 pixel explicitly (OpenSlideImageIO::SetMicronsPerPixel, or the CLI's "
                   "micronsPerPixel parameter); SuperSpot never assumes a pixel size");
  }

  std::int64_t w = 0, h = 0;
  openslide_get_level_dimensions(slide.osr, m_Level, &w, &h);
  const double downsample = openslide_get_level_downsample(slide.osr, m_Level);
  if (w <= 0 || h <= 0 || !(downsample >= 1))
  {
    SS_INPUT_ERROR(m_FileName,
                   "level " + std::to_string(m_Level),
                   "OpenSlide reports an empty level (" + std::to_string(w) + " x " + std::to_string(h) +
                     " px, downsample " + std::to_string(downsample) + ")",
                   "check that the slide is complete");
  }

  this->SetNumberOfDimensions(2);
  this->SetPixelType(itk::IOPixelEnum::RGB);
  this->SetComponentType(itk::IOComponentEnum::UCHAR);
  this->SetNumberOfComponents(3);
  this->SetDimensions(0, static_cast<SizeValueType>(w));
  this->SetDimensions(1, static_cast<SizeValueType>(h));
  for (unsigned int i = 0; i < 2; ++i)
  {
    // Level-k pixel n covers level-0 pixels [n·d, (n+1)·d): its centre is at
    // ((n + 0.5)·d − 0.5) level-0 pixels, whose centres sit at integer multiples of mpp.
    this->SetSpacing(i, m_MicronsPerPixel[i] * downsample);
    this->SetOrigin(i, (0.5 * downsample - 0.5) * m_MicronsPerPixel[i]);
    std::vector<double> axis(2, 0.0);
    axis[i] = 1.0;
    this->SetDirection(i, axis);
  }

  itk::MetaDataDictionary & dictionary = this->GetMetaDataDictionary();
  dictionary.Clear();
  if (const char * const * names = openslide_get_property_names(slide.osr))
  {
    for (; *names != nullptr; ++names)
    {
      if (const char * value = slide.Property(*names))
      {
        itk::EncapsulateMetaData<std::string>(dictionary, *names, std::string(value));
      }
    }
  }
}

void OpenSlideImageIO::ReadARGB(Slide & slide,
                                std::int64_t x,
                                std::int64_t y,
                                std::uint32_t width,
                                std::uint32_t height,
                                std::uint32_t * argb)
{
  openslide_read_region(slide.osr, argb, x, y, m_Level, width, height);
  if (const char * error = openslide_get_error(slide.osr))
  {
    const std::string message = error;
    // An OpenSlide handle that failed stays failed: drop it so a later call reopens.
    m_Slide.reset();
    SS_INPUT_ERROR(m_FileName,
                   "level " + std::to_string(m_Level) + " pixels",
                   "OpenSlide cannot read " + std::to_string(width) + " x " + std::to_string(height) +
                     " px at level-0 position (" + std::to_string(x) + ", " + std::to_string(y) + "): " + message,
                   "check that the file is complete and not corrupt");
  }
}

void OpenSlideImageIO::Read(void * buffer)
{
  Slide & slide = this->GetSlide();
  this->CheckLevel(slide, m_Level);
  const double downsample = openslide_get_level_downsample(slide.osr, m_Level);
  const std::int64_t x0 = m_IORegion.GetIndex(0);
  const std::int64_t y0 = m_IORegion.GetIndex(1);
  const std::int64_t width = static_cast<std::int64_t>(m_IORegion.GetSize(0));
  const std::int64_t height = static_cast<std::int64_t>(m_IORegion.GetSize(1));
  if (width <= 0 || height <= 0)
  {
    return;
  }
  auto * rgb = static_cast<std::uint8_t *>(buffer);
  std::vector<std::uint32_t> argb;

  if (downsample == std::round(downsample))
  {
    // Integer downsample: level pixel n starts exactly at level-0 pixel n·d, so
    // OpenSlide returns the stored pixels. Read in bands to bound the scratch buffer.
    const auto d = static_cast<std::int64_t>(downsample);
    const std::int64_t bandRows = std::max<std::int64_t>(1, MaximumPixelsPerRead / width);
    argb.resize(static_cast<std::size_t>(width * std::min(bandRows, height)));
    for (std::int64_t row = 0; row < height; row += bandRows)
    {
      const std::int64_t rows = std::min(bandRows, height - row);
      this->ReadARGB(slide,
                     x0 * d,
                     (y0 + row) * d,
                     static_cast<std::uint32_t>(width),
                     static_cast<std::uint32_t>(rows),
                     argb.data());
      PremultipliedARGBToRGB(argb.data(), static_cast<std::size_t>(width * rows), rgb + 3 * row * width);
    }
    return;
  }

  // Non-integer downsample (level sizes that are not exact divisions): OpenSlide
  // places level pixels at x0 / d, so most level-0 positions land between level
  // pixels and the result is resampled with a sub-pixel phase that depends on where
  // the read starts. Reading on a fixed block grid makes every pixel's value depend
  // on its block only, never on the requested region: streamed and whole reads agree.
  const std::int64_t B = AlignedBlockSize;
  argb.resize(static_cast<std::size_t>(B * B));
  for (std::int64_t by = y0 / B; by * B < y0 + height; ++by)
  {
    for (std::int64_t bx = x0 / B; bx * B < x0 + width; ++bx)
    {
      // Read from the block's corner (fixing the phase) up to what the region needs.
      const std::int64_t readW = std::min(B, x0 + width - bx * B);
      const std::int64_t readH = std::min(B, y0 + height - by * B);
      this->ReadARGB(slide,
                     std::llround(static_cast<double>(bx * B) * downsample),
                     std::llround(static_cast<double>(by * B) * downsample),
                     static_cast<std::uint32_t>(readW),
                     static_cast<std::uint32_t>(readH),
                     argb.data());
      const std::int64_t cx0 = std::max(x0, bx * B);
      const std::int64_t cx1 = bx * B + readW;
      const std::int64_t cy0 = std::max(y0, by * B);
      const std::int64_t cy1 = by * B + readH;
      for (std::int64_t y = cy0; y < cy1; ++y)
      {
        PremultipliedARGBToRGB(argb.data() + (y - by * B) * readW + (cx0 - bx * B),
                               static_cast<std::size_t>(cx1 - cx0),
                               rgb + 3 * ((y - y0) * width + (cx0 - x0)));
      }
    }
  }
}

bool OpenSlideImageIO::CanWriteFile(const char *)
{
  return false;
}

void OpenSlideImageIO::WriteImageInformation()
{
  itkExceptionMacro(<< "OpenSlideImageIO cannot write: OpenSlide only reads slides. Write whole-slide images with "
                       "ss::WritePyramidalTIFF()");
}

void OpenSlideImageIO::Write(const void *)
{
  itkExceptionMacro(<< "OpenSlideImageIO cannot write: OpenSlide only reads slides. Write whole-slide images with "
                       "ss::WritePyramidalTIFF()");
}

void OpenSlideImageIO::PrintSelf(std::ostream & os, itk::Indent indent) const
{
  Superclass::PrintSelf(os, indent);
  os << indent << "Level: " << m_Level << "\n";
  os << indent << "MicronsPerPixelOverride: " << m_MicronsPerPixelOverride << "\n";
  os << indent << "MicronsPerPixel: " << m_MicronsPerPixel << "\n";
  os << indent << "MicronsPerPixelSource: " << m_MicronsPerPixelSource << "\n";
  os << indent << "Slide: " << (m_Slide ? m_Slide->fileName + " (open, " + m_Slide->Vendor() + ")" : "(not open)")
     << "\n";
}

void PremultipliedARGBToRGB(const std::uint32_t * argb, std::size_t count, std::uint8_t * rgb)
{
  for (std::size_t i = 0; i < count; ++i, rgb += 3)
  {
    const std::uint32_t v = argb[i];
    const std::uint32_t a = v >> 24;
    const std::uint32_t c[3] = { (v >> 16) & 0xFFu, (v >> 8) & 0xFFu, v & 0xFFu };
    if (a == 255)
    {
      rgb[0] = static_cast<std::uint8_t>(c[0]);
      rgb[1] = static_cast<std::uint8_t>(c[1]);
      rgb[2] = static_cast<std::uint8_t>(c[2]);
    }
    else if (a == 0)
    {
      rgb[0] = rgb[1] = rgb[2] = 255;
    }
    else
    {
      for (int k = 0; k < 3; ++k)
      {
        rgb[k] = static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (c[k] * 255 + a / 2) / a));
      }
    }
  }
}

} // namespace ss
