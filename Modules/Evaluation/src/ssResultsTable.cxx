#include "ssResultsTable.h"

#include "ssError.h"
#include "ssFiles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace ss
{
namespace
{

double FromJSONNumber(const nlohmann::json & v, const std::string & whereFrom, const std::string & field)
{
  if (v.is_null())
  {
    return NotANumber;
  }
  if (!v.is_number())
  {
    SS_INPUT_ERROR(whereFrom,
                   field,
                   "expected a number or null, found " + v.dump(),
                   "write values as numbers, undefined ones as null");
  }
  return v.get<double>();
}

nlohmann::json ToJSONNumber(double v)
{
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

const nlohmann::json & RequireField(const nlohmann::json & object,
                                    const std::string & name,
                                    const std::string & whereFrom,
                                    const std::string & context)
{
  if (!object.is_object() || !object.contains(name))
  {
    SS_INPUT_ERROR(whereFrom, context + name, "is missing", "write results.json with ss::ResultsTable::WriteJSON");
  }
  return object.at(name);
}

std::string RequireString(const nlohmann::json & object,
                          const std::string & name,
                          const std::string & whereFrom,
                          const std::string & context)
{
  const auto & v = RequireField(object, name, whereFrom, context);
  if (!v.is_string())
  {
    SS_INPUT_ERROR(whereFrom, context + name, "is not a string: " + v.dump(), "give it as a JSON string");
  }
  return v.get<std::string>();
}

/** Markdown table cells cannot hold '|' or line breaks. */
std::string Cell(const std::string & text)
{
  std::string out;
  for (char c : text)
  {
    if (c == '|')
    {
      out += "\\|";
    }
    else if (c == '\n' || c == '\r')
    {
      out += ' ';
    }
    else
    {
      out += c;
    }
  }
  return out;
}

} // namespace

std::string FormatNumber(double value, int decimals)
{
  if (std::isnan(value))
  {
    return "NaN";
  }
  const double a = std::fabs(value);
  char buffer[64];
  if (a != 0 && (a < 1e-3 || a >= 1e6))
  {
    std::snprintf(buffer, sizeof(buffer), "%.*e", decimals, value);
  }
  else
  {
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  }
  return buffer;
}

std::size_t ResultsTable::Intern(std::vector<std::string> & names, const std::string & name)
{
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end())
  {
    return static_cast<std::size_t>(it - names.begin());
  }
  names.push_back(name);
  return names.size() - 1;
}

void ResultsTable::Add(const std::string & group,
                       const std::string & method,
                       const std::string & metric,
                       const std::string & gene,
                       double value)
{
  if (std::isinf(value))
  {
    throw std::invalid_argument("ResultsTable: " + metric + " of " + method + " on " + group + ", gene '" + gene +
                                "' is infinite; an undefined metric is NaN");
  }
  if (group.empty() || method.empty() || metric.empty())
  {
    throw std::invalid_argument("ResultsTable: group, method and metric must be named");
  }
  if (Has(group, method, metric, gene))
  {
    throw std::invalid_argument("ResultsTable: " + metric + " of " + method + " on " + group + ", gene '" + gene +
                                "' is recorded twice");
  }
  const Key key{ Intern(m_Groups, group), Intern(m_Methods, method), Intern(m_Metrics, metric) };
  auto & series = m_Series[key];
  series.index[gene] = series.genes.size();
  series.genes.push_back(gene);
  series.values.push_back(value);
}

void ResultsTable::AddGenes(const std::string & group,
                            const std::string & method,
                            const std::string & metric,
                            const std::vector<std::string> & genes,
                            const std::vector<double> & values)
{
  if (genes.size() != values.size())
  {
    throw std::invalid_argument("ResultsTable::AddGenes: " + std::to_string(genes.size()) + " genes but " +
                                std::to_string(values.size()) + " values");
  }
  for (std::size_t i = 0; i < genes.size(); ++i)
  {
    Add(group, method, metric, genes[i], values[i]);
  }
}

const ResultsTable::Series * ResultsTable::Find(const std::string & group,
                                                const std::string & method,
                                                const std::string & metric) const
{
  const auto g = std::find(m_Groups.begin(), m_Groups.end(), group);
  const auto m = std::find(m_Methods.begin(), m_Methods.end(), method);
  const auto k = std::find(m_Metrics.begin(), m_Metrics.end(), metric);
  if (g == m_Groups.end() || m == m_Methods.end() || k == m_Metrics.end())
  {
    return nullptr;
  }
  const Key key{ static_cast<std::size_t>(g - m_Groups.begin()),
                 static_cast<std::size_t>(m - m_Methods.begin()),
                 static_cast<std::size_t>(k - m_Metrics.begin()) };
  const auto it = m_Series.find(key);
  return it == m_Series.end() ? nullptr : &it->second;
}

bool ResultsTable::Has(const std::string & group,
                       const std::string & method,
                       const std::string & metric,
                       const std::string & gene) const
{
  const Series * s = Find(group, method, metric);
  return s != nullptr && s->index.count(gene) != 0;
}

double ResultsTable::Get(const std::string & group,
                         const std::string & method,
                         const std::string & metric,
                         const std::string & gene) const
{
  const Series * s = Find(group, method, metric);
  if (s == nullptr || s->index.count(gene) == 0)
  {
    throw std::out_of_range("ResultsTable: no " + metric + " of " + method + " on " + group + " for gene '" + gene +
                            "'");
  }
  return s->values[s->index.at(gene)];
}

std::vector<std::string> ResultsTable::GetGenes(const std::string & group,
                                                const std::string & method,
                                                const std::string & metric) const
{
  const Series * s = Find(group, method, metric);
  return s == nullptr ? std::vector<std::string>{} : s->genes;
}

std::size_t ResultsTable::GetNumberOfValues() const
{
  std::size_t n = 0;
  for (const auto & entry : m_Series)
  {
    n += entry.second.values.size();
  }
  return n;
}

MeanSummary ResultsTable::GroupMean(const std::string & group,
                                    const std::string & method,
                                    const std::string & metric) const
{
  const Series * s = Find(group, method, metric);
  return s == nullptr ? MeanSummary{} : MeanIgnoringNaN(s->values);
}

MeanSummary ResultsTable::OverallMean(const std::string & method, const std::string & metric) const
{
  std::vector<double> means;
  for (const auto & group : m_Groups)
  {
    if (Find(group, method, metric) != nullptr)
    {
      means.push_back(GroupMean(group, method, metric).mean);
    }
  }
  return MeanIgnoringNaN(means);
}

void ResultsTable::SetMetricDescription(const std::string & metric, const std::string & description)
{
  m_MetricDescriptions[metric] = description;
}

std::string ResultsTable::GetMetricDescription(const std::string & metric) const
{
  const auto it = m_MetricDescriptions.find(metric);
  return it == m_MetricDescriptions.end() ? std::string() : it->second;
}

nlohmann::json ResultsTable::ToJSON() const
{
  nlohmann::json doc;
  doc["format"] = "superspot-results";
  doc["version"] = 1;
  doc["metadata"] = m_Metadata;
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto & metric : m_Metrics)
  {
    metrics[metric] = { { "description", GetMetricDescription(metric) } };
  }
  doc["metrics"] = metrics;
  nlohmann::json records = nlohmann::json::array();
  for (const auto & [key, series] : m_Series)
  {
    const auto & group = m_Groups[std::get<0>(key)];
    const auto & method = m_Methods[std::get<1>(key)];
    const auto & metric = m_Metrics[std::get<2>(key)];
    nlohmann::json values = nlohmann::json::array();
    for (double v : series.values)
    {
      values.push_back(ToJSONNumber(v));
    }
    const auto mean = MeanIgnoringNaN(series.values);
    records.push_back({ { "group", group },
                        { "method", method },
                        { "metric", metric },
                        { "genes", series.genes },
                        { "values", values },
                        { "mean", ToJSONNumber(mean.mean) },
                        { "used", mean.used },
                        { "excluded", mean.excluded } });
  }
  doc["records"] = records;
  nlohmann::json summary = nlohmann::json::array();
  for (const auto & method : m_Methods)
  {
    for (const auto & metric : m_Metrics)
    {
      const auto s = OverallMean(method, metric);
      if (s.used + s.excluded == 0)
      {
        continue;
      }
      summary.push_back({ { "method", method },
                          { "metric", metric },
                          { "mean", ToJSONNumber(s.mean) },
                          { "spread", ToJSONNumber(s.spread) },
                          { "groups_used", s.used },
                          { "groups_excluded", s.excluded } });
    }
  }
  doc["summary"] = summary;
  return doc;
}

