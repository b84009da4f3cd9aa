#ifndef ssCoordinateFrame_h
#define ssCoordinateFrame_h

#include "SuperSpotCoreExport.h"
#include "ssTypes.h"

#include "itkImageBase.h"
#include "itkMatrix.h"

#include <string>
#include <vector>

namespace ss
{

/** \class CoordinateFrame
 * \brief Owns every coordinate conversion in SuperSpot.
 *
 * Physical space is micrometres (µm). A full-resolution image pixel coordinate
 * p = (x, y) (x = column, y = row; pixel centres at integers, i.e. ITK
 * continuous indices) maps to µm by
 *
 *     u = Origin + PixelToMicrons * p,      PixelToMicrons = Direction * diag(spacing)
 *
 * which is exactly ITK's index-to-physical mapping, so an H&E image whose
 * geometry comes from ApplyTo() places every spot where it belongs.
 *
 * Space Ranger's downsampled images: hires px = full-res px * HiresScale
 * (tissue_hires_scalef), lowres likewise (tissue_lowres_scalef).
 *
 * The array grid (Visium array_col/array_row, legacy ST x/y) maps to full-res px
 * by an affine fitted to the spots (FitArrayGrid), so missing or flipped grids
 * show up as a large fit residual instead of silently wrong coordinates.
 */
class SuperSpotCore_EXPORT CoordinateFrame
{
public:
  using MatrixType = itk::Matrix<double, 2, 2>;

  CoordinateFrame();

  /** Square pixels of `micronsPerPixel`, origin (0,0), identity direction. */
  static CoordinateFrame FromMicronsPerPixel(double micronsPerPixel);

  /** Any affine full-res px -> µm (e.g. from a Xenium alignment matrix). Throws if singular. */
  static CoordinateFrame FromAffine(const MatrixType & pixelToMicrons, const PointType & origin);

  /** The frame of an ITK image: its spacing, origin and direction. */
  static CoordinateFrame FromImage(const itk::ImageBase<2> * image);

  // --- full-res px <-> µm
  PointType FullResPxToMicrons(const PointType & px) const;
  PointType MicronsToFullResPx(const PointType & um) const;

  /** Geometric mean µm per full-res pixel (sqrt |det|). */
  double GetMicronsPerPixel() const;
  const MatrixType & GetPixelToMicrons() const { return m_PixelToMicrons; }
  const PointType & GetOrigin() const { return m_Origin; }

  /** Spacing (µm/px, column norms) and direction (unit columns) as ITK wants them. */
  itk::Vector<double, 2> GetSpacing() const;
  DirectionType GetDirection() const;

  /** Gives `image` (a full-resolution image) this frame's spacing, origin and direction. */
  void ApplyTo(itk::ImageBase<2> * image) const;

  // --- Space Ranger downsampled images
  void SetHiresScale(double s) { m_HiresScale = s; }
  void SetLowresScale(double s) { m_LowresScale = s; }
  double GetHiresScale() const { return m_HiresScale; }
  double GetLowresScale() const { return m_LowresScale; }
  PointType FullResPxToHiresPx(const PointType & px) const;
  PointType HiresPxToFullResPx(const PointType & px) const;
  PointType FullResPxToLowresPx(const PointType & px) const;
  PointType LowresPxToFullResPx(const PointType & px) const;

  /** Frame of an image downsampled from full resolution by `scale` (image px = full-res px * scale),
   * e.g. a Space Ranger hires PNG: same physical extent, coarser pixels. */
  CoordinateFrame Downsampled(double scale) const;

  // --- array grid
  /** Least-squares affine array (col,row) -> full-res px from spots. Needs >= 3 non-collinear spots.
   * Returns the RMS residual in full-res pixels. */
  double FitArrayGrid(const std::vector<double> & arrayCol,
                      const std::vector<double> & arrayRow,
                      const std::vector<PointType> & fullResPx);
  bool HasArrayGrid() const { return m_HasArrayGrid; }
  PointType ArrayToFullResPx(double col, double row) const;
  PointType ArrayToMicrons(double col, double row) const;
  /** Continuous (col,row) of a physical point; round to get the nearest array position. */
  PointType MicronsToArray(const PointType & um) const;
  /** µm between neighbouring array columns along the array's column axis. */
  double GetArrayColumnStepMicrons() const;
  double GetArrayRowStepMicrons() const;

private:
  MatrixType m_PixelToMicrons;
  MatrixType m_MicronsToPixel;
  PointType m_Origin;
  double m_HiresScale = 0;
  double m_LowresScale = 0;
  bool m_HasArrayGrid = false;
  MatrixType m_ArrayToPx; // [col,row] -> px (linear part)
  PointType m_ArrayOffsetPx;
};

} // namespace ss

#endif
