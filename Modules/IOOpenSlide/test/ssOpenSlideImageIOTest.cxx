#include "ssWSITestSupport.h"

#include "ssError.h"
#include "ssOpenSlideImageIO.h"
#include "ssOpenSlideImageIOFactory.h"
#include "ssPyramidalTIFFWriter.h"

#include "itkImageFileWriter.h"
#include "itkImageIOFactory.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkImageRegionSplitterMultidimensional.h"
#include "itkJPEGImageIO.h"
#include "itkMetaDataObject.h"
#include "itkPNGImageIO.h"
#include "itkStreamingImageFilter.h"

#include <openslide.h>

#include <cmath>
#include <fstream>
#include <sstream>

using sstest::Pattern;
using sstest::ReadLevel;
using sstest::RecordingOpenSlideImageIO;

namespace
{

::testing::Environment * const removeTestDir = ::testing::AddGlobalTestEnvironment(new sstest::RemoveTestDir);

ss::RegionType MakeRegion(long x, long y, unsigned long w, unsigned long h)
{
  ss::RegionType r;
  r.SetIndex(0, x);
  r.SetIndex(1, y);
  r.SetSize(0, w);
  r.SetSize(1, h);
  return r;
}

class OpenSlideImageIOTest : public ::testing::Test
{
protected:
  // 1280 x 768 with 256 px tiles: levels 1280x768, 640x384, 320x192, 160x96.
  static constexpr std::uint32_t W = 1280, H = 768;
  static constexpr double Mpp = 0.5;

  static void SetUpTestSuite()
  {
    const std::string dir = sstest::TestDir();
    s_Deflate = dir + "/deflate.tif";
    s_JPEG = dir + "/jpeg.tif";
    s_Odd = dir + "/odd.tif";
    s_NoMpp = dir + "/nompp.tif";
    s_Inch = dir + "/inch.tif";
    s_Generic = dir + "/generic.tif";
    ss::PyramidalTIFFOptions deflate;
    deflate.compression = ss::PyramidalTIFFOptions::Compression::Deflate;
    ss::WritePyramidalTIFF(s_Deflate, W, H, Mpp, Pattern{ W, H, Pattern::Kind::Sharp }.Renderer(), deflate);
    ss::PyramidalTIFFOptions jpeg;
    jpeg.jpegQuality = 95;
    ss::WritePyramidalTIFF(s_JPEG, W, H, Mpp, Pattern{ W, H, Pattern::Kind::Smooth }.Renderer(), jpeg);
    ss::WritePyramidalTIFF(s_Odd, 1001, 767, Mpp, Pattern{ 1001, 767, Pattern::Kind::Smooth }.Renderer(), deflate);
    ss::PyramidalTIFFOptions generic = deflate;
    generic.aperioDescription = false;
    ss::WritePyramidalTIFF(s_Generic, W, H, 0.2527, Pattern{ W, H, Pattern::Kind::Sharp }.Renderer(), generic);
    sstest::WriteTiledTIFF(s_NoMpp, 512, 384, 2, RESUNIT_NONE, 0);
    sstest::WriteTiledTIFF(s_Inch, 512, 384, 2, RESUNIT_INCH, 72);
  }

  /** Compares the buffered pixels of `image` with level `level` of our writer's
   * pyramid of `pattern`: exactly when tolerance is 0. */
  static void ExpectMatchesLevel(const ss::RGBImageType * image,
                                 const Pattern & pattern,
                                 int level,
                                 int tolerance,
                                 double meanTolerance)
  {
    std::uint32_t truthWidth = 0, truthHeight = 0;
    const auto truth = pattern.Level(level, truthWidth, truthHeight);
    const ss::RegionType region = image->GetBufferedRegion();
    ASSERT_EQ(image->GetLargestPossibleRegion().GetSize(0), truthWidth);
    ASSERT_EQ(image->GetLargestPossibleRegion().GetSize(1), truthHeight);
    double sum = 0;
    int worst = 0;
    std::size_t n = 0;
    for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(image, region); !it.IsAtEnd(); ++it, ++n)
    {
      const auto & idx = it.GetIndex();
      const auto & want = truth[static_cast<std::size_t>(idx[1]) * truthWidth + static_cast<std::size_t>(idx[0])];
      for (int c = 0; c < 3; ++c)
      {
        const int d = std::abs(int(it.Get()[c]) - int(want[c]));
        worst = std::max(worst, d);
        sum += d;
        if (tolerance == 0 && d != 0)
        {
          FAIL() << "pixel " << idx << " channel " << c << ": read " << int(it.Get()[c]) << ", wrote " << int(want[c]);
        }
      }
    }
    ASSERT_GT(n, 0u);
    EXPECT_LE(worst, tolerance);
    EXPECT_LE(sum / (3.0 * n), meanTolerance);
  }

