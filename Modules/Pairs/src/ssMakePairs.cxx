#include "ssMakePairs.h"

#include "ssError.h"
#include "ssExpressionNormalization.h"
#include "ssFiles.h"
#include "ssProgress.h"
#include "ssPseudoSpots.h"
#include "ssTextTable.h"
#include "ssXenium.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace ss
{

namespace
{
const char * const CommandLine = "command line";

PseudoSpotParameters PseudoSpotsOf(const MakePairsOptions & options)
{
  if (options.pseudoSpots == "visium")
  {
    return PseudoSpotParameters::Visium();
  }
  if (options.pseudoSpots == "st")
  {
    return PseudoSpotParameters::LegacyST();
  }
  SS_INPUT_ERROR(
    CommandLine, "--pseudoSpots", "'" + options.pseudoSpots + "' is not visium or st", "choose one of those");
}

/** Genes every slide has, in the first slide's order. */
std::vector<std::string> CommonGenes(const std::vector<const std::vector<std::string> *> & geneLists)
{
  std::unordered_map<std::string, std::size_t> presentIn;
  for (const auto * genes : geneLists)
  {
    for (const auto & g : std::unordered_set<std::string>(genes->begin(), genes->end()))
    {
      ++presentIn[g];
    }
  }
  std::vector<std::string> common;
  for (const auto & g : *geneLists.front())
  {
    if (presentIn[g] == geneLists.size())
    {
      common.push_back(g);
    }
  }
  return common;
}

/** The `n` names with the largest totals (ties: the earlier name in `names`). */
std::vector<std::string> TopByTotal(const std::vector<std::string> & names,
                                    const std::unordered_map<std::string, double> & totals,
                                    std::size_t n)
{
  std::vector<std::size_t> order(names.size());
  for (std::size_t i = 0; i < order.size(); ++i)
  {
    order[i] = i;
  }
  std::stable_sort(order.begin(),
                   order.end(),
                   [&](std::size_t a, std::size_t b) { return totals.at(names[a]) > totals.at(names[b]); });
  std::vector<std::string> top;
  for (std::size_t i = 0; i < order.size() && top.size() < n; ++i)
  {
    top.push_back(names[order[i]]);
  }
  return top;
}

bool IsSpotSlide(const LoadedSlide & slide)
{
  return static_cast<bool>(slide.spots);
}
} // namespace

std::vector<std::size_t> MoleculeGeneIndices(const MoleculeTable & molecules, const std::vector<std::string> & genes)
{
  std::vector<std::size_t> indices;
  std::vector<std::string> missing;
  for (const auto & g : genes)
  {
    const long i = molecules.GeneIndex(g);
    if (i < 0)
    {
      missing.push_back(g);
    }
    indices.push_back(static_cast<std::size_t>(std::max(i, 0L)));
  }
  if (!missing.empty())
  {
    SS_INPUT_ERROR(molecules.source,
                   "genes",
                   std::to_string(missing.size()) + " gene(s) are not in the transcripts: " + Join(missing, ", "),
                   "remove them from the gene list, or give slides that measured them");
  }
  return indices;
}

bool IsControlProbe(const std::string & gene)
{
  return IsXeniumControlFeature(gene) || gene.rfind("Blank-", 0) == 0;
}

std::vector<std::string> ChoosePairGenes(const std::vector<LoadedSlide> & slides, const MakePairsOptions & options)
{
  if (slides.empty())
  {
    throw std::invalid_argument("ChoosePairGenes: no slides");
  }
  if (!options.geneList.empty())
  {
    std::vector<std::string> genes = ReadNameList(options.geneList, "--geneList");
    if (genes.empty())
    {
      SS_INPUT_ERROR(options.geneList, "--geneList", "lists no gene", "give one gene name per line");
    }
    if (std::unordered_set<std::string>(genes.begin(), genes.end()).size() != genes.size())
    {
      SS_INPUT_ERROR(options.geneList, "--geneList", "lists a gene twice", "list each gene once");
    }
    for (const auto & slide : slides)
    {
      if (slide.spots)
      {
        slide.spots->GeneIndices(genes, options.geneList);
      }
      else
      {
        MoleculeGeneIndices(*slide.molecules, genes);
      }
    }
    return genes;
  }
  if (options.geneRanking != "variable" && options.geneRanking != "counts")
  {
    SS_INPUT_ERROR(
      CommandLine, "--geneRanking", "'" + options.geneRanking + "' is not variable or counts", "choose one of those");
  }
  // Rank spots, or the molecules' pseudo-spots, pooled over the slides.
  std::vector<SpotDataset> pseudo;
  std::vector<const SpotDataset *> sections;
  std::vector<const std::vector<std::string> *> geneLists;
  for (const auto & slide : slides)
  {
    if (slide.spots)
    {
      sections.push_back(&*slide.spots);
      geneLists.push_back(&slide.spots->genes);
    }
    else
    {
      geneLists.push_back(&slide.molecules->genes);
    }
  }
  if (options.geneRanking == "variable")
  {
    pseudo.reserve(slides.size());
    for (const auto & slide : slides)
    {
      if (slide.molecules)
      {
        pseudo.push_back(MakePseudoSpots(*slide.molecules, PseudoSpotsOf(options)));
        sections.push_back(&pseudo.back());
      }
    }
  }
  // Controls are ranked like genes and dropped after, so library sizes stay over all genes.
  std::size_t controls = 0;
  for (const auto & g : CommonGenes(geneLists))
  {
    controls += IsControlProbe(g) ? 1 : 0;
  }
  std::vector<std::string> ranked;
  if (options.geneRanking == "variable")
  {
    ranked = SelectHighlyVariableGenes(sections, options.genes + controls);
  }
  else
  {
    std::unordered_map<std::string, double> totals;
    for (const auto & slide : slides)
    {
      if (slide.spots)
      {
        const std::vector<double> t = slide.spots->counts.GeneTotals();
        for (std::size_t g = 0; g < t.size(); ++g)
        {
          totals[slide.spots->genes[g]] += t[g];
        }
      }
      else
      {
        const std::vector<std::size_t> t = slide.molecules->CountsPerGene();
        for (std::size_t g = 0; g < t.size(); ++g)
        {
          totals[slide.molecules->genes[g]] += static_cast<double>(t[g]);
        }
      }
    }
    ranked = TopByTotal(CommonGenes(geneLists), totals, options.genes + controls);
  }
  std::vector<std::string> genes;
  for (const auto & g : ranked)
  {
    if (!IsControlProbe(g) && genes.size() < options.genes)
    {
      genes.push_back(g);
    }
  }
  if (genes.empty())
  {
    SS_INPUT_ERROR(slides.front().name,
                   "genes",
                   "no gene qualifies (every slide must have it, and for 'variable' be "
                   "detected in at least 10% of the spots)",
                   "give the genes with --geneList, or use --geneRanking counts");
  }
  if (genes.size() < options.genes)
  {
    LogWarning(std::to_string(genes.size()) + " of the " + std::to_string(options.genes) +
               " genes asked for qualify; the pair set has " + std::to_string(genes.size()));
  }
  return genes;
}

PairSet MakePairSetFromSlides(const std::vector<LoadedSlide> & slides,
                              const std::vector<std::string> & genes,
                              const MakePairsOptions & options)
{
  if (slides.empty() || genes.empty())
  {
    throw std::invalid_argument("MakePairSetFromSlides: no slides or no genes");
  }
  const bool spots = IsSpotSlide(slides.front());
  for (const auto & slide : slides)
  {
    if (IsSpotSlide(slide) != spots)
    {
      SS_INPUT_ERROR(slide.name,
                     "slides",
                     "spot slides and molecule slides in one pair set (they are normalized differently: library "
                     "size vs molecules per area)",
                     "make one pair set from the spot slides and another from the molecule slides");
    }
    if (!options.noHistology && !slide.HasImage())
    {
      SS_INPUT_ERROR(slide.name,
                     "H&E",
                     "the slide has no image, and the model is conditioned on histology",
                     "give its H&E with --image (with --alignment for Xenium/MERSCOPE), or pass --noHistology for "
                     "expression-only pairs (no cell/tissue maps)");
    }
  }
  if (spots && (options.resolutionUm != 10 || options.pseudoSpots != "visium"))
  {
    SS_INPUT_ERROR(CommandLine,
                   options.resolutionUm != 10 ? "--resolutionUm" : "--pseudoSpots",
                   "applies to molecule data, and these slides are spots (their HR grid is their array grid)",
                   "drop it; --factor sets the spot slides' LR");
  }
  if (!spots && options.factor != 2)
  {
    SS_INPUT_ERROR(CommandLine,
                   "--factor",
                   "applies to spot data, and these slides are molecules",
                   "drop it; --resolutionUm and --pseudoSpots set the molecule slides' HR and LR");
  }
  PairSet set;
  set.genes = genes;
  set.normalization = spots ? ExpressionNormalization::Library() : ExpressionNormalization::Density();
  ProgressReporter & progress = ProgressReporter::Global();
  std::map<std::string, int> names;
  for (std::size_t k = 0; k < slides.size(); ++k)
  {
    const LoadedSlide & slide = slides[k];
    const int seen = names[slide.name]++;
    const std::string name = seen ? slide.name + "-" + std::to_string(seen + 1) : slide.name;
    const RGBImageType * he = options.noHistology || !slide.image ? nullptr : slide.image->GetOutput();
    progress.Progress(static_cast<double>(k) / static_cast<double>(slides.size()), "pairs of " + name);
    if (spots)
    {
      std::vector<std::size_t> inTissue;
      for (std::size_t s = 0; s < slide.spots->NumberOfSpots(); ++s)
      {
        if (slide.spots->spots.inTissue[s])
        {
          inTissue.push_back(s);
        }
      }
      const SpotDataset tissue = slide.spots->SelectSpots(inTissue);
      if (inTissue.size() != slide.spots->NumberOfSpots())
      {
        LogInfo(name + ": " + std::to_string(slide.spots->NumberOfSpots() - inTissue.size()) +
                " spot(s) outside the tissue left out");
      }
      SpotPairParameters p;
      p.factor = options.factor;
      p.cellPixelsPerBin = options.cellPixelsPerBin;
      p.tissueBinsPerPixel = options.tissueBinsPerPixel;
      set.slides.push_back(MakeSpotSlidePair(name, tissue, tissue.GeneIndices(genes, slide.spots->source), he, p));
    }
    else
    {
      MoleculePairParameters p;
      p.resolutionUm = options.resolutionUm;
      p.spots = PseudoSpotsOf(options);
      p.cellPixelsPerBin = options.cellPixelsPerBin;
      p.tissueBinsPerPixel = options.tissueBinsPerPixel;
      set.slides.push_back(
        MakeMoleculeSlidePair(name, *slide.molecules, MoleculeGeneIndices(*slide.molecules, genes), he, p));
    }
  }
  return set;
}

PairSet RunSuperSpotMakePairs(const std::vector<SlideInputs> & inputs, const MakePairsOptions & options)
{
  if (options.output.empty())
  {
    SS_INPUT_ERROR(CommandLine, "--output", "no pair-set folder given", "pass --output FOLDER");
  }
  // Refuse the folder before the work, not after it.
  if (FileExists(options.output))
  {
    SS_INPUT_ERROR(options.output, "--output", "is an existing file", "choose a folder name");
  }
  if (DirectoryExists(options.output) && !IsDirectoryEmpty(options.output))
  {
    if (!options.overwrite)
    {
      SS_INPUT_ERROR(options.output,
                     "--output",
                     "exists and is not empty",
                     "choose a new folder, or pass --overwrite to replace the pair set in it");
    }
    if (!FileExists(JoinPath(options.output, "pairs.json")))
    {
      SS_INPUT_ERROR(options.output,
                     "--output",
                     "is not a pair set (it has no pairs.json), and --overwrite replaces "
                     "only pair sets",
                     "choose another folder, or empty this one yourself");
    }
  }
  if (!options.geneList.empty())
  {
    RequireFile(options.geneList, "--geneList", "give a text file with one gene name per line");
  }
  ProgressReporter & progress = ProgressReporter::Global();
  progress.Start("SuperSpotMakePairs", "reading the slides");
  std::vector<LoadedSlide> slides;
  for (const auto & in : inputs)
  {
    slides.push_back(LoadSlide(in));
    const LoadedSlide & slide = slides.back();
    if (slide.HasImage())
    {
      RequireSlideOnImage(CheckSlideImage(slide), slide);
    }
    LogInfo(slide.name + ": read" + (slide.HasImage() ? ", on its image" : ", no image"));
  }
  const std::vector<std::string> genes = ChoosePairGenes(slides, options);
  LogInfo(std::to_string(genes.size()) + " genes: " +
          Join(std::vector<std::string>(genes.begin(), genes.begin() + std::min<std::size_t>(genes.size(), 10)), ", ") +
          (genes.size() > 10 ? ", ..." : ""));
  progress.End();
  progress.Start("SuperSpotMakePairs", "building the pairs");
  PairSet set = MakePairSetFromSlides(slides, genes, options);
  progress.End();
  progress.Start("SuperSpotMakePairs", "writing " + options.output);
  WriteDirectoryAtomically(options.output, options.overwrite, [&](const std::string & folder) { set.Save(folder); });
  progress.End();
  return set;
}

} // namespace ss
