#ifndef ssGridGeometry_h
#define ssGridGeometry_h

#include "SuperSpotCoreExport.h"
#include "ssTypes.h"

#include "itkContinuousIndex.h"
#include "itkImageBase.h"

namespace ss
{

/** \struct GridGeometry
 * \brief A regular grid in physical space (µm): what an ITK image's
 * information says, without pixels. Used to choose the LR/HR grids that
 * filters produce (like ResampleImageFilter's output parameters).
 */
struct SuperSpotCore_EXPORT GridGeometry
{
  PointType origin;           ///< µm, centre of pixel `start`
  itk::Vector<double, 2> spacing; ///< µm per pixel
  DirectionType direction;    ///< unit columns; identity by default
  IndexType start;            ///< first index (0,0 unless a sub-grid)
  SizeType size;

  GridGeometry();

  /** Smallest grid of `spacingUm` pixels, identity direction, covering `box`, whose
   * pixel centres lie on the global lattice anchor + k * spacing (so grids made for
   * overlapping boxes line up pixel for pixel). */
  static GridGeometry Covering(const BoundingBox & box, double spacingUm, double anchorX = 0, double anchorY = 0);
  static GridGeometry FromImage(const itk::ImageBase<2> * image);

  RegionType GetRegion() const;
  std::size_t GetNumberOfPixels() const { return size[0] * size[1]; }
  /** Gives `image` this grid's spacing, origin, direction and regions (does not allocate). */
  void ApplyTo(itk::ImageBase<2> * image) const;
  /** Gives `image` this grid's spacing, origin, direction and largest possible region only:
   * what a filter's GenerateOutputInformation sets (ApplyTo would also reset the requested
   * region, which the pipeline has set by then). */
  void ApplyInformationTo(itk::ImageBase<2> * image) const;
  PointType IndexToPhysical(double i, double j) const;
  itk::ContinuousIndex<double, 2> PhysicalToIndex(const PointType & p) const;
  /** Same physical extent, pixels `factor` times smaller (factor > 1 refines). */
  GridGeometry Refined(double factor) const;
  /** Physical bounding box of the pixel footprints. */
  BoundingBox Bounds() const;
  bool SameAs(const GridGeometry & other, double tolerance = 1e-6) const;
};

} // namespace ss

#endif