  static std::string s_Deflate, s_JPEG, s_Odd, s_NoMpp, s_Inch, s_Generic;
};

std::string OpenSlideImageIOTest::s_Deflate;
std::string OpenSlideImageIOTest::s_JPEG;
std::string OpenSlideImageIOTest::s_Odd;
std::string OpenSlideImageIOTest::s_NoMpp;
std::string OpenSlideImageIOTest::s_Inch;
std::string OpenSlideImageIOTest::s_Generic;

TEST_F(OpenSlideImageIOTest, ReadsExactlyTheRequestedRegionLossless)
{
  auto io = RecordingOpenSlideImageIO::New();
  const ss::RegionType region = MakeRegion(300, 200, 333, 171);
  const auto image = ReadLevel(s_Deflate, 0, region, io);
  EXPECT_EQ(image->GetBufferedRegion(), region);
  EXPECT_EQ(image->GetLargestPossibleRegion(), MakeRegion(0, 0, W, H));
  // OpenSlide was asked for that region only, not the level.
  ASSERT_EQ(io->m_Regions.size(), 1u);
  EXPECT_EQ(io->m_Regions[0].GetIndex(0), 300);
  EXPECT_EQ(io->m_Regions[0].GetIndex(1), 200);
  EXPECT_EQ(io->m_Regions[0].GetSize(0), 333u);
  EXPECT_EQ(io->m_Regions[0].GetSize(1), 171u);
  ExpectMatchesLevel(image, Pattern{ W, H, Pattern::Kind::Sharp }, 0, 0, 0.0);

  // A reader with streaming turned off gets the whole level, as ITK intends.
  auto whole = RecordingOpenSlideImageIO::New();
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetFileName(s_Deflate);
  reader->SetImageIO(whole);
  reader->SetUseStreaming(false);
  reader->UpdateOutputInformation();
  reader->GetOutput()->SetRequestedRegion(region);
  reader->Update();
  ASSERT_EQ(whole->m_Regions.size(), 1u);
  EXPECT_EQ(whole->m_Regions[0].GetSize(0), W);
  EXPECT_EQ(whole->m_Regions[0].GetSize(1), H);
}

TEST_F(OpenSlideImageIOTest, ReadsTheRequestedRegionJPEGWithinTolerance)
{
  const auto image = ReadLevel(s_JPEG, 0, MakeRegion(517, 33, 400, 300));
  // Quality 95, smooth content: under one grey level on average.
  ExpectMatchesLevel(image, Pattern{ W, H, Pattern::Kind::Smooth }, 0, 16, 1.0);
}

TEST_F(OpenSlideImageIOTest, LowerLevelsAreTheTwoByTwoAverages)
{
  const auto image = ReadLevel(s_Deflate, 1);
  EXPECT_EQ(image->GetLargestPossibleRegion(), MakeRegion(0, 0, W / 2, H / 2));
  ExpectMatchesLevel(image, Pattern{ W, H, Pattern::Kind::Sharp }, 1, 0, 0.0);
  // A region of level 2 (downsample 4) is the average of the averages.
  const auto level2 = ReadLevel(s_Deflate, 2, MakeRegion(50, 20, 200, 150));
  ExpectMatchesLevel(level2, Pattern{ W, H, Pattern::Kind::Sharp }, 2, 0, 0.0);
  // Levels 2 and 3 (320 x 192, 160 x 96) are smaller than 256 px: the writer gave
  // them tiles that fit (192, 96), which OpenSlide 3.4.1 + libtiff 4.5 read right.
  ExpectMatchesLevel(ReadLevel(s_Deflate, 2), Pattern{ W, H, Pattern::Kind::Sharp }, 2, 0, 0.0);
  ExpectMatchesLevel(ReadLevel(s_Deflate, 3), Pattern{ W, H, Pattern::Kind::Sharp }, 3, 0, 0.0);
  // JPEG levels too, within JPEG's tolerance.
  for (int level = 1; level < 4; ++level)
  {
    ExpectMatchesLevel(ReadLevel(s_JPEG, level), Pattern{ W, H, Pattern::Kind::Smooth }, level, 24, 1.5);
  }
}

