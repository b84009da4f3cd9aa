#include "ssHistologySource.h"
#include "ssIOTestUtilities.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssSpaceRanger.h"
#include "ssSpotImageCheck.h"
#include "ssSpotOverlay.h"

#include "ssError.h"
#include "ssFiles.h"

#include <gtest/gtest.h>

namespace
{
ss::IndexType Index(int x, int y)
{
  ss::IndexType i;
  i[0] = x;
  i[1] = y;
  return i;
}

/** Spots with x and y swapped (in pixels and in µm), as a wrong column mapping gives. */
ss::SpotDataset Transposed(ss::SpotDataset ds)
{
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    std::swap(ds.spots.positionPx[s][0], ds.spots.positionPx[s][1]);
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  return ds;
}

/** A white slide, 1 µm/px, with a pink band of tissue over rows [bandTop, bandBottom). */
ss::RGBImageType::Pointer BandedSlide(unsigned width, unsigned height, int bandTop, int bandBottom)
{
  auto image = ss::test::MakeRamp(width, height, 1.0);
  ss::IndexType i;
  for (i[1] = 0; i[1] < static_cast<itk::IndexValueType>(height); ++i[1])
  {
    for (i[0] = 0; i[0] < static_cast<itk::IndexValueType>(width); ++i[0])
    {
      const bool tissue = i[1] >= bandTop && i[1] < bandBottom;
      ss::RGBPixelType p;
      p[0] = tissue ? 200 : 245;
      p[1] = tissue ? static_cast<unsigned char>(120 + i[0] % 40) : 245;
      p[2] = tissue ? 180 : 243;
      image->SetPixel(i, p);
    }
  }
  return image;
}
} // namespace

TEST(SpotImageCheck, TissueColour)
{
  EXPECT_TRUE(ss::IsTissueColour(ss::MakeRGB(200, 120, 180)));  // eosin pink
  EXPECT_TRUE(ss::IsTissueColour(ss::MakeRGB(80, 50, 130)));    // haematoxylin
  EXPECT_FALSE(ss::IsTissueColour(ss::MakeRGB(245, 245, 243))); // glass
  EXPECT_FALSE(ss::IsTissueColour(ss::MakeRGB(0, 0, 0)));       // black border
  EXPECT_FALSE(ss::IsTissueColour(ss::MakeRGB(120, 120, 125))); // grey dust
  EXPECT_FALSE(ss::IsTissueColour(ss::MakeRGB(230, 215, 225))); // pale, almost white
}

TEST(SpotImageCheck, VisiumFixtureAndItsScaleMixUp)
{
  SS_REQUIRE_DATA(outs, "visium_outs_fixture");
  const ss::SpotDataset ds = ss::ReadSpaceRangerOuts(outs);
  const auto lowres = ss::ReadSpaceRangerImage(outs, "lowres", ds.frame);
  const ss::SpotImageCheck good = ss::CheckSpotsAgainstImage(ds, lowres);
  std::cout << "Visium fixture, lowres: inside " << good.fractionInside << ", on tissue " << good.fractionOnTissue
            << " (image " << good.imageTissueFraction << " tissue), transposed " << good.fractionOnTissueIfTransposed
            << std::endl;
  EXPECT_TRUE(good.IsOk()) << good.message;
  EXPECT_EQ(good.numberOfSpots, 100u);
  EXPECT_EQ(good.fractionInside, 1.0);
  // This tissue is striated with glass-coloured gaps, and a spot is 3.4 lowres pixels wide.
  EXPECT_GE(good.fractionOnTissue, 0.85);
  EXPECT_GT(good.fractionOnTissue, good.imageTissueFraction + 0.3);
  EXPECT_NO_THROW(ss::RequireSpotsOnImage(good, "tissue_lowres_image.png"));

  // The lowres PNG given as if it were the full-resolution image (full-res µm per pixel).
  ss::HistologyOptions asFullRes;
  asFullRes.frame = ds.frame;
  const std::string path = ss::SpaceRangerImagePath(outs, "lowres");
  const auto wrong = ss::HistologySource(path, asFullRes).Read();
  const ss::SpotImageCheck check = ss::CheckSpotsAgainstImage(ds, wrong);
  EXPECT_EQ(check.problem, ss::SpotImageCheck::Problem::ImageIsLowres);
  EXPECT_LT(check.fractionInside, 0.1);
  EXPECT_EQ(check.fractionInsideIfLowres, 1.0);
  EXPECT_EQ(check.fractionOnTissueIfLowres, good.fractionOnTissue);
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(check, path), "tissue_lowres_image.png: spot coordinates: only ");
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(check, path),
                        "if it is Space Ranger's tissue_lowres_image.png (tissue_lowres_scalef = 0.045004502)");
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(check, path), "--imageLevel lowres");
}

