#include "ssPyramidalTIFFWriter.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssVersion.h"

#include <tiffio.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <locale>
#include <memory>
#include <sstream>
#include <vector>

namespace ss
{

namespace
{

const char * const OutputField = "TIFF output";
const char * const OutputFix = "check free disk space and write permission in the output folder";

/** A libtiff handle whose errors (and warnings) are kept with it rather than printed
 * on stderr, which Slicer would take as a failure; errors become ss::InputError. */
class TIFFFile
{
public:
  TIFFFile(const std::string & path, const char * mode, std::string reportedPath)
    : m_Path(path)
    , m_ReportedPath(std::move(reportedPath))
  {
#if defined(TIFFLIB_MAJOR_VERSION) // libtiff >= 4.5: per-handle message handlers
    TIFFOpenOptions * options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, &TIFFFile::OnError, this);
    TIFFOpenOptionsSetWarningHandlerExtR(options, &TIFFFile::OnWarning, this);
    m_TIFF = TIFFOpenExt(path.c_str(), mode, options);
    TIFFOpenOptionsFree(options);
#else
    m_TIFF = TIFFOpen(path.c_str(), mode);
#endif
    this->Check(m_TIFF != nullptr, std::string("cannot open ") + path + " (mode " + mode + ")");
  }
  TIFFFile(const TIFFFile &) = delete;
  TIFFFile & operator=(const TIFFFile &) = delete;
  ~TIFFFile()
  {
    if (m_TIFF != nullptr)
    {
      TIFFClose(m_TIFF);
    }
  }

  TIFF * Get() const
  {
    return m_TIFF;
  }

  void Check(bool ok, const std::string & what) const
  {
    if (!ok)
    {
      SS_INPUT_ERROR(m_ReportedPath, OutputField, what + (m_Error.empty() ? std::string() : ": " + m_Error), OutputFix);
    }
  }

  /** Flushes and closes; errors throw (the destructor only closes). */
  void Close()
  {
    if (m_TIFF != nullptr)
    {
      const bool flushed = TIFFFlush(m_TIFF) == 1;
      TIFFClose(m_TIFF);
      m_TIFF = nullptr;
      this->Check(flushed, "cannot finish " + m_Path);
    }
  }

private:
  static std::string Format(const char * module, const char * fmt, va_list ap)
  {
    char text[1024];
    std::vsnprintf(text, sizeof(text), fmt, ap);
    return (module != nullptr ? std::string(module) + ": " : std::string()) + text;
  }
  static int OnError(TIFF *, void * self, const char * module, const char * fmt, va_list ap)
  {
    static_cast<TIFFFile *>(self)->m_Error = Format(module, fmt, ap);
    return 1;
  }
  static int OnWarning(TIFF *, void * self, const char * module, const char * fmt, va_list ap)
  {
    LogWarning(static_cast<TIFFFile *>(self)->m_ReportedPath + ": libtiff: " + Format(module, fmt, ap));
    return 1;
  }

