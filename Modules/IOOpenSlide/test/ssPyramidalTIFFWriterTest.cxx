#include "ssWSITestSupport.h"

#include "ssError.h"
#include "ssPyramidalTIFFWriter.h"

#include "itkImageRegionIteratorWithIndex.h"

#include <boost/filesystem.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace fs = boost::filesystem;
using sstest::Pattern;

namespace
{

std::string FreshDir(const std::string & name)
{
  const std::string dir = sstest::TestDir() + "/" + name;
  fs::remove_all(dir);
  ss::CreateDirectories(dir);
  return dir;
}

std::vector<std::string> FilesIn(const std::string & dir)
{
  std::vector<std::string> names;
  for (const auto & entry : fs::directory_iterator(dir))
  {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

struct DirectoryInfo
{
  std::uint32_t width = 0, height = 0, tileWidth = 0, tileHeight = 0, subfileType = 0;
  std::uint16_t compression = 0, unit = 0, photometric = 0;
  float xResolution = 0, yResolution = 0;
};

std::vector<DirectoryInfo> Directories(const std::string & path)
{
  std::vector<DirectoryInfo> dirs;
  TIFF * t = TIFFOpen(path.c_str(), "r");
  if (t == nullptr)
  {
    ADD_FAILURE() << "libtiff cannot open " << path;
    return dirs;
  }
  do
  {
    DirectoryInfo d;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &d.width);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &d.height);
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &d.tileWidth);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &d.tileHeight);
    TIFFGetField(t, TIFFTAG_SUBFILETYPE, &d.subfileType);
    TIFFGetField(t, TIFFTAG_COMPRESSION, &d.compression);
    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &d.photometric);
    TIFFGetField(t, TIFFTAG_RESOLUTIONUNIT, &d.unit);
    TIFFGetField(t, TIFFTAG_XRESOLUTION, &d.xResolution);
    TIFFGetField(t, TIFFTAG_YRESOLUTION, &d.yResolution);
    dirs.push_back(d);
  } while (TIFFReadDirectory(t));
  TIFFClose(t);
  return dirs;
}

TEST(PyramidalTIFFWriter, RendersLevelZeroTileRowByTileRow)
{
  const std::string path = FreshDir("rows") + "/rows.tif";
  struct Call
  {
    std::int64_t x0, y0;
    std::uint32_t w, h;
  };
  std::vector<Call> calls;
  const Pattern pattern{ 700, 600, Pattern::Kind::Sharp };
  const auto render = pattern.Renderer();
  ss::PyramidalTIFFOptions options;
  options.tileSize = 128;
  ss::WritePyramidalTIFF(
    path,
    700,
    600,
    0.5,
    [&](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
    {
      calls.push_back({ x0, y0, w, h });
      render(x0, y0, w, h, rgb);
    },
    options);
  // 600 rows in 128-row tile rows: 4 full ones and 88 rows, top to bottom, full width.
  ASSERT_EQ(calls.size(), 5u);
  for (std::size_t i = 0; i < calls.size(); ++i)
  {
    EXPECT_EQ(calls[i].x0, 0);
    EXPECT_EQ(calls[i].y0, static_cast<std::int64_t>(128 * i));
    EXPECT_EQ(calls[i].w, 700u);
    EXPECT_EQ(calls[i].h, i < 4 ? 128u : 88u);
  }
  // A slide thinner than a tile: tile rows of its own (smaller) tile, 96 px here.
  calls.clear();
  const Pattern wide{ 1000, 100, Pattern::Kind::Sharp };
  const auto renderWide = wide.Renderer();
  ss::WritePyramidalTIFF(path,
                         1000,
                         100,
                         0.5,
                         [&](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
                         {
                           calls.push_back({ x0, y0, w, h });
                           renderWide(x0, y0, w, h, rgb);
                         });
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].h, 96u);
  EXPECT_EQ(calls[1].y0, 96);
  EXPECT_EQ(calls[1].h, 4u);
}

