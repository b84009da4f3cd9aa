#include "ssHer2stProtocol.h"

#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssSpotGridCoarsening.h"
#include "ssSpotInterpolation.h"
#include "ssTextTable.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ss
{
namespace
{

bool ParseSpotId(const std::string & id, int & x, int & y)
{
  const auto cut = id.find('x');
  if (cut == std::string::npos || cut == 0 || cut + 1 >= id.size())
  {
    return false;
  }
  const char * end = id.data() + id.size();
  const auto rx = std::from_chars(id.data(), id.data() + cut, x);
  const auto ry = std::from_chars(id.data() + cut + 1, end, y);
  return rx.ec == std::errc() && rx.ptr == id.data() + cut && ry.ec == std::errc() && ry.ptr == end;
}

/** Evaluates the blocks' interpolator at every HR spot, on the block lattice of
 * BENCHMARK.md protocol 1 (Pairs' BlockLatticeCoordinates: block nodes at the centres of
 * full blocks). Spot-major. */
std::vector<float> InterpolateBlocks(const Her2stSection & section, InterpolationMethod method)
{
  const SpotInterpolator interpolator(
    section.blocks, section.blockValues, static_cast<unsigned int>(section.NumberOfGenes()), method);
  std::vector<PointType> positions;
  positions.reserve(section.NumberOfSpots());
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    positions.push_back(
      BlockLatticeCoordinates(section.spotX[s], section.spotY[s], Her2stBlockSize, SpotLattice::Square));
  }
  std::vector<unsigned char> valid;
  auto values = interpolator.EvaluateAtArrayPositions(positions, &valid);
  for (std::size_t s = 0; s < valid.size(); ++s)
  {
    if (!valid[s])
    {
      // Cannot happen: every spot's own block exists and carries positive weight.
      throw std::logic_error("HER2ST " + ToString(method) + " baseline: spot " + section.spotIds[s] +
                             " got no value from its blocks");
    }
  }
  return values;
}

void RequirePredictions(const Her2stSection & section, const std::vector<float> & predictions, const char * what)
{
  if (predictions.size() != section.NumberOfSpots() * section.NumberOfGenes())
  {
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(predictions.size()) + " values for " +
                                std::to_string(section.NumberOfSpots()) + " spots x " +
                                std::to_string(section.NumberOfGenes()) + " genes");
  }
}

} // namespace

ValidityMask Her2stSection::GridTissueMask() const
{
  ValidityMask mask(gridWidth * gridHeight, 0);
  for (std::size_t s = 0; s < NumberOfSpots(); ++s)
  {
    mask[static_cast<std::size_t>(spotY[s] - gridY0) * gridWidth + static_cast<std::size_t>(spotX[s] - gridX0)] = 1;
  }
  return mask;
}

std::vector<float> Her2stSection::GridImage(const std::vector<float> & spotValues, std::size_t gene) const
{
  std::vector<float> image(gridWidth * gridHeight, 0.f);
  for (std::size_t s = 0; s < NumberOfSpots(); ++s)
  {
    image[static_cast<std::size_t>(spotY[s] - gridY0) * gridWidth + static_cast<std::size_t>(spotX[s] - gridX0)] =
      spotValues[s * NumberOfGenes() + gene];
  }
  return image;
}

std::vector<float> Her2stSection::GeneColumn(const std::vector<float> & spotValues, std::size_t gene) const
{
  std::vector<float> column(NumberOfSpots());
  for (std::size_t s = 0; s < NumberOfSpots(); ++s)
  {
    column[s] = spotValues[s * NumberOfGenes() + gene];
  }
  return column;
}

std::vector<std::string> ReadHer2stPanel(const std::string & path)
{
  RequireFile(path, "gene panel", "give the panel file, e.g. docs/her2st_panel50.txt (one gene per line)");
  auto genes = ReadNameList(path, "gene panel");
  std::set<std::string> seen;
  for (const auto & g : genes)
  {
    if (!seen.insert(g).second)
    {
      SS_INPUT_ERROR(path, "gene", "'" + g + "' is listed twice", "list each gene of the panel once");
    }
  }
  return genes;
}

