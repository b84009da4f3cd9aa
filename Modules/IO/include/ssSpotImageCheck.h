#ifndef ssSpotImageCheck_h
#define ssSpotImageCheck_h

#include "SuperSpotIOExport.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <string>

namespace ss
{

/** Tissue-coloured: not near-white (darkest channel < 215) and with some colour
 * (max - min channel >= 12): excludes glass, white background, black borders and grey dust. */
SuperSpotIO_EXPORT bool IsTissueColour(const RGBPixelType & pixel);

/** \struct SpotImageCheck
 * \brief Do the spots sit on the H&E? The answer to the classic pixel-size and axis mix-ups.
 *
 * "On tissue": at least 30% of a lattice of samples over the spot's disc (its true diameter)
 * is tissue-coloured (tissue has gaps). Fractions are of all spots. "Transposed": swapping
 * x and y gains at least 20 points on tissue and halves the spots off tissue.
 */
struct SuperSpotIO_EXPORT SpotImageCheck
{
  enum class Problem
  {
    None,
    ImageIsHires,  ///< spots fit only if the image is Space Ranger's hires PNG taken as full resolution
    ImageIsLowres, ///< likewise for the lowres PNG
    MostlyOutside, ///< most spots fall outside the image, and no known scale explains it
    Transposed,    ///< x and y swapped put far more spots on tissue
    OffTissue      ///< spots inside the image but mostly on background
  };

  std::size_t numberOfSpots = 0;
  double fractionInside = 0;      ///< spot centres inside the image
  double fractionOnTissue = 0;    ///< spots on tissue-coloured pixels
  double imageTissueFraction = 0; ///< tissue-coloured fraction of the image (chance level)
  /** The same two fractions if the image were Space Ranger's hires/lowres PNG taken as full
   * resolution (-1 when the dataset has no such scale). */
  double fractionInsideIfHires = -1;
  double fractionOnTissueIfHires = -1;
  double fractionInsideIfLowres = -1;
  double fractionOnTissueIfLowres = -1;
  double fractionOnTissueIfTransposed = 0; ///< with each spot's image column and row swapped
  Problem problem = Problem::None;
  std::string message; ///< what is wrong, for the user; empty when Problem::None
  std::string fix;     ///< how to fix it; empty when Problem::None

  bool IsOk() const { return problem == Problem::None; }
};

/** Checks `dataset`'s spots (positionUm) against `image` (any level, geometry in µm, buffered). */
SuperSpotIO_EXPORT SpotImageCheck CheckSpotsAgainstImage(const SpotDataset & dataset, const RGBImageType * image);

/** Throws InputError naming `imagePath`, the problem and its fix when `check` found one. */
SuperSpotIO_EXPORT void RequireSpotsOnImage(const SpotImageCheck & check, const std::string & imagePath);

} // namespace ss

#endif
