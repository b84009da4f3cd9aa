#ifndef ssPyramidalTIFFWriter_h
#define ssPyramidalTIFFWriter_h

#include "SuperSpotIOOpenSlideExport.h"
#include "ssTypes.h"

#include <cstdint>
#include <string>

namespace ss
{

/** How WritePyramidalTIFF() encodes the slide. */
struct PyramidalTIFFOptions
{
  enum class Compression
  {
    JPEG,   ///< lossy, YCbCr 4:2:0, what scanners write; `jpegQuality` applies
    Deflate ///< lossless (zlib, horizontal predictor)
  };
  Compression compression = Compression::JPEG;
  /** 1–100, JPEG only. */
  int jpegQuality = 90;
  /** Tile width and height in pixels: a multiple of 16, at least 16. A level
   * smaller than that in width or height gets the largest multiple of 16 that fits
   * (OpenSlide 3.4.1 with libtiff >= 4.5 misreads non-JPEG levels smaller than their
   * tiles). */
  std::uint32_t tileSize = 256;
  /** Also write an Aperio-style ImageDescription ("Aperio …|MPP = m"). OpenSlide
   * 3.4.1's generic-tiff driver ignores TIFF resolution tags, so without it OpenSlide
   * itself reports no openslide.mpp-x/mpp-y (ss::OpenSlideImageIO still reads the
   * resolution tags); with it OpenSlide reads the file as vendor "aperio" and does. */
  bool aperioDescription = true;
  /** BigTIFF (64-bit offsets). Chosen automatically when the uncompressed pyramid
   * exceeds 3.5 GiB; set to force it. */
  bool forceBigTIFF = false;
};

/** Writes a tiled, pyramidal RGB TIFF of widthPx × heightPx pixels of
 * `micronsPerPixel` µm (square pixels) that OpenSlide, QuPath and ITK's
 * OpenSlideImageIO read.
 *
 * Level 0 is rendered tile row by tile row: `render(0, y, widthPx, rows, rgb)` with
 * rows = T, level 0's tile size (tileSize unless the slide is thinner; fewer rows for
 * the last call), y = 0, T, 2·T … in order. Every lower level halves the one above
 * (ceil) by 2×2 area averaging (partial blocks at odd edges average the pixels they
 * have) until one fits in a tileSize tile (or would be thinner than 16 px).
 * Each level's directory carries XResolution/YResolution in pixels per centimetre
 * (10⁴ / (micronsPerPixel · 2^k)) and, unless disabled, level 0 an Aperio-style
 * ImageDescription with MPP, so openslide.mpp-x/mpp-y round-trip.
 *
 * Memory is bounded by about two tile rows of level 0 (2 · tileSize · widthPx · 3
 * bytes, e.g. 60 MB for a 40,000 px wide slide), whatever the height: lower levels
 * are streamed into losslessly compressed temporary TIFFs next to `path` as they are
 * produced and copied into the output after level 0. The file appears atomically
 * (ss::WriteAtomically): a failure, including an exception from `render`, leaves
 * `path` as it was and no temporaries.
 *
 * Errors (bad sizes or options, libtiff failures) are ss::InputError naming `path`.
 */
SuperSpotIOOpenSlide_EXPORT void WritePyramidalTIFF(const std::string & path,
                                                    std::uint32_t widthPx,
                                                    std::uint32_t heightPx,
                                                    double micronsPerPixel,
                                                    const RGBRegionRenderer & render,
                                                    const PyramidalTIFFOptions & options = {});

/** The same for an image in memory: its buffered region is level 0 and its spacing
 * the µm per pixel, which must be square (x and y equal to 1e-6 relative). The
 * direction must be the identity. The TIFF cannot store an origin: a non-zero one is
 * logged as a warning (the slide reads back with level-0 pixel (0,0) at 0 µm). */
SuperSpotIOOpenSlide_EXPORT void WritePyramidalTIFF(const std::string & path,
                                                    const RGBImageType * image,
                                                    const PyramidalTIFFOptions & options = {});

} // namespace ss

#endif