Her2stSection MakeHer2stSection(const std::string & name,
                                const SpotDataset & dataset,
                                const std::vector<std::string> & panel)
{
  const std::string where = dataset.source.empty() ? name : dataset.source;
  if (panel.empty())
  {
    throw std::invalid_argument("MakeHer2stSection: the gene panel is empty");
  }
  const auto panelIndex = dataset.GeneIndices(panel, where);
  const std::size_t nSpots = dataset.NumberOfSpots();
  if (nSpots == 0)
  {
    SS_INPUT_ERROR(where, "spots", "the section has no spots", "give a section with measured spots");
  }

  Her2stSection section;
  section.name = name;
  section.genes = panel;
  section.spotIds = dataset.spots.id;
  section.spotX.resize(nSpots);
  section.spotY.resize(nSpots);
  section.spotLibrarySize = dataset.counts.SpotTotals();

  // HR truth on the array grid from the ids.
  std::set<std::pair<int, int>> positions;
  for (std::size_t s = 0; s < nSpots; ++s)
  {
    if (!ParseSpotId(dataset.spots.id[s], section.spotX[s], section.spotY[s]))
    {
      SS_INPUT_ERROR(where,
                     "spot id",
                     "'" + dataset.spots.id[s] + "' is not \"{x}x{y}\"",
                     "protocol 1 needs legacy ST spot ids with array coordinates (ss::ReadLegacyST)");
    }
    if (!positions.insert({ section.spotX[s], section.spotY[s] }).second)
    {
      SS_INPUT_ERROR(where,
                     "spot id",
                     "two spots sit at array position " + dataset.spots.id[s],
                     "give each array position one spot");
    }
    // The coarsening reads the array position from arrayCol/arrayRow; the protocol defines
    // it by the id. ss::ReadLegacyST makes them one and the same; anything else is refused.
    if (dataset.spots.arrayCol.size() != nSpots || dataset.spots.arrayRow.size() != nSpots ||
        dataset.spots.arrayCol[s] != section.spotX[s] || dataset.spots.arrayRow[s] != section.spotY[s])
    {
      SS_INPUT_ERROR(where,
                     "array position",
                     "spot " + dataset.spots.id[s] + " has no array column/row equal to its id's x, y",
                     "read the section with ss::ReadLegacyST, which takes the array grid from the ids");
    }
    if (!(section.spotLibrarySize[s] > 0))
    {
      SS_INPUT_ERROR(where,
                     "counts",
                     "spot " + dataset.spots.id[s] + " has no counts, so it cannot be normalized",
                     "keep only spots of the counts table (those with counts)");
    }
  }
  const auto xRange = std::minmax_element(section.spotX.begin(), section.spotX.end());
  const auto yRange = std::minmax_element(section.spotY.begin(), section.spotY.end());
  section.gridX0 = *xRange.first;
  section.gridY0 = *yRange.first;
  section.gridWidth = static_cast<std::size_t>(*xRange.second - *xRange.first + 1);
  section.gridHeight = static_cast<std::size_t>(*yRange.second - *yRange.first + 1);

  const auto normalization = ExpressionNormalization::Library(Her2stLibraryTarget);
  section.truth = NormalizeSpots(dataset, panelIndex, normalization);

  // LR: Pairs' k x k coarsening (all genes summed, so the summed library size comes along).
  SpotGridCoarsening coarsening = CoarsenSpotGrid(dataset, Her2stBlockSize);
  section.blockOfSpot = std::move(coarsening.blockOfSpot);
  section.blockLibrarySize = std::move(coarsening.librarySize);
  section.blocks = std::move(coarsening.blocks);
  // The blocks keep every gene in the dataset's order, so the panel indices carry over.
  section.blockValues = NormalizeSpots(section.blocks, panelIndex, normalization, &section.blockLibrarySize);
  return section;
}

