#include "ssHistologySource.h"
#include "ssIOTestUtilities.h"
#include "ssImageIO.h"
#include "ssStreamingRGBDownsampler.h"

#include "ssError.h"
#include "ssFiles.h"

#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkImageIOFactory.h"
#include "itkImageRegionConstIteratorWithIndex.h"
#include "itkObjectFactoryBase.h"
#include "itkRGBAPixel.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

namespace fs = boost::filesystem;

namespace
{
template<typename TImage>
void WriteWithITK(const TImage * image, const std::string & path)
{
  ss::RegisterImageIOFactories();
  auto writer = itk::ImageFileWriter<TImage>::New();
  writer->SetInput(image);
  writer->SetFileName(path);
  writer->Update();
}

template<typename TPixel>
typename itk::Image<TPixel, 2>::Pointer MakeImage(unsigned width,
                                                  unsigned height,
                                                  const std::function<TPixel(int, int)> & value)
{
  auto image = itk::Image<TPixel, 2>::New();
  ss::RegionType region;
  region.SetSize(0, width);
  region.SetSize(1, height);
  image->SetRegions(region);
  image->Allocate();
  ss::IndexType i;
  for (i[1] = 0; i[1] < static_cast<itk::IndexValueType>(height); ++i[1])
  {
    for (i[0] = 0; i[0] < static_cast<itk::IndexValueType>(width); ++i[0])
    {
      image->SetPixel(i, value(static_cast<int>(i[0]), static_cast<int>(i[1])));
    }
  }
  return image;
}

ss::IndexType Index(int x, int y)
{
  ss::IndexType i;
  i[0] = x;
  i[1] = y;
  return i;
}

std::size_t FilesIn(const std::string & dir)
{
  std::size_t n = 0;
  for (const auto & e : fs::directory_iterator(dir))
  {
    (void)e;
    ++n;
  }
  return n;
}
} // namespace

TEST(ImageIO, FactoriesAreRegisteredOnceAndRegistrarsRunOnce)
{
  ss::RegisterImageIOFactories();
  ss::RegisterImageIOFactories();
  for (const char * name : { "a.png", "a.jpg", "a.tif", "a.nrrd", "a.mha" })
  {
    EXPECT_TRUE(itk::ImageIOFactory::CreateImageIO(name, itk::IOFileModeEnum::WriteMode)) << name;
  }
  std::size_t png = 0;
  for (const auto & f : itk::ObjectFactoryBase::GetRegisteredFactories())
  {
    png += std::string(f->GetNameOfClass()) == "PNGImageIOFactory" ? 1 : 0;
  }
  EXPECT_EQ(png, 1u);

  int calls = 0;
  ss::AddImageIOFactoryRegistrar("TestSlides", [&calls] { ++calls; });
  EXPECT_EQ(calls, 1); // the built-ins were registered already, so it runs at once
  ss::RegisterImageIOFactories();
  ss::AddImageIOFactoryRegistrar("TestSlides", [&calls] { calls += 100; });
  EXPECT_EQ(calls, 1);
  const auto names = ss::GetImageIOFactoryRegistrarNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "TestSlides"), names.end());
}

TEST(ImageIO, WriteImageAtomically)
{
  const std::string dir = ss::test::TestDirectory();
  auto image =
    MakeImage<float>(7, 5, [](int x, int y) { return 0.25f * static_cast<float>(x) - static_cast<float>(y); });
  auto spacing = image->GetSpacing();
  spacing[0] = 0.5;
  spacing[1] = 0.75;
  image->SetSpacing(spacing);
  ss::WriteImageAtomically(image.GetPointer(), dir + "/map.nrrd");
  auto reader = itk::ImageFileReader<ss::FloatImageType>::New();
  reader->SetFileName(dir + "/map.nrrd");
  reader->Update();
  EXPECT_EQ(reader->GetOutput()->GetPixel(Index(6, 4)), 0.25f * 6 - 4);
  EXPECT_EQ(reader->GetOutput()->GetSpacing(), spacing);
  EXPECT_EQ(FilesIn(dir), 1u); // no temporary left behind

  // A format that cannot hold the pixel type fails with the path, and leaves nothing.
  SS_EXPECT_INPUT_ERROR(ss::WriteImageAtomically(image.GetPointer(), dir + "/map.png"),
                        "map.png: image: cannot write the image");
  EXPECT_EQ(FilesIn(dir), 1u);

  auto maps = ss::ExpressionImageType::New();
  maps->SetRegions(image->GetLargestPossibleRegion());
  maps->SetNumberOfComponentsPerPixel(3);
  maps->Allocate();
  itk::VariableLengthVector<float> v(3);
  v[0] = 1;
  v[1] = 2;
  v[2] = 3.5f;
  maps->FillBuffer(v);
  ss::WriteImageAtomically(maps.GetPointer(), dir + "/maps.mha");
  auto vreader = itk::ImageFileReader<ss::ExpressionImageType>::New();
  vreader->SetFileName(dir + "/maps.mha");
  vreader->Update();
  EXPECT_EQ(vreader->GetOutput()->GetNumberOfComponentsPerPixel(), 3u);
  EXPECT_EQ(vreader->GetOutput()->GetPixel(Index(3, 2))[2], 3.5f);
}

