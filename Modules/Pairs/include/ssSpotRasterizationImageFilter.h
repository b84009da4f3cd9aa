#ifndef ssSpotRasterizationImageFilter_h
#define ssSpotRasterizationImageFilter_h

#include "SuperSpotPairsExport.h"
#include "ssExpressionNormalization.h"
#include "ssGridGeometry.h"
#include "ssPointBuckets.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include "itkImageSource.h"

#include <memory>
#include <ostream>
#include <vector>

namespace ss
{

/** \class SpotRasterizationImageFilter
 * \brief Paints spot values onto a grid: the LR map on the HR grid ("nearest" baseline).
 *
 * Output 0: ExpressionImageType, one component per value of a spot (genes, on whatever
 * scale the values are: normally log1p-normalized). Output 1 (GetMaskOutput()): 1 where a
 * spot covers the pixel, else 0 (and the values there are 0).
 *
 * The output grid is set like ResampleImageFilter's output parameters: from a GridGeometry
 * or from a reference image. A pixel belongs to a spot according to Mode, judged at the
 * pixel centre in µm (through the grid's direction matrix):
 *  - Nearest: the nearest spot centre within Radius (default 0.5 × pitch): Voronoi cells
 *    cut to discs — Architecture.md's LR map on the HR grid.
 *  - Disc: the nearest spot whose disc (diameter SpotDiameterUm) contains the centre.
 *  - Cell: the spot whose square cell, of side PitchUm and axes along the output grid's
 *    axes, contains the centre (half-open: [-pitch/2, pitch/2) along each axis), so a
 *    square lattice tiles the plane; for grids aligned to a square array. If noisy
 *    positions make cells overlap, the nearest centre among them wins.
 * Ties go to the lower spot index.
 *
 * Spots come from SetSpots (a SpotDataset, gene indices and a normalization: values are
 * computed by NormalizeSpots, pitch and diameter taken from the dataset) or SetSpotValues
 * (centres and already-normalized values). They are copied: spot tables are small.
 *
 * Threads over output regions and honours requested regions, so it streams; a bucket grid
 * over the spot centres (PointBuckets) makes each pixel O(1).
 */
class SuperSpotPairs_EXPORT SpotRasterizationImageFilter : public itk::ImageSource<ExpressionImageType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(SpotRasterizationImageFilter);

  using Self = SpotRasterizationImageFilter;
  using Superclass = itk::ImageSource<ExpressionImageType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  using OutputImageType = ExpressionImageType;
  using OutputImageRegionType = RegionType;

  itkNewMacro(Self);
  itkTypeMacro(SpotRasterizationImageFilter, ImageSource);

  enum class ModeType
  {
    Nearest,
    Disc,
    Cell
  };
  /** Declared here too so that itkSetMacro's debug message finds it (clang looks it up here). */
  friend SuperSpotPairs_EXPORT std::ostream & operator<<(std::ostream & os, ModeType mode);

  /** Normalizes genes `genes` of `spots` (all spots; select in-tissue spots first if that is
   * what you want) and takes PitchUm and SpotDiameterUm from the dataset. */
  void SetSpots(const SpotDataset & spots,
                const std::vector<std::size_t> & genes,
                const ExpressionNormalization & normalization,
                const std::vector<double> * librarySizes = nullptr);
  /** Spot centres (µm) and their values, spot-major: numberOfComponents per spot. */
  void SetSpotValues(const std::vector<PointType> & centresUm,
                     const std::vector<float> & values,
                     unsigned int numberOfComponents);

  const std::vector<PointType> & GetSpotCentres() const { return m_Centres; }
  const std::vector<float> & GetSpotValues() const { return m_Values; }
  unsigned int GetNumberOfComponents() const { return m_NumberOfComponents; }

  void SetOutputGrid(const GridGeometry & grid);
  /** The output grid becomes `reference`'s largest possible region and geometry. */
  void SetOutputGridFromReferenceImage(const itk::ImageBase<2> * reference);
  const GridGeometry & GetOutputGrid() const { return m_OutputGrid; }

  itkSetMacro(Mode, ModeType);
  itkGetConstMacro(Mode, ModeType);
  /** Centre-to-centre distance of neighbouring spots, µm (Nearest's default radius, Cell's side). */
  itkSetMacro(PitchUm, double);
  itkGetConstMacro(PitchUm, double);
  /** Nearest mode's search radius in µm; 0 means 0.5 × PitchUm. */
  itkSetMacro(RadiusUm, double);
  itkGetConstMacro(RadiusUm, double);
  /** Disc mode's spot diameter in µm. */
  itkSetMacro(SpotDiameterUm, double);
  itkGetConstMacro(SpotDiameterUm, double);

  /** The radius Nearest / Disc actually use (throws if it cannot be determined). */
  double GetEffectiveRadiusUm() const;

  MaskImageType * GetMaskOutput();
  const MaskImageType * GetMaskOutput() const;

  using Superclass::MakeOutput;
  itk::ProcessObject::DataObjectPointer MakeOutput(itk::ProcessObject::DataObjectPointerArraySizeType idx) override;

protected:
  SpotRasterizationImageFilter();
  ~SpotRasterizationImageFilter() override = default;

  void GenerateOutputInformation() override;
  void BeforeThreadedGenerateData() override;
  void DynamicThreadedGenerateData(const OutputImageRegionType & outputRegionForThread) override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  /** Spot of the pixel centre `p` (µm), or -1. */
  long FindSpot(const PointType & p) const;

  std::vector<PointType> m_Centres;
  std::vector<float> m_Values;
  unsigned int m_NumberOfComponents = 0;
  GridGeometry m_OutputGrid;
  bool m_HasOutputGrid = false;
  ModeType m_Mode = ModeType::Nearest;
  double m_PitchUm = 0;
  double m_RadiusUm = 0;
  double m_SpotDiameterUm = 0;

  // Built before threading, read-only while threads run.
  std::unique_ptr<PointBuckets> m_Buckets;
  itk::TimeStamp m_BucketsTime;
  double m_SearchRadius = 0;
  VectorType m_Axis[2]; // unit vectors of the output grid's axes, µm (Cell mode)
};

SuperSpotPairs_EXPORT std::ostream & operator<<(std::ostream & os, SpotRasterizationImageFilter::ModeType mode);

} // namespace ss

#endif
