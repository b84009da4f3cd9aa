#ifndef ssPatchBatch_h
#define ssPatchBatch_h

#include "SuperSpotModelExport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

struct ModelConfig;

/** \class FloatArray
 * \brief A dense float array with a shape (row-major, C order): how tensors cross
 * the torch-free API of Modules/Model. */
struct SuperSpotModel_EXPORT FloatArray
{
  std::vector<std::int64_t> shape;
  std::vector<float> data;

  FloatArray() = default;
  explicit FloatArray(std::vector<std::int64_t> s, float value = 0.0f);

  /** Product of the shape (1 for a scalar, 0 when a dimension is 0). */
  std::int64_t NumberOfElements() const;
  bool Empty() const { return shape.empty() && data.empty(); }
  /** "(2, 50, 32, 32)". */
  std::string ShapeString() const;
  /** Throws InputError naming `what` unless shape == expected and data.size() matches. */
  void RequireShape(const std::vector<std::int64_t> & expected, const std::string & what) const;
};

/** Inputs of B patches (shapes as in Documentation/Architecture.md, "The model"):
 *  - lr     (B, G, P, P): LR map on the HR grid, log1p-normalized, 0 where lrMask = 0;
 *  - base   (B, G, P, P): bilinear LR map, log1p-normalized;
 *  - lrMask (B, 1, P, P): 1 where a spot covers the pixel;
 *  - cell   (B, 3, P·q, P·q): cell-level H&E, RGB in [0, 1];
 *  - tissue (B, 3, S, S): tissue-level H&E, RGB in [0, 1].
 * cell and tissue may stay empty for a model without histology. */
struct SuperSpotModel_EXPORT PatchBatch
{
  std::int64_t batch = 0;
  FloatArray lr, base, lrMask, cell, tissue;

  /** Allocates zero arrays of the model's shapes for `batch` patches. */
  static PatchBatch Zeros(const ModelConfig & config, std::int64_t batch);
  /** Throws InputError naming the array whose shape does not match the model. */
  void Validate(const ModelConfig & config) const;
};

/** One training patch (no batch dimension): the PatchBatch fields plus the truth.
 *  - hr     (G, P, P): HR truth, log1p-normalized;
 *  - hrMask (1, P, P): 1 where the truth is valid (the loss ignores the rest). */
struct SuperSpotModel_EXPORT TrainingPatch
{
  FloatArray hr, hrMask, lr, lrMask, base, cell, tissue;

  void Validate(const ModelConfig & config, const std::string & source = "training patch") const;

  /** The patch under one of the 8 symmetries of the square, applied identically to
   * every map, mask and both images (all square in their last two axes): bit 2 of
   * `op` transposes (row ↔ column), bit 1 flips the columns, bit 0 flips the rows.
   * op = 0 is the identity; ops 0–7 are flips and rot90s. */
  TrainingPatch Transformed(int op) const;
};

/** `a` (…, N, N) under symmetry `op` (see TrainingPatch::Transformed). */
SuperSpotModel_EXPORT FloatArray TransformSquare(const FloatArray & a, int op);

} // namespace ss

#endif
