// SuperSpotMakePairs: training pairs of SuperSpot's model from slides, as a pair-set folder.

#include "SuperSpotMakePairsCLP.h"

#include "ssMakePairs.h"

int SuperSpotMakePairsModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotMakePairsParameters args;
  if (const auto exitCode = ParseSuperSpotMakePairs(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      ss::MakePairsOptions options;
      options.factor = args.factor;
      options.resolutionUm = args.resolutionUm;
      options.pseudoSpots = args.pseudoSpots;
      options.genes = static_cast<unsigned int>(args.genes);
      options.geneRanking = args.geneRanking;
      options.geneList = args.geneList;
      options.cellPixelsPerBin = static_cast<unsigned int>(args.cellPixelsPerBin);
      options.tissueBinsPerPixel = static_cast<unsigned int>(args.tissueBinsPerPixel);
      options.noHistology = args.noHistology;
      options.output = args.output;
      options.overwrite = args.overwrite;
      const ss::PairSet set = ss::RunSuperSpotMakePairs(ss::SlideInputsListFromParameters(args), options);
      args.numberOfSlides = static_cast<int>(set.slides.size());
      args.numberOfGenes = static_cast<int>(set.genes.size());
      args.WriteReturnParameters();
      return 0;
    });
}
