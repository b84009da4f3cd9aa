#ifndef ssExpressionNormalization_h
#define ssExpressionNormalization_h

#include "SuperSpotPairsExport.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ss
{

/** How raw counts become the log1p-normalized values `v` that maps, metrics and
 * the model use (Architecture.md, "Expression scales"). */
enum class NormalizationMode
{
  /** v = log1p(count / library size × target), library size = the spot's (or bin's)
   * total counts over ALL genes, target 10⁴. Spot data (Visium, legacy ST; protocol 1). */
  Library,
  /** v = log1p(count × referenceArea / area), referenceArea 100 µm², i.e. molecules per
   * 100 µm² (one 10 µm bin), so a 55 µm spot and a 10 µm bin share one scale.
   * Molecule data (Xenium, MERSCOPE, the phantom; protocol 2). */
  Density
};
SuperSpotPairs_EXPORT std::string ToString(NormalizationMode mode);
/** "library" or "density"; throws std::invalid_argument otherwise. */
SuperSpotPairs_EXPORT NormalizationMode NormalizationModeFromString(const std::string & name);

/** \struct ExpressionNormalization
 * \brief One normalization, with its constants, invertible and saved as JSON
 * (`{"mode": "library", "target": 10000}` or `{"mode": "density", "reference_area_um2": 100}`).
 */
struct SuperSpotPairs_EXPORT ExpressionNormalization
{
  NormalizationMode mode = NormalizationMode::Library;
  double libraryTarget = 1e4;     ///< library mode: counts per this many counts of library
  double referenceAreaUm2 = 100.0; ///< density mode: µm² the density refers to

  static ExpressionNormalization Library(double target = 1e4);
  static ExpressionNormalization Density(double referenceAreaUm2 = 100.0);

  /** v (log1p scale) of `count` in a unit (spot or bin) with `librarySize` total counts
   * over all genes (library mode) or `areaUm2` µm² (density mode); the other argument is
   * ignored. A unit with library size 0 has v = 0. */
  double Normalize(double count, double librarySize, double areaUm2) const;
  /** Inverse of Normalize: the count that gives `v`. */
  double ToCount(double v, double librarySize, double areaUm2) const;

  nlohmann::json ToJSON() const;
  /** Parses ToJSON()'s output; errors name `whereFrom` (the file) and the field. */
  static ExpressionNormalization FromJSON(const nlohmann::json & value, const std::string & whereFrom);

  bool operator==(const ExpressionNormalization & other) const;
  bool operator!=(const ExpressionNormalization & other) const { return !(*this == other); }
};

/** Area of one spot in µm² (π d² / 4) from `spots.spotDiameterUm`; InputError if unknown. */
SuperSpotPairs_EXPORT double SpotAreaUm2(const SpotDataset & spots);

/** Normalized values of genes `genes` (indices into spots.genes, in that order) of every
 * spot, spot-major: value of genes[i] in spot s at [s * genes.size() + i].
 * Library mode divides by `librarySizes` (one per spot) when given, else by the spot's
 * total over ALL genes of `spots` (so select genes after, not before, computing it).
 * Density mode divides by SpotAreaUm2(spots). */
SuperSpotPairs_EXPORT std::vector<float> NormalizeSpots(const SpotDataset & spots,
                                                        const std::vector<std::size_t> & genes,
                                                        const ExpressionNormalization & normalization,
                                                        const std::vector<double> * librarySizes = nullptr);

/** Normalizes a counts image of bins (one component per gene, raw counts) over its
 * buffered region. Output components = `components` (indices into the input's
 * components, in that order; all if empty). Library mode: a bin's library size is the
 * sum of ALL its input components (bin all genes, then select here). Density mode: the
 * bin area is the pixel area |det(direction · diag(spacing))| in µm². Same geometry. */
SuperSpotPairs_EXPORT ExpressionImageType::Pointer NormalizeBinCounts(const ExpressionImageType * counts,
                                                                      const ExpressionNormalization & normalization,
                                                                      const std::vector<std::size_t> & components = {});

/** Genes ranked by their variance, over all spots, of the library-normalized log1p values
 * (target 10⁴), among the genes detected (count > 0) in at least `minDetectionFraction` of
 * the spots — BENCHMARK.md's panel rule. Returns at most `n` gene indices, highest variance
 * first (ties: lower index first). */
SuperSpotPairs_EXPORT std::vector<std::size_t> SelectHighlyVariableGenes(const SpotDataset & spots,
                                                                         std::size_t n,
                                                                         double minDetectionFraction = 0.1);

/** The same rule over several sections pooled (all their spots together), restricted to the
 * genes present in every section; returns gene names, highest variance first. */
SuperSpotPairs_EXPORT std::vector<std::string> SelectHighlyVariableGenes(const std::vector<const SpotDataset *> & sections,
                                                                         std::size_t n,
                                                                         double minDetectionFraction = 0.1);

/** The `n` genes with the most counts in all spots (ties: lower index first). */
SuperSpotPairs_EXPORT std::vector<std::size_t> SelectTopGenesByCounts(const SpotDataset & spots, std::size_t n);
/** The `n` genes with the most molecules (ties: lower index first). */
SuperSpotPairs_EXPORT std::vector<std::size_t> SelectTopGenesByCounts(const MoleculeTable & molecules, std::size_t n);

} // namespace ss

#endif
