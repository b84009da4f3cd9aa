#include "ssSlideSummary.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssProgress.h"
#include "ssSpotOverlay.h"
#include "ssSpotTable.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ss
{

namespace
{
nlohmann::json BoxJSON(const BoundingBox & box)
{
  if (box.IsEmpty())
  {
    return nullptr;
  }
  return { { "minX", box.minX }, { "minY", box.minY },     { "maxX", box.maxX },
           { "maxY", box.maxY }, { "width", box.Width() }, { "height", box.Height() } };
}

/** µm bounding box of the image's pixel footprints (corners at ±0.5 px). */
BoundingBox ImageBoundsUm(const HistologySource & image)
{
  const SizeType size = image.GetSize();
  BoundingBox box;
  for (const double x : { -0.5, static_cast<double>(size[0]) - 0.5 })
  {
    for (const double y : { -0.5, static_cast<double>(size[1]) - 0.5 })
    {
      PointType px;
      px[0] = x;
      px[1] = y;
      box.Add(image.GetFrame().FullResPxToMicrons(px));
    }
  }
  return box;
}

const char * ProblemName(SpotImageCheck::Problem p)
{
  switch (p)
  {
    case SpotImageCheck::Problem::None:
      return "none";
    case SpotImageCheck::Problem::ImageIsHires:
      return "image-is-hires";
    case SpotImageCheck::Problem::ImageIsLowres:
      return "image-is-lowres";
    case SpotImageCheck::Problem::MostlyOutside:
      return "mostly-outside";
    case SpotImageCheck::Problem::Transposed:
      return "transposed";
    case SpotImageCheck::Problem::OffTissue:
      return "off-tissue";
  }
  return "unknown";
}

/** A fraction, or null where it is not measured (-1) or not judged (greyscale). */
nlohmann::json Fraction(double value, bool judged = true)
{
  return judged && value >= 0 ? nlohmann::json(value) : nlohmann::json(nullptr);
}
} // namespace

nlohmann::json DescribeSlide(const LoadedSlide & slide, const SlideImageCheck * check)
{
  nlohmann::json j;
  j["name"] = slide.name;
  j["platform"] = slide.platform;
  j["spots"] = nullptr;
  j["spotsInTissue"] = nullptr;
  j["molecules"] = nullptr;
  if (slide.spots)
  {
    const SpotDataset & ds = *slide.spots;
    const std::vector<double> totals = ds.counts.SpotTotals();
    j["spots"] = ds.NumberOfSpots();
    j["spotsInTissue"] = std::count(ds.spots.inTissue.begin(), ds.spots.inTissue.end(), 1);
    j["genes"] = ds.NumberOfGenes();
    j["totalCounts"] = std::accumulate(totals.begin(), totals.end(), 0.0);
    j["lattice"] = ToString(ds.lattice);
    j["pitchUm"] = ds.pitchUm;
    j["spotDiameterUm"] = ds.spotDiameterUm;
    j["fullResMicronsPerPixel"] = ds.frame.GetMicronsPerPixel();
  }
  else
  {
    j["molecules"] = slide.molecules->Size();
    j["genes"] = slide.molecules->genes.size();
  }
  j["extentUm"] = BoxJSON(slide.DataBoundsUm());
  j["image"] = nullptr;
  if (slide.image)
  {
    const HistologySource & image = *slide.image;
    j["image"] = { { "path", slide.imagePath },
                   { "level", slide.imageLevel },
                   { "sizePx", { image.GetSize()[0], image.GetSize()[1] } },
                   { "micronsPerPixel", image.GetFrame().GetMicronsPerPixel() },
                   { "extentUm", BoxJSON(ImageBoundsUm(image)) },
                   { "pixelConversion", image.GetConversion() },
                   { "imageIO", image.GetImageIOName() } };
  }
  j["check"] = nullptr;
  std::vector<std::string> notes = slide.notes;
  if (check)
  {
    const SpotImageCheck & c = check->spots;
    const bool colour = !check->greyscale;
    j["check"] = { { "fractionInside", c.fractionInside },
                   { "fractionOnTissue", Fraction(c.fractionOnTissue, colour) },
                   { "imageTissueFraction", Fraction(c.imageTissueFraction, colour) },
                   { "fractionOnTissueIfTransposed", Fraction(c.fractionOnTissueIfTransposed, colour) },
                   { "fractionMoleculesInside", Fraction(check->fractionMoleculesInside) },
                   { "greyscale", check->greyscale },
                   { "problem", ProblemName(c.problem) },
                   { "message", c.message } };
    notes.insert(notes.end(), check->notes.begin(), check->notes.end());
  }
  j["notes"] = notes;
  return j;
}

RGBImageType::Pointer DrawSlideOverlay(const LoadedSlide & slide, const RGBImageType * overview, unsigned int maxSize)
{
  SpotOverlayOptions o;
  o.maxSize = maxSize;
  if (slide.spots)
  {
    const SpotDataset & ds = *slide.spots;
    for (std::size_t s = 0; s < ds.NumberOfSpots(); ++s)
    {
      o.spotColours.push_back(ds.spots.inTissue[s] ? MakeRGB(0, 200, 0) : MakeRGB(40, 80, 255));
    }
    return DrawSpotOverlay(ds, overview, o);
  }
  // Molecules: an even sample as dots one picture pixel across, opaque.
  const MoleculeTable & molecules = *slide.molecules;
  const double scale = ScaleToFit(overview->GetLargestPossibleRegion().GetSize(), maxSize);
  const auto spacing = overview->GetSpacing();
  SpotDataset dots;
  dots.source = molecules.source;
  dots.spotDiameterUm = std::max(spacing[0], spacing[1]) / scale;
  // At most one dot per 8 picture pixels, so the image stays visible between them.
  const SizeType size = overview->GetLargestPossibleRegion().GetSize();
  const auto maxDots = std::max<std::size_t>(
    1, static_cast<std::size_t>(scale * scale * static_cast<double>(size[0]) * static_cast<double>(size[1]) / 8));
  const std::size_t step = std::max<std::size_t>(1, (molecules.Size() + maxDots - 1) / maxDots);
  for (std::size_t m = 0; m < molecules.Size(); m += step)
  {
    PointType p;
    p[0] = molecules.x[m];
    p[1] = molecules.y[m];
    dots.spots.id.push_back(std::to_string(m));
    dots.spots.positionUm.push_back(p);
  }
  o.colour = MakeRGB(255, 40, 40);
  o.opacity = 1.0;
  o.outline = false;
  return DrawSpotOverlay(dots, overview, o);
}

nlohmann::json RunSuperSpotInfo(const SlideInputs & inputs, const InfoOutputs & outputs)
{
  ProgressReporter & progress = ProgressReporter::Global();
  const std::string kind = inputs.Kind();
  if (!outputs.spotTable.empty() && (kind == "xenium" || kind == "merscope"))
  {
    SS_INPUT_ERROR(
      "command line", "--spotTable", "writes spots, and " + kind + " data are molecules", "drop --spotTable");
  }
  progress.Start("SuperSpotInfo", "reading the slide");
  const LoadedSlide slide = LoadSlide(inputs);
  progress.Progress(0.5, "read " + slide.name);
  if (!outputs.overlay.empty() && !slide.HasImage())
  {
    SS_INPUT_ERROR("command line",
                   "--overlay",
                   "draws on the H&E, and this slide has none",
                   "give the H&E with --image or --inputVolume, or drop --overlay");
  }
  std::optional<SlideImageCheck> check;
  if (slide.HasImage())
  {
    check = CheckSlideImage(slide, std::max(4000u, outputs.overlaySize));
    progress.Progress(0.8, "checked the image");
    if (!outputs.overlay.empty())
    {
      WriteImageAtomically(DrawSlideOverlay(slide, check->overview, outputs.overlaySize).GetPointer(), outputs.overlay);
      LogInfo("overlay: " + outputs.overlay);
    }
    RequireSlideOnImage(*check, slide);
  }
  const nlohmann::json summary = DescribeSlide(slide, check ? &*check : nullptr);
  if (!outputs.spotTable.empty())
  {
    WriteSpotTable(outputs.spotTable, *slide.spots);
  }
  if (!outputs.json.empty())
  {
    WriteJSONFileAtomically(outputs.json, summary);
  }
  progress.End();
  return summary;
}

} // namespace ss
