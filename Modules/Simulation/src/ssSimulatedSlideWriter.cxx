#include "ssSimulatedSlideWriter.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssImageIO.h"
#include "ssProgress.h"
#include "ssSpaceRanger.h"
#include "ssXenium.h"

#include <charconv>
#include <cstdio>

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

void WriteXenium(const std::string & dir,
                 const SimulatedTissue & tissue,
                 const SimulatedSlideFormats & formats,
                 std::vector<std::string> & written)
{
  auto & progress = ProgressReporter::Global();
  const auto & p = tissue.GetParameters();

  progress.Progress(0.05, "transcripts");
  {
    // Scoped: the molecule table is the largest thing here; it goes before rendering.
    const MoleculeTable molecules = tissue.MakeMolecules(nullptr, formats.workUnits);
    written.push_back(JoinPath(dir, "transcripts.csv.gz"));
    WriteXeniumTranscripts(written.back(), molecules);
  }
  written.push_back(JoinPath(dir, "experiment.xenium"));
  WriteXeniumExperiment(written.back(), formats.morphologyPixelSizeUm);

  progress.Progress(0.3, "cell_feature_matrix.h5");
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
  written.push_back(JoinPath(dir, "cell_feature_matrix.h5"));
  WriteFeatureBarcodeMatrixH5(written.back(), matrix);
  matrix = FeatureBarcodeMatrix();

  progress.Progress(0.4, "he.tif");
  const auto size = tissue.GetImageSize();
  written.push_back(JoinPath(dir, "he.tif"));
  WritePyramidalTIFF(written.back(),
                     static_cast<std::uint32_t>(size[0]),
                     static_cast<std::uint32_t>(size[1]),
                     p.micronsPerPixel,
                     tissue.GetRenderer(formats.workUnits),
                     formats.he);
  written.push_back(JoinPath(dir, "he_imagealignment.csv"));
  WriteXeniumAlignment(written.back(), XeniumAlignmentMatrix(tissue.GetFrame(), formats.morphologyPixelSizeUm));
}

void WriteGroundTruth(const std::string & dir,
                      const SimulatedTissue & tissue,
                      const SimulatedSlideFormats & formats,
                      std::vector<std::string> & written)
{
  auto & progress = ProgressReporter::Global();
  const auto & p = tissue.GetParameters();
  const auto & cells = tissue.GetCells();
  const std::string truth = JoinPath(dir, "ground_truth");
  CreateDirectories(truth);

  written.push_back(JoinPath(truth, "simulation.json"));
  p.WriteJSONFile(written.back());

  progress.Progress(0.8, "cells.csv.gz");
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

  progress.Progress(0.9, "label maps");
  written.push_back(JoinPath(truth, "domain_labels.nrrd"));
  WriteImageAtomically(tissue.MakeDomainLabelImage(formats.labelSpacingUm).GetPointer(), written.back());
  written.push_back(JoinPath(truth, "cell_type_labels.nrrd"));
  WriteImageAtomically(tissue.MakeCellTypeLabelImage(formats.labelSpacingUm).GetPointer(), written.back());
}

} // namespace

std::string SimulatedCellId(std::size_t cell)
{
  char id[32];
  std::snprintf(id, sizeof(id), "SIMC-%07zu", cell + 1);
  return id;
}

std::vector<std::string> WriteSimulatedSlide(const std::string & dir,
                                             const SimulatedTissue & tissue,
                                             const SimulatedSlideFormats & formats)
{
  if (!formats.xenium && !formats.groundTruth)
  {
    SS_INPUT_ERROR(dir, "formats", "no format chosen", "choose the Xenium bundle, the ground truth or both");
  }
  if (!(formats.morphologyPixelSizeUm > 0) || !(formats.labelSpacingUm > 0))
  {
    SS_INPUT_ERROR(dir,
                   "formats",
                   "the morphology pixel size and the label spacing must be positive",
                   "give sizes in µm, e.g. 0.2125 and 2");
  }
  PrepareOutputDirectory(dir, formats.overwrite);
  auto & progress = ProgressReporter::Global();
  progress.Start("Writing simulated slide", dir);
  std::vector<std::string> written;
  if (formats.xenium)
  {
    WriteXenium(dir, tissue, formats, written);
  }
  if (formats.groundTruth)
  {
    WriteGroundTruth(dir, tissue, formats, written);
  }
  progress.End();
  return written;
}

} // namespace ss
