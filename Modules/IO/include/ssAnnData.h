#ifndef ssAnnData_h
#define ssAnnData_h

#include "SuperSpotIOExport.h"
#include "ssTypes.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace ss
{

/** A named column of one number per observation (obs) or per variable (var), stored as
 * float64. Units are the caller's: say them in the name ("x_um", "total_counts"). */
struct SuperSpotIO_EXPORT AnnDataColumn
{
  std::string name;
  std::vector<double> values;
};

/** A layer: a matrix of X's shape, n_obs x n_vars float32, row-major (value of
 * observation i and variable j at values[i * n_vars + j]). */
struct SuperSpotIO_EXPORT AnnDataLayer
{
  std::string name;
  std::vector<float> values;
};

/** A per-observation matrix (obsm) of n_obs x `columns` float64 values, row-major. */
struct SuperSpotIO_EXPORT AnnDataObsMatrix
{
  std::string name;
  std::vector<double> values;
  std::size_t columns = 0;
};

/** An image of the slide for uns['spatial'][libraryId]['images'][key], stored as an
 * H x W x 3 uint8 array (rows, columns, RGB), as scanpy's read_visium stores the Space
 * Ranger PNGs. Its ITK geometry is not stored: `scaleFactor` places it. */
struct SuperSpotIO_EXPORT AnnDataSpatialImage
{
  /** "hires" or "lowres" are what scanpy.pl.spatial and squidpy look for. */
  std::string key;
  RGBImageType::ConstPointer image;
  /** Image px per full-resolution H&E px (Space Ranger's tissue_hires_scalef): image pixel
   * (column, row) = scaleFactor * obsm['spatial'] (x, y). Written as
   * scalefactors['tissue_<key>_scalef']. Must be > 0. */
  double scaleFactor = 0;
};

/** \struct AnnDataContent
 * \brief What WriteAnnData writes: n_obs observations (spots, or HR pixels) x n_vars
 * variables (genes), annotations, and, for spatial data, what scanpy.pl.spatial reads.
 *
 * Spatial conventions (scanpy / squidpy, as read_visium makes them):
 * - obsm['spatial'] holds (x, y) = (column, row) positions in full-resolution H&E pixels,
 *   pixel centres at integers (the frame of Space Ranger's pxl_col/row_in_fullres, i.e.
 *   CoordinateFrame's pixel coordinates), n_obs x 2;
 * - uns['spatial'][libraryId] holds 'images' (below), 'scalefactors'
 *   {tissue_<key>_scalef for each image, spot_diameter_fullres} and 'metadata'.
 */
struct SuperSpotIO_EXPORT AnnDataContent
{
  /** obs_names: one unique name per observation (barcodes, or "x<col>_y<row>"). */
  std::vector<std::string> obsNames;
  /** obs columns (numbers, float64), each n_obs long, in this order. */
  std::vector<AnnDataColumn> obsColumns;
  /** var_names: one unique name per variable (gene symbols). */
  std::vector<std::string> varNames;
  /** var columns (numbers, float64), each n_vars long. */
  std::vector<AnnDataColumn> varColumns;
  /** X: n_obs x n_vars float32, row-major (values of observation i are X[i * n_vars ...]).
   * Units are the producer's (log1p-normalized expression for SuperSpot's maps: say which
   * in uns). NaN is allowed and stays NaN. */
  std::vector<float> X;
  /** Layers of X's shape (e.g. "std": the per-pixel standard deviation of the samples). */
  std::vector<AnnDataLayer> layers;
  /** obsm entries; "spatial" (n_obs x 2, full-resolution px) when libraryId is set. */
  std::vector<AnnDataObsMatrix> obsm;

  /** The key of uns['spatial'] (scanpy's library_id). Empty: no uns['spatial'] is written,
   * and then `images` must be empty. */
  std::string libraryId;
  std::vector<AnnDataSpatialImage> images;
  /** Diameter of one observation's footprint in full-resolution px (a Visium spot: 55 µm /
   * µm per px; an HR pixel: its side). scanpy.pl.spatial sizes its dots with it: required
   * (> 0) when libraryId is set. */
  double spotDiameterFullres = 0;
  /** uns['spatial'][libraryId]['metadata']: a JSON object (may be empty). */
  nlohmann::json spatialMetadata = nlohmann::json::object();

  /** Further uns entries: a JSON object whose values are numbers, booleans, strings,
   * objects (nested dicts) or arrays. Arrays must be homogeneous: numbers (int64 when all
   * are integers, else float64), booleans or strings, or nested arrays of equal length
   * (n-dimensional numeric arrays); an empty array is stored as an empty float64 array.
   * null and arrays of objects or of mixed types have no AnnData encoding and are refused.
   * The key "spatial" belongs to libraryId. */
  nlohmann::json uns = nlohmann::json::object();

  std::size_t NumberOfObservations() const { return obsNames.size(); }
  std::size_t NumberOfVariables() const { return varNames.size(); }

  /** Throws InputError naming `path` and the offending field (its size, a duplicate name,
   * a key with '/', an unencodable uns value, ...) unless WriteAnnData can write this. */
  void Validate(const std::string & path) const;
};

/** Writes `content` as an AnnData .h5ad file (HDF5) that anndata.read_h5ad (0.8+) and
 * scanpy read, following AnnData's on-disk specification: root encoding-type "anndata"
 * 0.1.0; obs and var as "dataframe" 0.2.0 (string-array "_index", float64 columns in
 * column-order); X, layers and obsm entries as dense "array" 0.2.0; obsm, layers, obsp,
 * varm, varp and uns as "dict" 0.1.0; uns values as "numeric-scalar", "string", "array"
 * and "string-array". Strings are variable-length UTF-8, as h5py writes them.
 *
 * X, the layers, obsm and the images are chunked and compressed (shuffle + gzip): about
 * 64 Ki values a chunk, so 100k observations x 50 genes read back in pieces. The file is
 * written atomically (a temporary in the same folder, renamed over `path`): on any error
 * `path` is left as it was and no temporary remains. Errors are InputError naming `path`. */
SuperSpotIO_EXPORT void WriteAnnData(const std::string & path, const AnnDataContent & content);

} // namespace ss

#endif
