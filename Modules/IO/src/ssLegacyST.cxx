#include "ssLegacyST.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <cmath>
#include <unordered_map>

namespace ss
{

namespace
{
struct SpotRow
{
  int x = 0;
  int y = 0;
  double pixelX = 0;
  double pixelY = 0;
  bool selected = true;
};

std::string SpotId(long long x, long long y)
{
  return std::to_string(x) + "x" + std::to_string(y);
}

} // namespace

SpotDataset ReadLegacyST(const std::string & countsPath,
                         const std::string & spotsPath,
                         const LegacySTReadOptions & options)
{
  if (!(options.pitchUm > 0) || !(options.spotDiameterUm > 0) || options.micronsPerPixel < 0)
  {
    throw std::invalid_argument("ReadLegacyST: pitch and spot diameter must be positive, micronsPerPixel non-negative");
  }
  SpotDataset ds;
  ds.source = countsPath;
  ds.platform = "st";
  ds.lattice = SpotLattice::Square;
  ds.pitchUm = options.pitchUm;
  ds.spotDiameterUm = options.spotDiameterUm;

  // --- spot file
  std::unordered_map<std::string, SpotRow> spotRows;
  std::vector<std::string> spotOrder;
  {
    DelimitedReader reader(spotsPath, '\t');
    if (!reader.ReadHeader())
    {
      SS_INPUT_ERROR(spotsPath,
                     "spot file",
                     "the file is empty",
                     "give the ST spot table (x, y, new_x, new_y, pixel_x, pixel_y, selected)");
    }
    const std::string fix = "the ST spot file needs the columns x, y, pixel_x, pixel_y (and selected)";
    const int cx = reader.RequireColumn("x", fix);
    const int cy = reader.RequireColumn("y", fix);
    const int cpx = reader.RequireColumn("pixel_x", fix);
    const int cpy = reader.RequireColumn("pixel_y", fix);
    const int cSelected = reader.FindColumn("selected");
    while (reader.Next())
    {
      SpotRow s;
      s.x = static_cast<int>(reader.Integer(cx, -io::MaxArrayIndex, io::MaxArrayIndex));
      s.y = static_cast<int>(reader.Integer(cy, -io::MaxArrayIndex, io::MaxArrayIndex));
      s.pixelX = io::CoordinateField(reader, cpx);
      s.pixelY = io::CoordinateField(reader, cpy);
      if (cSelected >= 0)
      {
        const long long sel = reader.Integer(cSelected);
        if (sel != 0 && sel != 1)
        {
          SS_INPUT_ERROR(reader.Where(), "selected", "must be 0 or 1, got " + std::to_string(sel), "fix the row");
        }
        s.selected = sel == 1;
      }
      const std::string id = SpotId(s.x, s.y);
      if (!spotRows.emplace(id, s).second)
      {
        SS_INPUT_ERROR(
          reader.Where(), "x/y", "spot " + id + " appears more than once", "each array position must have one row");
      }
      spotOrder.push_back(id);
    }
    if (spotOrder.size() < 3)
    {
      SS_INPUT_ERROR(spotsPath,
                     "spot file",
                     "has " + std::to_string(spotOrder.size()) + " rows; at least 3 are needed to fit the array grid",
                     "give the complete spot table");
    }
  }

  // --- frame: array grid -> pixels, then µm from the pitch
  {
    std::vector<double> cols, rows;
    std::vector<PointType> px;
    for (const auto & id : spotOrder)
    {
      const SpotRow & s = spotRows.at(id);
      cols.push_back(s.x);
      rows.push_back(s.y);
      PointType p;
      p[0] = s.pixelX;
      p[1] = s.pixelY;
      px.push_back(p);
    }
    CoordinateFrame pixels = CoordinateFrame::FromMicronsPerPixel(1.0);
    double residualPx = 0;
    try
    {
      residualPx = pixels.FitArrayGrid(cols, rows, px);
    }
    catch (const std::invalid_argument & e)
    {
      SS_INPUT_ERROR(
        spotsPath, "x/y", std::string("the array grid cannot be fitted: ") + e.what(), "give the complete spot table");
    }
    const double stepPx = 0.5 * (pixels.GetArrayColumnStepMicrons() + pixels.GetArrayRowStepMicrons());
    const double micronsPerPixel = options.micronsPerPixel > 0 ? options.micronsPerPixel : options.pitchUm / stepPx;
    if (!(options.micronsPerPixel > 0))
    {
      // Pixel positions that hardly change along the array (a column of zeros, positions of
      // another image) gave 8e16 µm per pixel, or 'microns per pixel must be positive and finite'.
      io::RequirePlausibleMicronsPerPixel(micronsPerPixel,
                                          spotsPath,
                                          "pixel_x/pixel_y",
                                          "the array step of " + io::NumberText(stepPx) + " px (" +
                                            io::NumberText(options.pitchUm) + " µm pitch / step)",
                                          "give the spot file whose pixel_x, pixel_y locate the spots on this "
                                          "section's H&E (ST Spot Detector's output), or --micronsPerPixel");
    }
    ds.frame = CoordinateFrame::FromMicronsPerPixel(micronsPerPixel);
    ds.frame.FitArrayGrid(cols, rows, px);
    std::string note = spotsPath + ": array step " + io::NumberText(stepPx) + " px (fit RMS " +
                       io::NumberText(residualPx) + " px); µm per pixel = ";
    note += options.micronsPerPixel > 0 ? io::NumberText(micronsPerPixel) + " (given)"
                                        : io::NumberText(options.pitchUm) + " µm pitch / " + io::NumberText(stepPx) +
                                            " px = " + io::NumberText(micronsPerPixel);
    ds.notes.push_back(note);
    LogInfo(note);
    if (residualPx > 0.25 * stepPx)
    {
      const std::string warning = spotsPath + ": pixel_x/pixel_y fit the array grid badly (RMS " +
                                  io::NumberText(residualPx) + " px for a " + io::NumberText(stepPx) +
                                  " px step); check the spot file belongs to this section";
      ds.notes.push_back(warning);
      LogWarning(warning);
    }
  }

  // --- counts, streamed row by row
  DelimitedReader reader(countsPath, '\t');
  if (!reader.ReadHeader() || reader.GetHeader().size() < 2)
  {
    SS_INPUT_ERROR(
      countsPath, "header", "no gene columns", "give the ST counts table (spots x genes, first column the spot id)");
  }
  std::vector<std::string> genes(reader.GetHeader().begin() + 1, reader.GetHeader().end());
  const std::size_t nGenes = genes.size();
  const std::vector<std::string> duplicated = io::MakeNamesUnique(genes, {});
  if (!duplicated.empty())
  {
    const std::string note = countsPath + ": " + std::to_string(duplicated.size()) +
                             " gene name(s) occur more than once (" + io::FirstFew(duplicated) +
                             "); they are numbered 'NAME #k'";
    ds.notes.push_back(note);
    LogWarning(note);
  }
  ds.genes = std::move(genes);
  ds.counts.Reset(nGenes);

  std::vector<std::string> notInSpotFile, notSelected;
  std::unordered_map<std::string, bool> inCounts;
  std::vector<std::pair<std::int32_t, float>> entries;
  std::size_t badIds = 0;
  std::string firstBadId;
  while (reader.Next())
  {
    if (reader.GetNumberOfFields() != nGenes + 1)
    {
      SS_INPUT_ERROR(reader.Where(),
                     "row",
                     "has " + std::to_string(reader.GetNumberOfFields()) + " fields for " + std::to_string(nGenes) +
                       " genes + the spot id",
                     "every row needs the spot id and one count per gene");
    }
    const std::string id = Trim(reader.Field(0));
    if (!inCounts.emplace(id, true).second)
    {
      SS_INPUT_ERROR(
        reader.Where(), "spot id", "spot " + id + " appears more than once", "each spot must have one row");
    }
    const auto it = spotRows.find(id);
    if (it == spotRows.end())
    {
      // Not "{x}x{y}" at all suggests a transposed (genes x spots) table; say so below.
      const auto x = id.find('x');
      if (x == std::string::npos || x == 0 || x + 1 == id.size())
      {
        if (++badIds == 1)
        {
          firstBadId = id;
        }
      }
      notInSpotFile.push_back(id);
      continue;
    }
    if (options.selectedOnly && !it->second.selected)
    {
      notSelected.push_back(id);
      continue;
    }
    entries.clear();
    for (std::size_t g = 0; g < nGenes; ++g)
    {
      const float v = io::CountField(reader, static_cast<int>(g + 1));
      if (v != 0.0f)
      {
        entries.emplace_back(static_cast<std::int32_t>(g), v);
      }
    }
    ds.counts.AppendSpot(entries);
    const SpotRow & s = it->second;
    PointType px;
    px[0] = s.pixelX;
    px[1] = s.pixelY;
    ds.spots.id.push_back(id);
    ds.spots.positionPx.push_back(px);
    ds.spots.positionUm.push_back(ds.frame.FullResPxToMicrons(px));
    ds.spots.arrayCol.push_back(s.x);
    ds.spots.arrayRow.push_back(s.y);
    ds.spots.inTissue.push_back(s.selected ? 1 : 0);
  }
  if (badIds > 0 && badIds == inCounts.size())
  {
    SS_INPUT_ERROR(countsPath,
                   "spot id",
                   "no row starts with a spot id \"{x}x{y}\" (first: '" + firstBadId + "')",
                   "give the spots x genes table; if genes are rows, transpose it first");
  }
  if (!notInSpotFile.empty())
  {
    const std::string note = std::to_string(notInSpotFile.size()) + " spot(s) of " + FileName(countsPath) +
                             " are not in " + FileName(spotsPath) + " and were dropped (" +
                             io::FirstFew(notInSpotFile) + ")";
    ds.notes.push_back(note);
    LogWarning(note);
  }
  if (!notSelected.empty())
  {
    ds.notes.push_back(std::to_string(notSelected.size()) + " spot(s) are not selected (under tissue) in " +
                       FileName(spotsPath) + " and were dropped (" + io::FirstFew(notSelected) + ")");
  }
  std::vector<std::string> withoutCounts;
  for (const auto & id : spotOrder)
  {
    if (!inCounts.count(id) && (!options.selectedOnly || spotRows.at(id).selected))
    {
      withoutCounts.push_back(id);
    }
  }
  if (!withoutCounts.empty())
  {
    const std::string note = std::to_string(withoutCounts.size()) + " spot(s) of " + FileName(spotsPath) +
                             " have no counts in " + FileName(countsPath) + " and were dropped (" +
                             io::FirstFew(withoutCounts) + ")";
    ds.notes.push_back(note);
    LogInfo(note);
  }
  if (ds.spots.Size() == 0 && !notSelected.empty())
  {
    SS_INPUT_ERROR(countsPath,
                   "spot id",
                   "none of the " + std::to_string(notSelected.size()) + " spots is selected (under the tissue) in " +
                     FileName(spotsPath),
                   "check the spot file's selected column (1 = under the tissue): a section without a selected "
                   "spot has no data to read");
  }
  if (ds.spots.Size() == 0)
  {
    SS_INPUT_ERROR(countsPath,
                   "spot id",
                   "no spot of the counts is in the spot file " + spotsPath,
                   "give the counts and the spot file of the same section");
  }
  ds.Validate();
  LogInfo(countsPath + ": " + std::to_string(ds.NumberOfSpots()) + " spots x " + std::to_string(ds.NumberOfGenes()) +
          " genes");
  return ds;
}

void WriteLegacyST(const std::string & dir, const SpotDataset & dataset)
{
  dataset.Validate();
  const std::size_t n = dataset.NumberOfSpots();
  if (dataset.spots.positionPx.size() != n || dataset.spots.arrayCol.size() != n || dataset.spots.arrayRow.size() != n)
  {
    SS_INPUT_ERROR(dir,
                   "spots",
                   "legacy ST tables need full-res pixel positions and array x/y for every spot",
                   "fill SpotTable::positionPx, arrayCol and arrayRow");
  }
  CreateDirectories(dir);
  const std::size_t nGenes = dataset.NumberOfGenes();
  io::WriteStreamAtomically(JoinPath(dir, "counts.tsv.gz"),
                            true,
                            [&](std::ostream & out)
                            {
                              std::string line;
                              for (const auto & g : dataset.genes)
                              {
                                line += '\t';
                                line += g;
                              }
                              line += '\n';
                              out << line;
                              std::vector<long> dense(nGenes);
                              for (std::size_t s = 0; s < n; ++s)
                              {
                                std::fill(dense.begin(), dense.end(), 0L);
                                dataset.counts.ForEachInSpot(s,
                                                             [&dense](std::int32_t g, float v)
                                                             { dense[static_cast<std::size_t>(g)] = std::lround(v); });
                                line = SpotId(dataset.spots.arrayCol[s], dataset.spots.arrayRow[s]);
                                for (const long v : dense)
                                {
                                  line += '\t';
                                  line += std::to_string(v);
                                }
                                line += '\n';
                                out << line;
                              }
                            });
  io::WriteStreamAtomically(JoinPath(dir, "spots.tsv"),
                            false,
                            [&](std::ostream & out)
                            {
                              out << "x\ty\tnew_x\tnew_y\tpixel_x\tpixel_y\tselected\n";
                              std::string line;
                              for (std::size_t s = 0; s < n; ++s)
                              {
                                const std::string x = std::to_string(dataset.spots.arrayCol[s]);
                                const std::string y = std::to_string(dataset.spots.arrayRow[s]);
                                line = x + '\t' + y + '\t' + x + '\t' + y + '\t';
                                io::AppendNumber(line, dataset.spots.positionPx[s][0]);
                                line += '\t';
                                io::AppendNumber(line, dataset.spots.positionPx[s][1]);
                                line += dataset.spots.inTissue.empty() || dataset.spots.inTissue[s] ? "\t1\n" : "\t0\n";
                                out << line;
                              }
                            });
}

} // namespace ss
