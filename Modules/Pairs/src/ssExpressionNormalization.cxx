#include "ssExpressionNormalization.h"

#include "ssError.h"
#include "ssTextTable.h"

#include "itkImageRegionConstIterator.h"
#include "itkImageRegionIterator.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace ss
{

namespace
{
constexpr double Pi = 3.14159265358979323846;

/** Per-gene running sums of the library-normalized log1p values. */
struct GeneMoments
{
  double sum = 0;
  double sumSquares = 0;
  std::size_t detected = 0;
};

void AccumulateMoments(const SpotDataset & spots,
                       const std::vector<long> & slotOfGene,
                       std::vector<GeneMoments> & moments)
{
  const auto library = spots.counts.SpotTotals();
  const auto normalization = ExpressionNormalization::Library();
  for (std::size_t s = 0; s < spots.counts.GetNumberOfSpots(); ++s)
  {
    spots.counts.ForEachInSpot(s,
                               [&](std::int32_t gene, float count)
                               {
                                 const long slot = slotOfGene[static_cast<std::size_t>(gene)];
                                 if (slot < 0 || !(count > 0))
                                 {
                                   return;
                                 }
                                 const double v = normalization.Normalize(count, library[s], 0);
                                 auto & m = moments[static_cast<std::size_t>(slot)];
                                 m.sum += v;
                                 m.sumSquares += v * v;
                                 ++m.detected;
                               });
  }
}

/** Indices of the `n` highest variances among genes detected in enough spots. Zeros are
 * values too: the variance is over all `numberOfSpots` spots. */
std::vector<std::size_t> RankByVariance(const std::vector<GeneMoments> & moments,
                                        std::size_t numberOfSpots,
                                        std::size_t n,
                                        double minDetectionFraction)
{
  if (!(minDetectionFraction >= 0 && minDetectionFraction <= 1))
  {
    throw std::invalid_argument("minimum detection fraction must be in [0, 1]");
  }
  std::vector<std::size_t> candidates;
  std::vector<double> variance(moments.size(), 0.0);
  if (numberOfSpots == 0)
  {
    return candidates;
  }
  const double count = static_cast<double>(numberOfSpots);
  for (std::size_t g = 0; g < moments.size(); ++g)
  {
    // Compare counts, not fractions, so "10 % of 187 spots" means at least 18.7 spots.
    if (static_cast<double>(moments[g].detected) < minDetectionFraction * count)
    {
      continue;
    }
    const double mean = moments[g].sum / count;
    variance[g] = std::max(0.0, moments[g].sumSquares / count - mean * mean);
    candidates.push_back(g);
  }
  std::stable_sort(
    candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) { return variance[a] > variance[b]; });
  if (candidates.size() > n)
  {
    candidates.resize(n);
  }
  return candidates;
}

std::vector<std::size_t> TopByTotals(const std::vector<double> & totals, std::size_t n)
{
  std::vector<std::size_t> order(totals.size());
  std::iota(order.begin(), order.end(), std::size_t{ 0 });
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return totals[a] > totals[b]; });
  if (order.size() > n)
  {
    order.resize(n);
  }
  return order;
}
} // namespace

std::string ToString(NormalizationMode mode)
{
  return mode == NormalizationMode::Library ? "library" : "density";
}

NormalizationMode NormalizationModeFromString(const std::string & name)
{
  const std::string n = ToLower(name);
  if (n == "library")
  {
    return NormalizationMode::Library;
  }
  if (n == "density")
  {
    return NormalizationMode::Density;
  }
  throw std::invalid_argument("unknown normalization '" + name + "' (library or density)");
}

ExpressionNormalization ExpressionNormalization::Library(double target)
{
  if (!(target > 0) || !std::isfinite(target))
  {
    throw std::invalid_argument("library normalization target must be positive and finite");
  }
  ExpressionNormalization n;
  n.mode = NormalizationMode::Library;
  n.libraryTarget = target;
  return n;
}

ExpressionNormalization ExpressionNormalization::Density(double referenceAreaUm2)
{
  if (!(referenceAreaUm2 > 0) || !std::isfinite(referenceAreaUm2))
  {
    throw std::invalid_argument("density normalization reference area must be positive and finite");
  }
  ExpressionNormalization n;
  n.mode = NormalizationMode::Density;
  n.referenceAreaUm2 = referenceAreaUm2;
  return n;
}

double ExpressionNormalization::Normalize(double count, double librarySize, double areaUm2) const
{
  if (mode == NormalizationMode::Library)
  {
    return librarySize > 0 ? std::log1p(count / librarySize * libraryTarget) : 0.0;
  }
  if (!(areaUm2 > 0))
  {
    throw std::invalid_argument("density normalization needs a positive area");
  }
  return std::log1p(count * referenceAreaUm2 / areaUm2);
}

