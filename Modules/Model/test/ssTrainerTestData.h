#ifndef ssTrainerTestData_h
#define ssTrainerTestData_h

// Torch-free synthetic training patches for the Trainer tests and the
// data-parallel driver: genes co-vary in two modules, the HR truth has detail
// the LR map lacks, the images carry the texture.

#include "ssModelConfig.h"
#include "ssPatchBatch.h"
#include "ssTrainer.h"

#include <cmath>

namespace ss
{
namespace test
{

/** 4 genes, 16 × 16 patches, 2 U-Net levels, 16 cell tokens, 16 tissue tokens. */
inline ModelConfig TinyConfig()
{
  ModelConfig c = ModelConfig::Preset("small", { "A", "B", "C", "D" });
  c.patchSize = 16;
  c.cellPixelsPerBin = 2;
  c.tileBins = 4;
  c.tissuePixels = 16;
  c.tissueTokenGrid = 4;
  c.channels = 16;
  c.channelMults = { 1, 2 };
  c.resBlocks = 1;
  c.attentionLevels = { 1 };
  c.heads = 2;
  c.tokenDim = 16;
  c.histologyChannels = 8;
  c.expressionChannels = 16;
  c.conditionChannels = 8;
  c.entropyBins = 8;
  c.geneEmbeddingDim = 4;
  c.graphHiddenDim = 8;
  c.diffusion.timesteps = 100;
  c.diffusion.samplingSteps = 5;
  return c;
}

inline TrainingPatch SyntheticPatch(const ModelConfig & c, std::int64_t index)
{
  const std::int64_t g = c.NumberOfGenes(), p = c.patchSize, pq = c.CellImageSize(), s = c.tissuePixels;
  TrainingPatch t;
  t.hr = FloatArray({ g, p, p });
  t.base = FloatArray({ g, p, p });
  t.lr = FloatArray({ g, p, p });
  t.lrMask = FloatArray({ 1, p, p }, 1.0f);
  t.hrMask = FloatArray({ 1, p, p }, 1.0f);
  t.cell = FloatArray({ 3, pq, pq });
  t.tissue = FloatArray({ 3, s, s });
  const double phase = 0.37 * static_cast<double>(index);
  for (std::int64_t k = 0; k < g; ++k)
  {
    const double amplitude = 1.0 + 0.5 * static_cast<double>(k % 2); // two co-expressed modules
    for (std::int64_t i = 0; i < p; ++i)
    {
      for (std::int64_t j = 0; j < p; ++j)
      {
        const double smooth = 1.5 + 0.5 * std::sin(phase + 0.2 * static_cast<double>(i + j));
        const double detail =
          0.4 * std::sin(phase + 1.3 * static_cast<double>(i) + (k % 2 ? 0.9 : 0.2) * static_cast<double>(j));
        const std::size_t at = static_cast<std::size_t>((k * p + i) * p + j);
        t.base.data[at] = static_cast<float>(amplitude * smooth);
        t.lr.data[at] = t.base.data[at];
        t.hr.data[at] = static_cast<float>(std::max(0.0, amplitude * (smooth + detail)));
      }
    }
  }
  t.hrMask.data[0] = 0.0f; // one invalid truth pixel
  for (std::size_t i = 0; i < t.cell.data.size(); ++i)
  {
    t.cell.data[i] = static_cast<float>(0.5 + 0.4 * std::sin(phase + 0.05 * static_cast<double>(i)));
  }
  for (std::size_t i = 0; i < t.tissue.data.size(); ++i)
  {
    t.tissue.data[i] = static_cast<float>(0.5 + 0.4 * std::cos(phase + 0.11 * static_cast<double>(i)));
  }
  return t;
}

inline FunctionPatchProvider SyntheticProvider(const ModelConfig & c, std::int64_t size)
{
  return FunctionPatchProvider(size,
                               [c](std::int64_t index, TrainingPatch & patch) { patch = SyntheticPatch(c, index); });
}

} // namespace test
} // namespace ss

#endif