TEST(ImageIO, DownsampleAveragesAreasAndKeepsGeometry)
{
  auto ramp = ss::test::MakeRamp(1000, 800, 0.5);
  ss::RGBImageType::PointType origin;
  origin[0] = 10;
  origin[1] = 20;
  ramp->SetOrigin(origin);
  const auto small = ss::DownsampleRGB(ramp, 0.25);
  EXPECT_EQ(small->GetLargestPossibleRegion().GetSize(0), 250u);
  EXPECT_EQ(small->GetLargestPossibleRegion().GetSize(1), 200u);
  EXPECT_DOUBLE_EQ(small->GetSpacing()[0], 2.0);
  EXPECT_EQ(small->GetOrigin(), origin);
  // Pixel q sits where input pixel q / scale is (Space Ranger's convention).
  for (const int q : { 3, 100, 180 })
  {
    EXPECT_NEAR(small->GetPixel(Index(q, q))[0], 255.0 * 4 * q / 999.0, 1.0) << q;
    EXPECT_NEAR(small->GetPixel(Index(q, q))[1], 255.0 * 4 * q / 799.0, 1.0) << q;
  }
  const auto odd = ss::DownsampleRGB(ramp, 0.3);
  EXPECT_EQ(odd->GetLargestPossibleRegion().GetSize(0), 300u);
  EXPECT_EQ(odd->GetLargestPossibleRegion().GetSize(1), 240u);
  EXPECT_NEAR(odd->GetPixel(Index(150, 120))[0], 255.0 * 500 / 999.0, 1.0);

  // A one-pixel checkerboard averages to mid grey: area averaging, not subsampling.
  auto board = MakeImage<ss::RGBPixelType>(
    64, 64, [](int x, int y) { return ss::RGBPixelType(static_cast<unsigned char>((x + y) % 2 ? 255 : 0)); });
  for (const double scale : { 0.5, 0.25, 0.4 })
  {
    const auto grey = ss::DownsampleRGB(board, scale);
    const auto v = grey->GetPixel(Index(5, 7))[1];
    EXPECT_GE(v, 120) << scale;
    EXPECT_LE(v, 135) << scale;
  }
  EXPECT_DOUBLE_EQ(ss::ScaleToFit(ramp->GetLargestPossibleRegion().GetSize(), 2000), 1.0);
  EXPECT_DOUBLE_EQ(ss::ScaleToFit(ramp->GetLargestPossibleRegion().GetSize(), 600), 0.6);
}

