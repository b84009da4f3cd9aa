#include "ssIOTestUtilities.h"
#include "ssSlideInputs.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssMerscope.h"
#include "ssSpaceRanger.h"
#include "ssSpotOverlay.h"
#include "ssSpotTable.h"
#include "ssXenium.h"

#include "itkBinShrinkImageFilter.h"
#include "itkImageFileWriter.h"
#include "itkImageRegionConstIterator.h"

#include <gtest/gtest.h>

#include <cmath>

using ss::test::HasNote;

namespace
{
/** A white slide at `micronsPerPixel` with a pink tissue disc of `radiusPx` at the centre. */
ss::RGBImageType::Pointer DiscSlide(unsigned width, unsigned height, double radiusPx, double micronsPerPixel)
{
  auto image = ss::test::MakeRamp(width, height, micronsPerPixel);
  ss::IndexType i;
  for (i[1] = 0; i[1] < static_cast<itk::IndexValueType>(height); ++i[1])
  {
    for (i[0] = 0; i[0] < static_cast<itk::IndexValueType>(width); ++i[0])
    {
      const double dx = i[0] - 0.5 * width;
      const double dy = i[1] - 0.5 * height;
      const bool tissue = dx * dx + dy * dy <= radiusPx * radiusPx;
      image->SetPixel(
        i, tissue ? ss::MakeRGB(200, static_cast<unsigned char>(110 + i[0] % 30), 180) : ss::MakeRGB(245, 245, 243));
    }
  }
  return image;
}

/** Molecules on a 5 µm lattice inside the disc of radius `radiusUm` centred at `centre` (µm). */
ss::MoleculeTable DiscMolecules(const ss::PointType & centre, double radiusUm)
{
  ss::MoleculeTable t;
  t.source = "synthetic";
  t.genes = { "EPCAM", "KRT8" };
  for (double y = -radiusUm; y <= radiusUm; y += 5)
  {
    for (double x = -radiusUm; x <= radiusUm; x += 5)
    {
      if (x * x + y * y <= radiusUm * radiusUm)
      {
        t.Add(static_cast<float>(centre[0] + x), static_cast<float>(centre[1] + y), static_cast<int>(x + y) & 1);
        t.qv.push_back(30);
      }
    }
  }
  return t;
}

ss::SlideInputs Visium(const std::string & outs)
{
  ss::SlideInputs in;
  in.visiumOuts = outs;
  return in;
}
} // namespace

TEST(SlideInputs, ExactlyOneInputKind)
{
  ss::SlideInputs in;
  SS_EXPECT_INPUT_ERROR(in.Kind(), "command line: input: no slide given. Fix: give one of --visium DIR");
  in.visiumOuts = "outs";
  EXPECT_EQ(in.Kind(), "visium");
  in.xeniumDir = "xenium";
  SS_EXPECT_INPUT_ERROR(in.Kind(), "--visium/--xenium: --visium and --xenium given together");
  in = {};
  in.stCounts = "counts.tsv.gz";
  SS_EXPECT_INPUT_ERROR(in.Kind(),
                        "--stSpots: a legacy ST section needs its counts and its spot file, and only "
                        "--stCounts was given. Fix: add --stSpots spots.tsv");
  in.stSpots = "spots.tsv";
  EXPECT_EQ(in.Kind(), "st");
  in = {};
  in.stSpots = "spots.tsv";
  in.spotTable = "t.csv";
  SS_EXPECT_INPUT_ERROR(in.Kind(), "--stSpots and --spots given together");
  in = {};
  in.merscopeTranscripts = "d.csv";
  EXPECT_EQ(in.Kind(), "merscope");
  in = {};
  in.spotTable = "t.csv";
  EXPECT_EQ(in.Kind(), "spots");
  in.inputVolume = "v.nrrd";
  EXPECT_EQ(in.ImagePath(), "v.nrrd");
}

