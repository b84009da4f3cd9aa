// A CLI module that exists to test superspot_add_cli and the generated parser: it copies
// its input volume to its output volume, writes every parameter's value to its report
// (so a test can see what the parser produced), reports progress, and returns values
// computed from its inputs through --returnparameterfile.

#include "SuperSpotCLITestModuleCLP.h"

#include "ssFiles.h"
#include "ssProgress.h"
#include "ssTextTable.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <sstream>

int SuperSpotCLITestModuleModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotCLITestModuleParameters args;
  if (const auto exitCode = ParseSuperSpotCLITestModule(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      auto & progress = ss::ProgressReporter::Global();
      progress.Start("SuperSpotCLITestModule", "copying the input volume");
      ss::RequireFile(args.inputVolume, "input volume", "pass an existing file as the first positional argument");
      ss::WriteTextFileAtomically(args.outputVolume, ss::ReadWholeFile(args.inputVolume));
      progress.Progress(0.5);

      std::ostringstream report;
      for (const auto & [name, value] : args.NameValues())
      {
        report << name << "=" << value << "\n";
      }
      ss::WriteTextFileAtomically(args.report, report.str());

      args.total = std::accumulate(args.repeat.begin(), args.repeat.end(), args.count);
      args.meanScale =
        args.scales.empty() ? 0.0 : std::accumulate(args.scales.begin(), args.scales.end(), 0.0) / args.scales.size();
      args.chosenMode = args.mode;
      std::transform(args.chosenMode.begin(),
                     args.chosenMode.end(),
                     args.chosenMode.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      args.doubledSizes.clear();
      for (const int s : args.sizes)
      {
        args.doubledSizes.push_back(2 * s);
      }
      args.wasVerbose = args.verbose;
      args.WriteReturnParameters();
      progress.End();
      return 0;
    });
}
