// A model's weights file (ReadSafeTensors, Modules/Model, built here without LibTorch): what it
// accepts must be written back by WriteSafeTensors and read again unchanged.

#include "ssFuzzing.h"
#include "ssSafeTensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("model.safetensors", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::SafeTensorsContent content = ss::ReadSafeTensors(path);
      const std::string again = ss::fuzz::ScratchFolder() + "/again.safetensors";
      ss::WriteSafeTensors(again, content);
      const ss::SafeTensorsContent back = ss::ReadSafeTensors(again);
      bool same = back.metadata == content.metadata && back.tensors.size() == content.tensors.size();
      for (std::size_t i = 0; same && i < back.tensors.size(); ++i)
      {
        const auto & a = content.tensors[i];
        const auto & b = back.tensors[i];
        same = a.name == b.name && a.dtype == b.dtype && a.shape == b.shape && a.data == b.data;
      }
      if (!same)
      {
        std::fprintf(stderr, "safetensors content does not round-trip\n");
        std::abort();
      }
    });
  return 0;
}