namespace
{
/** Rows [y0, y0 + rows) of `image` as row-major RGB bytes, as a renderer gives them. */
void CopyRows(const ss::RGBImageType * image, std::int64_t y0, std::uint32_t rows, std::uint8_t * rgb)
{
  const auto width = image->GetLargestPossibleRegion().GetSize(0);
  for (std::uint32_t r = 0; r < rows; ++r)
  {
    for (itk::SizeValueType x = 0; x < width; ++x)
    {
      const auto v = image->GetPixel(Index(static_cast<int>(x), static_cast<int>(y0 + r)));
      for (unsigned c = 0; c < 3; ++c)
      {
        *rgb++ = v[c];
      }
    }
  }
}

void ExpectSameImage(const ss::RGBImageType * a, const ss::RGBImageType * b, const std::string & what)
{
  ASSERT_EQ(a->GetLargestPossibleRegion(), b->GetLargestPossibleRegion()) << what;
  EXPECT_EQ(a->GetSpacing(), b->GetSpacing()) << what;
  EXPECT_EQ(a->GetOrigin(), b->GetOrigin()) << what;
  EXPECT_EQ(a->GetDirection(), b->GetDirection()) << what;
  std::size_t differing = 0;
  for (itk::ImageRegionConstIteratorWithIndex<ss::RGBImageType> it(a, a->GetLargestPossibleRegion()); !it.IsAtEnd();
       ++it)
  {
    differing += it.Get() != b->GetPixel(it.GetIndex());
  }
  EXPECT_EQ(differing, 0u) << what;
}
} // namespace

TEST(StreamingRGBDownsampler, SameImageAsDownsampleRGBWhateverTheBands)
{
  // Noise on ramps, so a misplaced block or a rounding slip changes pixels; a flipped,
  // offset frame, so the geometry is checked too.
  std::uint32_t state = 12345;
  auto image = MakeImage<ss::RGBPixelType>(437,
                                           301,
                                           [&state](int x, int y)
                                           {
                                             state = state * 1664525u + 1013904223u;
                                             ss::RGBPixelType p;
                                             p[0] = static_cast<unsigned char>((x * 255) / 436);
                                             p[1] = static_cast<unsigned char>((y * 255) / 300);
                                             p[2] = static_cast<unsigned char>(state >> 24);
                                             return p;
                                           });
  ss::RGBImageType::SpacingType spacing;
  spacing[0] = 0.5;
  spacing[1] = 0.5;
  image->SetSpacing(spacing);
  ss::RGBImageType::PointType origin;
  origin[0] = -12.5;
  origin[1] = 40;
  image->SetOrigin(origin);
  ss::DirectionType flip;
  flip.SetIdentity();
  flip(1, 1) = -1;
  image->SetDirection(flip);
  const auto grid = ss::GridGeometry::FromImage(image);

  for (const double scale : { 1.0, 0.7, 0.5, 0.3, 0.25, 0.046 })
  {
    const auto expected = ss::DownsampleRGB(image, scale);
    for (const std::uint32_t band : { 1u, 7u, 64u, 301u })
    {
      ss::StreamingRGBDownsampler downsampler(grid, scale);
      std::vector<std::uint8_t> rgb;
      for (std::int64_t y = 0; y < 301; y += band)
      {
        const auto rows = static_cast<std::uint32_t>(std::min<std::int64_t>(band, 301 - y));
        rgb.resize(437u * rows * 3);
        CopyRows(image, y, rows, rgb.data());
        downsampler.AddRows(y, rows, rgb.data());
      }
      EXPECT_EQ(downsampler.GetNumberOfRowsAdded(), 301);
      ExpectSameImage(
        downsampler.GetOutput(), expected, "scale " + std::to_string(scale) + ", bands of " + std::to_string(band));
    }
  }
}

TEST(StreamingRGBDownsampler, TeeFeedsEveryDownsamplerAndRefusesPartialRows)
{
  const auto image = ss::test::MakeRamp(200, 90, 0.5);
  const auto grid = ss::GridGeometry::FromImage(image);
  ss::StreamingRGBDownsampler half(grid, 0.5);
  ss::StreamingRGBDownsampler tenth(grid, 0.1);
  std::size_t calls = 0;
  const ss::RGBRegionRenderer render =
    [&](std::int64_t, std::int64_t y0, std::uint32_t, std::uint32_t rows, std::uint8_t * rgb)
  {
    ++calls;
    CopyRows(image, y0, rows, rgb);
  };
  const auto tee = ss::StreamingRGBDownsampler::Tee(render, { &half, &tenth });
  EXPECT_THROW(half.GetOutput(), std::logic_error); // nothing added yet
  std::vector<std::uint8_t> rgb(200 * 32 * 3);
  for (std::int64_t y = 0; y < 90; y += 32)
  {
    const auto rows = static_cast<std::uint32_t>(std::min<std::int64_t>(32, 90 - y));
    tee(0, y, 200, rows, rgb.data());
  }
  EXPECT_EQ(calls, 3u);
  ExpectSameImage(half.GetOutput(), ss::DownsampleRGB(image, 0.5), "half");
  ExpectSameImage(tenth.GetOutput(), ss::DownsampleRGB(image, 0.1), "tenth");

  ss::StreamingRGBDownsampler other(grid, 0.5);
  const auto partial = ss::StreamingRGBDownsampler::Tee(render, { &other });
  EXPECT_THROW(partial(10, 0, 190, 4, rgb.data()), std::invalid_argument); // not whole rows
  EXPECT_THROW(other.AddRows(8, 4, rgb.data()), std::invalid_argument);    // rows 0..7 missing
  EXPECT_THROW(other.AddRows(0, 91, rgb.data()), std::invalid_argument);   // beyond the image
  EXPECT_THROW(ss::StreamingRGBDownsampler(grid, 0), std::invalid_argument);
  EXPECT_THROW(ss::StreamingRGBDownsampler(grid, 1.5), std::invalid_argument);
  EXPECT_THROW(ss::StreamingRGBDownsampler(grid, 0.001), std::invalid_argument); // smaller than one block
}

