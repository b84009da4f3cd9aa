#ifndef ssImageIO_h
#define ssImageIO_h

#include "SuperSpotIOExport.h"
#include "ssTypes.h"

#include <functional>
#include <string>
#include <vector>

namespace ss
{

/** Registers the ImageIO factories SuperSpot reads and writes with: ITK's PNG, JPEG,
 * TIFF, NRRD and MetaImage, then every registrar added with AddImageIOFactoryRegistrar.
 *
 * SuperSpot does not use ITK_USE_FILE's automatic factory registration (it only works in
 * executables that include ITK's generated registration header), so every entry point
 * that reads or writes images calls this; the readers and writers of this module call it
 * themselves. Safe to call any number of times, from any thread: each factory is
 * registered once (also when ITK's own mechanism already registered it). */
SuperSpotIO_EXPORT void RegisterImageIOFactories();

/** Adds an ImageIO factory registration to what RegisterImageIOFactories does, for
 * modules that build on this one, e.g. whole-slide images:
 *
 *   ss::AddImageIOFactoryRegistrar("OpenSlide", [] { ss::OpenSlideImageIOFactory::RegisterOneFactory(); });
 *
 * `registrar` runs once: at the next RegisterImageIOFactories, or at once if that has
 * already run. Registrars run after ITK's built-in factories, so ITK picks them only for
 * files the built-ins cannot read, unless the registrar inserts its factory at the front
 * (itk::ObjectFactoryBase::RegisterFactory(f, InsertionPositionEnum::INSERT_AT_FRONT)).
 * Adding the same name twice keeps the first. */
SuperSpotIO_EXPORT void AddImageIOFactoryRegistrar(const std::string & name, std::function<void()> registrar);

/** Names of the registrars added so far, in order. */
SuperSpotIO_EXPORT std::vector<std::string> GetImageIOFactoryRegistrarNames();

/** Writes `image` with ITK's ImageFileWriter through a temporary in the same folder that
 * is renamed over `path` (ss::WriteAtomically), so readers never see a half-written file.
 * The format follows the extension (.png, .jpg, .tif, .nrrd, .nhdr, .mha, .mhd).
 * Instantiated for RGBImageType, MaskImageType, FloatImageType and ExpressionImageType. */
template<typename TImage>
void WriteImageAtomically(const TImage * image, const std::string & path, bool compress = true);

/** Area-averaged downsampling of an RGB image by `scale` in (0, 1]: ITK's BinShrinkImageFilter
 * averages floor(1/scale)^2 pixel blocks, then a linear resampling brings the result to
 * round(size * scale) pixels. Geometry follows CoordinateFrame::Downsampled: pixel q of the
 * result sits where pixel q / scale of the input is (same origin and direction, spacing / scale),
 * which is Space Ranger's convention (hires px = full-res px * tissue_hires_scalef). */
SuperSpotIO_EXPORT RGBImageType::Pointer DownsampleRGB(const RGBImageType * image, double scale);

/** The scale in (0, 1] that brings the longest side of `size` to at most `maxSize` pixels. */
SuperSpotIO_EXPORT double ScaleToFit(const SizeType & size, unsigned int maxSize);

} // namespace ss

#endif