double ExpressionNormalization::ToCount(double v, double librarySize, double areaUm2) const
{
  if (mode == NormalizationMode::Library)
  {
    return std::expm1(v) * librarySize / libraryTarget;
  }
  return std::expm1(v) * areaUm2 / referenceAreaUm2;
}

nlohmann::json ExpressionNormalization::ToJSON() const
{
  nlohmann::json j;
  j["mode"] = ToString(mode);
  if (mode == NormalizationMode::Library)
  {
    j["target"] = libraryTarget;
  }
  else
  {
    j["reference_area_um2"] = referenceAreaUm2;
  }
  return j;
}

ExpressionNormalization ExpressionNormalization::FromJSON(const nlohmann::json & value, const std::string & whereFrom)
{
  if (!value.is_object() || !value.contains("mode") || !value["mode"].is_string())
  {
    SS_INPUT_ERROR(
      whereFrom, "normalization.mode", "missing or not a string", "write \"mode\": \"library\" or \"density\"");
  }
  NormalizationMode mode;
  try
  {
    mode = NormalizationModeFromString(value["mode"].get<std::string>());
  }
  catch (const std::invalid_argument & e)
  {
    SS_INPUT_ERROR(whereFrom, "normalization.mode", e.what(), "write \"mode\": \"library\" or \"density\"");
  }
  const char * field = mode == NormalizationMode::Library ? "target" : "reference_area_um2";
  if (!value.contains(field) || !value[field].is_number() || !(value[field].get<double>() > 0))
  {
    SS_INPUT_ERROR(whereFrom,
                   std::string("normalization.") + field,
                   "missing or not a positive number",
                   mode == NormalizationMode::Library ? "write \"target\": 10000"
                                                      : "write \"reference_area_um2\": 100");
  }
  const double constant = value[field].get<double>();
  return mode == NormalizationMode::Library ? Library(constant) : Density(constant);
}

bool ExpressionNormalization::operator==(const ExpressionNormalization & o) const
{
  if (mode != o.mode)
  {
    return false;
  }
  return mode == NormalizationMode::Library ? libraryTarget == o.libraryTarget : referenceAreaUm2 == o.referenceAreaUm2;
}

double SpotAreaUm2(const SpotDataset & spots)
{
  if (!(spots.spotDiameterUm > 0) || !std::isfinite(spots.spotDiameterUm))
  {
    SS_INPUT_ERROR(spots.source,
                   "spot diameter",
                   "unknown (" + std::to_string(spots.spotDiameterUm) +
                     " µm), density normalization needs the spot area",
                   "set the platform's spot diameter (Visium 55 µm, legacy ST 100 µm) or use library normalization");
  }
  return Pi * spots.spotDiameterUm * spots.spotDiameterUm / 4.0;
}

std::vector<float> NormalizeSpots(const SpotDataset & spots,
                                  const std::vector<std::size_t> & genes,
                                  const ExpressionNormalization & normalization,
                                  const std::vector<double> * librarySizes)
{
  const std::size_t numberOfSpots = spots.counts.GetNumberOfSpots();
  const std::size_t numberOfGenes = genes.size();
  for (const auto g : genes)
  {
    if (g >= spots.counts.GetNumberOfGenes())
    {
      throw std::out_of_range("NormalizeSpots: gene index " + std::to_string(g) + " out of range");
    }
  }
  std::vector<double> library;
  double area = 0;
  if (normalization.mode == NormalizationMode::Library)
  {
    if (librarySizes)
    {
      if (librarySizes->size() != numberOfSpots)
      {
        throw std::invalid_argument("NormalizeSpots: " + std::to_string(librarySizes->size()) + " library sizes for " +
                                    std::to_string(numberOfSpots) + " spots");
      }
      library = *librarySizes;
    }
    else
    {
      library = spots.counts.SpotTotals();
    }
  }
  else
  {
    area = SpotAreaUm2(spots);
    library.assign(numberOfSpots, 0.0);
  }
  // Map each selected gene to its output slot(s) so each spot column is read once.
  std::vector<std::vector<std::size_t>> slots(spots.counts.GetNumberOfGenes());
  for (std::size_t i = 0; i < numberOfGenes; ++i)
  {
    slots[genes[i]].push_back(i);
  }
  std::vector<float> values(numberOfSpots * numberOfGenes, 0.0f);
  for (std::size_t s = 0; s < numberOfSpots; ++s)
  {
    float * row = values.data() + s * numberOfGenes;
    spots.counts.ForEachInSpot(s,
                               [&](std::int32_t gene, float count)
                               {
                                 for (const auto i : slots[static_cast<std::size_t>(gene)])
                                 {
                                   row[i] = static_cast<float>(normalization.Normalize(count, library[s], area));
                                 }
                               });
  }
  return values;
}

