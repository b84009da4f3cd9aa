#ifndef ssTypes_h
#define ssTypes_h

#include "itkImage.h"
#include "itkPoint.h"
#include "itkRGBPixel.h"
#include "itkVectorImage.h"

#include <cstdint>
#include <functional>

/** \namespace ss
 * SuperSpot. Physical space is micrometres (µm) everywhere: image spacing is
 * µm per pixel, spot and molecule positions are µm in the H&E's frame.
 */
namespace ss
{
constexpr unsigned int Dimension = 2;

/** H&E as Slicer and ITK read it: RGB, spacing = µm per pixel. */
using RGBPixelType = itk::RGBPixel<unsigned char>;
using RGBImageType = itk::Image<RGBPixelType, Dimension>;

/** Expression maps: one component per gene (counts, or log1p-normalized values: see the producer). */
using ExpressionImageType = itk::VectorImage<float, Dimension>;

/** Validity / tissue masks: 0 = outside, non-zero = inside. */
using MaskImageType = itk::Image<unsigned char, Dimension>;

/** Scalar float maps (one gene, weights, distances). */
using FloatImageType = itk::Image<float, Dimension>;

using PointType = itk::Point<double, Dimension>;
using VectorType = itk::Vector<double, Dimension>;
using IndexType = itk::Index<Dimension>;
using SizeType = itk::Size<Dimension>;
using RegionType = itk::ImageRegion<Dimension>;
using DirectionType = itk::Matrix<double, Dimension, Dimension>;

/** Renders (or reads) an RGB rectangle of a full-resolution image on demand:
 * pixels [x0, x0+width) x [y0, y0+height), written row-major as RGB bytes into `rgb`
 * (width*height*3). Lets whole-slide images be written and read tile by tile
 * without ever holding the whole slide in memory. */
using RGBRegionRenderer = std::function<void(std::int64_t x0, std::int64_t y0, std::uint32_t width, std::uint32_t height, std::uint8_t * rgb)>;

/** Axis-aligned bounding box in µm. Empty until a point is added. */
struct BoundingBox
{
  double minX = 0, minY = 0, maxX = -1, maxY = -1;

  bool IsEmpty() const { return maxX < minX || maxY < minY; }
  void Add(double x, double y)
  {
    if (IsEmpty())
    {
      minX = maxX = x;
      minY = maxY = y;
      return;
    }
    minX = x < minX ? x : minX;
    maxX = x > maxX ? x : maxX;
    minY = y < minY ? y : minY;
    maxY = y > maxY ? y : maxY;
  }
  void Add(const PointType & p) { Add(p[0], p[1]); }
  double Width() const { return IsEmpty() ? 0 : maxX - minX; }
  double Height() const { return IsEmpty() ? 0 : maxY - minY; }
  bool Contains(double x, double y) const { return x >= minX && x <= maxX && y >= minY && y <= maxY; }
  BoundingBox Padded(double margin) const
  {
    BoundingBox b = *this;
    if (!IsEmpty())
    {
      b.minX -= margin;
      b.minY -= margin;
      b.maxX += margin;
      b.maxY += margin;
    }
    return b;
  }
};

} // namespace ss

#endif
