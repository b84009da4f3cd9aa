#ifndef ssHistologySource_h
#define ssHistologySource_h

#include "SuperSpotIOExport.h"
#include "ssCoordinateFrame.h"
#include "ssTypes.h"

#include <memory>
#include <optional>
#include <string>

namespace ss
{

/** Where the H&E's µm geometry comes from, in order of precedence. */
struct SuperSpotIO_EXPORT HistologyOptions
{
  /** Full geometry (full-res px -> µm), e.g. a Space Ranger frame or a Xenium alignment.
   * For a downsampled level pass the frame's Downsampled(scale). */
  std::optional<CoordinateFrame> frame;
  /** Square pixels of this many µm, origin 0, no rotation (--micronsPerPixel). 0: unset. */
  double micronsPerPixel = 0;
};

/** \class HistologySource
 * \brief Opens an H&E for pipelines as an RGBImageType whose geometry is in µm.
 *
 * A small ITK pipeline: itk::ImageFileReader -> pixel conversion ->
 * itk::ChangeInformationImageFilter (spacing, origin and direction of the frame).
 * Requested regions stream through it, so an ImageIO that can read part of a file
 * (MetaImage, NRRD, OpenSlide) reads only the region asked for.
 *
 * Pixel conversions are explicit and logged with LogWarning:
 *   8-bit RGB: none; RGBA: alpha dropped; grey (+ alpha): copied to R, G and B;
 *   16-bit: rescaled to 8 bits by v * 255 / 65535 (rounded), never truncated.
 * Other pixel types (signed or floating-point components, 5+ components) are an InputError.
 *
 * Geometry: options.frame, else options.micronsPerPixel, else the file's own spacing, origin
 * and direction, read as µm, which only formats that store physical spacing may give (NRRD,
 * MetaImage, slide formats); a spacing of exactly 1 (what ITK reports when there is none),
 * or one below 0.01 (millimetres, Slicer's unit) is refused with the fix. PNG, JPEG, TIFF and
 * BMP need the frame or micronsPerPixel: their DPI fields are not a microscope calibration.
 */
class SuperSpotIO_EXPORT HistologySource
{
public:
  /** Reads the file's information (not its pixels); throws InputError for unreadable files,
   * unsupported pixel types or missing µm geometry. */
  explicit HistologySource(const std::string & path, const HistologyOptions & options = {});
  ~HistologySource();
  HistologySource(const HistologySource &) = delete;
  HistologySource & operator=(const HistologySource &) = delete;

  const std::string & GetPath() const;
  /** Full-resolution size in pixels (columns, rows). */
  SizeType GetSize() const;
  RegionType GetLargestPossibleRegion() const;
  /** px -> µm of this image's pixels. */
  const CoordinateFrame & GetFrame() const;
  /** px -> the file's own physical coordinates, as its ImageIO reads them and ITK or 3D Slicer
   * place the image (Slicer's millimetres for a volume Slicer wrote; spacing 1, origin 0 for
   * PNG/JPEG/TIFF): what outputs must be placed in to overlay the image where it is loaded. */
  const CoordinateFrame & GetFileFrame() const;
  /** The pixel conversion applied, e.g. "RGBA -> RGB (alpha dropped)"; "none" for 8-bit RGB. */
  const std::string & GetConversion() const;
  /** Name of the ImageIO reading the file (e.g. "PNGImageIO"). */
  std::string GetImageIOName() const;

  /** Output of the pipeline, for composing filters: geometry is set; set a requested region
   * and Update() to read pixels. Reading through Read/ReadRegion replaces it. */
  RGBImageType * GetOutput();

  /** The whole image. */
  RGBImageType::Pointer Read();
  /** Pixels of `region` (index space of the image), cropped to the image; the result keeps
   * the image's indices and geometry. Throws InputError if the region misses the image. */
  RGBImageType::Pointer ReadRegion(const RegionType & region);
  /** Index region of the pixels whose centres lie inside `box` (µm), cropped to the image. */
  RegionType RegionCovering(const BoundingBox & box) const;
  /** The region the ImageIO actually read in the last Read/ReadRegion (the whole image
   * for formats that cannot stream). */
  RegionType GetLastIORegion() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_Impl;
};

} // namespace ss

#endif
