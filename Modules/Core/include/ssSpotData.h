#ifndef ssSpotData_h
#define ssSpotData_h

#include "SuperSpotCoreExport.h"
#include "ssCoordinateFrame.h"
#include "ssSparseCounts.h"
#include "ssTypes.h"

#include <optional>
#include <string>
#include <vector>

namespace ss
{

/** How spots are laid out. Visium: hexagonal, 55 µm spots on a 100 µm pitch;
 * original ST: square, 100 µm spots on a 200 µm pitch. */
enum class SpotLattice
{
  Square,
  Hexagonal,
  Irregular
};
SuperSpotCore_EXPORT std::string ToString(SpotLattice lattice);
SuperSpotCore_EXPORT SpotLattice SpotLatticeFromString(const std::string & name);

/** Per-spot geometry. All vectors have the same length (one entry per spot). */
struct SuperSpotCore_EXPORT SpotTable
{
  std::vector<std::string> id;     ///< barcode (Visium) or "{x}x{y}" (legacy ST)
  std::vector<PointType> positionUm; ///< spot centre, µm in the H&E's physical frame
  std::vector<PointType> positionPx; ///< spot centre, full-resolution image pixels (x = column, y = row)
  std::vector<int> arrayCol;       ///< array grid column (Visium array_col; ST x)
  std::vector<int> arrayRow;       ///< array grid row (Visium array_row; ST y)
  std::vector<unsigned char> inTissue; ///< 1 = under tissue

  std::size_t Size() const { return id.size(); }
  void Reserve(std::size_t n);
  /** Keeps rows `keep` in that order. */
  SpotTable Select(const std::vector<std::size_t> & keep) const;
  BoundingBox BoundsUm() const;
};

/** \struct SpotDataset
 * \brief Spot-based expression in one physical frame: Visium, legacy ST,
 * pseudo-spots made from molecules, or coarsened spots.
 */
struct SuperSpotCore_EXPORT SpotDataset
{
  std::string source;   ///< file or folder it came from (for messages)
  std::string platform; ///< "visium", "st", "pseudo-visium", "coarsened", "simulated", ...
  SpotTable spots;
  std::vector<std::string> genes; ///< gene names, one per counts row
  SparseCounts counts;            ///< genes x spots, raw counts
  double spotDiameterUm = 0;
  double pitchUm = 0; ///< centre-to-centre distance of neighbouring spots
  SpotLattice lattice = SpotLattice::Irregular;
  CoordinateFrame frame; ///< full-res px <-> µm <-> hires/lowres <-> array grid
  std::vector<std::string> notes; ///< what a reader dropped or corrected, for the user

  std::size_t NumberOfSpots() const { return spots.Size(); }
  std::size_t NumberOfGenes() const { return genes.size(); }
  /** Index of `gene`, or -1. */
  long GeneIndex(const std::string & gene) const;
  /** Indices of `names`; throws InputError naming `whereFrom` and the missing genes. */
  std::vector<std::size_t> GeneIndices(const std::vector<std::string> & names, const std::string & whereFrom) const;
  /** A copy restricted to spots `keep`. */
  SpotDataset SelectSpots(const std::vector<std::size_t> & keep) const;
  /** A copy restricted to genes `genes` in that order. */
  SpotDataset SelectGenes(const std::vector<std::size_t> & genes) const;
  /** Checks sizes agree, ids and genes are unique and counts are valid; throws InputError. */
  void Validate() const;
};

/** \struct MoleculeTable
 * \brief Molecule-level transcripts (Xenium, MERSCOPE, simulator), µm in the
 * physical frame. One entry per molecule.
 */
struct SuperSpotCore_EXPORT MoleculeTable
{
  std::string source;
  std::string platform; ///< "xenium", "merscope", "simulated"
  std::vector<float> x;  ///< µm
  std::vector<float> y;  ///< µm
  std::vector<float> z;  ///< µm or plane index as the platform gives it; may be empty
  std::vector<std::int32_t> gene; ///< index into genes
  std::vector<float> qv;          ///< quality (Phred); may be empty
  std::vector<std::string> genes;
  std::vector<std::string> notes;

  std::size_t Size() const { return x.size(); }
  void Reserve(std::size_t n);
  void Add(float px, float py, std::int32_t g)
  {
    x.push_back(px);
    y.push_back(py);
    gene.push_back(g);
  }
  BoundingBox BoundsUm() const;
  /** Molecules per gene. */
  std::vector<std::size_t> CountsPerGene() const;
  long GeneIndex(const std::string & name) const;
};

} // namespace ss

#endif
