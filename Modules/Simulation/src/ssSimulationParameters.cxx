#include "ssSimulationParameters.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

namespace ss
{

std::vector<CellTypeParameters> SimulationParameters::DefaultCellTypes()
{
  // Sizes and stains follow what a pathologist sees at 20x: tumour cells with large,
  // vesicular nuclei and purplish cytoplasm; spindle-shaped fibroblasts along the
  // collagen; small, round, very dark lymphocytes; macrophages with pale, abundant
  // cytoplasm; flat endothelial cells; adipocytes as large empty rings with a
  // flattened peripheral nucleus.
  std::vector<CellTypeParameters> types(6);
  auto & tumour = types[0];
  tumour.name = "Tumour";
  tumour.cellRadiusUm = 6.0;
  tumour.cellRadiusCv = 0.18;
  tumour.nucleusRadiusUm = 3.8;
  tumour.nucleusRadiusCv = 0.18;
  tumour.nucleusElongation = 1.3;
  tumour.nucleusOffset = 0.1;
  tumour.nucleusHaematoxylin = 0.95;
  tumour.chromatinTexture = 0.7;
  tumour.cytoplasmEosin = 0.42;
  tumour.cytoplasmHaematoxylin = 0.14;
  tumour.relativeRNA = 1.3;

  auto & fibroblast = types[1];
  fibroblast.name = "Fibroblast";
  fibroblast.cellRadiusUm = 6.0;
  fibroblast.nucleusRadiusUm = 2.4;
  fibroblast.nucleusElongation = 3.5;
  fibroblast.alignment = 0.9;
  fibroblast.nucleusHaematoxylin = 1.25;
  fibroblast.chromatinTexture = 0.15;
  fibroblast.cytoplasmEosin = 0.3;
  fibroblast.cytoplasmHaematoxylin = 0.02;
  fibroblast.relativeRNA = 0.8;

  auto & lymphocyte = types[2];
  lymphocyte.name = "Lymphocyte";
  lymphocyte.cellRadiusUm = 3.8;
  lymphocyte.cellRadiusCv = 0.1;
  lymphocyte.nucleusRadiusUm = 2.9;
  lymphocyte.nucleusRadiusCv = 0.08;
  lymphocyte.nucleusElongation = 1.05;
  lymphocyte.nucleusHaematoxylin = 1.65;
  lymphocyte.chromatinTexture = 0.15;
  lymphocyte.cytoplasmEosin = 0.12;
  lymphocyte.cytoplasmHaematoxylin = 0.06;
  lymphocyte.relativeRNA = 0.55;

  auto & macrophage = types[3];
  macrophage.name = "Macrophage";
  macrophage.cellRadiusUm = 8.0;
  macrophage.cellRadiusCv = 0.2;
  macrophage.nucleusRadiusUm = 3.4;
  macrophage.nucleusElongation = 1.6;
  macrophage.nucleusOffset = 0.3;
  macrophage.nucleusHaematoxylin = 0.8;
  macrophage.chromatinTexture = 0.35;
  macrophage.cytoplasmEosin = 0.26;
  macrophage.cytoplasmHaematoxylin = 0.05;
  macrophage.relativeRNA = 1.1;

  auto & endothelial = types[4];
  endothelial.name = "Endothelial";
  endothelial.cellRadiusUm = 5.5;
  endothelial.nucleusRadiusUm = 2.3;
  endothelial.nucleusElongation = 2.8;
  endothelial.alignment = 0.6;
  endothelial.nucleusHaematoxylin = 1.1;
  endothelial.chromatinTexture = 0.2;
  endothelial.cytoplasmEosin = 0.3;
  endothelial.relativeRNA = 0.8;

  auto & adipocyte = types[5];
  adipocyte.name = "Adipocyte";
  adipocyte.cellRadiusUm = 25;
  adipocyte.cellRadiusCv = 0.2;
  adipocyte.nucleusRadiusUm = 2.4;
  adipocyte.nucleusElongation = 2.2;
  adipocyte.nucleusOffset = 0.88;
  adipocyte.nucleusHaematoxylin = 1.0;
  adipocyte.chromatinTexture = 0.1;
  adipocyte.cytoplasmEosin = 0.0;
  adipocyte.cytoplasmHaematoxylin = 0.0;
  adipocyte.membraneEosin = 0.55;
  adipocyte.relativeRNA = 0.45;
  return types;
}

std::vector<DomainParameters> SimulationParameters::DefaultDomains()
{
  // Densities are chosen so that a full Visium capture area (6.5 mm x 6.5 mm) holds
  // about 290k cells, the order of magnitude of a Xenium breast section of that size.
  std::vector<DomainParameters> domains(4);
  domains[0] = { "Tumour", 0.40, 10000, { 0.80, 0.06, 0.06, 0.04, 0.04, 0.0 }, 0.3 };
  domains[1] = { "Stroma", 0.30, 4000, { 0.04, 0.62, 0.10, 0.10, 0.14, 0.0 }, 0.75 };
  domains[2] = { "Immune", 0.17, 14000, { 0.04, 0.08, 0.75, 0.09, 0.04, 0.0 }, 0.4 };
  domains[3] = { "Fat", 0.13, 600, { 0.0, 0.12, 0.03, 0.03, 0.07, 0.75 }, 0.2 };
  return domains;
}

namespace
{

/** Throws unless lo <= v <= hi (and finite). */
void RequireRange(const std::string & source,
                  const std::string & field,
                  double v,
                  double lo,
                  double hi,
                  const std::string & meaning)
{
  if (!std::isfinite(v) || v < lo || v > hi)
  {
    std::ostringstream problem, fix;
    problem << "is " << v << ", outside [" << lo << ", " << hi << "]";
    fix << "give " << meaning << " in [" << lo << ", " << hi << "]";
    SS_INPUT_ERROR(source, field, problem.str(), fix.str());
  }
}

void RequirePositive(const std::string & source,
                     const std::string & field,
                     double v,
                     double hi,
                     const std::string & meaning)
{
  if (!std::isfinite(v) || !(v > 0) || v > hi)
  {
    std::ostringstream problem, fix;
    problem << "is " << v << ", must be > 0 and <= " << hi;
    fix << "give " << meaning << " in (0, " << hi << "]";
    SS_INPUT_ERROR(source, field, problem.str(), fix.str());
  }
}

std::string Indexed(const char * list, std::size_t i, const char * key)
{
  return std::string(list) + "[" + std::to_string(i) + "]." + key;
}

/** Reads the keys of one JSON object into values that already hold their defaults,
 * checking types, and refuses keys it does not know (typos would otherwise be ignored). */
class JSONFields
{
public:
  JSONFields(const nlohmann::json & json, std::string path, std::string source)
    : m_JSON(json)
    , m_Path(std::move(path))
    , m_Source(std::move(source))
  {
    if (!m_JSON.is_object())
    {
      SS_INPUT_ERROR(m_Source,
                     m_Path.empty() ? "(top level)" : m_Path,
                     "is not a JSON object",
                     "write the simulation parameters as {\"key\": value, ...}");
    }
  }