TEST(SlideInputs, SeveralSlidesFromFlagLists)
{
  ss::SlideInputLists lists;
  lists.stCounts = { "C2/counts.tsv.gz", "C3/counts.tsv.gz" };
  lists.stSpots = { "C2/spots.tsv", "C3/spots.tsv" };
  lists.image = { "C2/he.jpg", "C3/he.jpg" };
  ss::SlideInputs shared;
  shared.micronsPerPixel = 0.7;
  const std::vector<ss::SlideInputs> slides = ss::SplitSlideInputs(lists, shared);
  ASSERT_EQ(slides.size(), 2u);
  EXPECT_EQ(slides[1].stCounts, "C3/counts.tsv.gz");
  EXPECT_EQ(slides[1].stSpots, "C3/spots.tsv");
  EXPECT_EQ(slides[1].fullResImage, "C3/he.jpg");
  EXPECT_EQ(slides[0].fullResImage, "C2/he.jpg");
  EXPECT_EQ(slides[0].micronsPerPixel, 0.7);
  EXPECT_EQ(slides[1].Kind(), "st");

  lists.image.pop_back();
  SS_EXPECT_INPUT_ERROR(ss::SplitSlideInputs(lists, shared),
                        "--image: given 1 time(s) but --stCounts 2 times; the k-th slide is made of the k-th value");
  lists.image.clear();
  shared.inputVolume = "he.nrrd";
  SS_EXPECT_INPUT_ERROR(ss::SplitSlideInputs(lists, shared), "--inputVolume: is one image, and 2 slides were given");
  // No slide flag: one slide, which says itself what is missing.
  const auto none = ss::SplitSlideInputs({}, shared);
  ASSERT_EQ(none.size(), 1u);
  SS_EXPECT_INPUT_ERROR(none[0].Kind(), "no slide given");
}

TEST(SlideInputs, ConflictingFlagsAreRefusedBeforeReading)
{
  // None of these files exist: each combination must be refused before anything is read.
  ss::SlideInputs in = Visium("missing-outs");
  in.fullResImage = "he.tif";
  in.inputVolume = "he.nrrd";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--image/--inputVolume: both given");
  in = Visium("missing-outs");
  in.alignment = "a.csv";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--alignment: is the H&E alignment of Xenium or MERSCOPE data");
  in = Visium("missing-outs");
  in.imageLevel = "medium";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "'medium' is not auto, full, hires or lowres");
  in = Visium("missing-outs");
  in.spotDiameterUm = 55;
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--spotDiameterUm: applies to a spot table");
  in = Visium("missing-outs");
  in.minQV = 30;
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--minQV: filters Xenium transcripts, and the input is visium");
  in = Visium("missing-outs");
  in.imageLevel = "full";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--imageLevel: full needs the full-resolution H&E");
  in = Visium("missing-outs");
  in.micronsPerPixel = -1;
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--micronsPerPixel: must be a positive number");

  in = {};
  in.stCounts = "c.tsv";
  in.stSpots = "s.tsv";
  in.imageLevel = "hires";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--imageLevel: hires is a Space Ranger image level, and the input is st");

  in = {};
  in.xeniumDir = "x";
  in.fullResImage = "he.tif";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--alignment: a post-Xenium H&E needs its alignment");
  in.fullResImage.clear();
  in.alignment = "a.csv";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--image: an alignment without the H&E it aligns");
  in.micronsPerPixel = 0.5;
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--micronsPerPixel: sets no origin");

  in = {};
  in.merscopeTranscripts = "d.csv";
  in.fullResImage = "dapi.jpg";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--alignment: a MERSCOPE image needs the transform");
  in.fullResImage.clear();
  in.alignment = "t.csv";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--image: an alignment without the image it places");

  in = {};
  in.spotTable = "t.csv";
  in.alignment = "a.csv";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "drop --alignment; the image's geometry comes from --micronsPerPixel");
}

