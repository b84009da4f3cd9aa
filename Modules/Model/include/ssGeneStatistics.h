#ifndef ssGeneStatistics_h
#define ssGeneStatistics_h

#include "SuperSpotModelExport.h"

#include <cstdint>
#include <vector>

namespace ss
{

/** \class GeneStatistics
 * \brief Per-gene statistics of training HR maps, accumulated patch by patch:
 * the residual scales s_g of model space and the gene–gene Pearson correlation
 * the co-expression graph is built from.
 *
 * Values are log1p-normalized. Sums are kept in double so millions of pixels
 * accumulate without loss.
 */
class SuperSpotModel_EXPORT GeneStatistics
{
public:
  explicit GeneStatistics(std::int64_t genes);

  /** hr, base: (G, N) row-major, the values of N pixels of one patch; mask: (N),
   * non-zero where the HR value is valid. Only valid pixels count. */
  void Add(const float * hr, const float * base, const float * mask, std::int64_t pixels);

  std::int64_t GetNumberOfGenes() const { return m_Genes; }
  /** Valid pixels seen. */
  std::int64_t GetCount() const { return m_Count; }

  /** s_g: standard deviation of hr − base per gene, at least `floor` (a gene whose
   * residual never varies gets the floor, so x = residual / s stays finite). */
  std::vector<float> ResidualScales(float floor = 1e-2f) const;

  /** G×G Pearson correlation of the HR values (row-major); 0 off the diagonal for
   * genes without variance. */
  std::vector<double> Correlation() const;

private:
  std::int64_t m_Genes;
  std::int64_t m_Count = 0;
  std::vector<double> m_SumResidual, m_SumResidualSq, m_Sum, m_Cross;
};

/** The co-expression graph's normalized adjacency D^-½(A+I)D^-½ (G×G row-major).
 * A keeps, for each gene, its `topK` most correlated partners with correlation ≥
 * `minCorrelation` (> 0: only positive edges), made symmetric (an edge kept by
 * either gene), weighted by the correlation. */
SuperSpotModel_EXPORT std::vector<float> CoexpressionAdjacency(const std::vector<double> & correlation,
                                                               std::int64_t genes,
                                                               std::int64_t topK,
                                                               double minCorrelation);

/** Convenience: the adjacency straight from HR maps. hr: (G, N) row-major,
 * mask: (N) non-zero where valid. */
SuperSpotModel_EXPORT std::vector<float> ComputeCoexpressionGraph(const float * hr,
                                                                  const float * mask,
                                                                  std::int64_t genes,
                                                                  std::int64_t pixels,
                                                                  std::int64_t topK,
                                                                  double minCorrelation);

} // namespace ss

#endif
