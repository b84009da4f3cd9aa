#include "ssHDF5File.h"

#include "ssError.h"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace ss
{
namespace hdf5
{

namespace
{
void SilenceHDF5()
{
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

herr_t InnermostError(unsigned int n, const H5E_error2_t * error, void * clientData)
{
  // The stack is walked from the innermost frame outwards: keep the first, it says what failed.
  auto * message = static_cast<std::string *>(clientData);
  if (n == 0 && error && error->desc)
  {
    *message = error->desc;
  }
  return 0;
}

const char * TypeClassName(H5T_class_t c)
{
  switch (c)
  {
    case H5T_INTEGER:
      return "integer";
    case H5T_FLOAT:
      return "floating point";
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    default:
      return "other";
  }
}

std::string WithReason(const std::string & problem)
{
  const std::string reason = LastErrorMessage();
  return reason.empty() ? problem : problem + " (HDF5: " + reason + ")";
}
} // namespace

std::string LastErrorMessage()
{
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, InnermostError, &message);
  return message;
}

void File::Fail(const std::string & object, const std::string & problem, const std::string & fix) const
{
  SS_INPUT_ERROR(m_ReportedPath, object, problem, fix);
}

File File::Open(const std::string & path, const std::string & what)
{
  SilenceHDF5();
  File f;
  f.m_ReportedPath = path;
  const htri_t isHDF5 = H5Fis_hdf5(path.c_str());
  if (isHDF5 <= 0)
  {
    SS_INPUT_ERROR(path,
                   what,
                   isHDF5 == 0 ? "not an HDF5 file" : "cannot open the file (missing or unreadable)",
                   "give the .h5 file Space Ranger wrote (re-download or re-copy it if it was truncated)");
  }
  f.m_File = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.m_File.IsValid())
  {
    SS_INPUT_ERROR(path, what, WithReason("cannot open the HDF5 file"), "check the file is complete and readable");
  }
  return f;
}

File File::Create(const std::string & path, const std::string & reportedPath)
{
  SilenceHDF5();
  File f;
  f.m_ReportedPath = reportedPath;
  f.m_File = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!f.m_File.IsValid())
  {
    SS_INPUT_ERROR(reportedPath,
                   "output",
                   WithReason("cannot create the HDF5 file"),
                   "check the output folder's permissions and free space");
  }
  return f;
}

bool File::Exists(const std::string & objectPath) const
{
  // H5Lexists fails (rather than returning false) when an intermediate group is missing.
  std::string prefix;
  std::size_t begin = 0;
  while (begin <= objectPath.size())
  {
    const std::size_t slash = objectPath.find('/', begin);
    const std::string part = objectPath.substr(begin, slash == std::string::npos ? std::string::npos : slash - begin);
    if (!part.empty())
    {
      prefix += (prefix.empty() ? "" : "/") + part;
      if (H5Lexists(m_File.Get(), prefix.c_str(), H5P_DEFAULT) <= 0)
      {
        return false;
      }
    }
    if (slash == std::string::npos)
    {
      break;
    }
    begin = slash + 1;
  }
  return true;
}