TEST(SlideInputs, MerscopeTransformIsInverted)
{
  const std::string dir = ss::test::TestDirectory();
  const std::string path = dir + "/micron_to_mosaic_pixel_transform.csv";
  // 9.25 px per µm, the mosaic's pixel (0, 0) at (100, 200) µm.
  ss::WriteTextFileAtomically(path, "9.25 0 -925\n0 9.25 -1850\n0 0 1\n");
  const ss::CoordinateFrame frame = ss::ReadMerscopeImageTransform(path);
  ss::PointType px;
  px[0] = 925;
  px[1] = 92.5;
  const ss::PointType um = frame.FullResPxToMicrons(px);
  EXPECT_NEAR(um[0], 200.0, 1e-9);
  EXPECT_NEAR(um[1], 210.0, 1e-9);
  EXPECT_NEAR(frame.GetMicronsPerPixel(), 1 / 9.25, 1e-12);
  // Commas and a rotation.
  ss::WriteTextFileAtomically(path, "0,2,10\n-2,0,4\n0,0,1\n");
  const ss::CoordinateFrame rotated = ss::ReadMerscopeImageTransform(path);
  ss::PointType u;
  u[0] = 3;
  u[1] = 7;
  const ss::PointType p = rotated.MicronsToFullResPx(u);
  EXPECT_NEAR(p[0], 2 * 7 + 10, 1e-9);
  EXPECT_NEAR(p[1], -2 * 3 + 4, 1e-9);

  ss::WriteTextFileAtomically(path, "9.25 0 -925\n0 9.25 -1850\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeImageTransform(path), "has 2 rows, expected 3");
  ss::WriteTextFileAtomically(path, "9.25 0 -925\n0 9.25\n0 0 1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeImageTransform(path), "a row has 2 numbers, expected 3");
  ss::WriteTextFileAtomically(path, "1 2 3\n2 4 6\n0 0 1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeImageTransform(path), "is singular");
  ss::WriteTextFileAtomically(path, "1 0 3\n0 1 6\n0 1 1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeImageTransform(path), "the last row is not 0 0 1");
  ss::WriteTextFileAtomically(path, "1 0 x\n0 1 6\n0 0 1\n");
  SS_EXPECT_INPUT_ERROR(ss::ReadMerscopeImageTransform(path), "'x' is not a number");

  // A transform that puts the image away from the molecules: the fix names the alignment,
  // not --micronsPerPixel (which MERSCOPE refuses).
  ss::MoleculeTable t;
  t.genes = { "A" };
  for (int i = 0; i < 300; ++i)
  {
    t.Add(static_cast<float>(10 + (i * 37) % 80), static_cast<float>(10 + (i * 53) % 60), 0);
  }
  ss::WriteMerscopeTranscripts(dir + "/detected_transcripts.csv", t);
  ss::WriteImageAtomically(ss::test::MakeRamp(120, 90, 1.0).GetPointer(), dir + "/dapi.png");
  ss::WriteTextFileAtomically(path, "1 0 5000\n0 1 5000\n0 0 1\n");
  ss::SlideInputs in;
  in.merscopeTranscripts = dir + "/detected_transcripts.csv";
  in.fullResImage = dir + "/dapi.png";
  in.alignment = path;
  const ss::LoadedSlide slide = ss::LoadSlide(in);
  const ss::SlideImageCheck check = ss::CheckSlideImage(slide);
  EXPECT_EQ(check.spots.problem, ss::SpotImageCheck::Problem::MostlyOutside);
  SS_EXPECT_INPUT_ERROR(ss::RequireSlideOnImage(check, slide), "check that the image and --alignment belong to this run");
}

TEST(SlideInputs, OverviewStreamsAndMatchesAWholeRead)
{
  // 4200 x 4100 px: more than 16 Mpx, so a streaming reader (uncompressed MetaImage) gives it
  // in pieces; the result must equal BinShrink of the whole image.
  const std::string path = ss::test::TestDirectory() + "/big.mha";
  auto ramp = ss::test::MakeRamp(4200, 4100, 0.25);
  ss::WriteImageAtomically(ramp.GetPointer(), path, false);
  ss::HistologySource source(path);
  const auto overview = ss::ReadImageOverview(source, 1000);
  auto shrink = itk::BinShrinkImageFilter<ss::RGBImageType, ss::RGBImageType>::New();
  shrink->SetInput(ramp);
  shrink->SetShrinkFactors(5);
  shrink->Update();
  const auto expected = shrink->GetOutput();
  ASSERT_EQ(overview->GetLargestPossibleRegion().GetSize(), expected->GetLargestPossibleRegion().GetSize());
  EXPECT_EQ(overview->GetLargestPossibleRegion().GetSize()[0], 840u);
  EXPECT_EQ(overview->GetSpacing()[0], 1.25);
  EXPECT_EQ(overview->GetOrigin(), expected->GetOrigin());
  std::size_t differing = 0;
  itk::ImageRegionConstIterator<ss::RGBImageType> a(overview, overview->GetLargestPossibleRegion());
  itk::ImageRegionConstIterator<ss::RGBImageType> b(expected, expected->GetLargestPossibleRegion());
  for (; !a.IsAtEnd(); ++a, ++b)
  {
    differing += a.Get() == b.Get() ? 0 : 1;
  }
  EXPECT_EQ(differing, 0u);
  // Small enough already: the image itself.
  const auto whole = ss::ReadImageOverview(source, 5000);
  EXPECT_EQ(whole->GetLargestPossibleRegion().GetSize()[1], 4100u);
}

TEST(SlideInputs, VisiumFixtureImageLevels)
{
  SS_REQUIRE_DATA(outs, "visium_outs_fixture");
  // auto without --image: the hires PNG, placed by tissue_hires_scalef.
  ss::LoadedSlide slide = ss::LoadSlide(Visium(outs));
  EXPECT_EQ(slide.platform, "visium");
  EXPECT_EQ(slide.name, "visium_outs_fixture");
  ASSERT_TRUE(slide.spots);
  EXPECT_EQ(slide.spots->NumberOfSpots(), 100u);
  EXPECT_EQ(slide.imageLevel, "hires");
  ASSERT_TRUE(slide.HasImage());
  EXPECT_NEAR(slide.image->GetFrame().GetMicronsPerPixel(), 65.0 / 89.42751063343188 / 0.150015, 1e-9);
  EXPECT_TRUE(HasNote(slide.notes, "image = spatial/tissue_hires_image.png (no --image given)"));
  // This fixture's hires PNG is black: greyscale, so only "inside" is judged, and all are.
  const ss::SlideImageCheck hires = ss::CheckSlideImage(slide);
  EXPECT_TRUE(hires.greyscale);
  EXPECT_TRUE(hires.IsOk());
  EXPECT_EQ(hires.spots.fractionInside, 1.0);
  EXPECT_EQ(hires.spots.fractionOnTissue, 0.0);
  EXPECT_TRUE(HasNote(hires.notes, "greyscale image"));

  ss::SlideInputs in = Visium(outs);
  in.imageLevel = "lowres";
  slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.imageLevel, "lowres");
  const ss::SlideImageCheck lowres = ss::CheckSlideImage(slide);
  EXPECT_FALSE(lowres.greyscale);
  EXPECT_TRUE(lowres.IsOk()) << lowres.spots.message;
  EXPECT_GE(lowres.spots.fractionOnTissue, 0.85);
  EXPECT_EQ(lowres.overview->GetLargestPossibleRegion().GetSize()[0], 600u);
  EXPECT_NO_THROW(ss::RequireSlideOnImage(lowres, slide));

  // The lowres PNG given as the full-resolution image: the IO module's diagnosis.
  in = Visium(outs);
  in.fullResImage = ss::SpaceRangerImagePath(outs, "lowres");
  slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.imageLevel, "full");
  const ss::SlideImageCheck mixedUp = ss::CheckSlideImage(slide);
  EXPECT_EQ(mixedUp.spots.problem, ss::SpotImageCheck::Problem::ImageIsLowres);
  SS_EXPECT_INPUT_ERROR(ss::RequireSlideOnImage(mixedUp, slide), "--imageLevel lowres");

  in.imageLevel = "full";
  in.fullResImage.clear();
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--imageLevel: full needs the full-resolution H&E");
}

TEST(SlideInputs, Her2stSectionWithItsImage)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  SS_REQUIRE_DATA(jpg, "her2st/C3/he.jpg");
  ss::SlideInputs in;
  in.stCounts = counts;
  in.stSpots = spots;
  in.fullResImage = jpg;
  const ss::LoadedSlide slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.name, "C3");
  EXPECT_EQ(slide.platform, "st");
  ASSERT_TRUE(slide.spots);
  EXPECT_EQ(slide.spots->NumberOfSpots(), 180u);
  EXPECT_EQ(slide.spots->NumberOfGenes(), 15821u);
  // The readers' notes come first (the spot file's array step).
  ASSERT_FALSE(slide.notes.empty());
  EXPECT_NE(slide.notes.front().find("array step"), std::string::npos) << slide.notes.front();
  EXPECT_EQ(slide.image->GetSize()[0], 9270u);
  EXPECT_NEAR(slide.image->GetFrame().GetMicronsPerPixel(), slide.spots->frame.GetMicronsPerPixel(), 1e-12);
  const ss::SlideImageCheck check = ss::CheckSlideImage(slide, 2000);
  EXPECT_TRUE(check.IsOk()) << check.spots.message;
  EXPECT_EQ(check.spots.fractionInside, 1.0);
  EXPECT_GE(check.spots.fractionOnTissue, 0.9);
  EXPECT_EQ(check.overview->GetLargestPossibleRegion().GetSize()[1], 9936u / 5);
}