TEST(HistologySource, RGBPNGNeedsMicronsPerPixel)
{
  const std::string dir = ss::test::TestDirectory();
  const auto ramp = ss::test::MakeRamp(40, 30);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/he.png");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/he.png"),
                        "he.png: µm per pixel: a PNG file carries no microscope calibration");
  ss::HistologyOptions o;
  o.micronsPerPixel = 0.25;
  ss::HistologySource source(dir + "/he.png", o);
  EXPECT_EQ(source.GetConversion(), "none");
  EXPECT_EQ(source.GetImageIOName(), "PNGImageIO");
  EXPECT_EQ(source.GetSize()[0], 40u);
  const auto image = source.Read();
  EXPECT_DOUBLE_EQ(image->GetSpacing()[1], 0.25);
  EXPECT_EQ(image->GetPixel(Index(17, 23)), ramp->GetPixel(Index(17, 23)));
  o.micronsPerPixel = -1;
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/he.png", o), "--micronsPerPixel: must be a positive number");

  // A full frame (e.g. a Xenium alignment) gives origin and direction too.
  ss::CoordinateFrame::MatrixType m;
  m(0, 0) = 0;
  m(0, 1) = 0.5;
  m(1, 0) = -0.5;
  m(1, 1) = 0;
  ss::PointType origin;
  origin[0] = 100;
  origin[1] = 200;
  ss::HistologyOptions framed;
  framed.frame = ss::CoordinateFrame::FromAffine(m, origin);
  ss::HistologySource rotated(dir + "/he.png", framed);
  ss::PointType p;
  rotated.GetOutput()->TransformIndexToPhysicalPoint(Index(10, 4), p);
  EXPECT_NEAR(p[0], 100 + 0.5 * 4, 1e-12);
  EXPECT_NEAR(p[1], 200 - 0.5 * 10, 1e-12);
}

