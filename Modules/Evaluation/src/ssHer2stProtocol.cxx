#include "ssHer2stProtocol.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace ss
{
namespace
{

/** Python's // for the block of a possibly negative array position. */
int FloorDivide(int a, int k)
{
  return a >= 0 ? a / k : -((-a + k - 1) / k);
}

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

float LogNormalized(double count, double library)
{
  return static_cast<float>(std::log1p(count / library * Her2stLibraryTarget));
}

/** The LR spots' frame: the section's pixel frame, with an array-grid fit of the block
 * lattice from the blocks' mean positions when they allow one (the HR fit would map block
 * indices to the wrong place). */
CoordinateFrame BlockFrame(const SpotDataset & dataset, const SpotTable & blocks)
{
  CoordinateFrame frame = CoordinateFrame::FromAffine(dataset.frame.GetPixelToMicrons(), dataset.frame.GetOrigin());
  frame.SetHiresScale(dataset.frame.GetHiresScale());
  frame.SetLowresScale(dataset.frame.GetLowresScale());
  if (blocks.positionPx.size() == blocks.Size() && blocks.Size() >= 3)
  {
    std::vector<double> cols(blocks.arrayCol.begin(), blocks.arrayCol.end());
    std::vector<double> rows(blocks.arrayRow.begin(), blocks.arrayRow.end());
    try
    {
      frame.FitArrayGrid(cols, rows, blocks.positionPx);
    }
    catch (const std::invalid_argument &)
    {
      // Collinear blocks: the LR spots keep their positions, without an array-grid fit.
    }
  }
  return frame;
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
  const std::size_t nGenes = panel.size();
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

  const std::vector<float> panelCounts = dataset.counts.DenseSpotMajor(panelIndex);
  section.truth.resize(nSpots * nGenes);
  for (std::size_t s = 0; s < nSpots; ++s)
  {
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      section.truth[s * nGenes + g] = LogNormalized(panelCounts[s * nGenes + g], section.spotLibrarySize[s]);
    }
  }

  // LR blocks, ordered by (block y, block x).
  std::map<std::pair<int, int>, std::vector<std::size_t>> members; // (by, bx) -> spots
  for (std::size_t s = 0; s < nSpots; ++s)
  {
    members[{ FloorDivide(section.spotY[s], Her2stBlockSize), FloorDivide(section.spotX[s], Her2stBlockSize) }]
      .push_back(s);
  }
  const std::size_t nBlocks = members.size();
  const bool havePositions = dataset.spots.positionPx.size() == nSpots && dataset.spots.positionUm.size() == nSpots;
  section.blockOfSpot.resize(nSpots);
  section.blockLibrarySize.assign(nBlocks, 0.0);
  section.blockValues.resize(nBlocks * nGenes);
  SpotDataset & lr = section.blocks;
  lr.source = dataset.source;
  lr.platform = "coarsened";
  lr.genes = dataset.genes;
  lr.counts.Reset(dataset.NumberOfGenes());
  lr.spotDiameterUm = dataset.spotDiameterUm * Her2stBlockSize;
  lr.pitchUm = dataset.pitchUm * Her2stBlockSize;
  lr.lattice = SpotLattice::Square;
  lr.spots.Reserve(nBlocks);
  lr.notes.push_back(where + ": " + std::to_string(nSpots) + " spots summed over " + std::to_string(nBlocks) +
                     " blocks of 2 x 2 array positions (BENCHMARK.md protocol 1)");
  std::size_t b = 0;
  for (const auto & [block, spots] : members)
  {
    std::map<std::int32_t, float> sums;
    PointType px, um;
    px.Fill(0);
    um.Fill(0);
    unsigned char inTissue = 0;
    for (std::size_t s : spots)
    {
      section.blockOfSpot[s] = b;
      section.blockLibrarySize[b] += section.spotLibrarySize[s];
      dataset.counts.ForEachInSpot(s, [&](std::int32_t gene, float value) { sums[gene] += value; });
      if (havePositions)
      {
        for (unsigned int d = 0; d < 2; ++d)
        {
          px[d] += dataset.spots.positionPx[s][d] / static_cast<double>(spots.size());
          um[d] += dataset.spots.positionUm[s][d] / static_cast<double>(spots.size());
        }
      }
      inTissue =
        std::max<unsigned char>(inTissue, dataset.spots.inTissue.size() == nSpots ? dataset.spots.inTissue[s] : 1);
    }
    lr.counts.AppendSpot(std::vector<std::pair<std::int32_t, float>>(sums.begin(), sums.end()));
    lr.spots.id.push_back(std::to_string(block.second) + "x" + std::to_string(block.first));
    lr.spots.arrayCol.push_back(block.second);
    lr.spots.arrayRow.push_back(block.first);
    lr.spots.inTissue.push_back(inTissue);
    if (havePositions)
    {
      lr.spots.positionPx.push_back(px);
      lr.spots.positionUm.push_back(um);
    }
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      const auto it = sums.find(static_cast<std::int32_t>(panelIndex[g]));
      section.blockValues[b * nGenes + g] =
        LogNormalized(it == sums.end() ? 0.0 : it->second, section.blockLibrarySize[b]);
    }
    ++b;
  }
  if (!havePositions)
  {
    lr.spots.positionPx.clear();
    lr.spots.positionUm.clear();
  }
  lr.frame = BlockFrame(dataset, lr.spots);
  lr.Validate();
  return section;
}

std::vector<float> PredictNearest(const Her2stSection & section)
{
  const std::size_t nGenes = section.NumberOfGenes();
  std::vector<float> out(section.NumberOfSpots() * nGenes);
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    std::copy_n(section.blockValues.begin() + static_cast<std::ptrdiff_t>(section.blockOfSpot[s] * nGenes),
                nGenes,
                out.begin() + static_cast<std::ptrdiff_t>(s * nGenes));
  }
  return out;
}

std::vector<float> PredictBilinear(const Her2stSection & section)
{
  const std::size_t nGenes = section.NumberOfGenes();
  std::map<std::pair<int, int>, std::size_t> blockIndex; // (bx, by) -> block
  for (std::size_t b = 0; b < section.NumberOfBlocks(); ++b)
  {
    blockIndex[{ section.blocks.spots.arrayCol[b], section.blocks.spots.arrayRow[b] }] = b;
  }
  std::vector<float> out(section.NumberOfSpots() * nGenes);
  std::vector<double> acc(nGenes);
  for (std::size_t s = 0; s < section.NumberOfSpots(); ++s)
  {
    const double u = (section.spotX[s] - 0.5) / Her2stBlockSize;
    const double v = (section.spotY[s] - 0.5) / Her2stBlockSize;
    const int u0 = static_cast<int>(std::floor(u));
    const int v0 = static_cast<int>(std::floor(v));
    const double fu = u - u0;
    const double fv = v - v0;
    std::fill(acc.begin(), acc.end(), 0.0);
    double weight = 0;
    for (int du = 0; du <= 1; ++du)
    {
      for (int dv = 0; dv <= 1; ++dv)
      {
        const double w = (du ? fu : 1 - fu) * (dv ? fv : 1 - fv);
        const auto it = blockIndex.find({ u0 + du, v0 + dv });
        if (w <= 0 || it == blockIndex.end())
        {
          continue;
        }
        weight += w;
        for (std::size_t g = 0; g < nGenes; ++g)
        {
          acc[g] += w * section.blockValues[it->second * nGenes + g];
        }
      }
    }
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      out[s * nGenes + g] = static_cast<float>(acc[g] / weight);
    }
  }
  return out;
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
