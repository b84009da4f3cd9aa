#ifndef ssModelTestUtilities_h
#define ssModelTestUtilities_h

// Shared by the LibTorch tests of Modules/Model: a tiny configuration and
// synthetic, non-constant patches.

#include "ssModelConfig.h"
#include "ssNetworks.h"
#include "ssTrainerTestData.h"

#include <torch/torch.h>

namespace ss
{
namespace test
{

/** B patches with structure: smooth expression ramps per gene, a textured image. */
inline net::PatchInputs MakeInputs(const ModelConfig & c, std::int64_t b, std::uint64_t seed)
{
  torch::manual_seed(seed);
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize;
  net::PatchInputs in;
  const torch::Tensor ramp =
    torch::linspace(0, 1, p).view({ 1, 1, 1, p }) + torch::linspace(0, 1, p).view({ 1, 1, p, 1 });
  in.base = (ramp * torch::rand({ b, g, 1, 1 }) * 2).expand({ b, g, p, p }).contiguous();
  in.lrMask = (torch::rand({ b, 1, p, p }) > 0.3).to(torch::kFloat32);
  in.lr = (in.base + 0.2 * torch::rand({ b, g, p, p })) * in.lrMask;
  in.cell = torch::rand({ b, 3, c.CellImageSize(), c.CellImageSize() });
  in.tissue = torch::rand({ b, 3, c.tissuePixels, c.tissuePixels });
  return in;
}

} // namespace test
} // namespace ss

#endif