  std::string m_Path;
  std::string m_ReportedPath;
  std::string m_Error;
  TIFF * m_TIFF = nullptr;
};

/** Removes temporary files when it goes out of scope, whatever happened. */
struct RemoveOnExit
{
  std::vector<std::string> paths;
  RemoveOnExit() = default;
  RemoveOnExit(const RemoveOnExit &) = delete;
  RemoveOnExit & operator=(const RemoveOnExit &) = delete;
  ~RemoveOnExit()
  {
    for (const std::string & path : paths)
    {
      std::remove(path.c_str());
    }
  }
};

/** The shortest decimal that reads back as the same double (for the Aperio MPP). */
std::string ExactDecimal(double value)
{
  std::string text;
  for (int precision = 6; precision <= std::numeric_limits<double>::max_digits10; ++precision)
  {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out.precision(precision);
    out << value;
    text = out.str();
    std::istringstream in(text);
    in.imbue(std::locale::classic());
    double back = 0;
    in >> back;
    if (back == value)
    {
      break;
    }
  }
  return text;
}

enum class Encoding
{
  JPEG,
  Deflate,
  Scratch ///< lossless and fast: the temporary copies of the lower levels
};

void SetLevelTags(const TIFFFile & file,
                  std::uint32_t width,
                  std::uint32_t height,
                  std::uint32_t tileSize,
                  Encoding encoding,
                  int jpegQuality,
                  bool reduced,
                  double micronsPerPixel,
                  const std::string & description)
{
  TIFF * t = file.Get();
  bool ok = TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width) && TIFFSetField(t, TIFFTAG_IMAGELENGTH, height) &&
            TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8) && TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3) &&
            TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
            TIFFSetField(t, TIFFTAG_TILEWIDTH, tileSize) && TIFFSetField(t, TIFFTAG_TILELENGTH, tileSize) &&
            TIFFSetField(t, TIFFTAG_SOFTWARE, "SuperSpot " SUPERSPOT_VERSION);
  // OpenSlide's generic-tiff driver takes directories after the first as levels only
  // when they are marked as reduced-resolution images.
  ok = ok && (!reduced || TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE));
  switch (encoding)
  {
    case Encoding::JPEG:
      // YCbCr 4:2:0 like scanners; JPEGCOLORMODE lets libtiff convert from our RGB.
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG) &&
           TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR) &&
           TIFFSetField(t, TIFFTAG_JPEGQUALITY, jpegQuality) &&
           TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      break;
    case Encoding::Deflate:
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
           TIFFSetField(t, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL) &&
           TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
      break;
    case Encoding::Scratch:
      ok = ok && TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE) &&
           TIFFSetField(t, TIFFTAG_ZIPQUALITY, 1) && TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
      break;
  }
  if (micronsPerPixel > 0)
  {
    const double pixelsPerCentimetre = 1e4 / micronsPerPixel;
    ok = ok && TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER) &&
         TIFFSetField(t, TIFFTAG_XRESOLUTION, pixelsPerCentimetre) &&
         TIFFSetField(t, TIFFTAG_YRESOLUTION, pixelsPerCentimetre);
  }
  if (!description.empty())
  {
    ok = ok && TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, description.c_str());
  }
  file.Check(ok, "cannot set the TIFF tags");
}

/** One pyramid level being filled tile row by tile row. Level k+1 is produced from
 * level k's rows as each of k's tile rows completes, so no level is ever whole in
 * memory: a level holds at most one tile row (`tile` rows of its width). */
struct Level
{
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t tile = 0;     ///< tile width and height of this level
  std::uint32_t firstRow = 0; ///< image row of rows[0]
  std::uint32_t filled = 0;   ///< rows held in `rows`
  std::vector<std::uint8_t> rows;
  TIFFFile * file = nullptr;
};

class PyramidBuilder
{
public:
  PyramidBuilder(std::vector<Level> & levels, std::uint32_t largestTile)
    : m_Levels(levels)
    , m_Tile(static_cast<std::size_t>(largestTile) * largestTile * 3)
  {
  }

  /** Level k's buffer holds a complete tile row (or the last rows of the level):
   * writes its tiles and passes its rows down, flushing the next level whenever its
   * own tile row fills up. */
  void FlushTileRow(std::size_t k)
  {
    Level & level = m_Levels[k];
    this->WriteTiles(level);
    if (k + 1 < m_Levels.size())
    {
      Level & next = m_Levels[k + 1];
      // Tiles are multiples of 16 rows, so every tile row but a level's last has an
      // even number of rows: 2x2 blocks never straddle two tile rows.
      for (std::uint32_t r = 0; r < level.filled; r += 2)
      {
        AverageRow(level, r, next, next.filled);
        ++next.filled;
        if (next.filled == next.tile || next.firstRow + next.filled == next.height)
        {
          this->FlushTileRow(k + 1);
        }
      }
    }
    level.firstRow += level.filled;
    level.filled = 0;
  }

private:
  void WriteTiles(const Level & level)
  {
    TIFF * t = level.file->Get();
    const std::uint32_t T = level.tile;
    const std::size_t rowBytes = static_cast<std::size_t>(level.width) * 3;
    for (std::uint32_t x0 = 0; x0 < level.width; x0 += T)
    {
      // Tiles over the image edge repeat the edge pixels: no step for the JPEG coder
      // to ring on, and nothing any reader shows (OpenSlide clips at the level size).
      const std::uint32_t inside = std::min(T, level.width - x0);
      for (std::uint32_t y = 0; y < T; ++y)
      {
        const std::uint8_t * src = level.rows.data() + std::min(y, level.filled - 1) * rowBytes + x0 * 3;
        std::uint8_t * dst = m_Tile.data() + static_cast<std::size_t>(y) * T * 3;
        std::memcpy(dst, src, static_cast<std::size_t>(inside) * 3);
        for (std::uint32_t x = inside; x < T; ++x)
        {
          std::memcpy(dst + 3 * x, src + 3 * (inside - 1), 3);
        }
      }
      const ttile_t index = TIFFComputeTile(t, x0, level.firstRow, 0, 0);
      level.file->Check(TIFFWriteEncodedTile(t, index, m_Tile.data(), static_cast<tmsize_t>(T) * T * 3) >= 0,
                        "cannot write tile " + std::to_string(index) + " of a " + std::to_string(level.width) + " x " +
                          std::to_string(level.height) + " level");
    }
  }

