#ifndef ssIOText_h
#define ssIOText_h

// Internal to SuperSpotIO: small text helpers shared by the readers and writers.

#include "SuperSpotIOExport.h"

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ss
{
class DelimitedReader;

namespace io
{

/** Shortest decimal text that reads back as the same double ("9811", "0.61503"). */
SuperSpotIO_EXPORT void AppendNumber(std::string & out, double value);
/** Shortest decimal text that reads back as the same float. */
SuperSpotIO_EXPORT void AppendFloat(std::string & out, float value);
SuperSpotIO_EXPORT std::string NumberText(double value);

/** Writes `path` atomically through `write`, gzip-compressed when `gzip` (zlib level
 * `gzipLevel`, 1 fastest to 9 smallest; 6 is gzip's default); the stream is never held in
 * memory as one string (transcript tables are large). */
SuperSpotIO_EXPORT void WriteStreamAtomically(const std::string & path,
                                              bool gzip,
                                              const std::function<void(std::ostream &)> & write,
                                              int gzipLevel = 6);

/** "a, b, c, ... (12 in all)": the first `n` of `items` for messages. */
SuperSpotIO_EXPORT std::string FirstFew(const std::vector<std::string> & items, std::size_t n = 5);

/** Makes `names` unique in place: every member of a group of equal names becomes
 * "NAME (ID)" with its id (or "NAME #k" when ids do not tell them apart).
 * Returns the names that were duplicated, for a note. */
SuperSpotIO_EXPORT std::vector<std::string> MakeNamesUnique(std::vector<std::string> & names,
                                                            const std::vector<std::string> & ids);

/** A count field of the current row of `reader`: the fast path is a plain integer; anything
 * else ("3.0", "NaN", "-1") goes through DelimitedReader::Double and SpotDataset::Validate
 * judges it. */
SuperSpotIO_EXPORT float CountField(const DelimitedReader & reader, int column);

/** Array positions (Visium array_col / array_row, legacy ST x / y, a spot table's) accepted:
 * far beyond any array (Visium's is 128 x 78, Visium HD's 3350 x 3350 bins), and small enough
 * that no sum or product of two of them overflows an int. */
constexpr long long MaxArrayIndex = 1000000;

/** Positions accepted, in µm or in image pixels: within ±1e8 (100 m in µm; 500 times the
 * widest whole-slide image in pixels), so that every bin, tile and pixel index computed from
 * them fits in 32 bits, and every one survives the conversion to float of molecule tables. */
constexpr double MaxCoordinate = 1e8;

/** Field `column` of the current row of `reader` as a position: a finite number within
 * ±MaxCoordinate (InputError naming the file, line and column otherwise). */
SuperSpotIO_EXPORT double CoordinateField(const DelimitedReader & reader, int column);

/** µm per image pixel a reader may derive from its data (0.01 to 100: a 100x objective to a
 * thumbnail); beyond, the data do not describe an image, and a frame made of them would place
 * spots at absurd µm without a word. */
constexpr double MinMicronsPerPixel = 0.01;
constexpr double MaxMicronsPerPixel = 100.0;
/** InputError naming `file` and `field` unless `micronsPerPixel` lies in that range; `how`
 * says where it came from ("200 µm pitch / 0.0001 px array step"), `fix` what to do. */
SuperSpotIO_EXPORT void RequirePlausibleMicronsPerPixel(double micronsPerPixel,
                                                        const std::string & file,
                                                        const std::string & field,
                                                        const std::string & how,
                                                        const std::string & fix);

/** True if `text` ends with `suffix` (case-insensitive). */
SuperSpotIO_EXPORT bool EndsWith(std::string_view text, std::string_view suffix);
SuperSpotIO_EXPORT bool StartsWith(std::string_view text, std::string_view prefix);

} // namespace io
} // namespace ss

#endif
