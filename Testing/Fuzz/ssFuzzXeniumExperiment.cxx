// Xenium's experiment.xenium (ReadXeniumExperiment).

#include "ssFuzzing.h"
#include "ssXenium.h"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("experiment.xenium", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read(
    [&]
    {
      const ss::XeniumExperiment e = ss::ReadXeniumExperiment(path);
      if (!(e.pixelSizeUm > 0) || !std::isfinite(e.pixelSizeUm))
      {
        std::abort();
      }
    });
  return 0;
}
