#ifndef ssSpeedBenchmark_h
#define ssSpeedBenchmark_h

#include "SuperSpotBenchmarkingExport.h"
#include "ssBenchmarkMethods.h"
#include "ssResultsTable.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

class ProgressReporter;

/** SuperSpotBenchmark speed's settings (BENCHMARK.md protocol 3). */
struct SuperSpotBenchmarking_EXPORT SpeedBenchmarkOptions
{
  double sizeUm = 6500; ///< side of the full area (a Visium capture area)
  /** Fractions of that area super-resolved, each a square of side sizeUm · √fraction, run in
   * increasing order (time should grow linearly with the area, peak memory stay flat). */
  std::vector<double> areaFractions{ 0.25, 0.5, 1.0 };
  int factor = 10; ///< HR bins of 100 µm / factor
  unsigned int genes = 50;
  std::uint64_t seed = 2000; ///< the phantom slide
  /** A model folder to time. Empty: the default model of `model.preset` is trained for
   * trainingSteps steps on a small phantom (what the training throughput is measured on) and
   * that model is timed (weights do not change the cost of a pass). */
  std::string modelFolder;
  std::int64_t trainingSteps = 20;
  double trainingSizeUm = 1000; ///< side of the phantom slide the training throughput uses
  /** Tile the HR grid into squares of this many patch strides (RunSuperResolutionBlocks). */
  unsigned int blockPatches = 8;
  /** A Google Benchmark JSON file written by SuperSpotModelBenchmark
   * (--benchmark_out=FILE --benchmark_out_format=json) whose kernel figures (denoiser forward,
   * sampler step, graph layer, training step, the matrix-multiply peak) are folded into the
   * results with their FLOP rates and ratios to the peak; empty: none. */
  std::string kernels;
  std::string output;
  /** Threads, K, steps, overlap and batching of the timed runs; K = samples (8: the filter's
   * default, not protocols 1–2's 16). */
  BenchmarkModelSettings model;
};

/** What one super-resolved area took. */
struct SuperSpotBenchmarking_EXPORT SpeedAreaResult
{
  double fraction = 0;
  double sideUm = 0;
  std::size_t hrPixels = 0;        ///< pixels of the HR grid (end to end: the pixels predicted)
  std::size_t predictedPixels = 0; ///< of those, covered by an LR spot (predicted)
  std::size_t spots = 0;           ///< pseudo-Visium spots
  std::size_t molecules = 0;
  std::size_t patches = 0; ///< of the patch lattice (stage split) or blocks run (end to end)
  /** Wall seconds by stage. End to end: "setup_simulate_and_write" (the phantom written as a
   * Xenium bundle; not part of the run), then SuperSpotSuperResolve's own timings from its run.json
   * ("read", "inputs", "super_resolve", "write") and "total" (the whole call). Stage split (the
   * library path, SuperResolutionImageFilter): "simulate", "lr_maps", "he_render",
   * "tile_extraction", "encoder", "gene_graph_prior", "sampler", "super_resolution", "total". */
  nlohmann::json seconds = nlohmann::json::object();
  double peakResidentMiB = 0; ///< peak RSS of this area's run (the process's high-water mark reset first)
  bool peakIsPerArea = true;  ///< false when the mark could not be reset (then it is the process's so far)
  /** Predicted pixels × genes × sampling steps ÷ the sampling seconds: pixel·genes advanced by one
   * step per second, each for all K samples (as Modules/Model/BENCHMARKS.md counts it). */
  double pixelGenesPerSecondPerStep = 0;
  nlohmann::json superResolveRun; ///< SuperSpotSuperResolve's run.json (end to end)
};

/** BENCHMARK.md protocol 3 on this machine's CPU:
 *  - the training throughput (samples/s) of `trainingSteps` steps of the preset's model on a
 *    phantom slide (that model is the one timed when `modelFolder` is empty);
 *  - for each area fraction, in increasing order: a phantom slide of that area written as a
 *    Xenium bundle and super-resolved end to end by RunSuperSpotSuperResolve (what the
 *    SuperSpotSuperResolve CLI runs) with the model, its time split by SuperResolve's own stages,
 *    and its peak memory (the high-water mark reset before each area);
 *  - on the smallest area, the super-resolution split by model stage: the same slide through
 *    SuperResolutionImageFilter block by block, each stage filter timed by its events;
 *  - the kernel figures of `kernels`.
 * Writes OUTPUT/results.json (after every area) and results.md; OUTPUT/areas/<area>/superresolve
 * keeps SuperResolve's run.json and figures (the slide and the maps are removed). */
SuperSpotBenchmarking_EXPORT ResultsTable RunSpeedBenchmark(const SpeedBenchmarkOptions & options,
                                                            ProgressReporter * progress = nullptr);

/** Adds the kernel benchmarks of a Google Benchmark JSON document to `results`, group
 * "kernels", one method per benchmark (its name), metrics "ms" (wall time per iteration),
 * "gflop" (FLOP per iteration ÷ 1e9), "gflop_per_s", "peak_ratio" (FLOP rate ÷ the
 * matrix-multiply peak measured in the same run), and where given "pixel_genes_per_s",
 * "samples_per_s", "threads". The document's context (host, CPU, load) goes into the metadata
 * under "kernels_context". InputError naming `source` on a malformed document. */
SuperSpotBenchmarking_EXPORT void AddKernelBenchmarks(ResultsTable & results,
                                                      const nlohmann::json & document,
                                                      const std::string & source);

} // namespace ss

#endif
