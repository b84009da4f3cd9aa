#include "ssSlideInputs.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssIOText.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssMerscope.h"
#include "ssProgress.h"
#include "ssSpaceRanger.h"
#include "ssSpotTable.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include "itkBinShrinkImageFilter.h"
#include "itkImageIOFactory.h"
#include "itkImageRegionConstIterator.h"
#include "itkStreamingImageFilter.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <unordered_map>

namespace ss
{

namespace
{
const char * const CommandLine = "command line";
const char * const InputKinds =
  "--visium DIR, --stCounts FILE with --stSpots FILE, --xenium DIR, --merscope FILE or --spots FILE";

/** `path` without trailing separators, so that "outs/" names the folder "outs". */
std::string WithoutTrailingSlash(std::string path)
{
  while (path.size() > 1 && path.back() == '/')
  {
    path.pop_back();
  }
  return path;
}

/** A file's name without its table/compression extensions ("C3.csv.gz" -> "C3"). */
std::string Stem(const std::string & path)
{
  std::string name = FileName(path);
  for (const char * ext : { ".gz", ".csv", ".tsv", ".txt" })
  {
    if (io::EndsWith(name, ext) && name.size() > std::string(ext).size())
    {
      name.resize(name.size() - std::string(ext).size());
    }
  }
  return name;
}

/** The folder a file sits in, or the file's stem when it has none. */
std::string FolderNameOf(const std::string & file)
{
  const std::string parent = FileName(WithoutTrailingSlash(ParentPath(file)));
  return parent.empty() || parent == "." || parent == ".." ? Stem(file) : parent;
}

/** The geometry of a volume Slicer passes (an NRRD in Slicer's millimetres, LPS): µm = 1000 mm. */
CoordinateFrame SlicerVolumeFrame(const std::string & path, std::vector<std::string> & notes)
{
  RegisterImageIOFactories();
  RequireFile(path, "--inputVolume", "give the H&E volume Slicer passes (or a file on disk)");
  itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  if (!io)
  {
    SS_INPUT_ERROR(path, "--inputVolume", "no ImageIO can read this file", "give an NRRD, MetaImage, TIFF or PNG");
  }
  io->SetFileName(path);
  try
  {
    io->ReadImageInformation();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(path,
                   "--inputVolume",
                   std::string("cannot read its header: ") + e.GetDescription(),
                   "check the file is a complete image");
  }
  if (io->GetNumberOfDimensions() < 2)
  {
    SS_INPUT_ERROR(path, "--inputVolume", "is not a 2D image", "give the H&E volume");
  }
  const double sx = io->GetSpacing(0);
  const double sy = io->GetSpacing(1);
  if (sx == 1.0 && sy == 1.0)
  {
    SS_INPUT_ERROR(path,
                   "--inputVolume spacing",
                   "is 1 mm, Slicer's default for an image without calibration, so its µm per pixel is unknown",
                   "set the volume's spacing in Slicer (Volumes > Volume Information > Image Spacing, in mm: 0.0005 "
                   "for 0.5 µm per pixel), or pass --micronsPerPixel");
  }
  CoordinateFrame::MatrixType m;
  PointType origin;
  for (unsigned r = 0; r < 2; ++r)
  {
    origin[r] = 1000.0 * io->GetOrigin(r);
    for (unsigned c = 0; c < 2; ++c)
    {
      m(r, c) = 1000.0 * io->GetDirection(c)[r] * io->GetSpacing(c);
    }
  }
  CoordinateFrame frame;
  try
  {
    frame = CoordinateFrame::FromAffine(m, origin);
  }
  catch (const std::invalid_argument & e)
  {
    SS_INPUT_ERROR(path, "--inputVolume geometry", e.what(), "fix the volume's spacing and direction in Slicer");
  }
  notes.push_back(path + ": --inputVolume spacing " + io::NumberText(sx) + " x " + io::NumberText(sy) +
                  " mm (Slicer's unit) read as " + io::NumberText(frame.GetMicronsPerPixel()) + " µm per pixel");
  return frame;
}

/** Refuses the flags that have no meaning for `kind`. */
void CheckCombination(const SlideInputs & in, const std::string & kind)
{
  if (!in.fullResImage.empty() && !in.inputVolume.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   "--image/--inputVolume",
                   "both given; a slide has one H&E",
                   "keep --image (a file) or --inputVolume (the volume from Slicer)");
  }
  const std::string & level = in.imageLevel;
  if (level != "auto" && level != "full" && level != "hires" && level != "lowres")
  {
    SS_INPUT_ERROR(
      CommandLine, "--imageLevel", "'" + level + "' is not auto, full, hires or lowres", "choose one of those");
  }
  if ((level == "hires" || level == "lowres") && kind != "visium")
  {
    SS_INPUT_ERROR(CommandLine,
                   "--imageLevel",
                   level + " is a Space Ranger image level, and the input is " + kind,
                   "leave --imageLevel at auto (or full)");
  }
  if (!in.alignment.empty() && kind != "xenium" && kind != "merscope")
  {
    SS_INPUT_ERROR(CommandLine,
                   "--alignment",
                   "is the H&E alignment of Xenium or MERSCOPE data, and the input is " + kind,
                   kind == "spots" ? "drop --alignment; the image's geometry comes from --micronsPerPixel or the "
                                     "image itself"
                                   : "drop --alignment; the " + kind + " reader places the image itself");
  }
  if (!(in.micronsPerPixel >= 0) || !std::isfinite(in.micronsPerPixel))
  {
    SS_INPUT_ERROR(CommandLine,
                   "--micronsPerPixel",
                   "must be a positive number of µm per pixel (or 0: unset)",
                   "give the scanner's µm per full-resolution pixel, e.g. 0.5 at 20x");
  }
  if (in.micronsPerPixel > 0 && (kind == "xenium" || kind == "merscope"))
  {
    SS_INPUT_ERROR(CommandLine,
                   "--micronsPerPixel",
                   "sets no origin, and " + kind + " µm are stage coordinates far from 0",
                   kind == "xenium" ? "drop it; --alignment and experiment.xenium place the H&E"
                                    : "drop it; pass --alignment micron_to_mosaic_pixel_transform.csv (Vizgen's "
                                      "images/ folder) to place the image");
  }
  if (in.spotDiameterUm != 0 && kind != "spots")
  {
    SS_INPUT_ERROR(CommandLine,
                   "--spotDiameterUm",
                   "applies to a spot table (--spots); the " + kind + " reader knows its spot size",
                   "drop --spotDiameterUm");
  }
  if (!(in.spotDiameterUm >= 0) || !std::isfinite(in.spotDiameterUm))
  {
    SS_INPUT_ERROR(CommandLine,
                   "--spotDiameterUm",
                   "must be a positive diameter in µm (or 0: from the pitch)",
                   "give the spots' diameter in µm");
  }
  if (in.minQV != DefaultMinQV && kind != "xenium")
  {
    SS_INPUT_ERROR(CommandLine, "--minQV", "filters Xenium transcripts, and the input is " + kind, "drop --minQV");
  }
  const bool hasImage = !in.ImagePath().empty();
  if (kind == "xenium" && hasImage != !in.alignment.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   hasImage ? "--alignment" : "--image",
                   hasImage ? "a post-Xenium H&E needs its alignment to the Xenium data"
                            : "an alignment without the H&E it aligns",
                   hasImage ? "pass --alignment with the transformation matrix CSV Xenium Explorer exports (Image "
                              "Alignment)"
                            : "pass the H&E with --image, or drop --alignment");
  }
  if (kind == "merscope" && !in.fullResImage.empty() && in.alignment.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   "--alignment",
                   "a MERSCOPE image needs the transform that places it in the transcripts' µm",
                   "pass --alignment images/micron_to_mosaic_pixel_transform.csv from the MERSCOPE output");
  }
  if (kind == "visium" && level == "full" && !hasImage)
  {
    SS_INPUT_ERROR(CommandLine,
                   "--imageLevel",
                   "full needs the full-resolution H&E, and no --image was given",
                   "pass the H&E Space Ranger was run with as --image, or use --imageLevel auto");
  }
  if (kind == "merscope" && !in.alignment.empty() && !hasImage)
  {
    SS_INPUT_ERROR(CommandLine,
                   "--image",
                   "an alignment without the image it places",
                   "pass the image with --image, or drop --alignment");
  }
}