TEST_F(OpenSlideImageIOTest, RefusesNonJPEGLevelsSmallerThanTheirTiles)
{
  // Deflate, 256-px tiles, level 1 = 256 x 192: OpenSlide 3.4.1 with libtiff 4.5
  // would shift every one of its pixels.
  const std::string path = sstest::TestDir() + "/bigtiles.tif";
  sstest::WriteTiledTIFF(path, 512, 384, 2, RESUNIT_CENTIMETER, 20000, 256);
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(path);
  io->SetLevel(1);
  try
  {
    io->ReadImageInformation();
    if (std::string(openslide_get_version()).rfind("3.", 0) == 0)
    {
      FAIL() << "a level OpenSlide " << openslide_get_version() << " misreads was accepted";
    }
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "level 1");
    EXPECT_NE(std::string(e.GetProblem()).find("256 x 192"), std::string::npos) << e.what();
  }
  // Level 0 (512 x 384, larger than its tiles) reads exactly.
  ExpectMatchesLevel(ReadLevel(path, 0), Pattern{ 512, 384, Pattern::Kind::Sharp }, 0, 0, 0.0);
}

TEST_F(OpenSlideImageIOTest, SpacingAndOriginAddressTheSameTissueAtEveryLevel)
{
  const auto level0 = ReadLevel(s_Deflate, 0);
  const auto level1 = ReadLevel(s_Deflate, 1);
  EXPECT_DOUBLE_EQ(level0->GetSpacing()[0], Mpp);
  EXPECT_DOUBLE_EQ(level0->GetSpacing()[1], Mpp);
  EXPECT_DOUBLE_EQ(level0->GetOrigin()[0], 0.0);
  EXPECT_DOUBLE_EQ(level0->GetOrigin()[1], 0.0);
  EXPECT_DOUBLE_EQ(level1->GetSpacing()[0], 2 * Mpp);
  EXPECT_DOUBLE_EQ(level1->GetSpacing()[1], 2 * Mpp);
  // Level-1 pixel i covers level-0 pixels 2i and 2i+1: centre at (2i + 0.5) level-0 px.
  EXPECT_DOUBLE_EQ(level1->GetOrigin()[0], 0.5 * Mpp);
  EXPECT_DOUBLE_EQ(level1->GetOrigin()[1], 0.5 * Mpp);
  EXPECT_TRUE(level1->GetDirection().GetVnlMatrix().is_identity());

  // Physical points across the slide: the level-1 pixel holding a point is the 2x2
  // block of the level-0 pixel holding it, and holds that block's average.
  for (double px = 0.3; px < W * Mpp; px += 37.77)
  {
    for (double py = 0.1; py < H * Mpp; py += 41.3)
    {
      ss::PointType p;
      p[0] = px;
      p[1] = py;
      ss::IndexType i0, i1;
      ASSERT_TRUE(level0->TransformPhysicalPointToIndex(p, i0));
      ASSERT_TRUE(level1->TransformPhysicalPointToIndex(p, i1));
      EXPECT_EQ(i1[0], i0[0] / 2) << p;
      EXPECT_EQ(i1[1], i0[1] / 2) << p;
      for (int c = 0; c < 3; ++c)
      {
        unsigned sum = 0;
        for (int dy = 0; dy < 2; ++dy)
        {
          for (int dx = 0; dx < 2; ++dx)
          {
            ss::IndexType j;
            j[0] = 2 * i1[0] + dx;
            j[1] = 2 * i1[1] + dy;
            sum += level0->GetPixel(j)[c];
          }
        }
        EXPECT_EQ(level1->GetPixel(i1)[c], (sum + 2) / 4) << p;
      }
    }
  }
}