TEST(HistologySource, ConversionsAreExplicit)
{
  const std::string dir = ss::test::TestDirectory();
  ss::HistologyOptions o;
  o.micronsPerPixel = 0.5;

  using RGBAImageType = itk::Image<itk::RGBAPixel<unsigned char>, 2>;
  auto rgba = MakeImage<itk::RGBAPixel<unsigned char>>(9,
                                                       8,
                                                       [](int x, int y)
                                                       {
                                                         itk::RGBAPixel<unsigned char> p;
                                                         p[0] = static_cast<unsigned char>(10 * x);
                                                         p[1] = static_cast<unsigned char>(20 * y);
                                                         p[2] = 7;
                                                         p[3] = static_cast<unsigned char>(
                                                           x * y); // alpha varies: it must not leak into RGB
                                                         return p;
                                                       });
  WriteWithITK<RGBAImageType>(rgba, dir + "/rgba.png");
  ss::HistologySource a(dir + "/rgba.png", o);
  EXPECT_EQ(a.GetConversion(), "RGBA -> RGB (alpha dropped)");
  const auto fromRGBA = a.Read();
  EXPECT_EQ(fromRGBA->GetPixel(Index(3, 5))[0], 30);
  EXPECT_EQ(fromRGBA->GetPixel(Index(3, 5))[1], 100);
  EXPECT_EQ(fromRGBA->GetPixel(Index(3, 5))[2], 7);

  auto grey = MakeImage<unsigned char>(9, 8, [](int x, int y) { return static_cast<unsigned char>(x + 10 * y); });
  WriteWithITK<ss::MaskImageType>(grey, dir + "/grey.png");
  ss::HistologySource g(dir + "/grey.png", o);
  EXPECT_EQ(g.GetConversion(), "grey -> RGB (grey copied to R, G and B)");
  EXPECT_EQ(g.Read()->GetPixel(Index(4, 6)), ss::RGBPixelType(static_cast<unsigned char>(64)));

  // 16 bits are rescaled (65535 -> 255, 32768 -> 128, 257 k -> k), never truncated to the low byte.
  using Grey16Type = itk::Image<unsigned short, 2>;
  auto grey16 =
    MakeImage<unsigned short>(4,
                              2,
                              [](int x, int y)
                              {
                                const unsigned short values[] = { 0, 257, 32768, 65535, 256, 513, 1000, 65280 };
                                return values[x + 4 * y];
                              });
  WriteWithITK<Grey16Type>(grey16, dir + "/grey16.png");
  ss::HistologySource g16(dir + "/grey16.png", o);
  EXPECT_EQ(g16.GetConversion(),
            "16-bit grey -> RGB (grey copied to R, G and B; rescaled to 8 bits as v * 255 / 65535)");
  const auto from16 = g16.Read();
  const unsigned char expected[] = { 0, 1, 128, 255, 1, 2, 4, 254 };
  for (int k = 0; k < 8; ++k)
  {
    EXPECT_EQ(from16->GetPixel(Index(k % 4, k / 4))[1], expected[k]) << k;
  }

  using RGB16ImageType = itk::Image<itk::RGBPixel<unsigned short>, 2>;
  auto rgb16 = MakeImage<itk::RGBPixel<unsigned short>>(3,
                                                        3,
                                                        [](int x, int y)
                                                        {
                                                          itk::RGBPixel<unsigned short> p;
                                                          p[0] = static_cast<unsigned short>(257 * (x + 1));
                                                          p[1] = static_cast<unsigned short>(257 * (y + 1));
                                                          p[2] = 65535;
                                                          return p;
                                                        });
  WriteWithITK<RGB16ImageType>(rgb16, dir + "/rgb16.png");
  ss::HistologySource c16(dir + "/rgb16.png", o);
  EXPECT_EQ(c16.GetConversion(), "16-bit RGB -> RGB (rescaled to 8 bits as v * 255 / 65535)");
  const auto p16 = c16.Read()->GetPixel(Index(2, 1));
  EXPECT_EQ(p16[0], 3);
  EXPECT_EQ(p16[1], 2);
  EXPECT_EQ(p16[2], 255);

  // Anything else is refused.
  using FloatVectorImageType = itk::VectorImage<float, 2>;
  auto fv = FloatVectorImageType::New();
  fv->SetRegions(grey->GetLargestPossibleRegion());
  fv->SetNumberOfComponentsPerPixel(2);
  fv->Allocate();
  WriteWithITK<FloatVectorImageType>(fv, dir + "/float2.mha");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/float2.mha", o),
                        "float2.mha: pixel type: is float with 2 component(s)");
  ss::WriteTextFileAtomically(dir + "/notes.txt", "not an image");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/notes.txt", o), "no registered ImageIO can read this file");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/absent.png", o), "absent.png: H&E image: file not found");
}