TEST(SlideInputs, VizgenMiniWithAndWithoutItsDAPI)
{
  SS_REQUIRE_DATA(transcripts, "vizgen_mini/detected_transcripts.csv.gz");
  SS_REQUIRE_DATA(dapi, "vizgen_mini/dapi_z0.jpg");
  ss::SlideInputs in;
  in.merscopeTranscripts = transcripts;
  ss::LoadedSlide slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.name, "vizgen_mini");
  EXPECT_EQ(slide.platform, "merscope");
  ASSERT_TRUE(slide.molecules);
  EXPECT_FALSE(slide.spots);
  EXPECT_EQ(slide.molecules->Size(), 80343u);
  EXPECT_EQ(slide.molecules->genes.size(), 559u);
  EXPECT_FALSE(slide.HasImage());
  EXPECT_TRUE(HasNote(slide.notes, "Blank"));

  // The DAPI image placed by a Vizgen-style transform (Documentation/examples).
  in.fullResImage = dapi;
  in.alignment =
    std::string(SUPERSPOT_SOURCE_DIR) + "/Documentation/examples/vizgen_mini/micron_to_mosaic_pixel_transform.csv";
  slide = ss::LoadSlide(in);
  ASSERT_TRUE(slide.HasImage());
  EXPECT_NEAR(slide.image->GetFrame().GetMicronsPerPixel(), 0.10865, 1e-4);
  const ss::SlideImageCheck check = ss::CheckSlideImage(slide, 1000);
  EXPECT_TRUE(check.greyscale);
  EXPECT_TRUE(check.IsOk()) << check.spots.message;
  EXPECT_GE(check.fractionMoleculesInside, 0.999);
  EXPECT_EQ(check.spots.fractionInside, 1.0);
}