TEST_F(OpenSlideImageIOTest, StreamingInFourPiecesGivesTheSameImageFromSubRegions)
{
  for (int level : { 0, 1 })
  {
    std::vector<ss::RGBImageType::Pointer> images;
    for (unsigned divisions : { 1u, 4u })
    {
      auto io = RecordingOpenSlideImageIO::New();
      io->SetLevel(level);
      auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
      reader->SetFileName(s_Deflate);
      reader->SetImageIO(io);
      auto streamer = itk::StreamingImageFilter<ss::RGBImageType, ss::RGBImageType>::New();
      streamer->SetInput(reader->GetOutput());
      streamer->SetNumberOfStreamDivisions(divisions);
      streamer->SetRegionSplitter(itk::ImageRegionSplitterMultidimensional::New());
      streamer->Update();
      const ss::RegionType whole = streamer->GetOutput()->GetLargestPossibleRegion();
      ASSERT_EQ(io->m_Regions.size(), divisions) << "level " << level;
      std::size_t pixels = 0;
      for (const auto & r : io->m_Regions)
      {
        if (divisions > 1)
        {
          EXPECT_LT(r.GetSize(0) * r.GetSize(1), whole.GetNumberOfPixels());
          EXPECT_LE(r.GetSize(0), whole.GetSize(0) / 2 + 1);
          EXPECT_LE(r.GetSize(1), whole.GetSize(1) / 2 + 1);
        }
        pixels += r.GetSize(0) * r.GetSize(1);
      }
      EXPECT_EQ(pixels, whole.GetNumberOfPixels());
      ss::RGBImageType::Pointer out = streamer->GetOutput();
      out->DisconnectPipeline();
      images.push_back(out);
    }
    ExpectMatchesLevel(images[0], Pattern{ W, H, Pattern::Kind::Sharp }, level, 0, 0.0);
    ExpectMatchesLevel(images[1], Pattern{ W, H, Pattern::Kind::Sharp }, level, 0, 0.0);
  }
}

TEST_F(OpenSlideImageIOTest, LevelsWithNonIntegerDownsampleReadTheSameWhateverTheSplit)
{
  // 1001 x 767: level 1 is 501 x 384, downsample (1001/501 + 767/384) / 2, which
  // OpenSlide uses to place the read: reads that start elsewhere land between pixels.
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Odd);
  const double d = io->GetLevelDownsample(1);
  EXPECT_DOUBLE_EQ(d, (1001.0 / 501.0 + 767.0 / 384.0) / 2.0);
  const auto whole = ReadLevel(s_Odd, 1);
  EXPECT_NEAR(whole->GetSpacing()[0], Mpp * d, 1e-12);
  EXPECT_NEAR(whole->GetOrigin()[0], (0.5 * d - 0.5) * Mpp, 1e-12);
  const ss::RegionType region = whole->GetLargestPossibleRegion();
  for (const ss::RegionType & piece : { MakeRegion(0, 0, 250, 200),
                                        MakeRegion(250, 0, 251, 200),
                                        MakeRegion(13, 200, 300, 184),
                                        MakeRegion(313, 251, 188, 133),
                                        MakeRegion(437, 17, 64, 367) })
  {
    const auto part = ReadLevel(s_Odd, 1, piece);
    for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(part, piece); !it.IsAtEnd(); ++it)
    {
      ASSERT_EQ(it.Get(), whole->GetPixel(it.GetIndex())) << it.GetIndex() << " of " << piece;
    }
  }
  // Close to the 2x2 average: OpenSlide shifts by less than half a pixel.
  ExpectMatchesLevel(whole, Pattern{ 1001, 767, Pattern::Kind::Smooth }, 1, 255, 3.0);
}

