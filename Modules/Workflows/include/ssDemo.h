#ifndef ssDemo_h
#define ssDemo_h

#include "SuperSpotWorkflowsExport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** SuperSpotDemo's settings: a small study on simulated tissue that runs in minutes on a laptop. */
struct SuperSpotWorkflows_EXPORT DemoOptions
{
  std::string output; ///< the demo's folder
  bool overwrite = false;
  unsigned int trainSlides = 3; ///< simulated training slides (seeds 0 ..)
  double slideUm = 1000;        ///< side of each simulated slide, µm
  unsigned int genes = 10;
  double resolutionUm = 10; ///< HR bins (Visium pseudo-spots: 100 µm pitch, so 10x)
  int trainSteps = 150;
  double learningRate = 1e-3;
  unsigned int samples = 4;
  unsigned int steps = 10; ///< sampling steps
  std::uint64_t seed = 0;
  int threads = 0; ///< ≤ 0: every core
};

/** What the demo measured on its held-out slide (signed Pearson r and RMSE against the exact
 * truth, averaged over genes). */
struct SuperSpotWorkflows_EXPORT DemoSummary
{
  std::vector<std::string> genes;
  double pccSuperSpot = 0, pccBilinear = 0;
  double rmseSuperSpot = 0, rmseBilinear = 0;
  double meanStd = 0; ///< mean uncertainty over the tissue
  double seconds = 0;
};

/** The demo: simulates `trainSlides` slides (molecules in cells of several types, an H&E that
 * shows them), makes training pairs (HR = molecules binned at resolutionUm, LR = pseudo-Visium
 * spots of the same molecules), trains a small model, super-resolves a held-out slide (seed 1000)
 * from its spots and H&E and writes, atomically, to `output`: mean.nrrd and std.nrrd (the gene maps,
 * µm), truth.nrrd, lr.nrrd, mask.nrrd and he.nrrd (the H&E at 2 µm/px) on one physical frame so
 * 3D Slicer shows them together, figures/<gene>.png (LR | mean | uncertainty | truth | H&E),
 * model/ and demo.json (settings, figures, timings). */
SuperSpotWorkflows_EXPORT DemoSummary RunSuperSpotDemo(const DemoOptions & options);

} // namespace ss

#endif
