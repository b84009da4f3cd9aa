#ifndef ssXenium_h
#define ssXenium_h

#include "SuperSpotIOExport.h"
#include "ssCoordinateFrame.h"
#include "ssSpotData.h"

#include "itkMatrix.h"

#include <string>

namespace ss
{

/** 10x Xenium output bundles.
 *
 * Coordinates: transcripts.csv.gz gives x_location, y_location, z_location in µm, in the frame
 * of the morphology (DAPI) image, whose pixels are experiment.xenium's pixel_size µm
 * (0.2125 µm on current instruments): morphology px = µm / pixel_size.
 *
 * The H&E alignment CSV that Xenium Explorer exports after "Image alignment" (e.g.
 * <name>_imagealignment.csv) is a 3 x 3 affine matrix M, three comma-separated rows and no
 * header, whose last row is 0,0,1. It maps H&E image pixels to morphology image pixels:
 *
 *     [x_morph, y_morph, 1]^T = M [x_he, y_he, 1]^T,   µm = pixel_size * (x_morph, y_morph).
 *
 * Source: 10x Genomics knowledge base, "How can I convert coordinates between H&E image and
 * Xenium data?" (kb.10xgenomics.com/hc/en-us/articles/35386990499853): "this transformation
 * matrix can be used to convert coordinates in H&E image to Xenium data" (the H&E's top-left
 * pixel (0,0) maps to the matrix's translation column, in pixels), then multiplied by the
 * pixel_size of experiment.xenium for microns. spatialdata-io's xenium_aligned_image applies
 * the same matrix as the image's affine into the morphology-pixel frame.
 * So the H&E's CoordinateFrame (H&E px -> µm) has pixelToMicrons = pixel_size * M[0:2, 0:2]
 * and origin = pixel_size * M[0:2, 2].
 */

/** Probes that are not genes: NegControlProbe_*, NegControlCodeword_*, BLANK_*,
 * UnassignedCodeword_*, DeprecatedCodeword_*, Intergenic*, antisense_*. */
SuperSpotIO_EXPORT bool IsXeniumControlFeature(const std::string & name);

/** Reads transcripts.csv(.gz): x_location, y_location, z_location (µm), feature_name, qv.
 * Drops molecules with qv < minQV and control / blank probes (IsXeniumControlFeature, and
 * is_gene = false where that column exists), reporting the numbers dropped in notes.
 * Parquet-only bundles are refused with the conversion to do. */
SuperSpotIO_EXPORT MoleculeTable ReadXeniumTranscripts(const std::string & path, double minQV = 20);

struct SuperSpotIO_EXPORT XeniumExperiment
{
  double pixelSizeUm = 0; ///< µm per morphology-image pixel
  std::string runName;
  std::string regionName;
  std::string panelName;
  std::string panelOrganism;
  std::string analysisSoftwareVersion;
  long long numberOfCells = -1; ///< -1 when absent
};

/** Reads experiment.xenium (JSON): pixel_size (required, > 0) and the descriptive fields. */
SuperSpotIO_EXPORT XeniumExperiment ReadXeniumExperiment(const std::string & path);

/** Reads Xenium Explorer's H&E alignment matrix (see above) and returns the H&E's frame:
 * H&E full-res px -> µm of the transcripts. Throws InputError for a malformed file, a last
 * row other than 0,0,1, or a singular matrix. */
SuperSpotIO_EXPORT CoordinateFrame ReadXeniumAlignment(const std::string & csvPath, double pixelSizeUm);

/** A Xenium run with its post-Xenium H&E placed in the transcripts' µm frame. */
struct SuperSpotIO_EXPORT XeniumBundle
{
  std::string directory;
  XeniumExperiment experiment;
  MoleculeTable molecules;
  std::string hePath;      ///< empty when no H&E was given
  CoordinateFrame heFrame; ///< H&E full-res px -> µm
  SizeType heSize;         ///< H&E full-res size, px
};

/** Reads dir/transcripts.csv(.gz) and dir/experiment.xenium; with `hePath`, also the H&E's
 * size and, from `alignmentCsv`, its frame. Throws InputError when the aligned H&E does not
 * overlap the molecules (and says whether the inverse matrix would). */
SuperSpotIO_EXPORT XeniumBundle ReadXeniumBundle(const std::string & dir,
                                                 const std::string & hePath = "",
                                                 const std::string & alignmentCsv = "",
                                                 double minQV = 20);

/** Writes transcripts.csv(.gz, by extension) with transcript_id, cell_id, overlaps_nucleus,
 * feature_name, x_location, y_location, z_location, qv (z and qv from the table, else 0 and 40).
 * `gzipLevel` (1 to 9, .gz only): compression takes most of the time of large tables; on the
 * simulator's 15M-molecule slide level 1 takes 10 s of CPU where 6 (gzip's default) takes 35 s,
 * for a file 17 % larger. */
SuperSpotIO_EXPORT void WriteXeniumTranscripts(const std::string & path,
                                               const MoleculeTable & molecules,
                                               int gzipLevel = 6);
/** Writes a minimal experiment.xenium with pixel_size (µm per morphology pixel). */
SuperSpotIO_EXPORT void WriteXeniumExperiment(const std::string & path, double pixelSizeUm);
/** Writes an alignment matrix (H&E px -> morphology px) as Xenium Explorer does. */
SuperSpotIO_EXPORT void WriteXeniumAlignment(const std::string & path, const itk::Matrix<double, 3, 3> & matrix);
/** The alignment matrix of an H&E frame (H&E px -> µm) for a morphology pixel size. */
SuperSpotIO_EXPORT itk::Matrix<double, 3, 3> XeniumAlignmentMatrix(const CoordinateFrame & heFrame, double pixelSizeUm);

} // namespace ss

#endif
