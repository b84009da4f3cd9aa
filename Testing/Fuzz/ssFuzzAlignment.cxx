// The alignment CSVs: Xenium Explorer's H&E -> morphology pixel matrix (ReadXeniumAlignment)
// and MERSCOPE's micron_to_mosaic_pixel_transform.csv (ReadMerscopeImageTransform). A frame
// they return must be finite and invertible, so that it places the image somewhere.

#include "ssFuzzing.h"
#include "ssSlideInputs.h"
#include "ssXenium.h"

#include <cmath>

namespace
{
void RequireUsable(const ss::CoordinateFrame & f)
{
  ss::PointType p;
  p[0] = 123.5;
  p[1] = -45.25;
  const ss::PointType um = f.FullResPxToMicrons(p);
  const ss::PointType back = f.MicronsToFullResPx(um);
  const double mpp = f.GetMicronsPerPixel();
  if (!std::isfinite(um[0]) || !std::isfinite(um[1]) || !std::isfinite(back[0]) || !std::isfinite(back[1]) ||
      !(mpp > 0) || !std::isfinite(mpp))
  {
    std::fprintf(stderr, "unusable frame: %g µm per pixel\n", mpp);
    std::abort();
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  const std::string path =
    ss::fuzz::WriteFile("alignment.csv", std::string_view(reinterpret_cast<const char *>(data), size));
  ss::fuzz::Read([&] { RequireUsable(ss::ReadXeniumAlignment(path, 0.2125)); });
  ss::fuzz::Read([&] { RequireUsable(ss::ReadMerscopeImageTransform(path)); });
  return 0;
}