TEST(PyramidalTIFFWriter, PyramidStructureAndResolutionTags)
{
  const std::string dir = FreshDir("structure");
  for (const auto compression :
       { ss::PyramidalTIFFOptions::Compression::JPEG, ss::PyramidalTIFFOptions::Compression::Deflate })
  {
    const std::string path = dir + "/slide.tif";
    ss::PyramidalTIFFOptions options;
    options.compression = compression;
    // 1000 x 300, 256 tiles: 1000x300 → 500x150 → 250x75 (fits in a tile); levels
    // thinner than 256 px get the largest tile that fits (multiple of 16).
    ss::WritePyramidalTIFF(path, 1000, 300, 0.25, Pattern{ 1000, 300, Pattern::Kind::Smooth }.Renderer(), options);
    const auto dirs = Directories(path);
    ASSERT_EQ(dirs.size(), 3u);
    const std::uint32_t widths[] = { 1000, 500, 250 };
    const std::uint32_t heights[] = { 300, 150, 75 };
    const std::uint32_t tiles[] = { 256, 144, 64 };
    for (std::size_t k = 0; k < dirs.size(); ++k)
    {
      EXPECT_EQ(dirs[k].width, widths[k]);
      EXPECT_EQ(dirs[k].height, heights[k]);
      EXPECT_EQ(dirs[k].tileWidth, tiles[k]);
      EXPECT_EQ(dirs[k].tileHeight, tiles[k]);
      EXPECT_EQ(dirs[k].subfileType, k == 0 ? 0u : static_cast<std::uint32_t>(FILETYPE_REDUCEDIMAGE));
      EXPECT_EQ(dirs[k].compression,
                compression == ss::PyramidalTIFFOptions::Compression::JPEG ? COMPRESSION_JPEG
                                                                           : COMPRESSION_ADOBE_DEFLATE);
      EXPECT_EQ(dirs[k].photometric,
                compression == ss::PyramidalTIFFOptions::Compression::JPEG ? PHOTOMETRIC_YCBCR : PHOTOMETRIC_RGB);
      EXPECT_EQ(dirs[k].unit, RESUNIT_CENTIMETER);
      // 0.25 µm/px = 40000 px/cm at level 0, halved per level.
      EXPECT_NEAR(dirs[k].xResolution, 40000.0 / std::ldexp(1.0, static_cast<int>(k)), 1e-2);
      EXPECT_NEAR(dirs[k].yResolution, 40000.0 / std::ldexp(1.0, static_cast<int>(k)), 1e-2);
    }
    // Nothing but the slide in the folder: the scratch files of the lower levels are gone.
    EXPECT_EQ(FilesIn(dir), std::vector<std::string>{ "slide.tif" });
  }
  // A slide that fits in one tile has one level (with a tile that fits in it).
  const std::string small = dir + "/small.tif";
  ss::WritePyramidalTIFF(small, 200, 100, 0.5, Pattern{ 200, 100, Pattern::Kind::Sharp }.Renderer());
  ASSERT_EQ(Directories(small).size(), 1u);
  EXPECT_EQ(Directories(small)[0].tileWidth, 96u);
  // A long thin strip stops before a level would be thinner than 16 px.
  const std::string strip = dir + "/strip.tif";
  ss::WritePyramidalTIFF(strip, 4000, 40, 0.5, Pattern{ 4000, 40, Pattern::Kind::Sharp }.Renderer());
  const auto stripDirs = Directories(strip);
  ASSERT_EQ(stripDirs.size(), 2u); // 4000x40, 2000x20; 1000x10 would be too thin
  EXPECT_EQ(stripDirs[1].height, 20u);
  EXPECT_EQ(stripDirs[1].tileWidth, 16u);
}

TEST(PyramidalTIFFWriter, FailingRendererLeavesThePreviousFileAndNoTemporaries)
{
  const std::string dir = FreshDir("atomic");
  const std::string path = dir + "/slide.tif";
  std::ofstream(path) << "previous";
  int calls = 0;
  const auto render = Pattern{ 600, 900, Pattern::Kind::Sharp }.Renderer();
  EXPECT_THROW(
    ss::WritePyramidalTIFF(path,
                           600,
                           900,
                           0.5,
                           [&](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
                           {
                             if (++calls == 3)
                             {
                               throw std::runtime_error("renderer failed");
                             }
                             render(x0, y0, w, h, rgb);
                           }),
    std::runtime_error);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(FilesIn(dir), std::vector<std::string>{ "slide.tif" });
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "previous");
  // A successful write replaces it.
  ss::WritePyramidalTIFF(path, 600, 900, 0.5, render);
  EXPECT_EQ(Directories(path).size(), 3u);
  EXPECT_EQ(FilesIn(dir), std::vector<std::string>{ "slide.tif" });
}

