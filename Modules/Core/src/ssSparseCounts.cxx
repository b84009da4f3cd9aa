#include "ssSparseCounts.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ss
{

SparseCounts::SparseCounts(std::size_t numberOfGenes,
                           std::size_t numberOfSpots,
                           std::vector<std::int64_t> columnPointers,
                           std::vector<std::int32_t> rowIndices,
                           std::vector<float> values)
  : m_NumberOfGenes(numberOfGenes)
  , m_ColumnPointers(std::move(columnPointers))
  , m_RowIndices(std::move(rowIndices))
  , m_Values(std::move(values))
{
  if (m_ColumnPointers.size() != numberOfSpots + 1)
  {
    throw std::invalid_argument("column pointers: expected one more than the number of spots");
  }
  if (m_ColumnPointers.front() != 0 || static_cast<std::size_t>(m_ColumnPointers.back()) != m_Values.size() ||
      m_RowIndices.size() != m_Values.size())
  {
    throw std::invalid_argument("column pointers do not match the number of stored values");
  }
  for (std::size_t s = 0; s < numberOfSpots; ++s)
  {
    const auto b = m_ColumnPointers[s], e = m_ColumnPointers[s + 1];
    if (e < b)
    {
      throw std::invalid_argument("column pointers decrease");
    }
    // The last pointer is checked against the values above; an earlier one beyond them
    // ({0, 10, 3} for 3 values) would have read past the end of the row indices.
    if (static_cast<std::size_t>(e) > m_Values.size())
    {
      throw std::invalid_argument("column pointers beyond the stored values");
    }
    bool sorted = true;
    for (auto k = b; k < e; ++k)
    {
      if (m_RowIndices[k] < 0 || static_cast<std::size_t>(m_RowIndices[k]) >= numberOfGenes)
      {
        throw std::invalid_argument("row index out of range");
      }
      if (k > b && m_RowIndices[k] <= m_RowIndices[k - 1])
      {
        sorted = false;
      }
    }
    if (!sorted)
    {
      // Some writers emit unsorted rows within a column: sort, and refuse duplicates.
      std::vector<std::pair<std::int32_t, float>> col;
      for (auto k = b; k < e; ++k)
      {
        col.emplace_back(m_RowIndices[k], m_Values[k]);
      }
      std::sort(col.begin(), col.end(), [](const auto & x, const auto & y) { return x.first < y.first; });
      for (std::size_t i = 1; i < col.size(); ++i)
      {
        if (col[i].first == col[i - 1].first)
        {
          throw std::invalid_argument("duplicate row index within a column");
        }
      }
      for (auto k = b; k < e; ++k)
      {
        m_RowIndices[k] = col[k - b].first;
        m_Values[k] = col[k - b].second;
      }
    }
  }
}

SparseCounts SparseCounts::FromDense(std::size_t numberOfGenes, std::size_t numberOfSpots, const std::vector<float> & spotMajor)
{
  if (spotMajor.size() != numberOfGenes * numberOfSpots)
  {
    throw std::invalid_argument("dense matrix size does not match genes x spots");
  }
  SparseCounts c;
  c.Reset(numberOfGenes);
  for (std::size_t s = 0; s < numberOfSpots; ++s)
  {
    for (std::size_t g = 0; g < numberOfGenes; ++g)
    {
      const float v = spotMajor[s * numberOfGenes + g];
      if (v != 0.0f)
      {
        c.m_RowIndices.push_back(static_cast<std::int32_t>(g));
        c.m_Values.push_back(v);
      }
    }
    c.m_ColumnPointers.push_back(static_cast<std::int64_t>(c.m_Values.size()));
  }
  return c;
}

void SparseCounts::Reset(std::size_t numberOfGenes)
{
  m_NumberOfGenes = numberOfGenes;
  m_ColumnPointers.assign(1, 0);
  m_RowIndices.clear();
  m_Values.clear();
}

void SparseCounts::AppendSpot(std::vector<std::pair<std::int32_t, float>> entries)
{
  std::sort(entries.begin(), entries.end(), [](const auto & a, const auto & b) { return a.first < b.first; });
  std::size_t i = 0;
  while (i < entries.size())
  {
    const auto g = entries[i].first;
    if (g < 0 || static_cast<std::size_t>(g) >= m_NumberOfGenes)
    {
      throw std::invalid_argument("AppendSpot: gene index out of range");
    }
    float v = 0;
    while (i < entries.size() && entries[i].first == g)
    {
      v += entries[i].second;
      ++i;
    }
    if (v != 0.0f)
    {
      m_RowIndices.push_back(g);
      m_Values.push_back(v);
    }
  }
  m_ColumnPointers.push_back(static_cast<std::int64_t>(m_Values.size()));
}

float SparseCounts::Get(std::size_t gene, std::size_t spot) const
{
  const auto b = m_RowIndices.begin() + m_ColumnPointers.at(spot);
  const auto e = m_RowIndices.begin() + m_ColumnPointers.at(spot + 1);
  const auto it = std::lower_bound(b, e, static_cast<std::int32_t>(gene));
  if (it != e && *it == static_cast<std::int32_t>(gene))
  {
    return m_Values[static_cast<std::size_t>(it - m_RowIndices.begin())];
  }
  return 0.0f;
}

void SparseCounts::ForEachInSpot(std::size_t spot, const std::function<void(std::int32_t, float)> & f) const
{
  for (auto k = m_ColumnPointers.at(spot); k < m_ColumnPointers.at(spot + 1); ++k)
  {
    f(m_RowIndices[k], m_Values[k]);
  }
}

std::vector<double> SparseCounts::SpotTotals() const
{
  std::vector<double> t(GetNumberOfSpots(), 0.0);
  for (std::size_t s = 0; s < t.size(); ++s)
  {
    for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
    {
      t[s] += m_Values[k];
    }
  }
  return t;
}

std::vector<double> SparseCounts::GeneTotals() const
{
  std::vector<double> t(m_NumberOfGenes, 0.0);
  for (std::size_t k = 0; k < m_Values.size(); ++k)
  {
    t[m_RowIndices[k]] += m_Values[k];
  }
  return t;
}

std::vector<std::size_t> SparseCounts::GeneDetections() const
{
  std::vector<std::size_t> t(m_NumberOfGenes, 0);
  for (std::size_t k = 0; k < m_Values.size(); ++k)
  {
    if (m_Values[k] != 0.0f)
    {
      ++t[m_RowIndices[k]];
    }
  }
  return t;
}

SparseCounts SparseCounts::SelectSpots(const std::vector<std::size_t> & spots) const
{
  SparseCounts c;
  c.Reset(m_NumberOfGenes);
  for (const auto s : spots)
  {
    if (s >= GetNumberOfSpots())
    {
      throw std::out_of_range("SelectSpots: spot index out of range");
    }
    for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
    {
      c.m_RowIndices.push_back(m_RowIndices[k]);
      c.m_Values.push_back(m_Values[k]);
    }
    c.m_ColumnPointers.push_back(static_cast<std::int64_t>(c.m_Values.size()));
  }
  return c;
}

SparseCounts SparseCounts::SelectGenes(const std::vector<std::size_t> & genes) const
{
  std::vector<std::int32_t> newIndex(m_NumberOfGenes, -1);
  for (std::size_t i = 0; i < genes.size(); ++i)
  {
    if (genes[i] >= m_NumberOfGenes)
    {
      throw std::out_of_range("SelectGenes: gene index out of range");
    }
    if (newIndex[genes[i]] >= 0)
    {
      throw std::invalid_argument("SelectGenes: a gene is selected twice");
    }
    newIndex[genes[i]] = static_cast<std::int32_t>(i);
  }
  SparseCounts c;
  c.Reset(genes.size());
  std::vector<std::pair<std::int32_t, float>> col;
  for (std::size_t s = 0; s < GetNumberOfSpots(); ++s)
  {
    col.clear();
    for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
    {
      const auto ni = newIndex[m_RowIndices[k]];
      if (ni >= 0)
      {
        col.emplace_back(ni, m_Values[k]);
      }
    }
    c.AppendSpot(col);
  }
  return c;
}

std::vector<float> SparseCounts::DenseSpotMajor(const std::vector<std::size_t> & genes) const
{
  const std::size_t nSpots = GetNumberOfSpots();
  if (genes.empty())
  {
    std::vector<float> d(nSpots * m_NumberOfGenes, 0.0f);
    for (std::size_t s = 0; s < nSpots; ++s)
    {
      for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
      {
        d[s * m_NumberOfGenes + m_RowIndices[k]] = m_Values[k];
      }
    }
    return d;
  }
  std::vector<std::int32_t> newIndex(m_NumberOfGenes, -1);
  for (std::size_t i = 0; i < genes.size(); ++i)
  {
    newIndex.at(genes[i]) = static_cast<std::int32_t>(i);
  }
  std::vector<float> d(nSpots * genes.size(), 0.0f);
  for (std::size_t s = 0; s < nSpots; ++s)
  {
    for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
    {
      const auto ni = newIndex[m_RowIndices[k]];
      if (ni >= 0)
      {
        d[s * genes.size() + ni] = m_Values[k];
      }
    }
  }
  return d;
}

std::string SparseCounts::FindInvalidValue(bool requireIntegers,
                                           const std::vector<std::string> * geneNames,
                                           const std::vector<std::string> * spotIds) const
{
  for (std::size_t s = 0; s < GetNumberOfSpots(); ++s)
  {
    for (auto k = m_ColumnPointers[s]; k < m_ColumnPointers[s + 1]; ++k)
    {
      const float v = m_Values[k];
      const char * what = nullptr;
      if (!std::isfinite(v))
      {
        what = "not a finite number";
      }
      else if (v < 0)
      {
        what = "negative";
      }
      else if (requireIntegers && v != std::floor(v))
      {
        what = "not an integer count";
      }
      if (what)
      {
        std::ostringstream os;
        os << "gene ";
        if (geneNames && static_cast<std::size_t>(m_RowIndices[k]) < geneNames->size())
        {
          os << (*geneNames)[m_RowIndices[k]];
        }
        else
        {
          os << m_RowIndices[k];
        }
        os << ", spot ";
        if (spotIds && s < spotIds->size())
        {
          os << (*spotIds)[s];
        }
        else
        {
          os << s;
        }
        os << ": value " << v << " is " << what;
        return os.str();
      }
    }
  }
  return {};
}

} // namespace ss
