#include "ssSpotGridCoarsening.h"

#include "ssArrayGrid.h"
#include "ssError.h"

#include <map>
#include <stdexcept>
#include <utility>

namespace ss
{

SpotGridCoarsening CoarsenSpotGrid(const SpotDataset & spots, int k, const std::vector<double> * librarySizes)
{
  if (k < 1)
  {
    throw std::invalid_argument("CoarsenSpotGrid: the factor must be at least 1, not " + std::to_string(k));
  }
  const std::size_t n = spots.NumberOfSpots();
  if (spots.lattice == SpotLattice::Irregular)
  {
    SS_INPUT_ERROR(spots.source, "lattice", "the spots lie on no regular array grid, so they have no k x k blocks", "coarsen spots read from Visium or legacy ST arrays");
  }
  if (spots.spots.arrayCol.size() != n || spots.spots.arrayRow.size() != n)
  {
    SS_INPUT_ERROR(spots.source, "array positions", "missing", "read the spots with their array_col/array_row (or x/y)");
  }
  if (spots.counts.GetNumberOfSpots() != n)
  {
    SS_INPUT_ERROR(spots.source, "counts", "the counts have " + std::to_string(spots.counts.GetNumberOfSpots()) + " spots, the table " + std::to_string(n), "check that counts and positions come from the same sample");
  }
  std::vector<double> library;
  if (librarySizes)
  {
    if (librarySizes->size() != n)
    {
      throw std::invalid_argument("CoarsenSpotGrid: " + std::to_string(librarySizes->size()) + " library sizes for " +
                                  std::to_string(n) + " spots");
    }
    library = *librarySizes;
  }
  else
  {
    library = spots.counts.SpotTotals();
  }

  // Blocks ordered by (block row, block col).
  std::map<std::pair<int, int>, std::vector<std::size_t>> members;
  for (std::size_t s = 0; s < n; ++s)
  {
    const auto b = BlockOfArrayPosition(spots.spots.arrayCol[s], spots.spots.arrayRow[s], k, spots.lattice);
    members[{ b.second, b.first }].push_back(s);
  }

  SpotGridCoarsening result;
  result.factor = k;
  result.blockOfSpot.assign(n, 0);
  SpotDataset & d = result.blocks;
  d.source = spots.source;
  d.platform = "coarsened";
  d.genes = spots.genes;
  d.spotDiameterUm = spots.spotDiameterUm * k;
  d.pitchUm = spots.pitchUm * k;
  d.lattice = SpotLattice::Square;
  d.frame = CoordinateFrame::FromAffine(spots.frame.GetPixelToMicrons(), spots.frame.GetOrigin());
  d.frame.SetHiresScale(spots.frame.GetHiresScale());
  d.frame.SetLowresScale(spots.frame.GetLowresScale());
  d.notes = spots.notes;
  d.notes.push_back("coarsened " + std::to_string(k) + " x " + std::to_string(k) + " from " + std::to_string(n) + " spots");
  d.counts.Reset(spots.counts.GetNumberOfGenes());
  d.spots.Reserve(members.size());
  const bool hasPx = spots.spots.positionPx.size() == n;
  const bool hasUm = spots.spots.positionUm.size() == n;
  const bool hasTissue = spots.spots.inTissue.size() == n;
  std::vector<double> cols, rows;
  for (const auto & block : members)
  {
    const std::size_t b = d.spots.Size();
    const int bcol = block.first.second, brow = block.first.first;
    PointType px, um;
    px.Fill(0.0);
    um.Fill(0.0);
    double libraryOfBlock = 0;
    unsigned char inTissue = 0;
    std::vector<std::pair<std::int32_t, float>> entries;
    for (const auto s : block.second)
    {
      result.blockOfSpot[s] = b;
      libraryOfBlock += library[s];
      if (hasPx)
      {
        px[0] += spots.spots.positionPx[s][0];
        px[1] += spots.spots.positionPx[s][1];
      }
      if (hasUm)
      {
        um[0] += spots.spots.positionUm[s][0];
        um[1] += spots.spots.positionUm[s][1];
      }
      inTissue = static_cast<unsigned char>(inTissue | (hasTissue ? spots.spots.inTissue[s] : 1));
      spots.counts.ForEachInSpot(s, [&](std::int32_t gene, float count) { entries.emplace_back(gene, count); });
    }
    const double m = static_cast<double>(block.second.size());
    for (unsigned i = 0; i < 2; ++i)
    {
      px[i] /= m;
      um[i] /= m;
    }
    d.spots.id.push_back(std::to_string(bcol) + "x" + std::to_string(brow));
    if (hasPx)
    {
      d.spots.positionPx.push_back(px);
    }
    if (hasUm)
    {
      d.spots.positionUm.push_back(um);
    }
    d.spots.arrayCol.push_back(bcol);
    d.spots.arrayRow.push_back(brow);
    d.spots.inTissue.push_back(inTissue ? 1 : 0);
    d.counts.AppendSpot(std::move(entries)); // sums the duplicated genes
    result.librarySize.push_back(libraryOfBlock);
    result.spotsPerBlock.push_back(block.second.size());
    cols.push_back(bcol);
    rows.push_back(brow);
  }
  // The block lattice: block (bcol, brow) sits at the centre of its full block, i.e. at input
  // array position BlockCentreArrayPosition, mapped by the input's array-grid fit. Nominal
  // centres, not the blocks' mean positions, so that partial blocks at the tissue edge do not
  // bend the lattice. Three blocks fix the affine map exactly.
  try
  {
    const CoordinateFrame input = FrameWithArrayGrid(spots);
    std::vector<double> latticeCols = { 0, 1, 0 }, latticeRows = { 0, 0, 1 };
    std::vector<PointType> px;
    for (std::size_t i = 0; i < 3; ++i)
    {
      const PointType a = BlockCentreArrayPosition(static_cast<int>(latticeCols[i]), static_cast<int>(latticeRows[i]), k, spots.lattice);
      px.push_back(input.ArrayToFullResPx(a[0], a[1]));
    }
    d.frame.FitArrayGrid(latticeCols, latticeRows, px);
  }
  catch (const InputError &)
  {
    d.notes.push_back("the input spots have no array-grid fit, so neither do the blocks");
  }
  return result;
}

PointType BlockCentreArrayPosition(int bcol, int brow, int k, SpotLattice lattice)
{
  if (k < 1)
  {
    throw std::invalid_argument("block size must be at least 1");
  }
  const double centre = (k - 1) / 2.0;
  PointType a;
  a[0] = k * bcol + centre;
  a[1] = k * brow + centre;
  if (lattice == SpotLattice::Hexagonal)
  {
    // Offset column u -> array_col 2u + (row parity); averaged over the block's rows the
    // parity is 1/2 (exactly for even k).
    a[0] = 2 * a[0] + 0.5;
  }
  return a;
}

PointType BlockLatticeCoordinates(double col, double row, int k, SpotLattice lattice)
{
  if (k < 1)
  {
    throw std::invalid_argument("block size must be at least 1");
  }
  const double centre = (k - 1) / 2.0;
  const double u = lattice == SpotLattice::Hexagonal ? (col - 0.5) / 2 : col;
  PointType b;
  b[0] = (u - centre) / k;
  b[1] = (row - centre) / k;
  return b;
}

std::vector<float> SpotValuesFromBlocks(const SpotGridCoarsening & coarsening,
                                        const std::vector<float> & blockValues,
                                        unsigned int numberOfComponents)
{
  const std::size_t blocks = coarsening.blocks.NumberOfSpots();
  if (blockValues.size() != blocks * numberOfComponents)
  {
    throw std::invalid_argument("SpotValuesFromBlocks: " + std::to_string(blockValues.size()) + " values for " +
                                std::to_string(blocks) + " blocks of " + std::to_string(numberOfComponents) + " components");
  }
  std::vector<float> values(coarsening.blockOfSpot.size() * numberOfComponents);
  for (std::size_t s = 0; s < coarsening.blockOfSpot.size(); ++s)
  {
    const float * from = blockValues.data() + coarsening.blockOfSpot[s] * numberOfComponents;
    std::copy(from, from + numberOfComponents, values.data() + s * numberOfComponents);
  }
  return values;
}

} // namespace ss
