// SuperSpotSuperResolve: one slide in, super-resolved gene maps with their uncertainty out.

#include "SuperSpotSuperResolveCLP.h"

#include "ssSuperResolve.h"

int SuperSpotSuperResolveModuleEntryPoint(int argc, char * argv[])
{
  SuperSpotSuperResolveParameters args;
  if (const auto exitCode = ParseSuperSpotSuperResolve(argc, argv, args))
  {
    return *exitCode;
  }
  return ss::RunModule(
    [&]
    {
      ss::SuperResolveOptions o;
      o.genes = static_cast<unsigned int>(args.genes);
      o.geneRanking = args.geneRanking;
      o.geneList = args.geneList;
      o.factor = args.factor;
      o.resolutionUm = args.resolutionUm;
      o.model = args.model;
      o.preset = args.preset;
      o.trainSteps = args.trainSteps;
      o.batchSize = args.batchSize;
      o.learningRate = args.learningRate;
      o.noHistology = args.noHistology;
      o.samples = static_cast<unsigned int>(args.samples);
      o.steps = static_cast<unsigned int>(args.steps);
      o.guidance = args.guidance;
      o.overlap = static_cast<unsigned int>(args.overlap);
      o.seed = static_cast<std::uint64_t>(args.seed);
      o.threads = args.threads;
      o.device = args.device;
      o.blockPatches = static_cast<unsigned int>(args.blockPatches);
      o.memoryLimitGB = args.memoryLimitGB;
      o.shard = args.shard;
      o.mergeShards = args.mergeShards;
      o.output = args.output;
      o.overwrite = args.overwrite;
      o.figureGenes = args.figureGenes;
      o.outputMean = args.outputMean;
      o.outputStd = args.outputStd;
      const ss::SuperResolveSummary s = ss::RunSuperSpotSuperResolve(ss::SlideInputsFromParameters(args), o);
      args.numberOfGenes = static_cast<int>(s.genes.size());
      args.numberOfPixels = static_cast<int>(s.hrPixels);
      args.resolution = s.resolutionUm;
      args.seconds = s.seconds;
      args.WriteReturnParameters();
      return 0;
    });
}