TEST_F(OpenSlideImageIOTest, LevelCountDimensionsDownsamplesAndVendor)
{
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Deflate);
  ASSERT_EQ(io->GetLevelCount(), 4);
  const unsigned long widths[] = { 1280, 640, 320, 160 };
  const unsigned long heights[] = { 768, 384, 192, 96 };
  for (int k = 0; k < 4; ++k)
  {
    EXPECT_EQ(io->GetLevelDimensions(k)[0], widths[k]);
    EXPECT_EQ(io->GetLevelDimensions(k)[1], heights[k]);
    EXPECT_DOUBLE_EQ(io->GetLevelDownsample(k), std::ldexp(1.0, k));
  }
  EXPECT_EQ(io->GetVendor(), "aperio");
  // Tiles: 256 px, and the largest multiple of 16 that fits in the smaller levels.
  io->ReadImageInformation();
  const char * tileWidths[] = { "256", "256", "192", "96" };
  for (int k = 0; k < 4; ++k)
  {
    std::string tile;
    EXPECT_TRUE(itk::ExposeMetaData<std::string>(
      io->GetMetaDataDictionary(), "openslide.level[" + std::to_string(k) + "].tile-height", tile));
    EXPECT_EQ(tile, tileWidths[k]);
  }
  EXPECT_THROW(io->GetLevelDimensions(4), ss::InputError);
  EXPECT_THROW(io->GetLevelDownsample(-1), ss::InputError);
}

TEST_F(OpenSlideImageIOTest, PropertiesAreInTheMetaDataDictionary)
{
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Deflate);
  io->ReadImageInformation();
  const auto & dictionary = io->GetMetaDataDictionary();
  std::string vendor, mpp, levels;
  ASSERT_TRUE(itk::ExposeMetaData<std::string>(dictionary, "openslide.vendor", vendor));
  ASSERT_TRUE(itk::ExposeMetaData<std::string>(dictionary, "aperio.MPP", mpp));
  ASSERT_TRUE(itk::ExposeMetaData<std::string>(dictionary, "openslide.level-count", levels));
  EXPECT_EQ(vendor, "aperio");
  EXPECT_EQ(mpp, "0.5");
  EXPECT_EQ(levels, "4");
  // The reader's output carries them too.
  const auto image = ReadLevel(s_Deflate, 3);
  std::string height3;
  ASSERT_TRUE(itk::ExposeMetaData<std::string>(image->GetMetaDataDictionary(), "openslide.level[3].height", height3));
  EXPECT_EQ(height3, "96");
}

TEST_F(OpenSlideImageIOTest, MissingMicronsPerPixelIsAClearError)
{
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetFileName(s_NoMpp);
  reader->SetImageIO(ss::OpenSlideImageIO::New());
  try
  {
    reader->Update();
    FAIL() << "a slide without µm per pixel was read";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetInputFile(), s_NoMpp);
    EXPECT_EQ(e.GetField(), "openslide.mpp-x/openslide.mpp-y");
    const std::string what = e.what();
    EXPECT_NE(what.find(s_NoMpp), std::string::npos) << what;
    EXPECT_NE(what.find("generic-tiff"), std::string::npos) << what;
    EXPECT_NE(what.find("SetMicronsPerPixel"), std::string::npos) << what;
  }
  // Inch resolution tags (72 dpi, what non-scanner software writes) are not trusted either.
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Inch);
  try
  {
    io->ReadImageInformation();
    FAIL() << "inch resolution tags were taken as a tissue scale";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_NE(std::string(e.GetProblem()).find("inch"), std::string::npos) << e.what();
  }
}

