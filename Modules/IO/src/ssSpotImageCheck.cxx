#include "ssSpotImageCheck.h"

#include "ssError.h"
#include "ssIOText.h"

#include "itkContinuousIndex.h"

#include <algorithm>
#include <cmath>

namespace ss
{

namespace
{
using ContinuousIndexType = itk::ContinuousIndex<double, 2>;

struct Fractions
{
  double inside = 0;
  double onTissue = 0;
};

/** Samples an image around spot centres given as continuous indices. */
class Probe
{
public:
  explicit Probe(const RGBImageType * image)
    : m_Image(image)
    , m_Region(image->GetBufferedRegion())
  {
  }

  bool Inside(const ContinuousIndexType & ci) const
  {
    for (unsigned d = 0; d < 2; ++d)
    {
      const double lo = static_cast<double>(m_Region.GetIndex(d)) - 0.5;
      const double hi = lo + static_cast<double>(m_Region.GetSize(d));
      if (!(ci[d] >= lo && ci[d] < hi))
      {
        return false;
      }
    }
    return true;
  }

  /** A spot is on tissue when at least 30% of a 9 x 9 lattice of samples over its disc
   * (radius in pixels) is tissue-coloured: tissue has gaps, and glass inside a spot's
   * footprint does not mean the spot is off the tissue. */
  bool OnTissue(const ContinuousIndexType & ci, double radiusPx) const
  {
    if (!Inside(ci))
    {
      return false;
    }
    std::size_t samples = 0, tissue = 0;
    for (int ky = -4; ky <= 4; ++ky)
    {
      for (int kx = -4; kx <= 4; ++kx)
      {
        if (kx * kx + ky * ky > 16)
        {
          continue; // outside the disc
        }
        ContinuousIndexType p;
        p[0] = ci[0] + 0.25 * kx * radiusPx;
        p[1] = ci[1] + 0.25 * ky * radiusPx;
        if (!Inside(p))
        {
          continue;
        }
        IndexType i;
        i[0] = static_cast<itk::IndexValueType>(std::lround(p[0]));
        i[1] = static_cast<itk::IndexValueType>(std::lround(p[1]));
        ++samples;
        tissue += IsTissueColour(m_Image->GetPixel(i)) ? 1 : 0;
      }
    }
    return samples > 0 && 10 * tissue >= 3 * samples;
  }

  Fractions Measure(const std::vector<ContinuousIndexType> & spots, double radiusPx) const
  {
    Fractions f;
    if (spots.empty())
    {
      return f;
    }
    std::size_t inside = 0, tissue = 0;
    for (const auto & ci : spots)
    {
      inside += Inside(ci) ? 1 : 0;
      tissue += OnTissue(ci, radiusPx) ? 1 : 0;
    }
    f.inside = static_cast<double>(inside) / static_cast<double>(spots.size());
    f.onTissue = static_cast<double>(tissue) / static_cast<double>(spots.size());
    return f;
  }