ExpressionImageType::Pointer NormalizeBinCounts(const ExpressionImageType * counts,
                                                const ExpressionNormalization & normalization,
                                                const std::vector<std::size_t> & components)
{
  if (!counts)
  {
    throw std::invalid_argument("NormalizeBinCounts: no counts image");
  }
  const unsigned int inputComponents = counts->GetNumberOfComponentsPerPixel();
  std::vector<std::size_t> selected = components;
  if (selected.empty())
  {
    selected.resize(inputComponents);
    std::iota(selected.begin(), selected.end(), std::size_t{ 0 });
  }
  for (const auto c : selected)
  {
    if (c >= inputComponents)
    {
      throw std::out_of_range("NormalizeBinCounts: component " + std::to_string(c) + " out of range");
    }
  }
  const auto & spacing = counts->GetSpacing();
  const auto & direction = counts->GetDirection();
  const double area =
    std::abs((direction(0, 0) * direction(1, 1) - direction(0, 1) * direction(1, 0)) * spacing[0] * spacing[1]);

  auto output = ExpressionImageType::New();
  output->CopyInformation(counts);
  output->SetRegions(counts->GetBufferedRegion());
  output->SetNumberOfComponentsPerPixel(static_cast<unsigned int>(selected.size()));
  output->Allocate();

  itk::ImageRegionConstIterator<ExpressionImageType> in(counts, counts->GetBufferedRegion());
  itk::ImageRegionIterator<ExpressionImageType> out(output, counts->GetBufferedRegion());
  ExpressionImageType::PixelType value(static_cast<unsigned int>(selected.size()));
  for (; !in.IsAtEnd(); ++in, ++out)
  {
    const auto pixel = in.Get();
    double library = 0;
    if (normalization.mode == NormalizationMode::Library)
    {
      for (unsigned int c = 0; c < inputComponents; ++c)
      {
        library += pixel[c];
      }
    }
    for (std::size_t i = 0; i < selected.size(); ++i)
    {
      value[static_cast<unsigned int>(i)] =
        static_cast<float>(normalization.Normalize(pixel[static_cast<unsigned int>(selected[i])], library, area));
    }
    out.Set(value);
  }
  return output;
}

std::vector<std::size_t> SelectHighlyVariableGenes(const SpotDataset & spots,
                                                   std::size_t n,
                                                   double minDetectionFraction)
{
  std::vector<long> slotOfGene(spots.counts.GetNumberOfGenes());
  std::iota(slotOfGene.begin(), slotOfGene.end(), 0L);
  std::vector<GeneMoments> moments(spots.counts.GetNumberOfGenes());
  AccumulateMoments(spots, slotOfGene, moments);
  return RankByVariance(moments, spots.counts.GetNumberOfSpots(), n, minDetectionFraction);
}

std::vector<std::string> SelectHighlyVariableGenes(const std::vector<const SpotDataset *> & sections,
                                                   std::size_t n,
                                                   double minDetectionFraction)
{
  if (sections.empty())
  {
    return {};
  }
  // Genes present in every section, in the first section's order.
  std::unordered_map<std::string, std::size_t> presentIn;
  for (const auto * section : sections)
  {
    for (const auto & gene : section->genes)
    {
      ++presentIn[gene];
    }
  }
  std::vector<std::string> common;
  std::unordered_map<std::string, long> slotOfName;
  for (const auto & gene : sections.front()->genes)
  {
    if (presentIn[gene] == sections.size() && slotOfName.emplace(gene, static_cast<long>(common.size())).second)
    {
      common.push_back(gene);
    }
  }
  std::vector<GeneMoments> moments(common.size());
  std::size_t numberOfSpots = 0;
  for (const auto * section : sections)
  {
    std::vector<long> slotOfGene(section->counts.GetNumberOfGenes(), -1);
    for (std::size_t g = 0; g < section->genes.size() && g < slotOfGene.size(); ++g)
    {
      const auto it = slotOfName.find(section->genes[g]);
      slotOfGene[g] = it == slotOfName.end() ? -1 : it->second;
    }
    AccumulateMoments(*section, slotOfGene, moments);
    numberOfSpots += section->counts.GetNumberOfSpots();
  }
  std::vector<std::string> result;
  for (const auto slot : RankByVariance(moments, numberOfSpots, n, minDetectionFraction))
  {
    result.push_back(common[slot]);
  }
  return result;
}

std::vector<std::size_t> SelectTopGenesByCounts(const SpotDataset & spots, std::size_t n)
{
  return TopByTotals(spots.counts.GeneTotals(), n);
}

std::vector<std::size_t> SelectTopGenesByCounts(const MoleculeTable & molecules, std::size_t n)
{
  const auto counts = molecules.CountsPerGene();
  return TopByTotals(std::vector<double>(counts.begin(), counts.end()), n);
}

} // namespace ss
