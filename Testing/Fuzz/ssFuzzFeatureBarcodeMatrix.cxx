// 10x feature-barcode matrices (.h5, ReadFeatureBarcodeMatrixH5). The first byte says what
// the rest is:
//   even: the .h5 file's bytes (the seeds: valid matrices, then mutated: damaged files for
//         the HDF5 library and then our checks);
//   odd:  a recipe for a well-formed HDF5 file whose datasets disagree (lengths, shape,
//         pointers, indices, values, missing or extra datasets, strings), written with the
//         module's own HDF5 layer: what reaches the CSC checks of the reader.

#include "ssFuzzing.h"
#include "ssHDF5File.h"
#include "ssSpaceRanger.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>

namespace
{
std::vector<std::int64_t> Int64s(FuzzedDataProvider & in, std::size_t n, std::int64_t lo, std::int64_t hi)
{
  std::vector<std::int64_t> v(n);
  for (auto & x : v)
  {
    x = in.ConsumeIntegralInRange<std::int64_t>(lo, hi);
  }
  return v;
}

std::vector<std::string> Strings(FuzzedDataProvider & in, std::size_t n, const char * prefix)
{
  std::vector<std::string> v(n);
  for (std::size_t i = 0; i < n; ++i)
  {
    v[i] = in.ConsumeBool() ? in.ConsumeRandomLengthString(12) : prefix + std::to_string(i);
  }
  return v;
}

void WriteRecipe(const std::string & path, FuzzedDataProvider & in)
{
  ss::hdf5::File f = ss::hdf5::File::Create(path, path);
  f.CreateGroup("matrix");
  const bool features = in.ConsumeIntegralInRange<int>(0, 15) != 0;
  if (features)
  {
    f.CreateGroup("matrix/features");
  }
  const std::size_t nFeatures = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  const std::size_t nBarcodes = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  // Each length is right most of the time, so that the checks after it are reached.
  auto length = [&](std::size_t right)
  { return in.ConsumeIntegralInRange<int>(0, 7) ? right : in.ConsumeIntegralInRange<std::size_t>(0, 8); };
  std::vector<std::int64_t> shape = { static_cast<std::int64_t>(nFeatures), static_cast<std::int64_t>(nBarcodes) };
  if (!in.ConsumeIntegralInRange<int>(0, 7))
  {
    shape = Int64s(in, in.ConsumeIntegralInRange<std::size_t>(0, 3), -3, std::int64_t{ 1 } << 40);
  }
  if (in.ConsumeBool())
  {
    f.WriteInt64("matrix/shape", shape);
  }
  else
  {
    std::vector<std::int32_t> shape32(shape.begin(), shape.end());
    f.WriteInt32("matrix/shape", shape32);
  }
  f.WriteStrings("matrix/barcodes", Strings(in, length(nBarcodes), "BC"));
  if (features)
  {
    f.WriteStrings("matrix/features/id", Strings(in, length(nFeatures), "ENSG"));
    f.WriteStrings("matrix/features/name", Strings(in, length(nFeatures), "GENE"));
    if (in.ConsumeBool())
    {
      std::vector<std::string> types = Strings(in, length(nFeatures), "T");
      for (auto & t : types)
      {
        if (in.ConsumeBool())
        {
          t = "Gene Expression";
        }
      }
      f.WriteStrings("matrix/features/feature_type", types);
    }
    if (in.ConsumeBool())
    {
      f.WriteStrings("matrix/features/genome", Strings(in, length(nFeatures), "GRCh38"));
    }
  }
  // Column pointers: increasing most of the time.
  std::vector<std::int64_t> indptr(length(nBarcodes + 1));
  std::int64_t at = 0;
  for (std::size_t c = 0; c < indptr.size(); ++c)
  {
    indptr[c] = at;
    at += in.ConsumeIntegralInRange<int>(0, 15) ? in.ConsumeIntegralInRange<std::int64_t>(0, 4)
                                                : in.ConsumeIntegralInRange<std::int64_t>(-1000, 1000);
  }
  if (!indptr.empty() && !in.ConsumeIntegralInRange<int>(0, 15))
  {
    indptr.front() = in.ConsumeIntegral<std::int64_t>();
  }
  const std::size_t nnz = indptr.empty() || indptr.back() < 0 || indptr.back() > 64
                            ? in.ConsumeIntegralInRange<std::size_t>(0, 8)
                            : static_cast<std::size_t>(indptr.back());
  if (in.ConsumeIntegralInRange<int>(0, 15))
  {
    f.WriteInt64("matrix/indptr", indptr);
  }
  const std::int64_t lowest = in.ConsumeIntegralInRange<int>(0, 7) ? 0 : -5;
  const std::int64_t highest = static_cast<std::int64_t>(nFeatures) + (in.ConsumeBool() ? 0 : 3) - 1;
  const std::vector<std::int64_t> indices = Int64s(in, length(nnz), lowest, std::max(lowest, highest));
  if (in.ConsumeBool())
  {
    f.WriteInt64("matrix/indices", indices);
  }
  else
  {
    f.WriteInt32("matrix/indices", std::vector<std::int32_t>(indices.begin(), indices.end()));
  }
  std::vector<std::int32_t> values(length(nnz));
  for (auto & v : values)
  {
    v = in.ConsumeIntegralInRange<int>(0, 7) ? in.ConsumeIntegralInRange<std::int32_t>(0, 50)
                                             : in.ConsumeIntegral<std::int32_t>();
  }
  if (in.ConsumeIntegralInRange<int>(0, 15))
  {
    f.WriteInt32("matrix/data", values);
  }
  else
  {
    f.WriteStrings("matrix/data", Strings(in, values.size(), "v"));
  }
  f.Close();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t * data, std::size_t size)
{
  if (size < 1)
  {
    return 0;
  }
  const std::string path = ss::fuzz::ScratchFolder() + "/matrix.h5";
  if ((data[0] & 1) == 0)
  {
    ss::fuzz::WriteFile("matrix.h5", std::string_view(reinterpret_cast<const char *>(data) + 1, size - 1));
  }
  else
  {
    FuzzedDataProvider in(data + 1, size - 1);
    ss::fuzz::Read([&] { WriteRecipe(path, in); });
  }
  ss::fuzz::Read(
    [&]
    {
      const ss::FeatureBarcodeMatrix m = ss::ReadFeatureBarcodeMatrixH5(path);
      const std::size_t genes = m.counts.GetNumberOfGenes();
      if (m.barcodes.size() != m.counts.GetNumberOfSpots() || m.featureIds.size() != genes ||
          m.featureNames.size() != genes || m.counts.FindInvalidValue(false) != "")
      {
        std::abort(); // what is read is consistent
      }
      m.counts.GeneTotals();
      m.counts.SpotTotals();
    });
  return 0;
}