  /** Row `out` of `next` = 2x2 means of rows (r, r+1) of `level`, rounded; blocks cut
   * by the right or bottom edge average the pixels they have. */
  static void AverageRow(const Level & level, std::uint32_t r, Level & next, std::uint32_t out)
  {
    const std::size_t inBytes = static_cast<std::size_t>(level.width) * 3;
    const std::uint8_t * a = level.rows.data() + r * inBytes;
    const std::uint8_t * b = r + 1 < level.filled ? a + inBytes : nullptr;
    std::uint8_t * dst = next.rows.data() + static_cast<std::size_t>(out) * next.width * 3;
    for (std::uint32_t x = 0; x < next.width; ++x)
    {
      const std::uint32_t x0 = 2 * x;
      const bool right = x0 + 1 < level.width;
      const std::uint32_t n = (right ? 2u : 1u) * (b != nullptr ? 2u : 1u);
      for (int c = 0; c < 3; ++c)
      {
        std::uint32_t sum = a[3 * x0 + c];
        if (right)
        {
          sum += a[3 * (x0 + 1) + c];
        }
        if (b != nullptr)
        {
          sum += b[3 * x0 + c];
          if (right)
          {
            sum += b[3 * (x0 + 1) + c];
          }
        }
        dst[3 * x + c] = static_cast<std::uint8_t>((sum + n / 2) / n);
      }
    }
  }

  std::vector<Level> & m_Levels;
  std::vector<std::uint8_t> m_Tile;
};

/** A level's tile: the requested size, or the largest multiple of 16 that fits in
 * the level. OpenSlide 3.4.1 decodes non-JPEG tiles through libtiff's TIFFRGBAImage,
 * which since libtiff 4.5 shifts and clips a tile larger than the whole level, so
 * every pixel of such a level reads back wrong (checked on Debian 12's OpenSlide
 * 3.4.1 + libtiff 4.5.0); tiles that fit avoid it for every compression. */
std::uint32_t TileFor(std::uint32_t width, std::uint32_t height, std::uint32_t tileSize)
{
  return std::max<std::uint32_t>(16, std::min(tileSize, std::min(width, height) / 16 * 16));
}

/** Level 0 and its 2x reductions until one fits in a tile, stopping early only when
 * a level would be thinner than 16 px (the smallest TIFF tile). */
std::vector<Level> PlanPyramid(std::uint32_t widthPx, std::uint32_t heightPx, std::uint32_t tileSize)
{
  std::vector<Level> levels(1);
  levels[0].width = widthPx;
  levels[0].height = heightPx;
  while (std::max(levels.back().width, levels.back().height) > tileSize)
  {
    Level next;
    next.width = (levels.back().width + 1) / 2;
    next.height = (levels.back().height + 1) / 2;
    if (std::min(next.width, next.height) < 16)
    {
      break;
    }
    levels.push_back(next);
  }
  for (Level & level : levels)
  {
    level.tile = TileFor(level.width, level.height, tileSize);
    level.rows.resize(static_cast<std::size_t>(level.tile) * level.width * 3);
  }
  return levels;
}

void CheckOptions(const std::string & path,
                  std::uint32_t widthPx,
                  std::uint32_t heightPx,
                  double micronsPerPixel,
                  const RGBRegionRenderer & render,
                  const PyramidalTIFFOptions & options)
{
  if (widthPx == 0 || heightPx == 0)
  {
    SS_INPUT_ERROR(path,
                   "size",
                   "the slide is empty (" + std::to_string(widthPx) + " x " + std::to_string(heightPx) + " px)",
                   "give a width and height of at least one pixel");
  }
  if (!std::isfinite(micronsPerPixel) || micronsPerPixel <= 0)
  {
    SS_INPUT_ERROR(path,
                   "micronsPerPixel",
                   "is " + std::to_string(micronsPerPixel) + ", not a positive pixel size",
                   "give the µm per level-0 pixel (e.g. 0.5)");
  }
  if (options.tileSize < 16 || options.tileSize % 16 != 0)
  {
    SS_INPUT_ERROR(path,
                   "tileSize",
                   "is " + std::to_string(options.tileSize) + "; TIFF tiles are multiples of 16 px",
                   "use 256 (the default) or another multiple of 16");
  }
  if (options.compression == PyramidalTIFFOptions::Compression::JPEG &&
      (options.jpegQuality < 1 || options.jpegQuality > 100))
  {
    SS_INPUT_ERROR(path, "jpegQuality", "is " + std::to_string(options.jpegQuality) + ", outside 1-100", "use e.g. 90");
  }
  if (!render)
  {
    SS_INPUT_ERROR(path, "renderer", "no renderer was given", "pass a function that fills RGB rows");
  }
}

