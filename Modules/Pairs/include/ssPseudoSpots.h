#ifndef ssPseudoSpots_h
#define ssPseudoSpots_h

#include "SuperSpotPairsExport.h"
#include "ssCoordinateFrame.h"
#include "ssSpotData.h"

#include <cstddef>

namespace ss
{

/** \struct PseudoSpotParameters
 * \brief The spot array laid over molecules to make spot-level data from molecule data.
 *
 * Hexagonal (Visium): centre of array (col, row) at anchor + (col · pitch / 2,
 * row · pitch · √3 / 2) µm, existing where col + row is even — so array_col steps by 2 per
 * pitch along a row and odd rows sit half a pitch to the side, as in Visium's
 * tissue_positions (array_col 0..127, array_row 0..77).
 * Square (legacy ST): centre at anchor + (col · pitch, row · pitch).
 * The lattice is global (anchor at 0 by default), like GridGeometry::Covering, so arrays laid
 * over overlapping molecule sets line up; array indices are then shifted by even amounts so
 * the smallest is 0 or 1 (keeping the hexagonal parity).
 */
struct SuperSpotPairs_EXPORT PseudoSpotParameters
{
  SpotLattice lattice = SpotLattice::Hexagonal;
  double spotDiameterUm = 55.0;
  double pitchUm = 100.0;
  /** A spot is in tissue when its disc holds at least this many molecules (all genes). */
  std::size_t minMolecules = 1;
  /** Keep spots outside the tissue (in_tissue = 0, counts usually 0) too; by default only
   * in-tissue spots are returned, like Space Ranger's filtered matrix. */
  bool keepSpotsOutsideTissue = false;
  double anchorXUm = 0.0;
  double anchorYUm = 0.0;

  /** 55 µm spots, 100 µm hexagonal pitch. */
  static PseudoSpotParameters Visium();
  /** 100 µm spots, 200 µm square pitch. */
  static PseudoSpotParameters LegacyST();
};

/** Pseudo-spots from molecules: counts = molecules whose µm position lies inside (distance
 * <= diameter / 2) the spot's disc, per gene (all the table's genes). Each molecule counts in
 * at most one spot (the nearest centre), so counts are conserved: their sum is the number of
 * molecules inside discs. Spots cover the molecules' bounding box (every disc that can hold a
 * molecule), ordered by (row, col); ids are "{col}x{row}".
 *
 * `frame` maps the spots' µm positions to full-resolution pixels (positionPx), e.g. the H&E's
 * frame; without one, pixels are µm (1 µm per pixel). The returned frame has an array-grid
 * fit (array col/row -> px) when there are 3 non-collinear spots.
 * Platform "pseudo-visium" (hexagonal) or "pseudo-st" (square). Requires
 * 0 < spotDiameterUm <= pitchUm (discs may touch, never overlap). */
SuperSpotPairs_EXPORT SpotDataset MakePseudoSpots(const MoleculeTable & molecules,
                                                  const PseudoSpotParameters & parameters = PseudoSpotParameters::Visium(),
                                                  const CoordinateFrame * frame = nullptr);

} // namespace ss

#endif
