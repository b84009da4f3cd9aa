#include "ssSpotData.h"

#include "ssError.h"
#include "ssTextTable.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace ss
{

std::string ToString(SpotLattice lattice)
{
  switch (lattice)
  {
    case SpotLattice::Square:
      return "square";
    case SpotLattice::Hexagonal:
      return "hexagonal";
    case SpotLattice::Irregular:
      return "irregular";
  }
  return "irregular";
}

SpotLattice SpotLatticeFromString(const std::string & name)
{
  const std::string n = ToLower(name);
  if (n == "square")
  {
    return SpotLattice::Square;
  }
  if (n == "hexagonal" || n == "hex")
  {
    return SpotLattice::Hexagonal;
  }
  if (n == "irregular")
  {
    return SpotLattice::Irregular;
  }
  throw std::invalid_argument("unknown spot lattice '" + name + "' (square, hexagonal or irregular)");
}

void SpotTable::Reserve(std::size_t n)
{
  id.reserve(n);
  positionUm.reserve(n);
  positionPx.reserve(n);
  arrayCol.reserve(n);
  arrayRow.reserve(n);
  inTissue.reserve(n);
}

SpotTable SpotTable::Select(const std::vector<std::size_t> & keep) const
{
  SpotTable t;
  t.Reserve(keep.size());
  auto take = [&keep](const auto & from, auto & to) {
    if (from.empty())
    {
      return;
    }
    for (const auto i : keep)
    {
      to.push_back(from.at(i));
    }
  };
  take(id, t.id);
  take(positionUm, t.positionUm);
  take(positionPx, t.positionPx);
  take(arrayCol, t.arrayCol);
  take(arrayRow, t.arrayRow);
  take(inTissue, t.inTissue);
  return t;
}

BoundingBox SpotTable::BoundsUm() const
{
  BoundingBox b;
  for (const auto & p : positionUm)
  {
    b.Add(p);
  }
  return b;
}

long SpotDataset::GeneIndex(const std::string & gene) const
{
  const auto it = std::find(genes.begin(), genes.end(), gene);
  return it == genes.end() ? -1 : static_cast<long>(it - genes.begin());
}

std::vector<std::size_t> SpotDataset::GeneIndices(const std::vector<std::string> & names, const std::string & whereFrom) const
{
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < genes.size(); ++i)
  {
    index.emplace(genes[i], i);
  }
  std::vector<std::size_t> result;
  std::vector<std::string> missing;
  for (const auto & n : names)
  {
    const auto it = index.find(n);
    if (it == index.end())
    {
      missing.push_back(n);
    }
    else
    {
      result.push_back(it->second);
    }
  }
  if (!missing.empty())
  {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i)
    {
      list += (i ? ", " : "") + missing[i];
    }
    if (missing.size() > 10)
    {
      list += ", ... (" + std::to_string(missing.size()) + " in all)";
    }
    SS_INPUT_ERROR(whereFrom,
                   "genes",
                   "requested genes are absent from " + source + ": " + list,
                   "remove them from the gene list, or check the spelling (gene names are case-sensitive)");
  }
  return result;
}

SpotDataset SpotDataset::SelectSpots(const std::vector<std::size_t> & keep) const
{
  SpotDataset d = *this;
  d.spots = spots.Select(keep);
  d.counts = counts.SelectSpots(keep);
  return d;
}

SpotDataset SpotDataset::SelectGenes(const std::vector<std::size_t> & keep) const
{
  SpotDataset d = *this;
  d.genes.clear();
  for (const auto g : keep)
  {
    d.genes.push_back(genes.at(g));
  }
  d.counts = counts.SelectGenes(keep);
  return d;
}

void SpotDataset::Validate() const
{
  const std::size_t n = spots.Size();
  if (counts.GetNumberOfSpots() != n)
  {
    SS_INPUT_ERROR(source, "counts", "the counts have " + std::to_string(counts.GetNumberOfSpots()) + " spots but the spot table has " + std::to_string(n), "check that counts and positions come from the same sample");
  }
  if (counts.GetNumberOfGenes() != genes.size())
  {
    SS_INPUT_ERROR(source, "genes", "the counts have " + std::to_string(counts.GetNumberOfGenes()) + " genes but " + std::to_string(genes.size()) + " gene names", "check the feature list of the counts file");
  }
  auto checkLength = [&](std::size_t len, const char * field) {
    if (len != 0 && len != n)
    {
      SS_INPUT_ERROR(source, field, "has " + std::to_string(len) + " entries for " + std::to_string(n) + " spots", "this is a reader bug: please report it");
    }
  };
  checkLength(spots.positionUm.size(), "spot positions (µm)");
  checkLength(spots.positionPx.size(), "spot positions (px)");
  checkLength(spots.arrayCol.size(), "array columns");
  checkLength(spots.arrayRow.size(), "array rows");
  checkLength(spots.inTissue.size(), "in-tissue flags");
  {
    std::unordered_set<std::string> seen;
    for (const auto & id : spots.id)
    {
      if (!seen.insert(id).second)
      {
        SS_INPUT_ERROR(source, "spot id", "spot '" + id + "' appears more than once", "remove the duplicated rows (each barcode or spot id must be unique)");
      }
    }
  }
  {
    std::unordered_set<std::string> seen;
    for (const auto & g : genes)
    {
      if (!seen.insert(g).second)
      {
        SS_INPUT_ERROR(source, "gene", "gene '" + g + "' appears more than once", "make gene names unique (e.g. append the feature id) or drop the duplicate column");
      }
    }
  }
  const std::string bad = counts.FindInvalidValue(true, &genes, &spots.id);
  if (!bad.empty())
  {
    SS_INPUT_ERROR(source, "counts", bad, "counts must be raw, non-negative integers (not normalized or log values)");
  }
}

void MoleculeTable::Reserve(std::size_t n)
{
  x.reserve(n);
  y.reserve(n);
  gene.reserve(n);
}

BoundingBox MoleculeTable::BoundsUm() const
{
  BoundingBox b;
  for (std::size_t i = 0; i < x.size(); ++i)
  {
    b.Add(x[i], y[i]);
  }
  return b;
}

std::vector<std::size_t> MoleculeTable::CountsPerGene() const
{
  std::vector<std::size_t> c(genes.size(), 0);
  for (const auto g : gene)
  {
    ++c.at(static_cast<std::size_t>(g));
  }
  return c;
}

long MoleculeTable::GeneIndex(const std::string & name) const
{
  const auto it = std::find(genes.begin(), genes.end(), name);
  return it == genes.end() ? -1 : static_cast<long>(it - genes.begin());
}

} // namespace ss
