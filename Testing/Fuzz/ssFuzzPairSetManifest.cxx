// A pair set's pairs.json (PairSet::Load), beside the maps of a valid one-slide pair set
// saved once at start-up: the manifest is what is fuzzed, the NRRD maps stay valid.

#include "ssFiles.h"
#include "ssFuzzSamples.h"
#include "ssFuzzing.h"
#include "ssPairSet.h"

namespace
{
std::string folder;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
  folder = ss::fuzz::Folder("pairs");
  ss::fuzz::SavePairSet(folder);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  ss::fuzz::WriteFile("pairs/pairs.json", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::PairSet set = ss::PairSet::Load(folder);
      for (const auto & s : set.slides)
      {
        if (!s.hr || !s.hrMask || !s.lr || !s.lrMask || !s.base ||
            static_cast<bool>(s.cell) != static_cast<bool>(s.tissue))
        {
          std::abort(); // a loaded slide has all its maps
        }
      }
    });
  return 0;
}
