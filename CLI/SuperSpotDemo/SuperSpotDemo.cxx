// SuperSpotDemo: simulate, train, super-resolve a held-out slide, in minutes.

#include "SuperSpotDemoCLP.h"

#include "ssDemo.h"

#include <iostream>

int SuperSpotDemoModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotDemoParameters args;
  if (const auto exitCode = ParseSuperSpotDemo(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      ss::DemoOptions o;
      o.output = args.out;
      o.overwrite = args.overwrite;
      o.trainSlides = static_cast<unsigned int>(args.trainSlides);
      o.slideUm = args.slideUm;
      o.genes = static_cast<unsigned int>(args.genes);
      o.trainSteps = args.trainSteps;
      o.samples = static_cast<unsigned int>(args.samples);
      o.steps = static_cast<unsigned int>(args.steps);
      o.seed = static_cast<std::uint64_t>(args.seed);
      o.threads = args.threads;
      const ss::DemoSummary s = ss::RunSuperSpotDemo(o);
      std::cout << "SuperSpot demo: held-out slide, " << s.genes.size() << " genes, " << s.seconds << " s\n"
                << "  mean Pearson r against the truth: SuperSpot " << s.pccSuperSpot << ", bilinear " << s.pccBilinear
                << "\n  RMSE (log1p): SuperSpot " << s.rmseSuperSpot << ", bilinear " << s.rmseBilinear << "\n"
                << "  outputs: " << args.out << "/{mean,std,truth,lr,mask,he}.nrrd, " << args.out
                << "/figures/<gene>.png, " << args.out << "/demo.json" << std::endl;
      args.pccSuperSpot = s.pccSuperSpot;
      args.pccBilinear = s.pccBilinear;
      args.WriteReturnParameters();
      return 0;
    });
}
