#include "ssXenium.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssHistologySource.h"
#include "ssIOText.h"
#include "ssProgress.h"
#include "ssTextTable.h"
#include "ssVersion.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>

namespace ss
{

namespace
{
const char * const ControlPrefixes[] = { "NegControlProbe_",    "NegControlCodeword_", "BLANK_",
                                         "UnassignedCodeword_", "DeprecatedCodeword_", "Intergenic",
                                         "antisense_" };

std::string ControlCategory(const std::string & name)
{
  for (const char * p : ControlPrefixes)
  {
    if (io::StartsWith(name, p))
    {
      return std::string(p) + "*";
    }
  }
  return {};
}

std::string TranscriptsPath(const std::string & dir)
{
  for (const char * name : { "transcripts.csv.gz", "transcripts.csv" })
  {
    const std::string p = JoinPath(dir, name);
    if (FileExists(p))
    {
      return p;
    }
  }
  const std::string parquet = JoinPath(dir, "transcripts.parquet");
  if (FileExists(parquet))
  {
    SS_INPUT_ERROR(
      parquet,
      "transcripts",
      "only Parquet transcripts were found and this build of SuperSpot has no Parquet support",
      "convert them next to it, e.g. in Python: import pandas as pd; pd.read_parquet('transcripts.parquet')"
      "[['feature_name','x_location','y_location','z_location','qv']].to_csv('transcripts.csv.gz', index=False)");
  }
  SS_INPUT_ERROR(dir,
                 "transcripts",
                 "no transcripts.csv.gz or transcripts.csv",
                 "give the Xenium output folder (it holds transcripts.csv.gz and experiment.xenium)");
}

/** Bounding box of the H&E's pixel footprints in µm under `frame`. */
BoundingBox ImageBoundsUm(const CoordinateFrame & frame, const SizeType & size)
{
  BoundingBox b;
  for (const double x : { -0.5, static_cast<double>(size[0]) - 0.5 })
  {
    for (const double y : { -0.5, static_cast<double>(size[1]) - 0.5 })
    {
      PointType p;
      p[0] = x;
      p[1] = y;
      b.Add(frame.FullResPxToMicrons(p));
    }
  }
  return b;
}

/** Fraction of the molecules' bounding box covered by the image's bounding box. */
double OverlapFraction(const BoundingBox & image, const BoundingBox & molecules)
{
  const double w = std::min(image.maxX, molecules.maxX) - std::max(image.minX, molecules.minX);
  const double h = std::min(image.maxY, molecules.maxY) - std::max(image.minY, molecules.minY);
  const double area = std::max(molecules.Width(), 1e-9) * std::max(molecules.Height(), 1e-9);
  return w > 0 && h > 0 ? w * h / area : 0.0;
}

/** H&E px -> µm from an alignment matrix (H&E px -> morphology px) and the morphology pixel size. */
CoordinateFrame FrameFromAlignment(const itk::Matrix<double, 3, 3> & m, double pixelSizeUm)
{
  CoordinateFrame::MatrixType a;
  PointType t;
  for (unsigned r = 0; r < 2; ++r)
  {
    for (unsigned c = 0; c < 2; ++c)
    {
      a(r, c) = pixelSizeUm * m(r, c);
    }
    t[r] = pixelSizeUm * m(r, 2);
  }
  return CoordinateFrame::FromAffine(a, t);
}

std::string BoxText(const BoundingBox & b)
{
  // + 0.0 turns the -0 that rounding small negative numbers gives into 0.
  auto um = [](double v) { return io::NumberText(std::round(v) + 0.0); };
  return "x " + um(b.minX) + "..." + um(b.maxX) + " µm, y " + um(b.minY) + "..." + um(b.maxY) + " µm";
}
} // namespace

bool IsXeniumControlFeature(const std::string & name)
{
  return !ControlCategory(name).empty();
}

MoleculeTable ReadXeniumTranscripts(const std::string & path, double minQV)
{
  MoleculeTable t;
  t.source = path;
  t.platform = "xenium";
  DelimitedReader reader(path, ',');
  if (!reader.ReadHeader())
  {
    SS_INPUT_ERROR(path, "transcripts", "the file is empty", "give transcripts.csv.gz from a Xenium output folder");
  }
  const std::string fix = "give transcripts.csv.gz from Xenium Onboard Analysis (columns x_location, y_location, "
                          "z_location, feature_name, qv)";
  const int cx = reader.RequireColumn("x_location", fix);
  const int cy = reader.RequireColumn("y_location", fix);
  const int cz = reader.FindColumn("z_location");
  const int cName = reader.RequireColumn("feature_name", fix);
  const int cQV = reader.FindColumn("qv");
  const int cIsGene = reader.FindColumn("is_gene");
  if (cQV < 0 && minQV > 0)
  {
    t.notes.push_back(path + ": no qv column, so no molecule was filtered by quality");
  }
  std::unordered_map<std::string, std::int32_t> geneIndex;
  std::map<std::string, std::size_t> controls;
  std::size_t lowQuality = 0;
  std::size_t total = 0;
  bool strippedBytes = false;
  while (reader.Next())
  {
    ++total;
    const double qv = cQV >= 0 ? reader.Double(cQV) : 0.0;
    if (cQV >= 0 && !(qv >= minQV))
    {
      ++lowQuality;
      continue;
    }
    std::string name(reader.Field(cName));
    // Some exports of the Parquet table wrote Python bytes literally: b'GENE'.
    if (name.size() >= 3 && name[0] == 'b' && name[1] == '\'' && name.back() == '\'')
    {
      name = name.substr(2, name.size() - 3);
      strippedBytes = true;
    }
    std::string category = ControlCategory(name);
    if (category.empty() && cIsGene >= 0)
    {
      const std::string isGene = ToLower(Trim(reader.Field(cIsGene)));
      if (isGene == "false" || isGene == "0")
      {
        category = "is_gene = false";
      }
    }
    if (!category.empty())
    {
      ++controls[category];
      continue;
    }
    // Finite and within ±1e8 µm: a double beyond float's range became an infinite molecule.
    const double x = io::CoordinateField(reader, cx);
    const double y = io::CoordinateField(reader, cy);
    auto it = geneIndex.find(name);
    if (it == geneIndex.end())
    {
      it = geneIndex.emplace(name, static_cast<std::int32_t>(t.genes.size())).first;
      t.genes.push_back(name);
    }
    t.Add(static_cast<float>(x), static_cast<float>(y), it->second);
    if (cz >= 0)
    {
      t.z.push_back(static_cast<float>(io::CoordinateField(reader, cz)));
    }
    if (cQV >= 0)
    {
      t.qv.push_back(static_cast<float>(qv));
    }
  }
  if (strippedBytes)
  {
    t.notes.push_back(path + ": feature names written as Python bytes (b'NAME') were read as NAME");
  }
  if (cQV >= 0)
  {
    const std::string note = path + ": dropped " + std::to_string(lowQuality) + " of " + std::to_string(total) +
                             " molecules with qv < " + io::NumberText(minQV);
    t.notes.push_back(note);
    LogInfo(note);
  }
  std::size_t nControls = 0;
  std::vector<std::string> parts;
  for (const auto & [category, n] : controls)
  {
    nControls += n;
    parts.push_back(category + ": " + std::to_string(n));
  }
  if (nControls > 0)
  {
    const std::string note =
      path + ": dropped " + std::to_string(nControls) + " control/blank probe molecules (" + Join(parts, ", ") + ")";
    t.notes.push_back(note);
    LogInfo(note);
  }
  if (t.Size() == 0)
  {
    SS_INPUT_ERROR(path,
                   "transcripts",
                   "no molecule is left after the quality and control-probe filters (" + std::to_string(total) +
                     " rows)",
                   "check the file, or lower the minimum qv");
  }
  return t;
}

XeniumExperiment ReadXeniumExperiment(const std::string & path)
{
  RequireFile(path, "experiment.xenium", "give the experiment.xenium file of the Xenium output folder");
  const nlohmann::json j = ReadJSONFile(path, "experiment.xenium");
  if (!j.is_object())
  {
    SS_INPUT_ERROR(
      path, "experiment.xenium", "is not a JSON object", "give the experiment.xenium Xenium Onboard Analysis wrote");
  }
  XeniumExperiment e;
  const auto ps = j.find("pixel_size");
  if (ps == j.end() || !ps->is_number() || !(ps->get<double>() > 0) || !std::isfinite(ps->get<double>()))
  {
    SS_INPUT_ERROR(
      path,
      "pixel_size",
      ps == j.end() ? "missing" : "must be a positive number of µm, got " + ps->dump(),
      "give the experiment.xenium Xenium Onboard Analysis wrote (pixel_size is 0.2125 µm on current instruments)");
  }
  e.pixelSizeUm = ps->get<double>();
  auto text = [&](const char * key)
  {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  e.runName = text("run_name");
  e.regionName = text("region_name");
  e.panelName = text("panel_name");
  e.panelOrganism = text("panel_organism");
  e.analysisSoftwareVersion = text("analysis_sw_version");
  const auto cells = j.find("num_cells");
  if (cells != j.end() && cells->is_number_integer())
  {
    e.numberOfCells = cells->get<long long>();
  }
  return e;
}

CoordinateFrame ReadXeniumAlignment(const std::string & csvPath, double pixelSizeUm)
{
  if (!(pixelSizeUm > 0))
  {
    SS_INPUT_ERROR(
      csvPath, "pixel_size", "the morphology pixel size must be positive", "read it from experiment.xenium");
  }
  const std::string text = ReadWholeFile(csvPath, "H&E alignment matrix");
  std::vector<std::array<double, 3>> rows;
  std::size_t lineNumber = 0;
  for (const std::string & rawLine : SplitString(text, '\n'))
  {
    ++lineNumber;
    const std::string line = Trim(rawLine);
    if (line.empty())
    {
      continue;
    }
    const std::string where = csvPath + ":" + std::to_string(lineNumber);
    if (line.find("fixedX") != std::string::npos || line.find("alignmentX") != std::string::npos)
    {
      SS_INPUT_ERROR(
        where,
        "alignment",
        "this is Xenium Explorer's keypoints file, not its transformation matrix",
        "in Xenium Explorer's Image Alignment, download the transformation matrix (..._imagealignment.csv)");
    }
    const std::vector<std::string> fields = SplitString(line, ',');
    if (fields.size() != 3)
    {
      SS_INPUT_ERROR(where,
                     "alignment",
                     "has " + std::to_string(fields.size()) +
                       " values; each row of the 3 x 3 matrix has 3, comma-separated",
                     "give the transformation matrix CSV Xenium Explorer exports");
    }
    std::array<double, 3> row{};
    for (std::size_t k = 0; k < 3; ++k)
    {
      const std::string f = Trim(fields[k]);
      char * end = nullptr;
      row[k] = std::strtod(f.c_str(), &end);
      if (f.empty() || end != f.c_str() + f.size() || !std::isfinite(row[k]))
      {
        SS_INPUT_ERROR(where,
                       "alignment",
                       "'" + f + "' is not a number",
                       "give the transformation matrix CSV Xenium Explorer exports");
      }
    }
    rows.push_back(row);
  }
  if (rows.size() != 3)
  {
    SS_INPUT_ERROR(csvPath,
                   "alignment",
                   "has " + std::to_string(rows.size()) + " rows; a 3 x 3 matrix has 3",
                   "give the transformation matrix CSV Xenium Explorer exports");
  }
  if (std::abs(rows[2][0]) > 1e-9 || std::abs(rows[2][1]) > 1e-9 || std::abs(rows[2][2] - 1) > 1e-9)
  {
    SS_INPUT_ERROR(csvPath,
                   "alignment",
                   "the last row must be 0,0,1 (an affine matrix); projective alignments are not supported",
                   "re-export the alignment from Xenium Explorer");
  }
  const double det = rows[0][0] * rows[1][1] - rows[0][1] * rows[1][0];
  const double norm = std::abs(rows[0][0]) + std::abs(rows[0][1]) + std::abs(rows[1][0]) + std::abs(rows[1][1]);
  if (!(std::abs(det) > 1e-12 * norm * norm))
  {
    SS_INPUT_ERROR(csvPath,
                   "alignment",
                   "the matrix is singular (determinant " + io::NumberText(det) + "), so it cannot place the H&E",
                   "redo the image alignment in Xenium Explorer and export the transformation matrix again");
  }
  itk::Matrix<double, 3, 3> m;
  for (unsigned r = 0; r < 3; ++r)
  {
    for (unsigned c = 0; c < 3; ++c)
    {
      m(r, c) = rows[r][c];
    }
  }
  return FrameFromAlignment(m, pixelSizeUm);
}

XeniumBundle ReadXeniumBundle(const std::string & dir,
                              const std::string & hePath,
                              const std::string & alignmentCsv,
                              double minQV)
{
  RequireDirectory(
    dir, "Xenium output folder", "give the Xenium output folder (it holds transcripts.csv.gz and experiment.xenium)");
  XeniumBundle b;
  b.directory = dir;
  b.experiment = ReadXeniumExperiment(JoinPath(dir, "experiment.xenium"));
  b.molecules = ReadXeniumTranscripts(TranscriptsPath(dir), minQV);
  b.heSize.Fill(0);
  if (hePath.empty())
  {
    return b;
  }
  if (alignmentCsv.empty())
  {
    SS_INPUT_ERROR(
      hePath,
      "alignment",
      "a post-Xenium H&E needs its alignment to the Xenium data",
      "align the H&E in Xenium Explorer (Image Alignment) and pass the transformation matrix CSV it exports");
  }
  b.hePath = hePath;
  b.heFrame = ReadXeniumAlignment(alignmentCsv, b.experiment.pixelSizeUm);
  HistologyOptions o;
  o.frame = b.heFrame;
  const HistologySource he(hePath, o);
  b.heSize = he.GetSize();

  const BoundingBox molecules = b.molecules.BoundsUm();
  const BoundingBox image = ImageBoundsUm(b.heFrame, b.heSize);
  const double overlap = OverlapFraction(image, molecules);
  if (overlap < 0.05)
  {
    // Would the inverse matrix (morphology px -> H&E px, the other direction) fit?
    const itk::Matrix<double, 3, 3> inverse(XeniumAlignmentMatrix(b.heFrame, b.experiment.pixelSizeUm).GetInverse());
    const double inverseOverlap =
      OverlapFraction(ImageBoundsUm(FrameFromAlignment(inverse, b.experiment.pixelSizeUm), b.heSize), molecules);
    const std::string problem = "the aligned H&E covers " + BoxText(image) + " but the molecules lie at " +
                                BoxText(molecules) + " (" + io::NumberText(std::round(100 * overlap)) + "% overlap)";
    const std::string fix = inverseOverlap >= 0.5
                              ? "the matrix looks inverted (it maps Xenium pixels to H&E pixels); export the H&E -> "
                                "Xenium transformation matrix from Xenium Explorer, or invert it"
                              : "check that the alignment CSV belongs to this H&E and this Xenium run (Xenium Explorer "
                                "-> Image Alignment -> download the transformation matrix)";
    SS_INPUT_ERROR(alignmentCsv, "alignment", problem, fix);
  }
  return b;
}

void WriteXeniumTranscripts(const std::string & path, const MoleculeTable & t, int gzipLevel)
{
  const std::size_t n = t.Size();
  if (t.y.size() != n || t.gene.size() != n || (!t.z.empty() && t.z.size() != n) || (!t.qv.empty() && t.qv.size() != n))
  {
    throw std::invalid_argument("WriteXeniumTranscripts: molecule table columns differ in length");
  }
  io::WriteStreamAtomically(
    path,
    io::EndsWith(path, ".gz"),
    [&](std::ostream & out)
    {
      out << "transcript_id,cell_id,overlaps_nucleus,feature_name,x_location,y_location,z_location,qv\n";
      std::string line;
      for (std::size_t i = 0; i < n; ++i)
      {
        line = std::to_string(i + 1) + ",UNASSIGNED,0,";
        line += t.genes.at(static_cast<std::size_t>(t.gene[i]));
        line += ',';
        io::AppendFloat(line, t.x[i]);
        line += ',';
        io::AppendFloat(line, t.y[i]);
        line += ',';
        io::AppendFloat(line, t.z.empty() ? 0.0f : t.z[i]);
        line += ',';
        io::AppendFloat(line, t.qv.empty() ? 40.0f : t.qv[i]);
        line += '\n';
        out << line;
      }
    },
    gzipLevel);
}

void WriteXeniumExperiment(const std::string & path, double pixelSizeUm)
{
  if (!(pixelSizeUm > 0))
  {
    throw std::invalid_argument("WriteXeniumExperiment: pixel size must be positive");
  }
  nlohmann::json j;
  j["major_version"] = 5;
  j["minor_version"] = 0;
  j["pixel_size"] = pixelSizeUm;
  j["run_name"] = "superspot";
  j["region_name"] = "simulated";
  j["analysis_sw_version"] = std::string("superspot-") + SUPERSPOT_VERSION;
  j["transcripts"] = "transcripts.csv.gz";
  WriteJSONFileAtomically(path, j);
}

void WriteXeniumAlignment(const std::string & path, const itk::Matrix<double, 3, 3> & matrix)
{
  std::string text;
  for (unsigned r = 0; r < 3; ++r)
  {
    for (unsigned c = 0; c < 3; ++c)
    {
      if (c)
      {
        text += ',';
      }
      io::AppendNumber(text, matrix(r, c));
    }
    text += '\n';
  }
  WriteTextFileAtomically(path, text);
}

itk::Matrix<double, 3, 3> XeniumAlignmentMatrix(const CoordinateFrame & heFrame, double pixelSizeUm)
{
  if (!(pixelSizeUm > 0))
  {
    throw std::invalid_argument("XeniumAlignmentMatrix: pixel size must be positive");
  }
  itk::Matrix<double, 3, 3> m;
  m.SetIdentity();
  for (unsigned r = 0; r < 2; ++r)
  {
    for (unsigned c = 0; c < 2; ++c)
    {
      m(r, c) = heFrame.GetPixelToMicrons()(r, c) / pixelSizeUm;
    }
    m(r, 2) = heFrame.GetOrigin()[r] / pixelSizeUm;
  }
  return m;
}

} // namespace ss
