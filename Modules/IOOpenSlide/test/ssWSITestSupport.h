#ifndef ssWSITestSupport_h
#define ssWSITestSupport_h

// Shared by the IOOpenSlide tests: synthetic slides, a reader that records the IO
// regions it is asked for, and small TIFF writers for files our writer never makes.

#include "ssFiles.h"
#include "ssOpenSlideImageIO.h"
#include "ssTypes.h"

#include "itkImageFileReader.h"

#include <boost/filesystem.hpp>
#include <gtest/gtest.h>
#include <tiffio.h>

#include <array>
#include <cstdint>
#include <string>
#include <unistd.h>
#include <vector>

namespace sstest
{

/** A folder of this process's own under the test temp dir (tests of other helpers
 * run at the same time). */
inline std::string TestDir()
{
  static const std::string dir = []
  {
    const std::string d = std::string(::testing::TempDir()) + "/ss-wsi-" + std::to_string(::getpid());
    ss::CreateDirectories(d);
    return d;
  }();
  return dir;
}

/** Removes TestDir() after the last test (registered once, in one test source). */
class RemoveTestDir : public ::testing::Environment
{
public:
  void TearDown() override { boost::filesystem::remove_all(TestDir()); }
};

/** Non-constant synthetic H&E stand-ins.
 * Sharp: every pixel differs from its neighbours (ramps modulo 256 and a 8-px
 * checkerboard): any off-by-one or averaging error shows. For lossless files.
 * Smooth: slow ramps and a 32-px grey checkerboard on JPEG block boundaries, so
 * JPEG's error stays small and comparable with a tolerance. */
struct Pattern
{
  enum class Kind
  {
    Sharp,
    Smooth
  };
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Kind kind = Kind::Sharp;

  std::array<std::uint8_t, 3> At(std::int64_t x, std::int64_t y) const
  {
    if (kind == Kind::Sharp)
    {
      return { static_cast<std::uint8_t>((3 * x + y) % 256),
               static_cast<std::uint8_t>((x + 5 * y) % 256),
               static_cast<std::uint8_t>(((x / 8 + y / 8) % 2) ? 230 : 20) };
    }
    // The checkerboard changes all channels alike (luma, which JPEG keeps at full
    // resolution); only the slow ramps are in the subsampled chroma.
    const int c = ((x / 32 + y / 32) % 2) ? 60 : 0;
    return { static_cast<std::uint8_t>(30 + 150 * x / width + c),
             static_cast<std::uint8_t>(30 + 150 * y / height + c),
             static_cast<std::uint8_t>(100 + c) };
  }

  ss::RGBRegionRenderer Renderer() const
  {
    const Pattern p = *this;
    return [p](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
    {
      for (std::uint32_t r = 0; r < h; ++r)
      {
        for (std::uint32_t c = 0; c < w; ++c)
        {
          const auto v = p.At(x0 + c, y0 + r);
          std::copy(v.begin(), v.end(), rgb + 3 * (static_cast<std::size_t>(r) * w + c));
        }
      }
    };
  }

  /** Level k of our writer's pyramid, from the pattern: level k = 2x2 means of level
   * k-1, rounded, blocks cut by an edge averaging what they have. */
  std::vector<std::array<std::uint8_t, 3>> Level(int k, std::uint32_t & w, std::uint32_t & h) const
  {
    w = width;
    h = height;
    std::vector<std::array<std::uint8_t, 3>> pixels(static_cast<std::size_t>(w) * h);
    for (std::uint32_t y = 0; y < h; ++y)
    {
      for (std::uint32_t x = 0; x < w; ++x)
      {
        pixels[static_cast<std::size_t>(y) * w + x] = At(x, y);
      }
    }
    for (int level = 0; level < k; ++level)
    {
      const std::uint32_t nw = (w + 1) / 2, nh = (h + 1) / 2;
      std::vector<std::array<std::uint8_t, 3>> next(static_cast<std::size_t>(nw) * nh);
      for (std::uint32_t y = 0; y < nh; ++y)
      {
        for (std::uint32_t x = 0; x < nw; ++x)
        {
          for (int c = 0; c < 3; ++c)
          {
            unsigned sum = 0, n = 0;
            for (std::uint32_t yy = 2 * y; yy < std::min(h, 2 * y + 2); ++yy)
            {
              for (std::uint32_t xx = 2 * x; xx < std::min(w, 2 * x + 2); ++xx)
              {
                sum += pixels[static_cast<std::size_t>(yy) * w + xx][c];
                ++n;
              }
            }
            next[static_cast<std::size_t>(y) * nw + x][c] = static_cast<std::uint8_t>((sum + n / 2) / n);
          }
        }
      }
      pixels.swap(next);
      w = nw;
      h = nh;
    }
    return pixels;
  }
};

/** OpenSlideImageIO that remembers every IO region Read() was asked for. */
class RecordingOpenSlideImageIO : public ss::OpenSlideImageIO
{
public:
  ITK_DISALLOW_COPY_AND_MOVE(RecordingOpenSlideImageIO);
  using Self = RecordingOpenSlideImageIO;
  using Superclass = ss::OpenSlideImageIO;
  using Pointer = itk::SmartPointer<Self>;
  itkNewMacro(Self);
  itkTypeMacro(RecordingOpenSlideImageIO, ss::OpenSlideImageIO);