TEST(SlideInputs, XeniumBundleWithAlignedHE)
{
  const std::string dir = ss::test::TestDirectory();
  // The H&E: 0.5 µm per H&E pixel once aligned; tissue disc of 300 px radius at the centre.
  const auto he = DiscSlide(1600, 1200, 300, 1.0);
  ss::WriteImageAtomically(he.GetPointer(), dir + "/he.png");
  // H&E px -> µm: 0.5 µm per pixel and an offset, as an alignment to 0.2125 µm morphology pixels.
  ss::CoordinateFrame::MatrixType m;
  m.SetIdentity();
  m *= 0.5;
  ss::PointType origin;
  origin[0] = 2000;
  origin[1] = 3000;
  const ss::CoordinateFrame heFrame = ss::CoordinateFrame::FromAffine(m, origin);
  ss::WriteXeniumExperiment(dir + "/experiment.xenium", 0.2125);
  ss::WriteXeniumAlignment(dir + "/alignment.csv", ss::XeniumAlignmentMatrix(heFrame, 0.2125));
  ss::PointType centre;
  centre[0] = 2000 + 0.5 * 800;
  centre[1] = 3000 + 0.5 * 600;
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", DiscMolecules(centre, 140));

  ss::SlideInputs in;
  in.xeniumDir = dir + "/";
  in.fullResImage = dir + "/he.png";
  in.alignment = dir + "/alignment.csv";
  const ss::LoadedSlide slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.platform, "xenium");
  EXPECT_EQ(slide.name, ss::FileName(dir));
  ASSERT_TRUE(slide.molecules);
  EXPECT_TRUE(HasNote(slide.notes, "pixel_size 0.2125 µm"));
  EXPECT_NEAR(slide.image->GetFrame().GetMicronsPerPixel(), 0.5, 1e-9);
  const ss::SlideImageCheck check = ss::CheckSlideImage(slide);
  EXPECT_FALSE(check.greyscale);
  EXPECT_TRUE(check.IsOk()) << check.spots.message;
  EXPECT_EQ(check.fractionMoleculesInside, 1.0);
  EXPECT_GE(check.spots.fractionOnTissue, 0.9);
  EXPECT_TRUE(HasNote(check.notes, "well-occupied 50 µm bins"));

  // Molecules beside the tissue (still inside the image): off tissue, said of the molecules.
  centre[0] = 2000 + 0.5 * 150;
  centre[1] = 3000 + 0.5 * 150;
  ss::WriteXeniumTranscripts(dir + "/transcripts.csv.gz", DiscMolecules(centre, 60));
  const ss::LoadedSlide beside = ss::LoadSlide(in);
  const ss::SlideImageCheck off = ss::CheckSlideImage(beside);
  EXPECT_EQ(off.spots.problem, ss::SpotImageCheck::Problem::OffTissue);
  SS_EXPECT_INPUT_ERROR(ss::RequireSlideOnImage(off, beside),
                        "he.png: spot coordinates: the molecules, checked as their occupied 50 µm bins");
}

