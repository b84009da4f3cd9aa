#ifndef ssBitmapFont_h
#define ssBitmapFont_h

#include "SuperSpotVisualizationExport.h"
#include "ssTypes.h"

#include <string>

namespace ss
{

/** \class BitmapFont
 * \brief A 5x7 pixel font of printable ASCII (and µ), drawn into RGB images at an integer
 * scale, for panel titles and colour-bar labels.
 *
 * Why not a font library: ITK draws no text, and FreeType or a TrueType font would be one
 * more dependency (and a font file to ship and find) for a few words above each panel.
 * A bitmap font is exact and deterministic, so tests can count the pixels a title
 * draws. Glyphs are 5x7 pixels in a 6-pixel advance (one pixel of spacing); each is
 * scaled by repeating pixels. UTF-8 "µ" has its own glyph; other non-ASCII characters
 * are drawn as '?'.
 */
class SuperSpotVisualization_EXPORT BitmapFont
{
public:
  static constexpr unsigned GlyphWidth = 5;
  static constexpr unsigned GlyphHeight = 7;
  static constexpr unsigned Advance = 6;

  /** Width in pixels of `text` drawn at `scale` (no trailing spacing). */
  static unsigned TextWidth(const std::string & text, unsigned scale = 1);
  static unsigned TextHeight(unsigned scale = 1) { return GlyphHeight * scale; }

  /** Draws `text` with its top-left corner at pixel `topLeft` (an index of `image`);
   * pixels outside the image are skipped. Returns the number of pixels set. */
  static std::size_t Draw(RGBImageType * image,
                          const IndexType & topLeft,
                          const std::string & text,
                          const RGBPixelType & color,
                          unsigned scale = 1);

  /** True when the pixel at (column, row) of the glyph of code point `c` is ink. */
  static bool Ink(char32_t c, unsigned column, unsigned row);

  /** The code points of UTF-8 `text`: ASCII as is, "µ" (U+00B5), anything else '?'. */
  static std::u32string Decode(const std::string & text);
};

} // namespace ss

#endif
