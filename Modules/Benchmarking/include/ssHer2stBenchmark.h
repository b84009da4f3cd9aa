#ifndef ssHer2stBenchmark_h
#define ssHer2stBenchmark_h

#include "SuperSpotBenchmarkingExport.h"
#include "ssBenchmarkMethods.h"
#include "ssResultsTable.h"

#include <string>
#include <vector>

namespace ss
{

class ProgressReporter;

/** \struct Her2stFold
 * \brief One training set and the sections tested with the models trained on it. */
struct SuperSpotBenchmarking_EXPORT Her2stFold
{
  std::vector<std::string> train;
  std::vector<std::string> test;
  /** "C5" for a leave-one-out fold, else "train-<sections>". Names the model folders. */
  std::string Name() const;
};

/** The folds of a run: `train` and `test` both given: one fold; only `test`: one fold trained on
 * every other section of `sections`; neither: leave one out over `sections` (one fold per
 * section); only `train`: an InputError (nothing to test). InputError for a section that is
 * not in `sections`, and for a section both trained and tested on. */
SuperSpotBenchmarking_EXPORT std::vector<Her2stFold> MakeHer2stFolds(const std::vector<std::string> & sections,
                                                                     const std::vector<std::string> & train,
                                                                     const std::vector<std::string> & test);

/** SuperSpotBenchmark her2st's settings. */
struct SuperSpotBenchmarking_EXPORT Her2stBenchmarkOptions
{
  /** A folder laid out like ../shared/data/her2st: one folder per section holding
   * counts.tsv.gz (or counts.tsv), spots.tsv and the H&E (he.jpg, he.tif, he.tiff or he.png). */
  std::string data;
  std::vector<std::string> train; ///< see MakeHer2stFolds
  std::vector<std::string> test;
  /** The gene panel (one gene per line). Empty: DATA/her2st_panel50.txt, else
   * DATA/../../docs/her2st_panel50.txt (the shared layout), else the panel rule of
   * BENCHMARK.md (SelectHighlyVariableGenes, 50 genes, over every section of the run). */
  std::string panel;
  unsigned int panelSize = 50;      ///< genes of a panel made by the rule
  std::string output;               ///< results.json, results.md, charts, figures, predictions/, models/
  std::vector<std::string> methods; ///< SelectBenchmarkMethods; empty: all
  BenchmarkModelSettings model;
  unsigned int cellPixelsPerBin = 8;   ///< q of the pairs (HR pixel = one 200 µm array position)
  unsigned int tissueBinsPerPixel = 4; ///< t of the pairs
  /** Genes drawn in the example map figures; empty: the panel's first gene. */
  std::vector<std::string> exampleGenes;
};

/** BENCHMARK.md protocol 1 (HER2ST-2×): per fold, every learned method is trained once on the
 * fold's training sections (MakeSpotSlidePair pairs: HR = the spots on their array grid, LR =
 * 2 × 2 blocks) and applied to each test section's pair, whose LR blocks and H&E alone it reads;
 * its prediction at an HR spot is the mean map (of K samples for a diffusion model) at the
 * spot's pixel. The interpolations come from Modules/Evaluation (PredictNearest / Bilinear /
 * BSpline). Every method is scored with ScoreHer2stSection (PCC, RMSE, SSIM per gene) and, for
 * the diffusion models, the 90 % interval coverage and the std–error Spearman ρ of the K samples
 * at the HR spots. Writes OUTPUT/results.json and results.md (tables per metric, targets),
 * OUTPUT/predictions/{section}_{method}.csv.gz, OUTPUT/charts/{metric}.png (per-method bars,
 * one dot per test section) and OUTPUT/figures/{section}_{gene}.png (maps side by side).
 * Models go to OUTPUT/models/{fold}/{method}. Returns the table. */
SuperSpotBenchmarking_EXPORT ResultsTable RunHer2stBenchmark(const Her2stBenchmarkOptions & options,
                                                             ProgressReporter * progress = nullptr);

} // namespace ss

#endif
