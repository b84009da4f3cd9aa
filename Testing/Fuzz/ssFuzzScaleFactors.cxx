// Space Ranger's spatial/scalefactors_json.json (ReadSpaceRangerScaleFactors), and the JSON
// reader under every JSON file SuperSpot reads (ReadJSONFile).

#include "ssFiles.h"
#include "ssFuzzing.h"
#include "ssSpaceRanger.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("scalefactors_json.json", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read([&] { ss::ReadJSONFile(path, "JSON file").dump(); });
  ss::fuzz::Read(
    [&]
    {
      const ss::SpaceRangerScaleFactors s = ss::ReadSpaceRangerScaleFactors(path);
      for (const double v : { s.spotDiameterFullres, s.fiducialDiameterFullres, s.hiresScale, s.lowresScale })
      {
        if (!(v >= 0) || !std::isfinite(v))
        {
          std::abort(); // 0 (absent) or a positive, finite number
        }
      }
    });
  return 0;
}
