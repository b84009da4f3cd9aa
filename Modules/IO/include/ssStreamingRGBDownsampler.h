#ifndef ssStreamingRGBDownsampler_h
#define ssStreamingRGBDownsampler_h

#include "SuperSpotIOExport.h"
#include "ssGridGeometry.h"
#include "ssTypes.h"

#include <cstdint>
#include <vector>

namespace ss
{

/** \class StreamingRGBDownsampler
 * \brief DownsampleRGB for a full-resolution image too large to hold: the image arrives as
 * bands of whole rows, top to bottom (as a pyramidal-TIFF writer renders it), and the result
 * is the same image, pixel for pixel and in geometry, as DownsampleRGB(wholeImage, scale).
 *
 * Memory: the block-averaged image (size / floor(1 / scale) per side, 3 bytes per pixel) and
 * one row of block sums; for a 13000² px slide and a 2000 px hires image, 14 MB instead of the
 * slide's 507 MB. Several downsamplers can share one rendering through Tee().
 *
 *   ss::StreamingRGBDownsampler hires(grid, ss::ScaleToFit(grid.size, 2000));
 *   ss::WritePyramidalTIFF(path, w, h, mpp, ss::StreamingRGBDownsampler::Tee(render, { &hires }));
 *   auto image = hires.GetOutput();
 */
class SuperSpotIO_EXPORT StreamingRGBDownsampler
{
public:
  /** `fullRes`: the full-resolution image's geometry (spacing in µm, origin, direction, size;
   * start index 0, as renderers count pixels from 0). `scale` in (0, 1]: output px = input px
   * × scale. Throws std::invalid_argument otherwise. */
  StreamingRGBDownsampler(const GridGeometry & fullRes, double scale);
  StreamingRGBDownsampler(const StreamingRGBDownsampler &) = delete;
  StreamingRGBDownsampler & operator=(const StreamingRGBDownsampler &) = delete;

  /** Rows [y0, y0 + rows) of the full width, row-major RGB bytes (width × rows × 3). y0 must
   * be the number of rows added so far (std::invalid_argument otherwise). */
  void AddRows(std::int64_t y0, std::uint32_t rows, const std::uint8_t * rgb);
  /** Rows added so far. */
  std::int64_t GetNumberOfRowsAdded() const { return m_RowsAdded; }
  double GetScale() const { return m_Scale; }

  /** The downsampled image once every row has been added (std::logic_error before). */
  RGBImageType::Pointer GetOutput() const;

  /** A renderer that calls `render` and passes what it drew to each of `downsamplers`
   * (which must outlive it). It takes whole rows only (x0 = 0, the full width), in order,
   * which is how WritePyramidalTIFF calls its renderer; anything else is std::invalid_argument. */
  static RGBRegionRenderer Tee(RGBRegionRenderer render, std::vector<StreamingRGBDownsampler *> downsamplers);

private:
  GridGeometry m_FullRes;
  double m_Scale;
  unsigned int m_Factor;             // BinShrink's block size: floor(1 / scale)
  RGBImageType::Pointer m_Shrunk;    // block averages, geometry as BinShrinkImageFilter's output
  std::vector<std::uint64_t> m_Sums; // RGB sums of the block row being filled
  std::int64_t m_RowsAdded = 0;
};

} // namespace ss

#endif