Handle File::OpenDataset(const std::string & dataset, H5T_class_t expected, const char * expectedName) const
{
  if (!Exists(dataset))
  {
    Fail(dataset,
         "dataset missing",
         "the file is not a complete 10x feature-barcode matrix (HDF5 format of Space Ranger / Cell Ranger 3+); "
         "re-export it");
  }
  Handle d(H5Dopen2(m_File.Get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.IsValid())
  {
    Fail(dataset, WithReason("cannot open the dataset"), "check the file is complete");
  }
  Handle type(H5Dget_type(d.Get()), H5Tclose);
  const H5T_class_t c = H5Tget_class(type.Get());
  const bool numeric = expected == H5T_NO_CLASS && (c == H5T_INTEGER || c == H5T_FLOAT);
  if (!numeric && c != expected)
  {
    Fail(dataset,
         std::string("holds ") + TypeClassName(c) + " values, expected " + expectedName,
         "the file is not a 10x feature-barcode matrix or was written by an incompatible tool");
  }
  Handle space(H5Dget_space(d.Get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.Get()) > 1)
  {
    Fail(dataset, "has more than one dimension", "the file is not a 10x feature-barcode matrix");
  }
  return d;
}

std::size_t File::Length(const std::string & dataset) const
{
  Handle d = OpenDataset(dataset, H5T_NO_CLASS, "numbers");
  Handle space(H5Dget_space(d.Get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.Get());
  return n < 0 ? 0 : static_cast<std::size_t>(n);
}

std::vector<std::string> File::ReadStrings(const std::string & dataset) const
{
  Handle d = OpenDataset(dataset, H5T_STRING, "strings");
  Handle fileType(H5Dget_type(d.Get()), H5Tclose);
  Handle space(H5Dget_space(d.Get()), H5Sclose);
  const hssize_t npoints = H5Sget_simple_extent_npoints(space.Get());
  const std::size_t n = npoints < 0 ? 0 : static_cast<std::size_t>(npoints);
  std::vector<std::string> values;
  values.reserve(n);
  if (n == 0)
  {
    return values;
  }
  Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
  // HDF5 refuses to convert between ASCII and UTF-8: read in the file's own character set.
  H5Tset_cset(memType.Get(), H5Tget_cset(fileType.Get()));
  if (H5Tis_variable_str(fileType.Get()) > 0)
  {
    H5Tset_size(memType.Get(), H5T_VARIABLE);
    std::vector<char *> pointers(n, nullptr);
    if (H5Dread(d.Get(), memType.Get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0)
    {
      Fail(dataset, WithReason("cannot read the strings"), "check the file is complete");
    }
    for (const char * p : pointers)
    {
      values.emplace_back(p ? p : "");
    }
    H5Dvlen_reclaim(memType.Get(), space.Get(), H5P_DEFAULT, pointers.data());
    return values;
  }
  const std::size_t width = H5Tget_size(fileType.Get());
  H5Tset_size(memType.Get(), width);
  H5Tset_strpad(memType.Get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(n * width, '\0');
  if (H5Dread(d.Get(), memType.Get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0)
  {
    Fail(dataset, WithReason("cannot read the strings"), "check the file is complete");
  }
  for (std::size_t i = 0; i < n; ++i)
  {
    const char * b = buffer.data() + i * width;
    values.emplace_back(b, std::find(b, b + width, '\0') - b);
  }
  return values;
}

template<typename T>
std::vector<T> File::ReadNumbers(const std::string & dataset, hid_t memoryType, bool integersOnly) const
{
  Handle d =
    integersOnly ? OpenDataset(dataset, H5T_INTEGER, "integers") : OpenDataset(dataset, H5T_NO_CLASS, "numbers");
  Handle space(H5Dget_space(d.Get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.Get());
  std::vector<T> values(n < 0 ? 0 : static_cast<std::size_t>(n));
  if (!values.empty() && H5Dread(d.Get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
  {
    Fail(dataset, WithReason("cannot read the values"), "check the file is complete (a truncated copy fails here)");
  }
  return values;
}

std::vector<std::int64_t> File::ReadInt64(const std::string & dataset) const
{
  return ReadNumbers<std::int64_t>(dataset, H5T_NATIVE_INT64, true);
}

std::vector<std::int32_t> File::ReadInt32(const std::string & dataset) const
{
  return ReadNumbers<std::int32_t>(dataset, H5T_NATIVE_INT32, true);
}

std::vector<float> File::ReadFloat(const std::string & dataset) const
{
  return ReadNumbers<float>(dataset, H5T_NATIVE_FLOAT, false);
}

void File::CreateGroup(const std::string & group)
{
  // No modification times in the object headers (HDF5 records them by default): the same
  // matrix must give the same bytes, run after run.
  Handle properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_obj_track_times(properties.Get(), false);
  Handle g(H5Gcreate2(m_File.Get(), group.c_str(), H5P_DEFAULT, properties.Get(), H5P_DEFAULT), H5Gclose);
  if (!g.IsValid())
  {
    Fail(group, WithReason("cannot create the group"), "check free space");
  }
}

namespace
{
/** A dataspace of `shape` (scalar when empty). */
Handle Dataspace(const std::vector<std::size_t> & shape)
{
  if (shape.empty())
  {
    return Handle(H5Screate(H5S_SCALAR), H5Sclose);
  }
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
}

std::size_t NumberOfElements(const std::vector<std::size_t> & shape)
{
  std::size_t n = 1;
  for (const std::size_t s : shape)
  {
    n *= s;
  }
  return n;
}

Handle UTF8StringType()
{
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.Get(), H5T_VARIABLE);
  H5Tset_cset(type.Get(), H5T_CSET_UTF8);
  return type;
}

std::vector<const char *> Pointers(const std::vector<std::string> & values)
{
  std::vector<const char *> pointers;
  pointers.reserve(values.size());
  for (const auto & v : values)
  {
    pointers.push_back(v.c_str());
  }
  return pointers;
}

template<typename T>
struct NumericType;
template<>
struct NumericType<std::uint8_t>
{
  static hid_t File() { return H5T_STD_U8LE; }
  static hid_t Memory() { return H5T_NATIVE_UINT8; }
};
template<>
struct NumericType<std::int32_t>
{
  static hid_t File() { return H5T_STD_I32LE; }
  static hid_t Memory() { return H5T_NATIVE_INT32; }
};
template<>
struct NumericType<std::int64_t>
{
  static hid_t File() { return H5T_STD_I64LE; }
  static hid_t Memory() { return H5T_NATIVE_INT64; }
};
template<>
struct NumericType<std::uint64_t>
{
  static hid_t File() { return H5T_STD_U64LE; }
  static hid_t Memory() { return H5T_NATIVE_UINT64; }
};
template<>
struct NumericType<float>
{
  static hid_t File() { return H5T_IEEE_F32LE; }
  static hid_t Memory() { return H5T_NATIVE_FLOAT; }
};
template<>
struct NumericType<double>
{
  static hid_t File() { return H5T_IEEE_F64LE; }
  static hid_t Memory() { return H5T_NATIVE_DOUBLE; }
};
} // namespace

void File::WriteDataset(const std::string & dataset,
                        hid_t fileType,
                        hid_t memoryType,
                        const void * data,
                        const std::vector<std::size_t> & shape,
                        bool shuffle)
{
  Handle space = Dataspace(shape);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(properties.Get(), false); // reproducible bytes, as for groups
  const std::size_t n = NumberOfElements(shape);
  // Space Ranger compresses its matrices; chunks of about 64 Ki values (whole rows) keep
  // partial reads cheap and the compression effective.
  constexpr std::size_t chunk = 1 << 16;
  if (!shape.empty() && n > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
  {
    std::vector<hsize_t> chunkDims(shape.begin(), shape.end());
    const std::size_t row = n / shape[0];
    chunkDims[0] = static_cast<hsize_t>(std::max<std::size_t>(1, std::min(shape[0], chunk / row)));
    H5Pset_chunk(properties.Get(), static_cast<int>(chunkDims.size()), chunkDims.data());
    if (shuffle && H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0)
    {
      H5Pset_shuffle(properties.Get());
    }
    H5Pset_deflate(properties.Get(), 4);
  }
  Handle d(H5Dcreate2(m_File.Get(), dataset.c_str(), fileType, space.Get(), H5P_DEFAULT, properties.Get(), H5P_DEFAULT),
           H5Dclose);
  if (!d.IsValid() || (n > 0 && H5Dwrite(d.Get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
  {
    Fail(dataset, WithReason("cannot write the dataset"), "check the output folder's free space");
  }
}

void File::WriteNumbers(const std::string & dataset, hid_t fileType, hid_t memoryType, const void * data, std::size_t n)
{
  WriteDataset(dataset, fileType, memoryType, data, { n }, false);
}

template<typename T>
void File::WriteArray(const std::string & dataset, const T * values, const std::vector<std::size_t> & shape)
{
  // Shuffling bytes by significance first makes gzip far better on floats and wide integers.
  WriteDataset(dataset, NumericType<T>::File(), NumericType<T>::Memory(), values, shape, sizeof(T) > 1);
}

template void File::WriteArray<std::uint8_t>(const std::string &,
                                             const std::uint8_t *,
                                             const std::vector<std::size_t> &);
template void File::WriteArray<std::int32_t>(const std::string &,
                                             const std::int32_t *,
                                             const std::vector<std::size_t> &);
template void File::WriteArray<std::int64_t>(const std::string &,
                                             const std::int64_t *,
                                             const std::vector<std::size_t> &);
template void File::WriteArray<std::uint64_t>(const std::string &,
                                              const std::uint64_t *,
                                              const std::vector<std::size_t> &);
template void File::WriteArray<float>(const std::string &, const float *, const std::vector<std::size_t> &);
template void File::WriteArray<double>(const std::string &, const double *, const std::vector<std::size_t> &);

void File::WriteBooleans(const std::string & dataset,
                         const std::vector<bool> & values,
                         const std::vector<std::size_t> & shape)
{
  if (values.size() != NumberOfElements(shape))
  {
    throw std::invalid_argument("hdf5::File::WriteBooleans: the values do not fill the shape");
  }
  Handle type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const std::int8_t no = 0;
  const std::int8_t yes = 1;
  H5Tenum_insert(type.Get(), "FALSE", &no);
  H5Tenum_insert(type.Get(), "TRUE", &yes);
  const std::vector<std::int8_t> bytes(values.begin(), values.end());
  WriteDataset(dataset, type.Get(), type.Get(), bytes.data(), shape, false);
}

void File::WriteUTF8Strings(const std::string & dataset, const std::vector<std::string> & values)
{
  Handle type = UTF8StringType();
  const std::vector<const char *> pointers = Pointers(values);
  WriteDataset(dataset, type.Get(), type.Get(), pointers.data(), { values.size() }, false);
}

void File::WriteUTF8String(const std::string & dataset, const std::string & value)
{
  Handle type = UTF8StringType();
  const char * pointer = value.c_str();
  WriteDataset(dataset, type.Get(), type.Get(), &pointer, {}, false);
}

void File::WriteAttribute(const std::string & object,
                          const std::string & name,
                          hid_t type,
                          const void * data,
                          const std::vector<std::size_t> & shape)
{
  Handle space = Dataspace(shape);
  Handle a(H5Acreate_by_name(
             m_File.Get(), object.c_str(), name.c_str(), type, space.Get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose);
  if (!a.IsValid() || (NumberOfElements(shape) > 0 && H5Awrite(a.Get(), type, data) < 0))
  {
    Fail(object + "@" + name, WithReason("cannot write the attribute"), "check the output folder's free space");
  }
}

void File::WriteUTF8StringAttribute(const std::string & object, const std::string & name, const std::string & value)
{
  Handle type = UTF8StringType();
  const char * pointer = value.c_str();
  WriteAttribute(object, name, type.Get(), &pointer, {});
}

void File::WriteUTF8StringArrayAttribute(const std::string & object,
                                         const std::string & name,
                                         const std::vector<std::string> & values)
{
  Handle type = UTF8StringType();
  const std::vector<const char *> pointers = Pointers(values);
  WriteAttribute(object, name, type.Get(), pointers.data(), { values.size() });
}

void File::WriteInt32(const std::string & dataset, const std::vector<std::int32_t> & values)
{
  WriteNumbers(dataset, H5T_STD_I32LE, H5T_NATIVE_INT32, values.data(), values.size());
}

void File::WriteInt64(const std::string & dataset, const std::vector<std::int64_t> & values)
{
  WriteNumbers(dataset, H5T_STD_I64LE, H5T_NATIVE_INT64, values.data(), values.size());
}

void File::WriteStrings(const std::string & dataset, const std::vector<std::string> & values)
{
  std::size_t width = 1;
  for (const auto & v : values)
  {
    width = std::max(width, v.size());
  }
  std::vector<char> buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
  {
    std::copy(values[i].begin(), values[i].end(), buffer.begin() + static_cast<std::ptrdiff_t>(i * width));
  }
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.Get(), width);
  H5Tset_strpad(type.Get(), H5T_STR_NULLPAD);
  WriteNumbers(dataset, type.Get(), type.Get(), buffer.data(), values.size());
}

void File::WriteStringAttribute(const std::string & object, const std::string & name, const std::string & value)
{
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.Get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.Get(), H5T_STR_NULLPAD);
  const hsize_t dims[1] = { 1 };
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle a(
    H5Acreate_by_name(
      m_File.Get(), object.c_str(), name.c_str(), type.Get(), space.Get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
    H5Aclose);
  std::string padded = value;
  padded.resize(std::max<std::size_t>(1, value.size()), '\0');
  if (!a.IsValid() || H5Awrite(a.Get(), type.Get(), padded.data()) < 0)
  {
    Fail(object + "@" + name, WithReason("cannot write the attribute"), "check the output folder's free space");
  }
}

void File::WriteInt32Attribute(const std::string & object, const std::string & name, std::int32_t value)
{
  const hsize_t dims[1] = { 1 };
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle a(
    H5Acreate_by_name(
      m_File.Get(), object.c_str(), name.c_str(), H5T_STD_I32LE, space.Get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
    H5Aclose);
  if (!a.IsValid() || H5Awrite(a.Get(), H5T_NATIVE_INT32, &value) < 0)
  {
    Fail(object + "@" + name, WithReason("cannot write the attribute"), "check the output folder's free space");
  }
}

void File::Close()
{
  if (!m_File.IsValid())
  {
    return;
  }
  const hid_t id = m_File.Get();
  const herr_t flushed = H5Fflush(id, H5F_SCOPE_LOCAL);
  m_File.Reset();
  if (flushed < 0)
  {
    Fail("output", WithReason("cannot flush the HDF5 file"), "check the output folder's free space");
  }
}

} // namespace hdf5
} // namespace ss
