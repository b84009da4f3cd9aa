#include "ssSpotTable.h"

#include "ssError.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include "itkKdTreeGenerator.h"
#include "itkListSample.h"

#include <algorithm>
#include <cmath>
#include <ostream>

namespace ss
{

namespace
{
const char * const FormatFix = "a spot table needs a header with id and x_um,y_um and/or x_px,y_px (see ssSpotTable.h "
                               "or Documentation/Readers.md)";

/** Column index of `name`, or -1, refusing a name that occurs twice (case-insensitively). */
int UniqueColumn(const DelimitedReader & reader, const std::string & name)
{
  int found = -1;
  const auto & header = reader.GetHeader();
  for (std::size_t i = 0; i < header.size(); ++i)
  {
    if (ToLower(Trim(header[i])) == name)
    {
      if (found >= 0)
      {
        SS_INPUT_ERROR(reader.GetPath(), name, "the column occurs more than once", "keep one column of that name");
      }
      found = static_cast<int>(i);
    }
  }
  return found;
}

/** Both columns of a pair, or neither. */
std::pair<int, int> ColumnPair(const DelimitedReader & reader, const std::string & a, const std::string & b)
{
  const int ca = UniqueColumn(reader, a);
  const int cb = UniqueColumn(reader, b);
  if ((ca >= 0) != (cb >= 0))
  {
    SS_INPUT_ERROR(reader.GetPath(),
                   ca >= 0 ? b : a,
                   "missing while " + (ca >= 0 ? a : b) + " is present",
                   "give both " + a + " and " + b + ", or neither");
  }
  return { ca, cb };
}

/** Least-squares affine px -> µm of the rows, and its RMS residual in µm. The 2D affine fit
 * of CoordinateFrame::FitArrayGrid is exactly this problem with px in the role of the array
 * coordinates and µm in that of the pixels. */
CoordinateFrame FitPixelFrame(const std::vector<PointType> & px, const std::vector<PointType> & um, double & rmsUm)
{
  std::vector<double> x, y;
  for (const auto & p : px)
  {
    x.push_back(p[0]);
    y.push_back(p[1]);
  }
  CoordinateFrame fit = CoordinateFrame::FromMicronsPerPixel(1.0);
  rmsUm = fit.FitArrayGrid(x, y, um);
  const PointType o = fit.ArrayToFullResPx(0, 0);
  const PointType ex = fit.ArrayToFullResPx(1, 0);
  const PointType ey = fit.ArrayToFullResPx(0, 1);
  CoordinateFrame::MatrixType m;
  for (unsigned d = 0; d < 2; ++d)
  {
    m(d, 0) = ex[d] - o[d];
    m(d, 1) = ey[d] - o[d];
  }
  return CoordinateFrame::FromAffine(m, o);
}

/** Median distance from each spot to its nearest other spot (µm), by ITK's k-d tree. */
double MedianNearestNeighbourDistance(const std::vector<PointType> & points)
{
  using VectorType2 = itk::Vector<double, 2>;
  using SampleType = itk::Statistics::ListSample<VectorType2>;
  using GeneratorType = itk::Statistics::KdTreeGenerator<SampleType>;
  auto sample = SampleType::New();
  sample->SetMeasurementVectorSize(2);
  for (const auto & p : points)
  {
    VectorType2 v;
    v[0] = p[0];
    v[1] = p[1];
    sample->PushBack(v);
  }
  auto generator = GeneratorType::New();
  generator->SetSample(sample);
  generator->SetBucketSize(16);
  generator->Update();
  const auto tree = generator->GetOutput();
  std::vector<double> distances;
  distances.reserve(points.size());
  GeneratorType::KdTreeType::InstanceIdentifierVectorType neighbours;
  for (std::size_t i = 0; i < points.size(); ++i)
  {
    tree->Search(sample->GetMeasurementVector(i), 2u, neighbours);
    for (const auto id : neighbours)
    {
      if (id != i)
      {
        distances.push_back(points[i].EuclideanDistanceTo(points[id]));
        break;
      }
    }
  }
  if (distances.empty())
  {
    return 0;
  }
  auto mid = distances.begin() + static_cast<std::ptrdiff_t>(distances.size() / 2);
  std::nth_element(distances.begin(), mid, distances.end());
  return *mid;
}

void AppendCSVField(std::string & out, const std::string & field)
{
  if (field.find_first_of(",\"\n\r") == std::string::npos)
  {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field)
  {
    out += c;
    if (c == '"')
    {
      out += '"';
    }
  }
  out += '"';
}
} // namespace

SpotDataset ReadSpotTable(const std::string & path, const SpotTableReadOptions & options)
{
  SpotDataset ds;
  ds.source = path;
  ds.platform = "spots";
  DelimitedReader reader(path);
  if (!reader.ReadHeader())
  {
    SS_INPUT_ERROR(path, "header", "the file is empty", FormatFix);
  }
  const int cId = UniqueColumn(reader, "id");
  if (cId < 0)
  {
    SS_INPUT_ERROR(path, "id", "no id column (columns: " + io::FirstFew(reader.GetHeader(), 8) + ")", FormatFix);
  }
  const auto [cXum, cYum] = ColumnPair(reader, "x_um", "y_um");
  const auto [cXpx, cYpx] = ColumnPair(reader, "x_px", "y_px");
  const auto [cCol, cRow] = ColumnPair(reader, "array_col", "array_row");
  const int cTissue = UniqueColumn(reader, "in_tissue");
  if (cXum < 0 && cXpx < 0)
  {
    SS_INPUT_ERROR(path, "x_um/y_um", "no spot positions (neither x_um,y_um nor x_px,y_px)", FormatFix);
  }
  const bool hasUm = cXum >= 0;
  const bool hasPx = cXpx >= 0;
  if (!hasUm && !options.frame)
  {
    SS_INPUT_ERROR(path,
                   "x_px/y_px",
                   "positions are in image pixels, but nothing says how many µm a pixel is",
                   "give the H&E with its µm geometry (--image/--inputVolume), or --micronsPerPixel, or add x_um,y_um");
  }
  const std::vector<int> reserved{ cId, cXum, cYum, cXpx, cYpx, cCol, cRow, cTissue };
  std::vector<int> geneColumns;
  for (int i = 0; i < static_cast<int>(reader.GetHeader().size()); ++i)
  {
    if (std::find(reserved.begin(), reserved.end(), i) == reserved.end())
    {
      geneColumns.push_back(i);
      ds.genes.push_back(Trim(reader.GetHeader()[static_cast<std::size_t>(i)]));
    }
  }
  ds.counts.Reset(ds.genes.size());

  std::vector<PointType> um, px;
  std::vector<std::pair<std::int32_t, float>> entries;
  while (reader.Next())
  {
    if (reader.GetNumberOfFields() != reader.GetHeader().size())
    {
      SS_INPUT_ERROR(reader.Where(),
                     "row",
                     "has " + std::to_string(reader.GetNumberOfFields()) + " fields for " +
                       std::to_string(reader.GetHeader().size()) + " columns",
                     "every row needs one field per column of the header");
    }
    ds.spots.id.push_back(Trim(reader.Field(cId)));
    if (hasUm)
    {
      PointType p;
      p[0] = io::CoordinateField(reader, cXum);
      p[1] = io::CoordinateField(reader, cYum);
      um.push_back(p);
    }
    if (hasPx)
    {
      PointType p;
      p[0] = io::CoordinateField(reader, cXpx);
      p[1] = io::CoordinateField(reader, cYpx);
      px.push_back(p);
    }
    if (cCol >= 0)
    {
      ds.spots.arrayCol.push_back(static_cast<int>(reader.Integer(cCol, -io::MaxArrayIndex, io::MaxArrayIndex)));
      ds.spots.arrayRow.push_back(static_cast<int>(reader.Integer(cRow, -io::MaxArrayIndex, io::MaxArrayIndex)));
    }
    if (cTissue >= 0)
    {
      const long long t = reader.Integer(cTissue);
      if (t != 0 && t != 1)
      {
        SS_INPUT_ERROR(reader.Where(), "in_tissue", "must be 0 or 1, got " + std::to_string(t), "fix the row");
      }
      ds.spots.inTissue.push_back(static_cast<unsigned char>(t));
    }
    else
    {
      ds.spots.inTissue.push_back(1);
    }
    entries.clear();
    for (std::size_t g = 0; g < geneColumns.size(); ++g)
    {
      entries.emplace_back(static_cast<std::int32_t>(g), io::CountField(reader, geneColumns[g]));
    }
    ds.counts.AppendSpot(entries);
  }
  const std::size_t n = ds.spots.id.size();
  if (n == 0)
  {
    SS_INPUT_ERROR(path, "rows", "the table has a header but no spots", "give at least one spot per row");
  }

  // Frame and positions.
  if (options.frame)
  {
    ds.frame = *options.frame;
  }
  else if (hasUm && hasPx)
  {
    if (n < 3)
    {
      SS_INPUT_ERROR(path,
                     "x_px/y_px",
                     "fewer than 3 spots, so the pixel geometry cannot be fitted from x_px,y_px and x_um,y_um",
                     "give the image's µm per pixel (--micronsPerPixel) or the image with its geometry");
    }
    double rms = 0;
    try
    {
      ds.frame = FitPixelFrame(px, um, rms);
    }
    catch (const std::exception & e)
    {
      SS_INPUT_ERROR(path,
                     "x_px/y_px",
                     std::string("the pixel geometry cannot be fitted: ") + e.what(),
                     "give --micronsPerPixel or the image with its geometry");
    }
    if (rms > 1.0)
    {
      SS_INPUT_ERROR(path,
                     "x_px/y_px",
                     "x_px,y_px and x_um,y_um are not related by one affine map (RMS " + io::NumberText(rms) + " µm)",
                     "drop one of the two pairs of columns, or correct it");
    }
    ds.notes.push_back(
      path + ": pixel geometry fitted to x_px,y_px and x_um,y_um: " + io::NumberText(ds.frame.GetMicronsPerPixel()) +
      " µm per pixel (RMS " + io::NumberText(rms) + " µm)");
  }
  else
  {
    ds.frame = CoordinateFrame::FromMicronsPerPixel(1.0);
    ds.notes.push_back(path + ": no image geometry; pixel coordinates are taken as µm (1 µm per pixel)");
  }
  for (std::size_t i = 0; i < n; ++i)
  {
    const PointType u = hasUm ? um[i] : ds.frame.FullResPxToMicrons(px[i]);
    const PointType p = hasPx ? px[i] : ds.frame.MicronsToFullResPx(u);
    if (hasUm && hasPx && options.frame)
    {
      const PointType mapped = ds.frame.FullResPxToMicrons(p);
      const double tolerance = 1.0 * ds.frame.GetMicronsPerPixel() + 1e-6 * (std::abs(u[0]) + std::abs(u[1]));
      if (mapped.EuclideanDistanceTo(u) > tolerance)
      {
        SS_INPUT_ERROR(path,
                       "x_px/y_px",
                       "spot '" + ds.spots.id[i] + "': x_px,y_px map to (" + io::NumberText(mapped[0]) + ", " +
                         io::NumberText(mapped[1]) + ") µm through the image's geometry, but x_um,y_um say (" +
                         io::NumberText(u[0]) + ", " + io::NumberText(u[1]) + ")",
                       "drop one of the two pairs of columns, or correct --micronsPerPixel / the image's spacing");
      }
    }
    ds.spots.positionUm.push_back(u);
    ds.spots.positionPx.push_back(p);
  }

  // Lattice, pitch, diameter.
  const bool hasArray = !ds.spots.arrayCol.empty();
  if (hasArray && n >= 3)
  {
    bool allEven = true;
    bool rowParities[2] = { false, false };
    std::vector<double> cols, rows;
    for (std::size_t i = 0; i < n; ++i)
    {
      allEven = allEven && (ds.spots.arrayCol[i] + ds.spots.arrayRow[i]) % 2 == 0;
      rowParities[ds.spots.arrayRow[i] & 1] = true;
      cols.push_back(ds.spots.arrayCol[i]);
      rows.push_back(ds.spots.arrayRow[i]);
    }
    double rmsPx = 0;
    try
    {
      rmsPx = ds.frame.FitArrayGrid(cols, rows, ds.spots.positionPx);
    }
    catch (const std::invalid_argument & e)
    {
      SS_INPUT_ERROR(path,
                     "array_col/array_row",
                     std::string("the array grid cannot be fitted: ") + e.what(),
                     "give the array positions of at least 3 non-collinear spots, or drop the columns");
    }
    ds.lattice = allEven && rowParities[0] && rowParities[1] ? SpotLattice::Hexagonal : SpotLattice::Square;
    ds.pitchUm = (ds.lattice == SpotLattice::Hexagonal ? 2.0 : 1.0) * ds.frame.GetArrayColumnStepMicrons();
    ds.notes.push_back(path + ": " + ToString(ds.lattice) + " array grid (fit RMS " + io::NumberText(rmsPx) +
                       " px), pitch " + io::NumberText(ds.pitchUm) + " µm");
  }
  else
  {
    if (n < 2)
    {
      // ITK's k-d tree threw "numberOfNeighborsRequested ... should be less than or equal to
      // the number of the measurement vectors" (ssFuzzSpotTable).
      SS_INPUT_ERROR(path,
                     "rows",
                     "one spot and no array positions: its pitch (the median distance to the nearest other spot) "
                     "cannot be measured",
                     "give the table's other spots, or array_col and array_row");
    }
    ds.lattice = SpotLattice::Irregular;
    ds.pitchUm = MedianNearestNeighbourDistance(ds.spots.positionUm);
    ds.notes.push_back(
      path + ": no array positions; pitch = median nearest-neighbour distance = " + io::NumberText(ds.pitchUm) + " µm");
  }
  if (!(ds.pitchUm > 0) || !std::isfinite(ds.pitchUm))
  {
    SS_INPUT_ERROR(path,
                   hasArray && n >= 3 ? "array_col/array_row" : "x_um/y_um",
                   "the spots' pitch is " + io::NumberText(ds.pitchUm) +
                     " µm: " + (hasArray && n >= 3 ? "neighbouring array positions lie at the same place"
                                                   : "at least half of the spots share their position with another"),
                   "check the position columns (a column of zeros, or the same column given twice?)");
  }
  if (options.spotDiameterUm > 0)
  {
    ds.spotDiameterUm = options.spotDiameterUm;
  }
  else
  {
    const double ratio = ds.lattice == SpotLattice::Hexagonal ? 0.55 : 0.5;
    ds.spotDiameterUm = ratio * ds.pitchUm;
    ds.notes.push_back(path + ": spot diameter assumed " + io::NumberText(ds.spotDiameterUm) + " µm (" +
                       io::NumberText(ratio) + " × pitch; --spotDiameterUm sets it)");
  }
  ds.Validate();
  for (const auto & note : ds.notes)
  {
    LogInfo(note);
  }
  return ds;
}

bool SpotTableHasPixelGeometry(const std::string & path)
{
  DelimitedReader reader(path);
  if (!reader.ReadHeader())
  {
    return false;
  }
  for (const char * column : { "x_um", "y_um", "x_px", "y_px" })
  {
    if (UniqueColumn(reader, column) < 0)
    {
      return false;
    }
  }
  return true;
}

void WriteSpotTable(const std::string & path, const SpotDataset & dataset, bool withCounts)
{
  dataset.Validate();
  const std::size_t n = dataset.NumberOfSpots();
  const bool hasTissue = dataset.spots.inTissue.size() == n && n > 0;
  const bool hasArray = dataset.spots.arrayCol.size() == n && n > 0;
  const bool hasPx = dataset.spots.positionPx.size() == n;
  io::WriteStreamAtomically(
    path,
    io::EndsWith(path, ".gz"),
    [&](std::ostream & out)
    {
      std::string line = "id,x_px,y_px,x_um,y_um";
      line += hasTissue ? ",in_tissue" : "";
      line += hasArray ? ",array_col,array_row" : "";
      if (withCounts)
      {
        for (const auto & g : dataset.genes)
        {
          line += ',';
          AppendCSVField(line, g);
        }
      }
      out << line << '\n';
      std::vector<float> values(withCounts ? dataset.NumberOfGenes() : 0);
      for (std::size_t s = 0; s < n; ++s)
      {
        line.clear();
        AppendCSVField(line, dataset.spots.id[s]);
        const PointType um = dataset.spots.positionUm[s];
        const PointType px = hasPx ? dataset.spots.positionPx[s] : dataset.frame.MicronsToFullResPx(um);
        for (const double v : { px[0], px[1], um[0], um[1] })
        {
          line += ',';
          io::AppendNumber(line, v);
        }
        if (hasTissue)
        {
          line += dataset.spots.inTissue[s] ? ",1" : ",0";
        }
        if (hasArray)
        {
          line += ',' + std::to_string(dataset.spots.arrayCol[s]) + ',' + std::to_string(dataset.spots.arrayRow[s]);
        }
        if (withCounts)
        {
          std::fill(values.begin(), values.end(), 0.0f);
          dataset.counts.ForEachInSpot(s, [&](std::int32_t g, float v) { values[static_cast<std::size_t>(g)] = v; });
          for (const float v : values)
          {
            line += ',';
            io::AppendFloat(line, v);
          }
        }
        out << line << '\n';
      }
    });
}

} // namespace ss
