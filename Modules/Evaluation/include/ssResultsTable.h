#ifndef ssResultsTable_h
#define ssResultsTable_h

#include "SuperSpotEvaluationExport.h"
#include "ssMetrics.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace ss
{

/** \class ResultsTable
 * \brief Benchmark results of any protocol: one value per (group, method, metric, gene).
 *
 * A group is what the protocol reports separately and then averages: a fold's test
 * section (protocol 1), a test slide and scale (protocol 2), an area size (speed).
 * A metric measured once per group rather than per gene (a time, a peak memory) is
 * stored under the gene "" and its group mean is that one value.
 *
 * Aggregation follows BENCHMARK.md: per gene and group, then the mean over genes
 * (GroupMean), then the mean over groups of those means (OverallMean). NaN values
 * (undefined metrics, see ssMetrics.h) are kept in the table, left out of every mean
 * and counted: MeanSummary::excluded, the JSON's "excluded" fields and the markdown's
 * "(used/total)" annotations. Groups, methods, metrics and genes keep the order in
 * which they were first added.
 *
 * results.json (ToJSON / FromJSON):
 *   { "format": "superspot-results", "version": 1, "metadata": {...},
 *     "metrics": { "<metric>": { "description": "..." } },
 *     "records": [ { "group", "method", "metric", "genes": [...], "values": [... | null],
 *                    "mean", "used", "excluded" } ],
 *     "summary": [ { "method", "metric", "mean", "spread", "groups_used", "groups_excluded" } ] }
 * with null for NaN; "summary" is derived (recomputed on reading).
 */
class SuperSpotEvaluation_EXPORT ResultsTable
{
public:
  /** Records one value; NaN is allowed (an undefined metric), an infinite value or a key
   * given twice throws std::invalid_argument. */
  void Add(const std::string & group,
           const std::string & method,
           const std::string & metric,
           const std::string & gene,
           double value);
  /** Add() for every gene: values[i] belongs to genes[i]. */
  void AddGenes(const std::string & group,
                const std::string & method,
                const std::string & metric,
                const std::vector<std::string> & genes,
                const std::vector<double> & values);

  bool Has(const std::string & group,
           const std::string & method,
           const std::string & metric,
           const std::string & gene) const;
  /** The value recorded; std::out_of_range when there is none. */
  double Get(const std::string & group,
             const std::string & method,
             const std::string & metric,
             const std::string & gene) const;

  const std::vector<std::string> & GetGroups() const { return m_Groups; }
  const std::vector<std::string> & GetMethods() const { return m_Methods; }
  const std::vector<std::string> & GetMetrics() const { return m_Metrics; }
  /** Genes recorded for one (group, method, metric), in order; empty when none. */
  std::vector<std::string> GetGenes(const std::string & group,
                                    const std::string & method,
                                    const std::string & metric) const;
  std::size_t GetNumberOfValues() const;

  /** Mean over the genes of one group (NaN genes excluded and counted; spread = sample
   * standard deviation over genes). All-NaN summary when nothing is recorded. */
  MeanSummary GroupMean(const std::string & group, const std::string & method, const std::string & metric) const;
  /** Mean over the groups holding (method, metric) of their GroupMean; spread = sample
   * standard deviation over those groups; a group whose mean is NaN (every gene
   * undefined) is excluded and counted. */
  MeanSummary OverallMean(const std::string & method, const std::string & metric) const;

  /** A line describing a metric, printed above its markdown table and kept in the JSON. */
  void SetMetricDescription(const std::string & metric, const std::string & description);
  std::string GetMetricDescription(const std::string & metric) const;
  /** Free-form facts that every figure needs: machine, device, threads, versions, protocol. */
  nlohmann::json & Metadata() { return m_Metadata; }
  const nlohmann::json & Metadata() const { return m_Metadata; }

  nlohmann::json ToJSON() const;
  /** Reads ToJSON()'s output; InputError naming `whereFrom` and the field on a malformed document. */
  static ResultsTable FromJSON(const nlohmann::json & document, const std::string & whereFrom);

  /** Markdown: the title, the metadata as a list, then per metric a table with a row per
   * method, a column per group (the group's mean over genes; "(used/total)" when genes were
   * excluded) and a last column "mean ± sd" over groups. Numbers with `decimals` decimals
   * (scientific notation below 1e-3 or from 1e6). */
  std::string ToMarkdown(const std::string & title, int decimals = 3) const;

  /** results.json and results.md, each written atomically. */
  void WriteJSON(const std::string & path) const;
  void WriteMarkdown(const std::string & path, const std::string & title, int decimals = 3) const;

private:
  struct Series
  {
    std::vector<std::string> genes;
    std::vector<double> values;
    std::map<std::string, std::size_t> index;
  };
  using Key = std::tuple<std::size_t, std::size_t, std::size_t>; // group, method, metric positions

  static std::size_t Intern(std::vector<std::string> & names, const std::string & name);
  const Series * Find(const std::string & group, const std::string & method, const std::string & metric) const;

  std::vector<std::string> m_Groups;
  std::vector<std::string> m_Methods;
  std::vector<std::string> m_Metrics;
  std::map<Key, Series> m_Series; // ordered by first-added group, then method, then metric
  std::map<std::string, std::string> m_MetricDescriptions;
  nlohmann::json m_Metadata = nlohmann::json::object();
};

/** A number as the markdown tables print it ("NaN" for NaN). */
SuperSpotEvaluation_EXPORT std::string FormatNumber(double value, int decimals = 3);

} // namespace ss

#endif
