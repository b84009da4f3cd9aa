// SuperSpotInfo: what SuperSpot reads from a slide, and whether it sits on its H&E.

#include "SuperSpotInfoCLP.h"

#include "ssSlideSummary.h"

#include <iostream>

int SuperSpotInfoModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotInfoParameters args;
  if (const auto exitCode = ParseSuperSpotInfo(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      ss::InfoOutputs outputs;
      outputs.json = args.json;
      outputs.spotTable = args.spotTable;
      outputs.overlay = args.overlay;
      outputs.overlaySize = static_cast<unsigned int>(args.overlaySize);
      const nlohmann::json summary = ss::RunSuperSpotInfo(ss::SlideInputsFromParameters(args), outputs);
      std::cout << summary.dump(2) << std::endl;

      args.platform = summary["platform"].get<std::string>();
      args.numberOfSpots = summary["spots"].is_null() ? 0 : summary["spots"].get<int>();
      args.numberOfGenes = summary["genes"].get<int>();
      args.numberOfMolecules = summary["molecules"].is_null() ? 0 : summary["molecules"].get<int>();
      const nlohmann::json & check = summary["check"];
      args.fractionOnTissue =
        check.is_null() || check["fractionOnTissue"].is_null() ? -1.0 : check["fractionOnTissue"].get<double>();
      args.WriteReturnParameters();
      return 0;
    });
}
