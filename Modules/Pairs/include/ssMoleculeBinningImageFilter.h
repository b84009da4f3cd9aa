#ifndef ssMoleculeBinningImageFilter_h
#define ssMoleculeBinningImageFilter_h

#include "SuperSpotPairsExport.h"
#include "ssGridGeometry.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include "itkImageSource.h"

#include <cstdint>
#include <vector>

namespace ss
{

/** \class MoleculeBinningImageFilter
 * \brief Counts molecules in square bins: the HR truth of molecule data (Xenium, MERSCOPE,
 * the phantom).
 *
 * Output 0: ExpressionImageType of raw counts (float, exact below 2²⁴ per bin), one component
 * per gene of SetGenes (all the table's genes, in its order, when none are set). A molecule at
 * µm position p falls in the bin whose footprint (pixel centre ± spacing / 2 along the grid's
 * axes) contains it: index = floor(continuous index + 0.5). Counts are conserved exactly: the
 * sum over bins is the number of molecules inside the grid (of the selected genes).
 *
 * Output 1 (GetMaskOutput()): tissue mask, 1 in bins holding at least one molecule of ANY
 * gene, then morphologically closed with a disc of MaskClosingRadius bins (default 1) so
 * that an empty bin surrounded by tissue — a true zero measurement, not background — stays in
 * the mask. The closing treats the space beyond the grid's edge as tissue (like ITK's
 * SafeBorder), so it never erodes tissue that touches the edge; it only ever adds bins.
 * MaskClosingRadius 0 keeps the raw occupancy.
 *
 * Grid: SetOutputGrid / SetOutputGridFromReferenceImage, else GridGeometry::Covering the
 * molecules with spacing BinSizeUm (default 10 µm), on the global lattice (anchor 0).
 *
 * Streaming: molecules are sorted once into rows of bins (then by column) when the table or
 * the grid changes; each requested region then reads only its own molecules (plus the
 * closing radius' halo for the mask). Threads over output regions.
 *
 * The molecule table is not copied: it must stay alive and unchanged while the filter is
 * used; call Modified() if it changes.
 */
class SuperSpotPairs_EXPORT MoleculeBinningImageFilter : public itk::ImageSource<ExpressionImageType>
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(MoleculeBinningImageFilter);

  using Self = MoleculeBinningImageFilter;
  using Superclass = itk::ImageSource<ExpressionImageType>;
  using Pointer = itk::SmartPointer<Self>;
  using ConstPointer = itk::SmartPointer<const Self>;
  using OutputImageType = ExpressionImageType;
  using OutputImageRegionType = RegionType;

  itkNewMacro(Self);
  itkTypeMacro(MoleculeBinningImageFilter, ImageSource);

  void SetMolecules(const MoleculeTable * molecules);
  const MoleculeTable * GetMolecules() const { return m_Molecules; }

  /** Genes to count, as indices into the table's genes; empty = all. */
  void SetGenes(const std::vector<std::size_t> & genes);
  const std::vector<std::size_t> & GetGenes() const { return m_Genes; }

  itkSetMacro(BinSizeUm, double);
  itkGetConstMacro(BinSizeUm, double);
  itkSetMacro(MaskClosingRadius, unsigned int);
  itkGetConstMacro(MaskClosingRadius, unsigned int);

  void SetOutputGrid(const GridGeometry & grid);
  void SetOutputGridFromReferenceImage(const itk::ImageBase<2> * reference);
  /** Forgets SetOutputGrid: back to the grid covering the molecules. */
  void UseCoveringGrid();
  /** The grid of the outputs (valid after UpdateOutputInformation()). */
  const GridGeometry & GetOutputGrid() const { return m_OutputGrid; }

  MaskImageType * GetMaskOutput();
  const MaskImageType * GetMaskOutput() const;

  using Superclass::MakeOutput;
  itk::ProcessObject::DataObjectPointer MakeOutput(itk::ProcessObject::DataObjectPointerArraySizeType idx) override;

protected:
  MoleculeBinningImageFilter();
  ~MoleculeBinningImageFilter() override = default;

  void GenerateOutputInformation() override;
  void BeforeThreadedGenerateData() override;
  void DynamicThreadedGenerateData(const OutputImageRegionType & outputRegionForThread) override;
  void PrintSelf(std::ostream & os, itk::Indent indent) const override;

private:
  /** Sorts the molecules inside the grid into rows (CSR), each row by column. */
  void BuildRowIndex();
  /** Calls f(column, slot) for the molecules of grid row `row` with column in [c0, c1]. */
  template <typename F>
  void ForEachMoleculeInRow(itk::IndexValueType row, itk::IndexValueType c0, itk::IndexValueType c1, F && f) const;

  const MoleculeTable * m_Molecules = nullptr;
  std::vector<std::size_t> m_Genes;
  double m_BinSizeUm = 10.0;
  unsigned int m_MaskClosingRadius = 1;
  GridGeometry m_OutputGrid;
  bool m_UseOutputGrid = false;

  // Row index, rebuilt when the molecules, genes or grid change.
  struct Entry
  {
    std::int32_t column; ///< grid column relative to the grid's start
    std::int32_t slot;   ///< output component, -1 = a gene not counted (still tissue)
  };
  std::vector<std::size_t> m_RowStart; // size rows + 1
  std::vector<Entry> m_Entries;        // molecules inside the grid, by row, then column
  itk::TimeStamp m_RowIndexTime;
  std::size_t m_MoleculesInGrid = 0;
};

} // namespace ss

#endif
