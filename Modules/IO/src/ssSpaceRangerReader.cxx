#include "ssSpaceRanger.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace ss
{

namespace
{
const char * const SpaceRangerColumns[] = { "barcode",   "in_tissue",          "array_row",
                                            "array_col", "pxl_row_in_fullres", "pxl_col_in_fullres" };

struct Position
{
  bool inTissue = false;
  int arrayRow = 0;
  int arrayCol = 0;
  double pxRow = 0;
  double pxCol = 0;
};

struct Positions
{
  std::string path;
  bool hasHeader = true;
  std::vector<std::string> barcodes; // file order
  std::unordered_map<std::string, Position> byBarcode;
};

bool IsNumber(std::string_view text)
{
  const std::string t = Trim(text);
  if (t.empty())
  {
    return false;
  }
  char * end = nullptr;
  std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

std::string FindPositionsFile(const std::string & spatial)
{
  for (const char * name : { "tissue_positions.csv", "tissue_positions_list.csv" })
  {
    const std::string p = JoinPath(spatial, name);
    if (FileExists(p))
    {
      return p;
    }
  }
  const std::string parquet = JoinPath(spatial, "tissue_positions.parquet");
  if (FileExists(parquet))
  {
    SS_INPUT_ERROR(parquet,
                   "spot positions",
                   "only Parquet positions were found and this build of SuperSpot has no Parquet support",
                   "convert them to CSV next to it, e.g. in Python: import pandas as pd; "
                   "pd.read_parquet('tissue_positions.parquet')[['barcode','in_tissue','array_row','array_col','pxl_"
                   "row_in_fullres','pxl_col_in_fullres']]"
                   ".to_csv('tissue_positions.csv', index=False)");
  }
  SS_INPUT_ERROR(spatial,
                 "spot positions",
                 "neither tissue_positions.csv (Space Ranger 2+) nor tissue_positions_list.csv (1.x) is there",
                 "give the outs/ folder of a Space Ranger run with its spatial/ subfolder");
}

Positions ReadPositions(const std::string & path)
{
  Positions positions;
  positions.path = path;
  DelimitedReader reader(path, ',');
  if (!reader.ReadHeader())
  {
    SS_INPUT_ERROR(path, "spot positions", "the file is empty", "give the positions file Space Ranger wrote");
  }
  // Space Ranger 1.x writes no header, 2.x does; tell them apart by content, not by name.
  const std::vector<std::string> first = reader.GetHeader();
  const bool hasHeader = first.size() < 2 || !IsNumber(first[1]);
  positions.hasHeader = hasHeader;
  int col[6] = { 0, 1, 2, 3, 4, 5 };
  if (hasHeader)
  {
    for (int k = 0; k < 6; ++k)
    {
      col[k] = reader.RequireColumn(SpaceRangerColumns[k],
                                    "the positions file needs the Space Ranger columns barcode, in_tissue, array_row, "
                                    "array_col, pxl_row_in_fullres, pxl_col_in_fullres");
    }
  }
  auto add = [&](const std::vector<std::string_view> & fields, const std::string & where)
  {
    auto field = [&](int k) -> std::string_view
    {
      if (static_cast<std::size_t>(col[k]) >= fields.size())
      {
        SS_INPUT_ERROR(where,
                       SpaceRangerColumns[k],
                       "the row has only " + std::to_string(fields.size()) + " fields",
                       "every row needs barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres");
      }
      return fields[static_cast<std::size_t>(col[k])];
    };
    auto number = [&](int k)
    {
      const std::string t = Trim(field(k));
      char * end = nullptr;
      const double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v))
      {
        SS_INPUT_ERROR(where, SpaceRangerColumns[k], "'" + t + "' is not a number", "fix or remove the row");
      }
      // Pixel positions within ±1e8 and array positions within ±1e6: beyond, 1e100 was undefined
      // behaviour in the conversion to int (ssFuzzSpaceRangerOuts).
      const double limit = k >= 4 ? io::MaxCoordinate : static_cast<double>(io::MaxArrayIndex);
      if (std::abs(v) > limit)
      {
        SS_INPUT_ERROR(where,
                       SpaceRangerColumns[k],
                       "'" + t + "' is outside " + (k >= 4 ? "±1e8" : "±1000000"),
                       "fix or remove the row (Space Ranger writes pixel and array positions here)");
      }
      return v;
    };
    auto integer = [&](int k)
    {
      const double v = number(k);
      if (v != std::floor(v))
      {
        SS_INPUT_ERROR(
          where, SpaceRangerColumns[k], "'" + Trim(field(k)) + "' is not an integer", "fix or remove the row");
      }
      return static_cast<int>(v);
    };
    const std::string barcode = Trim(field(0));
    Position p;
    const int inTissue = integer(1);
    if (inTissue != 0 && inTissue != 1)
    {
      SS_INPUT_ERROR(where, "in_tissue", "must be 0 or 1, got " + std::to_string(inTissue), "fix the row");
    }
    p.inTissue = inTissue == 1;
    p.arrayRow = integer(2);
    p.arrayCol = integer(3);
    p.pxRow = number(4);
    p.pxCol = number(5);
    if (!positions.byBarcode.emplace(barcode, p).second)
    {
      SS_INPUT_ERROR(where,
                     "barcode",
                     "'" + barcode + "' appears more than once",
                     "each barcode must have one position; use the file Space Ranger wrote");
    }
    positions.barcodes.push_back(barcode);
  };
  if (!hasHeader)
  {
    std::vector<std::string_view> views(first.begin(), first.end());
    add(views, reader.Where());
  }
  while (reader.Next())
  {
    add(reader.Fields(), reader.Where());
  }
  if (positions.barcodes.empty())
  {
    SS_INPUT_ERROR(path, "spot positions", "no rows", "give the positions file Space Ranger wrote");
  }
  return positions;
}

/** Keeps "Gene Expression" features; returns their row indices. */
std::vector<std::size_t> GeneExpressionRows(const FeatureBarcodeMatrix & m,
                                            std::vector<std::string> & notes,
                                            const std::string & path)
{
  std::vector<std::size_t> keep;
  std::map<std::string, std::size_t> dropped;
  for (std::size_t i = 0; i < m.featureNames.size(); ++i)
  {
    if (m.featureTypes.empty() || m.featureTypes[i] == "Gene Expression")
    {
      keep.push_back(i);
    }
    else
    {
      ++dropped[m.featureTypes[i]];
    }
  }
  if (m.featureTypes.empty())
  {
    notes.push_back(path + ": no matrix/features/feature_type; every feature was taken as a gene");
  }
  for (const auto & [type, n] : dropped)
  {
    const std::string note =
      path + ": dropped " + std::to_string(n) + " '" + type + "' feature(s); only 'Gene Expression' features are genes";
    notes.push_back(note);
    LogInfo(note);
  }
  if (keep.empty())
  {
    SS_INPUT_ERROR(path,
                   "matrix/features/feature_type",
                   "no 'Gene Expression' features",
                   "give a Space Ranger gene-expression matrix");
  }
  return keep;
}
} // namespace

