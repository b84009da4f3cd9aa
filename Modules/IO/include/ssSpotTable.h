#ifndef ssSpotTable_h
#define ssSpotTable_h

#include "SuperSpotIOExport.h"
#include "ssCoordinateFrame.h"
#include "ssSpotData.h"

#include <optional>
#include <string>

namespace ss
{

/** \file ssSpotTable.h
 * SuperSpot's spot table: spots from any source as one plain CSV (or TSV, optionally
 * gzipped), e.g. what a Slicer user exported next to an H&E volume, or what
 * `SuperSpotInfo --spotTable` writes.
 *
 * One header row, one row per spot. Columns (names case-insensitive, in any order):
 *
 * | column | required | meaning |
 * | --- | --- | --- |
 * | `id` | yes | unique spot id (barcode) |
 * | `x_um`, `y_um` | one pair of the two | spot centre, µm in the H&E's physical frame |
 * | `x_px`, `y_px` | one pair of the two | spot centre, full-resolution H&E pixels (x = column, y = row, pixel centres
 * at integers) | | `in_tissue` | no | 1 (default) or 0 | | `array_col`, `array_row` | no (both or neither) | integer
 * array position (Visium array_col/array_row, ST x/y) | | anything else | no | one gene per column: raw counts
 * (non-negative integers) |
 *
 * So a table with only positions is a valid spot table (no genes).
 */

/** How ReadSpotTable turns the table into a SpotDataset. */
struct SuperSpotIO_EXPORT SpotTableReadOptions
{
  /** Full-resolution H&E px -> µm (the image's frame), when there is one. Positions in px
   * only need it; with both pairs the px must map onto the µm through it (within one pixel). */
  std::optional<CoordinateFrame> frame;
  /** Spot diameter, µm. 0: from the lattice (below), with a note saying so. */
  double spotDiameterUm = 0;
};

/** Reads a spot table (format above) into a SpotDataset, platform "spots".
 *
 * Positions: µm as given (x_um, y_um), else frame(x_px, y_px). positionPx: as given, else
 * frame^-1(µm). The dataset's frame is options.frame; without one, it is fitted (affine,
 * least squares) to the rows when both pairs are given (InputError when they disagree by more
 * than 1 µm RMS), else 1 µm per pixel (positionPx = µm, noted). Positions in px only and no
 * frame: InputError.
 *
 * Lattice, pitch and diameter: with array_col/array_row, the array grid is fitted to
 * positionPx; Hexagonal when every col + row is even and both row parities occur (Visium's
 * layout; pitch = 2 array columns), else Square (pitch = 1 array column). Without them:
 * Irregular, pitch = median nearest-neighbour distance. Diameter: options.spotDiameterUm,
 * else 0.55 × pitch (hexagonal, Visium's 55/100) or 0.5 × pitch (ST's 100/200, irregular).
 * Every such choice is in notes. Counts must be raw integers (SpotDataset::Validate). */
SuperSpotIO_EXPORT SpotDataset ReadSpotTable(const std::string & path, const SpotTableReadOptions & options = {});

/** True when the table's header has both x_px,y_px and x_um,y_um, so that the table itself
 * says how its image's pixels map to µm (ReadSpotTable fits that map when given no frame). */
SuperSpotIO_EXPORT bool SpotTableHasPixelGeometry(const std::string & path);

/** Writes `dataset` as a spot table: id, x_px, y_px, x_um, y_um, then in_tissue, array_col,
 * array_row where the dataset has them, then (withCounts) one column per gene. Gzipped when
 * `path` ends in .gz; written atomically. Numbers are written exactly (shortest round trip). */
SuperSpotIO_EXPORT void WriteSpotTable(const std::string & path, const SpotDataset & dataset, bool withCounts = false);

} // namespace ss

#endif