TEST(SpotImageCheck, Her2stC3AndTransposedSpots)
{
  SS_REQUIRE_DATA(counts, "her2st/C3/counts.tsv.gz");
  SS_REQUIRE_DATA(spots, "her2st/C3/spots.tsv");
  SS_REQUIRE_DATA(jpg, "her2st/C3/he.jpg");
  const ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
  ss::HistologyOptions o;
  o.frame = ds.frame;
  const auto he = ss::HistologySource(jpg, o).Read();
  const ss::SpotImageCheck good = ss::CheckSpotsAgainstImage(ds, he);
  std::cout << "C3: inside " << good.fractionInside << ", on tissue " << good.fractionOnTissue << " (image "
            << good.imageTissueFraction << " tissue), transposed " << good.fractionOnTissueIfTransposed << std::endl;
  EXPECT_TRUE(good.IsOk()) << good.message;
  EXPECT_EQ(good.fractionInside, 1.0);
  EXPECT_GE(good.fractionOnTissue, 0.9);

  const ss::SpotImageCheck swapped = ss::CheckSpotsAgainstImage(Transposed(ds), he);
  std::cout << "C3 transposed: inside " << swapped.fractionInside << ", on tissue " << swapped.fractionOnTissue
            << ", swapped back " << swapped.fractionOnTissueIfTransposed << std::endl;
  EXPECT_EQ(swapped.problem, ss::SpotImageCheck::Problem::Transposed) << swapped.message;
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(swapped, jpg), "do with x and y swapped");
}

TEST(SpotImageCheck, SyntheticDiagnoses)
{
  // Tissue is a horizontal band (rows 100..199 of a 600 x 400 µm slide at 1 µm/px).
  const auto slide = BandedSlide(600, 400, 100, 200);
  ss::SpotDataset ds = ss::test::MakeVisiumLike(1, 5, 1.0); // one row of spots at y = 250 px
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    ds.spots.positionPx[s][0] = 60 + 100.0 * static_cast<double>(s);
    ds.spots.positionPx[s][1] = 150;
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  const ss::SpotImageCheck good = ss::CheckSpotsAgainstImage(ds, slide);
  EXPECT_TRUE(good.IsOk()) << good.message;
  EXPECT_EQ(good.fractionOnTissue, 1.0);
  EXPECT_NEAR(good.imageTissueFraction, 0.25, 0.01);

  // Swapped: the spots form a column at x = 150 crossing the band once.
  const ss::SpotImageCheck swapped = ss::CheckSpotsAgainstImage(Transposed(ds), slide);
  EXPECT_EQ(swapped.problem, ss::SpotImageCheck::Problem::Transposed);
  EXPECT_EQ(swapped.fractionOnTissue, 0.2);
  EXPECT_EQ(swapped.fractionOnTissueIfTransposed, 1.0);

  // Spots off the band (and transposing does not help): off tissue.
  ss::SpotDataset off = ds;
  for (std::size_t s = 0; s < off.NumberOfSpots(); ++s)
  {
    off.spots.positionPx[s][1] = 330;
    off.spots.positionUm[s] = off.frame.FullResPxToMicrons(off.spots.positionPx[s]);
  }
  const ss::SpotImageCheck offTissue = ss::CheckSpotsAgainstImage(off, slide);
  EXPECT_EQ(offTissue.problem, ss::SpotImageCheck::Problem::OffTissue);
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(offTissue, "slide.png"),
                        "only 0% of the 5 spots lie on tissue-coloured pixels (the image is 25% tissue)");

  // The image taken at 4x its true µm per pixel: spots outside, and no Space Ranger scale
  // explains it.
  auto coarse = BandedSlide(150, 100, 25, 50);
  auto spacing = coarse->GetSpacing();
  spacing.Fill(1.0); // should be 4 µm per pixel
  coarse->SetSpacing(spacing);
  const ss::SpotImageCheck outside = ss::CheckSpotsAgainstImage(ds, coarse);
  EXPECT_EQ(outside.problem, ss::SpotImageCheck::Problem::MostlyOutside);
  EXPECT_EQ(outside.fractionInsideIfHires, -1.0);
  SS_EXPECT_INPUT_ERROR(ss::RequireSpotsOnImage(outside, "slide.png"), "--micronsPerPixel");
}

