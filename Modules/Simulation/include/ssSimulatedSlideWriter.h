#ifndef ssSimulatedSlideWriter_h
#define ssSimulatedSlideWriter_h

#include "SuperSpotSimulationExport.h"
#include "ssPyramidalTIFFWriter.h"
#include "ssSimulatedTissue.h"

#include <string>
#include <vector>

namespace ss
{

/** \struct SimulatedSlideFormats
 * \brief What WriteSimulatedSlide writes, and how.
 *
 * Spot formats (Space Ranger outs/, legacy ST) are not written here: they need
 * pseudo-spots aggregated from the molecules (Modules/Pairs), which the IO module's
 * WriteSpaceRangerOuts / WriteLegacyST then write from a SpotDataset.
 */
struct SuperSpotSimulation_EXPORT SimulatedSlideFormats
{
  /** A Xenium-style output bundle in the folder: transcripts.csv.gz (µm), experiment.xenium,
   * cell_feature_matrix.h5 (counts per cell, barcodes = cell ids), he.tif (pyramidal H&E)
   * and he_imagealignment.csv (H&E px -> morphology px, as Xenium Explorer exports it). */
  bool xenium = true;
  /** ground_truth/: simulation.json (the parameters), cells.csv.gz (cell_id, position, type,
   * domain, morphology, module activity, total counts), genes.csv (module and expected counts
   * per cell type), domain_labels.nrrd and cell_type_labels.nrrd (0 = none, else index + 1). */
  bool groundTruth = true;
  double morphologyPixelSizeUm = 0.2125; ///< experiment.xenium pixel_size (current instruments)
  PyramidalTIFFOptions he;               ///< encoding of he.tif
  double labelSpacingUm = 2;             ///< pixel size of the label maps, µm
  bool overwrite = false;                ///< replace the files of a non-empty folder
  unsigned int workUnits = 0;            ///< threads for molecules and rendering (0: ITK's default)
};

/** Cell ids as the files name them: "SIMC-" and the 1-based cell index, zero-padded to 7. */
SuperSpotSimulation_EXPORT std::string SimulatedCellId(std::size_t cell);

/** Writes `tissue` into the folder `dir` (created; a non-empty one is refused unless
 * formats.overwrite) in the formats chosen, every file atomically. Memory: the molecule
 * table (12 bytes per molecule, 180 MB for a full Visium capture area) plus the renderer's
 * two rows of tiles. Returns the paths written. */
SuperSpotSimulation_EXPORT std::vector<std::string> WriteSimulatedSlide(const std::string & dir,
                                                                        const SimulatedTissue & tissue,
                                                                        const SimulatedSlideFormats & formats = {});

} // namespace ss

#endif