std::vector<float> PredictNearest(const Her2stSection & section)
{
  return InterpolateBlocks(section, InterpolationMethod::Nearest);
}

std::vector<float> PredictBilinear(const Her2stSection & section)
{
  return InterpolateBlocks(section, InterpolationMethod::Bilinear);
}

std::vector<float> PredictBSpline(const Her2stSection & section)
{
  auto values = InterpolateBlocks(section, InterpolationMethod::BSpline);
  for (auto & v : values)
  {
    v = std::max(v, 0.0f);
  }
  return values;
}

Her2stScores ScoreHer2stSection(const Her2stSection & section, const std::vector<float> & predictions)
{
  RequirePredictions(section, predictions, "ScoreHer2stSection");
  const ValidityMask tissue = section.GridTissueMask();
  Her2stScores scores;
  for (std::size_t g = 0; g < section.NumberOfGenes(); ++g)
  {
    const auto truth = section.GeneColumn(section.truth, g);
    const auto prediction = section.GeneColumn(predictions, g);
    scores.pcc.push_back(PearsonCorrelation(truth, prediction));
    scores.rmse.push_back(RootMeanSquaredError(truth, prediction));
    scores.ssim.push_back(TissueSSIM(section.GridImage(section.truth, g),
                                     section.GridImage(predictions, g),
                                     tissue,
                                     section.gridWidth,
                                     section.gridHeight));
  }
  return scores;
}

void AddHer2stScores(ResultsTable & results,
                     const Her2stSection & section,
                     const std::string & method,
                     const Her2stScores & scores)
{
  results.SetMetricDescription("pcc", "Signed Pearson r between truth and prediction across the HR spots, per gene.");
  results.SetMetricDescription("rmse", "Root mean squared error on the log1p(count / library × 1e4) scale, per gene.");
  results.SetMetricDescription(
    "ssim",
    "SSIM (skimage, data_range 1, 7 × 7 uniform window) on the HR array-grid image, both maps scaled by the "
    "truth's min–max, prediction clipped, non-tissue 0, map averaged over tissue pixels; per gene.");
  const std::pair<const char *, const std::vector<double> *> metrics[] = { { "pcc", &scores.pcc },
                                                                           { "rmse", &scores.rmse },
                                                                           { "ssim", &scores.ssim } };
  for (const auto & [metric, values] : metrics)
  {
    results.AddGenes(section.name, method, metric, section.genes, *values);
    std::vector<std::string> undefined;
    for (std::size_t g = 0; g < values->size(); ++g)
    {
      if (std::isnan((*values)[g]))
      {
        undefined.push_back(section.genes[g]);
      }
    }
    if (!undefined.empty())
    {
      LogWarning(section.name + ", " + method + ": " + metric + " is undefined for " +
                 std::to_string(undefined.size()) + " gene(s) (a constant map" +
                 (std::string(metric) == "ssim" ? ", or a grid smaller than 7 x 7" : "") +
                 "), left out of the means: " + Join(undefined, ", "));
    }
  }
}

SpotPredictions MakeSpotPredictions(const Her2stSection & section, const std::vector<float> & predictions)
{
  RequirePredictions(section, predictions, "MakeSpotPredictions");
  SpotPredictions p;
  p.spotIds = section.spotIds;
  p.genes = section.genes;
  p.values = predictions;
  return p;
}

Her2stScores EvaluateHer2stMethod(ResultsTable & results,
                                  const Her2stSection & section,
                                  const std::string & method,
                                  const std::vector<float> & predictions,
                                  const std::string & outputDirectory)
{
  if (!outputDirectory.empty())
  {
    WritePredictions(PredictionsPath(outputDirectory, section.name, method), MakeSpotPredictions(section, predictions));
  }
  auto scores = ScoreHer2stSection(section, predictions);
  AddHer2stScores(results, section, method, scores);
  return scores;
}

} // namespace ss
