// Simulating a 1 mm² slide and rendering a 2048 x 2048 px H&E tile (1.05 mm² at 0.5 µm/px).
//
//   SuperSpotSimulationBenchmark --benchmark_counters_tabular=true

#include "ssTissueSimulator.h"

#include <benchmark/benchmark.h>

#include <vector>

namespace
{

ss::SimulationParameters Slide(double sizeUm)
{
  ss::SimulationParameters p;
  p.widthUm = sizeUm;
  p.heightUm = sizeUm;
  return p;
}

/** Whole simulation of a 1 mm x 1 mm slide (fields, cells, relaxation, counts) plus its
 * molecule table; args: work units. */
void BM_Simulate1mm2(benchmark::State & state)
{
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(Slide(1000));
  simulator->SetNumberOfWorkUnits(static_cast<unsigned int>(state.range(0)));
  std::size_t cells = 0;
  std::size_t molecules = 0;
  for (auto _ : state)
  {
    const auto tissue = simulator->Simulate();
    const auto table = tissue->MakeMolecules(nullptr, static_cast<unsigned int>(state.range(0)));
    cells = tissue->GetCells().Size();
    molecules = table.Size();
    benchmark::DoNotOptimize(table.x.data());
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["molecules"] = static_cast<double>(molecules);
  state.counters["cells/s"] =
    benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Simulate1mm2)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/** One 2048 x 2048 px RenderRegion call over the middle of a 1.2 mm slide, which holds
 * tumour, stroma, immune cells and fat; args: work units (threads over bands of rows). */
void BM_Render2048Tile(benchmark::State & state)
{
  auto simulator = ss::TissueSimulator::New();
  simulator->SetParameters(Slide(1200));
  const auto tissue = simulator->Simulate();
  constexpr std::uint32_t side = 2048;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(side) * side * 3);
  for (auto _ : state)
  {
    tissue->RenderRegion(176, 176, side, side, rgb.data(), static_cast<unsigned int>(state.range(0)));
    benchmark::DoNotOptimize(rgb.data());
  }
  state.counters["Mpx/s"] =
    benchmark::Counter(static_cast<double>(side) * side * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Render2048Tile)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