std::shared_ptr<HistologySource> OpenImage(const std::string & path, const std::optional<CoordinateFrame> & frame)
{
  HistologyOptions o;
  o.frame = frame;
  return std::make_shared<HistologySource>(path, o);
}

void LoadVisium(const SlideInputs & in, LoadedSlide & slide)
{
  const std::string outs = WithoutTrailingSlash(in.visiumOuts);
  const std::string folder = FileName(outs);
  slide.name = folder == "outs" && !ParentPath(outs).empty() ? FileName(ParentPath(outs)) : folder;
  SpaceRangerReadOptions o;
  o.micronsPerPixel = in.micronsPerPixel;
  slide.spots = ReadSpaceRangerOuts(outs, o);
  std::string level = in.imageLevel;
  std::string path = in.ImagePath();
  if (!path.empty())
  {
    level = level == "auto" ? "full" : level;
  }
  else
  {
    if (level == "auto")
    {
      level = FileExists(SpaceRangerImagePath(outs, "hires"))    ? "hires"
              : FileExists(SpaceRangerImagePath(outs, "lowres")) ? "lowres"
                                                                 : "";
    }
    if (level.empty())
    {
      slide.notes.push_back(outs + ": no --image and no tissue_hires/lowres_image.png: no image");
      return;
    }
    path = SpaceRangerImagePath(outs, level);
    RequireFile(path, "--imageLevel " + level, "give the H&E with --image, or choose another --imageLevel");
    slide.notes.push_back(outs + ": image = spatial/tissue_" + level + "_image.png (no --image given)");
  }
  const CoordinateFrame & frame = slide.spots->frame;
  CoordinateFrame imageFrame = frame;
  if (level != "full")
  {
    const double scale = level == "hires" ? frame.GetHiresScale() : frame.GetLowresScale();
    if (!(scale > 0))
    {
      SS_INPUT_ERROR(JoinPath(outs, "spatial/scalefactors_json.json"),
                     "tissue_" + level + "_scalef",
                     "missing, so the " + level + " image cannot be placed",
                     "give the full-resolution H&E with --image");
    }
    imageFrame = frame.Downsampled(scale);
  }
  slide.imagePath = path;
  slide.imageLevel = level;
  slide.image = OpenImage(path, imageFrame);
}

