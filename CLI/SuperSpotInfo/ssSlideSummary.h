#ifndef ssSlideSummary_h
#define ssSlideSummary_h

#include "ssSlideInputs.h"
#include "ssTypes.h"

#include <nlohmann/json.hpp>

#include <string>

namespace ss
{

/** The JSON summary SuperSpotInfo prints (Documentation/Readers.md, "What SuperSpotInfo
 * reports"): name, platform, spots / spotsInTissue / genes / totalCounts / lattice / pitchUm /
 * spotDiameterUm / fullResMicronsPerPixel (spot data), molecules / genes (molecule data),
 * extentUm (the data's bounding box, µm), image (path, level, sizePx, micronsPerPixel,
 * extentUm of its pixel footprints, pixelConversion, imageIO) and check (fractionInside,
 * fractionOnTissue, imageTissueFraction, fractionOnTissueIfTransposed, fractionMoleculesInside,
 * greyscale, problem, message), null where they do not apply, then notes. Fractions on tissue
 * are null for a greyscale image, where tissue colour is not judged. */
nlohmann::json DescribeSlide(const LoadedSlide & slide, const SlideImageCheck * check);

/** The overlay picture: `overview` (the slide's image, µm geometry) area-averaged to at most
 * `maxSize` px with every spot drawn at its true diameter (green in tissue, blue outside), or
 * for molecules an even sample of them, one per 8 picture pixels at most, as one-pixel red dots. */
RGBImageType::Pointer DrawSlideOverlay(const LoadedSlide & slide, const RGBImageType * overview, unsigned int maxSize);

/** What SuperSpotInfo writes besides printing the summary; "" = not wanted. */
struct InfoOutputs
{
  std::string json;      ///< the summary, atomically
  std::string spotTable; ///< the spots as a spot table (spot data only)
  std::string overlay;   ///< DrawSlideOverlay as PNG
  unsigned int overlaySize = 1000;
};

/** SuperSpotInfo's work: LoadSlide, CheckSlideImage when there is an image, the overlay
 * (before the check can fail, so it shows the failure), RequireSlideOnImage, then the summary
 * and the other outputs. Flags that cannot apply (--spotTable for molecules, --overlay without
 * an image) are refused before anything is written. Progress on the global reporter. */
nlohmann::json RunSuperSpotInfo(const SlideInputs & inputs, const InfoOutputs & outputs);

} // namespace ss

#endif