SpaceRangerScaleFactors ReadSpaceRangerScaleFactors(const std::string & path)
{
  RequireFile(path, "scale factors", "give spatial/scalefactors_json.json from the same Space Ranger run");
  const nlohmann::json j = ReadJSONFile(path, "scale factors");
  if (!j.is_object())
  {
    SS_INPUT_ERROR(path, "scale factors", "is not a JSON object", "give the scalefactors_json.json Space Ranger wrote");
  }
  auto get = [&](const char * key)
  {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
    {
      return 0.0;
    }
    if (!it->is_number() || !(it->get<double>() > 0) || !std::isfinite(it->get<double>()))
    {
      SS_INPUT_ERROR(path,
                     key,
                     "must be a positive number, got " + it->dump(),
                     "give the scalefactors_json.json Space Ranger wrote");
    }
    return it->get<double>();
  };
  SpaceRangerScaleFactors s;
  s.spotDiameterFullres = get("spot_diameter_fullres");
  s.fiducialDiameterFullres = get("fiducial_diameter_fullres");
  s.hiresScale = get("tissue_hires_scalef");
  s.lowresScale = get("tissue_lowres_scalef");
  return s;
}

SpotDataset ReadSpaceRangerOuts(const std::string & outsDir, const SpaceRangerReadOptions & options)
{
  RequireDirectory(outsDir,
                   "Space Ranger outs folder",
                   "give the outs/ folder of a Space Ranger run (it holds filtered_feature_bc_matrix.h5 and spatial/)");
  SpotDataset ds;
  ds.source = outsDir;
  ds.platform = "visium";
  ds.lattice = SpotLattice::Hexagonal;
  ds.pitchUm = VisiumPitchUm;
  ds.spotDiameterUm = VisiumSpotDiameterUm;

  const std::string h5 = JoinPath(outsDir, options.matrixFile);
  FeatureBarcodeMatrix m = ReadFeatureBarcodeMatrixH5(h5);

  // --- genes
  const std::vector<std::size_t> geneRows = GeneExpressionRows(m, ds.notes, h5);
  std::vector<std::string> names, ids;
  for (const auto r : geneRows)
  {
    names.push_back(m.featureNames[r]);
    ids.push_back(m.featureIds[r]);
  }
  const std::vector<std::string> duplicated = io::MakeNamesUnique(names, ids);
  if (!duplicated.empty())
  {
    const std::string note = h5 + ": " + std::to_string(duplicated.size()) + " gene symbol(s) occur more than once (" +
                             io::FirstFew(duplicated) + "); each of them is named 'SYMBOL (FEATURE_ID)'";
    ds.notes.push_back(note);
    LogInfo(note);
  }
  SparseCounts counts = geneRows.size() == m.featureNames.size() ? std::move(m.counts) : m.counts.SelectGenes(geneRows);
  ds.genes = std::move(names);

  // --- scale factors and frame
  const std::string spatial = JoinPath(outsDir, "spatial");
  const std::string scalePath = JoinPath(spatial, "scalefactors_json.json");
  SpaceRangerScaleFactors scale;
  if (FileExists(scalePath))
  {
    scale = ReadSpaceRangerScaleFactors(scalePath);
  }
  else if (options.micronsPerPixel <= 0)
  {
    SS_INPUT_ERROR(
      scalePath,
      "scale factors",
      "file not found, so µm per pixel is unknown (it comes from spot_diameter_fullres)",
      "copy scalefactors_json.json from the same Space Ranger run into spatial/, or pass --micronsPerPixel");
  }
  else
  {
    ds.notes.push_back(scalePath + ": not found; µm per pixel from the options, no hires/lowres scale");
  }
  double micronsPerPixel = options.micronsPerPixel;
  if (micronsPerPixel > 0)
  {
    ds.notes.push_back("µm per full-res pixel = " + io::NumberText(micronsPerPixel) + " (given)");
  }
  else
  {
    if (!(scale.spotDiameterFullres > 0))
    {
      SS_INPUT_ERROR(scalePath,
                     "spot_diameter_fullres",
                     "missing, so µm per pixel is unknown",
                     "give the scalefactors_json.json Space Ranger wrote, or pass --micronsPerPixel");
    }
    micronsPerPixel = VisiumScaleFactorSpotUm / scale.spotDiameterFullres;
    io::RequirePlausibleMicronsPerPixel(micronsPerPixel,
                                        scalePath,
                                        "spot_diameter_fullres",
                                        "65 µm / spot_diameter_fullres (" + io::NumberText(scale.spotDiameterFullres) +
                                          " px)",
                                        "give the scalefactors_json.json Space Ranger wrote, or pass --micronsPerPixel");
    const std::string note = "µm per full-res pixel = 65 µm / spot_diameter_fullres (" +
                             io::NumberText(scale.spotDiameterFullres) + ") = " + io::NumberText(micronsPerPixel);
    ds.notes.push_back(note);
    LogInfo(outsDir + ": " + note);
  }
  ds.frame = CoordinateFrame::FromMicronsPerPixel(micronsPerPixel);
  ds.frame.SetHiresScale(scale.hiresScale);
  ds.frame.SetLowresScale(scale.lowresScale);

  // --- positions
  const Positions positions = ReadPositions(FindPositionsFile(spatial));
  ds.notes.push_back(positions.path +
                     (positions.hasHeader ? ": header row (Space Ranger 2+): columns found by name"
                                          : ": no header (Space Ranger 1.x): columns read as barcode, in_tissue, "
                                            "array_row, array_col, pxl_row_in_fullres, pxl_col_in_fullres"));
  {
    std::vector<double> cols, rows;
    std::vector<PointType> px;
    for (const auto & b : positions.barcodes)
    {
      const Position & p = positions.byBarcode.at(b);
      cols.push_back(p.arrayCol);
      rows.push_back(p.arrayRow);
      PointType q;
      q[0] = p.pxCol;
      q[1] = p.pxRow;
      px.push_back(q);
    }
    try
    {
      const double residualPx = ds.frame.FitArrayGrid(cols, rows, px);
      const double pitchPx = VisiumPitchUm / micronsPerPixel;
      if (residualPx > 0.1 * pitchPx)
      {
        const std::string note = positions.path + ": the array grid fits the pixel positions badly (RMS " +
                                 io::NumberText(residualPx) + " px, " + io::NumberText(100 * residualPx / pitchPx) +
                                 "% of the spot pitch); check the positions file";
        ds.notes.push_back(note);
        LogWarning(note);
      }
      // Same-row neighbours are two array columns, i.e. one 100 µm pitch, apart.
      const double gridPitchUm = 2 * ds.frame.GetArrayColumnStepMicrons();
      if (std::abs(gridPitchUm / VisiumPitchUm - 1) > 0.05)
      {
        const std::string note = positions.path + ": with " + io::NumberText(micronsPerPixel) +
                                 " µm per pixel the spots are " + io::NumberText(gridPitchUm) +
                                 " µm apart, not Visium's 100 µm; the array grid suggests " +
                                 io::NumberText(micronsPerPixel * VisiumPitchUm / gridPitchUm) +
                                 " µm per pixel (check spot_diameter_fullres or --micronsPerPixel)";
        ds.notes.push_back(note);
        LogWarning(note);
      }
    }
    catch (const std::invalid_argument & e)
    {
      ds.notes.push_back(positions.path + ": no array grid (" + e.what() + ")");
    }
  }

  // --- join the matrix barcodes with their positions
  std::vector<std::string> missing;
  std::vector<std::size_t> keep;
  std::size_t outsideTissue = 0;
  for (std::size_t s = 0; s < m.barcodes.size(); ++s)
  {
    const auto it = positions.byBarcode.find(m.barcodes[s]);
    if (it == positions.byBarcode.end())
    {
      missing.push_back(m.barcodes[s]);
      continue;
    }
    if (options.inTissueOnly && !it->second.inTissue)
    {
      ++outsideTissue;
      continue;
    }
    keep.push_back(s);
  }
  if (!missing.empty())
  {
    SS_INPUT_ERROR(positions.path,
                   "barcode",
                   std::to_string(missing.size()) + " of the " + std::to_string(m.barcodes.size()) + " barcodes of " +
                     FileName(h5) + " have no position (" + io::FirstFew(missing) + ")",
                   "use the spatial/ folder of the same Space Ranger run as the matrix");
  }
  if (outsideTissue > 0)
  {
    ds.notes.push_back(std::to_string(outsideTissue) +
                       " spot(s) of the matrix are outside the tissue (in_tissue = 0) and were dropped");
  }
  if (positions.barcodes.size() > m.barcodes.size())
  {
    ds.notes.push_back(std::to_string(positions.barcodes.size() - m.barcodes.size()) +
                       " position(s) have no counts in " + FileName(h5) +
                       " (array spots off the tissue) and were ignored");
  }
  if (keep.empty())
  {
    SS_INPUT_ERROR(h5,
                   "barcodes",
                   "no spot is left (none is in the tissue)",
                   "check in_tissue in the positions file (1 = spot under the tissue) and that spatial/ is of the "
                   "same run as the matrix");
  }

  ds.counts = keep.size() == m.barcodes.size() ? std::move(counts) : counts.SelectSpots(keep);
  ds.spots.Reserve(keep.size());
  for (const auto s : keep)
  {
    const Position & p = positions.byBarcode.at(m.barcodes[s]);
    PointType px;
    px[0] = p.pxCol; // x is the column
    px[1] = p.pxRow;
    ds.spots.id.push_back(m.barcodes[s]);
    ds.spots.positionPx.push_back(px);
    ds.spots.positionUm.push_back(ds.frame.FullResPxToMicrons(px));
    ds.spots.arrayCol.push_back(p.arrayCol);
    ds.spots.arrayRow.push_back(p.arrayRow);
    ds.spots.inTissue.push_back(p.inTissue ? 1 : 0);
  }
  ds.Validate();
  LogInfo(outsDir + ": " + std::to_string(ds.NumberOfSpots()) + " spots x " + std::to_string(ds.NumberOfGenes()) +
          " genes");
  return ds;
}