TEST(HistologySource, SpacingOfNRRDAndMetaImageIsMicrons)
{
  const std::string dir = ss::test::TestDirectory();
  auto ramp = ss::test::MakeRamp(20, 10);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/unit.nrrd");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/unit.nrrd"), "unit.nrrd: spacing: is missing or 1.0");

  auto spacing = ramp->GetSpacing();
  spacing.Fill(0.00025); // millimetres, as Slicer would store a 0.25 µm scan
  ramp->SetSpacing(spacing);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/mm.nrrd");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/mm.nrrd"), "looks like millimetres");
  SS_EXPECT_INPUT_ERROR(ss::HistologySource(dir + "/mm.nrrd"), "pass --micronsPerPixel 0.25");

  spacing.Fill(0.5);
  ramp->SetSpacing(spacing);
  ss::RGBImageType::PointType origin;
  origin[0] = -3;
  origin[1] = 7;
  ramp->SetOrigin(origin);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/um.mha");
  ss::HistologySource source(dir + "/um.mha");
  EXPECT_DOUBLE_EQ(source.GetFrame().GetMicronsPerPixel(), 0.5);
  const auto image = source.Read();
  EXPECT_EQ(image->GetOrigin(), origin);
  EXPECT_EQ(image->GetPixel(Index(19, 9)), ramp->GetPixel(Index(19, 9)));
  // Given µm per pixel wins over the file's spacing.
  ss::HistologyOptions o;
  o.micronsPerPixel = 0.3;
  EXPECT_DOUBLE_EQ(ss::HistologySource(dir + "/um.mha", o).Read()->GetSpacing()[0], 0.3);

  // Slicer hands 2D images over as volumes of one slice.
  using Volume = itk::Image<ss::RGBPixelType, 3>;
  auto volume = Volume::New();
  Volume::RegionType region;
  region.SetSize(0, 6);
  region.SetSize(1, 4);
  region.SetSize(2, 1);
  volume->SetRegions(region);
  volume->Allocate();
  volume->FillBuffer(ss::RGBPixelType(static_cast<unsigned char>(77)));
  Volume::SpacingType s3;
  s3.Fill(0.8);
  volume->SetSpacing(s3);
  WriteWithITK<Volume>(volume, dir + "/slice.nrrd");
  ss::HistologySource slice(dir + "/slice.nrrd");
  EXPECT_EQ(slice.GetSize()[0], 6u);
  EXPECT_DOUBLE_EQ(slice.GetFrame().GetMicronsPerPixel(), 0.8);
  EXPECT_EQ(slice.Read()->GetPixel(Index(5, 3))[2], 77);
}

TEST(HistologySource, RequestedRegionsStream)
{
  const std::string dir = ss::test::TestDirectory();
  const auto ramp = ss::test::MakeRamp(64, 48, 0.5);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/he.mha", false);
  ss::WriteImageAtomically(ramp.GetPointer(), dir + "/he.png");
  ss::RegionType region;
  region.SetIndex(Index(10, 20));
  region.SetSize(0, 17);
  region.SetSize(1, 9);

  // MetaImage streams: only the region asked for is read.
  ss::HistologySource mha(dir + "/he.mha");
  const auto part = mha.ReadRegion(region);
  EXPECT_EQ(mha.GetLastIORegion(), region);
  EXPECT_EQ(part->GetBufferedRegion(), region);
  EXPECT_EQ(part->GetPixel(Index(26, 28)), ramp->GetPixel(Index(26, 28)));
  EXPECT_DOUBLE_EQ(part->GetSpacing()[0], 0.5);

  // PNG cannot: the whole image is read, and the result is still just the region.
  ss::HistologyOptions o;
  o.micronsPerPixel = 0.5;
  ss::HistologySource png(dir + "/he.png", o);
  const auto same = png.ReadRegion(region);
  EXPECT_EQ(png.GetLastIORegion(), png.GetLargestPossibleRegion());
  EXPECT_EQ(same->GetBufferedRegion(), region);
  EXPECT_EQ(same->GetPixel(Index(26, 28)), ramp->GetPixel(Index(26, 28)));

  // Regions are cropped to the image; one outside it is an error.
  region.SetIndex(Index(60, 40));
  EXPECT_EQ(mha.ReadRegion(region)->GetBufferedRegion().GetSize(0), 4u);
  region.SetIndex(Index(100, 100));
  SS_EXPECT_INPUT_ERROR(mha.ReadRegion(region), "lies outside the image");

  // The pixels covering a box in µm.
  ss::BoundingBox box;
  box.Add(5.0, 10.0);
  box.Add(7.9, 12.0);
  const ss::RegionType covering = mha.RegionCovering(box);
  EXPECT_EQ(covering.GetIndex(), Index(10, 20));
  EXPECT_EQ(covering.GetSize(0), 6u); // x 10..15 px (5.0..7.5 µm)
  EXPECT_EQ(covering.GetSize(1), 5u); // y 20..24 px
}
