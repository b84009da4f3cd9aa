#ifndef ssOpenSlideImageIO_h
#define ssOpenSlideImageIO_h

#include "SuperSpotIOOpenSlideExport.h"
#include "ssTypes.h"

#include "itkImageIOBase.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ss
{

/** \class OpenSlideImageIO
 * \brief Reads one pyramid level of a whole-slide image through OpenSlide
 * (.svs, .ndpi, .mrxs, .vms, .scn, .bif, tiled/pyramidal .tif …) as a 2D RGB image
 * in µm, streaming: Read() fetches only the IO region, at the chosen level.
 *
 * Geometry of level k, with downsample d = GetLevelDownsample(k) (OpenSlide's) and
 * m = µm per level-0 pixel:
 *  - spacing = m · d (µm per level-k pixel), direction = identity;
 *  - level-0 pixel centres sit at i · m (pixel (0,0) at the origin 0 µm);
 *  - level-k pixel i covers level-0 pixels [i·d, (i+1)·d), so its centre sits at
 *    ((i + 0.5) · d − 0.5) · m, and origin = (0.5 · d − 0.5) · m.
 * A physical point therefore addresses the same tissue at every level.
 *
 * µm per pixel comes from the slide: openslide.mpp-x / openslide.mpp-y, or, for a
 * generic tiled TIFF (whose OpenSlide 3.4.1 driver reports no mpp), its TIFF
 * resolution tags when their unit is the centimetre. Nothing else is trusted: a
 * slide without them is an ss::InputError naming the file, the property and the fix,
 * unless SetMicronsPerPixel() gave the value. The downsample factor is never used
 * as a spacing.
 *
 * Pixels: OpenSlide's premultiplied ARGB is un-premultiplied to RGB; fully
 * transparent pixels (outside the scanned area) become white, the background of a
 * bright-field slide.
 *
 * The slide's properties are in the MetaDataDictionary as std::string entries under
 * their OpenSlide names ("openslide.vendor", "aperio.AppMag", "tiff.XResolution" …).
 * Writing is not supported: see WritePyramidalTIFF().
 *
 * CanReadFile() is openslide_detect_vendor(): it does not claim plain (non-tiled)
 * TIFF, JPEG or PNG files, which ITK's own ImageIOs read.
 *
 * OpenSlide 3.4.1 with libtiff >= 4.5 (Debian 12) returns wrong pixels for a TIFF
 * level smaller than its tiles unless the tiles are JPEG or JPEG 2000 (libtiff's
 * TIFFRGBAImage, which OpenSlide uses for other compressions, shifts such tiles):
 * ReadImageInformation() refuses that level with an ss::InputError.
 *
 * libtiff (which OpenSlide decodes TIFF-based slides with) prints warnings on stderr,
 * e.g. libtiff 4.5's "Raster width … adapted for reading" for every level narrower
 * than a tile; Slicer takes any stderr output as a failure. The first OpenSlideImageIO
 * therefore routes libtiff's process-wide warnings to ss::LogDebug (errors still
 * reach OpenSlide, which reports them through openslide_get_error).
 */
class SuperSpotIOOpenSlide_EXPORT OpenSlideImageIO : public itk::ImageIOBase
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(OpenSlideImageIO);

  using Self = OpenSlideImageIO;
  using Superclass = itk::ImageIOBase;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  using MicronsPerPixelType = itk::Vector<double, 2>;

  itkNewMacro(Self);
  itkTypeMacro(OpenSlideImageIO, ImageIOBase);

  /** Pyramid level to read: 0 is the full resolution. Checked against the slide in
   * ReadImageInformation(). */
  itkSetMacro(Level, int);
  itkGetConstMacro(Level, int);

  /** µm per level-0 pixel (x, y), overriding the slide's own calibration; (0, 0), the
   * default, means "take it from the slide". Negative or non-finite values throw. */
  void SetMicronsPerPixel(const MicronsPerPixelType & micronsPerPixel);
  void SetMicronsPerPixel(double micronsPerPixel);
  itkGetConstReferenceMacro(MicronsPerPixelOverride, MicronsPerPixelType);

  /** µm per level-0 pixel actually used (set by ReadImageInformation()). */
  itkGetConstReferenceMacro(MicronsPerPixel, MicronsPerPixelType);

  /** Where GetMicronsPerPixel() came from: "user", "openslide.mpp", "tiff-resolution";
   * empty before ReadImageInformation(). */
  itkGetStringMacro(MicronsPerPixelSource);

  /** The slide's pyramid, as OpenSlide reports it. These open the file named by
   * SetFileName() if ReadImageInformation() has not (errors are ss::InputError). */
  int GetLevelCount();
  /** Width and height of `level` in its own pixels. */
  ss::SizeType GetLevelDimensions(int level);
  /** Level-0 pixels per level-`level` pixel (1 for level 0; not always a power of two). */
  double GetLevelDownsample(int level);
  /** OpenSlide's vendor string ("aperio", "generic-tiff", …). */
  std::string GetVendor();

  bool CanReadFile(const char * fileName) override;
  void ReadImageInformation() override;
  /** Reads the IO region of the current level (its index and size in level pixels)
   * into `buffer` as RGB bytes, row-major. */
  void Read(void * buffer) override;

  bool CanStreamRead() override { return true; }
  /** The requested region itself (ImageIOBase's default is the whole level), unless
   * the reader turned streaming off. */
  itk::ImageIORegion GenerateStreamableReadRegionFromRequestedRegion(
    const itk::ImageIORegion & requested) const override;
  bool SupportsDimension(unsigned long dimension) override { return dimension == 2; }

  /** Writing is not supported: CanWriteFile() is false, the writers throw. */
  bool CanWriteFile(const char * fileName) override;
  void WriteImageInformation() override;
  void Write(const void * buffer) override;

protected:
  OpenSlideImageIO();
  ~OpenSlideImageIO() override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  struct Slide;
  /** The open slide of m_FileName (opened on first use, reopened when the name changes). */
  Slide & GetSlide();
  void CheckLevel(Slide & slide, int level) const;
  /** Throws when OpenSlide would return wrong pixels for the level (see the .cxx). */
  void CheckLevelDecodes(Slide & slide, int level) const;
  /** openslide_read_region at the current level: (x, y) in level-0 pixels. */
  void ReadARGB(Slide & slide,
                std::int64_t x,
                std::int64_t y,
                std::uint32_t width,
                std::uint32_t height,
                std::uint32_t * argb);

  int m_Level = 0;
  MicronsPerPixelType m_MicronsPerPixelOverride{ 0.0 };
  MicronsPerPixelType m_MicronsPerPixel{ 0.0 };
  std::string m_MicronsPerPixelSource;
  std::unique_ptr<Slide> m_Slide;
};

/** Converts OpenSlide's premultiplied ARGB (native-endian uint32, alpha in the high
 * byte) to RGB bytes: colour = premultiplied · 255 / alpha (rounded, clamped);
 * alpha 0 → white (255, 255, 255). `rgb` holds 3·count bytes. */
SuperSpotIOOpenSlide_EXPORT void PremultipliedARGBToRGB(const std::uint32_t * argb,
                                                        std::size_t count,
                                                        std::uint8_t * rgb);

} // namespace ss

#endif
