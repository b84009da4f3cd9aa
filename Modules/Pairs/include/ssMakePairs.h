#ifndef ssMakePairs_h
#define ssMakePairs_h

#include "SuperSpotPairsExport.h"
#include "ssPairSet.h"
#include "ssSlideInputs.h"

#include <string>
#include <vector>

namespace ss
{

/** SuperSpotMakePairs' settings (its XML has the meaning of each). */
struct SuperSpotPairs_EXPORT MakePairsOptions
{
  int factor = 2;                       ///< spot data: k
  double resolutionUm = 10;             ///< molecule data: HR bin side, µm
  std::string pseudoSpots = "visium";   ///< molecule data: "visium" or "st"
  unsigned int genes = 50;              ///< how many genes to rank and keep
  std::string geneRanking = "variable"; ///< "variable" or "counts"
  std::string geneList;                 ///< file of gene names; overrides the ranking
  unsigned int cellPixelsPerBin = 4;    ///< q
  unsigned int tissueBinsPerPixel = 4;  ///< t
  bool noHistology = false;             ///< write no cell/tissue maps
  std::string output;                   ///< the pair-set folder
  bool overwrite = false;
};

/** Index in `molecules` of each of `genes`; InputError listing the genes the transcripts lack. */
SuperSpotPairs_EXPORT std::vector<std::size_t> MoleculeGeneIndices(const MoleculeTable & molecules,
                                                                       const std::vector<std::string> & genes);

/** Negative-control probes, never chosen by a ranking: Xenium's (IsXeniumControlFeature) and
 * MERSCOPE's Blank-* barcodes. */
SuperSpotPairs_EXPORT bool IsControlProbe(const std::string & gene);

/** The genes of the pair set, in order: options.geneList's (each must be in every slide), or
 * the top options.genes of the ranking over all slides pooled, among the genes every slide
 * has, controls excluded. Spot slides rank their spots; molecule slides their pseudo-spots
 * (options.pseudoSpots) for "variable", their molecules for "counts". */
SuperSpotPairs_EXPORT std::vector<std::string> ChoosePairGenes(const std::vector<LoadedSlide> & slides,
                                                                   const MakePairsOptions & options);

/** One pair set from loaded slides, all spot data (MakeSpotSlidePair, library normalization)
 * or all molecule data (MakeMoleculeSlidePair, density normalization); InputError for a mix.
 * Spots outside the tissue are left out of spot slides (noted in the log). The H&E comes
 * from each slide's image (streamed), unless options.noHistology; a slide without one is an
 * InputError naming the fix unless options.noHistology. Slide names are made unique. */
SuperSpotPairs_EXPORT PairSet MakePairSetFromSlides(const std::vector<LoadedSlide> & slides,
                                                        const std::vector<std::string> & genes,
                                                        const MakePairsOptions & options);

/** SuperSpotMakePairs' work: checks the output folder (empty, absent, or with options.overwrite
 * a pair set), loads every slide, checks its data against its image (RequireSlideOnImage),
 * chooses the genes, builds the pairs and writes the folder atomically
 * (WriteDirectoryAtomically). Returns what it wrote. */
SuperSpotPairs_EXPORT PairSet RunSuperSpotMakePairs(const std::vector<SlideInputs> & inputs,
                                                        const MakePairsOptions & options);

} // namespace ss

#endif