std::string AperioDescription(std::uint32_t widthPx,
                              std::uint32_t heightPx,
                              std::uint32_t tile,
                              double micronsPerPixel,
                              const PyramidalTIFFOptions & options)
{
  // OpenSlide's aperio driver needs the "Aperio" prefix and reads "|key = value"
  // pairs after the first '|'; MPP becomes openslide.mpp-x and openslide.mpp-y.
  std::ostringstream d;
  d.imbue(std::locale::classic());
  d << "Aperio Image Library compatible (written by SuperSpot " << SUPERSPOT_VERSION << ")\r\n"
    << widthPx << "x" << heightPx << " (" << tile << "x" << tile << ") ";
  if (options.compression == PyramidalTIFFOptions::Compression::JPEG)
  {
    d << "JPEG/YCbCr Q=" << options.jpegQuality;
  }
  else
  {
    d << "Deflate/RGB";
  }
  d << "|MPP = " << ExactDecimal(micronsPerPixel);
  return d.str();
}

} // namespace

void WritePyramidalTIFF(const std::string & path,
                        std::uint32_t widthPx,
                        std::uint32_t heightPx,
                        double micronsPerPixel,
                        const RGBRegionRenderer & render,
                        const PyramidalTIFFOptions & options)
{
  CheckOptions(path, widthPx, heightPx, micronsPerPixel, render, options);
  std::vector<Level> levels = PlanPyramid(widthPx, heightPx, options.tileSize);
  double rawBytes = 0;
  for (const Level & level : levels)
  {
    rawBytes += 3.0 * level.width * level.height;
  }
  const bool bigTIFF = options.forceBigTIFF || rawBytes > 3.5 * 1024 * 1024 * 1024;
  const char * mode = bigTIFF ? "w8" : "w";
  const Encoding encoding =
    options.compression == PyramidalTIFFOptions::Compression::JPEG ? Encoding::JPEG : Encoding::Deflate;

  WriteAtomically(
    path,
    [&](const std::string & temporary)
    {
      // Lower levels go to scratch files next to the output while level 0 is written,
      // then are copied in after it: libtiff writes one directory at a time.
      RemoveOnExit scratchPaths;
      std::vector<std::unique_ptr<TIFFFile>> scratch;
      for (std::size_t k = 1; k < levels.size(); ++k)
      {
        scratchPaths.paths.push_back(TemporaryPathFor(path));
      }
      auto output = std::make_unique<TIFFFile>(temporary, mode, path);
      SetLevelTags(*output,
                   widthPx,
                   heightPx,
                   levels[0].tile,
                   encoding,
                   options.jpegQuality,
                   false,
                   micronsPerPixel,
                   options.aperioDescription
                     ? AperioDescription(widthPx, heightPx, levels[0].tile, micronsPerPixel, options)
                     : "");
      levels[0].file = output.get();
      for (std::size_t k = 1; k < levels.size(); ++k)
      {
        scratch.push_back(std::make_unique<TIFFFile>(scratchPaths.paths[k - 1], mode, path));
        SetLevelTags(
          *scratch.back(), levels[k].width, levels[k].height, levels[k].tile, Encoding::Scratch, 0, false, 0, "");
        levels[k].file = scratch.back().get();
      }

      PyramidBuilder builder(levels, options.tileSize);
      const std::uint32_t rowsPerCall = levels[0].tile;
      for (std::uint32_t y = 0; y < heightPx; y += rowsPerCall)
      {
        const std::uint32_t rows = std::min(rowsPerCall, heightPx - y);
        render(0, y, widthPx, rows, levels[0].rows.data());
        levels[0].filled = rows;
        builder.FlushTileRow(0);
      }
      output->Check(TIFFWriteDirectory(output->Get()) == 1, "cannot write the level-0 directory");

      for (std::size_t k = 1; k < levels.size(); ++k)
      {
        scratch[k - 1]->Close();
        // "m": no memory mapping, which would count the whole scratch file as resident.
        TIFFFile in(scratchPaths.paths[k - 1], "rm", path);
        SetLevelTags(*output,
                     levels[k].width,
                     levels[k].height,
                     levels[k].tile,
                     encoding,
                     options.jpegQuality,
                     true,
                     micronsPerPixel * std::ldexp(1.0, static_cast<int>(k)),
                     "");
        const tmsize_t tileBytes = static_cast<tmsize_t>(levels[k].tile) * levels[k].tile * 3;
        std::vector<std::uint8_t> buffer(static_cast<std::size_t>(tileBytes));
        const ttile_t count = TIFFNumberOfTiles(in.Get());
        for (ttile_t i = 0; i < count; ++i)
        {
          in.Check(TIFFReadEncodedTile(in.Get(), i, buffer.data(), tileBytes) == tileBytes,
                   "cannot read back tile " + std::to_string(i) + " of level " + std::to_string(k));
          output->Check(TIFFWriteEncodedTile(output->Get(), i, buffer.data(), tileBytes) >= 0,
                        "cannot write tile " + std::to_string(i) + " of level " + std::to_string(k));
        }
        output->Check(TIFFWriteDirectory(output->Get()) == 1,
                      "cannot write the directory of level " + std::to_string(k));
      }
      output->Close();
    });
  LogDebug(path + ": wrote a " + std::to_string(widthPx) + " x " + std::to_string(heightPx) + " px slide, " +
           std::to_string(levels.size()) + " level(s)" + (bigTIFF ? ", BigTIFF" : ""));
}

