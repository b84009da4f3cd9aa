// Legacy ST sections (ReadLegacyST): the counts table (spots x genes), FileSeparator, the spot
// file (x y new_x new_y pixel_x pixel_y selected).

#include "ssFuzzing.h"
#include "ssLegacyST.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::vector<std::string> files = ss::fuzz::SplitFiles(data, size, 2);
  const std::string counts = ss::fuzz::WriteFile("counts.tsv", files[0]);
  const std::string spots = ss::fuzz::WriteFile("spots.tsv", files[1]);
  ss::fuzz::Read(
    [&]
    {
      const ss::SpotDataset ds = ss::ReadLegacyST(counts, spots);
      ds.Validate();
      if (!(ds.frame.GetMicronsPerPixel() > 0) || !std::isfinite(ds.frame.GetMicronsPerPixel()))
      {
        std::abort();
      }
      for (const auto & p : ds.spots.positionUm)
      {
        if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
        {
          std::abort();
        }
      }
    });
  return 0;
}
