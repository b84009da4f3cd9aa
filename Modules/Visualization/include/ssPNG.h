#ifndef ssPNG_h
#define ssPNG_h

#include "SuperSpotVisualizationExport.h"
#include "ssTypes.h"

#include <string>

namespace ss
{

/** Writes an RGB image as PNG through ITK's PNGImageIO, atomically (a temporary in the
 * same folder, renamed): a reader never sees half a figure. The PNG carries the pixels
 * only: a figure has no physical frame, so it is written with unit spacing whatever
 * the image's µm geometry. Errors name the file (InputError). */
SuperSpotVisualization_EXPORT void WritePNG(const RGBImageType * image, const std::string & path);

} // namespace ss

#endif
