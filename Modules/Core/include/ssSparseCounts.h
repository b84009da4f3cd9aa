#ifndef ssSparseCounts_h
#define ssSparseCounts_h

#include "SuperSpotCoreExport.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ss
{

/** \class SparseCounts
 * \brief Gene x spot count matrix, compressed sparse columns (one column per
 * spot), the layout of 10x's filtered_feature_bc_matrix.h5.
 *
 * Values are raw counts (integers stored as float: exact up to 2^24 per entry).
 * Row indices within a column are strictly increasing; no explicit zeros are kept
 * by the builders.
 */
class SuperSpotCore_EXPORT SparseCounts
{
public:
  SparseCounts() = default;

  /** Takes CSC arrays; throws std::invalid_argument if they are inconsistent. */
  SparseCounts(std::size_t numberOfGenes,
               std::size_t numberOfSpots,
               std::vector<std::int64_t> columnPointers,
               std::vector<std::int32_t> rowIndices,
               std::vector<float> values);

  /** Dense spot-major input (value of gene g in spot s at [s * numberOfGenes + g]). */
  static SparseCounts FromDense(std::size_t numberOfGenes, std::size_t numberOfSpots, const std::vector<float> & spotMajor);

  std::size_t GetNumberOfGenes() const { return m_NumberOfGenes; }
  std::size_t GetNumberOfSpots() const { return m_ColumnPointers.empty() ? 0 : m_ColumnPointers.size() - 1; }
  std::size_t GetNumberOfNonZeros() const { return m_Values.size(); }

  /** Appends one spot; entries (gene, value) in any order, zeros dropped, duplicates summed. */
  void AppendSpot(std::vector<std::pair<std::int32_t, float>> entries);
  /** Starts an empty matrix of `numberOfGenes` rows and no spots (for AppendSpot). */
  void Reset(std::size_t numberOfGenes);

  float Get(std::size_t gene, std::size_t spot) const;
  void ForEachInSpot(std::size_t spot, const std::function<void(std::int32_t gene, float value)> & f) const;

  /** Total counts per spot (library size) over all genes. */
  std::vector<double> SpotTotals() const;
  /** Total counts per gene over all spots. */
  std::vector<double> GeneTotals() const;
  /** Number of spots in which each gene is non-zero. */
  std::vector<std::size_t> GeneDetections() const;

  /** Columns `spots` in that order. */
  SparseCounts SelectSpots(const std::vector<std::size_t> & spots) const;
  /** Rows `genes` in that order (gene i of the result = genes[i] of this). */
  SparseCounts SelectGenes(const std::vector<std::size_t> & genes) const;
  /** Dense spot-major values of `genes` (all genes if empty): [spot * n + i]. */
  std::vector<float> DenseSpotMajor(const std::vector<std::size_t> & genes = {}) const;

  /** Describes the first value that is not finite, negative, or (if requireIntegers) not
   * an integer, as "gene G, spot S: value V"; empty if all are fine. */
  std::string FindInvalidValue(bool requireIntegers, const std::vector<std::string> * geneNames = nullptr,
                               const std::vector<std::string> * spotIds = nullptr) const;

  const std::vector<std::int64_t> & GetColumnPointers() const { return m_ColumnPointers; }
  const std::vector<std::int32_t> & GetRowIndices() const { return m_RowIndices; }
  const std::vector<float> & GetValues() const { return m_Values; }

private:
  std::size_t m_NumberOfGenes = 0;
  std::vector<std::int64_t> m_ColumnPointers{ 0 };
  std::vector<std::int32_t> m_RowIndices;
  std::vector<float> m_Values;
};

} // namespace ss

#endif