ResultsTable ResultsTable::FromJSON(const nlohmann::json & document, const std::string & whereFrom)
{
  if (RequireString(document, "format", whereFrom, "") != "superspot-results")
  {
    SS_INPUT_ERROR(whereFrom, "format", "is not \"superspot-results\"", "give a results.json written by SuperSpot");
  }
  ResultsTable table;
  if (document.contains("metadata"))
  {
    table.m_Metadata = document.at("metadata");
  }
  if (document.contains("metrics") && document.at("metrics").is_object())
  {
    for (const auto & [metric, info] : document.at("metrics").items())
    {
      if (info.is_object() && info.contains("description") && info.at("description").is_string())
      {
        table.SetMetricDescription(metric, info.at("description").get<std::string>());
      }
    }
  }
  const auto & records = RequireField(document, "records", whereFrom, "");
  if (!records.is_array())
  {
    SS_INPUT_ERROR(whereFrom, "records", "is not an array", "give a results.json written by SuperSpot");
  }
  for (std::size_t r = 0; r < records.size(); ++r)
  {
    const auto & record = records[r];
    const std::string context = "records[" + std::to_string(r) + "].";
    const auto group = RequireString(record, "group", whereFrom, context);
    const auto method = RequireString(record, "method", whereFrom, context);
    const auto metric = RequireString(record, "metric", whereFrom, context);
    const auto & genes = RequireField(record, "genes", whereFrom, context);
    const auto & values = RequireField(record, "values", whereFrom, context);
    if (!genes.is_array() || !values.is_array() || genes.size() != values.size())
    {
      SS_INPUT_ERROR(whereFrom,
                     context + "values",
                     "is not an array as long as " + context + "genes",
                     "give one value (or null) per gene");
    }
    for (std::size_t i = 0; i < genes.size(); ++i)
    {
      if (!genes[i].is_string())
      {
        SS_INPUT_ERROR(whereFrom, context + "genes", "holds a non-string: " + genes[i].dump(), "name genes as strings");
      }
      const auto gene = genes[i].get<std::string>();
      if (table.Has(group, method, metric, gene))
      {
        SS_INPUT_ERROR(whereFrom,
                       context + "genes",
                       "lists '" + gene + "' twice for " + group + "/" + method + "/" + metric,
                       "keep one value per gene");
      }
      table.Add(group, method, metric, gene, FromJSONNumber(values[i], whereFrom, context + "values"));
    }
  }
  return table;
}