void LoadST(const SlideInputs & in, LoadedSlide & slide)
{
  slide.name = FolderNameOf(in.stCounts);
  LegacySTReadOptions o;
  o.micronsPerPixel = in.micronsPerPixel;
  slide.spots = ReadLegacyST(in.stCounts, in.stSpots, o);
  if (!in.ImagePath().empty())
  {
    slide.imagePath = in.ImagePath();
    slide.imageLevel = "full";
    slide.image = OpenImage(slide.imagePath, slide.spots->frame);
  }
}

void LoadXenium(const SlideInputs & in, LoadedSlide & slide)
{
  slide.name = FileName(WithoutTrailingSlash(in.xeniumDir));
  XeniumBundle bundle = ReadXeniumBundle(in.xeniumDir, in.ImagePath(), in.alignment, in.minQV);
  slide.notes.push_back(in.xeniumDir + ": experiment.xenium pixel_size " +
                        io::NumberText(bundle.experiment.pixelSizeUm) + " µm" +
                        (bundle.experiment.panelName.empty() ? "" : ", panel " + bundle.experiment.panelName));
  slide.molecules = std::move(bundle.molecules);
  if (!bundle.hePath.empty())
  {
    slide.imagePath = bundle.hePath;
    slide.imageLevel = "full";
    slide.image = OpenImage(bundle.hePath, bundle.heFrame);
  }
}

void LoadMerscope(const SlideInputs & in, LoadedSlide & slide)
{
  slide.name = FolderNameOf(in.merscopeTranscripts);
  slide.molecules = ReadMerscopeTranscripts(in.merscopeTranscripts);
  const std::string path = in.ImagePath();
  if (path.empty())
  {
    return;
  }
  const CoordinateFrame frame =
    in.alignment.empty() ? SlicerVolumeFrame(path, slide.notes) : ReadMerscopeImageTransform(in.alignment);
  slide.imagePath = path;
  slide.imageLevel = "full";
  slide.image = OpenImage(path, frame);
}

