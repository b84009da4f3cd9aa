#ifndef ssHDF5File_h
#define ssHDF5File_h

// Internal to SuperSpotIO (not installed): a thin RAII layer over the HDF5 C
// API, enough to read and write 10x feature-barcode matrices and to write AnnData
// .h5ad files. Exported only so the module's tests can build deliberately broken
// files with it.

#include "SuperSpotIOExport.h"

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ss
{
namespace hdf5
{

/** Owns one HDF5 identifier and closes it with the matching H5*close. Move-only. */
class SuperSpotIO_EXPORT Handle
{
public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close)
    : m_Id(id)
    , m_Close(close)
  {
  }
  ~Handle() { Reset(); }
  Handle(Handle && other) noexcept
    : m_Id(other.m_Id)
    , m_Close(other.m_Close)
  {
    other.m_Id = -1;
  }
  Handle & operator=(Handle && other) noexcept
  {
    if (this != &other)
    {
      Reset();
      m_Id = other.m_Id;
      m_Close = other.m_Close;
      other.m_Id = -1;
    }
    return *this;
  }
  Handle(const Handle &) = delete;
  Handle & operator=(const Handle &) = delete;

  hid_t Get() const { return m_Id; }
  bool IsValid() const { return m_Id >= 0; }
  void Reset()
  {
    if (m_Id >= 0 && m_Close)
    {
      m_Close(m_Id);
    }
    m_Id = -1;
  }

private:
  hid_t m_Id = -1;
  Closer m_Close = nullptr;
};

/** The innermost message of HDF5's current error stack, or "" (HDF5's own
 * printing to stderr is switched off: Slicer treats stderr output as failure). */
SuperSpotIO_EXPORT std::string LastErrorMessage();

/** \class File
 * \brief An HDF5 file opened for reading or created for writing. Every failure
 * throws ss::InputError naming the file and the object path ("matrix/indptr").
 */
class SuperSpotIO_EXPORT File
{
public:
  /** Opens read-only. `what` names the file in errors ("feature-barcode matrix"). */
  static File Open(const std::string & path, const std::string & what);
  /** Creates (truncates) `path` for writing. `reportedPath` is the name errors use
   * (the final path when `path` is a temporary). */
  static File Create(const std::string & path, const std::string & reportedPath);

  const std::string & GetPath() const { return m_ReportedPath; }
  hid_t GetId() const { return m_File.Get(); }

  /** True when every component of `objectPath` ("a/b/c") exists. */
  bool Exists(const std::string & objectPath) const;

  /** One-dimensional datasets (a scalar reads as one element). */
  std::vector<std::string> ReadStrings(const std::string & dataset) const;
  /** Integer datasets only (floating point is refused: indices must be exact). */
  std::vector<std::int64_t> ReadInt64(const std::string & dataset) const;
  std::vector<std::int32_t> ReadInt32(const std::string & dataset) const;
  /** Any numeric dataset, converted by HDF5. */
  std::vector<float> ReadFloat(const std::string & dataset) const;
  /** Number of elements of a dataset (without reading it). */
  std::size_t Length(const std::string & dataset) const;

  void CreateGroup(const std::string & group);
  /** Fixed-length, NUL-padded ASCII strings (what Space Ranger writes). */
  void WriteStrings(const std::string & dataset, const std::vector<std::string> & values);
  /** Chunked and gzip-compressed when long. */
  void WriteInt32(const std::string & dataset, const std::vector<std::int32_t> & values);
  void WriteInt64(const std::string & dataset, const std::vector<std::int64_t> & values);
  /** Attributes on an existing object ("/" for the file). */
  void WriteStringAttribute(const std::string & object, const std::string & name, const std::string & value);
  void WriteInt32Attribute(const std::string & object, const std::string & name, std::int32_t value);

  // What h5py writes for Python objects (AnnData's readers expect it): strings are
  // variable-length UTF-8, booleans an int8 enum {FALSE, TRUE}, arrays row-major.

  /** A numeric dataset of `shape` (row-major, C order; empty shape = a scalar) from
   * `values` (product of `shape` elements). Arrays are chunked along the first axis
   * (about 64 Ki values a chunk) and compressed (shuffle + gzip); scalars and empty
   * arrays are stored contiguous. Instantiated for std::uint8_t, std::int32_t,
   * std::int64_t, std::uint64_t, float and double. */
  template<typename T>
  void WriteArray(const std::string & dataset, const T * values, const std::vector<std::size_t> & shape);
  template<typename T>
  void WriteScalar(const std::string & dataset, T value)
  {
    WriteArray(dataset, &value, {});
  }
  /** Booleans as h5py stores numpy.bool_ (int8 enum FALSE = 0, TRUE = 1). */
  void WriteBooleans(const std::string & dataset,
                     const std::vector<bool> & values,
                     const std::vector<std::size_t> & shape);
  /** Variable-length UTF-8 strings: a 1-D dataset, or a scalar one. */
  void WriteUTF8Strings(const std::string & dataset, const std::vector<std::string> & values);
  void WriteUTF8String(const std::string & dataset, const std::string & value);
  /** Variable-length UTF-8 attributes: a scalar, or a 1-D array. */
  void WriteUTF8StringAttribute(const std::string & object, const std::string & name, const std::string & value);
  void WriteUTF8StringArrayAttribute(const std::string & object,
                                     const std::string & name,
                                     const std::vector<std::string> & values);
  /** Flushes and closes; errors are reported here rather than lost in a destructor. */
  void Close();

private:
  File() = default;
  Handle OpenDataset(const std::string & dataset, H5T_class_t expected, const char * expectedName) const;
  template<typename T>
  std::vector<T> ReadNumbers(const std::string & dataset, hid_t memoryType, bool integersOnly) const;
  void WriteNumbers(const std::string & dataset, hid_t fileType, hid_t memoryType, const void * data, std::size_t n);
  /** The one dataset writer: contiguous when scalar or empty, else chunked along the
   * first axis and gzip-compressed (after HDF5's shuffle filter when `shuffle`). */
  void WriteDataset(const std::string & dataset,
                    hid_t fileType,
                    hid_t memoryType,
                    const void * data,
                    const std::vector<std::size_t> & shape,
                    bool shuffle);
  void WriteAttribute(const std::string & object,
                      const std::string & name,
                      hid_t type,
                      const void * data,
                      const std::vector<std::size_t> & shape);
  [[noreturn]] void Fail(const std::string & object, const std::string & problem, const std::string & fix) const;

  Handle m_File;
  std::string m_ReportedPath;
};

} // namespace hdf5
} // namespace ss

#endif
