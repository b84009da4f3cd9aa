#ifndef ssModelFiles_h
#define ssModelFiles_h

// LibTorch header, private to Modules/Model: model folders (config.json +
// model.safetensors) and conversions between tensors and the plain arrays of the
// public API.

#include "SuperSpotModelExport.h"
#include "ssModelConfig.h"
#include "ssNetworks.h"
#include "ssPatchBatch.h"
#include "ssSafeTensors.h"

#include <torch/torch.h>

namespace ss
{

/** A module's parameters and buffers as F32 safetensors named prefix + name (CPU copies). */
SuperSpotModel_EXPORT void AppendModuleTensors(const torch::nn::Module & module,
                                               const std::string & prefix,
                                               SafeTensorsContent & content);

/** Copies the tensors named prefix + name into the module's parameters and buffers.
 * Every expected tensor must be present with exactly its shape and dtype F32, and
 * no other tensor with that prefix may be in the file; errors name `path` and the tensor. */
SuperSpotModel_EXPORT void LoadModuleTensors(torch::nn::Module & module,
                                             const SafeTensorsContent & content,
                                             const std::string & prefix,
                                             const std::string & path);

/** Writes dir/config.json and dir/model.safetensors (each atomically), creating dir. */
SuperSpotModel_EXPORT void SaveModel(const std::string & dir,
                                     const ModelConfig & config,
                                     const torch::nn::Module & network);

struct LoadedModel
{
  ModelConfig config;
  net::SuperSpotNetwork network{ nullptr };
};

/** Reads and validates a model folder (version, every tensor and shape), on the CPU, in eval mode. */
SuperSpotModel_EXPORT LoadedModel LoadModel(const std::string & dir);

/** "cpu", "cuda", "cuda:N" → a device this process can use; anything else (an unknown
 * name, CUDA in a CPU-only build or without a GPU, an index beyond the visible
 * devices) is an InputError, never a silent fallback to the CPU. */
SuperSpotModel_EXPORT torch::Device ResolveDevice(const std::string & name);

/** Tensor ↔ FloatArray (copies; the tensor may live on any device). */
SuperSpotModel_EXPORT torch::Tensor ToTensor(const FloatArray & a, const torch::Device & device = torch::kCPU);
SuperSpotModel_EXPORT FloatArray ToArray(const torch::Tensor & t);

} // namespace ss

#endif
