// A model's config.json (ModelConfig::FromJSON, Modules/Model, built here without LibTorch).
// What it accepts must be valid and must survive ToJSON -> FromJSON unchanged.

#include "ssFiles.h"
#include "ssFuzzing.h"
#include "ssModelConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("config.json", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::ModelConfig c = ss::ModelConfig::FromJSON(ss::ReadJSONFile(path, "model configuration"), path);
      c.Validate(path);
      const nlohmann::json written = c.ToJSON();
      const ss::ModelConfig again = ss::ModelConfig::FromJSON(written, "written");
      if (again.ToJSON() != written)
      {
        std::fprintf(
          stderr, "config.json does not round-trip:\n%s\n%s\n", written.dump().c_str(), again.ToJSON().dump().c_str());
        std::abort();
      }
    });
  return 0;
}
