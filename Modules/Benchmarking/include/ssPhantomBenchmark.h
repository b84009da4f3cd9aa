#ifndef ssPhantomBenchmark_h
#define ssPhantomBenchmark_h

#include "SuperSpotBenchmarkingExport.h"
#include "ssBenchmarkMethods.h"
#include "ssPairSet.h"
#include "ssResultsTable.h"
#include "ssSimulationParameters.h"
#include "ssSpotData.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

class ProgressReporter;

/** SuperSpotBenchmark phantom's settings. */
struct SuperSpotBenchmarking_EXPORT PhantomBenchmarkOptions
{
  /** HR bins of 100 µm / factor: 5 (20 µm bins) or 10 (10 µm bins); the LR is Visium either way
   * (55 µm spots, 100 µm hexagonal pitch). */
  int factor = 10;
  std::vector<std::uint64_t> trainSeeds{ 0, 1, 2, 3, 4, 5, 6, 7 };
  std::vector<std::uint64_t> testSeeds{ 1000, 1001, 1002, 1003 };
  double sizeUm = 1000; ///< side of each square slide
  unsigned int genes = 50;
  std::string output;
  std::vector<std::string> methods;
  BenchmarkModelSettings model;
  unsigned int cellPixelsPerBin = 4;
  unsigned int tissueBinsPerPixel = 4;
  std::vector<std::string> exampleGenes; ///< empty: the first gene
};

/** \struct PhantomSlide
 * \brief One simulated slide made ready for protocol 2: its pair (HR truth = molecules binned
 * at the HR resolution, density-normalized; LR = pseudo-Visium spots; H&E maps) and the
 * pseudo-spots with their normalized values (the bspline baseline interpolates them). */
struct SuperSpotBenchmarking_EXPORT PhantomSlide
{
  SlidePair pair;
  SpotDataset spots;
  std::vector<float> spotValues; ///< spot-major, pair genes
  std::vector<std::string> genes;
};

/** The simulator's parameters of the phantom slide of `seed`: the defaults (the profile seed
 * fixed, so every slide shares one biology), a sizeUm square, `genes` genes (fewer gene modules
 * when the genes outside housekeeping are fewer than the modules, as SuperSpotSimulate does). */
SuperSpotBenchmarking_EXPORT SimulationParameters PhantomParameters(std::uint64_t seed,
                                                                    double sizeUm,
                                                                    unsigned int genes);

/** Simulates the slide of `seed` (SimulationParameters defaults, sizeUm square, `genes` genes;
 * the profile seed fixed, so every slide shares one biology) and builds its pair as
 * MakeMoleculeSlidePair does (every gene, in the simulator's order), H&E rendered whole. */
SuperSpotBenchmarking_EXPORT PhantomSlide MakePhantomSlide(std::uint64_t seed,
                                                           double sizeUm,
                                                           unsigned int genes,
                                                           int factor,
                                                           unsigned int cellPixelsPerBin,
                                                           unsigned int tissueBinsPerPixel);

/** BENCHMARK.md protocol 2 (phantom 5× / 10×): trains every learned method once on the training
 * slides, applies it to each test slide and scores every method on the test slide's HR grid over
 * the scored pixels — the tissue (hrMask) pixels that an LR spot's nearest-spot area covers
 * (lrMask), where every method predicts — with ScoreGeneMaps: PCC, RMSE, SSIM, sharpness, and
 * for the diffusion models coverage, std–error Spearman ρ and the samples' sharpness. The
 * interpolations: nearest = the pair's lr, bilinear = its base, bspline = SpotInterpolator
 * BSpline of the pseudo-spots (clipped at 0). Writes OUTPUT/results.json, results.md, charts/
 * and figures/ like RunHer2stBenchmark (no predictions files: the truth is a map, not spots).
 * Models go to OUTPUT/models/{method}. */
SuperSpotBenchmarking_EXPORT ResultsTable RunPhantomBenchmark(const PhantomBenchmarkOptions & options,
                                                              ProgressReporter * progress = nullptr);

} // namespace ss

#endif
