#ifndef ssPairSetPatchProvider_h
#define ssPairSetPatchProvider_h

#include "SuperSpotTrainingExport.h"
#include "ssModelConfig.h"
#include "ssPairSet.h"
#include "ssTrainer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** How the training windows of a pair set are chosen (see PairSetPatchProvider). */
struct SuperSpotTraining_EXPORT PatchWindowOptions
{
  /** A window is kept when at least this fraction of its measurable pixels has hrMask = 1
   * (pixels outside the grid count as unmeasured). On a Visium array grid only every second
   * pixel, in a checkerboard, can hold a spot: there the fraction is of those pixels. */
  double minValidFraction = 0.5;
  /** HR pixels between neighbouring windows, per axis; 0 = P/2 (each measured pixel lies in
   * about four windows, at four different places of the patch). */
  std::int64_t stride = 0;
};

/** One training window: the P × P block of slide `slide` whose first HR pixel is `first`
 * (an index of the slide's HR grid; it may lie outside the grid, ExtractPatch pads). */
struct SuperSpotTraining_EXPORT PatchWindow
{
  std::size_t slide = 0;
  IndexType first;
  std::size_t validPixels = 0; ///< pixels of the window with hrMask = 1
};

/** \class PairSetPatchProvider
 * \brief The training patches of a pair set: a fixed list of P × P windows over its slides,
 * chosen once at construction, each read with ExtractPatch when the Trainer asks for it.
 *
 * The window rule: on every slide, windows lie on a lattice of step `stride` (P/2 by
 * default) whose phase (0 ≤ phase < stride per axis) is drawn from (seed, slide index); of
 * the lattice windows that overlap the grid, those whose hrMask covers at least
 * minValidFraction of the window's measurable pixels are kept, slide by slide, rows then
 * columns. A lattice rather than random draws: it covers every part of the tissue evenly
 * (each pixel in about (P/stride)² windows), the number of windows grows with the tissue area,
 * no two windows are the same, and it needs no retry limit; the seed moves the lattice, so
 * different seeds crop differently, and the Trainer's flips and rot90s add the rest.
 *
 * Shapes follow the model configuration: P = patchSize, S = tissuePixels; the pair set's
 * q (cell_pixels_per_bin) and t (tissue_bins_per_pixel) must be the model's cellPixelsPerBin
 * and tissueBinsPerPixel, its normalization the model's, and every model gene must be in the
 * pair set (in any order; the model's order is used). Slides without H&E maps are refused
 * unless the model has useHistology = false (then the images are not read). Every refusal
 * is an InputError naming `source` (the pair-set folder), the pair-set field and the fix.
 *
 * Get is called from one thread at a time (PatchProvider's contract); the slides' images
 * are shared, not copied, and must not change while the provider lives.
 */
class SuperSpotTraining_EXPORT PairSetPatchProvider : public PatchProvider
{
public:
  PairSetPatchProvider(const PairSet & pairs,
                       const ModelConfig & config,
                       std::uint64_t seed,
                       const PatchWindowOptions & options = {},
                       const std::string & source = "pair set");
  /** Slides without a PairSet: their maps have one component per model gene, in the model's
   * order, and their normalization is taken to be the model's. */
  PairSetPatchProvider(const std::vector<SlidePair> & slides,
                       const ModelConfig & config,
                       std::uint64_t seed,
                       const PatchWindowOptions & options = {},
                       const std::string & source = "slides");
  ~PairSetPatchProvider() override;

  std::int64_t Size() const override { return static_cast<std::int64_t>(m_Windows.size()); }
  /** Fills `patch` with window `index`: hr, hrMask, lr, lrMask, base (G, P, P) / (1, P, P);
   * with histology cell (3, P·q, P·q) and tissue (3, S, S), else those two empty. */
  void Get(std::int64_t index, TrainingPatch & patch) const override;

  const std::vector<PatchWindow> & GetWindows() const { return m_Windows; }
  /** Windows of slide `slide`. */
  std::size_t GetNumberOfWindows(std::size_t slide) const;
  std::size_t GetNumberOfSlides() const { return m_Slides.size(); }
  /** The lattice step used (options.stride, or P/2). */
  std::int64_t GetStride() const { return m_Stride; }

  /** 0.5 when every pixel with hrMask = 1 has the same parity of i + j (the checkerboard of a
   * Visium array grid: SlidePair from MakeSpotSlidePair on hexagonal spots), else 1: the
   * fraction of a window's pixels that can be measured at all. */
  static double MeasurableFraction(const MaskImageType * hrMask);

private:
  void Initialize(std::uint64_t seed, const PatchWindowOptions & options);

  std::vector<SlidePair> m_Slides;
  ModelConfig m_Config;
  std::string m_Source;
  std::vector<std::size_t> m_GeneIndices; ///< pair-set component of each model gene
  unsigned int m_Components = 0;          ///< map components of every slide
  bool m_IdentityGenes = true;
  std::int64_t m_Stride = 0;
  std::vector<PatchWindow> m_Windows;
};

} // namespace ss

#endif