std::string SpaceRangerImagePath(const std::string & outsDir, const std::string & level)
{
  const std::string l = ToLower(level);
  if (l != "hires" && l != "lowres")
  {
    SS_INPUT_ERROR(outsDir,
                   "image level",
                   "'" + level + "' is not a Space Ranger image",
                   "use 'hires' (tissue_hires_image.png) or 'lowres' (tissue_lowres_image.png)");
  }
  return JoinPath(JoinPath(outsDir, "spatial"), "tissue_" + l + "_image.png");
}

RGBImageType::Pointer ReadSpaceRangerImage(const std::string & outsDir,
                                           const std::string & level,
                                           const CoordinateFrame & fullResFrame)
{
  const std::string path = SpaceRangerImagePath(outsDir, level);
  const bool hires = ToLower(level) == "hires";
  const double scale = hires ? fullResFrame.GetHiresScale() : fullResFrame.GetLowresScale();
  if (!(scale > 0))
  {
    SS_INPUT_ERROR(JoinPath(JoinPath(outsDir, "spatial"), "scalefactors_json.json"),
                   hires ? "tissue_hires_scalef" : "tissue_lowres_scalef",
                   "unknown, so the " + ToLower(level) + " image cannot be placed in µm",
                   "read the dataset from an outs/ folder whose scale factors include it");
  }
  HistologyOptions o;
  o.frame = fullResFrame.Downsampled(scale);
  HistologySource source(path, o);
  return source.Read();
}

} // namespace ss
