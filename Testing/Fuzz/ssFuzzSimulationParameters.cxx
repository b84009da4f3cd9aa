// SuperSpotSimulate's --parameters file (SimulationParameters::ReadJSONFile): what it accepts
// must be valid and survive ToJSON -> FromJSON unchanged.

#include "ssFuzzing.h"
#include "ssSimulationParameters.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("simulation.json", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::SimulationParameters p = ss::SimulationParameters::ReadJSONFile(path);
      p.Validate(path);
      const nlohmann::json written = p.ToJSON();
      if (ss::SimulationParameters::FromJSON(written, "written").ToJSON() != written)
      {
        std::fprintf(stderr, "simulation parameters do not round-trip\n");
        std::abort();
      }
    });
  return 0;
}