TEST(SlideInputs, SpotTableWithASlicerVolume)
{
  const std::string dir = ss::test::TestDirectory();
  // The H&E as Slicer saves it: spacing in mm (0.0005 mm = 0.5 µm), an origin in mm.
  auto he = DiscSlide(800, 600, 250, 0.0005);
  ss::PointType origin;
  origin[0] = 0.1;
  origin[1] = 0.2;
  he->SetOrigin(origin);
  ss::WriteImageAtomically(he.GetPointer(), dir + "/volume.nrrd");
  // Spots in pixels of the volume: a small square array on the disc.
  std::string table = "id,x_px,y_px,array_col,array_row\n";
  for (int r = 0; r < 4; ++r)
  {
    for (int c = 0; c < 4; ++c)
    {
      table += "s" + std::to_string(r * 4 + c) + "," + std::to_string(280 + 80 * c) + "," +
               std::to_string(180 + 80 * r) + "," + std::to_string(c) + "," + std::to_string(r) + "\n";
    }
  }
  ss::WriteTextFileAtomically(dir + "/spots.csv", table);
  ss::SlideInputs in;
  in.spotTable = dir + "/spots.csv";
  in.inputVolume = dir + "/volume.nrrd";
  const ss::LoadedSlide slide = ss::LoadSlide(in);
  EXPECT_EQ(slide.platform, "spots");
  EXPECT_EQ(slide.name, "spots");
  EXPECT_TRUE(HasNote(slide.notes, "mm (Slicer's unit) read as 0.5 µm per pixel"));
  ASSERT_TRUE(slide.spots);
  // Spot s5 (col 1, row 1) at px (360, 260): µm = 100 + 0.5 * 360, 200 + 0.5 * 260.
  EXPECT_NEAR(slide.spots->spots.positionUm[5][0], 280.0, 1e-6);
  EXPECT_NEAR(slide.spots->spots.positionUm[5][1], 330.0, 1e-6);
  EXPECT_NEAR(slide.spots->pitchUm, 40.0, 1e-6);
  const ss::SlideImageCheck check = ss::CheckSlideImage(slide);
  EXPECT_TRUE(check.IsOk()) << check.spots.message;
  EXPECT_EQ(check.spots.fractionOnTissue, 1.0);

  // --micronsPerPixel overrides the volume's spacing (origin 0 then).
  in.micronsPerPixel = 2.0;
  const ss::LoadedSlide given = ss::LoadSlide(in);
  EXPECT_NEAR(given.spots->spots.positionUm[5][0], 720.0, 1e-9);

  // A table with both pixel and µm columns places a PNG (which carries no calibration) itself.
  in.micronsPerPixel = 0;
  in.inputVolume.clear();
  in.fullResImage = dir + "/volume.png";
  ss::WriteImageAtomically(he.GetPointer(), in.fullResImage);
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "carries no microscope calibration");
  ss::WriteSpotTable(dir + "/both.csv", *slide.spots);
  EXPECT_TRUE(ss::SpotTableHasPixelGeometry(dir + "/both.csv"));
  EXPECT_FALSE(ss::SpotTableHasPixelGeometry(dir + "/spots.csv"));
  in.spotTable = dir + "/both.csv";
  const ss::LoadedSlide placed = ss::LoadSlide(in);
  EXPECT_NEAR(placed.image->GetFrame().GetMicronsPerPixel(), 0.5, 1e-9);
  EXPECT_NEAR(placed.image->GetFrame().GetOrigin()[0], 100, 1e-6);
  EXPECT_TRUE(HasNote(placed.notes, "placed by the spot table's x_px,y_px and x_um,y_um"));
  EXPECT_TRUE(ss::CheckSlideImage(placed).IsOk());
  in.fullResImage.clear();

  // Slicer's default spacing, 1 mm: the µm per pixel is unknown.
  he->SetSpacing(itk::Vector<double, 2>(1.0));
  ss::WriteImageAtomically(he.GetPointer(), dir + "/volume.nrrd");
  in.inputVolume = dir + "/volume.nrrd";
  in.spotTable = dir + "/spots.csv";
  SS_EXPECT_INPUT_ERROR(ss::LoadSlide(in), "--inputVolume spacing: is 1 mm, Slicer's default");
}
