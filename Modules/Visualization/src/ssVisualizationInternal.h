#ifndef ssVisualizationInternal_h
#define ssVisualizationInternal_h

// Shared by the Visualization sources; not installed.

#include "ssError.h"

#include <string>

namespace ss
{
namespace detail
{

/** Panels read whole images through their buffers: refuse one whose pixels are not all
 * in memory (a streamed output that was not updated in full). */
template<typename TImage>
void RequireWholeImage(const TImage * image, const std::string & what)
{
  if (!image)
  {
    SS_INPUT_ERROR("", what, "there is no image", "pass an image");
  }
  const auto whole = image->GetLargestPossibleRegion();
  if (whole.GetNumberOfPixels() == 0 || !image->GetBufferedRegion().IsInside(whole))
  {
    SS_INPUT_ERROR(
      "", what, "the image is empty or not all in memory", "Update() the filter that makes it on its whole region");
  }
}

} // namespace detail
} // namespace ss

#endif
