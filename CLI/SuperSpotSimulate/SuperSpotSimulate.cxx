// SuperSpotSimulate: a simulated slide with exact ground truth, written in the formats of
// real platforms (Modules/Simulation does the work).

#include "SuperSpotSimulateCLP.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssSimulatedSlideWriter.h"
#include "ssTissueSimulator.h"

#include "itkMultiThreaderBase.h"

#include <cmath>
#include <iostream>

namespace
{
constexpr const char * Module = "SuperSpotSimulate";

/** The parameters file (or the defaults) with the slide's own values from the command line on
 * top: Slicer passes every value of the panel on every run, so these always apply. */
ss::SimulationParameters MakeParameters(const SuperSpotSimulateParameters & args)
{
  ss::SimulationParameters p = args.parametersFile.empty()
                                 ? ss::SimulationParameters()
                                 : ss::SimulationParameters::ReadJSONFile(args.parametersFile);
  p.seed = static_cast<std::uint64_t>(args.seed);
  if (args.sizeUm > 0)
  {
    if (args.sizeUm < 100)
    {
      SS_INPUT_ERROR(Module,
                     "--sizeUm",
                     "is " + ss::FormatValue(args.sizeUm) + " µm",
                     "give at least 100 µm, or 0 to use --widthUm and --heightUm");
    }
    p.widthUm = args.sizeUm;
    p.heightUm = args.sizeUm;
  }
  else
  {
    p.widthUm = args.widthUm;
    p.heightUm = args.heightUm;
  }
  p.numberOfGenes = static_cast<unsigned int>(args.genes);
  if (!args.cellTypes.empty())
  {
    p.SelectCellTypes(args.cellTypes, std::string(Module) + " --cellTypes");
  }
  // Each module needs a gene of its own (Validate); a small panel gets fewer modules.
  const auto moduleGenes =
    p.numberOfGenes - static_cast<unsigned int>(std::lround(p.housekeepingFraction * p.numberOfGenes));
  if (moduleGenes < p.numberOfModules)
  {
    const unsigned int modules = std::max(1u, moduleGenes);
    ss::LogWarning(std::to_string(p.numberOfGenes) + " genes leave " + std::to_string(moduleGenes) +
                   " outside housekeeping, fewer than the " + std::to_string(p.numberOfModules) +
                   " gene modules: simulating " + std::to_string(modules) + " modules");
    p.numberOfModules = modules;
  }
  p.Validate(Module);
  return p;
}
} // namespace

int SuperSpotSimulateModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotSimulateParameters args;
  if (const auto exitCode = ParseSuperSpotSimulate(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      if (args.outputDirectory.empty())
      {
        SS_INPUT_ERROR(Module, "--out", "no output folder given", "give the folder to write, e.g. --out phantom-0");
      }
      ss::SimulatedSlideOptions options;
      options.formats = ss::ParseSimulatedSlideFormats(args.formats, std::string(Module) + " --formats");
      options.overwrite = args.overwrite;
      options.workUnits = static_cast<unsigned int>(args.threads);
      if (args.threads > 0)
      {
        itk::MultiThreaderBase::SetGlobalDefaultNumberOfThreads(options.workUnits);
      }
      const ss::SimulationParameters parameters = MakeParameters(args);
      // A non-empty folder is refused before the simulation, not after it.
      ss::PrepareOutputDirectory(args.outputDirectory, options.overwrite);

      auto simulator = ss::TissueSimulator::New();
      simulator->SetParameters(parameters);
      simulator->SetNumberOfWorkUnits(options.workUnits);
      const auto tissue = simulator->Simulate();
      const auto written = ss::WriteSimulatedSlide(args.outputDirectory, *tissue, options);

      const auto cells = tissue->GetCells().Size();
      std::cout << Module << ": seed " << parameters.seed << ", " << ss::FormatValue(parameters.widthUm) << " x "
                << ss::FormatValue(parameters.heightUm) << " µm, " << cells << " cells, " << written.molecules
                << " molecules of " << parameters.numberOfGenes << " genes, written to " << args.outputDirectory
                << "\n";
      if (!written.xenium.empty())
      {
        std::cout << "  xenium:       " << written.xenium << " (transcripts.csv.gz, cell_feature_matrix.h5, he.tif)\n";
      }
      if (!written.visiumOuts.empty())
      {
        std::cout << "  visium:       " << written.visiumOuts << " (" << written.visiumSpots
                  << " pseudo-spots of 55 µm on a 100 µm hexagonal pitch, " << written.moleculesInVisiumSpots
                  << " molecules in them; tissue_image.tif)\n";
      }
      if (!written.legacyST.empty())
      {
        std::cout << "  st:           " << written.legacyST << " (" << written.legacySTSpots
                  << " pseudo-spots of 100 µm on a 200 µm square pitch, " << written.moleculesInLegacySTSpots
                  << " molecules in them; he.tif)\n";
      }
      if (!written.groundTruth.empty())
      {
        std::cout << "  ground truth: " << written.groundTruth
                  << " (simulation.json, cells.csv.gz, genes.csv, counts_10um.nrrd, counts_20um.nrrd, label maps)\n";
      }
      std::cout << std::flush;

      args.numberOfCells = static_cast<int>(cells);
      args.numberOfMolecules = static_cast<int>(written.molecules);
      args.WriteReturnParameters();
      return 0;
    });
}
