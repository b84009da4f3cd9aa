#ifndef ssSlideInputs_h
#define ssSlideInputs_h

#include "SuperSpotIOExport.h"
#include "ssCoordinateFrame.h"
#include "ssHistologySource.h"
#include "ssSpotData.h"
#include "ssSpotImageCheck.h"
#include "ssTypes.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ss
{

/** \struct SlideInputs
 * \brief One slide as a user gives it on the command line or in Slicer: the flags every
 * SuperSpot CLI module shares (Documentation/Readers.md has the table of combinations).
 *
 * Exactly one input kind:
 *  - `--visium DIR`: a Space Ranger outs/ folder;
 *  - `--stCounts FILE --stSpots FILE`: a legacy ST section (both);
 *  - `--xenium DIR`: a Xenium output bundle (transcripts + experiment.xenium);
 *  - `--merscope FILE`: MERSCOPE detected_transcripts.csv(.gz);
 *  - `--spots FILE`: SuperSpot's spot table (ssSpotTable.h), e.g. next to an H&E volume.
 *
 * The image, at most one of `--image FILE` (any H&E ITK or OpenSlide reads) and
 * `--inputVolume FILE` (the volume Slicer passes, an NRRD in Slicer's millimetres). Its
 * µm geometry comes from the data where the data defines it:
 *  - Visium: the Space Ranger frame (65 µm / spot_diameter_fullres µm per full-res px, or
 *    --micronsPerPixel); `--imageLevel hires|lowres` says the image is tissue_hires/lowres_image
 *    .png (scaled by its scale factor). Without an image, `auto` takes outs/spatial's hires
 *    PNG, else the lowres one.
 *  - ST: the frame of the spot file (pitch / fitted array step, or --micronsPerPixel).
 *  - Xenium: `--alignment` (Xenium Explorer's H&E alignment CSV) with experiment.xenium's
 *    pixel size; an image needs the alignment and the alignment an image.
 *  - MERSCOPE: `--alignment` (Vizgen's images/micron_to_mosaic_pixel_transform.csv, µm ->
 *    image px); `--image` needs it; `--inputVolume` may use its own geometry instead.
 *  - spot table: --micronsPerPixel, else --inputVolume's geometry, else (with --image) the
 *    table's own x_px,y_px <-> x_um,y_um when it has both, else the image file's µm geometry.
 * The image's own spacing is used only where said: `--image` through HistologySource's rules
 * (NRRD/MetaImage spacing read as µm); `--inputVolume` as Slicer's mm (× 1000 to µm; a spacing
 * of exactly 1, Slicer's default for an uncalibrated image, is refused).
 */
struct SuperSpotIO_EXPORT SlideInputs
{
  std::string visiumOuts;          ///< --visium: Space Ranger outs/ folder
  std::string stCounts;            ///< --stCounts: legacy ST counts (spots x genes, TSV, may be gzipped)
  std::string stSpots;             ///< --stSpots: legacy ST spot file
  std::string xeniumDir;           ///< --xenium: Xenium output bundle folder
  std::string merscopeTranscripts; ///< --merscope: detected_transcripts.csv(.gz)
  std::string spotTable;           ///< --spots: SuperSpot spot table
  std::string fullResImage;        ///< --image: the H&E (full resolution unless --imageLevel says otherwise)
  std::string inputVolume;         ///< --inputVolume: the H&E as Slicer passes it (NRRD, mm)
  std::string imageLevel = "auto"; ///< --imageLevel: auto, full, hires, lowres (the last two: Visium only)
  std::string alignment;           ///< --alignment: Xenium H&E alignment, or MERSCOPE µm -> image px transform
  double micronsPerPixel = 0;      ///< --micronsPerPixel: µm per full-res px (Visium, ST, spot table); 0: unset
  double spotDiameterUm = 0;       ///< --spotDiameterUm: spot table only; 0: from the lattice
  double minQV = 20;               ///< --minQV: Xenium only (transcripts below it are dropped)

  /** The image given, --image or --inputVolume ("" when none). */
  const std::string & ImagePath() const { return fullResImage.empty() ? inputVolume : fullResImage; }
  /** The input kind the flags name: "visium", "st", "xenium", "merscope", "spots". Throws
   * InputError when none or several are given, or half of --stCounts/--stSpots. */
  std::string Kind() const;
};

/** The default of SlideInputs::minQV: other values are refused with inputs other than Xenium. */
constexpr double DefaultMinQV = 20;

/** SlideInputs from the parameters a CLI module's generated parser filled (<Name>Parameters):
 * any struct whose XML declares the shared slide flags with these names — visium, stCounts,
 * stSpots, xenium, merscope, spots, image, inputVolume, imageLevel, alignment,
 * micronsPerPixel, spotDiameterUm, minQV — so every module spells them the same way. */
template<typename TParameters>
SlideInputs SlideInputsFromParameters(const TParameters & p)
{
  SlideInputs in;
  in.visiumOuts = p.visium;
  in.stCounts = p.stCounts;
  in.stSpots = p.stSpots;
  in.xeniumDir = p.xenium;
  in.merscopeTranscripts = p.merscope;
  in.spotTable = p.spots;
  in.fullResImage = p.image;
  in.inputVolume = p.inputVolume;
  in.imageLevel = p.imageLevel;
  in.alignment = p.alignment;
  in.micronsPerPixel = p.micronsPerPixel;
  in.spotDiameterUm = p.spotDiameterUm;
  in.minQV = p.minQV;
  return in;
}

/** The per-slide flags given once per slide (multiple="true"), for commands that read several
 * slides: the k-th slide is made of the k-th value of every flag given. */
struct SuperSpotIO_EXPORT SlideInputLists
{
  std::vector<std::string> visium, stCounts, stSpots, xenium, merscope, spots, image, alignment;
};

/** Splits `lists` into slides: N = the most values any flag has; every flag given must be given
 * N times (InputError naming it otherwise). Each slide also takes `shared`'s other settings
 * (imageLevel, micronsPerPixel, spotDiameterUm, minQV, and inputVolume, which Slicer passes
 * once: only with a single slide). No flag at all gives one slide of `shared` (LoadSlide then
 * says what is missing). */
SuperSpotIO_EXPORT std::vector<SlideInputs> SplitSlideInputs(const SlideInputLists & lists, const SlideInputs & shared);

/** SplitSlideInputs of a module's parameters whose per-slide flags are lists (see
 * SlideInputsFromParameters for the names). */
template<typename TParameters>
std::vector<SlideInputs> SlideInputsListFromParameters(const TParameters & p)
{
  SlideInputLists lists;
  lists.visium = p.visium;
  lists.stCounts = p.stCounts;
  lists.stSpots = p.stSpots;
  lists.xenium = p.xenium;
  lists.merscope = p.merscope;
  lists.spots = p.spots;
  lists.image = p.image;
  lists.alignment = p.alignment;
  SlideInputs shared;
  shared.inputVolume = p.inputVolume;
  shared.imageLevel = p.imageLevel;
  shared.micronsPerPixel = p.micronsPerPixel;
  shared.spotDiameterUm = p.spotDiameterUm;
  shared.minQV = p.minQV;
  return SplitSlideInputs(lists, shared);
}

/** \struct LoadedSlide
 * \brief A slide read by LoadSlide: its data in µm and its H&E with µm geometry.
 *
 * Exactly one of spots / molecules is set. `image` is open (its header read and its µm
 * geometry fixed) but no pixels are read: pipelines stream from image->GetOutput(). */
struct SuperSpotIO_EXPORT LoadedSlide
{
  std::string name;     ///< short name: the sample folder or file stem
  std::string platform; ///< the input kind: "visium", "st", "xenium", "merscope", "spots"
  std::optional<SpotDataset> spots;
  std::optional<MoleculeTable> molecules;
  std::string imagePath;  ///< "" without an image
  std::string imageLevel; ///< "full", "hires" or "lowres"; "" without an image
  std::shared_ptr<HistologySource> image;
  /** The readers' notes (drops, corrections), then LoadSlide's own decisions. */
  std::vector<std::string> notes;

  bool HasImage() const { return static_cast<bool>(image); }
  /** Bounding box of the spot centres or molecules, µm. */
  BoundingBox DataBoundsUm() const;
};

/** Reads the slide `inputs` name; see SlideInputs for the rules. Throws InputError naming the
 * flags and the fix for missing or conflicting combinations, and whatever the readers and
 * HistologySource throw. */
SuperSpotIO_EXPORT LoadedSlide LoadSlide(const SlideInputs & inputs);

/** Reads Vizgen's images/micron_to_mosaic_pixel_transform.csv: a 3 x 3 affine matrix (rows
 * of three numbers separated by spaces or commas, last row 0 0 1) mapping µm of
 * detected_transcripts.csv to mosaic image pixels. Returns the image's frame (px -> µm,
 * the inverse), pixel centres at integers. InputError for a malformed or singular matrix. */
SuperSpotIO_EXPORT CoordinateFrame ReadMerscopeImageTransform(const std::string & path);

/** The whole image area-averaged to at most `maxSize` px along its longest side (an integer
 * shrink factor: ITK's BinShrinkImageFilter), geometry in µm. Streams in pieces when the
 * ImageIO can read regions (whole-slide formats), so a slide never sits in memory whole. */
SuperSpotIO_EXPORT RGBImageType::Pointer ReadImageOverview(HistologySource & source, unsigned int maxSize);

/** \struct SlideImageCheck
 * \brief Whether a slide's data sits on its image (CheckSpotsAgainstImage on an overview).
 *
 * Spots are checked as they are; molecules through their footprint: the centres of the
 * 50 µm bins holding at least a tenth of the mean molecules per occupied bin (and at least 3),
 * as 50 µm "spots". A greyscale image (R = G = B everywhere: DAPI, fluorescence) has no tissue
 * colour, so only the inside fractions (and the hires/lowres diagnosis) are judged. */
struct SuperSpotIO_EXPORT SlideImageCheck
{
  RGBImageType::Pointer overview; ///< the image at most `maxSize` px, µm geometry
  bool greyscale = false;
  SpotImageCheck spots;                ///< of the spots, or of the molecules' footprint
  double fractionMoleculesInside = -1; ///< molecules inside the image; -1 without molecules
  std::vector<std::string> notes;

  bool IsOk() const { return spots.IsOk(); }
};

/** Checks `slide`'s data against its image (which it must have). Never throws for a failed
 * check: see RequireSlideOnImage. */
SuperSpotIO_EXPORT SlideImageCheck CheckSlideImage(const LoadedSlide & slide, unsigned int overviewSize = 4000);

/** Throws InputError naming the image, the problem and its fix (the messages of
 * RequireSpotsOnImage) when `check` found one. */
SuperSpotIO_EXPORT void RequireSlideOnImage(const SlideImageCheck & check, const LoadedSlide & slide);

} // namespace ss

#endif
