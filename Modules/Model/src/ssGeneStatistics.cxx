#include "ssGeneStatistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ss
{

GeneStatistics::GeneStatistics(std::int64_t genes)
  : m_Genes(genes)
  , m_SumResidual(static_cast<std::size_t>(genes), 0.0)
  , m_SumResidualSq(static_cast<std::size_t>(genes), 0.0)
  , m_Sum(static_cast<std::size_t>(genes), 0.0)
  , m_Cross(static_cast<std::size_t>(genes * genes), 0.0)
{
  if (genes <= 0)
  {
    throw std::invalid_argument("GeneStatistics: the number of genes must be positive");
  }
}

void GeneStatistics::Add(const float * hr, const float * base, const float * mask, std::int64_t pixels)
{
  const std::size_t g = static_cast<std::size_t>(m_Genes);
  std::vector<double> x(g);
  for (std::int64_t p = 0; p < pixels; ++p)
  {
    if (mask[p] == 0.0f)
    {
      continue;
    }
    for (std::size_t i = 0; i < g; ++i)
    {
      x[i] = hr[i * pixels + p];
      const double r = x[i] - base[i * pixels + p];
      m_SumResidual[i] += r;
      m_SumResidualSq[i] += r * r;
      m_Sum[i] += x[i];
    }
    // Upper triangle only; Correlation() mirrors it.
    for (std::size_t i = 0; i < g; ++i)
    {
      if (x[i] == 0.0)
      {
        continue; // sparse HR maps: most products are zero
      }
      double * row = &m_Cross[i * g];
      for (std::size_t j = i; j < g; ++j)
      {
        row[j] += x[i] * x[j];
      }
    }
    ++m_Count;
  }
}

std::vector<float> GeneStatistics::ResidualScales(float floor) const
{
  std::vector<float> s(static_cast<std::size_t>(m_Genes), floor);
  if (m_Count < 2)
  {
    return s;
  }
  const double n = static_cast<double>(m_Count);
  for (std::size_t i = 0; i < s.size(); ++i)
  {
    const double mean = m_SumResidual[i] / n;
    const double var = std::max(0.0, m_SumResidualSq[i] / n - mean * mean);
    s[i] = std::max(floor, static_cast<float>(std::sqrt(var)));
  }
  return s;
}

std::vector<double> GeneStatistics::Correlation() const
{
  const std::size_t g = static_cast<std::size_t>(m_Genes);
  std::vector<double> r(g * g, 0.0);
  if (m_Count < 2)
  {
    return r;
  }
  const double n = static_cast<double>(m_Count);
  std::vector<double> sd(g);
  for (std::size_t i = 0; i < g; ++i)
  {
    const double mean = m_Sum[i] / n;
    sd[i] = std::sqrt(std::max(0.0, m_Cross[i * g + i] / n - mean * mean));
  }
  for (std::size_t i = 0; i < g; ++i)
  {
    for (std::size_t j = i; j < g; ++j)
    {
      double c = 0.0;
      if (i == j)
      {
        c = sd[i] > 0 ? 1.0 : 0.0;
      }
      else if (sd[i] > 1e-12 && sd[j] > 1e-12)
      {
        const double cov = m_Cross[i * g + j] / n - (m_Sum[i] / n) * (m_Sum[j] / n);
        c = std::clamp(cov / (sd[i] * sd[j]), -1.0, 1.0);
      }
      r[i * g + j] = r[j * g + i] = c;
    }
  }
  return r;
}

std::vector<float> CoexpressionAdjacency(const std::vector<double> & correlation,
                                         std::int64_t genes,
                                         std::int64_t topK,
                                         double minCorrelation)
{
  const std::size_t g = static_cast<std::size_t>(genes);
  if (correlation.size() != g * g || topK < 1)
  {
    throw std::invalid_argument("CoexpressionAdjacency: correlation must be G×G and topK >= 1");
  }
  // Only positive co-expression links genes: a negative correlation is not synergy.
  const double threshold = std::max(minCorrelation, 1e-12);
  std::vector<double> a(g * g, 0.0);
  std::vector<std::size_t> order(g);
  for (std::size_t i = 0; i < g; ++i)
  {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(),
                     order.end(),
                     [&](std::size_t x, std::size_t y) { return correlation[i * g + x] > correlation[i * g + y]; });
    std::int64_t kept = 0;
    for (std::size_t j : order)
    {
      if (kept >= topK)
      {
        break;
      }
      const double r = correlation[i * g + j];
      if (j == i)
      {
        continue;
      }
      if (!(r >= threshold))
      {
        break;
      }
      a[i * g + j] = a[j * g + i] = r;
      ++kept;
    }
  }
  for (std::size_t i = 0; i < g; ++i)
  {
    a[i * g + i] = 1.0; // + I
  }
  std::vector<double> d(g, 0.0);
  for (std::size_t i = 0; i < g; ++i)
  {
    for (std::size_t j = 0; j < g; ++j)
    {
      d[i] += a[i * g + j];
    }
  }
  std::vector<float> out(g * g);
  for (std::size_t i = 0; i < g; ++i)
  {
    for (std::size_t j = 0; j < g; ++j)
    {
      out[i * g + j] = static_cast<float>(a[i * g + j] / std::sqrt(d[i] * d[j]));
    }
  }
  return out;
}

std::vector<float> ComputeCoexpressionGraph(const float * hr,
                                            const float * mask,
                                            std::int64_t genes,
                                            std::int64_t pixels,
                                            std::int64_t topK,
                                            double minCorrelation)
{
  GeneStatistics stats(genes);
  // The residual part is not needed here: pass hr as its own base.
  stats.Add(hr, hr, mask, pixels);
  return CoexpressionAdjacency(stats.Correlation(), genes, topK, minCorrelation);
}

} // namespace ss