TEST(PyramidalTIFFWriter, RejectsBadArguments)
{
  const std::string path = FreshDir("bad") + "/slide.tif";
  const auto render = Pattern{ 64, 64, Pattern::Kind::Sharp }.Renderer();
  const auto field = [&](std::uint32_t w,
                         std::uint32_t h,
                         double mpp,
                         const ss::RGBRegionRenderer & r,
                         const ss::PyramidalTIFFOptions & o) -> std::string
  {
    try
    {
      ss::WritePyramidalTIFF(path, w, h, mpp, r, o);
    }
    catch (const ss::InputError & e)
    {
      EXPECT_EQ(e.GetInputFile(), path);
      return e.GetField();
    }
    return "no error";
  };
  ss::PyramidalTIFFOptions options;
  EXPECT_EQ(field(0, 64, 0.5, render, options), "size");
  EXPECT_EQ(field(64, 0, 0.5, render, options), "size");
  EXPECT_EQ(field(64, 64, 0.0, render, options), "micronsPerPixel");
  EXPECT_EQ(field(64, 64, std::nan(""), render, options), "micronsPerPixel");
  EXPECT_EQ(field(64, 64, 0.5, ss::RGBRegionRenderer(), options), "renderer");
  options.tileSize = 100;
  EXPECT_EQ(field(64, 64, 0.5, render, options), "tileSize");
  options.tileSize = 0;
  EXPECT_EQ(field(64, 64, 0.5, render, options), "tileSize");
  options.tileSize = 256;
  options.jpegQuality = 0;
  EXPECT_EQ(field(64, 64, 0.5, render, options), "jpegQuality");
  options.jpegQuality = 101;
  EXPECT_EQ(field(64, 64, 0.5, render, options), "jpegQuality");
  options.compression = ss::PyramidalTIFFOptions::Compression::Deflate; // quality does not apply
  EXPECT_EQ(field(64, 64, 0.5, render, options), "no error");
  EXPECT_FALSE(ss::FileExists(sstest::TestDir() + "/bad/missing-folder/slide.tif"));
  // A folder that does not exist: libtiff's own message, naming the output.
  try
  {
    ss::WritePyramidalTIFF(sstest::TestDir() + "/bad/missing-folder/slide.tif", 64, 64, 0.5, render);
    FAIL() << "wrote into a missing folder";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "TIFF output");
    EXPECT_EQ(e.GetInputFile(), sstest::TestDir() + "/bad/missing-folder/slide.tif");
  }
}

TEST(PyramidalTIFFWriter, WritesAnImageInMemory)
{
  const std::string dir = FreshDir("image");
  auto image = ss::RGBImageType::New();
  ss::RegionType region;
  region.SetSize(0, 700);
  region.SetSize(1, 500);
  image->SetRegions(region);
  image->Allocate();
  ss::RGBImageType::SpacingType spacing;
  spacing.Fill(0.8);
  image->SetSpacing(spacing);
  const Pattern pattern{ 700, 500, Pattern::Kind::Sharp };
  for (itk::ImageRegionIteratorWithIndex<ss::RGBImageType> it(image, region); !it.IsAtEnd(); ++it)
  {
    const auto v = pattern.At(it.GetIndex()[0], it.GetIndex()[1]);
    it.Set(ss::RGBPixelType(v.data()));
  }
  ss::PyramidalTIFFOptions options;
  options.compression = ss::PyramidalTIFFOptions::Compression::Deflate;
  const std::string path = dir + "/image.tif";
  ss::WritePyramidalTIFF(path, image, options);
  const auto back = sstest::ReadLevel(path, 0);
  ASSERT_EQ(back->GetLargestPossibleRegion(), region);
  EXPECT_DOUBLE_EQ(back->GetSpacing()[0], 0.8);
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(back, region); !it.IsAtEnd(); ++it)
  {
    ASSERT_EQ(it.Get(), image->GetPixel(it.GetIndex())) << it.GetIndex();
  }

  spacing[1] = 0.9;
  image->SetSpacing(spacing);
  try
  {
    ss::WritePyramidalTIFF(path, image, options);
    FAIL() << "non-square pixels were written as square";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "spacing");
  }
  spacing[1] = 0.8;
  image->SetSpacing(spacing);
  ss::DirectionType flip;
  flip.SetIdentity();
  flip[1][1] = -1;
  image->SetDirection(flip);
  try
  {
    ss::WritePyramidalTIFF(path, image, options);
    FAIL() << "a flipped image was written unflipped";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "direction");
  }
  EXPECT_THROW(ss::WritePyramidalTIFF(path, static_cast<const ss::RGBImageType *>(nullptr), options), ss::InputError);
}

TEST(PyramidalTIFFWriter, BigTIFFIsReadable)
{
  const std::string path = FreshDir("big") + "/big.tif";
  ss::PyramidalTIFFOptions options;
  options.compression = ss::PyramidalTIFFOptions::Compression::Deflate;
  options.forceBigTIFF = true;
  options.tileSize = 64;
  const Pattern pattern{ 300, 200, Pattern::Kind::Sharp };
  ss::WritePyramidalTIFF(path, 300, 200, 0.5, pattern.Renderer(), options);
  // BigTIFF's version number is 43 (classic TIFF: 42), after the byte-order mark.
  std::ifstream in(path, std::ios::binary);
  char header[4] = {};
  in.read(header, 4);
  EXPECT_EQ(header[2] + 256 * header[3], 43);
  const auto level1 = sstest::ReadLevel(path, 1);
  std::uint32_t w = 0, h = 0;
  const auto truth = pattern.Level(1, w, h);
  ASSERT_EQ(level1->GetLargestPossibleRegion().GetSize(0), w);
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(level1, level1->GetLargestPossibleRegion());
       !it.IsAtEnd();
       ++it)
  {
    const auto & want = truth[it.GetIndex()[1] * w + it.GetIndex()[0]];
    ASSERT_EQ(it.Get(), ss::RGBPixelType(want.data())) << it.GetIndex();
  }
}

} // namespace