void LoadSpotTable(const SlideInputs & in, LoadedSlide & slide)
{
  slide.name = Stem(in.spotTable);
  SpotTableReadOptions o;
  o.spotDiameterUm = in.spotDiameterUm;
  if (in.micronsPerPixel > 0)
  {
    o.frame = CoordinateFrame::FromMicronsPerPixel(in.micronsPerPixel);
  }
  const std::string path = in.ImagePath();
  if (!path.empty())
  {
    if (!o.frame && !in.inputVolume.empty())
    {
      o.frame = SlicerVolumeFrame(path, slide.notes);
    }
    if (!o.frame && SpotTableHasPixelGeometry(in.spotTable))
    {
      // The table says where its spots are in both pixels and µm: that places the image too.
      slide.spots = ReadSpotTable(in.spotTable, o);
      o.frame = slide.spots->frame;
      slide.notes.push_back(path + ": placed by the spot table's x_px,y_px and x_um,y_um (" +
                            io::NumberText(o.frame->GetMicronsPerPixel()) + " µm per pixel)");
    }
    slide.image = OpenImage(path, o.frame);
    o.frame = slide.image->GetFrame();
    slide.imagePath = path;
    slide.imageLevel = "full";
  }
  if (!slide.spots)
  {
    slide.spots = ReadSpotTable(in.spotTable, o);
  }
}

std::string PercentText(double fraction)
{
  return io::NumberText(std::round(100 * fraction)) + "%";
}

/** The molecules as "spots": centres of the well-occupied 50 µm bins. */
SpotDataset MoleculeFootprint(const MoleculeTable & molecules)
{
  constexpr double bin = 50.0;
  // Bin (i, j) as one 64-bit key: i in the high 32 bits, j in the low ones.
  std::unordered_map<std::uint64_t, std::size_t> counts;
  for (std::size_t m = 0; m < molecules.Size(); ++m)
  {
    const auto i = static_cast<std::int32_t>(std::floor(molecules.x[m] / bin));
    const auto j = static_cast<std::int32_t>(std::floor(molecules.y[m] / bin));
    ++counts[(static_cast<std::uint64_t>(static_cast<std::uint32_t>(i)) << 32) | static_cast<std::uint32_t>(j)];
  }
  SpotDataset ds;
  ds.source = molecules.source;
  ds.platform = "molecule-footprint";
  ds.spotDiameterUm = bin;
  ds.pitchUm = bin;
  if (counts.empty())
  {
    return ds;
  }
  const double mean = static_cast<double>(molecules.Size()) / static_cast<double>(counts.size());
  const double threshold = std::max(3.0, 0.1 * mean);
  for (const auto & [k, n] : counts)
  {
    if (static_cast<double>(n) >= threshold)
    {
      PointType p;
      p[0] = (static_cast<double>(static_cast<std::int32_t>(k >> 32)) + 0.5) * bin;
      p[1] = (static_cast<double>(static_cast<std::int32_t>(k & 0xffffffffu)) + 0.5) * bin;
      ds.spots.id.push_back(std::to_string(ds.spots.id.size()));
      ds.spots.positionUm.push_back(p);
    }
  }
  return ds;
}

bool IsGreyscale(const RGBImageType * image)
{
  for (itk::ImageRegionConstIterator<RGBImageType> it(image, image->GetBufferedRegion()); !it.IsAtEnd(); ++it)
  {
    const RGBPixelType p = it.Get();
    if (p[0] != p[1] || p[1] != p[2])
    {
      return false;
    }
  }
  return true;
}
} // namespace