  double ImageTissueFraction() const
  {
    // A 256 x 256 lattice of samples is plenty to know how much of the image is tissue.
    std::size_t tissue = 0, n = 0;
    for (unsigned sy = 0; sy < 256; ++sy)
    {
      for (unsigned sx = 0; sx < 256; ++sx)
      {
        IndexType i;
        i[0] = m_Region.GetIndex(0) +
               static_cast<itk::IndexValueType>((sx + 0.5) * static_cast<double>(m_Region.GetSize(0)) / 256.0);
        i[1] = m_Region.GetIndex(1) +
               static_cast<itk::IndexValueType>((sy + 0.5) * static_cast<double>(m_Region.GetSize(1)) / 256.0);
        tissue += IsTissueColour(m_Image->GetPixel(i)) ? 1 : 0;
        ++n;
      }
    }
    return static_cast<double>(tissue) / static_cast<double>(n);
  }

private:
  const RGBImageType * m_Image;
  RegionType m_Region;
};

std::string Percent(double f)
{
  return io::NumberText(std::round(100 * f)) + "%";
}

std::vector<ContinuousIndexType> Transformed(const std::vector<ContinuousIndexType> & spots,
                                             double scale,
                                             bool transpose)
{
  std::vector<ContinuousIndexType> out;
  out.reserve(spots.size());
  for (const auto & ci : spots)
  {
    ContinuousIndexType c;
    c[0] = (transpose ? ci[1] : ci[0]) * scale;
    c[1] = (transpose ? ci[0] : ci[1]) * scale;
    out.push_back(c);
  }
  return out;
}
} // namespace

bool IsTissueColour(const RGBPixelType & p)
{
  const int lo = std::min({ p[0], p[1], p[2] });
  const int hi = std::max({ p[0], p[1], p[2] });
  return lo < 215 && hi - lo >= 12;
}

SpotImageCheck CheckSpotsAgainstImage(const SpotDataset & dataset, const RGBImageType * image)
{
  if (!image || image->GetBufferedRegion().GetNumberOfPixels() == 0)
  {
    throw std::invalid_argument("CheckSpotsAgainstImage: the image has no pixels (Update it first)");
  }
  SpotImageCheck check;
  check.numberOfSpots = dataset.NumberOfSpots();
  if (dataset.spots.positionUm.size() != check.numberOfSpots || check.numberOfSpots == 0)
  {
    SS_INPUT_ERROR(
      dataset.source, "spot positions", "no spot positions in µm to check", "read the spots with a SuperSpot reader");
  }
  const auto spacing = image->GetSpacing();
  const double spacingUm = std::sqrt(spacing[0] * spacing[1]);
  const double diameterUm = dataset.spotDiameterUm > 0 ? dataset.spotDiameterUm : 2 * spacingUm;
  const double radiusPx = 0.5 * diameterUm / spacingUm;
  const Probe probe(image);

  std::vector<ContinuousIndexType> spots;
  spots.reserve(check.numberOfSpots);
  for (const auto & p : dataset.spots.positionUm)
  {
    ContinuousIndexType ci;
    image->TransformPhysicalPointToContinuousIndex(p, ci);
    spots.push_back(ci);
  }
  const Fractions actual = probe.Measure(spots, radiusPx);
  check.fractionInside = actual.inside;
  check.fractionOnTissue = actual.onTissue;
  check.imageTissueFraction = probe.ImageTissueFraction();

  // If the image were a Space Ranger PNG taken as full resolution, a spot at full-res pixel p
  // would be at image pixel p * scale; the spots' current image index is p (up to the origin).
  const double hires = dataset.frame.GetHiresScale();
  const double lowres = dataset.frame.GetLowresScale();
  if (hires > 0)
  {
    const Fractions f = probe.Measure(Transformed(spots, hires, false), radiusPx * hires);
    check.fractionInsideIfHires = f.inside;
    check.fractionOnTissueIfHires = f.onTissue;
  }
  if (lowres > 0)
  {
    const Fractions f = probe.Measure(Transformed(spots, lowres, false), radiusPx * lowres);
    check.fractionInsideIfLowres = f.inside;
    check.fractionOnTissueIfLowres = f.onTissue;
  }
  check.fractionOnTissueIfTransposed = probe.Measure(Transformed(spots, 1.0, true), radiusPx).onTissue;

  const std::string n = std::to_string(check.numberOfSpots);
  if (check.fractionInside < 0.5)
  {
    const bool hiresFits = check.fractionInsideIfHires >= 0.9;
    const bool lowresFits = check.fractionInsideIfLowres >= 0.9;
    if (hiresFits || lowresFits)
    {
      const bool isHires =
        hiresFits && (!lowresFits || check.fractionOnTissueIfHires >= check.fractionOnTissueIfLowres);
      const std::string level = isHires ? "hires" : "lowres";
      check.problem = isHires ? SpotImageCheck::Problem::ImageIsHires : SpotImageCheck::Problem::ImageIsLowres;
      check.message = "only " + Percent(check.fractionInside) + " of the " + n + " spots fall inside the image, but " +
                      Percent(isHires ? check.fractionInsideIfHires : check.fractionInsideIfLowres) + " do (" +
                      Percent(isHires ? check.fractionOnTissueIfHires : check.fractionOnTissueIfLowres) +
                      " on tissue) if it is Space Ranger's tissue_" + level + "_image.png (tissue_" + level +
                      "_scalef = " + io::NumberText(isHires ? hires : lowres) + ") taken as the full-resolution image";
      check.fix = "give the full-resolution H&E that the spot positions refer to, or read tissue_" + level +
                  "_image.png as the " + level + " level (ReadSpaceRangerImage / --imageLevel " + level +
                  ") so it is scaled by tissue_" + level + "_scalef";
    }
    else
    {
      check.problem = SpotImageCheck::Problem::MostlyOutside;
      check.message = "only " + Percent(check.fractionInside) + " of the " + n + " spots fall inside the image";
      check.fix = "check that the image is the full-resolution H&E of this section and that its µm per pixel "
                  "(--micronsPerPixel) is right";
    }
    return check;
  }
  // Transposed when swapping gains at least 20 points and halves the spots off tissue.
  const double t = check.fractionOnTissueIfTransposed;
  if (t >= check.fractionOnTissue + 0.2 && 1 - t <= 0.5 * (1 - check.fractionOnTissue))
  {
    check.problem = SpotImageCheck::Problem::Transposed;
    check.message = "only " + Percent(check.fractionOnTissue) + " of the " + n + " spots lie on tissue, but " +
                    Percent(t) + " do with x and y swapped";
    check.fix = "the spot coordinates have x and y swapped: x must be the image column (pxl_col_in_fullres, pixel_x) "
                "and y the row; fix the columns of the positions";
    return check;
  }
  if (check.fractionOnTissue < 0.3)
  {
    check.problem = SpotImageCheck::Problem::OffTissue;
    check.message = "only " + Percent(check.fractionOnTissue) + " of the " + n +
                    " spots lie on tissue-coloured pixels (the image is " + Percent(check.imageTissueFraction) +
                    " tissue)";
    check.fix = "check that the image is the H&E of this section (not another section, a fluorescence image or a mask) "
                "and that the spots use its pixel coordinates";
  }
  return check;
}

void RequireSpotsOnImage(const SpotImageCheck & check, const std::string & imagePath)
{
  if (!check.IsOk())
  {
    SS_INPUT_ERROR(imagePath, "spot coordinates", check.message, check.fix);
  }
}

} // namespace ss
