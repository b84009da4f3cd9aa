#ifndef ssSimulatedSlideWriter_h
#define ssSimulatedSlideWriter_h

#include "SuperSpotSimulationExport.h"
#include "ssPyramidalTIFFWriter.h"
#include "ssSimulatedTissue.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ss
{

/** The formats WriteSimulatedSlide writes, as flags: combine them with |. Each is a folder
 * of `dir` laid out as the real platform's output, so the project's readers read it as they
 * read real data. */
enum class SimulatedSlideFormat : unsigned int
{
  None = 0,
  /** xenium/: transcripts.csv.gz (µm), experiment.xenium, cell_feature_matrix.h5 (counts per
   * cell, barcodes = SimulatedCellId), he.tif (pyramidal H&E), he_imagealignment.csv (H&E px
   * -> morphology px, as Xenium Explorer exports it). */
  Xenium = 1u << 0,
  /** visium/outs/: a Space Ranger folder of pseudo-Visium spots (55 µm discs, 100 µm
   * hexagonal pitch, counts = molecules inside each disc, ss::MakePseudoSpots):
   * filtered_feature_bc_matrix.h5, spatial/tissue_positions.csv (or _list.csv),
   * spatial/scalefactors_json.json (spot_diameter_fullres = 65 µm / µm-per-px),
   * spatial/tissue_{hires,lowres}_image.png, and tissue_image.tif, the full-resolution H&E
   * as a pyramidal TIFF. */
  Visium = 1u << 1,
  /** st/: legacy ST tables of pseudo-spots (100 µm discs, 200 µm square pitch):
   * counts.tsv.gz, spots.tsv (pixel_x/pixel_y in full-resolution px of he.tif) and he.tif. */
  LegacyST = 1u << 2,
  /** ground_truth/: simulation.json (the parameters), cells.csv.gz (cell_id, position, type,
   * domain, morphology, module activity, total counts), genes.csv (module and expected counts
   * per cell type), domain_labels.nrrd and cell_type_labels.nrrd (0 = none, else index + 1),
   * and per truth bin size b: counts_{b}um.nrrd (molecules per b µm square bin, one
   * component per gene in genes.csv order, ss::MoleculeBinningImageFilter) and mask_{b}um.nrrd
   * (its tissue mask). */
  GroundTruth = 1u << 3,
  All = Xenium | Visium | LegacyST | GroundTruth
};

constexpr SimulatedSlideFormat operator|(SimulatedSlideFormat a, SimulatedSlideFormat b)
{
  return static_cast<SimulatedSlideFormat>(static_cast<unsigned int>(a) | static_cast<unsigned int>(b));
}
constexpr SimulatedSlideFormat operator&(SimulatedSlideFormat a, SimulatedSlideFormat b)
{
  return static_cast<SimulatedSlideFormat>(static_cast<unsigned int>(a) & static_cast<unsigned int>(b));
}
/** Whether `formats` includes every flag of `format`. */
constexpr bool Includes(SimulatedSlideFormat formats, SimulatedSlideFormat format)
{
  return format != SimulatedSlideFormat::None && (formats & format) == format;
}

/** Formats by name: "xenium", "visium", "st", "truth", "all" (any case; a name may also be a
 * comma-separated list). Unknown names and an empty list throw InputError naming `source`. */
SuperSpotSimulation_EXPORT SimulatedSlideFormat ParseSimulatedSlideFormats(const std::vector<std::string> & names,
                                                                           const std::string & source = "formats");
/** "xenium,visium,st,truth" (the chosen ones, in that order), "none" when empty. */
SuperSpotSimulation_EXPORT std::string ToString(SimulatedSlideFormat formats);

/** \struct SimulatedSlideOptions
 * \brief What WriteSimulatedSlide writes, and how.
 */
struct SuperSpotSimulation_EXPORT SimulatedSlideOptions
{
  SimulatedSlideFormat formats = SimulatedSlideFormat::All;
  double morphologyPixelSizeUm = 0.2125; ///< experiment.xenium pixel_size (current instruments)
  PyramidalTIFFOptions he;               ///< encoding of the H&E TIFF
  double labelSpacingUm = 2;             ///< pixel size of the label maps, µm
  /** Bin sizes of the truth maps counts_{b}um.nrrd, µm; each grid covers the slide on the
   * global lattice (GridGeometry::Covering, anchor 0), as SuperSpot's HR grids do. */
  std::vector<double> truthBinSizesUm{ 10.0, 20.0 };
  /** Space Ranger positions: 2 = spatial/tissue_positions.csv with a header (2.x), 1 =
   * spatial/tissue_positions_list.csv without (1.x). */
  int visiumPositionsVersion = 2;
  unsigned int hiresMaxSize = 2000; ///< longest side of tissue_hires_image.png, px
  unsigned int lowresMaxSize = 600; ///< longest side of tissue_lowres_image.png, px
  /** gzip level of transcripts.csv.gz, 1 (fastest) to 9 (smallest). 1 by default: the file
   * can be made again from simulation.json, and compressing is most of the writing time
   * (15M molecules: 10 s of CPU at level 1, 35 s at gzip's default 6, for 17 % more bytes). */
  int transcriptsGzipLevel = 1;
  bool overwrite = false;     ///< replace the files of a non-empty folder
  unsigned int workUnits = 0; ///< threads for molecules, binning and rendering (0: ITK's default)
};

/** \struct SimulatedSlideFiles
 * \brief What WriteSimulatedSlide wrote.
 */
struct SuperSpotSimulation_EXPORT SimulatedSlideFiles
{
  std::vector<std::string> files; ///< every file, in the order written
  std::string xenium;             ///< the folders of the formats written ("" for the others)
  std::string visiumOuts;
  std::string legacyST;
  std::string groundTruth;
  std::size_t molecules = 0;              ///< molecules on the slide
  std::size_t visiumSpots = 0;            ///< pseudo-Visium spots in tissue (>= 1 molecule)
  std::size_t moleculesInVisiumSpots = 0; ///< the sum of their counts
  std::size_t legacySTSpots = 0;          ///< pseudo-ST spots in tissue
  std::size_t moleculesInLegacySTSpots = 0;
};

/** Cell ids as the files name them: "SIMC-" and the 1-based cell index, zero-padded to 7. */
SuperSpotSimulation_EXPORT std::string SimulatedCellId(std::size_t cell);

/** Writes `tissue` into the folder `dir` (created; a non-empty one is refused unless
 * options.overwrite) in the formats chosen, every file atomically; the same slide in every
 * format, so that the readers of each format can be checked against the ground truth.
 *
 * The H&E is rendered once: written as one pyramidal TIFF (xenium/he.tif,
 * visium/outs/tissue_image.tif or st/he.tif, the first chosen) while Space Ranger's hires and
 * lowres images are made from the same rows (StreamingRGBDownsampler), then hard-linked
 * under the other names (copied where the file system has no hard links).
 *
 * Memory: the molecule table (12 bytes per molecule, 180 MB for a full Visium capture area)
 * while the molecule-based files are written (with the binning filter's index, 8 bytes per
 * molecule, and a truth map, 4 bytes per gene and bin); then the renderer's two rows of tiles.
 * Progress goes to ProgressReporter::Global(). */
SuperSpotSimulation_EXPORT SimulatedSlideFiles WriteSimulatedSlide(const std::string & dir,
                                                                   const SimulatedTissue & tissue,
                                                                   const SimulatedSlideOptions & options = {});

} // namespace ss

#endif
