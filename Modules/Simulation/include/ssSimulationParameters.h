#ifndef ssSimulationParameters_h
#define ssSimulationParameters_h

#include "SuperSpotSimulationExport.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{

/** \struct CellTypeParameters
 * \brief What one cell type looks like and how much RNA it holds.
 *
 * Lengths are µm. Stain amounts are concentrations in optical-density units per
 * stain vector (haematoxylin: nuclei, blue-purple; eosin: cytoplasm and stroma, pink):
 * a pixel's RGB is 255 · exp(−(H·h + E·e)) for the stain vectors h, e (Beer–Lambert).
 */
struct SuperSpotSimulation_EXPORT CellTypeParameters
{
  std::string name;
  double cellRadiusUm = 6;        ///< mean radius of the cell body
  double cellRadiusCv = 0.15;     ///< coefficient of variation of the cell radius (log-normal)
  double nucleusRadiusUm = 3;     ///< mean radius of the circle with the nucleus's area
  double nucleusRadiusCv = 0.12;  ///< coefficient of variation of the nucleus radius
  double nucleusElongation = 1.2; ///< mean major / minor axis ratio of the nucleus (>= 1)
  double nucleusOffset = 0;       ///< distance of the nucleus centre from the cell centre, fraction of the cell radius
  double alignment = 0;           ///< 0: random orientation; 1: along the local stroma fibre direction
  double nucleusHaematoxylin = 1; ///< haematoxylin in the nucleus (darkness)
  double chromatinTexture = 0.3;  ///< 0: smooth nucleus; 1: coarse, clumped chromatin with a dark rim
  double cytoplasmEosin = 0.3;    ///< eosin in the cytoplasm
  double cytoplasmHaematoxylin = 0.03; ///< haematoxylin in the cytoplasm (purplish cytoplasm when > 0.1)
  double membraneEosin = 0;            ///< eosin on the cell outline (adipocyte membranes)
  double relativeRNA = 1;              ///< mean molecules of this type = meanMoleculesPerCell × relativeRNA
};

/** \struct DomainParameters
 * \brief A spatial domain (tumour nest, stroma, immune-rich, fat ...): how much of the
 * tissue it covers, how densely it is populated and by which cell types.
 */
struct SuperSpotSimulation_EXPORT DomainParameters
{
  std::string name;
  double areaFraction = 0.25;          ///< target share of the tissue area (normalized over the domains)
  double cellDensityPerMm2 = 5000;     ///< cells per mm² of this domain
  std::vector<double> cellTypeWeights; ///< relative abundance of each cell type, same order as cellTypes
  double stromaEosin = 0.5;            ///< eosin of the extracellular matrix between the cells
};

/** \struct SimulationParameters
 * \brief Everything that defines a simulated slide; same parameters and seed give the
 * same slide, bit for bit, whatever the number of threads.
 *
 * Two seeds: `seed` draws the slide (outline, domains, cells, counts, molecules, stain
 * noise); `profileSeed` draws the biology (gene modules, per-type expression profiles),
 * which must stay the same across the slides of one study so that a model trained on
 * some seeds can be tested on others.
 *
 * Expression of gene g in cell c of type t (mean molecules):
 *   μ_cg = E_tg · s_c · exp(δ_cm − σ_c²/2) · exp(σ_s F_m(x_c) − σ_s²/2),   m = module of g,
 * with E_tg the type profile (sums to meanMoleculesPerCell × relativeRNA_t over the genes),
 * s_c a log-normal library size (sd cellSizeSd), δ_cm ~ N(0, cellModuleSd²) a per-cell module
 * activity shared by all genes of the module (co-expression), and F_m a smooth spatial field
 * (sd 1, scale domainScaleUm) that histology does not show. Housekeeping genes have no module
 * (no δ, no F). Counts are negative binomial: Poisson(Gamma(dispersion, μ/dispersion)), so
 * Var = μ + μ²/dispersion. Nuclei grow with the activity of module 0 (proliferation):
 * radius × exp(nucleusModuleCoupling · δ_c0).
 */
struct SuperSpotSimulation_EXPORT SimulationParameters
{
  std::uint64_t seed = 0;
  std::uint64_t profileSeed = 1;

