#ifndef ssLegacyST_h
#define ssLegacyST_h

#include "SuperSpotIOExport.h"
#include "ssSpotData.h"

#include <string>

namespace ss
{

/** The original Spatial Transcriptomics arrays (Ståhl et al. 2016; He et al. 2020; Andersson
 * et al. 2021): 100 µm spots on a 200 µm centre-to-centre square grid. */
constexpr double LegacySTPitchUm = 200.0;
constexpr double LegacySTSpotDiameterUm = 100.0;

struct SuperSpotIO_EXPORT LegacySTReadOptions
{
  /** Centre-to-centre distance of neighbouring array positions, µm; sets the µm scale. */
  double pitchUm = LegacySTPitchUm;
  double spotDiameterUm = LegacySTSpotDiameterUm;
  /** Keep only spots with selected = 1 (under the tissue). */
  bool selectedOnly = true;
  /** µm per pixel of the H&E; 0 (default) = pitchUm / (pixels per array step fitted from the
   * spot file). Set it when the scanner's calibration is known. */
  double micronsPerPixel = 0;
};

/** Reads a legacy ST section: `countsPath` is a (gzipped) TSV of spots x genes whose first
 * column is the spot id "{x}x{y}" (array coordinates) and whose header lists the genes;
 * `spotsPath` is a TSV with columns x, y, new_x, new_y, pixel_x, pixel_y, selected
 * (pixel_* = spot centre in full-resolution pixels of the H&E).
 *
 * Spots are joined on the id built from the spot file's integer x, y; what is on one side
 * only is dropped and reported in notes. The array grid (x, y) -> (pixel_x, pixel_y) is fitted
 * to all spot-file rows; its step in pixels gives µm/px = pitchUm / step. positionPx =
 * (pixel_x, pixel_y), arrayCol = x, arrayRow = y. Square lattice, platform "st". Counts must
 * be raw integers (Validate). The counts file is parsed as a stream, one row at a time. */
SuperSpotIO_EXPORT SpotDataset ReadLegacyST(const std::string & countsPath,
                                            const std::string & spotsPath,
                                            const LegacySTReadOptions & options = {});

/** Writes `dir`/counts.tsv.gz (ids "{arrayCol}x{arrayRow}") and `dir`/spots.tsv (new_x/new_y
 * = x/y, pixel_x/pixel_y = positionPx, selected = inTissue), atomically. */
SuperSpotIO_EXPORT void WriteLegacyST(const std::string & dir, const SpotDataset & dataset);

} // namespace ss

#endif
