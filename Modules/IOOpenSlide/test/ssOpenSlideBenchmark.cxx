// Reading a 1024 x 1024 region at level 0 of a pyramidal JPEG TIFF through
// ss::OpenSlideImageIO and itk::ImageFileReader, as the tile extraction does.
//
// The slide (8192 x 8192, 256-px JPEG tiles, quality 90) is written once in the temp
// folder. "Cold" reads walk 64 distinct regions (256 MiB of decoded tiles, far more
// than OpenSlide's 32 MiB tile cache), so each read decodes its 16 tiles; "Warm"
// rereads one region, measuring the copy and colour conversion alone.

#include "ssFiles.h"
#include "ssOpenSlideImageIO.h"
#include "ssPyramidalTIFFWriter.h"

#include "itkImageFileReader.h"

#include <benchmark/benchmark.h>

#include <unistd.h>

namespace
{

constexpr std::uint32_t SlideSize = 8192;
constexpr std::uint32_t RegionSize = 1024;

std::string g_SlidePath; // written on first use, removed by main()

const std::string & SlidePath()
{
  if (g_SlidePath.empty())
  {
    const std::string p = "/tmp/ss-wsi-bench-" + std::to_string(::getpid()) + ".tif";
    ss::WritePyramidalTIFF(p,
                           SlideSize,
                           SlideSize,
                           0.5,
                           [](std::int64_t x0, std::int64_t y0, std::uint32_t w, std::uint32_t h, std::uint8_t * rgb)
                           {
                             // Tissue-like texture: smooth colour fields with fine detail, so JPEG tiles
                             // have a realistic size.
                             for (std::uint32_t r = 0; r < h; ++r)
                             {
                               for (std::uint32_t c = 0; c < w; ++c)
                               {
                                 const std::int64_t x = x0 + c, y = y0 + r;
                                 std::uint8_t * p = rgb + 3 * (static_cast<std::size_t>(r) * w + c);
                                 p[0] = static_cast<std::uint8_t>(180 + ((x * 13 + y * 7) % 61) - 30);
                                 p[1] = static_cast<std::uint8_t>(120 + ((x / 3 + y / 5) % 50));
                                 p[2] = static_cast<std::uint8_t>(170 + ((x ^ y) & 31));
                               }
                             }
                           });
    g_SlidePath = p;
  }
  return g_SlidePath;
}

void ReadRegion(benchmark::State & state, bool cold)
{
  const std::string & path = SlidePath();
  auto io = ss::OpenSlideImageIO::New();
  using ReaderType = itk::ImageFileReader<ss::RGBImageType>;
  std::size_t step = 0;
  for (auto _ : state)
  {
    const std::size_t k = cold ? step++ % 64 : 0;
    ss::RegionType region;
    region.SetIndex(0, static_cast<long>((k % 8) * RegionSize));
    region.SetIndex(1, static_cast<long>((k / 8) * RegionSize));
    region.SetSize(0, RegionSize);
    region.SetSize(1, RegionSize);
    auto reader = ReaderType::New();
    reader->SetFileName(path);
    reader->SetImageIO(io);
    reader->UpdateOutputInformation();
    reader->GetOutput()->SetRequestedRegion(region);
    reader->Update();
    benchmark::DoNotOptimize(reader->GetOutput()->GetBufferPointer());
  }
  state.SetItemsProcessed(state.iterations() * RegionSize * RegionSize);
  state.SetBytesProcessed(state.iterations() * RegionSize * RegionSize * 3);
  state.counters["Mpx/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * RegionSize * RegionSize / 1e6,
                                               benchmark::Counter::kIsRate);
}

void BM_ReadRegion1024Level0_Cold(benchmark::State & state)
{
  ReadRegion(state, true);
}
void BM_ReadRegion1024Level0_Warm(benchmark::State & state)
{
  ReadRegion(state, false);
}

BENCHMARK(BM_ReadRegion1024Level0_Cold)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadRegion1024Level0_Warm)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char ** argv)
{
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
  {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!g_SlidePath.empty())
  {
    std::remove(g_SlidePath.c_str());
  }
  return 0;
}