  // --- slide
  double widthUm = 1000;        ///< slide extent along x, µm (at most 6500, a Visium capture area)
  double heightUm = 1000;       ///< slide extent along y, µm
  double micronsPerPixel = 0.5; ///< H&E full-resolution pixel size, µm

  // --- tissue shape
  double tissueInset = 0.04;      ///< gap between the slide edge and the tissue outline, fraction of the shorter side
  double outlineRoughness = 0.12; ///< amplitude of the outline's irregularity, fraction of the tissue's half-size
  double outlineScaleUm = 250;    ///< length scale of the outline's irregularity
  double holesPerMm2 = 1.0;       ///< mean number of holes (tears, vessels, lumina) per mm² of slide
  double holeRadiusUm = 35;       ///< mean hole radius

  // --- domains and cells
  double domainScaleUm = 120;            ///< Gaussian correlation length of the domain fields
  unsigned int relaxationIterations = 4; ///< rounds of pushing overlapping cells apart
  /** Cells closer than r_i + r_j − min((1 − minimumSpacing)(r_i + r_j), 3 µm) are pushed apart:
   * small cells may overlap in projection (a section is a few µm thick), large ones barely. */
  double minimumSpacing = 0.8;

  // --- expression
  unsigned int numberOfGenes = 50;
  unsigned int numberOfModules = 8;  ///< groups of co-expressed genes
  double housekeepingFraction = 0.1; ///< share of genes in no module (expressed by every type)
  double meanMoleculesPerCell = 60;
  double dispersion = 2.0;   ///< negative-binomial size r: Var = μ + μ²/r
  double moduleTypeSd = 1.0; ///< log-scale spread of module activity between cell types
  double markerModuleBoost =
    2.0;                        ///< extra log activity of each type's marker module (module = type mod numberOfModules)
  double geneTypeSd = 0.3;      ///< log-scale gene-specific deviation from its module, per type
  double cellModuleSd = 0.5;    ///< σ_c: per-cell log activity of each module
  double cellSizeSd = 0.2;      ///< log-scale sd of the per-cell library size
  double spatialModuleSd = 0.4; ///< σ_s: smooth spatial modulation of the modules
  double nucleusModuleCoupling = 0.25; ///< nuclei of cells with active module 0 are larger
  double moleculeSpread =
    0.5; ///< sd of a molecule's offset from its cell centre, fraction of the cell radius (truncated at the radius)

  // --- rendering (H&E)
  double edgeSoftnessUm = 0.4;   ///< width of the soft edges of nuclei and cells (the scanner's blur)
  double stainUnevenness = 0.12; ///< relative low-frequency variation of the stain intensity
  double pixelNoise = 2.5;       ///< amplitude of per-pixel noise, grey levels

  std::vector<CellTypeParameters> cellTypes = DefaultCellTypes();
  std::vector<DomainParameters> domains = DefaultDomains();

  /** Tumour, fibroblast, lymphocyte, macrophage, endothelial, adipocyte. */
  static std::vector<CellTypeParameters> DefaultCellTypes();
  /** Tumour, stroma, immune, fat (weights for the default cell types). */
  static std::vector<DomainParameters> DefaultDomains();

  std::size_t NumberOfCellTypes() const { return cellTypes.size(); }
  std::size_t NumberOfDomains() const { return domains.size(); }

  /** Keeps only the cell types named (matched without regard to case; the order of
   * `cellTypes` is kept), with their weights in every domain. Domains left with none of them
   * are removed, with a warning naming them. Unknown or repeated names, an empty list, and a
   * selection no domain holds throw InputError naming `source`. */
  void SelectCellTypes(const std::vector<std::string> & names, const std::string & source = "cellTypes");

  /** Throws InputError (file = `source`, field = the parameter's JSON path) on the first
   * value out of range or inconsistent, saying which range is allowed. */
  void Validate(const std::string & source = "simulation parameters") const;

  /** Every parameter, in the keys FromJSON reads. */
  nlohmann::json ToJSON() const;
  /** Defaults overridden by the keys present in `json`; unknown keys, wrong types and invalid
   * values throw InputError naming `source` and the key. The result is validated. */
  static SimulationParameters FromJSON(const nlohmann::json & json,
                                       const std::string & source = "simulation parameters");
  static SimulationParameters ReadJSONFile(const std::string & path);
  void WriteJSONFile(const std::string & path) const;
};

} // namespace ss

#endif
