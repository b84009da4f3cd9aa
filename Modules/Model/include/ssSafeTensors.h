#ifndef ssSafeTensors_h
#define ssSafeTensors_h

#include "SuperSpotModelExport.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ss
{

/** Element types of the safetensors format (the names are the format's). */
enum class SafeTensorDType
{
  F64,
  F32,
  F16,
  BF16,
  I64,
  I32,
  I16,
  I8,
  U8,
  BOOL
};

SuperSpotModel_EXPORT std::size_t SafeTensorDTypeSize(SafeTensorDType dtype);
SuperSpotModel_EXPORT const char * SafeTensorDTypeName(SafeTensorDType dtype);

/** One named tensor: dtype, shape (row-major), raw little-endian bytes. */
struct SuperSpotModel_EXPORT SafeTensor
{
  std::string name;
  SafeTensorDType dtype = SafeTensorDType::F32;
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> data;

  std::int64_t NumberOfElements() const;
  static SafeTensor FromFloats(std::string name, std::vector<std::int64_t> shape, const float * values);
  static SafeTensor FromBytes(std::string name, std::vector<std::uint8_t> bytes);
  /** The values of an F32 tensor (throws for any other dtype). */
  std::vector<float> ToFloats() const;
};

/** What a .safetensors file holds: free-form string metadata and the tensors, in
 * file order. */
struct SuperSpotModel_EXPORT SafeTensorsContent
{
  std::map<std::string, std::string> metadata;
  std::vector<SafeTensor> tensors;

  /** nullptr when absent. */
  const SafeTensor * Find(const std::string & name) const;
};

/** Default bound on the JSON header (the format's own readers use 100 MB). */
constexpr std::uint64_t SafeTensorsMaxHeaderBytes = 100ull * 1024 * 1024;

/** Writes the safetensors layout — 8-byte little-endian u64 header length, the JSON
 * header {name: {dtype, shape, data_offsets}, "__metadata__": {...}} padded with
 * spaces to 8 bytes, then the tensors' bytes back to back in the given order —
 * atomically (temporary file, then rename). Names must be unique and not
 * "__metadata__". */
SuperSpotModel_EXPORT void WriteSafeTensors(const std::string & path, const SafeTensorsContent & content);

/** Reads a safetensors file, validating everything before any allocation follows
 * a size read from the file: the header length (≤ maxHeaderBytes and inside the
 * file), the JSON, known dtypes, shapes, offsets (ordered, contiguous, covering
 * exactly the data section) and product(shape)·itemsize == bytes. Refuses
 * tampered, truncated or oversized files with an InputError naming the file and
 * the field. Nothing in the file is ever executed. */
SuperSpotModel_EXPORT SafeTensorsContent ReadSafeTensors(const std::string & path,
                                                         std::uint64_t maxHeaderBytes = SafeTensorsMaxHeaderBytes);

} // namespace ss

#endif