std::string ResultsTable::ToMarkdown(const std::string & title, int decimals) const
{
  std::ostringstream md;
  md << "# " << title << "\n\n";
  if (m_Metadata.is_object() && !m_Metadata.empty())
  {
    for (const auto & [key, value] : m_Metadata.items())
    {
      md << "- " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
    md << "\n";
  }
  md << "Each cell is the mean over genes of the per-gene metric in that group; genes whose metric "
        "is undefined (NaN, e.g. a constant map) are left out and the cell then shows (used/total). "
        "The last column is the mean over groups of those means ± their sample standard deviation.\n";
  for (const auto & metric : m_Metrics)
  {
    std::vector<std::string> groups;
    for (const auto & group : m_Groups)
    {
      for (const auto & method : m_Methods)
      {
        if (Find(group, method, metric) != nullptr)
        {
          groups.push_back(group);
          break;
        }
      }
    }
    md << "\n## " << metric << "\n\n";
    const auto description = GetMetricDescription(metric);
    if (!description.empty())
    {
      md << description << "\n\n";
    }
    md << "| method |";
    for (const auto & group : groups)
    {
      md << " " << Cell(group) << " |";
    }
    md << " mean ± sd |\n|---|";
    for (std::size_t i = 0; i < groups.size(); ++i)
    {
      md << "---:|";
    }
    md << "---:|\n";
    for (const auto & method : m_Methods)
    {
      const auto overall = OverallMean(method, metric);
      if (overall.used + overall.excluded == 0)
      {
        continue;
      }
      md << "| " << Cell(method) << " |";
      for (const auto & group : groups)
      {
        const Series * s = Find(group, method, metric);
        if (s == nullptr)
        {
          md << " — |";
          continue;
        }
        const auto g = MeanIgnoringNaN(s->values);
        md << " " << FormatNumber(g.mean, decimals);
        if (g.excluded > 0)
        {
          md << " (" << g.used << "/" << g.used + g.excluded << ")";
        }
        md << " |";
      }
      md << " " << FormatNumber(overall.mean, decimals);
      if (overall.used >= 2)
      {
        md << " ± " << FormatNumber(overall.spread, decimals);
      }
      if (overall.excluded > 0)
      {
        md << " (" << overall.used << "/" << overall.used + overall.excluded << " groups)";
      }
      md << " |\n";
    }
  }
  return md.str();
}

void ResultsTable::WriteJSON(const std::string & path) const
{
  WriteJSONFileAtomically(path, ToJSON());
}

void ResultsTable::WriteMarkdown(const std::string & path, const std::string & title, int decimals) const
{
  WriteTextFileAtomically(path, ToMarkdown(title, decimals));
}

} // namespace ss