TEST_F(OpenSlideImageIOTest, MicronsPerPixelOverride)
{
  auto io = ss::OpenSlideImageIO::New();
  io->SetMicronsPerPixel(0.25);
  const auto level0 = ReadLevel(s_NoMpp, 0, ss::RegionType(), io);
  EXPECT_DOUBLE_EQ(level0->GetSpacing()[0], 0.25);
  EXPECT_DOUBLE_EQ(level0->GetSpacing()[1], 0.25);
  EXPECT_EQ(std::string(io->GetMicronsPerPixelSource()), "user");
  auto io1 = ss::OpenSlideImageIO::New();
  ss::OpenSlideImageIO::MicronsPerPixelType mpp;
  mpp[0] = 0.25;
  mpp[1] = 0.3;
  io1->SetMicronsPerPixel(mpp);
  const auto level1 = ReadLevel(s_NoMpp, 1, ss::RegionType(), io1);
  EXPECT_DOUBLE_EQ(level1->GetSpacing()[0], 0.5);
  EXPECT_DOUBLE_EQ(level1->GetSpacing()[1], 0.6);
  EXPECT_DOUBLE_EQ(level1->GetOrigin()[0], 0.125);
  EXPECT_DOUBLE_EQ(level1->GetOrigin()[1], 0.15);
  // The pixels are the same whatever the pixel size.
  ExpectMatchesLevel(level1, Pattern{ 512, 384, Pattern::Kind::Sharp }, 1, 0, 0.0);

  // Over a slide's own calibration (logged as a warning).
  auto io2 = ss::OpenSlideImageIO::New();
  io2->SetMicronsPerPixel(0.3);
  EXPECT_DOUBLE_EQ(ReadLevel(s_Deflate, 0, MakeRegion(0, 0, 8, 8), io2)->GetSpacing()[0], 0.3);
  // Back to the slide's own.
  io2->SetMicronsPerPixel(0.0);
  EXPECT_DOUBLE_EQ(ReadLevel(s_Deflate, 0, MakeRegion(0, 0, 8, 8), io2)->GetSpacing()[0], Mpp);
  EXPECT_EQ(std::string(io2->GetMicronsPerPixelSource()), "openslide.mpp");

  EXPECT_THROW(io2->SetMicronsPerPixel(-1.0), itk::ExceptionObject);
  EXPECT_THROW(io2->SetMicronsPerPixel(std::nan("")), itk::ExceptionObject);
  mpp[0] = 0.5;
  mpp[1] = 0;
  io2->SetMicronsPerPixel(mpp);
  io2->SetFileName(s_Deflate);
  EXPECT_THROW(io2->ReadImageInformation(), itk::ExceptionObject);
}

TEST_F(OpenSlideImageIOTest, MicronsPerPixelRoundTripsThroughOpenSlide)
{
  // Aperio description: OpenSlide 3.4.1 itself reports openslide.mpp-x/y.
  const std::string path = sstest::TestDir() + "/mpp.tif";
  ss::WritePyramidalTIFF(path, 300, 200, 0.2527, Pattern{ 300, 200, Pattern::Kind::Sharp }.Renderer());
  openslide_t * osr = openslide_open(path.c_str());
  ASSERT_NE(osr, nullptr);
  ASSERT_EQ(openslide_get_error(osr), nullptr);
  ASSERT_NE(openslide_get_property_value(osr, OPENSLIDE_PROPERTY_NAME_MPP_X), nullptr);
  EXPECT_EQ(std::stod(openslide_get_property_value(osr, OPENSLIDE_PROPERTY_NAME_MPP_X)), 0.2527);
  EXPECT_EQ(std::stod(openslide_get_property_value(osr, OPENSLIDE_PROPERTY_NAME_MPP_Y)), 0.2527);
  openslide_close(osr);
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(path);
  io->ReadImageInformation();
  EXPECT_EQ(io->GetSpacing(0), 0.2527);
  EXPECT_EQ(std::string(io->GetMicronsPerPixelSource()), "openslide.mpp");

  // Without it, OpenSlide 3.4.1's generic-tiff driver reports no mpp, only the TIFF
  // resolution tags, which the ImageIO reads (single-precision in the file).
  osr = openslide_open(s_Generic.c_str());
  ASSERT_NE(osr, nullptr);
  EXPECT_STREQ(openslide_get_property_value(osr, OPENSLIDE_PROPERTY_NAME_VENDOR), "generic-tiff");
  EXPECT_EQ(openslide_get_property_value(osr, OPENSLIDE_PROPERTY_NAME_MPP_X), nullptr);
  EXPECT_STREQ(openslide_get_property_value(osr, "tiff.ResolutionUnit"), "centimeter");
  openslide_close(osr);
  auto generic = ss::OpenSlideImageIO::New();
  generic->SetLevel(1);
  generic->SetFileName(s_Generic);
  generic->ReadImageInformation();
  EXPECT_EQ(std::string(generic->GetMicronsPerPixelSource()), "tiff-resolution");
  EXPECT_NEAR(generic->GetMicronsPerPixel()[0], 0.2527, 1e-6 * 0.2527);
  EXPECT_NEAR(generic->GetSpacing(1), 2 * 0.2527, 2e-6 * 0.2527);
}