  void Read(void * buffer) override
  {
    m_Regions.push_back(this->GetIORegion());
    Superclass::Read(buffer);
  }
  std::vector<itk::ImageIORegion> m_Regions;

protected:
  RecordingOpenSlideImageIO() = default;
  ~RecordingOpenSlideImageIO() override = default;
};

/** Reads `region` (all of the level when empty) of `path` at `level`. */
inline ss::RGBImageType::Pointer ReadLevel(const std::string & path,
                                           int level,
                                           const ss::RegionType & region = ss::RegionType(),
                                           ss::OpenSlideImageIO * io = nullptr)
{
  ss::OpenSlideImageIO::Pointer owned = io;
  if (owned.IsNull())
  {
    owned = ss::OpenSlideImageIO::New();
  }
  owned->SetLevel(level);
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetFileName(path);
  reader->SetImageIO(owned);
  reader->UpdateOutputInformation();
  if (region.GetNumberOfPixels() > 0)
  {
    reader->GetOutput()->SetRequestedRegion(region);
  }
  else
  {
    reader->GetOutput()->SetRequestedRegionToLargestPossibleRegion();
  }
  reader->Update();
  ss::RGBImageType::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();
  return image;
}

/** A deflate-compressed tiled RGB TIFF of `levels` levels (each half the last, all
 * with `tile` px tiles) without an Aperio description; resolution tags only when
 * `unit` is not RESUNIT_NONE. */
inline void WriteTiledTIFF(const std::string & path,
                           std::uint32_t width,
                           std::uint32_t height,
                           int levels,
                           std::uint16_t unit,
                           float resolution,
                           std::uint32_t tile = 64)
{
  TIFF * t = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(t, nullptr);
  const Pattern pattern{ width, height, Pattern::Kind::Sharp };
  for (int k = 0; k < levels; ++k)
  {
    std::uint32_t w = 0, h = 0;
    const auto pixels = pattern.Level(k, w, h);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(t, TIFFTAG_TILEWIDTH, tile);
    TIFFSetField(t, TIFFTAG_TILELENGTH, tile);
    if (k > 0)
    {
      TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_REDUCEDIMAGE);
    }
    if (unit != RESUNIT_NONE)
    {
      TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, unit);
      TIFFSetField(t, TIFFTAG_XRESOLUTION, resolution);
      TIFFSetField(t, TIFFTAG_YRESOLUTION, resolution);
    }
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(tile) * tile * 3);
    for (std::uint32_t ty = 0; ty < h; ty += tile)
    {
      for (std::uint32_t tx = 0; tx < w; tx += tile)
      {
        for (std::uint32_t y = 0; y < tile; ++y)
        {
          for (std::uint32_t x = 0; x < tile; ++x)
          {
            const auto & p = pixels[std::min(h - 1, ty + y) * static_cast<std::size_t>(w) + std::min(w - 1, tx + x)];
            std::copy(p.begin(), p.end(), buffer.data() + 3 * (static_cast<std::size_t>(y) * tile + x));
          }
        }
        TIFFWriteTile(t, buffer.data(), tx, ty, 0, 0);
      }
    }
    TIFFWriteDirectory(t);
  }
  TIFFClose(t);
}

} // namespace sstest

#endif