std::string SlideInputs::Kind() const
{
  std::vector<std::string> given;
  if (!visiumOuts.empty())
  {
    given.emplace_back("--visium");
  }
  if (!stCounts.empty() || !stSpots.empty())
  {
    given.emplace_back(stCounts.empty() ? "--stSpots" : "--stCounts");
  }
  if (!xeniumDir.empty())
  {
    given.emplace_back("--xenium");
  }
  if (!merscopeTranscripts.empty())
  {
    given.emplace_back("--merscope");
  }
  if (!spotTable.empty())
  {
    given.emplace_back("--spots");
  }
  if (given.empty())
  {
    SS_INPUT_ERROR(CommandLine, "input", "no slide given", std::string("give one of ") + InputKinds);
  }
  if (given.size() > 1)
  {
    SS_INPUT_ERROR(CommandLine,
                   Join(given, "/"),
                   Join(given, " and ") + " given together; a slide is one of them",
                   "keep one of " + Join(given, ", "));
  }
  if (stCounts.empty() != stSpots.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   stCounts.empty() ? "--stCounts" : "--stSpots",
                   std::string("a legacy ST section needs its counts and its spot file, and only ") +
                     (stCounts.empty() ? "--stSpots" : "--stCounts") + " was given",
                   stCounts.empty() ? "add --stCounts counts.tsv.gz" : "add --stSpots spots.tsv");
  }
  const std::string & g = given.front();
  return g == "--visium"     ? "visium"
         : g == "--xenium"   ? "xenium"
         : g == "--merscope" ? "merscope"
         : g == "--spots"    ? "spots"
                             : "st";
}

std::vector<SlideInputs> SplitSlideInputs(const SlideInputLists & lists, const SlideInputs & shared)
{
  const std::vector<std::pair<const char *, const std::vector<std::string> *>> flags{
    { "--visium", &lists.visium }, { "--stCounts", &lists.stCounts },  { "--stSpots", &lists.stSpots },
    { "--xenium", &lists.xenium }, { "--merscope", &lists.merscope },  { "--spots", &lists.spots },
    { "--image", &lists.image },   { "--alignment", &lists.alignment }
  };
  std::size_t n = 0;
  const char * most = nullptr;
  for (const auto & [flag, values] : flags)
  {
    if (values->size() > n)
    {
      n = values->size();
      most = flag;
    }
  }
  for (const auto & [flag, values] : flags)
  {
    if (!values->empty() && values->size() != n)
    {
      SS_INPUT_ERROR(CommandLine,
                     flag,
                     "given " + std::to_string(values->size()) + " time(s) but " + most + " " + std::to_string(n) +
                       " times; the k-th slide is made of the k-th value of every flag",
                     "give " + std::string(flag) + " once per slide, in the same order as " + most);
    }
  }
  if (n > 1 && !shared.inputVolume.empty())
  {
    SS_INPUT_ERROR(CommandLine,
                   "--inputVolume",
                   "is one image, and " + std::to_string(n) + " slides were given",
                   "give each slide's H&E with --image instead");
  }
  std::vector<SlideInputs> slides(std::max<std::size_t>(n, 1), shared);
  for (std::size_t k = 0; k < n; ++k)
  {
    auto value = [k](const std::vector<std::string> & v) { return v.empty() ? std::string() : v[k]; };
    SlideInputs & s = slides[k];
    s.visiumOuts = value(lists.visium);
    s.stCounts = value(lists.stCounts);
    s.stSpots = value(lists.stSpots);
    s.xeniumDir = value(lists.xenium);
    s.merscopeTranscripts = value(lists.merscope);
    s.spotTable = value(lists.spots);
    s.fullResImage = value(lists.image);
    s.alignment = value(lists.alignment);
  }
  return slides;
}

BoundingBox LoadedSlide::DataBoundsUm() const
{
  if (spots)
  {
    return spots->spots.BoundsUm();
  }
  return molecules ? molecules->BoundsUm() : BoundingBox();
}

LoadedSlide LoadSlide(const SlideInputs & inputs)
{
  const std::string kind = inputs.Kind();
  CheckCombination(inputs, kind);
  LoadedSlide slide;
  slide.platform = kind;
  if (kind == "visium")
  {
    LoadVisium(inputs, slide);
  }
  else if (kind == "st")
  {
    LoadST(inputs, slide);
  }
  else if (kind == "xenium")
  {
    LoadXenium(inputs, slide);
  }
  else if (kind == "merscope")
  {
    LoadMerscope(inputs, slide);
  }
  else
  {
    LoadSpotTable(inputs, slide);
  }
  // The readers' notes first: they say what was dropped from the data itself.
  const std::vector<std::string> & readerNotes = slide.spots ? slide.spots->notes : slide.molecules->notes;
  slide.notes.insert(slide.notes.begin(), readerNotes.begin(), readerNotes.end());
  if (slide.image && (kind == "visium" || kind == "st" || kind == "xenium") && !inputs.inputVolume.empty())
  {
    slide.notes.push_back(inputs.inputVolume + ": --inputVolume's own spacing and origin are replaced by the " + kind +
                          " frame (its pixels are taken as the H&E the data refers to)");
  }
  return slide;
}

