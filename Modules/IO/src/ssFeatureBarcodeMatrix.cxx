#include "ssHDF5File.h"
#include "ssIOText.h"
#include "ssSpaceRanger.h"

#include "ssError.h"
#include "ssFiles.h"
#include "ssVersion.h"

#include <cmath>
#include <limits>

namespace ss
{

namespace
{
const char * const ReexportFix =
  "the matrix is inconsistent: re-run Space Ranger's output step or re-download the file";

void CheckLength(const hdf5::File & f,
                 const std::string & dataset,
                 std::size_t actual,
                 std::size_t expected,
                 const std::string & because)
{
  if (actual != expected)
  {
    SS_INPUT_ERROR(f.GetPath(),
                   dataset,
                   "has " + std::to_string(actual) + " entries but " + because + " says " + std::to_string(expected),
                   ReexportFix);
  }
}
} // namespace

FeatureBarcodeMatrix ReadFeatureBarcodeMatrixH5(const std::string & path)
{
  RequireFile(path, "feature-barcode matrix", "give outs/filtered_feature_bc_matrix.h5 of a Space Ranger run");
  const hdf5::File f = hdf5::File::Open(path, "feature-barcode matrix");
  if (!f.Exists("matrix"))
  {
    SS_INPUT_ERROR(path,
                   "matrix",
                   "no 'matrix' group (this is not the feature-barcode matrix layout of Space Ranger / Cell Ranger 3+)",
                   "give filtered_feature_bc_matrix.h5 from a Space Ranger outs/ folder");
  }
  FeatureBarcodeMatrix m;
  const std::vector<std::int64_t> shape = f.ReadInt64("matrix/shape");
  if (shape.size() != 2 || shape[0] < 0 || shape[1] < 0)
  {
    SS_INPUT_ERROR(path, "matrix/shape", "must hold two non-negative numbers (features, barcodes)", ReexportFix);
  }
  const auto nFeatures = static_cast<std::size_t>(shape[0]);
  const auto nBarcodes = static_cast<std::size_t>(shape[1]);
  if (shape[0] > std::numeric_limits<std::int32_t>::max())
  {
    SS_INPUT_ERROR(path, "matrix/shape", "more features than 32-bit row indices can address", ReexportFix);
  }

  m.barcodes = f.ReadStrings("matrix/barcodes");
  CheckLength(f, "matrix/barcodes", m.barcodes.size(), nBarcodes, "matrix/shape[1]");
  m.featureIds = f.ReadStrings("matrix/features/id");
  CheckLength(f, "matrix/features/id", m.featureIds.size(), nFeatures, "matrix/shape[0]");
  m.featureNames = f.ReadStrings("matrix/features/name");
  CheckLength(f, "matrix/features/name", m.featureNames.size(), nFeatures, "matrix/shape[0]");
  if (f.Exists("matrix/features/feature_type"))
  {
    m.featureTypes = f.ReadStrings("matrix/features/feature_type");
    CheckLength(f, "matrix/features/feature_type", m.featureTypes.size(), nFeatures, "matrix/shape[0]");
  }
  if (f.Exists("matrix/features/genome"))
  {
    m.genomes = f.ReadStrings("matrix/features/genome");
    CheckLength(f, "matrix/features/genome", m.genomes.size(), nFeatures, "matrix/shape[0]");
  }

  const std::vector<std::int64_t> indptr = f.ReadInt64("matrix/indptr");
  CheckLength(f, "matrix/indptr", indptr.size(), nBarcodes + 1, "matrix/shape[1] + 1");
  const std::size_t nnz = f.Length("matrix/data");
  if (indptr.front() != 0)
  {
    SS_INPUT_ERROR(path, "matrix/indptr", "must start at 0, starts at " + std::to_string(indptr.front()), ReexportFix);
  }
  for (std::size_t c = 0; c < nBarcodes; ++c)
  {
    if (indptr[c + 1] < indptr[c])
    {
      SS_INPUT_ERROR(path,
                     "matrix/indptr",
                     "decreases at barcode " + std::to_string(c) + " (" + std::to_string(indptr[c]) + " then " +
                       std::to_string(indptr[c + 1]) + ")",
                     ReexportFix);
    }
  }
  if (static_cast<std::size_t>(indptr.back()) != nnz)
  {
    SS_INPUT_ERROR(path,
                   "matrix/indptr",
                   "ends at " + std::to_string(indptr.back()) + " but matrix/data has " + std::to_string(nnz) +
                     " values",
                   ReexportFix);
  }
  const std::vector<std::int32_t> indices = f.ReadInt32("matrix/indices");
  CheckLength(f, "matrix/indices", indices.size(), nnz, "matrix/data");
  const std::vector<float> data = f.ReadFloat("matrix/data");

  m.counts.Reset(nFeatures);
  std::vector<std::pair<std::int32_t, float>> column;
  for (std::size_t c = 0; c < nBarcodes; ++c)
  {
    column.clear();
    for (auto k = indptr[c]; k < indptr[c + 1]; ++k)
    {
      const std::int32_t row = indices[static_cast<std::size_t>(k)];
      if (row < 0 || static_cast<std::size_t>(row) >= nFeatures)
      {
        SS_INPUT_ERROR(path,
                       "matrix/indices",
                       "value " + std::to_string(row) + " at position " + std::to_string(k) + " (barcode " +
                         m.barcodes[c] + ") is outside [0, " + std::to_string(nFeatures) + ")",
                       ReexportFix);
      }
      const float v = data[static_cast<std::size_t>(k)];
      if (!std::isfinite(v) || v < 0)
      {
        SS_INPUT_ERROR(path,
                       "matrix/data",
                       "value " + io::NumberText(v) + " (barcode " + m.barcodes[c] + ", feature " +
                         m.featureIds[static_cast<std::size_t>(row)] + ") is not a non-negative count",
                       "give the raw Space Ranger matrix, not a normalized one");
      }
      column.emplace_back(row, v);
    }
    m.counts.AppendSpot(column);
  }
  return m;
}

void WriteFeatureBarcodeMatrixH5(const std::string & path, const FeatureBarcodeMatrix & m)
{
  const std::size_t nFeatures = m.counts.GetNumberOfGenes();
  const std::size_t nBarcodes = m.counts.GetNumberOfSpots();
  auto requireLength = [&](std::size_t n, std::size_t expected, const char * what)
  {
    if (n != expected)
    {
      SS_INPUT_ERROR(path,
                     what,
                     std::to_string(n) + " entries for " + std::to_string(expected) + " matrix rows/columns",
                     "this is a caller bug: names and counts must agree");
    }
  };
  requireLength(m.barcodes.size(), nBarcodes, "barcodes");
  requireLength(m.featureIds.size(), nFeatures, "feature ids");
  requireLength(m.featureNames.size(), nFeatures, "feature names");
  if (!m.featureTypes.empty())
  {
    requireLength(m.featureTypes.size(), nFeatures, "feature types");
  }
  if (!m.genomes.empty())
  {
    requireLength(m.genomes.size(), nFeatures, "genomes");
  }
  const std::string bad = m.counts.FindInvalidValue(true, &m.featureNames, &m.barcodes);
  if (!bad.empty())
  {
    SS_INPUT_ERROR(path, "counts", bad, "a feature-barcode matrix holds raw integer counts");
  }
  std::vector<std::int32_t> data;
  data.reserve(m.counts.GetValues().size());
  for (const float v : m.counts.GetValues())
  {
    data.push_back(static_cast<std::int32_t>(std::lround(v)));
  }
  const std::vector<std::int64_t> indices(m.counts.GetRowIndices().begin(), m.counts.GetRowIndices().end());

  WriteAtomically(
    path,
    [&](const std::string & tmp)
    {
      hdf5::File f = hdf5::File::Create(tmp, path);
      f.CreateGroup("matrix");
      f.CreateGroup("matrix/features");
      f.WriteStrings("matrix/barcodes", m.barcodes);
      f.WriteInt32("matrix/data", data);
      f.WriteInt64("matrix/indices", indices);
      f.WriteInt64("matrix/indptr", m.counts.GetColumnPointers());
      f.WriteInt32("matrix/shape", { static_cast<std::int32_t>(nFeatures), static_cast<std::int32_t>(nBarcodes) });
      f.WriteStrings("matrix/features/id", m.featureIds);
      f.WriteStrings("matrix/features/name", m.featureNames);
      f.WriteStrings("matrix/features/feature_type",
                     m.featureTypes.empty() ? std::vector<std::string>(nFeatures, "Gene Expression") : m.featureTypes);
      f.WriteStrings("matrix/features/genome",
                     m.genomes.empty() ? std::vector<std::string>(nFeatures, "unknown") : m.genomes);
      f.WriteStrings("matrix/features/_all_tag_keys", { "genome" });
      // What scanpy.read_10x_h5 and Space Ranger's own tools look for.
      f.WriteStringAttribute("/", "filetype", "matrix");
      f.WriteInt32Attribute("/", "version", 2);
      f.WriteStringAttribute("/", "software_version", std::string("superspot-") + SUPERSPOT_VERSION);
      f.Close();
    });
}

} // namespace ss
