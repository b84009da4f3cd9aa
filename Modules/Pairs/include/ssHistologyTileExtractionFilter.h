#ifndef ssHistologyTileExtractionFilter_h
#define ssHistologyTileExtractionFilter_h

#include "SuperSpotPairsExport.h"
#include "ssGridGeometry.h"
#include "ssTypes.h"

#include "itkImageToImageFilter.h"

namespace ss
{

/** \class HistologyTileExtractionFilter
 * \brief The H&E on the model's two histology grids, area-averaged from full resolution.
 *
 * Input: the full-resolution H&E (RGB, geometry in µm; any direction matrix), possibly a
 * streaming reader over a whole slide. Parameters: the HR grid (GridGeometry, µm),
 * CellPixelsPerBin q (default 4) and TissueBinsPerPixel t (default 4).
 *  - Output 0 (GetCellOutput): the HR grid refined by q (GridGeometry::Refined(q)): q × q
 *    cell-level pixels per HR pixel, same footprint.
 *  - Output 1 (GetTissueOutput): the HR grid coarsened by t (TissueGrid): tissue pixel
 *    (i, j) covers HR pixels [t·i, t·i + t) × [t·j, t·j + t); ceil(size / t) pixels per axis,
 *    so the last ones may reach past the HR grid.
 *
 * Each output pixel is the mean of the input pixels whose centres (mapped to µm through the
 * input's direction matrix and spacing) fall in its footprint (centre ± spacing / 2 along the
 * output's axes): an exact box filter, so there is no aliasing, and every input pixel counts
 * in exactly one output pixel. Means are rounded to the nearest integer. An output pixel that
 * holds no input pixel centre (output finer than the input) takes the input's bilinear
 * interpolation at its centre if that lies inside the input, and is white (255, 255, 255),
 * the slide background, if it lies outside. Pixels partly outside the input average the input
 * pixels they do hold (no white is blended in).
 *
 * Streaming: GenerateInputRequestedRegion asks only for the input pixels under the requested
 * output regions (bounding box + 1 pixel), cropped to the largest possible region (a 1-pixel
 * region at the nearest edge when the request lies wholly outside the input), so tiles are
 * cut lazily from a whole-slide reader. The two outputs are on different grids: a request on
 * one is mapped to the pixels of the other that cover the same µm footprint, so both always
 * describe the same area. Threads over output regions.
 */
class SuperSpotPairs_EXPORT HistologyTileExtractionFilter : public itk::ImageToImageFilter<RGBImageType, RGBImageType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(HistologyTileExtractionFilter);

  using Self = HistologyTileExtractionFilter;
  using Superclass = itk::ImageToImageFilter<RGBImageType, RGBImageType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;

  itkNewMacro(Self);
  itkTypeMacro(HistologyTileExtractionFilter, ImageToImageFilter);

  /** The HR grid (µm) both outputs derive from. */
  void SetHRGrid(const GridGeometry & grid);
  const GridGeometry & GetHRGrid() const { return m_HRGrid; }

  itkSetClampMacro(CellPixelsPerBin, unsigned int, 1, 1024);
  itkGetConstMacro(CellPixelsPerBin, unsigned int);
  itkSetClampMacro(TissueBinsPerPixel, unsigned int, 1, 1024);
  itkGetConstMacro(TissueBinsPerPixel, unsigned int);

  RGBImageType * GetCellOutput() { return this->GetOutput(0); }
  RGBImageType * GetTissueOutput() { return this->GetOutput(1); }

  /** The grid of output 0: `hr` refined by q. */
  static GridGeometry CellGrid(const GridGeometry & hr, unsigned int q);
  /** The grid of output 1: `hr` coarsened by t, same corner, ceil(size / t) pixels. */
  static GridGeometry TissueGrid(const GridGeometry & hr, unsigned int t);

protected:
  HistologyTileExtractionFilter();
  ~HistologyTileExtractionFilter() override = default;

  void GenerateOutputInformation() override;
  void GenerateOutputRequestedRegion(itk::DataObject * output) override;
  void GenerateInputRequestedRegion() override;
  void GenerateData() override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  /** Input pixels (unclamped index box, + 1 pixel) under `region` of `output`. */
  RegionType InputRegionFor(const RGBImageType * output, const RegionType & region) const;
  /** Box-averages `region` of `output` from the input's buffered pixels. */
  void AverageRegion(RGBImageType * output, const RegionType & region) const;

  GridGeometry m_HRGrid;
  bool m_HasHRGrid = false;
  unsigned int m_CellPixelsPerBin = 4;
  unsigned int m_TissueBinsPerPixel = 4;
};

} // namespace ss

#endif