CoordinateFrame ReadMerscopeImageTransform(const std::string & path)
{
  const std::string fix = "give images/micron_to_mosaic_pixel_transform.csv from the MERSCOPE output (3 rows of 3 "
                          "numbers, the last 0 0 1)";
  RequireFile(path, "--alignment", fix);
  std::vector<std::vector<double>> rows;
  for (const std::string & rawLine : SplitString(ReadWholeFile(path, "MERSCOPE transform"), '\n'))
  {
    std::string line = Trim(rawLine);
    if (line.empty())
    {
      continue;
    }
    std::replace(line.begin(), line.end(), ',', ' ');
    std::replace(line.begin(), line.end(), '\t', ' ');
    std::vector<double> row;
    for (const std::string & field : SplitString(line, ' '))
    {
      if (field.empty())
      {
        continue;
      }
      double v = 0;
      const auto r = std::from_chars(field.data(), field.data() + field.size(), v);
      if (r.ec != std::errc() || r.ptr != field.data() + field.size() || !std::isfinite(v))
      {
        SS_INPUT_ERROR(path, "matrix", "'" + field + "' is not a number", fix);
      }
      row.push_back(v);
    }
    if (row.size() != 3)
    {
      SS_INPUT_ERROR(path, "matrix", "a row has " + std::to_string(row.size()) + " numbers, expected 3", fix);
    }
    rows.push_back(row);
  }
  if (rows.size() != 3)
  {
    SS_INPUT_ERROR(path, "matrix", "has " + std::to_string(rows.size()) + " rows, expected 3", fix);
  }
  if (rows[2][0] != 0 || rows[2][1] != 0 || rows[2][2] != 1)
  {
    SS_INPUT_ERROR(path, "matrix", "the last row is not 0 0 1, so it is not an affine transform", fix);
  }
  // px = A um + b  =>  um = A^-1 (px - b): the image's frame has A^-1 and origin -A^-1 b.
  CoordinateFrame::MatrixType a;
  PointType b;
  for (unsigned r = 0; r < 2; ++r)
  {
    b[r] = rows[r][2];
    for (unsigned c = 0; c < 2; ++c)
    {
      a(r, c) = rows[r][c];
    }
  }
  CoordinateFrame micronsToPixels;
  try
  {
    PointType zero;
    zero.Fill(0.0);
    micronsToPixels = CoordinateFrame::FromAffine(a, zero);
  }
  catch (const std::invalid_argument &)
  {
    SS_INPUT_ERROR(path, "matrix", "is singular", fix);
  }
  const PointType origin = micronsToPixels.MicronsToFullResPx(b); // A^-1 b
  PointType negated;
  negated[0] = -origin[0];
  negated[1] = -origin[1];
  return CoordinateFrame::FromAffine(CoordinateFrame::MatrixType(a.GetInverse()), negated);
}

RGBImageType::Pointer ReadImageOverview(HistologySource & source, unsigned int maxSize)
{
  if (maxSize == 0)
  {
    throw std::invalid_argument("ReadImageOverview: maxSize must be positive");
  }
  const SizeType size = source.GetSize();
  const auto longest = std::max(size[0], size[1]);
  const auto factor = static_cast<unsigned int>((longest + maxSize - 1) / maxSize);
  if (factor <= 1)
  {
    return source.Read();
  }
  // A reader that cannot read regions reads the whole file for every piece: one piece then.
  itk::ImageIOBase::Pointer io =
    itk::ImageIOFactory::CreateImageIO(source.GetPath().c_str(), itk::IOFileModeEnum::ReadMode);
  const double pixels = static_cast<double>(size[0]) * static_cast<double>(size[1]);
  const unsigned int pieces =
    io && io->CanStreamRead() ? static_cast<unsigned int>(std::ceil(pixels / (16.0 * 1024 * 1024))) : 1;
  using ShrinkType = itk::BinShrinkImageFilter<RGBImageType, RGBImageType>;
  auto shrink = ShrinkType::New();
  shrink->SetInput(source.GetOutput());
  shrink->SetShrinkFactors(factor);
  auto stream = itk::StreamingImageFilter<RGBImageType, RGBImageType>::New();
  stream->SetInput(shrink->GetOutput());
  stream->SetNumberOfStreamDivisions(std::max(1u, pieces));
  try
  {
    stream->Update();
  }
  catch (const itk::ExceptionObject & e)
  {
    SS_INPUT_ERROR(source.GetPath(),
                   "pixels",
                   std::string("cannot read them: ") + e.GetDescription(),
                   "check the file is complete (a truncated download fails here)");
  }
  RGBImageType::Pointer out = stream->GetOutput();
  out->DisconnectPipeline();
  return out;
}

