// Xenium's transcripts.csv (ReadXeniumTranscripts), with the default quality threshold.

#include "ssFuzzing.h"
#include "ssXenium.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("transcripts.csv", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::MoleculeTable t = ss::ReadXeniumTranscripts(path);
      for (std::size_t i = 0; i < t.Size(); ++i)
      {
        if (!std::isfinite(t.x[i]) || !std::isfinite(t.y[i]) || t.gene[i] < 0 ||
            static_cast<std::size_t>(t.gene[i]) >= t.genes.size())
        {
          std::abort(); // every molecule is somewhere, of a gene of the table
        }
      }
      t.CountsPerGene();
    });
  return 0;
}
