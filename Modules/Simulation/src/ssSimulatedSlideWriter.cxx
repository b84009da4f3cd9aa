#include "ssSimulatedSlideWriter.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssLegacyST.h"
#include "ssMoleculeBinningImageFilter.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssSpaceRanger.h"
#include "ssStreamingRGBDownsampler.h"
#include "ssXenium.h"

#include "itkMetaDataObject.h"

#include <boost/filesystem.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace ss
{

namespace
{

/** Shortest text that reads back as the same float (std::to_chars). */
void AppendNumber(std::string & s, double v)
{
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  s.append(buffer, result.ptr);
}

void AppendNumber(std::string & s, float v)
{
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  s.append(buffer, result.ptr);
}

std::string NumberText(double v)
{
  std::string s;
  AppendNumber(s, v);
  return s;
}

void CheckOptions(const std::string & dir, const SimulatedSlideOptions & options)
{
  if (options.formats == SimulatedSlideFormat::None)
  {
    SS_INPUT_ERROR(dir, "formats", "no format chosen", "choose any of xenium, visium, st, truth (or all)");
  }
  if (!(options.morphologyPixelSizeUm > 0) || !(options.labelSpacingUm > 0))
  {
    SS_INPUT_ERROR(dir,
                   "formats",
                   "the morphology pixel size and the label spacing must be positive",
                   "give sizes in µm, e.g. 0.2125 and 2");
  }
  std::set<std::string> names;
  for (const double b : options.truthBinSizesUm)
  {
    if (!std::isfinite(b) || !(b > 0) || !names.insert(NumberText(b)).second)
    {
      SS_INPUT_ERROR(dir,
                     "truth bin sizes",
                     "must be distinct positive numbers of µm (got " + NumberText(b) + ")",
                     "give bin sizes such as 10 and 20");
    }
  }
  if (options.visiumPositionsVersion != 1 && options.visiumPositionsVersion != 2)
  {
    SS_INPUT_ERROR(dir,
                   "Visium positions version",
                   "is " + std::to_string(options.visiumPositionsVersion),
                   "give 1 (tissue_positions_list.csv) or 2 (tissue_positions.csv)");
  }
  if (options.transcriptsGzipLevel < 1 || options.transcriptsGzipLevel > 9)
  {
    SS_INPUT_ERROR(dir,
                   "transcripts gzip level",
                   "is " + std::to_string(options.transcriptsGzipLevel),
                   "give 1 (fastest) to 9 (smallest)");
  }
  if (options.hiresMaxSize == 0 || options.lowresMaxSize == 0)
  {
    SS_INPUT_ERROR(dir, "hires/lowres size", "must be at least 1 px", "give e.g. 2000 and 600");
  }
}

/** `target` as another name of the file `source` (a hard link: the same bytes, no copy),
 * or a copy where the file system has no hard links; atomically. */
void LinkOrCopy(const std::string & source, const std::string & target)
{
  WriteAtomically(target,
                  [&](const std::string & temporary)
                  {
                    boost::system::error_code error;
                    boost::filesystem::create_hard_link(source, temporary, error);
                    if (error)
                    {
                      boost::filesystem::copy_file(source, temporary);
                    }
                  });
}

/** Counts per bin of each truth size, and their tissue masks. */
void WriteTruthMaps(const std::string & truth,
                    const SimulatedTissue & tissue,
                    const MoleculeTable & molecules,
                    const SimulatedSlideOptions & options,
                    std::vector<std::string> & written)
{
  std::string genes;
  for (const auto & g : molecules.genes)
  {
    genes += (genes.empty() ? "" : ",") + g;
  }
  for (const double b : options.truthBinSizesUm)
  {
    auto binning = MoleculeBinningImageFilter::New();
    binning->SetMolecules(&molecules);
    // The slide, not the molecules, sets the grid, so every seed has the same one.
    binning->SetOutputGrid(GridGeometry::Covering(tissue.GetBoundsUm(), b));
    if (options.workUnits > 0)
    {
      binning->SetNumberOfWorkUnits(options.workUnits);
    }
    binning->Update();
    ExpressionImageType::Pointer counts = binning->GetOutput();
    auto & dictionary = counts->GetMetaDataDictionary();
    itk::EncapsulateMetaData<std::string>(dictionary, "superspot_genes", genes);
    itk::EncapsulateMetaData<std::string>(dictionary, "superspot_values", "molecule counts per bin");
    written.push_back(JoinPath(truth, "counts_" + NumberText(b) + "um.nrrd"));
    WriteImageAtomically(counts.GetPointer(), written.back());
    written.push_back(JoinPath(truth, "mask_" + NumberText(b) + "um.nrrd"));
    WriteImageAtomically(binning->GetMaskOutput(), written.back());
  }
}

/** The names of the formats, in the order ToString lists them. */
struct FormatName
{
  const char * name;
  SimulatedSlideFormat format;
};
constexpr FormatName FormatNames[] = {
  { "xenium", SimulatedSlideFormat::Xenium }, { "visium", SimulatedSlideFormat::Visium },
  { "st", SimulatedSlideFormat::LegacyST },   { "truth", SimulatedSlideFormat::GroundTruth },
  { "all", SimulatedSlideFormat::All },
};

std::size_t TotalCounts(const SpotDataset & spots)
{
  double total = 0;
  for (const float v : spots.counts.GetValues())
  {
    total += v;
  }
  return static_cast<std::size_t>(std::llround(total));
}

void WriteGroundTruthTables(const std::string & truth,
                            const SimulatedTissue & tissue,
                            const SimulatedSlideOptions & options,
                            std::vector<std::string> & written)
{
  auto & progress = ProgressReporter::Global();
  const auto & p = tissue.GetParameters();
  const auto & cells = tissue.GetCells();

  written.push_back(JoinPath(truth, "simulation.json"));
  p.WriteJSONFile(written.back());

  progress.Progress(0.92, "cells.csv.gz");
  const std::size_t M = p.numberOfModules;
  const auto typeNames = tissue.GetCellTypeNames();
  const auto domainNames = tissue.GetDomainNames();
  const auto totals = tissue.GetCellCounts().SpotTotals();
  const auto & activity = tissue.GetCellModuleActivity();
  std::string text = "cell_id,x_um,y_um,cell_type,domain,radius_um,nucleus_x_um,nucleus_y_um,nucleus_major_um,"
                     "nucleus_minor_um,nucleus_angle_rad,nucleus_haematoxylin,total_counts";
  for (std::size_t m = 0; m < M; ++m)
  {
    text += ",module_" + std::to_string(m) + "_activity";
  }
  text += '\n';
  for (std::size_t c = 0; c < cells.Size(); ++c)
  {
    text += SimulatedCellId(c);
    for (const float v : { cells.x[c], cells.y[c] })
    {
      text += ',';
      AppendNumber(text, v);
    }
    text += ',' + typeNames[cells.type[c]] + ',' + domainNames[cells.domain[c]];
    for (const float v : { cells.radius[c],
                           cells.nucleusX[c],
                           cells.nucleusY[c],
                           cells.nucleusMajor[c],
                           cells.nucleusMinor[c],
                           cells.nucleusAngle[c],
                           cells.nucleusStain[c] })
    {
      text += ',';
      AppendNumber(text, v);
    }
    text += ',';
    AppendNumber(text, totals[c]);
    for (std::size_t m = 0; m < M; ++m)
    {
      text += ',';
      AppendNumber(text, activity[c * M + m]);
    }
    text += '\n';
  }
  written.push_back(JoinPath(truth, "cells.csv.gz"));
  WriteGzipFileAtomically(written.back(), text);
  text.clear();
  text.shrink_to_fit();

  std::string genes = "gene,module";
  for (const auto & t : typeNames)
  {
    genes += ",expected_" + t;
  }
  genes += '\n';
  std::vector<std::vector<double>> expected;
  for (unsigned int t = 0; t < typeNames.size(); ++t)
  {
    expected.push_back(tissue.GetExpectedCounts(t));
  }
  for (std::size_t g = 0; g < tissue.GetGeneNames().size(); ++g)
  {
    const int module = tissue.GetGeneModules()[g];
    genes += tissue.GetGeneNames()[g] + ',' + (module < 0 ? std::string("housekeeping") : std::to_string(module));
    for (const auto & e : expected)
    {
      genes += ',';
      AppendNumber(genes, e[g]);
    }
    genes += '\n';
  }
  written.push_back(JoinPath(truth, "genes.csv"));
  WriteTextFileAtomically(written.back(), genes);

  progress.Progress(0.97, "label maps");
  written.push_back(JoinPath(truth, "domain_labels.nrrd"));
  WriteImageAtomically(tissue.MakeDomainLabelImage(options.labelSpacingUm).GetPointer(), written.back());
  written.push_back(JoinPath(truth, "cell_type_labels.nrrd"));
  WriteImageAtomically(tissue.MakeCellTypeLabelImage(options.labelSpacingUm).GetPointer(), written.back());
}

} // namespace

std::string SimulatedCellId(std::size_t cell)
{
  char id[32];
  std::snprintf(id, sizeof(id), "SIMC-%07zu", cell + 1);
  return id;
}

SimulatedSlideFormat ParseSimulatedSlideFormats(const std::vector<std::string> & names, const std::string & source)
{
  SimulatedSlideFormat formats = SimulatedSlideFormat::None;
  for (const auto & list : names)
  {
    std::size_t begin = 0;
    while (begin <= list.size())
    {
      const std::size_t comma = std::min(list.find(',', begin), list.size());
      std::string name = list.substr(begin, comma - begin);
      begin = comma + 1;
      name.erase(0, name.find_first_not_of(" \t"));
      name.erase(name.find_last_not_of(" \t") + 1);
      std::transform(
        name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name.empty())
      {
        continue;
      }
      const auto it = std::find_if(
        std::begin(FormatNames), std::end(FormatNames), [&](const FormatName & f) { return name == f.name; });
      if (it == std::end(FormatNames))
      {
        SS_INPUT_ERROR(source, "formats", "\"" + name + "\" is not a format", "use xenium, visium, st, truth or all");
      }
      formats = formats | it->format;
    }
  }
  if (formats == SimulatedSlideFormat::None)
  {
    SS_INPUT_ERROR(source, "formats", "no format given", "use xenium, visium, st, truth or all (comma-separated)");
  }
  return formats;
}

std::string ToString(SimulatedSlideFormat formats)
{
  std::string s;
  for (const auto & f : FormatNames)
  {
    if (f.format != SimulatedSlideFormat::All && Includes(formats, f.format))
    {
      s += (s.empty() ? "" : ",") + std::string(f.name);
    }
  }
  return s.empty() ? "none" : s;
}

SimulatedSlideFiles WriteSimulatedSlide(const std::string & dir,
                                        const SimulatedTissue & tissue,
                                        const SimulatedSlideOptions & options)
{
  CheckOptions(dir, options);
  const bool xenium = Includes(options.formats, SimulatedSlideFormat::Xenium);
  const bool visium = Includes(options.formats, SimulatedSlideFormat::Visium);
  const bool st = Includes(options.formats, SimulatedSlideFormat::LegacyST);
  const bool truth = Includes(options.formats, SimulatedSlideFormat::GroundTruth);
  PrepareOutputDirectory(dir, options.overwrite);
  auto & progress = ProgressReporter::Global();
  progress.Start("Writing simulated slide", dir + " (" + ToString(options.formats) + ")");
  const auto & p = tissue.GetParameters();
  SimulatedSlideFiles result;
  auto & written = result.files;
  if (xenium)
  {
    result.xenium = JoinPath(dir, "xenium");
    CreateDirectories(result.xenium);
  }
  if (visium)
  {
    result.visiumOuts = JoinPath(JoinPath(dir, "visium"), "outs");
    CreateDirectories(result.visiumOuts);
  }
  if (st)
  {
    result.legacyST = JoinPath(dir, "st");
    CreateDirectories(result.legacyST);
  }
  if (truth)
  {
    result.groundTruth = JoinPath(dir, "ground_truth");
    CreateDirectories(result.groundTruth);
  }

  // --- everything made from the molecules, while the table (the largest thing here) lives
  SpotDataset visiumSpots;
  {
    progress.Progress(0.01, "molecules");
    const MoleculeTable molecules = tissue.MakeMolecules(nullptr, options.workUnits);
    result.molecules = molecules.Size();
    if (xenium)
    {
      progress.Progress(0.03, "transcripts.csv.gz");
      written.push_back(JoinPath(result.xenium, "transcripts.csv.gz"));
      WriteXeniumTranscripts(written.back(), molecules, options.transcriptsGzipLevel);
      written.push_back(JoinPath(result.xenium, "experiment.xenium"));
      WriteXeniumExperiment(written.back(), options.morphologyPixelSizeUm);
    }
    if (visium)
    {
      progress.Progress(0.35, "pseudo-Visium spots");
      visiumSpots = MakePseudoSpots(molecules, PseudoSpotParameters::Visium(), &tissue.GetFrame());
      visiumSpots.source = result.visiumOuts;
      result.visiumSpots = visiumSpots.NumberOfSpots();
      result.moleculesInVisiumSpots = TotalCounts(visiumSpots);
    }
    if (st)
    {
      progress.Progress(0.38, "pseudo-ST spots");
      SpotDataset stSpots = MakePseudoSpots(molecules, PseudoSpotParameters::LegacyST(), &tissue.GetFrame());
      stSpots.source = result.legacyST;
      result.legacySTSpots = stSpots.NumberOfSpots();
      result.moleculesInLegacySTSpots = TotalCounts(stSpots);
      WriteLegacyST(result.legacyST, stSpots);
      written.push_back(JoinPath(result.legacyST, "counts.tsv.gz"));
      written.push_back(JoinPath(result.legacyST, "spots.tsv"));
    }
    if (truth)
    {
      progress.Progress(0.4, "truth maps");
      WriteTruthMaps(result.groundTruth, tissue, molecules, options, written);
    }
  }
  if (xenium)
  {
    progress.Progress(0.45, "cell_feature_matrix.h5");
    FeatureBarcodeMatrix matrix;
    matrix.counts = tissue.GetCellCounts();
    matrix.featureIds = tissue.GetGeneNames();
    matrix.featureNames = tissue.GetGeneNames();
    matrix.featureTypes.assign(matrix.featureIds.size(), "Gene Expression");
    matrix.barcodes.reserve(tissue.GetCells().Size());
    for (std::size_t c = 0; c < tissue.GetCells().Size(); ++c)
    {
      matrix.barcodes.push_back(SimulatedCellId(c));
    }
    written.push_back(JoinPath(result.xenium, "cell_feature_matrix.h5"));
    WriteFeatureBarcodeMatrixH5(written.back(), matrix);
    written.push_back(JoinPath(result.xenium, "he_imagealignment.csv"));
    WriteXeniumAlignment(written.back(), XeniumAlignmentMatrix(tissue.GetFrame(), options.morphologyPixelSizeUm));
  }

  // --- the H&E, rendered once for every format that has one
  std::vector<std::string> hePaths;
  if (xenium)
  {
    hePaths.push_back(JoinPath(result.xenium, "he.tif"));
  }
  if (visium)
  {
    hePaths.push_back(JoinPath(result.visiumOuts, SpaceRangerWriteOptions{}.fullResImageName));
  }
  if (st)
  {
    hePaths.push_back(JoinPath(result.legacyST, "he.tif"));
  }
  if (!hePaths.empty())
  {
    const SizeType size = tissue.GetImageSize();
    std::unique_ptr<StreamingRGBDownsampler> hires, lowres;
    std::vector<StreamingRGBDownsampler *> downsamplers;
    if (visium)
    {
      // Space Ranger's images carry no geometry: pixel units, as WriteSpaceRangerOuts makes them.
      GridGeometry pixels;
      pixels.size = size;
      hires = std::make_unique<StreamingRGBDownsampler>(pixels, ScaleToFit(size, options.hiresMaxSize));
      lowres = std::make_unique<StreamingRGBDownsampler>(pixels, ScaleToFit(size, options.lowresMaxSize));
      downsamplers = { hires.get(), lowres.get() };
    }
    const auto render = tissue.GetRenderer(options.workUnits);
    const double height = static_cast<double>(size[1]);
    const RGBRegionRenderer withProgress =
      [&](std::int64_t x0, std::int64_t y0, std::uint32_t width, std::uint32_t rows, std::uint8_t * rgb)
    {
      render(x0, y0, width, rows, rgb);
      progress.Progress(0.5 + 0.4 * static_cast<double>(y0 + rows) / height, "H&E");
    };
    WritePyramidalTIFF(hePaths.front(),
                       static_cast<std::uint32_t>(size[0]),
                       static_cast<std::uint32_t>(size[1]),
                       p.micronsPerPixel,
                       StreamingRGBDownsampler::Tee(withProgress, downsamplers),
                       options.he);
    written.push_back(hePaths.front());
    for (std::size_t i = 1; i < hePaths.size(); ++i)
    {
      LinkOrCopy(hePaths.front(), hePaths[i]);
      written.push_back(hePaths[i]);
    }
    if (visium)
    {
      progress.Progress(0.9, "Space Ranger outs");
      SpaceRangerImages images;
      images.hires = hires->GetOutput();
      images.hiresScale = hires->GetScale();
      images.lowres = lowres->GetOutput();
      images.lowresScale = lowres->GetScale();
      SpaceRangerWriteOptions spaceRanger;
      spaceRanger.positionsVersion = options.visiumPositionsVersion;
      WriteSpaceRangerOuts(result.visiumOuts, visiumSpots, images, spaceRanger);
      const std::string spatial = JoinPath(result.visiumOuts, "spatial");
      written.push_back(JoinPath(result.visiumOuts, "filtered_feature_bc_matrix.h5"));
      written.push_back(
        JoinPath(spatial, options.visiumPositionsVersion == 2 ? "tissue_positions.csv" : "tissue_positions_list.csv"));
      written.push_back(JoinPath(spatial, "scalefactors_json.json"));
      written.push_back(JoinPath(spatial, "tissue_hires_image.png"));
      written.push_back(JoinPath(spatial, "tissue_lowres_image.png"));
    }
  }

  if (truth)
  {
    WriteGroundTruthTables(result.groundTruth, tissue, options, written);
  }
  progress.End();
  return result;
}

} // namespace ss