SlideImageCheck CheckSlideImage(const LoadedSlide & slide, unsigned int overviewSize)
{
  if (!slide.image)
  {
    throw std::invalid_argument("CheckSlideImage: the slide has no image");
  }
  SlideImageCheck check;
  check.overview = ReadImageOverview(*slide.image, overviewSize);
  check.greyscale = IsGreyscale(check.overview);
  if (slide.spots)
  {
    check.spots = CheckSpotsAgainstImage(*slide.spots, check.overview);
  }
  else
  {
    const MoleculeTable & molecules = *slide.molecules;
    const CoordinateFrame & frame = slide.image->GetFrame();
    const SizeType size = slide.image->GetSize();
    std::size_t inside = 0;
    for (std::size_t m = 0; m < molecules.Size(); ++m)
    {
      PointType um;
      um[0] = molecules.x[m];
      um[1] = molecules.y[m];
      const PointType px = frame.MicronsToFullResPx(um);
      inside += px[0] >= -0.5 && px[0] < static_cast<double>(size[0]) - 0.5 && px[1] >= -0.5 &&
                    px[1] < static_cast<double>(size[1]) - 0.5
                  ? 1
                  : 0;
    }
    check.fractionMoleculesInside =
      molecules.Size() ? static_cast<double>(inside) / static_cast<double>(molecules.Size()) : 0.0;
    const SpotDataset footprint = MoleculeFootprint(molecules);
    if (footprint.NumberOfSpots() == 0)
    {
      SS_INPUT_ERROR(
        molecules.source, "molecules", "none to check against the image", "give a non-empty transcript file");
    }
    check.spots = CheckSpotsAgainstImage(footprint, check.overview);
    check.notes.push_back("molecules checked against the image as their " + std::to_string(footprint.NumberOfSpots()) +
                          " well-occupied 50 µm bins; " + PercentText(check.fractionMoleculesInside) +
                          " of the molecules lie inside the image");
  }
  if (check.greyscale)
  {
    check.notes.push_back(slide.imagePath +
                          ": greyscale image (fluorescence or a blank): tissue colour not judged, only whether the "
                          "data lie inside it");
    using P = SpotImageCheck::Problem;
    if (check.spots.problem == P::Transposed || check.spots.problem == P::OffTissue)
    {
      check.spots.problem = P::None;
      check.spots.message.clear();
      check.spots.fix.clear();
    }
  }
  return check;
}

void RequireSlideOnImage(const SlideImageCheck & check, const LoadedSlide & slide)
{
  if (check.IsOk())
  {
    return;
  }
  SpotImageCheck c = check.spots;
  if (!slide.spots)
  {
    c.message = "the molecules, checked as their occupied 50 µm bins ('spots'): " + c.message;
    // Molecules' µm are stage coordinates: --micronsPerPixel cannot place their image (it is
    // refused for Xenium and MERSCOPE); what places it is the alignment or the volume's geometry.
    if (c.problem == SpotImageCheck::Problem::MostlyOutside)
    {
      c.fix = "check that the image and --alignment belong to this run (Xenium: the H&E's transformation matrix "
              "from Xenium Explorer; MERSCOPE: images/micron_to_mosaic_pixel_transform.csv of the same region)";
    }
  }
  RequireSpotsOnImage(c, slide.imagePath);
}

} // namespace ss
