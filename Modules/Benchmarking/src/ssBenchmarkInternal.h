#ifndef ssBenchmarkInternal_h
#define ssBenchmarkInternal_h

// What the three protocols share inside Modules/Benchmark: conversions between the ITK maps
// and the metrics' flat arrays, the example figures, the charts and the report files.

#include "ssBenchmarkMethods.h"
#include "ssGridGeometry.h"
#include "ssMapScores.h"
#include "ssResultsTable.h"
#include "ssTypes.h"

#include <string>
#include <utility>
#include <vector>

namespace ss
{
namespace benchmark
{

/** Every component of `image` (its buffered region, which must be its largest one) as
 * GeneMaps: pixel (i, j) of the region at [j * width + i]. */
GeneMaps ToGeneMaps(const ExpressionImageType * image);
/** Components [k·G, (k+1)·G) of a samples image (K·G components) as K GeneMaps. */
std::vector<GeneMaps> SampleMaps(const ExpressionImageType * samples, std::size_t genes);
/** 1 where both masks are non-zero (either may be null: then only the other counts). */
ValidityMask AndMasks(const MaskImageType * a, const MaskImageType * b);
/** Gene `g` of `maps` as a float image on `grid`. */
FloatImageType::Pointer GeneImage(const GeneMaps & maps, std::size_t g, const GridGeometry & grid);
MaskImageType::Pointer MaskImage(const ValidityMask & mask, const GridGeometry & grid);

/** One map of an example figure. */
struct NamedMap
{
  std::string title;
  FloatImageType::ConstPointer map;
  MaskImageType::ConstPointer mask;
  bool uncertainty = false; ///< on the uncertainty scale (magma, from 0) instead of the expression scale
};

/** Writes `path`: the maps side by side on one expression scale (viridis; uncertainty maps on
 * their own magma scale from 0), then the H&E panel (`histology`, may be null), every panel on
 * the extent of `grid`; panelSize px per panel. */
void WriteMapFigure(const std::string & path,
                    const std::vector<NamedMap> & maps,
                    const RGBImageType * histology,
                    const GridGeometry & grid,
                    unsigned int panelSize);

/** The genes of the example figures: `asked` (each must be in `genes`: InputError naming
 * --exampleGenes otherwise), or the first gene. */
std::vector<std::size_t> ExampleGeneIndices(const std::vector<std::string> & genes,
                                            const std::vector<std::string> & asked);

/** Names of the methods of `methods` (all of them, and the learned ones). */
std::vector<std::string> MethodNames(const std::vector<BenchmarkMethod> & methods, bool learnedOnly = false);

/** A comparison against a target, for the markdown's "Targets" section. */
struct TargetCheck
{
  std::string what;
  std::string measured;
  bool met = false;
};
std::string TargetsMarkdown(const std::vector<TargetCheck> & checks);

/** OUTPUT/results.json and OUTPUT/results.md (the tables, then `extraMarkdown`), and one bar chart
 * per metric in `chartMetrics` as OUTPUT/charts/{metric}.png. */
void WriteReport(const ResultsTable & results,
                 const std::string & output,
                 const std::string & title,
                 const std::vector<BenchmarkMethod> & methods,
                 const std::vector<std::string> & chartMetrics,
                 const std::string & extraMarkdown);

/** results.Metadata()["training"][name] = training.ToJSON() (per model trained). */
void RecordTraining(ResultsTable & results, const std::string & name, const BenchmarkTraining & training);

} // namespace benchmark
} // namespace ss

#endif