TEST(SpotOverlay, SpotsColouredElsewhereUnchanged)
{
  // A 400 x 300 px ramp at 2 µm/px, drawn at half size (4 µm/px): 55 µm spots are ~14 px wide.
  const auto he = ss::test::MakeRamp(400, 300, 2.0);
  ss::SpotDataset ds = ss::test::MakeVisiumLike(1, 3, 2.0);
  for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
  {
    ds.spots.positionPx[s][0] = 80 + 120.0 * static_cast<double>(s);
    ds.spots.positionPx[s][1] = 140;
    ds.spots.positionUm[s] = ds.frame.FullResPxToMicrons(ds.spots.positionPx[s]);
  }
  ss::SpotOverlayOptions options;
  options.maxSize = 200;
  options.opacity = 0.5;
  options.colour = ss::MakeRGB(0, 0, 255);
  const auto picture = ss::DrawSpotOverlay(ds, he, options);
  const auto background = ss::DownsampleRGB(he, 0.5);
  ASSERT_EQ(picture->GetLargestPossibleRegion(), background->GetLargestPossibleRegion());
  EXPECT_DOUBLE_EQ(picture->GetSpacing()[0], 4.0);

  // Spot centres: full-res (80 + 120 s, 140) -> picture (40 + 60 s, 70), blended half and half.
  for (int s = 0; s < 3; ++s)
  {
    const ss::IndexType c = Index(40 + 60 * s, 70);
    const ss::RGBPixelType under = background->GetPixel(c);
    const ss::RGBPixelType drawn = picture->GetPixel(c);
    EXPECT_EQ(drawn[0], std::lround(0.5 * under[0])) << s;
    EXPECT_EQ(drawn[2], std::lround(0.5 * under[2] + 0.5 * 255)) << s;
    // 5 px from the centre (20 µm) is inside the 27.5 µm radius; 8 px (32 µm) is outside.
    EXPECT_NE(picture->GetPixel(Index(45 + 60 * s, 70)), background->GetPixel(Index(45 + 60 * s, 70)));
    EXPECT_EQ(picture->GetPixel(Index(48 + 60 * s, 70)), background->GetPixel(Index(48 + 60 * s, 70)));
    EXPECT_EQ(picture->GetPixel(Index(40 + 60 * s, 78)), background->GetPixel(Index(40 + 60 * s, 78)));
  }
  // Everywhere away from the spots the picture is the downsampled H&E.
  std::size_t changed = 0;
  ss::IndexType i;
  for (i[1] = 0; i[1] < 150; ++i[1])
  {
    for (i[0] = 0; i[0] < 200; ++i[0])
    {
      changed += picture->GetPixel(i) != background->GetPixel(i) ? 1 : 0;
    }
  }
  // Three discs of radius 6.875 px: about 3 * pi * 6.875^2 = 445 pixels.
  EXPECT_GT(changed, 380u);
  EXPECT_LT(changed, 500u);

  // Outline at full opacity, per-spot colours, and the PNG written.
  options.spotColours = { ss::MakeRGB(255, 0, 0), ss::MakeRGB(0, 255, 0), ss::MakeRGB(0, 0, 255) };
  const auto rims = ss::DrawSpotOverlay(ds, he, options);
  EXPECT_EQ(rims->GetPixel(Index(40 + 60 + 6, 70)), ss::MakeRGB(0, 255, 0)); // 24 µm: the rim (> 27.5 - 4)
  const std::string png = ss::test::TestDirectory() + "/overlay.png";
  ss::WriteSpotOverlay(png, ds, he, options);
  ss::HistologyOptions o;
  o.micronsPerPixel = 4.0;
  EXPECT_EQ(ss::HistologySource(png, o).Read()->GetPixel(Index(40, 70)), rims->GetPixel(Index(40, 70)));

  ds.spotDiameterUm = 0;
  SS_EXPECT_INPUT_ERROR(ss::DrawSpotOverlay(ds, he, options), "spot diameter: unknown");
}
