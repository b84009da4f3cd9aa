// SuperSpot's spot table (ReadSpotTable), without a frame and with a 0.5 µm-per-pixel one.

#include "ssFuzzing.h"
#include "ssSpotTable.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("spots.csv", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read([&] { ss::SpotTableHasPixelGeometry(path); });
  for (const bool withFrame : { false, true })
  {
    ss::fuzz::Read(
      [&]
      {
        ss::SpotTableReadOptions o;
        if (withFrame)
        {
          o.frame = ss::CoordinateFrame::FromMicronsPerPixel(0.5);
        }
        const ss::SpotDataset ds = ss::ReadSpotTable(path, o);
        ds.Validate();
        if (!(ds.pitchUm >= 0) || !std::isfinite(ds.spotDiameterUm))
        {
          std::abort();
        }
        for (std::size_t i = 0; i < ds.NumberOfSpots(); ++i)
        {
          const auto & u = ds.spots.positionUm[i];
          const auto & p = ds.spots.positionPx[i];
          if (!std::isfinite(u[0]) || !std::isfinite(u[1]) || !std::isfinite(p[0]) || !std::isfinite(p[1]))
          {
            std::abort();
          }
        }
      });
  }
  return 0;
}
