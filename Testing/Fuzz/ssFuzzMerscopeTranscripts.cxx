// MERSCOPE's detected_transcripts.csv (ReadMerscopeTranscripts), keeping and dropping the
// Blank-* barcodes.

#include "ssFuzzing.h"
#include "ssMerscope.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("detected_transcripts.csv", std::string_view(reinterpret_cast<const char *>(data), size));
  for (const bool drop : { false, true })
  {
    ss::fuzz::Read(
      [&]
      {
        ss::MerscopeReadOptions o;
        o.dropBlankProbes = drop;
        const ss::MoleculeTable t = ss::ReadMerscopeTranscripts(path, o);
        for (std::size_t i = 0; i < t.Size(); ++i)
        {
          if (!std::isfinite(t.x[i]) || !std::isfinite(t.y[i]) || t.gene[i] < 0 ||
              static_cast<std::size_t>(t.gene[i]) >= t.genes.size())
          {
            std::abort();
          }
        }
        t.CountsPerGene();
      });
  }
  return 0;
}