TEST_F(OpenSlideImageIOTest, DoesNotClaimPlainImagesOrOtherFiles)
{
  const std::string dir = sstest::TestDir();
  auto image = ss::RGBImageType::New();
  image->SetRegions(MakeRegion(0, 0, 64, 48));
  image->Allocate();
  image->FillBuffer(ss::RGBPixelType(100));
  auto writer = itk::ImageFileWriter<ss::RGBImageType>::New();
  writer->SetInput(image);
  writer->SetFileName(dir + "/plain.png");
  writer->SetImageIO(itk::PNGImageIO::New());
  writer->Update();
  writer->SetFileName(dir + "/plain.jpg");
  writer->SetImageIO(itk::JPEGImageIO::New());
  writer->Update();
  // A strip (non-tiled) TIFF, which ITK's TIFFImageIO reads.
  {
    TIFF * t = TIFFOpen((dir + "/strips.tif").c_str(), "w");
    ASSERT_NE(t, nullptr);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 64);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 48);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
    std::vector<std::uint8_t> row(64 * 3, 90);
    for (std::uint32_t y = 0; y < 48; ++y)
    {
      TIFFWriteScanline(t, row.data(), y, 0);
    }
    TIFFClose(t);
  }
  std::ofstream(dir + "/notes.txt") << "not an image\n";

  auto io = ss::OpenSlideImageIO::New();
  EXPECT_TRUE(io->CanReadFile(s_Deflate.c_str()));
  EXPECT_TRUE(io->CanReadFile(s_NoMpp.c_str())); // a slide; its missing mpp is ReadImageInformation's business
  for (const char * name : { "/plain.png", "/plain.jpg", "/strips.tif", "/notes.txt", "/missing.svs" })
  {
    EXPECT_FALSE(io->CanReadFile((dir + name).c_str())) << name;
  }
  EXPECT_FALSE(io->CanReadFile(""));
  io->SetFileName(dir + "/plain.png");
  try
  {
    io->ReadImageInformation();
    FAIL() << "a PNG was opened as a slide";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "format");
  }
}

TEST_F(OpenSlideImageIOTest, LevelOutOfRangeIsAnInputError)
{
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Deflate);
  io->SetLevel(4);
  try
  {
    io->ReadImageInformation();
    FAIL() << "level 4 of a 4-level slide was read";
  }
  catch (const ss::InputError & e)
  {
    EXPECT_EQ(e.GetField(), "level");
    EXPECT_NE(std::string(e.GetFix()).find("0 (full resolution) to 3"), std::string::npos) << e.what();
  }
}

TEST_F(OpenSlideImageIOTest, WritingIsRefused)
{
  auto io = ss::OpenSlideImageIO::New();
  EXPECT_FALSE(io->CanWriteFile((sstest::TestDir() + "/out.svs").c_str()));
  try
  {
    io->WriteImageInformation();
    FAIL() << "WriteImageInformation did not throw";
  }
  catch (const itk::ExceptionObject & e)
  {
    EXPECT_NE(std::string(e.GetDescription()).find("WritePyramidalTIFF"), std::string::npos);
  }
  std::uint8_t pixel[3] = { 0, 0, 0 };
  EXPECT_THROW(io->Write(pixel), itk::ExceptionObject);
}