void WritePyramidalTIFF(const std::string & path, const RGBImageType * image, const PyramidalTIFFOptions & options)
{
  static_assert(sizeof(RGBPixelType) == 3, "RGBPixel<unsigned char> must be three packed bytes");
  if (image == nullptr)
  {
    SS_INPUT_ERROR(path, "image", "no image was given", "pass an RGB image");
  }
  const RegionType region = image->GetBufferedRegion();
  const auto spacing = image->GetSpacing();
  if (std::abs(spacing[0] - spacing[1]) > 1e-6 * std::max(spacing[0], spacing[1]))
  {
    std::ostringstream problem;
    problem << "the pixels are not square (" << spacing[0] << " x " << spacing[1]
            << " µm) and a slide has one µm-per-pixel";
    SS_INPUT_ERROR(path, "spacing", problem.str(), "resample the image to square pixels first");
  }
  DirectionType identity;
  identity.SetIdentity();
  if (!image->GetDirection().GetVnlMatrix().is_equal(identity.GetVnlMatrix(), 1e-9))
  {
    SS_INPUT_ERROR(path,
                   "direction",
                   "the image is rotated or flipped, which a slide cannot store",
                   "resample it to identity direction");
  }
  if (region.GetSize(0) > std::numeric_limits<std::uint32_t>::max() ||
      region.GetSize(1) > std::numeric_limits<std::uint32_t>::max())
  {
    SS_INPUT_ERROR(path, "size", "the image is larger than a TIFF can hold", "split it");
  }
  const auto origin = image->GetOrigin();
  if (origin[0] != 0 || origin[1] != 0)
  {
    std::ostringstream msg;
    msg << path << ": the image's origin (" << origin[0] << ", " << origin[1]
        << ") µm is not stored; the slide reads back with its first pixel at (0, 0) µm";
    LogWarning(msg.str());
  }
  const auto width = static_cast<std::uint32_t>(region.GetSize(0));
  const auto * pixels = reinterpret_cast<const std::uint8_t *>(image->GetBufferPointer());
  WritePyramidalTIFF(
    path,
    width,
    static_cast<std::uint32_t>(region.GetSize(1)),
    spacing[0],
    [pixels, width](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
    {
      for (std::uint32_t r = 0; r < h; ++r)
      {
        std::memcpy(rgb + static_cast<std::size_t>(r) * w * 3,
                    pixels + (static_cast<std::size_t>(y0 + r) * width + static_cast<std::size_t>(x0)) * 3,
                    static_cast<std::size_t>(w) * 3);
      }
    },
    options);
}

} // namespace ss
