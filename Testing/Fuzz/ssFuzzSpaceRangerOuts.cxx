// Space Ranger's spatial/ files (ReadSpaceRangerOuts): tissue positions with or without a
// header (Space Ranger 2+ / 1.x) and the scale factors, beside a valid matrix written once at
// start-up. Input: a byte (bit 0: name the positions tissue_positions_list.csv; bit 1: give
// --micronsPerPixel 0.5), then the positions file, FileSeparator, the scale factors.

#include "ssFiles.h"
#include "ssFuzzSamples.h"
#include "ssFuzzing.h"
#include "ssSpaceRanger.h"

#include <cstdio>

namespace
{
std::string outs;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
  outs = ss::fuzz::Folder("outs");
  ss::WriteSpaceRangerOuts(outs, ss::fuzz::SampleSpots(), nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  if (size < 1)
  {
    return 0;
  }
  const std::vector<std::string> files = ss::fuzz::SplitFiles(data + 1, size - 1, 2);
  const bool version1 = data[0] & 1;
  std::remove((outs + "/spatial/tissue_positions.csv").c_str());
  std::remove((outs + "/spatial/tissue_positions_list.csv").c_str());
  ss::fuzz::WriteFile(version1 ? "outs/spatial/tissue_positions_list.csv" : "outs/spatial/tissue_positions.csv",
                      files[0]);
  ss::fuzz::WriteFile("outs/spatial/scalefactors_json.json", files[1]);
  ss::SpaceRangerReadOptions options;
  if (data[0] & 2)
  {
    options.micronsPerPixel = 0.5;
  }
  ss::fuzz::Read(
    [&]
    {
      const ss::SpotDataset ds = ss::ReadSpaceRangerOuts(outs, options);
      ds.Validate();
      for (const auto & p : ds.spots.positionUm)
      {
        if (!std::isfinite(p[0]) || !std::isfinite(p[1]))
        {
          std::abort(); // every spot is somewhere
        }
      }
    });
  return 0;
}