TEST_F(OpenSlideImageIOTest, OutsideTheLevelIsWhite)
{
  // ITK never asks for pixels outside the level, but OpenSlide returns transparent
  // pixels there (and in unscanned areas of real slides): they must come out white.
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Deflate);
  io->ReadImageInformation();
  itk::ImageIORegion region(2);
  region.SetIndex(0, W - 2);
  region.SetIndex(1, 10);
  region.SetSize(0, 4);
  region.SetSize(1, 1);
  io->SetIORegion(region);
  std::uint8_t rgb[12];
  io->Read(rgb);
  const Pattern pattern{ W, H, Pattern::Kind::Sharp };
  for (int x = 0; x < 2; ++x)
  {
    const auto want = pattern.At(W - 2 + x, 10);
    EXPECT_EQ(rgb[3 * x], want[0]);
    EXPECT_EQ(rgb[3 * x + 1], want[1]);
    EXPECT_EQ(rgb[3 * x + 2], want[2]);
  }
  for (int i = 6; i < 12; ++i)
  {
    EXPECT_EQ(rgb[i], 255) << i;
  }
}

TEST(PremultipliedARGBToRGB, UnpremultipliesAndWhitensTransparency)
{
  const std::uint32_t argb[] = {
    0xFF0A141Eu, // opaque: unchanged
    0x00000000u, // transparent: white
    0x80408000u, // half alpha, premultiplied (64, 128, 0) -> (128, 255, 0)
    0x40102030u, // alpha 64: (16, 32, 48) * 255 / 64 -> (64, 128, 191)
    0x80C80000u, // inconsistent premultiplied value above alpha: clamped
  };
  std::uint8_t rgb[15];
  ss::PremultipliedARGBToRGB(argb, 5, rgb);
  const std::uint8_t want[15] = { 10, 20, 30, 255, 255, 255, 128, 255, 0, 64, 128, 191, 255, 0, 0 };
  for (int i = 0; i < 15; ++i)
  {
    EXPECT_EQ(rgb[i], want[i]) << i;
  }
}

TEST_F(OpenSlideImageIOTest, FactoryPutsOpenSlideFirstForSlidesOnly)
{
  ss::OpenSlideImageIOFactory::RegisterOneFactory();
  ss::OpenSlideImageIOFactory::RegisterOneFactory();
  int registered = 0;
  for (auto * factory : itk::ObjectFactoryBase::GetRegisteredFactories())
  {
    registered += dynamic_cast<ss::OpenSlideImageIOFactory *>(factory) != nullptr;
  }
  EXPECT_EQ(registered, 1);
  auto io = itk::ImageIOFactory::CreateImageIO(s_Deflate.c_str(), itk::IOFileModeEnum::ReadMode);
  EXPECT_NE(dynamic_cast<ss::OpenSlideImageIO *>(io.GetPointer()), nullptr);
  const std::string text = sstest::TestDir() + "/factory.txt";
  std::ofstream(text) << "not an image\n";
  auto other = itk::ImageIOFactory::CreateImageIO(text.c_str(), itk::IOFileModeEnum::ReadMode);
  EXPECT_EQ(dynamic_cast<ss::OpenSlideImageIO *>(other.GetPointer()), nullptr);
  // A reader with no ImageIO set now reads the slide through OpenSlide, in µm.
  auto reader = itk::ImageFileReader<ss::RGBImageType>::New();
  reader->SetFileName(s_Deflate);
  reader->UpdateOutputInformation();
  EXPECT_DOUBLE_EQ(reader->GetOutput()->GetSpacing()[0], Mpp);
}

TEST_F(OpenSlideImageIOTest, PrintSelfShowsTheState)
{
  auto io = ss::OpenSlideImageIO::New();
  io->SetFileName(s_Deflate);
  io->SetLevel(2);
  io->ReadImageInformation();
  std::ostringstream os;
  io->Print(os);
  const std::string text = os.str();
  EXPECT_NE(text.find("Level: 2"), std::string::npos) << text;
  EXPECT_NE(text.find("MicronsPerPixelSource: openslide.mpp"), std::string::npos) << text;
  EXPECT_NE(text.find("MicronsPerPixelOverride: [0, 0]"), std::string::npos) << text;
  EXPECT_NE(text.find("MicronsPerPixel: [0.5, 0.5]"), std::string::npos) << text;
  EXPECT_NE(text.find("(open, aperio)"), std::string::npos) << text;
}

} // namespace