  void Read(const char * key, double & value)
  {
    if (const auto * v = Find(key))
    {
      if (!v->is_number())
      {
        WrongType(key, "a number");
      }
      value = v->get<double>();
    }
  }
  void Read(const char * key, unsigned int & value)
  {
    if (const auto * v = Find(key))
    {
      if (!IsNonNegativeInteger(*v) || v->get<std::uint64_t>() > 0xffffffffull)
      {
        WrongType(key, "a non-negative integer");
      }
      value = v->get<unsigned int>();
    }
  }
  void Read(const char * key, std::uint64_t & value)
  {
    if (const auto * v = Find(key))
    {
      if (!IsNonNegativeInteger(*v))
      {
        WrongType(key, "a non-negative integer");
      }
      value = v->get<std::uint64_t>();
    }
  }
  void Read(const char * key, std::string & value)
  {
    if (const auto * v = Find(key))
    {
      if (!v->is_string())
      {
        WrongType(key, "a string");
      }
      value = v->get<std::string>();
    }
  }
  void Read(const char * key, std::vector<double> & value)
  {
    if (const auto * v = Find(key))
    {
      if (!v->is_array())
      {
        WrongType(key, "an array of numbers");
      }
      value.clear();
      for (const auto & e : *v)
      {
        if (!e.is_number())
        {
          WrongType(key, "an array of numbers");
        }
        value.push_back(e.get<double>());
      }
    }
  }
  /** The sub-array `key` (nullptr when absent). */
  const nlohmann::json * Array(const char * key)
  {
    const auto * v = Find(key);
    if (v && !v->is_array())
    {
      WrongType(key, "an array of objects");
    }
    return v;
  }

