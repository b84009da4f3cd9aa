#ifndef ssNoiseField_h
#define ssNoiseField_h

#include "SuperSpotFiltersExport.h"
#include "ssTypes.h"

#include <cstdint>
#include <vector>

namespace ss
{

/** \class NoiseField
 * \brief Standard normal noise as a pure function of (seed, sample, gene, HR pixel index): the
 * diffusion sampler's x_T laid on the slide instead of drawn per patch.
 *
 * Two overlapping patches then start from the same noise where they overlap, so their samples
 * agree there up to what their different contexts change, and blending them does not shrink the
 * spread of the samples along patch borders (independent noise per patch would: the average of two
 * independent samples has half their variance). It also makes a patch's samples independent of how
 * a slide is split: a pixel's noise never depends on the patch, block or shard that draws it.
 *
 * The numbers: SplitMix64 of a key mixing the five integers gives two uniform variates, turned
 * into one normal variate by the Box–Muller transform. Counter-based, so any pixel is O(1) and
 * threads need no shared state.
 */
class SuperSpotFilters_EXPORT NoiseField
{
public:
  explicit NoiseField(std::uint64_t seed = 0)
    : m_Seed(seed)
  {
  }

  std::uint64_t GetSeed() const { return m_Seed; }

  /** The normal variate of sample `k`, gene `g` at HR index (x, y). */
  float Value(std::uint32_t k, std::uint32_t g, itk::IndexValueType x, itk::IndexValueType y) const;

  /** x_T of one patch: `samples` × `genes` × P × P floats (sample-major, then gene, row y, column x)
   * for the P × P window whose first HR index is `first`. */
  void FillPatch(const IndexType & first,
                 unsigned int patchSize,
                 unsigned int samples,
                 unsigned int genes,
                 float * out) const;

  /** A seed for the random numbers a patch draws itself (stochastic sampler steps), from the
   * field's seed and the patch's lattice index. */
  std::uint64_t PatchSeed(const IndexType & patch) const;

private:
  std::uint64_t m_Seed;
};

} // namespace ss

#endif
