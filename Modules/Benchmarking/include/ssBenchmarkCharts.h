#ifndef ssBenchmarkCharts_h
#define ssBenchmarkCharts_h

#include "SuperSpotBenchmarkingExport.h"
#include "ssResultsTable.h"
#include "ssTypes.h"

#include <string>
#include <vector>

namespace ss
{

/** Sizes of a bar chart, px. */
struct SuperSpotBenchmarking_EXPORT BarChartOptions
{
  unsigned int plotWidth = 420; ///< the value axis
  unsigned int rowHeight = 22;  ///< one method
  unsigned int margin = 12;
  unsigned int textScale = 1; ///< of the labels (glyphs 5 × 7 px at scale 1)
  unsigned int titleScale = 2;
};

/** A horizontal bar chart of one metric of `results`: a row per method (in `methods` order;
 * methods without the metric are left out), the bar = ResultsTable::OverallMean (mean over
 * genes, then groups), a whisker of ± its spread (the sample sd over the groups), and one dot
 * per group at that group's mean over genes, coloured by group with a legend, so the folds'
 * spread is seen as well as summarised. The value axis starts at 0 (or at the smallest value
 * when it is negative) and has tick labels; each row ends with "mean ± sd". Learned methods
 * whose name starts with "superspot" get the project colour, the other learned ones a lighter
 * one, interpolations grey. Returns the page (spacing 1). InputError when no method has the
 * metric. */
SuperSpotBenchmarking_EXPORT RGBImageType::Pointer RenderMetricBarChart(const ResultsTable & results,
                                                                        const std::string & metric,
                                                                        const std::vector<std::string> & methods,
                                                                        const std::vector<std::string> & learned,
                                                                        const std::string & title,
                                                                        const BarChartOptions & options = {});

/** RenderMetricBarChart written as PNG (atomically). */
SuperSpotBenchmarking_EXPORT void WriteMetricBarChart(const std::string & path,
                                                      const ResultsTable & results,
                                                      const std::string & metric,
                                                      const std::vector<std::string> & methods,
                                                      const std::vector<std::string> & learned,
                                                      const std::string & title,
                                                      const BarChartOptions & options = {});

} // namespace ss

#endif