  /** Refuses keys that were never read. */
  void Finish() const
  {
    for (auto it = m_JSON.begin(); it != m_JSON.end(); ++it)
    {
      if (!m_Known.count(it.key()))
      {
        std::string known;
        for (const auto & k : m_Known)
        {
          known += (known.empty() ? "" : ", ") + k;
        }
        SS_INPUT_ERROR(
          m_Source, Qualified(it.key()), "is not a simulation parameter", "remove it or use one of: " + known);
      }
    }
  }

private:
  // JSON text gives unsigned numbers, JSON built in C++ from an int a signed one.
  static bool IsNonNegativeInteger(const nlohmann::json & v)
  {
    return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  }
  const nlohmann::json * Find(const char * key)
  {
    m_Known.insert(key);
    const auto it = m_JSON.find(key);
    return it == m_JSON.end() ? nullptr : &*it;
  }
  std::string Qualified(const std::string & key) const { return m_Path.empty() ? key : m_Path + "." + key; }
  [[noreturn]] void WrongType(const char * key, const char * expected) const
  {
    SS_INPUT_ERROR(
      m_Source, Qualified(key), "is " + m_JSON.at(key).dump() + ", not " + expected, std::string("give ") + expected);
  }

  const nlohmann::json & m_JSON;
  std::string m_Path;
  std::string m_Source;
  std::set<std::string> m_Known;
};

// One list of (key, member) pairs per struct (const for writing, mutable for reading),
// used by both directions of the JSON conversion so that ToJSON and FromJSON cannot drift apart.
template<typename CellType, typename Visitor>
void VisitCellType(CellType & t, Visitor && v)
{
  v("name", t.name);
  v("cellRadiusUm", t.cellRadiusUm);
  v("cellRadiusCv", t.cellRadiusCv);
  v("nucleusRadiusUm", t.nucleusRadiusUm);
  v("nucleusRadiusCv", t.nucleusRadiusCv);
  v("nucleusElongation", t.nucleusElongation);
  v("nucleusOffset", t.nucleusOffset);
  v("alignment", t.alignment);
  v("nucleusHaematoxylin", t.nucleusHaematoxylin);
  v("chromatinTexture", t.chromatinTexture);
  v("cytoplasmEosin", t.cytoplasmEosin);
  v("cytoplasmHaematoxylin", t.cytoplasmHaematoxylin);
  v("membraneEosin", t.membraneEosin);
  v("relativeRNA", t.relativeRNA);
}

template<typename Domain, typename Visitor>
void VisitDomain(Domain & d, Visitor && v)
{
  v("name", d.name);
  v("areaFraction", d.areaFraction);
  v("cellDensityPerMm2", d.cellDensityPerMm2);
  v("cellTypeWeights", d.cellTypeWeights);
  v("stromaEosin", d.stromaEosin);
}

template<typename Parameters, typename Visitor>
void VisitScalars(Parameters & p, Visitor && v)
{
  v("seed", p.seed);
  v("profileSeed", p.profileSeed);
  v("widthUm", p.widthUm);
  v("heightUm", p.heightUm);
  v("micronsPerPixel", p.micronsPerPixel);
  v("tissueInset", p.tissueInset);
  v("outlineRoughness", p.outlineRoughness);
  v("outlineScaleUm", p.outlineScaleUm);
  v("holesPerMm2", p.holesPerMm2);
  v("holeRadiusUm", p.holeRadiusUm);
  v("domainScaleUm", p.domainScaleUm);
  v("relaxationIterations", p.relaxationIterations);
  v("minimumSpacing", p.minimumSpacing);
  v("numberOfGenes", p.numberOfGenes);
  v("numberOfModules", p.numberOfModules);
  v("housekeepingFraction", p.housekeepingFraction);
  v("meanMoleculesPerCell", p.meanMoleculesPerCell);
  v("dispersion", p.dispersion);
  v("moduleTypeSd", p.moduleTypeSd);
  v("markerModuleBoost", p.markerModuleBoost);
  v("geneTypeSd", p.geneTypeSd);
  v("cellModuleSd", p.cellModuleSd);
  v("cellSizeSd", p.cellSizeSd);
  v("spatialModuleSd", p.spatialModuleSd);
  v("nucleusModuleCoupling", p.nucleusModuleCoupling);
  v("moleculeSpread", p.moleculeSpread);
  v("edgeSoftnessUm", p.edgeSoftnessUm);
  v("stainUnevenness", p.stainUnevenness);
  v("pixelNoise", p.pixelNoise);
}

} // namespace

void SimulationParameters::Validate(const std::string & source) const
{
  RequireRange(source, "widthUm", widthUm, 100, 6500, "the slide width in µm (6500 µm is a Visium capture area)");
  RequireRange(source, "heightUm", heightUm, 100, 6500, "the slide height in µm (6500 µm is a Visium capture area)");
  RequireRange(source, "micronsPerPixel", micronsPerPixel, 0.1, 2, "the H&E pixel size in µm (0.5 is a 20x scan)");
  RequireRange(source, "tissueInset", tissueInset, 0, 0.4, "the margin around the tissue as a fraction of the slide");
  RequireRange(source, "outlineRoughness", outlineRoughness, 0, 0.5, "a relative outline irregularity");
  RequireRange(source, "outlineScaleUm", outlineScaleUm, 10, 5000, "a length scale in µm");
  RequireRange(source, "holesPerMm2", holesPerMm2, 0, 50, "a number of holes per mm²");
  RequireRange(source, "holeRadiusUm", holeRadiusUm, 1, 1000, "a hole radius in µm");
  RequireRange(source, "domainScaleUm", domainScaleUm, 10, 5000, "a length scale in µm");
  RequireRange(source, "relaxationIterations", relaxationIterations, 0, 50, "a number of rounds");
  RequireRange(source, "minimumSpacing", minimumSpacing, 0, 2, "a spacing relative to the sum of the radii");
  RequireRange(source, "numberOfGenes", numberOfGenes, 1, 20000, "a number of genes");
  RequireRange(source, "numberOfModules", numberOfModules, 1, 1000, "a number of gene modules");
  RequireRange(source, "housekeepingFraction", housekeepingFraction, 0, 0.9, "a share of the genes");
  const auto moduleGenes = numberOfGenes - static_cast<unsigned int>(std::lround(housekeepingFraction * numberOfGenes));
  if (moduleGenes < numberOfModules)
  {
    SS_INPUT_ERROR(source,
                   "numberOfModules",
                   std::to_string(numberOfModules) + " modules but only " + std::to_string(moduleGenes) +
                     " genes outside housekeeping",
                   "use fewer modules, more genes or a smaller housekeepingFraction");
  }
  RequirePositive(source, "meanMoleculesPerCell", meanMoleculesPerCell, 1e4, "a mean number of molecules");
  RequirePositive(source, "dispersion", dispersion, 1e6, "the negative-binomial size (large = Poisson)");
  RequireRange(source, "moduleTypeSd", moduleTypeSd, 0, 5, "a log-scale standard deviation");
  RequireRange(source, "markerModuleBoost", markerModuleBoost, 0, 10, "a log-scale boost");
  RequireRange(source, "geneTypeSd", geneTypeSd, 0, 5, "a log-scale standard deviation");
  RequireRange(source, "cellModuleSd", cellModuleSd, 0, 3, "a log-scale standard deviation");
  RequireRange(source, "cellSizeSd", cellSizeSd, 0, 3, "a log-scale standard deviation");
  RequireRange(source, "spatialModuleSd", spatialModuleSd, 0, 3, "a log-scale standard deviation");
  RequireRange(source, "nucleusModuleCoupling", nucleusModuleCoupling, -1, 1, "a log-scale coupling");
  RequirePositive(source, "moleculeSpread", moleculeSpread, 2, "a spread relative to the cell radius");
  RequireRange(source, "edgeSoftnessUm", edgeSoftnessUm, 0, 5, "an edge width in µm");
  RequireRange(source, "stainUnevenness", stainUnevenness, 0, 0.5, "a relative stain variation");
  RequireRange(source, "pixelNoise", pixelNoise, 0, 50, "a noise amplitude in grey levels");

  if (cellTypes.empty() || cellTypes.size() > 255)
  {
    SS_INPUT_ERROR(
      source, "cellTypes", "has " + std::to_string(cellTypes.size()) + " entries", "give between 1 and 255 cell types");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < cellTypes.size(); ++i)
  {
    const auto & t = cellTypes[i];
    if (t.name.empty() || !names.insert(t.name).second)
    {
      SS_INPUT_ERROR(source,
                     Indexed("cellTypes", i, "name"),
                     "is empty or repeated (\"" + t.name + "\")",
                     "give every cell type a unique name");
    }
    RequirePositive(source, Indexed("cellTypes", i, "cellRadiusUm"), t.cellRadiusUm, 100, "a radius in µm");
    RequireRange(source, Indexed("cellTypes", i, "cellRadiusCv"), t.cellRadiusCv, 0, 1, "a coefficient of variation");
    RequireRange(source,
                 Indexed("cellTypes", i, "nucleusRadiusUm"),
                 t.nucleusRadiusUm,
                 0.2,
                 t.cellRadiusUm,
                 "a nucleus radius in µm no larger than the cell radius");
    RequireRange(
      source, Indexed("cellTypes", i, "nucleusRadiusCv"), t.nucleusRadiusCv, 0, 1, "a coefficient of variation");
    RequireRange(source, Indexed("cellTypes", i, "nucleusElongation"), t.nucleusElongation, 1, 10, "an axis ratio");
    RequireRange(
      source, Indexed("cellTypes", i, "nucleusOffset"), t.nucleusOffset, 0, 1, "a fraction of the cell radius");
    RequireRange(source, Indexed("cellTypes", i, "alignment"), t.alignment, 0, 1, "an alignment");
    RequireRange(source, Indexed("cellTypes", i, "nucleusHaematoxylin"), t.nucleusHaematoxylin, 0, 5, "a stain amount");
    RequireRange(source, Indexed("cellTypes", i, "chromatinTexture"), t.chromatinTexture, 0, 1, "a texture strength");
    RequireRange(source, Indexed("cellTypes", i, "cytoplasmEosin"), t.cytoplasmEosin, 0, 5, "a stain amount");
    RequireRange(
      source, Indexed("cellTypes", i, "cytoplasmHaematoxylin"), t.cytoplasmHaematoxylin, 0, 5, "a stain amount");
    RequireRange(source, Indexed("cellTypes", i, "membraneEosin"), t.membraneEosin, 0, 5, "a stain amount");
    RequirePositive(source, Indexed("cellTypes", i, "relativeRNA"), t.relativeRNA, 100, "a relative RNA content");
  }

  if (domains.empty() || domains.size() > 255)
  {
    SS_INPUT_ERROR(source,
                   "domains",
                   "has " + std::to_string(domains.size()) + " entries",
                   "give between 1 and 255 spatial domains");
  }
  names.clear();
  for (std::size_t i = 0; i < domains.size(); ++i)
  {
    const auto & d = domains[i];
    if (d.name.empty() || !names.insert(d.name).second)
    {
      SS_INPUT_ERROR(source,
                     Indexed("domains", i, "name"),
                     "is empty or repeated (\"" + d.name + "\")",
                     "give every domain a unique name");
    }
    RequirePositive(source, Indexed("domains", i, "areaFraction"), d.areaFraction, 1e3, "a relative area");
    RequirePositive(source, Indexed("domains", i, "cellDensityPerMm2"), d.cellDensityPerMm2, 5e4, "cells per mm²");
    RequireRange(source, Indexed("domains", i, "stromaEosin"), d.stromaEosin, 0, 5, "a stain amount");
    if (d.cellTypeWeights.size() != cellTypes.size())
    {
      SS_INPUT_ERROR(source,
                     Indexed("domains", i, "cellTypeWeights"),
                     "has " + std::to_string(d.cellTypeWeights.size()) + " weights for " +
                       std::to_string(cellTypes.size()) + " cell types",
                     "give one weight per entry of cellTypes, in the same order");
    }
    double sum = 0;
    for (const double w : d.cellTypeWeights)
    {
      if (!std::isfinite(w) || w < 0)
      {
        SS_INPUT_ERROR(
          source, Indexed("domains", i, "cellTypeWeights"), "has a negative or non-finite weight", "give weights >= 0");
      }
      sum += w;
    }
    if (!(sum > 0))
    {
      SS_INPUT_ERROR(source,
                     Indexed("domains", i, "cellTypeWeights"),
                     "are all zero",
                     "give at least one cell type a positive weight");
    }
  }
}

nlohmann::json SimulationParameters::ToJSON() const
{
  nlohmann::json j = nlohmann::json::object();
  VisitScalars(*this, [&j](const char * key, const auto & value) { j[key] = value; });
  j["cellTypes"] = nlohmann::json::array();
  for (const auto & t : cellTypes)
  {
    nlohmann::json e = nlohmann::json::object();
    VisitCellType(t, [&e](const char * key, const auto & value) { e[key] = value; });
    j["cellTypes"].push_back(e);
  }
  j["domains"] = nlohmann::json::array();
  for (const auto & d : domains)
  {
    nlohmann::json e = nlohmann::json::object();
    VisitDomain(d, [&e](const char * key, const auto & value) { e[key] = value; });
    j["domains"].push_back(e);
  }
  return j;
}

SimulationParameters SimulationParameters::FromJSON(const nlohmann::json & json, const std::string & source)
{
  SimulationParameters p;
  JSONFields top(json, "", source);
  VisitScalars(p, [&top](const char * key, auto & value) { top.Read(key, value); });
  if (const auto * types = top.Array("cellTypes"))
  {
    p.cellTypes.clear();
    for (std::size_t i = 0; i < types->size(); ++i)
    {
      CellTypeParameters t; // unspecified fields take the generic defaults
      JSONFields f((*types)[i], "cellTypes[" + std::to_string(i) + "]", source);
      VisitCellType(t, [&f](const char * key, auto & value) { f.Read(key, value); });
      f.Finish();
      p.cellTypes.push_back(t);
    }
  }
  if (const auto * domains = top.Array("domains"))
  {
    p.domains.clear();
    for (std::size_t i = 0; i < domains->size(); ++i)
    {
      DomainParameters d;
      JSONFields f((*domains)[i], "domains[" + std::to_string(i) + "]", source);
      VisitDomain(d, [&f](const char * key, auto & value) { f.Read(key, value); });
      f.Finish();
      p.domains.push_back(d);
    }
  }
  top.Finish();
  p.Validate(source);
  return p;
}

void SimulationParameters::SelectCellTypes(const std::vector<std::string> & names, const std::string & source)
{
  auto lower = [](std::string text)
  {
    std::transform(
      text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  };
  std::string known;
  for (const auto & t : cellTypes)
  {
    known += (known.empty() ? "" : ", ") + t.name;
  }
  if (names.empty())
  {
    SS_INPUT_ERROR(source, "cellTypes", "no cell type chosen", "name some of: " + known);
  }
  std::vector<bool> chosen(cellTypes.size(), false);
  for (const auto & name : names)
  {
    const auto it = std::find_if(
      cellTypes.begin(), cellTypes.end(), [&](const CellTypeParameters & t) { return lower(t.name) == lower(name); });
    if (it == cellTypes.end())
    {
      SS_INPUT_ERROR(source, "cellTypes", "\"" + name + "\" is not a cell type", "name some of: " + known);
    }
    auto slot = chosen.begin() + (it - cellTypes.begin());
    if (*slot)
    {
      SS_INPUT_ERROR(source, "cellTypes", "\"" + name + "\" is named twice", "name each cell type once");
    }
    *slot = true;
  }

  std::vector<CellTypeParameters> keptTypes;
  for (std::size_t t = 0; t < cellTypes.size(); ++t)
  {
    if (chosen[t])
    {
      keptTypes.push_back(cellTypes[t]);
    }
  }
  std::vector<DomainParameters> keptDomains;
  std::string dropped;
  for (auto d : domains)
  {
    std::vector<double> weights;
    double sum = 0;
    for (std::size_t t = 0; t < cellTypes.size() && t < d.cellTypeWeights.size(); ++t)
    {
      if (chosen[t])
      {
        weights.push_back(d.cellTypeWeights[t]);
        sum += d.cellTypeWeights[t];
      }
    }
    if (sum > 0)
    {
      d.cellTypeWeights = std::move(weights);
      keptDomains.push_back(std::move(d));
    }
    else
    {
      dropped += (dropped.empty() ? "" : ", ") + d.name;
    }
  }
  if (keptDomains.empty())
  {
    SS_INPUT_ERROR(source,
                   "cellTypes",
                   "no domain holds any of the cell types chosen",
                   "choose cell types that some domain has a weight for");
  }
  if (!dropped.empty())
  {
    LogWarning(source + ": the domains " + dropped + " hold none of the chosen cell types and are left out");
  }
  cellTypes = std::move(keptTypes);
  domains = std::move(keptDomains);
}

SimulationParameters SimulationParameters::ReadJSONFile(const std::string & path)
{
  return FromJSON(ss::ReadJSONFile(path, "simulation parameters"), path);
}

void SimulationParameters::WriteJSONFile(const std::string & path) const
{
  WriteJSONFileAtomically(path, ToJSON());
}

} // namespace ss
