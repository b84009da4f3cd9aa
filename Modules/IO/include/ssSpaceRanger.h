#ifndef ssSpaceRanger_h
#define ssSpaceRanger_h

#include "SuperSpotIOExport.h"
#include "ssCoordinateFrame.h"
#include "ssSpotData.h"
#include "ssTypes.h"

#include <string>
#include <vector>

namespace ss
{

/** \struct FeatureBarcodeMatrix
 * \brief The content of a 10x feature-barcode matrix .h5 (Space Ranger / Cell Ranger 3+,
 * also Xenium's cell_feature_matrix.h5): every feature, not only genes.
 *
 * counts is features x barcodes (CSC, one column per barcode), raw counts.
 */
struct SuperSpotIO_EXPORT FeatureBarcodeMatrix
{
  std::vector<std::string> barcodes;
  std::vector<std::string> featureIds;   ///< e.g. Ensembl ids
  std::vector<std::string> featureNames; ///< gene symbols (not unique in real references)
  std::vector<std::string> featureTypes; ///< "Gene Expression", "Antibody Capture", ...
  std::vector<std::string> genomes;      ///< may be empty
  SparseCounts counts;
};

/** Reads matrix/{barcodes,data,indices,indptr,shape} and matrix/features/{id,name,feature_type[,genome]}.
 * Checks the CSC arrays (shape, pointer monotonicity, index range, lengths) and throws
 * InputError naming the file and the dataset. Row indices within a column may be unsorted
 * or repeated (repeats are summed). */
SuperSpotIO_EXPORT FeatureBarcodeMatrix ReadFeatureBarcodeMatrixH5(const std::string & path);

/** Writes the same layout (data int32, indices/indptr int64, shape int32, fixed-length
 * strings, gzip-compressed chunks), atomically. Counts must be non-negative integers. */
SuperSpotIO_EXPORT void WriteFeatureBarcodeMatrixH5(const std::string & path, const FeatureBarcodeMatrix & matrix);

/** Space Ranger's spatial/scalefactors_json.json. 0 = absent from the file. */
struct SuperSpotIO_EXPORT SpaceRangerScaleFactors
{
  double spotDiameterFullres = 0;     ///< full-res px across a theoretical 65 µm spot (see below)
  double fiducialDiameterFullres = 0; ///< full-res px across a fiducial spot
  double hiresScale = 0;              ///< tissue_hires_scalef: hires px = full-res px * this
  double lowresScale = 0;             ///< tissue_lowres_scalef
};
SuperSpotIO_EXPORT SpaceRangerScaleFactors ReadSpaceRangerScaleFactors(const std::string & path);

/** Visium capture spots are 55 µm across on a 100 µm centre-to-centre hexagonal grid. */
constexpr double VisiumSpotDiameterUm = 55.0;
constexpr double VisiumPitchUm = 100.0;
/** What spot_diameter_fullres measures: "the number of pixels that span the diameter of a
 * theoretical 65µm spot in the original, full-resolution image" (Space Ranger 1.3 docs,
 * Outputs > Images, software.10xgenomics.com/spatial-gene-expression/software/pipelines/1.3/
 * output/images), not the 55 µm capture spot. The array grid of real data agrees: in the
 * scanpy fixture same-row neighbours (100 µm apart) are 137.5 px apart and
 * spot_diameter_fullres is 89.43 px, i.e. 0.727 µm/px = 65 µm / 89.43 px (55 µm would give
 * 0.615 µm/px and an 85 µm pitch). Fiducials: 105 µm (fiducial_diameter_fullres). */
constexpr double VisiumScaleFactorSpotUm = 65.0;
constexpr double VisiumScaleFactorFiducialUm = 105.0;

struct SuperSpotIO_EXPORT SpaceRangerReadOptions
{
  /** Keep only spots whose in_tissue flag is 1 (the filtered matrix normally has only those). */
  bool inTissueOnly = true;
  /** µm per full-resolution pixel. 0 (default) derives it from the scale factors as
   * 65 µm / spot_diameter_fullres (VisiumScaleFactorSpotUm); set it when the scanner's
   * calibration is known to be better. */
  double micronsPerPixel = 0;
  /** Matrix file inside outs/ (e.g. "raw_feature_bc_matrix.h5"). */
  std::string matrixFile = "filtered_feature_bc_matrix.h5";
};

/** Reads a Space Ranger outs/ folder into a SpotDataset in µm.
 *
 * - genes: "Gene Expression" features only (the others are dropped and logged); duplicate
 *   symbols, which real references have, become "SYMBOL (FEATURE_ID)" with a note.
 * - positions: spatial/tissue_positions_list.csv (1.x) or spatial/tissue_positions.csv (2.x),
 *   header detected either way; parquet-only folders are refused with the conversion to do.
 * - frame: µm/px from the options or 65 µm / spot_diameter_fullres; hires/lowres scales from
 *   the scale factors; the array grid (array_col, array_row) fitted to the full-res pixels,
 *   and checked against the 100 µm pitch (a disagreement over 5% is a warning and a note).
 * - spots: positionPx = (pxl_col_in_fullres, pxl_row_in_fullres) (x is the column),
 *   positionUm through the frame, arrayCol/arrayRow, inTissue.
 * - platform "visium", Hexagonal lattice, pitch 100 µm, diameter 55 µm; counts are raw.
 * Matrix barcodes without a position are an error; dropped spots are listed in notes. */
SuperSpotIO_EXPORT SpotDataset ReadSpaceRangerOuts(const std::string & outsDir,
                                                   const SpaceRangerReadOptions & options = {});

/** spatial/tissue_{hires,lowres}_image.png of `outsDir`. `level` is "hires" or "lowres". */
SuperSpotIO_EXPORT std::string SpaceRangerImagePath(const std::string & outsDir, const std::string & level);

/** Reads the hires or lowres PNG as RGB with geometry fullResFrame.Downsampled(scale), so it
 * lies in µm on top of the spots (the frame of the SpotDataset read from the same folder). */
SuperSpotIO_EXPORT RGBImageType::Pointer ReadSpaceRangerImage(const std::string & outsDir,
                                                              const std::string & level,
                                                              const CoordinateFrame & fullResFrame);

struct SuperSpotIO_EXPORT SpaceRangerWriteOptions
{
  /** 1: spatial/tissue_positions_list.csv without header (Space Ranger 1.x);
   *  2: spatial/tissue_positions.csv with header (Space Ranger 2.x). */
  int positionsVersion = 2;
  unsigned int hiresMaxSize = 2000; ///< longest side of tissue_hires_image.png, px
  unsigned int lowresMaxSize = 600; ///< longest side of tissue_lowres_image.png, px
  /** Also write the full-resolution image (what users pass to SuperSpot as the H&E). */
  bool writeFullResImage = false;
  std::string fullResImageName = "tissue_image.tif"; ///< relative to the outs folder
};

/** Writes `dataset` as a Space Ranger outs/ folder: filtered_feature_bc_matrix.h5,
 * spatial/tissue_positions*.csv, spatial/scalefactors_json.json and, when `fullRes` is given,
 * the hires/lowres PNGs area-averaged from it (and optionally the image itself).
 *
 * The frame must be square pixels without rotation and with origin 0: that is all Space
 * Ranger can express (spot_diameter_fullres = 65 µm / µm-per-px). Positions are written
 * as (pxl_row, pxl_col) = (positionPx[1], positionPx[0]). Every file is written atomically. */
SuperSpotIO_EXPORT void WriteSpaceRangerOuts(const std::string & outsDir,
                                             const SpotDataset & dataset,
                                             const RGBImageType * fullRes,
                                             const SpaceRangerWriteOptions & options = {});

/** The hires and lowres images of an outs/ folder, made beforehand: image px = full-res px ×
 * scale (tissue_hires_scalef, tissue_lowres_scalef), scale in (0, 1]. */
struct SuperSpotIO_EXPORT SpaceRangerImages
{
  RGBImageType::ConstPointer hires;
  double hiresScale = 0;
  RGBImageType::ConstPointer lowres;
  double lowresScale = 0;
};

/** WriteSpaceRangerOuts with the downsampled images already made, for slides too large to
 * hold at full resolution: make them with StreamingRGBDownsampler while the slide is written
 * as a pyramidal TIFF (WritePyramidalTIFF). Either image may be null (not written, its scale
 * factor left out). options.hiresMaxSize/lowresMaxSize are not used, and
 * options.writeFullResImage must be false (there is no full-resolution image here). */
SuperSpotIO_EXPORT void WriteSpaceRangerOuts(const std::string & outsDir,
                                             const SpotDataset & dataset,
                                             const SpaceRangerImages & images,
                                             const SpaceRangerWriteOptions & options = {});

} // namespace ss

#endif
