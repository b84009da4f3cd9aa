#include "ssModelFiles.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssVersion.h"

#include <cstring>
#include <set>

namespace ss
{

namespace
{
const char * const ModelFix = "the model folder is damaged or does not match this SuperSpot: copy it again or retrain";

std::vector<std::pair<std::string, torch::Tensor>> NamedTensors(const torch::nn::Module & module)
{
  std::vector<std::pair<std::string, torch::Tensor>> all;
  for (const auto & p : module.named_parameters(true))
  {
    all.emplace_back(p.key(), p.value());
  }
  for (const auto & b : module.named_buffers(true))
  {
    all.emplace_back(b.key(), b.value());
  }
  return all;
}
} // namespace

void AppendModuleTensors(const torch::nn::Module & module, const std::string & prefix, SafeTensorsContent & content)
{
  for (const auto & item : NamedTensors(module))
  {
    const torch::Tensor t = item.second.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    content.tensors.push_back(SafeTensor::FromFloats(prefix + item.first, t.sizes().vec(), t.data_ptr<float>()));
  }
}

void LoadModuleTensors(torch::nn::Module & module,
                       const SafeTensorsContent & content,
                       const std::string & prefix,
                       const std::string & path)
{
  torch::NoGradGuard noGrad;
  std::set<std::string> expected;
  for (auto & item : NamedTensors(module))
  {
    const std::string name = prefix + item.first;
    expected.insert(name);
    const SafeTensor * t = content.Find(name);
    if (!t)
    {
      SS_INPUT_ERROR(path, name, "the tensor is missing", ModelFix);
    }
    if (t->dtype != SafeTensorDType::F32)
    {
      SS_INPUT_ERROR(
        path, name, std::string("has dtype ") + SafeTensorDTypeName(t->dtype) + ", expected F32", ModelFix);
    }
    const std::vector<std::int64_t> shape = item.second.sizes().vec();
    if (t->shape != shape)
    {
      SS_INPUT_ERROR(path,
                     name,
                     "has shape " + FloatArray(t->shape).ShapeString() + ", the model's config needs " +
                       FloatArray(shape).ShapeString(),
                     ModelFix);
    }
    const torch::Tensor src = torch::from_blob(const_cast<std::uint8_t *>(t->data.data()), shape, torch::kFloat32);
    item.second.copy_(src);
  }
  for (const auto & t : content.tensors)
  {
    if (t.name.rfind(prefix, 0) == 0 && !expected.count(t.name))
    {
      SS_INPUT_ERROR(path, t.name, "is not a tensor of this model's architecture", ModelFix);
    }
  }
}

void SaveModel(const std::string & dir, const ModelConfig & config, const torch::nn::Module & network)
{
  config.Validate();
  CreateDirectories(dir);
  SafeTensorsContent content;
  content.metadata["format"] = "superspot-model";
  content.metadata["superspotVersion"] = SUPERSPOT_VERSION;
  AppendModuleTensors(network, "", content);
  WriteJSONFileAtomically(JoinPath(dir, "config.json"), config.ToJSON());
  WriteSafeTensors(JoinPath(dir, "model.safetensors"), content);
}

LoadedModel LoadModel(const std::string & dir)
{
  RequireDirectory(
    dir, "model folder", "give the folder SuperSpot wrote the model to (config.json + model.safetensors)");
  const std::string configPath = JoinPath(dir, "config.json");
  const std::string weightsPath = JoinPath(dir, "model.safetensors");
  RequireFile(configPath, "model configuration", "the model folder must hold the config.json SuperSpot wrote");
  RequireFile(weightsPath, "model weights", "the model folder must hold the model.safetensors SuperSpot wrote");
  LoadedModel m;
  m.config = ModelConfig::FromJSON(ReadJSONFile(configPath, "model configuration"), configPath);
  const SafeTensorsContent content = ReadSafeTensors(weightsPath);
  m.network = net::SuperSpotNetwork(m.config);
  LoadModuleTensors(*m.network, content, "", weightsPath);
  m.network->eval();
  return m;
}

torch::Device ResolveDevice(const std::string & name)
{
  torch::Device d(torch::kCPU);
  try
  {
    d = torch::Device(name);
  }
  catch (const c10::Error &)
  {
    SS_INPUT_ERROR("", "device", "'" + name + "' is not a device", "use cpu, cuda or cuda:N");
  }
  if (d.is_cpu())
  {
    if (d.has_index() && d.index() != 0)
    {
      SS_INPUT_ERROR("", "device", "'" + name + "': the CPU has no device index", "use cpu");
    }
    return torch::Device(torch::kCPU);
  }
  if (!d.is_cuda())
  {
    SS_INPUT_ERROR("", "device", "'" + name + "' is not supported", "use cpu, cuda or cuda:N");
  }
  if (!torch::cuda::is_available())
  {
#ifdef SUPERSPOT_HAS_CUDA
    SS_INPUT_ERROR("",
                   "device",
                   "'" + name + "' was asked for but no CUDA GPU is visible",
                   "use cpu, or check the GPU driver and CUDA_VISIBLE_DEVICES");
#else
    SS_INPUT_ERROR("",
                   "device",
                   "'" + name + "' was asked for but this SuperSpot was built with a CPU-only LibTorch",
                   "use cpu, or rebuild SuperSpot against a CUDA LibTorch");
#endif
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  const int index = d.has_index() ? d.index() : 0;
  if (index < 0 || index >= count)
  {
    SS_INPUT_ERROR("",
                   "device",
                   "'" + name + "' does not exist: " + std::to_string(count) +
                     " CUDA device(s) are visible (cuda:0…cuda:" + std::to_string(count - 1) + ")",
                   "use an existing device index");
  }
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

torch::Tensor ToTensor(const FloatArray & a, const torch::Device & device)
{
  if (static_cast<std::int64_t>(a.data.size()) != a.NumberOfElements())
  {
    SS_INPUT_ERROR("",
                   "array",
                   "holds " + std::to_string(a.data.size()) + " values for shape " + a.ShapeString(),
                   "fill the array to its shape");
  }
  return torch::from_blob(const_cast<float *>(a.data.data()), a.shape, torch::kFloat32)
    .to(device, /*non_blocking=*/false, /*copy=*/true);
}

FloatArray ToArray(const torch::Tensor & t)
{
  FloatArray a;
  if (!t.defined())
  {
    return a;
  }
  const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  a.shape = c.sizes().vec();
  a.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return a;
}

} // namespace ss
