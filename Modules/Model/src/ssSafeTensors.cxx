#include "ssSafeTensors.h"

#include "ssError.h"
#include "ssFiles.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data are little-endian; add byte swapping for this host");

namespace ss
{

namespace
{

struct DTypeInfo
{
  SafeTensorDType dtype;
  const char * name;
  std::size_t size;
};

constexpr DTypeInfo DTypes[] = { { SafeTensorDType::F64, "F64", 8 }, { SafeTensorDType::F32, "F32", 4 },
                                 { SafeTensorDType::F16, "F16", 2 }, { SafeTensorDType::BF16, "BF16", 2 },
                                 { SafeTensorDType::I64, "I64", 8 }, { SafeTensorDType::I32, "I32", 4 },
                                 { SafeTensorDType::I16, "I16", 2 }, { SafeTensorDType::I8, "I8", 1 },
                                 { SafeTensorDType::U8, "U8", 1 },   { SafeTensorDType::BOOL, "BOOL", 1 } };

const DTypeInfo & Info(SafeTensorDType dtype)
{
  for (const auto & d : DTypes)
  {
    if (d.dtype == dtype)
    {
      return d;
    }
  }
  throw std::logic_error("unknown SafeTensorDType");
}

const char * const FixCorrupt = "the file is damaged or was not written by SuperSpot: copy it again or retrain";

} // namespace

std::size_t SafeTensorDTypeSize(SafeTensorDType dtype)
{
  return Info(dtype).size;
}

const char * SafeTensorDTypeName(SafeTensorDType dtype)
{
  return Info(dtype).name;
}

std::int64_t SafeTensor::NumberOfElements() const
{
  std::int64_t n = 1;
  for (auto d : shape)
  {
    n *= d;
  }
  return n;
}

SafeTensor SafeTensor::FromFloats(std::string name, std::vector<std::int64_t> shape, const float * values)
{
  SafeTensor t;
  t.name = std::move(name);
  t.dtype = SafeTensorDType::F32;
  t.shape = std::move(shape);
  const std::size_t bytes = static_cast<std::size_t>(t.NumberOfElements()) * sizeof(float);
  t.data.resize(bytes);
  if (bytes)
  {
    std::memcpy(t.data.data(), values, bytes);
  }
  return t;
}

SafeTensor SafeTensor::FromBytes(std::string name, std::vector<std::uint8_t> bytes)
{
  SafeTensor t;
  t.name = std::move(name);
  t.dtype = SafeTensorDType::U8;
  t.shape = { static_cast<std::int64_t>(bytes.size()) };
  t.data = std::move(bytes);
  return t;
}

std::vector<float> SafeTensor::ToFloats() const
{
  if (dtype != SafeTensorDType::F32)
  {
    SS_INPUT_ERROR("", name, std::string("has dtype ") + SafeTensorDTypeName(dtype) + ", expected F32", FixCorrupt);
  }
  std::vector<float> v(data.size() / sizeof(float));
  if (!v.empty())
  {
    std::memcpy(v.data(), data.data(), v.size() * sizeof(float));
  }
  return v;
}

const SafeTensor * SafeTensorsContent::Find(const std::string & name) const
{
  for (const auto & t : tensors)
  {
    if (t.name == name)
    {
      return &t;
    }
  }
  return nullptr;
}

void WriteSafeTensors(const std::string & path, const SafeTensorsContent & content)
{
  nlohmann::json header = nlohmann::json::object();
  if (!content.metadata.empty())
  {
    header["__metadata__"] = content.metadata;
  }
  std::set<std::string> names;
  std::uint64_t offset = 0;
  for (const auto & t : content.tensors)
  {
    if (t.name.empty() || t.name == "__metadata__" || !names.insert(t.name).second)
    {
      SS_INPUT_ERROR(
        path, t.name, "tensor names must be unique, non-empty and not __metadata__", "this is a bug in the caller");
    }
    for (auto d : t.shape)
    {
      if (d < 0)
      {
        SS_INPUT_ERROR(path, t.name, "has a negative dimension", "this is a bug in the caller");
      }
    }
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.NumberOfElements()) * SafeTensorDTypeSize(t.dtype);
    if (bytes != t.data.size())
    {
      SS_INPUT_ERROR(path,
                     t.name,
                     "holds " + std::to_string(t.data.size()) + " bytes for a shape of " + std::to_string(bytes),
                     "this is a bug in the caller");
    }
    header[t.name] = { { "dtype", SafeTensorDTypeName(t.dtype) },
                       { "shape", t.shape },
                       { "data_offsets", { offset, offset + bytes } } };
    offset += bytes;
  }
  std::string text = header.dump();
  // Readers may map the data section; the format pads the header to 8 bytes with spaces.
  text.append((8 - text.size() % 8) % 8, ' ');
  WriteAtomically(
    path,
    [&](const std::string & tmp)
    {
      std::ofstream out(tmp, std::ios::binary);
      std::uint8_t length[8];
      const std::uint64_t n = text.size();
      for (int i = 0; i < 8; ++i)
      {
        length[i] = static_cast<std::uint8_t>(n >> (8 * i));
      }
      out.write(reinterpret_cast<const char *>(length), 8);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      for (const auto & t : content.tensors)
      {
        out.write(reinterpret_cast<const char *>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
      }
      out.flush();
      if (!out)
      {
        SS_INPUT_ERROR(path, "output", "cannot write the file", "check the output folder's permissions and free space");
      }
    });
}

SafeTensorsContent ReadSafeTensors(const std::string & path, std::uint64_t maxHeaderBytes)
{
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
  {
    SS_INPUT_ERROR(path, "file", "cannot be opened", "check the path and its permissions");
  }
  const std::uint64_t fileSize = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (fileSize < 8)
  {
    SS_INPUT_ERROR(path,
                   "header length",
                   "the file is truncated (" + std::to_string(fileSize) +
                     " bytes, shorter than the 8-byte header length)",
                   FixCorrupt);
  }
  std::uint8_t length[8];
  in.read(reinterpret_cast<char *>(length), 8);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
  {
    n |= static_cast<std::uint64_t>(length[i]) << (8 * i);
  }
  if (n > maxHeaderBytes)
  {
    SS_INPUT_ERROR(path,
                   "header length",
                   std::to_string(n) + " bytes exceeds the limit of " + std::to_string(maxHeaderBytes),
                   FixCorrupt);
  }
  if (n > fileSize - 8)
  {
    SS_INPUT_ERROR(path,
                   "header length",
                   std::to_string(n) + " bytes runs past the end of the file (" + std::to_string(fileSize) +
                     " bytes): truncated",
                   FixCorrupt);
  }
  std::string text(static_cast<std::size_t>(n), '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  if (!in)
  {
    SS_INPUT_ERROR(path, "header", "cannot be read", FixCorrupt);
  }
  nlohmann::json header;
  try
  {
    header = nlohmann::json::parse(text);
  }
  catch (const nlohmann::json::exception & e)
  {
    SS_INPUT_ERROR(path, "header", std::string("is not valid JSON (") + e.what() + ")", FixCorrupt);
  }
  if (!header.is_object())
  {
    SS_INPUT_ERROR(path, "header", "is not a JSON object", FixCorrupt);
  }

  SafeTensorsContent content;
  struct Entry
  {
    SafeTensor tensor;
    std::uint64_t begin = 0, end = 0;
  };
  std::vector<Entry> entries;
  for (const auto & item : header.items())
  {
    const std::string & name = item.key();
    const nlohmann::json & v = item.value();
    if (name == "__metadata__")
    {
      if (!v.is_object())
      {
        SS_INPUT_ERROR(path, "__metadata__", "is not an object of strings", FixCorrupt);
      }
      for (const auto & m : v.items())
      {
        if (!m.value().is_string())
        {
          SS_INPUT_ERROR(path, "__metadata__." + m.key(), "is not a string", FixCorrupt);
        }
        content.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (!v.is_object() || v.size() != 3 || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
    {
      SS_INPUT_ERROR(path, name, "is not {dtype, shape, data_offsets}", FixCorrupt);
    }
    Entry e;
    e.tensor.name = name;
    const auto & dt = v["dtype"];
    bool known = false;
    if (dt.is_string())
    {
      for (const auto & d : DTypes)
      {
        if (dt.get<std::string>() == d.name)
        {
          e.tensor.dtype = d.dtype;
          known = true;
        }
      }
    }
    if (!known)
    {
      SS_INPUT_ERROR(path, name + ".dtype", "'" + dt.dump() + "' is not a known dtype", FixCorrupt);
    }
    const auto & shape = v["shape"];
    if (!shape.is_array())
    {
      SS_INPUT_ERROR(path, name + ".shape", "is not an array", FixCorrupt);
    }
    std::uint64_t elements = 1;
    for (const auto & d : shape)
    {
      if (!d.is_number_unsigned())
      {
        SS_INPUT_ERROR(path, name + ".shape", "has an entry that is not a non-negative integer", FixCorrupt);
      }
      const std::uint64_t dim = d.get<std::uint64_t>();
      if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          __builtin_mul_overflow(elements, dim, &elements))
      {
        SS_INPUT_ERROR(path, name + ".shape", "is too large", FixCorrupt);
      }
      e.tensor.shape.push_back(static_cast<std::int64_t>(dim));
    }
    const auto & off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    {
      SS_INPUT_ERROR(path, name + ".data_offsets", "is not [begin, end] of non-negative integers", FixCorrupt);
    }
    e.begin = off[0].get<std::uint64_t>();
    e.end = off[1].get<std::uint64_t>();
    if (e.end < e.begin)
    {
      SS_INPUT_ERROR(path, name + ".data_offsets", "ends before it begins", FixCorrupt);
    }
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(elements, static_cast<std::uint64_t>(SafeTensorDTypeSize(e.tensor.dtype)), &bytes) ||
        bytes != e.end - e.begin)
    {
      SS_INPUT_ERROR(path,
                     name + ".data_offsets",
                     "covers " + std::to_string(e.end - e.begin) + " bytes but the dtype and shape need " +
                       std::to_string(bytes),
                     FixCorrupt);
    }
    entries.push_back(std::move(e));
  }
  // The data section must be covered exactly: ordered, no overlap, no holes, nothing beyond.
  std::sort(entries.begin(),
            entries.end(),
            [](const Entry & a, const Entry & b)
            { return a.begin < b.begin || (a.begin == b.begin && a.end < b.end); });
  const std::uint64_t dataSize = fileSize - 8 - n;
  std::uint64_t expected = 0;
  for (const auto & e : entries)
  {
    if (e.begin != expected)
    {
      SS_INPUT_ERROR(path,
                     e.tensor.name + ".data_offsets",
                     e.begin < expected ? "overlaps the previous tensor" : "leaves a hole before the tensor",
                     FixCorrupt);
    }
    if (e.end > dataSize)
    {
      SS_INPUT_ERROR(path,
                     e.tensor.name + ".data_offsets",
                     "ends at byte " + std::to_string(e.end) + " beyond the data section (" + std::to_string(dataSize) +
                       " bytes): truncated",
                     FixCorrupt);
    }
    expected = e.end;
  }
  if (expected != dataSize)
  {
    SS_INPUT_ERROR(path,
                   "data",
                   std::to_string(dataSize - expected) + " bytes after the last tensor belong to no tensor",
                   FixCorrupt);
  }
  for (auto & e : entries)
  {
    e.tensor.data.resize(static_cast<std::size_t>(e.end - e.begin));
    in.read(reinterpret_cast<char *>(e.tensor.data.data()), static_cast<std::streamsize>(e.tensor.data.size()));
    if (!in)
    {
      SS_INPUT_ERROR(path, e.tensor.name, "cannot be read", FixCorrupt);
    }
    content.tensors.push_back(std::move(e.tensor));
  }
  return content;
}

} // namespace ss
